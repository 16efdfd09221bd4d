package dev.modelforge.worker.benchmark.job;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Down when a profile's consumer thread has died (the worker would otherwise look healthy while no longer
 * serving the profile); the orchestrator then restarts it and the uncommitted job is delivered again.
 */
@Liveness
@ApplicationScoped
public class ConsumersLiveness implements HealthCheck {

    private final ProfileJobConsumers consumers;

    ConsumersLiveness(ProfileJobConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, Boolean> threads = consumers.consumerThreads();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("benchmark-consumers")
                .status(!threads.isEmpty() && !threads.containsValue(false));
        threads.forEach((name, alive) -> b.withData(name, alive ? "running" : "stopped"));
        return b.build();
    }
}
