package dev.modelforge.api.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.SequenceInputStream;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * A {@code multipart/form-data} body streamed from files: the files are opened lazily and never read into
 * memory, and the total length is known up front so the request carries a {@code Content-Length}.
 */
final class MultipartBody {
    private final String boundary = "modelforge-" + UUID.randomUUID();
    private final List<Object> pieces = new ArrayList<>();
    private long length;

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    long length() {
        return length;
    }

    MultipartBody text(String name, String contentType, String value) {
        bytes(header(name, null, contentType));
        bytes(value.getBytes(StandardCharsets.UTF_8));
        bytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    MultipartBody file(String name, Path file, String contentType) throws IOException {
        bytes(header(name, file.getFileName().toString(), contentType));
        pieces.add(file);
        length += Files.size(file);
        bytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    MultipartBody stream(String name, StreamedModel model) {
        bytes(header(name, model.fileName(), model.contentType()));
        pieces.add(model);
        length += model.length();
        bytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** Ends the body; call once, after the last part and before {@link #length()} or {@link #open()}. */
    MultipartBody finish() {
        bytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** Opens the whole body as one stream; each file is opened only when the reader reaches it. */
    InputStream open() {
        List<Object> parts = List.copyOf(pieces);
        return new SequenceInputStream(Collections.enumeration(new AbstractList<InputStream>() {
            @Override
            public InputStream get(int index) {
                Object p = parts.get(index);
                if (p instanceof byte[] b) {
                    return new ByteArrayInputStream(b);
                }
                if (p instanceof StreamedModel m) {
                    return m.open().get();
                }
                try {
                    return Files.newInputStream((Path) p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public int size() {
                return parts.size();
            }
        }));
    }

    private byte[] header(String name, String filename, String contentType) {
        var sb = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append('"');
        if (filename != null) {
            sb.append("; filename=\"").append(filename.replace("\"", "_")).append('"');
        }
        sb.append("\r\nContent-Type: ").append(contentType).append("\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void bytes(byte[] b) {
        pieces.add(b);
        length += b.length;
    }
}
