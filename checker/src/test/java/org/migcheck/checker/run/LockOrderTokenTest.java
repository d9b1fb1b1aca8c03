package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * Lock order from a review of the lockdep-style analysis: every path a lock-order report prints replays to the
 * report, whichever search printed it (replay compared a path with the witnesses of a default check only, so a
 * depth-first check's paths were "a truncated or altered schedule"); a cycle that a budgeted search has already
 * seen is reported; the re-check without partial-order reduction says whether its trace is a shortest one.
 */
class LockOrderTokenTest {

    /** t0 writes v twice; t1 takes G, A, B; t2 takes G, B, A (G keeps them from deadlocking). By hand: cycle A -> B -> A. */
    static Model gated() {
        Model.Builder m = Model.builder("lo-gated");
        Var v = m.var("v", 0, 1, 0);
        Lock g = m.mutex("G");
        Lock a = m.mutex("A");
        Lock b = m.mutex("B");
        m.thread("t0", body -> {
            body.step(Step.named("WRITE_ONCE").args("v, 1").does(e -> e.set(v, 1)).build());
            body.step(Step.named("WRITE_ONCE").args("v, 0").does(e -> e.set(v, 0)).build());
        });
        m.thread("t1", body -> nested(body, g, a, b));
        m.thread("t2", body -> nested(body, g, b, a));
        return m.build();
    }

    /** Takes the locks in order, then releases them in the reverse order. */
    private static void nested(org.migcheck.model.lang.Body body, Lock... locks) {
        for (Lock l : locks) {
            body.step(Steps.lock("mutex_lock", l));
        }
        for (int i = locks.length - 1; i >= 0; i--) {
            body.step(Steps.unlock("mutex_unlock", locks[i]));
        }
    }

    private static final RuleSet LOCKDEP = RuleSet.of(java.util.List.of(), true);

    @Test
    void everyPathOfADepthFirstReportReplaysToTheCycle() {
        for (Options opts : new Options[] {Options.defaults().withStrategy(Strategy.DFS), Options.defaults().withStrategy(Strategy.DFS).unreduced(),
                Options.defaults().withStrategy(Strategy.DFS).withPor(Options.Switch.ON)}) {
            CheckResult r = Checker.check(gated(), LOCKDEP, opts);
            assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
            assertEquals(RuleSet.LOCK_CYCLE, r.ruleId());
            assertEquals(2, r.witnesses().size());
            for (CheckResult.Witness w : r.witnesses()) {
                Replayer.Ending end = Replayer.replay(gated(), LOCKDEP, w.schedule());
                assertEquals(Verdict.VIOLATED, end.verdict(), w.title() + " " + Arrays.toString(w.schedule()) + ": " + end.message());
                assertEquals(RuleSet.LOCK_CYCLE, end.ruleId());
            }
            if (r.reductions() != null && r.reductions().contains("lock-order cycle found with partial-order reduction")) {
                assertTrue(r.reductions().contains("depth-first search without it (not necessarily a shortest one)"), r.reductions());
                assertFalse(r.reductions().contains("so it is a shortest one"), r.reductions());
            }
        }
    }

    @Test
    void aPathThatClosesNoCycleEndsInNothing() {
        // t1's first two steps: it takes A holding G, an edge G -> A of no cycle
        Replayer.Ending end = Replayer.replay(gated(), LOCKDEP, new int[] {1, 1});
        assertEquals(null, end.verdict(), end.message());
    }

    @Test
    void aCycleSeenBeforeTheBudgetEndsTheSearchIsReported() {
        // unbudgeted: the shortest paths take 3 steps each (G, then the two locks); the budget stops the search later
        CheckResult whole = Checker.check(gated(), LOCKDEP, Options.defaults().unreduced());
        assertEquals(Verdict.VIOLATED, whole.verdict());
        long states = whole.stats().distinct();
        CheckResult cut = Checker.check(gated(), LOCKDEP, Options.defaults().unreduced().withBudget(Budget.unlimited().withMaxStates(states - 3)));
        assertEquals(Verdict.VIOLATED, cut.verdict(), cut.message() + " " + cut.notes());
        assertEquals(RuleSet.LOCK_CYCLE, cut.ruleId());
        assertTrue(cut.notes().stream().anyMatch(n -> n.startsWith("the search was stopped (max states " + (states - 3) + ")")), cut.notes().toString());
        for (CheckResult.Witness w : cut.witnesses()) {
            assertEquals(Verdict.VIOLATED, Replayer.replay(gated(), LOCKDEP, w.schedule()).verdict());
        }
        // a budget that ends the search before both orders were seen: no verdict
        CheckResult early = Checker.check(gated(), LOCKDEP, Options.defaults().unreduced().withBudget(Budget.unlimited().withMaxStates(3)));
        assertEquals(Verdict.INCOMPLETE, early.verdict(), early.message());
    }
}
