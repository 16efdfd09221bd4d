package dev.modelforge.registry.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports parked events. Stays UP: every replica shares the one dead-letter table, so DOWN would take the
 * whole registry out of the load balancer over one refused event, while uploads and queries still work.
 * The check says {@code degraded} with the count instead, for dashboards and alerts (and the
 * {@code modelforge_outbox_dead_letters} gauge says it to Prometheus).
 */
@Readiness
@ApplicationScoped
public class OutboxReadinessCheck implements HealthCheck {
    @Inject
    DeadLetters deadLetters;

    @Override
    public HealthCheckResponse call() {
        long parked = deadLetters.count();
        var b = HealthCheckResponse.named("outbox").up().withData("parkedEvents", parked);
        if (parked > 0) {
            b.withData("degraded", parked + " event(s) refused by the broker are parked; see "
                    + "GET /api/v1/admin/outbox/dead-letters");
        }
        return b.build();
    }
}
