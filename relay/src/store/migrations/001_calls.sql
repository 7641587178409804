-- Calls, the raw webhook log they are built from, and their state history.

-- Every webhook delivery that passed its signature check, exactly once per
-- (call, event, sequence): the dedupe key, and the source a call is rebuilt from.
create table call_events (
  -- Arrival order. `applied`: merged into its call's row. Since 007 an event is stored here
  -- and merged in one transaction; unapplied rows are ones an older relay left unmerged.
  seq         bigserial   unique,
  applied     boolean     not null default false,
  call_id     text        not null,
  event       text        not null,
  sequence    text        not null,
  provider    text        not null,
  received_at timestamptz not null default now(),
  payload     jsonb       not null,
  primary key (call_id, event, sequence)
);
create index call_events_unapplied on call_events (seq) where not applied;

-- One row per call: merged metadata (forward only) and where it is in the pipeline.
create table calls (
  id                   text primary key,
  provider             text        not null,
  agent_id             text,
  direction            text        not null default 'inbound',
  from_number          text,
  to_number            text,
  status               text,
  status_rank          integer     not null default -1,
  -- open -> completed -> analysed; 'deleted' when removed by an operator.
  stage                text        not null default 'open',
  started_at           timestamptz,
  ended_at             timestamptz,
  duration_seconds     integer,
  recording_url        text,
  consent              boolean,
  transcript_done      boolean     not null default false,
  recording_done       boolean     not null default false,
  -- Set when `completed` arrives: the call is finalised at this time, or earlier when
  -- transcript and recording are both in.
  finalise_after       timestamptz,
  -- A finaliser working on the call holds it until then; another instance may take over after.
  lease_until          timestamptz,
  finalise_attempts    integer     not null default 0,
  last_error           text,
  analysis             jsonb,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now()
);
create index calls_due on calls (finalise_after) where stage = 'completed';
create index calls_created on calls (created_at desc);

create table call_history (
  id        bigserial primary key,
  call_id   text        not null,
  at        timestamptz not null default now(),
  stage     text        not null,
  detail    text
);
create index call_history_call on call_history (call_id, id);
