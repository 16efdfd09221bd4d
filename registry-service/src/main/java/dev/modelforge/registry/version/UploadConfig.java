package dev.modelforge.registry.version;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Upload limits. */
@ConfigMapping(prefix = "modelforge.upload")
public interface UploadConfig {
    /** Largest model file accepted; larger uploads get a 413 problem (and are never stored). */
    @WithDefault("16G")
    MemorySize maxSize();

    /** Largest evaluation or calibration dataset; they are parsed from local temp files. */
    @WithDefault("2G")
    MemorySize maxDatasetSize();

    /**
     * How far reception of a raw upload body may run ahead of hashing and storing it; at this many queued
     * bytes the request is paused (TCP back-pressure) until half of them are consumed. Big enough that the
     * event loop rarely waits for the worker (the kernel's socket buffers keep filling meanwhile); small
     * enough that the queued network buffers fit in the young generation's survivor space, so a GC during
     * an upload does not promote them to the old generation (8M did, and heap use during a 1 GiB upload
     * roughly doubled).
     */
    @WithDefault("1M")
    MemorySize receiveBuffer();

    /** A raw upload whose client sends nothing for this long fails with 408 and stores nothing. */
    @WithDefault("60s")
    Duration bodyIdleTimeout();
}
