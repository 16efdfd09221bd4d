-- Events the broker refused (e.g. larger than the producer's max.request.size). The relay moves such a row
-- here instead of retrying it for ever, so every later event keeps flowing; an admin retries or drops it
-- through /api/v1/admin/outbox/dead-letters. seq and id are the original row's, so a retried event keeps
-- its CloudEvents id and consumers still dedupe it.
create table outbox_dead_letter (
    seq            bigint primary key,
    id             uuid not null unique,
    aggregate_type varchar(50) not null,
    aggregate_id   varchar(100) not null,
    event_type     varchar(100) not null,
    topic          varchar(200) not null,
    record_key     varchar(200) not null,
    payload        jsonb not null,
    created_at     timestamptz not null,
    parked_at      timestamptz not null,
    error          text not null
);
