-- Web console sessions (issue 17). The browser holds only a random session id in an HttpOnly cookie; we store its
-- SHA-256, so a database dump gives no usable session. The CSRF token of the session's forms lives on the same row,
-- so signing out or expiry invalidates both at once. Deleting a key's row is never needed: a revoked key's sessions
-- stop working at the next request because the key is re-checked every time.
create table ui_session (
    id_hash     char(64) primary key,
    api_key_id  bigint not null references api_key (id),
    csrf_token  varchar(64) not null,
    created_at  timestamptz not null,
    expires_at  timestamptz not null
);
create index ui_session_expires_idx on ui_session (expires_at);
