package dev.modelforge.registry.ui;

import io.quarkus.hibernate.orm.PersistenceUnitExtension;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * Records the SQL statements Hibernate prepares on the current thread while {@link #record} runs (tests only).
 * Per thread rather than global: the registry's pollers and schedulers issue statements of their own all the time,
 * and a page's count must not depend on when they happen to run.
 */
@PersistenceUnitExtension
@ApplicationScoped
public class SqlCounter implements StatementInspector {
    private static final ThreadLocal<List<String>> RECORDING = new ThreadLocal<>();

    /** What {@code work} returned and the statements it issued on this thread. */
    public record Recorded<T>(T value, List<String> statements) {
        public int count() {
            return statements.size();
        }
    }

    public static <T> Recorded<T> record(Supplier<T> work) {
        List<String> statements = new ArrayList<>();
        RECORDING.set(statements);
        try {
            return new Recorded<>(work.get(), List.copyOf(statements));
        } finally {
            RECORDING.remove();
        }
    }

    @Override
    public String inspect(String sql) {
        List<String> statements = RECORDING.get();
        if (statements != null) {
            statements.add(sql);
        }
        return sql;
    }
}
