-- Benchmark jobs and results (issue 6). One job per (variant, profile) and measurement round; a re-benchmark is a
-- new job. The result's primary key is its job id, which makes the worker's POST idempotent.
create table benchmark_job (
    id          uuid primary key,
    variant_id  uuid not null references variant (id),
    version_id  bigint not null references model_version (id),
    profile     varchar(64) not null,
    status      varchar(20) not null,
    reason      varchar(32) not null,
    worker_id   varchar(200),
    error       text,
    -- false until a promotion decision has taken this job's outcome into account (see PromotionTrigger)
    decided     boolean not null default false,
    created_at  timestamptz not null,
    started_at  timestamptz,
    updated_at  timestamptz not null,
    finished_at timestamptz
);
create index benchmark_job_version_profile_idx on benchmark_job (version_id, profile);
create index benchmark_job_variant_idx on benchmark_job (variant_id, profile);
create index benchmark_job_undecided_idx on benchmark_job (decided) where not decided;

create table benchmark_result (
    job_id      uuid primary key references benchmark_job (id),
    variant_id  uuid not null references variant (id),
    profile     varchar(64) not null,
    status      varchar(10) not null,
    ort_version varchar(64),
    emulated    boolean not null,
    result      jsonb not null,
    measured_at timestamptz,
    received_at timestamptz not null
);
create index benchmark_result_variant_idx on benchmark_result (variant_id, profile, received_at);
