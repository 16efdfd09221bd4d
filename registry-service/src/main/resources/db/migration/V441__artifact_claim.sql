-- An in-flight upload's claim on a content address, committed before it writes (or reuses) the object.
-- A failed upload removes an object only when no committed artifact row and no other claim holds it, under
-- the same per-digest lock, so a concurrent upload of the same bytes never loses its blob. Claims of
-- uploads that crashed are expired by the collector after its grace period.
create table artifact_claim (
    id         uuid primary key,
    sha256     char(64) not null,
    claimed_at timestamptz not null
);
create index artifact_claim_sha_idx on artifact_claim (sha256);
