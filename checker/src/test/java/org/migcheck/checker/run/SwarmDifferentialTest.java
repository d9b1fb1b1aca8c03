package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.checker.engine.RandomSearch;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.junit.jupiter.api.Test;

/**
 * Random walks split into chunks, run out of order and passed through the wire form a member sends,
 * give the same result as one process running every walk: same verdict, message, shrunk schedule,
 * generated and distinct counts and depth, on the catalogue and seeded random models. And a check's
 * result survives the wire form a sharded suite uses, field by field.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class SwarmDifferentialTest {
    /** Chunks of {@code size} walks, run last chunk first, each through {@link Wire}; cut after the first that failed. */
    static RandomSearch.Swarm chunked(int size, int[] chunksRun) {
        return (walks, local) -> {
            int n = (walks + size - 1) / size;
            RandomSearch.Chunk[] all = new RandomSearch.Chunk[n];
            for (int i = n - 1; i >= 0; i--) {
                all[i] = Wire.chunk(Wire.chunk(local.walk(i * size, Math.min(walks, (i + 1) * size))));
                chunksRun[0]++;
            }
            List<RandomSearch.Chunk> out = new ArrayList<>();
            for (RandomSearch.Chunk c : all) {
                out.add(c);
                if (c.failWalk >= 0 || c.timedOut) {
                    break;
                }
            }
            return out;
        };
    }

    @Test
    void chunkedWalksGiveTheSingleProcessResult() {
        int failed = 0;
        int n = 0;
        for (long seed = 1; seed <= 120; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            failed += compare("seed " + seed, c.model(), c.rules(), seed) ? 1 : 0;
            n++;
        }
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            failed += compare((String) c[0], (Model) c[1], KernelRules.all(), 5) ? 1 : 0;
            n++;
        }
        // both kinds of outcome occur: walks that fail (first failure by walk index) and walks that find nothing (counts)
        assertTrue(failed > 10 && failed < n - 10, failed + " of " + n + " failed");
    }

    /** Whether the walks found a failure. */
    private static boolean compare(String name, Model m, RuleSet rules, long seed) {
        Options opts = Options.defaults().withRandom(seed, 60).withBudget(Options.defaults().budget().withMaxDepth(40));
        CheckResult one = Checker.check(m, rules, opts);
        for (int size : new int[] {1, 7, 25}) {
            int[] run = {0};
            CheckResult r = Checker.check(m, rules, opts.withSwarm(chunked(size, run)));
            assertTrue(run[0] > 0, name + ": the swarm ran no chunk");
            String what = name + ", chunks of " + size + ": " + r.verdict() + " " + r.message() + " vs " + one.verdict() + " " + one.message();
            EngineDifferentialTest.sameCheck(what, one, r);
            assertEquals(one.notes(), r.notes(), what);
        }
        return one.verdict() != Verdict.INCOMPLETE;
    }

    @Test
    void checkResultsSurviveTheWireForm() {
        int continuations = 0;
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            Model m = (Model) c[1];
            CheckResult r = Checker.check(m, KernelRules.all(), Options.defaults().withWorkers(1));
            CheckResult back = Wire.result(Wire.result(r), m);
            String what = (String) c[0];
            assertEquals(r.verdict(), back.verdict(), what);
            assertEquals(r.ruleId(), back.ruleId(), what);
            assertEquals(r.message(), back.message(), what);
            assertArrayEquals(r.schedule(), back.schedule(), what);
            assertEquals(r.explanation(), back.explanation(), what);
            assertEquals(r.continuation() == null, back.continuation() == null, what + ": continuation");
            if (r.continuation() != null) {
                continuations++;
                assertEquals(r.continuation().thread(), back.continuation().thread(), what);
                assertEquals(r.continuation().livelock(), back.continuation().livelock(), what);
                assertArrayEquals(r.continuation().steps(), back.continuation().steps(), what);
                assertEquals(r.continuation().loopFrom(), back.continuation().loopFrom(), what);
            }
            assertEquals(r.witnesses().size(), back.witnesses().size(), what);
            for (int i = 0; i < r.witnesses().size(); i++) {
                assertEquals(r.witnesses().get(i).title(), back.witnesses().get(i).title(), what);
                assertArrayEquals(r.witnesses().get(i).schedule(), back.witnesses().get(i).schedule(), what);
                assertEquals(r.witnesses().get(i).edge(), back.witnesses().get(i).edge(), what);
            }
            assertEquals(r.goals().keySet().stream().toList(), back.goals().keySet().stream().toList(), what);
            r.goals().forEach((g, a) -> {
                assertEquals(a.answer(), back.goals().get(g).answer(), what + " goal " + g);
                assertArrayEquals(a.witness(), back.goals().get(g).witness(), what + " goal " + g);
            });
            assertEquals(r.stats(), back.stats(), what);
            assertEquals(r.limit(), back.limit(), what);
            assertEquals(r.notes(), back.notes(), what);
            assertEquals(r.unreached(), back.unreached(), what);
            assertEquals(r.saturated(), back.saturated(), what);
            assertEquals(r.reductions(), back.reductions(), what);
        }
        assertTrue(continuations > 0, "no stuck variant in the catalogue: the continuation's wire form is not exercised");
    }
}
