-- Who holds a lease: the key of the relay instance that claimed the call or delivery. On
-- PostgreSQL each running instance holds a session-level advisory lock on its key
-- (store/leases.ts); when its process dies the lock goes with its connection, and the leases it
-- held are released at once rather than when they run out. Null: claimed before this column, or
-- by a store no other instance shares (PGlite).
alter table calls add column lease_owner integer;
alter table deliveries add column lease_owner integer;
