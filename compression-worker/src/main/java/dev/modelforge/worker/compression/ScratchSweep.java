package dev.modelforge.worker.compression;

import dev.modelforge.onnx.ScratchDirs;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * At start, removes the scratch directories of compression processes that no longer run (a worker killed mid-job
 * leaves its downloaded model, datasets and partial outputs behind). Directories of live processes — another worker
 * on this machine, a CLI compress — are left alone: each carries its creator's process id.
 */
@ApplicationScoped
class ScratchSweep {
    private static final Logger LOG = Logger.getLogger(ScratchSweep.class);

    @Inject
    WorkerConfig config;

    void onStart(@Observes StartupEvent event) {
        int swept = ScratchDirs.sweepDead(ScratchDirs.tempRoot())
                + config.workDir().map(ScratchDirs::sweepDead).orElse(0);
        if (swept > 0) {
            LOG.infof("removed %d scratch directories of compression processes that no longer run", swept);
        }
    }
}
