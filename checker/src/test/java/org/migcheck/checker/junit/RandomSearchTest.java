package org.migcheck.checker.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/** The random strategy: seeded, never claims "holds", and shrinks counterexamples. */
class RandomSearchTest {

    private static Options random(long seed) { return Options.defaults().withRandom(seed, 2_000); }

    @Test
    void philosophersDeadlockShrinksToOneLockPerPhilosopher() {
        for (int n = 2; n <= 6; n++) {
            CheckResult r = Checker.check(Zoo.philosophersModel(n, false), RuleSet.empty(), random(42));
            assertEquals(Verdict.DEADLOCK, r.verdict(), "n=" + n);
            // by hand: the only way to deadlock is every philosopher holding its first fork, n steps,
            // and every other step can be removed, so a 1-minimal schedule has exactly n steps
            assertEquals(n, r.schedule().length, "n=" + n);
            assertEquals(n, Trace.replay(Zoo.philosophersModel(n, false), r.schedule()).rows().size());
        }
    }

    @Test
    void sameSeedSameCounterexample() {
        CheckResult a = Checker.check(Zoo.lostUpdateModel(false), KernelRules.all(), random(7));
        CheckResult b = Checker.check(Zoo.lostUpdateModel(false), KernelRules.all(), random(7));
        assertEquals(Verdict.VIOLATED, a.verdict());
        assertArrayEquals(a.schedule(), b.schedule());
    }

    @Test
    void walksCountTheDistinctStatesTheyVisit() {
        // every state of two ordered philosophers is reached by some of 10000 walks: the count equals
        // the exhaustive search's; on a larger model it stays within it
        CheckResult all = Checker.check(Zoo.philosophersModel(2, true), KernelRules.all(), Options.defaults());
        CheckResult walked = Checker.check(Zoo.philosophersModel(2, true), KernelRules.all(), random(5));
        assertEquals(all.stats().distinct(), walked.stats().distinct());
        CheckResult big = Checker.check(Zoo.philosophersModel(5, true), KernelRules.all(), Options.defaults());
        CheckResult some = Checker.check(Zoo.philosophersModel(5, true), KernelRules.all(), random(5));
        assertTrue(some.stats().distinct() > 0 && some.stats().distinct() <= big.stats().distinct(),
                some.stats().distinct() + " of " + big.stats().distinct());
    }

    @Test
    void aHoldingModelIsNeverReportedAsHolding() {
        CheckResult r = Checker.check(Zoo.philosophersModel(4, true), KernelRules.all(), random(1));
        assertEquals(Verdict.INCOMPLETE, r.verdict());
        assertTrue(r.message().contains("never exhaustive"), r.message());
    }

    @Test
    void agreesWithBreadthFirstOnEveryFailingBundledVariant() {
        int compared = 0;
        java.util.List<String> differentFailure = new java.util.ArrayList<>();
        for (Scenario s : Catalogue.all()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() == Expect.Kind.HOLDS || v.expect().kind() == Expect.Kind.STUCK) {
                    continue; // random walks do not run the liveness analysis
                }
                ScenarioRunner.Outcome bfs = ScenarioRunner.run(s, v.name(), Map.of(), KernelRules.all(), Options.defaults());
                ScenarioRunner.Outcome rnd = ScenarioRunner.run(s, v.name(), Map.of(), KernelRules.all(), random(3));
                String t = s.id() + "/" + v.name();
                if (rnd.result().verdict() == Verdict.INCOMPLETE) {
                    continue; // allowed: random search may miss; it must never contradict BFS
                }
                if (v.expect().kind() == Expect.Kind.VIOLATED && "lock-order.cycle".equals(v.expect().ruleId())) {
                    continue; // the lockdep cycle is a whole-graph analysis, not a walk
                }
                // BFS schedules are shortest, so a shrunk random one is never shorter
                assertTrue(rnd.result().schedule().length >= bfs.result().schedule().length, t);
                // the walk's failure is real: its schedule replays to the same verdict and rule
                org.migcheck.checker.run.Replayer.Ending again = org.migcheck.checker.run.Replayer.replay(
                        rnd.result().model(), KernelRules.all(), rnd.result().schedule());
                assertEquals(rnd.result().verdict(), again.verdict(), t);
                assertEquals(rnd.result().ruleId(), again.ruleId(), t);
                if (rnd.result().verdict() != bfs.result().verdict()
                        || !java.util.Objects.equals(rnd.result().ruleId(), bfs.result().ruleId())) {
                    // a variant may fail in two ways: the cancel-revoke ones break the lock order when mkdir takes
                    // the folio lock (BFS's shortest failure) and deadlock when the partner took it first (a walk
                    // may meet that first); then the walk's failure must be strictly longer than BFS's
                    assertTrue(rnd.result().schedule().length > bfs.result().schedule().length, t);
                    differentFailure.add(t);
                } else {
                    compared++;
                }
            }
        }
        // 20 failing variants in the catalogue are walk-checkable (not stuck, not lockdep); most must be found
        assertTrue(compared >= 15, "random search found only " + compared + " of the failing variants");
        // only the variants known to fail in two ways may differ
        for (String t : differentFailure) {
            assertTrue(t.startsWith("bdev-jbd2/cancel-revoke-"), "random search found another failure than BFS in " + t);
        }
    }
}
