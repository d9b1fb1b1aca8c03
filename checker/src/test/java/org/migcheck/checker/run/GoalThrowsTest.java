package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * A goal whose predicate throws is the model's error at the state it threw on: the report shows the path
 * there and its token replays to the same error (a review saw it reported at the initial state, with a token
 * that replay refused).
 */
class GoalThrowsTest {
    /** Two threads add 1 to c each; the goal throws once c is 2, which takes both steps. */
    private static Model model() {
        Model.Builder m = Model.builder("goal-throws");
        Var c = m.var("c", 0, 2, 0);
        for (String t : new String[] {"t1", "t2"}) {
            m.thread(t, b -> b.step(Step.named("inc").args("c").does(e -> e.add(c, 1)).build()));
        }
        m.goal("two", s -> {
            if (s.get(c) == 2) {
                throw new IllegalStateException("goal code that fails at c == 2");
            }
            return false;
        });
        return m.build();
    }

    @Test
    void theReportShowsThePathToTheStateItThrewOn() {
        for (Options opts : new Options[] {Options.defaults(), Options.defaults().unreduced(), Options.defaults().withWorkers(1)}) {
            CheckResult r = Checker.check(model(), RuleSet.empty(), opts);
            assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
            assertTrue(r.message().contains("goal two threw java.lang.IllegalStateException: goal code that fails at c == 2"), r.message());
            assertEquals(2, r.schedule().length, "both increments, by hand");
            Replayer.Ending end = Replayer.replay(model(), RuleSet.empty(), r.schedule());
            assertEquals(Verdict.MODEL_ERROR, end.verdict(), end.message());
        }
    }
}
