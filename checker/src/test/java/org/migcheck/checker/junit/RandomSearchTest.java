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
                assertEquals(bfs.result().verdict(), rnd.result().verdict(), t);
                assertEquals(bfs.result().ruleId(), rnd.result().ruleId(), t);
                // BFS schedules are shortest, so a shrunk random one is never shorter
                assertTrue(rnd.result().schedule().length >= bfs.result().schedule().length, t);
                compared++;
            }
        }
        // 20 failing variants in the catalogue are walk-checkable (not stuck, not lockdep); most must be found
        assertTrue(compared >= 15, "random search found only " + compared + " of the failing variants");
    }
}
