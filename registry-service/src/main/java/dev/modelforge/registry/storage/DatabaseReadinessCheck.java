package dev.modelforge.registry.storage;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Ready only when PostgreSQL answers. Replaces the datasource extension's check, whose answer carries the driver's
 * error message (host and port) to anonymous callers; here the reason goes to the log only.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(DatabaseReadinessCheck.class);

    @Inject
    AgroalDataSource dataSource;

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("database");
        try (Connection c = dataSource.getConnection()) {
            return b.status(c.isValid(5)).build();
        } catch (SQLException e) {
            LOG.warnf("readiness: database unreachable: %s", e.getMessage());
            return b.down().build();
        }
    }
}
