package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Fingerprint;
import org.migcheck.checker.engine.Search;
import org.migcheck.checker.engine.SearchResult;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.junit.jupiter.api.Test;

/**
 * The engine (packed store, waves, partitions, N workers) against {@link ReferenceSearch} on 1,000
 * seeded random models and on every catalogue variant: same verdict, same failure, same
 * counterexample schedule, and on complete searches the same distinct-state count and maximal depth;
 * at 1, 2 and 4 workers the engine's results (counts included) are identical. A fingerprint function
 * that maps every state to the same value changes none of this.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
public class EngineDifferentialTest {
    static final int MODELS = 1000;
    static final int[] WORKERS = {1, 2, 4};
    /** Every state collides with every other. */
    static final Fingerprint CONSTANT = (w, off, n) -> 42L;

    static SearchResult engine(Model model, RuleSet rules, int workers, Fingerprint fp) {
        ModelSystem sys = new ModelSystem(model, rules, true);
        return new Search(sys, Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, workers, fp).run();
    }

    static void agree(String what, ReferenceSearch.Result ref, SearchResult r) {
        String ctx = what + ": reference " + ref + ", engine " + r.status() + " "
                + (r.failure() == null ? "" : r.failure().summary() + " " + Arrays.toString(r.schedule())) + ", " + r.stats().line();
        assertEquals(ref.failed(), r.status() == SearchResult.Status.FAILED, ctx);
        if (ref.failed()) {
            assertEquals(ref.failure(), r.failure().summary(), ctx);
            assertArrayEquals(ref.schedule(), r.schedule(), ctx);
        } else {
            assertEquals(SearchResult.Status.COMPLETE, r.status(), ctx);
            assertEquals(ref.distinct(), r.stats().distinct(), ctx);
            assertEquals(ref.maxDepth(), r.stats().maxDepth(), ctx);
        }
    }

    /**
     * Two whole checks of one model agree: verdict, message, rule, counterexample schedule and its
     * explanation, distinct and generated counts, maximal depth. The worker-count, transport, cluster
     * and swarm comparisons all use this one definition of "the same result".
     */
    public static void sameCheck(String what, CheckResult one, CheckResult r) {
        assertEquals(one.verdict(), r.verdict(), what);
        assertEquals(one.message(), r.message(), what);
        assertEquals(one.ruleId(), r.ruleId(), what);
        assertArrayEquals(one.schedule(), r.schedule(), what);
        assertEquals(one.explanation(), r.explanation(), what);
        assertEquals(one.stats().distinct(), r.stats().distinct(), what);
        assertEquals(one.stats().generated(), r.stats().generated(), what);
        assertEquals(one.stats().maxDepth(), r.stats().maxDepth(), what);
    }

    static void same(String what, SearchResult a, SearchResult b) {
        assertEquals(a.status(), b.status(), what);
        assertEquals(a.failure() == null ? null : a.failure().summary(), b.failure() == null ? null : b.failure().summary(), what);
        assertArrayEquals(a.schedule(), b.schedule(), what);
        assertEquals(a.failureState(), b.failureState(), what);
        assertEquals(a.stats().distinct(), b.stats().distinct(), what);
        assertEquals(a.stats().generated(), b.stats().generated(), what);
        assertEquals(a.stats().maxDepth(), b.stats().maxDepth(), what);
    }

    @Test
    void randomModelsAgreeWithTheReferenceAtEveryWorkerCount() {
        int failed = 0;
        int complete = 0;
        long states = 0;
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (long seed = 1; seed <= MODELS; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            ReferenceSearch.Result ref = ReferenceSearch.run(new ModelSystem(c.model(), c.rules(), false));
            SearchResult one = null;
            for (int w : WORKERS) {
                SearchResult r = engine(c.model(), c.rules(), w, Fingerprint.DEFAULT);
                agree("seed " + seed + ", " + w + " workers", ref, r);
                if (one == null) {
                    one = r;
                } else {
                    same("seed " + seed + ", " + w + " workers vs 1", one, r);
                }
            }
            if (ref.failed()) {
                kinds.merge(ref.failure().replaceAll("[:(].*", ""), 1, Integer::sum);
                failed++;
            } else {
                complete++;
                states += ref.distinct();
            }
        }
        // the generator must exercise both outcomes in earnest, or the comparison proves little
        assertTrue(failed >= MODELS / 5 && complete >= MODELS / 5, failed + " failed " + kinds + ", " + complete + " complete");
        assertTrue(states >= 10L * complete, "complete models average " + states / Math.max(1, complete) + " states");
        System.out.printf("random models: %d failed %s, %d complete with %d states in all%n", failed, kinds, complete, states);
    }

    @Test
    void forcedFingerprintCollisionsNeverMergeDistinctStates() {
        int compared = 0;
        for (long seed = 1; seed <= 200; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            ReferenceSearch.Result ref = ReferenceSearch.run(new ModelSystem(c.model(), c.rules(), false));
            if (ref.distinct() > 1000) {
                continue; // every lookup is a linear scan under a constant fingerprint
            }
            for (int w : new int[] {1, 2}) {
                SearchResult r = engine(c.model(), c.rules(), w, CONSTANT);
                agree("seed " + seed + " with colliding fingerprints, " + w + " workers", ref, r);
                same("seed " + seed + " colliding vs default", engine(c.model(), c.rules(), w, Fingerprint.DEFAULT), r);
            }
            compared++;
        }
        assertTrue(compared >= 100, compared + " models compared");
    }

    /** Every variant of every catalogue scenario with the kernel rules, as the CLI checks them. */
    static List<Object[]> catalogue() {
        List<Object[]> out = new ArrayList<>();
        for (Scenario s : Catalogue.all()) {
            for (Variant v : s.variants()) {
                Model m = s.build(Knobs.resolve(s.id(), s.knobs(), v.settings()));
                out.add(new Object[] {s.id() + "/" + v.name(), m});
            }
        }
        return out;
    }

    @Test
    void catalogueVariantsAgreeWithTheReferenceAtEveryWorkerCount() {
        RuleSet rules = KernelRules.all();
        int n = 0;
        for (Object[] c : catalogue()) {
            String name = (String) c[0];
            Model m = (Model) c[1];
            ReferenceSearch.Result ref = ReferenceSearch.run(new ModelSystem(m, rules, false));
            SearchResult one = null;
            for (int w : WORKERS) {
                SearchResult r = engine(m, rules, w, Fingerprint.DEFAULT);
                agree(name + ", " + w + " workers", ref, r);
                if (one == null) {
                    one = r;
                } else {
                    same(name + ", " + w + " workers vs 1", one, r);
                }
            }
            n++;
        }
        assertTrue(n >= 30, n + " catalogue variants");
    }

    @Test
    void checkerResultsDoNotDependOnTheWorkerCount() {
        // the whole check: safety search, lockdep cycle, stuck-thread analysis, goals
        for (Object[] c : catalogue()) {
            compareChecks((String) c[0], (Model) c[1], KernelRules.all());
        }
        for (long seed = 1; seed <= 300; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            compareChecks("seed " + seed, c.model(), c.rules());
        }
    }

    private static void compareChecks(String name, Model m, RuleSet rules) {
        CheckResult one = Checker.check(m, rules, Options.defaults().withWorkers(1));
        for (int w : new int[] {2, 4}) {
            CheckResult r = Checker.check(m, rules, Options.defaults().withWorkers(w));
            sameCheck(name + ", " + w + " workers: " + r.verdict() + " " + r.message() + " vs " + one.verdict() + " " + one.message(),
                    one, r);
        }
    }
}
