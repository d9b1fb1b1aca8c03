package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Fingerprint;
import org.migcheck.checker.engine.Search;
import org.migcheck.checker.engine.SearchResult;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.junit.jupiter.api.Test;

/**
 * The level search with remote partitions (owned by other {@link org.migcheck.checker.engine.PartitionOwner}s,
 * reached through copies of every message) against the plain in-process search: identical engine
 * results (status, failure, schedule, failing state, generated and distinct counts, depth) on seeded
 * random models and every catalogue variant, at 2 and 3 owners and 1 and 2 workers; and identical
 * whole checks (verdict, message, schedule, stuck-thread explanation) through {@link Options#withCluster}.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class TransportDifferentialTest {
    /** A search's result and the vector of its failing state (null when nothing failed), read back from the search. */
    record Run(SearchResult result, int[] failing) {}

    static Run engine(Model model, RuleSet rules, int workers, org.migcheck.checker.engine.Transport.Factory t) {
        ModelSystem sys = new ModelSystem(model, rules, true);
        Search search = new Search(sys, Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, workers, Fingerprint.DEFAULT)
                .withTransport(t);
        try {
            SearchResult r = search.run();
            if (t != org.migcheck.checker.engine.Transport.IN_PROCESS) {
                // the coordinator keeps a window of levels only: bounded by the widest two levels (+ 2 pages)
                long peak = search.retainedPeakBytes();
                assertTrue(peak >= 0 && peak <= search.retainedBoundBytes(), peak + " retained bytes, bound " + search.retainedBoundBytes());
            } else {
                assertEquals(-1, search.retainedPeakBytes());
            }
            // the failing state, possibly of an older level, read back (from its owner, over a transport)
            return new Run(r, r.failureState() >= 0 ? search.state(r.failureState()).clone() : null);
        } finally {
            search.close();
        }
    }

    @Test
    void remotePartitionsChangeNoEngineResult() {
        int n = 0;
        for (long seed = 1; seed <= 300; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            compareEngine("seed " + seed, c.model(), c.rules());
            n++;
        }
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            compareEngine((String) c[0], (Model) c[1], KernelRules.all());
            n++;
        }
        assertTrue(n >= 330, n + " models");
    }

    private static void compareEngine(String name, Model m, RuleSet rules) {
        Run plain = engine(m, rules, 1, org.migcheck.checker.engine.Transport.IN_PROCESS);
        for (int owners : new int[] {2, 3}) {
            for (int w : new int[] {1, 2}) {
                LoopbackTransport t = new LoopbackTransport(owners);
                Run r = engine(m, rules, w, t);
                assertEquals(1, t.opened, name);
                String what = name + ", " + owners + " owners, " + w + " workers";
                EngineDifferentialTest.same(what, plain.result(), r.result());
                org.junit.jupiter.api.Assertions.assertArrayEquals(plain.failing(), r.failing(), what + ": the failing state's vector");
            }
        }
    }

    @Test
    void wholeChecksAgreeThroughTheClusterOption() {
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            compareCheck((String) c[0], (Model) c[1], KernelRules.all());
        }
        for (long seed = 1; seed <= 200; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            compareCheck("seed " + seed, c.model(), c.rules());
        }
    }

    private static void compareCheck(String name, Model m, RuleSet rules) {
        CheckResult one = Checker.check(m, rules, Options.defaults().withWorkers(1));
        CheckResult r = Checker.check(m, rules, Options.defaults().withWorkers(2).withCluster(new LoopbackTransport(3)));
        EngineDifferentialTest.sameCheck(name + ": " + r.verdict() + " " + r.message() + " vs " + one.verdict() + " " + one.message(), one, r);
    }
}
