package dev.modelforge.registry.auth;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every active API key's identity, by key hash, held in memory: fleets of tens of thousands of keys poll the
 * registry, and an unknown token (a random-token flood) must be refused without a database query.
 *
 * <p>A poller reads the one-row counter {@code api_key_change} every {@code modelforge.auth.key-poll-interval}
 * (250 ms); a trigger bumps it on every write to {@code api_key}, and a moved counter re-reads all active keys. The
 * bound on staleness is {@code modelforge.auth.key-cache-ttl} (1 s): the table is trusted only while its last
 * confirmation (a poll that <em>started</em> after any change it could have missed) is younger than that, so a
 * revoked key stops working on every replica within it and a new key works within it. When the database cannot be
 * polled, {@link #lookup} answers {@link Lookup#UNSURE} and each request is checked in the database again — except
 * for the keys the table knows, which keep working for {@code modelforge.auth.key-stale-if-error} (60 s) past the
 * bound (stale-if-error): a database blip must not lock out every fleet, and while the database is down nobody can
 * revoke a key there either. Unknown keys still go to the database (503 while it is down).
 *
 * <p>Time also ends keys without a write: an entry carries the instant it stops working (the key's expiry, or for a
 * rotated-out secret the end of its grace), checked on every lookup. The replica that revokes or rotates a key
 * re-reads the table at once ({@link #clear}).
 */
@ApplicationScoped
public class ApiKeyCache {
    private static final Logger LOG = Logger.getLogger(ApiKeyCache.class);

    /** What the table says about a key hash. */
    enum Lookup {
        /** an active key (take the identity from {@link ApiKeyCache#identity}) */
        KNOWN,
        /** no active key has this hash */
        UNKNOWN,
        /** the table is not confirmed recently enough: ask the database */
        UNSURE
    }

    /** {@code byHash} is concurrent: keys created here are added in place, a re-read swaps the whole table. */
    private record Table(Map<String, Entry> byHash, long seq, long confirmedAtNanos) {
    }

    /** An active secret: what it authenticates as, and until when (null: until revoked). */
    private record Entry(SecurityIdentity identity, Instant validUntil) {
        boolean validAt(Instant now) {
            return validUntil == null || now.isBefore(validUntil);
        }
    }

    @ConfigProperty(name = "modelforge.auth.key-cache-ttl", defaultValue = "1s")
    Duration ttl;

    @ConfigProperty(name = "modelforge.auth.key-stale-if-error", defaultValue = "60s")
    Duration staleIfError;

    @ConfigProperty(name = "modelforge.auth.key-poll-interval", defaultValue = "250ms")
    Duration pollInterval;

    private volatile Table table;

    private ScheduledExecutorService poller;

    void start(@Observes StartupEvent ev) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "api-key-table");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::pollQuietly, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    Lookup lookup(String keyHash) {
        Table t = table;
        if (t == null) {
            return Lookup.UNSURE;
        }
        long age = System.nanoTime() - t.confirmedAtNanos();
        if (age >= ttl.toNanos() + staleIfError.toNanos()) {
            return Lookup.UNSURE;
        }
        Entry e = t.byHash().get(keyHash);
        boolean known = e != null && e.validAt(Instant.now());
        if (age >= ttl.toNanos()) { // the poll has not succeeded for a while: a known key only, stale-if-error
            return known ? Lookup.KNOWN : Lookup.UNSURE;
        }
        return known ? Lookup.KNOWN : Lookup.UNKNOWN;
    }

    /** The identity of an active key, or null; meaningful right after {@link #lookup} said KNOWN. */
    SecurityIdentity identity(String keyHash) {
        Table t = table;
        Entry e = t == null ? null : t.byHash().get(keyHash);
        return e == null ? null : e.identity();
    }

    /** Re-reads the keys now (a key was changed on this replica). Blocking. */
    public void clear() {
        poll(true);
    }

    /**
     * After commit only: the new key works on this replica at once. Not a full re-read per key (creating 20,000 keys
     * would read the table 20,000 times); the poller re-reads once the counter moved. Synchronized with the poll,
     * so a re-read that began before this key's commit cannot swap in a table without it afterwards.
     */
    synchronized void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) ApiKeysChanged changed) {
        Table t = table;
        if (t != null) {
            t.byHash().put(changed.keyHash(), new Entry(changed.identity(), changed.expiresAt()));
        }
    }

    private void pollQuietly() {
        pollQuietly(false);
    }

    private void pollQuietly(boolean force) {
        try {
            poll(force);
        } catch (RuntimeException e) {
            // The table ages past the bound on its own; lookups then go to the database.
            LOG.debugf("API key poll failed: %s", e.getMessage());
        }
    }

    /**
     * One new transaction reads the counter and, if it moved, the keys: never the caller's transaction, whose
     * uncommitted counter bump would be recorded as seen while its key is not (and then never re-read).
     */
    private synchronized void poll(boolean force) {
        long started = System.nanoTime();
        Table t = table;
        table = QuarkusTransaction.requiringNew().call(() -> {
            long seq = ((Number) ApiKey.getEntityManager()
                    .createNativeQuery("select seq from api_key_change where id = 1").getSingleResult()).longValue();
            if (!force && t != null && t.seq() == seq) {
                return new Table(t.byHash(), seq, started);
            }
            // Read after the counter: a change committed in between moves it again and the next poll re-reads.
            Map<String, Entry> m = new ConcurrentHashMap<>();
            for (ApiKey k : ApiKey.listActive()) {
                SecurityIdentity identity = ApiKeyIdentityProvider.identityOf(k);
                m.put(k.keyHash, new Entry(identity, k.expiresAt));
                if (k.previousKeyHash != null && k.previousValidUntil != null) {
                    Instant until = k.expiresAt != null && k.expiresAt.isBefore(k.previousValidUntil)
                            ? k.expiresAt : k.previousValidUntil;
                    m.put(k.previousKeyHash, new Entry(identity, until));
                }
            }
            return new Table(m, seq, started);
        });
    }
}
