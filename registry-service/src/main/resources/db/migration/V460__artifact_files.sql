-- Model directories (model.onnx plus external-data files, for models past protobuf's 2 GB limit): the
-- version's artifact is a JSON manifest, and these rows list its files. Each file is an artifact of its own
-- (content-addressed, so shared bytes are stored once), which keeps it from the blob collector for as long
-- as the manifest row exists.
create table artifact_file (
    artifact_sha256 char(64) not null references artifact (sha256),
    path            text     not null,
    file_sha256     char(64) not null references artifact (sha256),
    size_bytes      bigint   not null,
    primary key (artifact_sha256, path)
);
create index artifact_file_file_idx on artifact_file (file_sha256);
