-- Console sign-ins, so signing out (or an operator ending a session) takes effect on every relay
-- instance at once, not only when the signed cookie expires.
create table console_sessions (
  sid         text primary key,
  username    text        not null,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  revoked_at  timestamptz
);
create index console_sessions_expiry on console_sessions (expires_at);
