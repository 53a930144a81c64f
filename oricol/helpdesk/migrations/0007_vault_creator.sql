-- The vault's creator column: the sealing trigger is security definer, so current_user is its owner
-- there; who is calling is auth.uid() (null for the system, which may name the creator itself).
create or replace function helpdesk.seal_credential() returns trigger
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
  if tg_op = 'INSERT' and auth.uid() is not null then
    new.created_by := auth.uid();
  elsif tg_op = 'UPDATE' then
    new.created_by := old.created_by;
  end if;
  return new;
end
$$;
