package org.migcheck.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * A report replays each path of a check once: the first replay of a schedule of a model object stands until the next
 * check of that object, however many other paths are replayed between (a review broke a report with 40 goal
 * witnesses: an eviction after 32 let a model whose guard had flipped be replayed again), and a new check replays
 * afresh (code outside the model may have changed between two checks of one model object).
 */
class TraceMemoTest {
    /** Read by the guard of t1's step: flipped by the test, as code outside the model would change a setting. */
    private static boolean blocked;
    private static int value;

    @Test
    void aScheduleReplayedOnceStaysReplayedUntilTheNextCheck() {
        blocked = false;
        Model m = modelWithManySteps();
        Trace first = Trace.replay(m, new int[] {0});
        blocked = true;
        assertEquals("x: 1", first.rows().get(0).changes().get(0));
        for (int n = 1; n <= 60; n++) { // 60 other schedules between: t2's first n steps
            int[] s = new int[n];
            java.util.Arrays.fill(s, 1);
            Trace.replay(m, s);
        }
        assertEquals(first.rows(), Trace.replay(m, new int[] {0}).rows(), "replayed again: its guard is false now");
        assertThrows(RuntimeException.class, () -> Trace.replay(modelWithManySteps(), new int[] {0}), "another model object replays");
        Trace.forget(m);
        assertThrows(RuntimeException.class, () -> Trace.replay(m, new int[] {0}));
    }

    /** t1: one step whose guard reads {@link #blocked}; t2: 60 steps, so 60 distinct schedules exist. */
    private static Model modelWithManySteps() {
        Model.Builder b = Model.builder("flips-after-one-call");
        Var x = b.var("x", 0, 1, 0);
        Var z = b.var("z", 0, 60, 0);
        b.thread("t1", t -> t.step(Step.named("a").when(e -> !blocked).does(e -> e.set(x, 1)).build()));
        b.thread("t2", t -> {
            for (int i = 1; i <= 60; i++) {
                int v = i;
                t.step(Step.named("s" + i).does(e -> e.set(z, v)).build());
            }
        });
        return b.build();
    }

    @Test
    void aNewCheckOfTheSameModelObjectReplaysAfresh() {
        Model.Builder b = Model.builder("reads-a-setting");
        Var x = b.var("x", 0, 3, 0);
        b.thread("t", t -> t.step(Step.named("write").does(e -> e.set(x, value)).build())
                .step(Steps.assertion("user.x-zero", "x is 0", e -> e.get(x) == 0)));
        Model m = b.build(); // built once, as in a @BeforeAll
        for (int v : new int[] {2, 3}) {
            value = v;
            CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults());
            assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
            List<String> changes = r.trace().rows().get(0).changes();
            assertTrue(changes.contains("x: " + v), "the trace of the check with the setting at " + v + ": " + changes);
        }
    }
}
