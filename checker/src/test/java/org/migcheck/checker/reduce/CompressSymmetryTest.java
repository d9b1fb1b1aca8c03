package org.migcheck.checker.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;

/**
 * The tree-compressed visited set under symmetry reduction (which stores canonical vectors) and
 * partial-order reduction (whose cycle proviso asks the store), on the seeded random models with
 * interchangeable threads and objects: at 1, 2 and 4 workers, liveness on and off, the same verdict,
 * rule, message, counterexample schedule, explanation, counts, depth and reductions line as the
 * packed store on one worker.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class CompressSymmetryTest {
    private static final int SEEDS = 60;

    @Test
    void compressedStoreAgreesUnderSymmetryAndPartialOrderReduction() {
        int reduced = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomModels.Generated g = RandomModels.generate(seed, false);
            Invariant inv = Invariant.of("random.not-all-two-at-zero", "not every flag at 2 while c is 0", "test",
                    s -> g.flags().stream().allMatch(f -> s.get(f) == 2) && s.get(g.counter()) == 0
                            ? Check.violated("every flag is 2 and c is 0") : Check.ok());
            RuleSet rules = RuleSet.of(List.of(inv), false);
            for (boolean liveness : new boolean[] {true, false}) {
                for (Options.Switch por : Options.Switch.values()) {
                    Options o = Options.defaults().withSymmetry(Options.Switch.ON).withPor(por).withLiveness(liveness);
                    CheckResult plain = Checker.check(g.model(), rules, o.withWorkers(1));
                    for (int w : new int[] {1, 2, 4}) {
                        CheckResult tree = Checker.check(g.model(), rules, o.withWorkers(w).withCompress(true));
                        String what = "seed " + seed + " por " + por + " liveness " + liveness + " compressed on " + w + " workers";
                        org.migcheck.checker.run.EngineDifferentialTest.sameCheck(what, plain, tree);
                        assertEquals(plain.reductions(), tree.reductions(), what);
                        assertEquals("tree", tree.stats().store(), what);
                    }
                    if (plain.reductions() != null && plain.reductions().contains("symmetry")) {
                        reduced++;
                    }
                }
            }
        }
        assertTrue(reduced >= SEEDS, "symmetry reduction ran in " + reduced + " checks");
    }
}
