-- Compression jobs and variants (issue 5).
-- One job per (version, recipe): the planner deduplicates recipes shared by several profiles, and the
-- unique key makes planning idempotent (an upload retried, a backfill run twice).
create table compression_job (
    id               uuid primary key,
    version_id       bigint not null references model_version (id),
    recipe           jsonb not null,
    recipe_hash      char(64) not null,
    profiles         text[] not null,
    status           varchar(20) not null,
    attempts         int not null default 0,
    progress_percent int not null default 0 check (progress_percent between 0 and 100),
    worker_id        varchar(200),
    error            text,
    variant_id       uuid,
    created_at       timestamptz not null,
    started_at       timestamptz,
    updated_at       timestamptz not null,
    finished_at      timestamptz,
    unique (version_id, recipe_hash)
);

-- A variant is identified by what produced it: the same input, recipe and tool version give the same bytes,
-- so a redelivered job or a retried registration finds the existing row instead of adding a second one.
create table variant (
    id              uuid primary key,
    version_id      bigint not null references model_version (id),
    recipe          jsonb not null,
    recipe_hash     char(64) not null,
    tool_version    varchar(100) not null,
    artifact_sha256 char(64) not null references artifact (sha256),
    report          jsonb,
    profiles        text[] not null,
    job_id          uuid references compression_job (id),
    created_at      timestamptz not null,
    unique (version_id, recipe_hash, tool_version)
);
create index variant_artifact_idx on variant (artifact_sha256);
