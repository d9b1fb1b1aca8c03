package org.migcheck.model.scenarios;

import java.util.Map;

/** A named setting of a scenario's knobs with its declared expectation. */
public record Variant(String name, Map<String, String> settings, Expect expect, String doc) {
    /**
     * Names and values appear in replay tokens (SCENARIO:VARIANT:k=v,k=v:SCHEDULE), so they may not
     * contain ':', ',', '=', '+' or white space.
     */
    static void tokenSafe(String what, String s) {
        if (s.isEmpty() || s.chars().anyMatch(c -> c == ':' || c == ',' || c == '=' || c == '+' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException(what + " '" + s + "' is empty or contains one of : , = + or white space");
        }
    }

    public Variant {
        tokenSafe("variant name", name);
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings)); // ordered: Map.copyOf iterates in a per-JVM random order
    }
}
