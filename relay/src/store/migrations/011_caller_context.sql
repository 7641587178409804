-- Caller context at call start. Phone numbers are sealed at rest, so past calls are found by a
-- keyed hash of the customer's normalised number (HMAC-SHA256 with LOOKUP_KEY), set when a call
-- is analysed: the number itself is never stored in the clear, and the index answers "who is
-- this" without opening every row.
alter table calls add column caller_key text;
create index calls_caller on calls (caller_key, started_at desc) where caller_key is not null;

-- What each agent was told at call start (or when it asked mid-call): the context as given,
-- sealed, and which sources answered. Retell's inbound webhook comes before the call exists, so
-- its rows have no call id and are matched to the call by caller and time.
create table caller_context_given (
  id         bigserial   primary key,
  given_at   timestamptz not null default now(),
  platform   text        not null,
  kind       text        not null,
  call_id    text,
  agent_id   text,
  caller_key text,
  known      boolean     not null,
  sources    jsonb       not null,
  context    text        not null
);
create index caller_context_given_caller on caller_context_given (caller_key, given_at desc);
create index caller_context_given_call on caller_context_given (call_id) where call_id is not null;
