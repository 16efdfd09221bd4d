package dev.modelforge.registry.storage;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.InstantSource;

/** The system clock as a bean, so tests can replace it (a movable clock proves URL expiry handling). */
@Singleton
public class Clocks {

    @Produces
    @Singleton
    @DefaultBean
    InstantSource system() {
        return InstantSource.system();
    }
}
