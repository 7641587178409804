-- Work set aside because it failed for a reason of its own, so that it never holds up the rest:
-- an acknowledged webhook event whose import fails alone (kind 'event'), an intake batch that
-- cannot be opened ('batch'), a call whose finalisation keeps failing ('call') and a delivery
-- whose stored snapshot cannot be read or whose sink fails on it alone ('delivery'). The payload
-- is what was set aside (the event, the batch), sealed like every other payload; the error says why.
create table quarantine (
  id             bigserial   primary key,
  kind           text        not null,
  call_id        text,
  source         text,
  error          text        not null,
  payload        text,
  quarantined_at timestamptz not null default now()
);
create index quarantine_at on quarantine (quarantined_at desc);
