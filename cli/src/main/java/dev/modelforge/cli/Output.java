package dev.modelforge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.modelforge.api.client.RegistryClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How every command prints: indented JSON for {@code --json}, aligned plain-text tables otherwise. */
final class Output {
    private static final ObjectMapper JSON = RegistryClient.objectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
        out.flush();
    }

    static ObjectMapper mapper() {
        return JSON;
    }

    /** A plain-text table: columns padded to their widest cell, two spaces apart; the last column is not padded. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        Table(String... header) {
            columns = header.length;
            rows.add(header);
        }

        Table row(Object... cells) {
            String[] r = new String[columns];
            for (int i = 0; i < columns; i++) {
                r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "-";
            }
            rows.add(r);
            return this;
        }

        boolean isEmpty() {
            return rows.size() == 1;
        }

        void print(PrintWriter out) {
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            for (String[] r : rows) {
                var line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(i == columns - 1 ? r[i] : pad(r[i], width[i] + 2));
                }
                out.println(line.toString().stripTrailing());
            }
            out.flush();
        }

        private static String pad(String s, int width) {
            return s + " ".repeat(Math.max(0, width - s.length()));
        }
    }

    static String size(Long bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024.0));
    }

    static String millis(Double ms) {
        return ms == null ? null : String.format(Locale.ROOT, "%.2f ms", ms);
    }

    static String percent(Double pct) {
        return pct == null ? null : String.format(Locale.ROOT, "%.2f%%", pct);
    }

    /** A ratio as {@code 0.42x}; below 1 is smaller/faster. */
    static String ratio(Double r) {
        return r == null ? null : String.format(Locale.ROOT, "%.2fx", r);
    }

    static String points(Double p) {
        return p == null ? null : String.format(Locale.ROOT, "%+.2f pt", p);
    }

    static String shortId(String id) {
        return id == null ? null : id.length() > 8 ? id.substring(0, 8) : id;
    }
}
