-- What the relay wrote to HubSpot: caller -> contact, call -> engagement. HubSpot's search index
-- lags writes, so a caller who rings back at once is found here, never created twice. Keys are
-- phone numbers and emails, so only their keyed hash (HMAC-SHA256 with LOOKUP_KEY) is stored.
create table hubspot_mappings (
  kind       text        not null,
  key_hash   text        not null,
  hubspot_id text        not null,
  updated_at timestamptz not null default now(),
  primary key (kind, key_hash)
);
