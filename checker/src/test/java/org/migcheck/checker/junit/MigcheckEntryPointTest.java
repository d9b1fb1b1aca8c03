package org.migcheck.checker.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.KnobSuite;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.KernelRules;
import org.opentest4j.AssertionFailedError;

class MigcheckEntryPointTest {

    @Test
    void holdingModelPassesInOneAssertion() {
        CheckResult r = Migcheck.assertHolds(Zoo.abbaModel(true, false));
        assertEquals(Verdict.HOLDS, r.verdict());
    }

    @Test
    void failureMessageCarriesTheWholeTrace() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Migcheck.assertHolds(Zoo.abbaModel(false, false)));
        String msg = e.getMessage();
        assertTrue(msg.contains("expected holds"), msg);
        assertTrue(msg.contains("DEADLOCK"), msg);
        assertTrue(msg.contains("cycle: t1 -> B -> t2 -> A -> t1"), msg);
        assertTrue(msg.contains("mutex_lock(A)") && msg.contains("mutex_lock(B)"), msg);
    }

    @Test
    void deadlockShapeAssertion() {
        // two steps: each thread takes its first lock (hand count)
        Migcheck.assertDeadlock(Zoo.abbaModel(false, false), 2, "t1", "t2");
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Migcheck.assertDeadlock(Zoo.abbaModel(false, false), 3, "t1"));
        assertTrue(e.getMessage().contains("after 2"), e.getMessage());
    }

    @Test
    void violationAndStuckAssertions() {
        Migcheck.assertViolates(Zoo.lostUpdateModel(false), "counter.lost-update");
        Migcheck.assertViolates(Zoo.abbaModel(false, true), "lock-order.cycle");
        Migcheck.assertStuck(Zoo.starvedWaiterModel(false));
        assertThrows(AssertionFailedError.class, () -> Migcheck.assertViolates(Zoo.lostUpdateModel(true), "counter.lost-update"));
    }

    @Test
    void declaredScenarioExpectation() {
        Migcheck.assertAsDeclared("philosophers", "ordered");
        Migcheck.assertAsDeclared("abba-gated", "default");
    }

    @Test
    void knobSuiteCoversEveryCombination() {
        Scenario s = Catalogue.find("philosophers");
        // n takes 2..12; the ordered (holding) variants grow to 49 M states at n = 12, so this suite
        // varies both knobs over n <= 5 by hand and n over its whole range for the circular variant
        List<ScenarioRunner.Outcome> out = new java.util.ArrayList<>();
        for (int n = 2; n <= 5; n++) {
            out.addAll(KnobSuite.run(s, List.of("ordered"), Map.of("n", Integer.toString(n)), KernelRules.all(), Options.defaults()));
        }
        assertEquals(8, out.size());
        List<ScenarioRunner.Outcome> circular = KnobSuite.run(s, List.of("n"), Map.of("ordered", "false"), KernelRules.all(),
                Options.defaults());
        // knob n has 11 values (2..12)
        assertEquals(11, circular.size());
        out.addAll(circular);
        for (ScenarioRunner.Outcome o : out) {
            assertTrue(o.matches(), o.title() + " " + o.actual());
            Verdict want = o.knobs().flag("ordered") ? Verdict.HOLDS : Verdict.DEADLOCK;
            assertEquals(want, o.result().verdict(), o.title());
        }
        String table = KnobSuite.table(s, circular);
        assertTrue(table.startsWith("n   expected"), table);
        assertTrue(table.contains("12  deadlock  deadlock"), table);
    }

    @Test
    void knobSuiteWithFixedKnob() {
        Scenario s = Catalogue.find("philosophers");
        List<ScenarioRunner.Outcome> out = KnobSuite.run(s, List.of("ordered"), Map.of("n", "4"), KernelRules.all(), Options.defaults());
        assertEquals(2, out.size());
        assertEquals("4", out.get(0).knobs().get("n"));
        // ordered=false: the shortest deadlock has one step per philosopher
        assertEquals(4, out.get(0).result().schedule().length);
    }
}
