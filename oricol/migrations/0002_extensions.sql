-- pgcrypto and uuid-ossp live in the `extensions` schema, as on Supabase. Where the server lacks
-- them (some minimal builds), uuid_generate_v4 and gen_random_bytes are provided in SQL from the
-- built-in gen_random_uuid(); crypt() and gen_salt() have no such stand-in and stay missing.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pgcrypto') then
    create extension if not exists pgcrypto with schema extensions;
  else
    raise warning 'pgcrypto is not installed on this server: crypt() and gen_salt() are unavailable';
    execute $f$
      create or replace function extensions.gen_random_bytes(n integer) returns bytea
      language sql volatile parallel safe as $b$
        select substring(string_agg(uuid_send(gen_random_uuid()), ''::bytea) from 1 for n)
        from generate_series(1, (n + 15) / 16)
      $b$
    $f$;
  end if;
  if exists (select 1 from pg_available_extensions where name = 'uuid-ossp') then
    create extension if not exists "uuid-ossp" with schema extensions;
  else
    execute $f$
      create or replace function extensions.uuid_generate_v4() returns uuid
      language sql volatile parallel safe as 'select gen_random_uuid()'
    $f$;
  end if;
end
$$;
grant execute on all functions in schema extensions to postgres, anon, authenticated, service_role;
