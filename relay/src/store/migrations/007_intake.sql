-- Webhooks as acknowledged: one row per group commit holding that batch's events, sealed as one
-- value. A webhook waits for this one-row write only; deduplication into call_events and the
-- merge into calls happen together afterwards, in one transaction that also deletes the row.
create table intake (
  id          bigserial   primary key,
  received_at timestamptz not null default now(),
  events      integer     not null,
  body        text        not null
);
-- The sealed batch is random bytes in base64: compressing it only costs time.
alter table intake alter column body set storage external;
