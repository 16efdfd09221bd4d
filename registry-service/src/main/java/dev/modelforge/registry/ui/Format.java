package dev.modelforge.registry.ui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number and time formatting shared by the console's views. */
final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Format() {
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }

    static String millis(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, v < 1 ? "%.3f ms" : "%.2f ms", v);
    }

    static String ratio(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "×%.2f", v);
    }

    static String percent(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.1f%%", v);
    }

    static String points(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%+.1f pt", v);
    }

    static String time(Instant t) {
        return t == null ? "—" : TIME.format(t);
    }
}
