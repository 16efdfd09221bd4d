package dev.modelforge.worker.compression;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.job.CompressionJobMessage;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code modelforge.compression-jobs} in the {@code modelforge-compression} group.
 *
 * <p>Blocking because a job downloads, compresses and uploads for seconds to minutes on a worker thread, one job at
 * a time per worker. The message is acknowledged (and its offset becomes committable) only when this method
 * returns, i.e. after the registry accepted the result: a worker killed mid-job leaves the offset uncommitted and
 * the job is redelivered to another member of the group. While the registry or storage is down the method blocks
 * in its retries, which pauses this consumer (one message at a time): no later message is dead-lettered because of
 * the outage. A method that throws (unreadable message, a 4xx rejection, retries of a non-outage failure
 * exhausted) nacks, and the channel's {@code dead-letter-queue} failure strategy forwards the record to
 * {@code modelforge.compression-jobs.dlq}, where {@code modelforge admin dlq replay} finds it.
 */
@ApplicationScoped
public class JobConsumer {

    private static final Logger LOG = Logger.getLogger(JobConsumer.class);

    @Inject
    JobProcessor processor;

    @Inject
    ObjectMapper json;

    @Incoming("compression-jobs")
    @Blocking
    public void consume(String payload) throws Exception {
        CompressionJobMessage job;
        try {
            job = json.readValue(payload, CompressionJobMessage.class);
        } catch (Exception e) {
            LOG.errorf("unreadable compression job, sending it to the dead-letter topic: %s", e.getMessage());
            throw e;
        }
        if (job.jobId() == null || job.recipe() == null || job.original() == null) {
            throw new IllegalArgumentException("compression job message lacks jobId, recipe or original");
        }
        JobProcessor.Outcome outcome = processor.process(job);
        LOG.debugf("job %s: %s", job.jobId(), outcome);
    }
}
