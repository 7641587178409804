-- The outbox: one delivery per call and sink, written in the same transaction that
-- finalises the call, so an analysed call can never be forgotten.
create table deliveries (
  id              bigserial primary key,
  call_id         text        not null,
  sink            text        not null,
  event_type      text        not null default 'call_completed',
  -- pending -> delivered, or dead after the last try; replay puts a dead one back to pending.
  status          text        not null default 'pending',
  attempts        integer     not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until     timestamptz,
  last_error      text,
  snapshot        jsonb       not null,
  call_ended_at   timestamptz,
  created_at      timestamptz not null default now(),
  delivered_at    timestamptz,
  unique (call_id, sink, event_type)
);
create index deliveries_due on deliveries (next_attempt_at) where status = 'pending';

-- Deliveries that used up their tries, with the last error, until replayed.
create table dead_letters (
  delivery_id bigint primary key references deliveries (id),
  call_id     text        not null,
  sink        text        not null,
  attempts    integer     not null,
  error       text        not null,
  dead_at     timestamptz not null default now()
);

-- Every delivery attempt: the per-sink run log the console shows.
create table delivery_attempts (
  id          bigserial primary key,
  delivery_id bigint      not null references deliveries (id),
  attempt     integer     not null,
  at          timestamptz not null default now(),
  outcome     text        not null,
  error       text,
  latency_ms  integer     not null
);
create index delivery_attempts_delivery on delivery_attempts (delivery_id, id);

-- What a CRM would have received, when no CRM is configured.
create table dry_run_requests (
  id         bigserial primary key,
  sink       text        not null,
  call_id    text        not null,
  request    jsonb       not null,
  created_at timestamptz not null default now()
);
create index dry_run_requests_call on dry_run_requests (call_id);
