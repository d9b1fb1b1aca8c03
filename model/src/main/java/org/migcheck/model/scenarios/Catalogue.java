package org.migcheck.model.scenarios;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.model.zoo.Zoo;

/** Every bundled scenario: the zoo first, then the kernel catalogue of DESIGN section 9. */
public final class Catalogue {
    private Catalogue() {}

    public static List<Scenario> all() {
        List<Scenario> out = new ArrayList<>(Zoo.all());
        out.addAll(kernel());
        return List.copyOf(out);
    }

    /** The kernel scenarios, one page each under docs/scenarios/. */
    public static List<Scenario> kernel() {
        return List.of(
                MovableOpsScenario.scenario(),
                BdevJbd2Scenario.scenario(),
                TruncateWritebackScenario.scenario(),
                SourceLockedAllocScenario.scenario(),
                FuseWritebackScenario.scenario());
    }

    /** The scenario with id {@code id}, or null. */
    public static Scenario find(String id) {
        return all().stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
