package dev.modelforge.registry.error;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database that cannot be reached (down, stalled, out of connections) from a bug. The first is the
 * client's to retry — 503 with {@code Retry-After} — the second is ours, a 500. Hibernate, Agroal and the
 * PostgreSQL driver each wrap the cause differently, so the whole chain is read.
 */
final class DatabaseOutage {
    private DatabaseOutage() {
    }

    /** @return true if {@code e} or one of its causes says the database could not be reached in time */
    static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && unreachable(sql)) {
                return true;
            }
            if (t instanceof org.hibernate.exception.JDBCConnectionException) {
                return true;
            }
            if (t instanceof SocketTimeoutException || t instanceof ConnectException) {
                return true;
            }
            // Whatever went wrong while obtaining a connection (timed out, refused, or the driver's connect attempt
            // interrupted by the pool's own acquisition timeout: "Something unusual has occurred", SQLState 99999),
            // no statement of ours ran: the database was not reachable.
            if (t instanceof org.hibernate.JDBCException && String.valueOf(t.getMessage())
                    .startsWith("Unable to acquire JDBC Connection")) {
                return true;
            }
        }
        return false;
    }

    private static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") // connection exception
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") // shut down / starting
                || state.equals("53300") // too many connections
                || state.equals("57014"))) { // statement cancelled: our statement timeout fired
            return true;
        }
        // Agroal: no connection within the acquisition timeout (the pool is exhausted by stalled connections).
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return e.getCause() instanceof TimeoutException || message.contains("acquisition timeout")
                || e.getCause() instanceof SocketTimeoutException || e.getCause() instanceof ConnectException;
    }
}
