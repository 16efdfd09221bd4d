package dev.modelforge.compress.pass;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Pass names → pass factories. {@link #discover()} finds every {@link Pass} listed in
 * {@code META-INF/services/dev.modelforge.compress.pass.Pass} on the class path, so new passes
 * (static quantization, pruning) join by adding a line there; {@link #register} adds more at run
 * time (tests, plug-ins).
 */
public final class PassRegistry {
    private final Map<String, Supplier<Pass>> factories = new TreeMap<>();

    /** An empty registry. */
    public PassRegistry() {
    }

    /** A registry holding all passes declared through {@link ServiceLoader}. */
    public static PassRegistry discover() {
        PassRegistry r = new PassRegistry();
        for (ServiceLoader.Provider<Pass> p : ServiceLoader.load(Pass.class).stream().toList()) {
            Pass sample = p.get();
            r.register(sample.name(), p::get);
        }
        return r;
    }

    /** Adds or replaces a pass factory. */
    public PassRegistry register(String name, Supplier<Pass> factory) {
        factories.put(name, factory);
        return this;
    }

    /** A fresh instance of the named pass. */
    public Optional<Pass> create(String name) {
        Supplier<Pass> f = factories.get(name);
        return f == null ? Optional.empty() : Optional.of(f.get());
    }

    /** Registered names, sorted. */
    public java.util.Set<String> names() {
        return Collections.unmodifiableSet(factories.keySet());
    }
}
