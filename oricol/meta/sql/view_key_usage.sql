-- Which base-table columns each view reads, so a foreign key of a base table can be followed through a
-- view that keeps the key's columns under the same names (as the REST layer's schema cache does).
select u.view_schema::text as view_schema, u.view_name::text as view_name,
       u.table_schema::text as table_schema, u.table_name::text as table_name,
       json_agg(u.column_name::text order by u.column_name) as columns
from information_schema.view_column_usage u
group by u.view_schema, u.view_name, u.table_schema, u.table_name
