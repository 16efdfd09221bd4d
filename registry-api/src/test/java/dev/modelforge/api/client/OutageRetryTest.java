package dev.modelforge.api.client;

import dev.modelforge.api.client.OutageRetry.Verdict;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class OutageRetryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final OutageRetry.Settings SETTINGS = new OutageRetry.Settings(Duration.ofSeconds(1),
            Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofMinutes(10), 3);

    @Test
    void outageBackoffDoublesUpToTheCap() {
        OutageRetry retry = new OutageRetry(SETTINGS);
        Instant lease = T0.plus(Duration.ofHours(1));
        long[] waits = new long[7];
        for (int i = 0; i < waits.length; i++) {
            OutageRetry.Decision d = retry.onFailure(true, "refused", T0, lease);
            assertThat(d.verdict()).isEqualTo(Verdict.RETRY);
            waits[i] = d.delay().toSeconds();
        }
        assertThat(waits).containsExactly(1, 2, 4, 8, 15, 15, 15);
    }

    @Test
    void aLeasedDeliveryRidesOutTheOutageUntilTheLeaseNearsExpiryThenIsAbandonedNotDeadLettered() {
        OutageRetry retry = new OutageRetry(SETTINGS);
        Instant lease = T0.plus(Duration.ofSeconds(60));
        Instant now = T0;
        OutageRetry.Decision d;
        int retries = 0;
        while ((d = retry.onFailure(true, "503", now, lease)).verdict() == Verdict.RETRY) {
            now = now.plus(d.delay());
            retries++;
        }
        assertThat(d.verdict()).isEqualTo(Verdict.ABANDON);
        assertThat(retries).isGreaterThan(3); // far more than the old 3 attempts over 6 s
        assertThat(now).isBefore(lease.minus(SETTINGS.leaseMargin()).plusMillis(1));
        assertThat(now.plus(SETTINGS.maxBackoff()).plus(SETTINGS.leaseMargin())).isAfterOrEqualTo(lease);
    }

    @Test
    void anUnleasedDeliveryIsDeadLetteredOnlyAfterThePatience() {
        OutageRetry retry = new OutageRetry(SETTINGS);
        Instant now = T0;
        OutageRetry.Decision d;
        while ((d = retry.onFailure(true, "refused", now, null)).verdict() == Verdict.RETRY) {
            now = now.plus(d.delay());
        }
        assertThat(d.verdict()).isEqualTo(Verdict.DEAD_LETTER);
        assertThat(Duration.between(T0, now)).isGreaterThan(Duration.ofMinutes(9));
        assertThat(d.reason()).contains("unreachable");
    }

    @Test
    void aBugIsRetriedAFewTimesThenDeadLettered() {
        OutageRetry retry = new OutageRetry(SETTINGS);
        Instant lease = T0.plus(Duration.ofHours(1));
        assertThat(retry.onFailure(false, "NPE", T0, lease).verdict()).isEqualTo(Verdict.RETRY);
        assertThat(retry.onFailure(false, "NPE", T0, lease).verdict()).isEqualTo(Verdict.RETRY);
        OutageRetry.Decision last = retry.onFailure(false, "NPE", T0, lease);
        assertThat(last.verdict()).isEqualTo(Verdict.DEAD_LETTER);
        assertThat(last.reason()).startsWith("attempt 3/3");
    }

    @Test
    void aSuccessRestartsTheBackoff() {
        OutageRetry retry = new OutageRetry(SETTINGS);
        Instant lease = T0.plus(Duration.ofHours(1));
        retry.onFailure(true, "x", T0, lease);
        retry.onFailure(true, "x", T0, lease);
        assertThat(retry.onFailure(true, "x", T0, lease).delay()).isEqualTo(Duration.ofSeconds(4));
        retry.onSuccess();
        assertThat(retry.onFailure(true, "x", T0, lease).delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void transientStatusesAreLaterNotNever() {
        assertThat(OutageRetry.isTransientStatus(503)).isTrue();
        assertThat(OutageRetry.isTransientStatus(500)).isTrue();
        assertThat(OutageRetry.isTransientStatus(408)).isTrue();
        assertThat(OutageRetry.isTransientStatus(429)).isTrue();
        assertThat(OutageRetry.isTransientStatus(400)).isFalse();
        assertThat(OutageRetry.isTransientStatus(404)).isFalse();
        assertThat(OutageRetry.isTransientStatus(422)).isFalse();
    }

    @Test
    void connectionFailuresAreFoundInTheCauseChainButAPlainIoErrorIsNot() {
        assertThat(OutageRetry.isConnectionFailure(new RuntimeException(new ConnectException("refused")))).isTrue();
        assertThat(OutageRetry.isConnectionFailure(new UncheckedIOException(new SocketTimeoutException()))).isTrue();
        assertThat(OutageRetry.isConnectionFailure(new IOException("checksum mismatch"))).isFalse();
        assertThat(OutageRetry.isConnectionFailure(new NullPointerException())).isFalse();
    }

    @Test
    void theHeartbeatMovesTheKnownExpiryForwardOnEveryConfirmedCall() {
        Instant claimed = Instant.now();
        try (LeaseHeartbeat hb = LeaseHeartbeat.start("t", claimed.plusSeconds(30).toString(), claimed,
                () -> true)) {
            assertThat(hb.expiresAt()).isEqualTo(claimed.plusSeconds(30));
            hb.confirmed(claimed.plusSeconds(10));
            assertThat(hb.expiresAt()).isEqualTo(claimed.plusSeconds(40));
            hb.confirmed(claimed.plusSeconds(5)); // an older confirmation never shortens it
            assertThat(hb.expiresAt()).isEqualTo(claimed.plusSeconds(40));
        }
    }
}
