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

-- The portal's request budget, shared by every relay on this store (PostgreSQL): each relay
-- records a request here before sending it, and only while the last 10 seconds and today hold
-- fewer than the budget, so N relays together stay under HubSpot's limits. A 429's
-- Retry-After pauses them all.
create table hubspot_requests (
  sent_at timestamptz not null default clock_timestamp(),
  search  boolean     not null default false
);
create index hubspot_requests_sent_at on hubspot_requests (sent_at);
create table hubspot_daily_requests (
  day   date    primary key,
  count integer not null
);
create table hubspot_pause (
  id     integer     primary key check (id = 1),
  until  timestamptz not null,
  reason text        not null
);
