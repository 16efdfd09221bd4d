package dev.modelforge.api.client;

/**
 * The server at the base URL answered, but not as a ModelForge registry: not HTTP at all, a page instead of
 * JSON, a 404 without a problem document. Almost always a wrong base URL (another service's port, a path
 * appended to it), so callers can tell the user to check the URL rather than report a registry failure.
 */
public class NotARegistryException extends RegistryClientException {
    /**
     * @param message what was answered, for humans
     * @param status  HTTP status, or 0 when the answer was not HTTP
     * @param cause   underlying exception, may be null
     */
    public NotARegistryException(String message, int status, Throwable cause) {
        super(message, status, null, cause);
    }
}
