-- Promotion audit log (issue 7). Append-only except for the review columns of a pending decision. The serving
-- variant of (model, profile) at time T is the one of the latest row with effective_at <= T.
create table promotion (
    seq              bigint generated always as identity unique,
    id               uuid primary key,
    model_id         bigint not null references model (id),
    profile          varchar(64) not null,
    kind             varchar(20) not null,
    outcome          varchar(30) not null,
    approval         varchar(20),
    variant_id       uuid references variant (id),
    decided_version  int,
    previous_variant uuid references variant (id),
    reason           text not null,
    verdicts         jsonb not null,
    decided_by       varchar(300) not null,
    decided_at       timestamptz not null,
    effective_at     timestamptz,
    reviewed_by      varchar(300),
    reviewed_at      timestamptz,
    review_comment   text
);
create index promotion_model_profile_idx on promotion (model_id, profile, seq);
create index promotion_effective_idx on promotion (model_id, profile, effective_at) where effective_at is not null;
