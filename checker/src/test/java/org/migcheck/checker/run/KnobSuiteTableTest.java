package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.KernelRules;

/** The suite table marks a HOLDS that reached a model bound, as {@code check --all} does. */
class KnobSuiteTableTest {

    @Test
    void aBoundedHoldsRowSaysSo() {
        Scenario s = Catalogue.find("movable-ops");
        // merged ends a compaction batch at the model's one pass (BoundSensitivityTest); plain-ref fails a rule first
        ScenarioRunner.Outcome merged = ScenarioRunner.run(s, "merged", Map.of(), KernelRules.all(), Options.defaults());
        ScenarioRunner.Outcome plainRef = ScenarioRunner.run(s, "plain-ref", Map.of(), KernelRules.all(), Options.defaults());
        assertTrue(merged.bounded(), merged.result().saturated().toString());
        assertTrue(!plainRef.bounded());
        String[] lines = KnobSuite.table(s, List.of(merged, plainRef)).split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[1].endsWith("ok (bounded)"), lines[1]);
        assertTrue(lines[2].endsWith("ok") && !lines[2].contains("bounded"), lines[2]);
    }

    @Test
    void combinationsWithoutExpectationsMakeATableToo() {
        // three migrators with the defer-allocation proposal off declare no expectation: no row has one, and the
        // mark column is empty (it was a format width of 0, an internal error)
        Scenario s = Catalogue.find("source-locked-alloc");
        ScenarioRunner.Outcome o = ScenarioRunner.run(s, null, Map.of("workload", "two-migrators", "migrators", "3"),
                KernelRules.all(), Options.defaults());
        assertEquals(null, o.expected());
        String[] lines = KnobSuite.table(s, List.of(o)).split("\n");
        assertEquals(2, lines.length, String.join("\n", lines));
        assertTrue(lines[1].matches("-\\s+" + ScenarioRunner.verdictText(o.result()) + "\\s+-\\s+" + o.result().stats().distinct()), lines[1]);
    }
}
