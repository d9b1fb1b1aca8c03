package org.migcheck.model.scenarios;

import java.util.Map;

/** A named setting of a scenario's knobs with its declared expectation. */
public record Variant(String name, Map<String, String> settings, Expect expect, String doc) {
    public Variant {
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings)); // ordered: Map.copyOf iterates in a per-JVM random order
    }
}
