package org.migcheck.checker.reduce;

import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;

class SymmetryTest {
    static Model build(String id, java.util.Map<String, String> settings) {
        Scenario s = Catalogue.all().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        return s.build(Knobs.resolve(s.id(), s.knobs(), settings));
    }

    /** Every reachable state at two compactors (8803 states), the first 15000 at three, for each declaring variant. */
    @Test
    void movableOpsCompactorsAreAnAutomorphism() {
        for (String n : java.util.List.of("2", "3")) {
            for (java.util.Map<String, String> v : java.util.List.of(java.util.Map.<String, String>of(),
                    java.util.Map.of("putback", "page-locked-caller"), java.util.Map.of("checkIsolated", "false"),
                    java.util.Map.of("getRef", "plain"), java.util.Map.of("deflateLock", "sleeping"))) {
                java.util.Map<String, String> settings = new java.util.HashMap<>(v);
                settings.put("compactors", n);
                assertNull(Automorphism.check(build("movable-ops", settings), 15_000), settings.toString());
            }
        }
    }
}
