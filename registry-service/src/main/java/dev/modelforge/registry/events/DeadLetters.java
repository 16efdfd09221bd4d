package dev.modelforge.registry.events;

import dev.modelforge.api.event.DeadLetterDto;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The outbox's dead-letter table: events the broker refused for good, parked so later events flow, until
 * an admin retries (after raising the broker's limit, say) or drops them. Rows move between
 * {@code outbox_event} and {@code outbox_dead_letter} with their CloudEvents id, so a retried event is still
 * deduplicated by consumers that somehow saw it.
 */
// Created at boot so its meters exist before anything is parked or the readiness probe first asks: a scrape of a
// fresh registry shows modelforge_outbox_dead_letters 0, not a missing series.
@Startup
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final String COLUMNS = "id, aggregate_type, aggregate_id, event_type, topic, record_key, payload, "
            + "created_at";
    /** Longest broker error kept per row; the rest is noise. */
    private static final int MAX_ERROR_CHARS = 2000;

    @Inject
    EntityManager em;

    @Inject
    MeterRegistry meters;

    @Inject
    OutboxRelay relay;

    private final AtomicLong parkedNow = new AtomicLong();
    private Counter parkedTotal;

    @PostConstruct
    void init() {
        parkedTotal = Counter.builder("modelforge.outbox.parked").description("events the broker refused, parked")
                .register(meters);
        Gauge.builder("modelforge.outbox.dead.letters", parkedNow, AtomicLong::get)
                .description("events waiting in the dead-letter table").register(meters);
    }

    /** Moves {@code e} from the outbox to the dead-letter table, inside the relay's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    void park(OutboxEvent e, Throwable error) {
        String reason = String.valueOf(error);
        LOG.errorf("outbox event %s (%s, %s/%s, %d payload chars) refused by the broker, parked: %s", e.id,
                e.eventType, e.aggregateType, e.aggregateId, e.payload.length(), reason);
        em.detach(e);
        em.createNativeQuery("with moved as (delete from outbox_event where seq = :seq returning *) "
                        + "insert into outbox_dead_letter (seq, " + COLUMNS + ", parked_at, error) "
                        + "select seq, " + COLUMNS + ", now(), :error from moved")
                .setParameter("seq", e.seq)
                .setParameter("error", reason.length() > MAX_ERROR_CHARS ? reason.substring(0, MAX_ERROR_CHARS) : reason)
                .executeUpdate();
        parkedTotal.increment();
        parkedNow.incrementAndGet();
    }

    /** Parked events, oldest first, without payloads. */
    public List<DeadLetterDto> list(int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select id, aggregate_type, aggregate_id, event_type, topic, "
                + "octet_length(payload::text), created_at, parked_at, error from outbox_dead_letter order by seq")
                .setMaxResults(limit).getResultList();
        return rows.stream().map(DeadLetters::dto).toList();
    }

    /** How many events are parked; refreshes the gauge. */
    public long count() {
        long n = QuarkusTransaction.joiningExisting().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from outbox_dead_letter").getSingleResult()).longValue());
        parkedNow.set(n);
        return n;
    }

    /** One parked event with its payload, if it is parked. */
    public Optional<String> payload(UUID id) {
        @SuppressWarnings("unchecked")
        List<Object> r = em.createNativeQuery("select payload::text from outbox_dead_letter where id = :id")
                .setParameter("id", id).getResultList();
        return r.stream().findFirst().map(String::valueOf);
    }

    /**
     * Puts a parked event back at the end of the outbox (a new seq: it is relayed after everything already
     * queued) and wakes the relay once this commits.
     *
     * @return false if no such event is parked
     */
    @Transactional
    public boolean retry(UUID id) {
        int moved = em.createNativeQuery("with moved as (delete from outbox_dead_letter where id = :id returning *) "
                + "insert into outbox_event (" + COLUMNS + ") select " + COLUMNS + " from moved")
                .setParameter("id", id).executeUpdate();
        if (moved > 0) {
            parkedNow.decrementAndGet();
            relay.wakeUpAfterCommit();
        }
        return moved > 0;
    }

    /** Forgets a parked event for good. @return false if no such event is parked */
    @Transactional
    public boolean drop(UUID id) {
        int n = em.createNativeQuery("delete from outbox_dead_letter where id = :id").setParameter("id", id)
                .executeUpdate();
        if (n > 0) {
            LOG.warnf("parked outbox event %s dropped by an admin", id);
            parkedNow.decrementAndGet();
        }
        return n > 0;
    }

    private static DeadLetterDto dto(Object[] r) {
        return new DeadLetterDto((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                ((Number) r[5]).longValue(), instant(r[6]), instant(r[7]), (String) r[8]);
    }

    private static Instant instant(Object o) {
        if (o instanceof Instant i) {
            return i;
        }
        if (o instanceof Timestamp t) {
            return t.toInstant();
        }
        if (o instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        return null;
    }
}
