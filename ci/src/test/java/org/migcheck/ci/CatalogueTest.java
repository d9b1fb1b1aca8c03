package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;

/**
 * What CI runs (README: The two commands): every variant of every bundled scenario must meet its declared
 * expectation; a mismatch fails the build with the full report and counterexample in the log.
 */
class CatalogueTest {

    @TestFactory
    Stream<DynamicTest> everyVariantMeetsItsExpectation() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario s : Catalogue.all()) {
            for (Variant v : s.variants()) {
                tests.add(DynamicTest.dynamicTest(s.id() + "/" + v.name(), () -> {
                    ScenarioRunner.Outcome o = ScenarioRunner.run(s, v.name(), Map.of(), KernelRules.all(), Options.defaults());
                    if (!o.matches()) {
                        fail(o.title() + ": expected " + v.expect().describe() + ", got " + o.actual() + "\n"
                                + TextRenderer.render(o.title(), o.result(), v.expect().describe(), o.token()));
                    }
                    if (v.expect().kind() == Expect.Kind.HOLDS) {
                        // a holding variant must have been explored exhaustively: no budget, liveness checked
                        assertEquals(Verdict.HOLDS, o.result().verdict());
                        // (the one note a HOLDS may carry names the sizes it holds at)
                        assertTrue(o.result().notes().stream().allMatch(n -> n.startsWith(ScenarioRunner.SIZES_NOTE)),
                                () -> o.title() + ": " + o.result().notes());
                        assertTrue(o.result().stats().distinct() > 0);
                        // list prints "(bounded)" from the declaration: it must be what the check finds
                        assertEquals(o.bounded(), v.expect().bounded(), () -> o.title() + (o.bounded()
                                ? ": reaches a model bound " + o.result().saturated() + " but does not declare Expect.withinBounds()"
                                : ": declares Expect.withinBounds() but reaches no model bound"));
                    } else {
                        CheckResult r = o.result();
                        // an empty schedule is a counterexample only when the initial state itself is bad
                        assertTrue(r.schedule().length > 0 || r.verdict() == Verdict.DEADLOCK || r.verdict() == Verdict.STUCK,
                                () -> o.title() + " fails a rule but has no counterexample");
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void scenarioIdsAndVariantNamesAreUniqueAndDocumented() {
        Set<String> ids = new HashSet<>();
        for (Scenario s : Catalogue.all()) {
            assertTrue(ids.add(s.id()), "duplicate scenario id " + s.id());
            assertFalse(s.title().isBlank(), s.id() + " has no title");
            assertFalse(s.reference().isBlank(), s.id() + " has no reference");
            Set<String> names = new HashSet<>();
            for (Variant v : s.variants()) {
                assertTrue(names.add(v.name()), s.id() + " has two variants named " + v.name());
                assertFalse(v.doc().isBlank(), s.id() + "/" + v.name() + " has no description");
                org.migcheck.model.scenarios.Knobs k = org.migcheck.model.scenarios.Knobs.resolve(s.id(), s.knobs(), v.settings());
                assertNotNull(s.expect(k));
                if (s instanceof org.migcheck.model.scenarios.BaseScenario b && b.derivedExpect(k) != null) {
                    // survivors of mutation analysis included: mutate of a variant moved along a size knob (--set
                    // compactors=3) is judged by the derived expectation, which must declare them as the variant does
                    // (whether a HOLDS reaches a model bound is declared for the variant's own knobs only)
                    Expect e = v.expect();
                    assertEquals(new Expect(e.kind(), e.ruleId(), e.goals(), e.survivors(), false), b.derivedExpect(k),
                            s.id() + "/" + v.name() + ": the declared expectation differs from the one derived from its knobs");
                }
            }
        }
    }
}
