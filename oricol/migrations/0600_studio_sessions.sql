-- Studio console sessions, kept in the database so every node and worker agrees on who is signed in
-- and a sign-out ends the session everywhere at once. Only a hash of the cookie's token is stored.
create schema if not exists oricol_studio;
revoke all on schema oricol_studio from public;

create table if not exists oricol_studio.sessions (
  token_hash bytea primary key,
  csrf_token text not null,
  username text not null,
  ip text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index if not exists sessions_expiry on oricol_studio.sessions (expires_at);
