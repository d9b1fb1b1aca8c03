package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;

/**
 * Differential test of the reductions on every catalogue variant and the scaled ones at small
 * sizes (movable-ops at 1..3 compactors, the two-migrators variants at 3 migrators, truncate at 2
 * and 3 folios, two FUSE variants at 2 folios): the verdict, the rule and the counterexample length
 * are those of the unreduced search with symmetry alone, partial-order reduction alone ({@code --por
 * on}: step footprints from the first state) and both; reduced state counts never exceed the
 * unreduced count; every reduced counterexample replays in the unpermuted model.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class ReductionDifferentialTest {

    private static final Options.Switch ON = Options.Switch.ON;
    private static final Options.Switch OFF = Options.Switch.OFF;

    @TestFactory
    Stream<DynamicTest> reductionsAgreeWithTheUnreducedSearch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario s : Catalogue.all()) {
            for (Variant v : s.variants()) {
                tests.add(DynamicTest.dynamicTest(s.id() + " / " + v.name(), () -> compare(s, v.name(), Map.of())));
            }
            if (s.id().equals("source-locked-alloc")) {
                for (Variant v : s.variants()) {
                    if (v.name().startsWith("two-migrators")) {
                        tests.add(DynamicTest.dynamicTest(s.id() + " / " + v.name() + " migrators=3",
                                () -> compare(s, v.name(), Map.of("migrators", "3"))));
                    }
                }
            }
            if (s.id().equals("truncate-writeback")) {
                org.migcheck.model.scenarios.Knob folios = s.knobs().stream().filter(k -> k.name().equals("folios")).findFirst().orElseThrow();
                for (Variant v : s.variants()) {
                    if (!folios.appliesTo(org.migcheck.model.scenarios.Knobs.resolve(s.id(), s.knobs(), v.settings()).asMap())) {
                        continue; // the ttm-backup writer has one folio
                    }
                    for (int n = 2; n <= 3; n++) {
                        String nn = Integer.toString(n);
                        tests.add(DynamicTest.dynamicTest(s.id() + " / " + v.name() + " folios=" + n,
                                () -> compare(s, v.name(), Map.of("folios", nn))));
                    }
                }
            }
            if (s.id().equals("fuse-writeback-memcg")) {
                for (String variant : List.of("v2-cgroup-writeback", "legacy-no-flag")) {
                    tests.add(DynamicTest.dynamicTest(s.id() + " / " + variant + " folios=2",
                            () -> compare(s, variant, Map.of("folios", "2"))));
                }
            }
            if (s.id().equals("movable-ops")) {
                for (String variant : List.of("merged", "putback-under-page-lock", "no-isolated-check")) {
                    for (int n = 1; n <= 3; n++) {
                        String nn = Integer.toString(n);
                        tests.add(DynamicTest.dynamicTest(s.id() + " / " + variant + " compactors=" + n,
                                () -> compare(s, variant, Map.of("compactors", nn))));
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void compare(Scenario s, String variant, Map<String, String> sets) {
        Options base = Options.defaults();
        CheckResult plain = ScenarioRunner.run(s, variant, sets, KernelRules.all(), base.unreduced()).result();
        for (Options.Switch[] sw : List.of(new Options.Switch[] {ON, OFF}, new Options.Switch[] {OFF, ON}, new Options.Switch[] {ON, ON})) {
            String what = s.id() + "/" + variant + " " + sets + " symmetry " + sw[0] + " por " + sw[1];
            CheckResult red = ScenarioRunner.run(s, variant, sets, KernelRules.all(), base.withSymmetry(sw[0]).withPor(sw[1])).result();
            assertEquals(plain.verdict(), red.verdict(), what);
            assertEquals(plain.ruleId(), red.ruleId(), what);
            if (sw[0] == ON && s.id().equals("movable-ops") && Integer.parseInt(sets.getOrDefault("compactors", "1")) >= 2) {
                // the compactors are declared symmetric: the symmetric search did run (else this compared plain with plain)
                assertTrue(red.reductions() != null && red.reductions().contains("symmetry over compactors"), what + ": " + red.reductions());
            }
            assertEquals(plain.schedule().length, red.schedule().length, what + ": counterexample length");
            assertEquals(plain.goals().keySet(), red.goals().keySet(), what);
            plain.goals().forEach((g, res) -> {
                assertEquals(res.answer(), red.goals().get(g).answer(), what + " goal " + g);
                if (res.witness() != null && red.goals().get(g).witness() != null) {
                    int got = red.goals().get(g).witness().length;
                    // a witness found with partial-order reduction is re-shortened by a BFS without it, so every
                    // witness that says it is a shortest one has the unreduced length (symmetry keeps lengths)
                    boolean unconfirmed = red.notes().stream().anyMatch(n -> n.startsWith("the witness of ")
                            && n.contains("reachable(" + g + ")"));
                    assertTrue(red.goals().get(g).shortest() || red.verdict() != Verdict.HOLDS && sw[1] == ON || unconfirmed,
                            what + " goal " + g + " not shortest");
                    if (red.goals().get(g).shortest()) {
                        assertEquals(res.witness().length, got, what + " goal " + g + " witness length");
                    }
                    // and reaches the goal in the unpermuted model
                    Trace w = Trace.replay(red.model(), red.goals().get(g).witness());
                    assertTrue(red.model().goals().get(g).test(new org.migcheck.model.lang.Semantics(red.model()).view(w.last())),
                            what + " goal " + g + " witness of length " + got + " does not reach it");
                }
            });
            if (plain.verdict() == Verdict.HOLDS) {
                assertTrue(red.stats().distinct() <= plain.stats().distinct(), what + ": " + red.stats().distinct() + " > " + plain.stats().distinct());
                // --por on without symmetry: the footprints are used (their tables fit) except where the budget is
                // known to be too small (FUSE at two folios)
                if (sw[0] == OFF && !(s.id().equals("fuse-writeback-memcg") && sets.containsKey("folios"))) {
                    assertTrue(red.reductions().contains("by step footprints"), what + ": " + red.reductions());
                }
            }
            if (red.schedule().length > 0) {
                // the reduced counterexample replays, in the unpermuted model, step for step
                Trace t = Trace.replay(red.model(), red.schedule());
                assertEquals(red.schedule().length, t.rows().size(), what);
            }
        }
    }
}
