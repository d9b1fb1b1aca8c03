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
 * The tree-compressed visited set ({@code --compress}) against the plain packed one: on 1,000 seeded
 * random models and every catalogue variant, at 1, 2 and 4 workers, the same status, failure,
 * counterexample schedule, failing state id, distinct and generated counts and maximal depth; whole
 * checks (liveness on and off, symmetry and partial-order reduction where the model allows them)
 * give the same result; and a fingerprint that makes every state collide changes none of it.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class CompressDifferentialTest {

    static SearchResult engine(Model model, RuleSet rules, int workers, Fingerprint fp, boolean compress, boolean liveness) {
        ModelSystem sys = new ModelSystem(model, rules, liveness);
        return new Search(sys, Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, workers, fp)
                .withCompression(compress).run();
    }

    private static void compareEngines(String name, Model m, RuleSet rules, boolean liveness) {
        SearchResult plain = engine(m, rules, 1, Fingerprint.DEFAULT, false, liveness);
        assertEquals("packed", plain.stats().store(), name);
        for (int w : EngineDifferentialTest.WORKERS) {
            SearchResult tree = engine(m, rules, w, Fingerprint.DEFAULT, true, liveness);
            assertEquals("tree", tree.stats().store(), name);
            EngineDifferentialTest.same(name + ", compressed on " + w + " workers vs plain", plain, tree);
        }
    }

    @Test
    void randomModelsGiveTheSameSearchCompressed() {
        int failed = 0;
        long states = 0;
        for (long seed = 1; seed <= EngineDifferentialTest.MODELS; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            compareEngines("seed " + seed, c.model(), c.rules(), seed % 2 == 0);
            SearchResult r = engine(c.model(), c.rules(), 1, Fingerprint.DEFAULT, true, false);
            failed += r.status() == SearchResult.Status.FAILED ? 1 : 0;
            states += r.stats().distinct();
        }
        // both outcomes in earnest, or the comparison proves little
        int models = EngineDifferentialTest.MODELS;
        assertTrue(failed >= models / 5 && models - failed >= models / 5, failed + " of " + models + " failed");
        assertTrue(states >= 10L * models, states + " states in all");
    }

    @Test
    void catalogueVariantsGiveTheSameSearchCompressed() {
        RuleSet rules = KernelRules.all();
        int n = 0;
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            compareEngines((String) c[0], (Model) c[1], rules, true);
            n++;
        }
        assertTrue(n >= 30, n + " catalogue variants");
    }

    @Test
    void forcedFingerprintCollisionsNeverMergeDistinctStatesCompressed() {
        int compared = 0;
        for (long seed = 1; seed <= 200; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            SearchResult plain = engine(c.model(), c.rules(), 1, Fingerprint.DEFAULT, false, false);
            if (plain.stats().distinct() > 1000) {
                continue; // every lookup is a linear scan under a constant fingerprint
            }
            for (int w : new int[] {1, 2}) {
                SearchResult tree = engine(c.model(), c.rules(), w, EngineDifferentialTest.CONSTANT, true, false);
                EngineDifferentialTest.same("seed " + seed + " compressed with colliding fingerprints, " + w + " workers", plain, tree);
            }
            compared++;
        }
        assertTrue(compared >= 100, compared + " models compared");
    }

    /** Whole checks: safety, lockdep, stuck-thread analysis (liveness on and off), goals, reductions as the CLI runs them. */
    private static void compareChecks(String name, Model m, RuleSet rules, int[] workers) {
        for (boolean liveness : new boolean[] {true, false}) {
            Options base = Options.defaults().withLiveness(liveness);
            CheckResult plain = Checker.check(m, rules, base.withWorkers(1));
            for (int w : workers) {
                CheckResult tree = Checker.check(m, rules, base.withWorkers(w).withCompress(true));
                EngineDifferentialTest.sameCheck(name + ", liveness " + liveness + ", compressed on " + w + " workers: " + tree.verdict()
                        + " " + tree.message() + " vs " + plain.verdict() + " " + plain.message(), plain, tree);
                assertEquals(plain.goals().keySet(), tree.goals().keySet(), name);
                plain.goals().forEach((g, a) -> assertEquals(a.answer(), tree.goals().get(g).answer(), name + " goal " + g));
                assertEquals(plain.reductions(), tree.reductions(), name);
                if (plain.stats().store() != null) {
                    assertEquals("tree", tree.stats().store(), name);
                }
            }
        }
    }

    @Test
    void wholeChecksAgreeCompressedOnCatalogueAndRandomModels() {
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            compareChecks((String) c[0], (Model) c[1], KernelRules.all(), EngineDifferentialTest.WORKERS);
        }
        for (long seed = 1; seed <= 300; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            compareChecks("seed " + seed, c.model(), c.rules(), EngineDifferentialTest.WORKERS);
        }
    }
}
