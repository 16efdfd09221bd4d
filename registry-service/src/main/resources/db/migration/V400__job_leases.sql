-- Job leases (issue 13): a claimed job carries the hash of a lease token, the API key that claimed it and an
-- expiry. Only that key with that token may report on the job; an expired lease is swept back to the queue.
-- The token itself is never stored (like API keys): a database reader cannot act as the worker.
alter table compression_job add column lease_token_hash char(64);
alter table compression_job add column lease_key_id bigint;
alter table compression_job add column lease_expires_at timestamptz;

alter table benchmark_job add column lease_token_hash char(64);
alter table benchmark_job add column lease_key_id bigint;
alter table benchmark_job add column lease_expires_at timestamptz;
-- How many leases were granted; bounds how often an expired lease re-queues the job.
alter table benchmark_job add column attempts int not null default 0;

-- The sweep looks only at running jobs whose lease is past; keep that scan small.
create index compression_job_lease_idx on compression_job (lease_expires_at) where status = 'RUNNING';
create index benchmark_job_lease_idx on benchmark_job (lease_expires_at) where status = 'RUNNING';
