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

    @Test
    void movableOpsCompactorsAreAnAutomorphism() {
        assertNull(Automorphism.check(build("movable-ops", java.util.Map.of("compactors", "2")), 20_000));
    }
}
