-- Which base-table columns each view in the exposed schemas ($1) reads, so foreign keys of the
-- base tables can be followed through views that keep the key columns under the same names.
select u.view_schema, u.view_name, u.table_schema, u.table_name, array_agg(u.column_name::text) as columns
from information_schema.view_column_usage u
where u.view_schema = any($1::text[])
group by u.view_schema, u.view_name, u.table_schema, u.table_name
