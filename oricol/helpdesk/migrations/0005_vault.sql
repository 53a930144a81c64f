-- The credentials vault. Secrets are encrypted at rest inside PostgreSQL with only built-in
-- functions, because the embedded PostgreSQL wheel has no pgcrypto while Debian's server has it:
-- one design that works on both. The construction is encrypt-then-MAC:
--   enc_key = sha256(master || 'enc'), mac_key = sha256(master || 'mac'), nonce = 16 random bytes,
--   keystream block i = sha256(enc_key || nonce || i) (SHA-256 as a PRF in counter mode),
--   ciphertext = utf8(plain) xor keystream, tag = HMAC-SHA256(mac_key, 'v1' || nonce || ciphertext),
--   stored as 'v1' || nonce || tag || ciphertext.
-- The 64-byte master key lives in helpdesk_private.vault_key, a schema no API role can reach; only
-- the security definer functions below read it, and only admins may call the one that decrypts
-- (each call is written to helpdesk.audit_log). See docs/helpdesk.md for what this protects.

create table helpdesk_private.vault_key (
  id int primary key default 1 check (id = 1),
  master bytea not null
);
insert into helpdesk_private.vault_key (master)
select extensions.gen_random_bytes(32) || extensions.gen_random_bytes(32);
revoke all on all tables in schema helpdesk_private from public, anon, authenticated, service_role;

create function helpdesk_private.xor_bytes(a bytea, b bytea) returns bytea
language plpgsql immutable strict set search_path = '' as $$
declare
  out bytea := a;
  i int;
begin
  for i in 0 .. length(a) - 1 loop
    out := set_byte(out, i, get_byte(a, i) # get_byte(b, i));
  end loop;
  return out;
end
$$;

create function helpdesk_private.hmac_sha256(key bytea, message bytea) returns bytea
language sql immutable strict set search_path = '' as $$
  select sha256(helpdesk_private.xor_bytes(k, decode(repeat('5c', 64), 'hex'))
                || sha256(helpdesk_private.xor_bytes(k, decode(repeat('36', 64), 'hex')) || message))
  from (select key || decode(repeat('00', 64 - length(key)), 'hex') as k) padded  -- keys here are 32 bytes
$$;

create function helpdesk_private.keystream(key bytea, nonce bytea, n int) returns bytea
language sql immutable strict set search_path = '' as $$
  select coalesce(substring(string_agg(sha256(key || nonce || int4send(i)), ''::bytea order by i) from 1 for n), ''::bytea)
  from generate_series(0, greatest((n + 31) / 32 - 1, 0)) i
$$;

create function helpdesk_private.vault_encrypt(plain text) returns bytea
language plpgsql volatile strict security definer set search_path = '' as $$
declare
  master bytea := (select v.master from helpdesk_private.vault_key v where v.id = 1);
  nonce bytea := extensions.gen_random_bytes(16);
  data bytea := convert_to(plain, 'UTF8');
  ct bytea;
begin
  ct := helpdesk_private.xor_bytes(data, helpdesk_private.keystream(sha256(master || 'enc'::bytea), nonce, length(data)));
  return 'v1'::bytea || nonce || helpdesk_private.hmac_sha256(sha256(master || 'mac'::bytea), 'v1'::bytea || nonce || ct) || ct;
end
$$;

create function helpdesk_private.vault_decrypt(sealed bytea) returns text
language plpgsql stable strict security definer set search_path = '' as $$
declare
  master bytea := (select v.master from helpdesk_private.vault_key v where v.id = 1);
  nonce bytea;
  tag bytea;
  ct bytea;
begin
  if length(sealed) < 50 or substring(sealed from 1 for 2) <> 'v1'::bytea then
    raise exception 'the stored secret is not in the vault''s format' using errcode = '22023';
  end if;
  nonce := substring(sealed from 3 for 16);
  tag := substring(sealed from 19 for 32);
  ct := substring(sealed from 51);
  if helpdesk_private.hmac_sha256(sha256(master || 'mac'::bytea), 'v1'::bytea || nonce || ct) <> tag then
    raise exception 'the stored secret failed its integrity check' using errcode = '22023';
  end if;
  return convert_from(helpdesk_private.xor_bytes(ct, helpdesk_private.keystream(sha256(master || 'enc'::bytea), nonce, length(ct))), 'UTF8');
end
$$;
revoke execute on all functions in schema helpdesk_private from public, anon, authenticated, service_role;

-- Writing a secret: set `new_secret`; this trigger seals it into `secret` and clears the plain text
-- before the row is stored.
create function helpdesk.seal_credential() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.new_secret is not null then
    new.secret := helpdesk_private.vault_encrypt(new.new_secret);
    new.new_secret := null;
    if tg_op = 'UPDATE' then
      insert into helpdesk.audit_log (actor_id, action, entity, entity_id)
      values (auth.uid(), 'credential.secret_changed', 'credentials', new.id::text);
    end if;
  end if;
  if tg_op = 'INSERT' and current_user = 'authenticated' then
    new.created_by := auth.uid();
  end if;
  return new;
end
$$;
create trigger a_seal before insert or update on helpdesk.credentials
  for each row execute function helpdesk.seal_credential();

-- The only way to read a secret: admins only, and every reveal is logged.
create function helpdesk.reveal_credential(id uuid) returns text
language plpgsql volatile security definer set search_path = '' as $$
declare
  sealed bytea;
begin
  if helpdesk.my_role() is distinct from 'admin' then
    raise exception 'only an admin may reveal a credential' using errcode = '42501';
  end if;
  select c.secret into sealed from helpdesk.credentials c where c.id = reveal_credential.id;
  if not found then
    raise exception 'no such credential' using errcode = 'P0002';
  end if;
  insert into helpdesk.audit_log (actor_id, action, entity, entity_id)
  values (auth.uid(), 'credential.reveal', 'credentials', reveal_credential.id::text);
  return helpdesk_private.vault_decrypt(sealed);
end
$$;
