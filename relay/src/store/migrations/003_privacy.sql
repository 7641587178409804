-- Data protection: when a call's transcript and recording were purged by retention, and when an
-- operator deleted the call. Both end its transcript link (410 Gone).
alter table calls add column purged_at timestamptz;
alter table calls add column deleted_at timestamptz;
-- The retention sweep looks for calls still holding text, oldest end first.
create index calls_retention on calls ((coalesce(ended_at, created_at))) where purged_at is null and stage <> 'deleted';
