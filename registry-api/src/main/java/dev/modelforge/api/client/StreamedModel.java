package dev.modelforge.api.client;

import java.io.InputStream;
import java.util.function.Supplier;

/**
 * A model body produced while it is sent rather than read from one file: a model directory packed as a tar stream.
 * Replayable ({@code open} may be called again for a retried request) and of a length known up front.
 *
 * @param fileName    name of the multipart file part, e.g. {@code model.tar}
 * @param contentType its media type, e.g. {@link dev.modelforge.api.version.MediaTypes#TAR}
 * @param length      exact byte length of every stream {@code open} returns
 * @param open        opens a new stream of the body
 */
public record StreamedModel(String fileName, String contentType, long length, Supplier<InputStream> open) {
}
