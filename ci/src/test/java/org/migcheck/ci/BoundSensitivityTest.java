package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.migcheck.checker.run.BoundSensitivity;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.mm.Memcg;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;

/**
 * DESIGN.md 11, bound sensitivity: every holding kernel variant is re-checked with its model bounds
 * raised by one pass, and must still hold; a HOLDS that saturated a bound is only trusted after that.
 */
class BoundSensitivityTest {

    private static ScenarioRunner.Outcome run(String scenario, String variant, Map<String, String> sets) {
        return ScenarioRunner.run(Catalogue.find(scenario), variant, sets, KernelRules.all(), Options.defaults());
    }

    @TestFactory
    Stream<DynamicTest> everyHoldingKernelVariantHoldsAtBoundPlusOne() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario s : Catalogue.kernel()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() != Expect.Kind.HOLDS) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(s.id() + " / " + v.name(), () -> {
                    ScenarioRunner.Outcome o = run(s.id(), v.name(), Map.of());
                    assertEquals(Verdict.HOLDS, o.result().verdict(), o.title());
                    BoundSensitivity b = BoundSensitivity.check(s.build(o.knobs()), o.result(), KernelRules.all(), Options.defaults(), 1);
                    assertFalse(b.changed(), () -> o.title() + ": " + b.summary() + "\n" + b.result().message());
                }));
            }
        }
        return tests.stream();
    }

    /**
     * Legacy memcg, no mapping flag, no earlier kswapd pass: the server's own charge makes the only
     * reclaim pass (it marks the folio PG_reclaim), so with one pass nothing waits; the kernel
     * retries, and the second pass waits on writeback only the server can end.
     */
    @Test
    void memcgRetryHoldsOnlyBecauseOfTheOnePassBound() {
        ScenarioRunner.Outcome o = run("fuse-writeback-memcg", null,
                Map.of("memcg", "v1", "mappingFlag", "false", "earlierReclaim", "false"));
        CheckResult r = o.result();
        if (r.verdict() == Verdict.HOLDS) {
            // the model as it stands: the HOLDS must say which bound it depends on ...
            List<CheckResult.Saturation> sat = r.saturated();
            assertEquals(1, sat.size(), () -> sat.toString());
            assertEquals(Memcg.RECLAIM_PASSES, sat.get(0).bound());
            assertEquals("try_charge_memcg", sat.get(0).procedure());
            assertTrue(sat.get(0).states() > 0);
            // ... and one more pass deadlocks
            BoundSensitivity b = BoundSensitivity.check(Catalogue.find("fuse-writeback-memcg").build(o.knobs()), r,
                    KernelRules.all(), Options.defaults(), 1);
            assertTrue(b.changed(), b.summary());
            assertEquals(Verdict.DEADLOCK, b.result().verdict(), b.summary());
        } else {
            // a model that retries reclaim itself (the kernel-fidelity fix) deadlocks at the declared bounds
            assertEquals(Verdict.DEADLOCK, r.verdict(), o.title());
        }
    }
}
