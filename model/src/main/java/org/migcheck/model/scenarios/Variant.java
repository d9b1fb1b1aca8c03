package org.migcheck.model.scenarios;

import java.util.Map;

/** A named setting of a scenario's knobs with its declared expectation. */
public record Variant(String name, Map<String, String> settings, Expect expect, String doc) {
    public Variant {
        settings = Map.copyOf(settings);
    }
}
