package dev.modelforge.registry.planner;

import dev.modelforge.registry.version.ModelVersion;
import dev.modelforge.registry.version.VersionCreated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Plans every new version in the upload's own transaction (a synchronous observer): the version, its baseline
 * variant, its jobs and their outbox rows commit together or not at all.
 */
@ApplicationScoped
public class VersionCreatedObserver {

    @Inject
    Planner planner;

    @Transactional(Transactional.TxType.MANDATORY)
    void onVersionCreated(@Observes VersionCreated event) {
        planner.planNewVersion(ModelVersion.findById(event.versionId()));
    }
}
