-- Realtime: Broadcast from the database, as Supabase offers it. `realtime.send` writes a message row;
-- the realtime server reads inserts into realtime.messages from the WAL (publication
-- oricol_realtime_messages, inserts only) and broadcasts each to the channels of its topic: private
-- messages to private channels (whose readers passed the RLS check on realtime.messages at join),
-- public ones to public channels. `realtime.broadcast_changes` is the trigger helper built on it.
-- Rows older than three days are deleted by the server that reads the slot.
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'oricol_realtime_messages') then
    create publication oricol_realtime_messages for table realtime.messages with (publish = 'insert');
  end if;
end
$$;

create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
  message_id uuid := gen_random_uuid();
begin
  begin
    -- the id travels in the payload (unless it has one) and as the message's meta.id
    if not (payload ? 'id') then
      payload := jsonb_set(payload, '{id}', to_jsonb(message_id));
    end if;
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (message_id, payload, event, topic, private, 'broadcast');
  exception when others then
    -- a broadcast must never break the transaction that sends it (as Supabase's does not)
    raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end
$$;

create or replace function realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text default 'ROW'
) returns void
language plpgsql
as $$
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation not in ('INSERT', 'UPDATE', 'DELETE') then
    raise exception 'Unexpected operation type: %', operation;
  end if;
  perform realtime.send(
    jsonb_build_object('old_record', old, 'record', new, 'operation', operation, 'table', table_name,
                       'schema', table_schema),
    event_name, topic_name);
end
$$;

grant execute on function realtime.send(jsonb, text, text, boolean) to anon, authenticated, service_role;
grant execute on function realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  to anon, authenticated, service_role;
