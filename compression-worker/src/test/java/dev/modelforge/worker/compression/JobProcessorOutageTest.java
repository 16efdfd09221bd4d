package dev.modelforge.worker.compression;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.ProcessingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** Which failures of a compression job are an outage (ridden out while the lease lasts) and which are not. */
class JobProcessorOutageTest {

    @Test
    void anUnreachableOrUnavailableRegistryOrStoreIsAnOutage() {
        assertThat(JobProcessor.isOutage(new JobsApi.RegistryUnavailableException("registry answered 503"))).isTrue();
        assertThat(JobProcessor.isOutage(new ProcessingException(new ConnectException("Connection refused"))))
                .isTrue();
        assertThat(JobProcessor.isOutage(new IOException("download of sha256/ab failed: timeout",
                new SocketTimeoutException("read timed out")))).isTrue();
    }

    @Test
    void aRejectionACorruptArtifactOrABugIsNot() {
        assertThat(JobProcessor.isOutage(new JobsApi.JobRejectedException("registry answered 400"))).isFalse();
        assertThat(JobProcessor.isOutage(new IOException("checksum mismatch for sha256/ab"))).isFalse();
        assertThat(JobProcessor.isOutage(new IllegalStateException("a bug"))).isFalse();
    }
}
