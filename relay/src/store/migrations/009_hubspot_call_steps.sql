-- Each write the HubSpot sink made for a call: the contact it used, the call engagement and the
-- follow-up task it created. HubSpot has no unique-value properties on calls or tasks, so this
-- is what keeps a retry from creating a second one. A step is inserted just before its request
-- (done_at null) and completed with the record's id once HubSpot answered; a step that stays
-- started had a request whose outcome is unknown, and the sink searches HubSpot for it by the
-- call's ai_call_id before creating anything.
create table hubspot_call_steps (
  call_id    text        not null,
  step       text        not null check (step in ('contact', 'call', 'task')),
  hubspot_id text,
  started_at timestamptz not null default now(),
  done_at    timestamptz,
  primary key (call_id, step)
);
