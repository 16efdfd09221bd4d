-- Every replica holds the active API keys in memory (an unknown token is refused without a query) and re-reads
-- them when this counter moves. A statement-level trigger bumps it on any write to api_key, whatever code path or
-- hand-written SQL made it, so a revocation reaches every replica within one poll interval.
create table api_key_change (
    id  smallint primary key check (id = 1),
    seq bigint not null
);
insert into api_key_change (id, seq) values (1, 0);

create function api_key_changed() returns trigger language plpgsql as $$
begin
    update api_key_change set seq = seq + 1 where id = 1;
    return null;
end
$$;

create trigger api_key_changed after insert or update or delete or truncate on api_key
    for each statement execute function api_key_changed();
