package dev.modelforge.registry.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.GenericJDBCException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * The shapes the PostgreSQL driver, Agroal and Hibernate gave in real stalls (see DependencyOutageIT) are outages
 * (503); a statement the database refused is not.
 */
class DatabaseOutageTest {

    @Test
    void connectAttemptInterruptedByThePoolIsAnOutage() {
        // Agroal's acquisition timeout interrupts the driver's connect: SQLState 99999 with no connection cause.
        PSQLException driver = new PSQLException("Something unusual has occurred to cause the driver to fail.",
                PSQLState.UNEXPECTED_ERROR, new RuntimeException("Interrupted while attempting to connect."));
        assertThat(DatabaseOutage.in(new GenericJDBCException(
                "Unable to acquire JDBC Connection [Something unusual has occurred]", driver))).isTrue();
    }

    @Test
    void acquisitionTimeoutAndBrokenSocketAreOutages() {
        assertThat(DatabaseOutage.in(new GenericJDBCException("Unable to acquire JDBC Connection [Acquisition timeout]",
                new SQLException("Acquisition timeout while waiting for new connection")))).isTrue();
        assertThat(DatabaseOutage.in(new GenericJDBCException("JDBC exception executing SQL",
                new PSQLException("An I/O error occurred while sending to the backend.", PSQLState.CONNECTION_FAILURE,
                        new SocketTimeoutException("Read timed out"))))).isTrue();
        assertThat(DatabaseOutage.in(new RuntimeException("wrapped", new SocketTimeoutException("Read timed out"))))
                .isTrue();
    }

    @Test
    void refusedStatementsAreNotOutages() {
        assertThat(DatabaseOutage.in(new GenericJDBCException("could not execute statement",
                new PSQLException("syntax error at or near \"selec\"", PSQLState.SYNTAX_ERROR)))).isFalse();
        assertThat(DatabaseOutage.in(new ConstraintViolationException("duplicate key",
                new PSQLException("duplicate key value violates unique constraint", PSQLState.UNIQUE_VIOLATION),
                "model_name_key"))).isFalse();
        assertThat(DatabaseOutage.in(new IllegalStateException("a bug of ours"))).isFalse();
    }
}
