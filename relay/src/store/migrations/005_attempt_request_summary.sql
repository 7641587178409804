-- What each delivery attempt sent, in a few words (event, batch size, what the sink reported),
-- for the console's per-sink run log. Never the payload itself.
alter table delivery_attempts add column request_summary text;
