package org.migcheck.checker.cli;

import java.util.Map;
import org.migcheck.checker.cluster.Jobs;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.ScenarioRegistry;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Wire;
import org.migcheck.model.scenarios.Scenario;

/** A member's jobs, run on the scenarios of its own registry (the catalogue and its --classpath). */
final class MemberJobs implements Jobs {
    private final ScenarioRegistry registry;

    MemberJobs(ScenarioRegistry registry) { this.registry = registry; }

    private Scenario scenario(String id) {
        Scenario s = registry.find(id);
        if (s == null) {
            throw new IllegalStateException("member has no scenario " + id);
        }
        return s;
    }

    @Override public byte[] check(String scenario, String variant, Map<String, String> settings, byte[] options) {
        return Wire.result(ScenarioRunner.run(scenario(scenario), variant, settings, registry.ruleSet(), Wire.options(options)).result());
    }

    @Override public byte[] walks(String scenario, String variant, Map<String, String> settings, byte[] options, int from, int to) {
        Scenario s = scenario(scenario);
        return Wire.chunk(Checker.walks(ScenarioRunner.build(s, variant, settings), registry.ruleSet(), Wire.options(options), from, to));
    }
}
