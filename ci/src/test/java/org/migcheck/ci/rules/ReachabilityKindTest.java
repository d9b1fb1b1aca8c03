package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.ci.rules.Runs.check;
import static org.migcheck.ci.rules.Runs.expect;
import static org.migcheck.ci.rules.Runs.report;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.CheckResult.GoalResult.Answer;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;

/**
 * Reachability goals ({@code Model.Builder.goal}): a goal that some state satisfies is answered
 * REACHABLE with a shortest witness (BFS), one that no state satisfies UNREACHABLE after an
 * exhaustive search.
 *
 * <p>The model: inc1 and inc2 each run {@code mutex_lock(L); count++; mutex_unlock(L)}. By hand:
 * each thread has 4 positions (before lock, before count++, before unlock, finished); positions 1
 * and 2 hold L, so the two threads are never both there; count and L's holder follow from the
 * positions. Distinct states: 4 * 4 - 2 * 2 = 12.
 */
class ReachabilityKindTest {

    static final String BOTH_COUNTED = "count-is-2";
    static final String LOST_UPDATE = "both-done-count-below-2";

    static Model counterModel() {
        Model.Builder b = Model.builder("locked-counter");
        Lock l = b.mutex("L");
        Var count = b.counter("count", 0, 2, 0);
        for (String t : new String[] {"inc1", "inc2"}) {
            b.thread(t, body -> body.step(Steps.lock("mutex_lock", l))
                    .step(Step.named("count++").args("count").does(e -> e.add(count, 1)).build())
                    .step(Steps.unlock("mutex_unlock", l)));
        }
        b.goal(BOTH_COUNTED, s -> s.get(count) == 2);
        b.goal(LOST_UPDATE, s -> s.finished(0) && s.finished(1) && s.get(count) < 2);
        return b.build();
    }

    /**
     * count == 2 needs both count++ steps; each needs its thread's mutex_lock before it, and the
     * second thread's mutex_lock needs the first thread's mutex_unlock: 2 + 2 + 1 = 5 steps, and
     * lock, ++, unlock, lock, ++ reaches it in 5.
     */
    @Test
    void reachableGoalHasAShortestWitness() {
        Model m = counterModel();
        CheckResult r = expect(check(m), Verdict.HOLDS);
        CheckResult.GoalResult g = r.goals().get(BOTH_COUNTED);
        assertNotNull(g, report(r));
        assertEquals(Answer.REACHABLE, g.answer());
        assertEquals(5, g.witness().length, report(r));
        Trace t = Trace.replay(m, g.witness());
        Semantics sem = new Semantics(m);
        Var count = m.vars().stream().filter(v -> v.name().equals("count")).findFirst().orElseThrow();
        assertEquals(2, sem.view(t.last()).get(count), "the witness ends in a goal state");
        assertEquals("count++(count)", t.rows().get(4).label());
    }

    @Test
    void unreachableGoalAfterAnExhaustiveSearch() {
        Model m = counterModel();
        CheckResult r = expect(check(m), Verdict.HOLDS);
        CheckResult.GoalResult g = r.goals().get(LOST_UPDATE);
        assertEquals(Answer.UNREACHABLE, g.answer(), report(r));
        assertNull(g.witness());
        assertEquals(12, r.stats().distinct());
        assertEquals(12, Runs.reachableStates(m));
        assertTrue(r.limit() == null, "exhaustive, no budget hit");
    }
}
