package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.testing.Nested;
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
        m.thread("t1", body -> Nested.locks(body, g, a, b));
        m.thread("t2", body -> Nested.locks(body, g, b, a));
        return m.build();
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
                // the cycle as a default check prints it, which has the same edges
                assertEquals(Checker.check(gated(), LOCKDEP, Options.defaults().withLiveness(false)).message(), end.message());
            }
            if (r.reductions() != null && r.reductions().contains("lock-order cycle found with partial-order reduction")) {
                assertTrue(r.reductions().contains("depth-first search without it (not necessarily a shortest one)"), r.reductions());
                assertFalse(r.reductions().contains("so it is a shortest one"), r.reductions());
            }
        }
    }

    /** t1 takes A then B, t2 B then A, no outer lock: they can deadlock, which a whole check reports. */
    static Model abba() {
        Model.Builder m = Model.builder("lo-abba");
        Lock a = m.mutex("A");
        Lock b = m.mutex("B");
        m.thread("t1", body -> Nested.locks(body, a, b));
        m.thread("t2", body -> Nested.locks(body, b, a));
        return m.build();
    }

    /**
     * A budget that stops the search before the deadlock leaves the lock-order cycle as the report; its paths replay
     * to it although a whole check of the model ends in the deadlock (replay searched the class graph only when the
     * check was incomplete: 'token does not fit', a review).
     */
    @Test
    void aBudgetedCyclesPathsReplayWhereTheWholeModelDeadlocks() {
        assertEquals(Verdict.DEADLOCK, Checker.check(abba(), LOCKDEP, Options.defaults()).verdict());
        CheckResult cut = Checker.check(abba(), LOCKDEP, Options.defaults().withBudget(Budget.unlimited().withMaxStates(3)));
        assertEquals(Verdict.VIOLATED, cut.verdict(), cut.message());
        assertEquals(RuleSet.LOCK_CYCLE, cut.ruleId());
        for (CheckResult.Witness w : cut.witnesses()) {
            Replayer.Ending end = Replayer.replay(abba(), LOCKDEP, w.schedule());
            assertEquals(Verdict.VIOLATED, end.verdict(), Arrays.toString(w.schedule()) + ": " + end.message());
            assertEquals(RuleSet.LOCK_CYCLE, end.ruleId());
        }
    }

    /** Three threads inside G: t1 takes A, B; t2 B, C; t3 C, A. The splat lists the chain as lockdep does. */
    @Test
    void aThreeClassCycleIsPrintedInLockdepsOrder() {
        Model.Builder m = Model.builder("lo-three");
        Lock g = m.mutex("G");
        Lock a = m.mutex("A");
        Lock b = m.mutex("B");
        Lock c = m.mutex("C");
        m.thread("t1", body -> Nested.locks(body, g, a, b));
        m.thread("t2", body -> Nested.locks(body, g, b, c));
        m.thread("t3", body -> Nested.locks(body, g, c, a));
        Model model = m.build();
        CheckResult r = Checker.check(model, LOCKDEP, Options.defaults());
        assertEquals(RuleSet.LOCK_CYCLE, r.ruleId(), r.message());
        java.util.List<CheckResult.Witness> paths = r.witnesses();
        assertEquals(3, paths.size());
        CheckResult.LockEdge closing = paths.get(2).edge();
        String splat = org.migcheck.checker.trace.LockdepReport.render(model, paths);
        // #2 is the held lock's dependency, #1 the one before it, #0 the new acquisition (kernel/locking/lockdep.c print_circular_bug)
        int i2 = splat.indexOf("-> #2 (" + closing.fromClass() + ")");
        int i1 = splat.indexOf("-> #1 (" + paths.get(0).edge().toClass() + ")");
        int i0 = splat.indexOf("-> #0 (" + closing.toClass() + ")");
        assertTrue(i2 >= 0 && i1 > i2 && i0 > i1, splat);
        // Chain exists of: new --> parent --> held; CPU0 holds the held lock and wants the new one
        assertTrue(splat.contains("Chain exists of:\n    " + closing.toClass() + " --> " + paths.get(1).edge().fromClass() + " --> "
                + closing.fromClass()), splat);
        assertTrue(splat.indexOf("  lock(" + closing.fromClass() + ");") < splat.indexOf("  lock(" + closing.toClass() + ");"), splat);
    }

    /**
     * t1 takes A, B; t2 takes B, A; t3's assertion fails whenever t1 holds B. A check stopped at depth 2 has seen both
     * orders (from the depth-1 states) but not the failure (from a depth-2 state): it reports the cycle, and t1's path,
     * whose last state has the failing step next, replays to it (replay called it cut short: a review). With a goal
     * that throws once t2 has set x, which it does before its locks, no check sees t2's order: t1's path then closes no
     * cycle, and replay says it fits nothing.
     */
    @Test
    void replaySearchesTheClassGraphThroughNoFailure() {
        for (boolean goalThrows : new boolean[] {false, true}) {
            Model.Builder m = Model.builder("lo-past-failures");
            Var x = m.var("x", 0, 1, 0);
            Lock a = m.mutex("A");
            Lock b = m.mutex("B");
            m.thread("t1", body -> Nested.locks(body, a, b));
            m.thread("t2", body -> {
                if (goalThrows) {
                    body.step(Step.named("WRITE_ONCE").args("x, 1").does(e -> e.set(x, 1)).build());
                }
                Nested.locks(body, b, a);
            });
            m.thread("t3", body -> body.step(Steps.assertion("user.t1-holds-b", "t1 does not hold B", e -> e.holder(b) != 0)));
            if (goalThrows) {
                m.goal("x-set", s -> {
                    if (s.get(x) == 1) {
                        throw new IllegalStateException("goal code that fails once x is set");
                    }
                    return false;
                });
            }
            Model model = m.build();
            int[] t1Path = {0, 0}; // t1 takes A, then B
            Replayer.Ending end = Replayer.replay(model, LOCKDEP, t1Path);
            if (goalThrows) {
                assertEquals(null, end.verdict(), end.message());
                continue;
            }
            assertEquals(Verdict.VIOLATED, end.verdict(), end.message());
            assertEquals(RuleSet.LOCK_CYCLE, end.ruleId());
            CheckResult whole = Checker.check(model, LOCKDEP, Options.defaults());
            assertEquals("user.t1-holds-b", whole.ruleId(), "the whole model fails t3's assertion first");
            CheckResult cut = Checker.check(model, LOCKDEP, Options.defaults().withBudget(Budget.unlimited().withMaxDepth(2)));
            assertEquals(RuleSet.LOCK_CYCLE, cut.ruleId(), cut.message());
            assertTrue(cut.witnesses().stream().anyMatch(w -> Arrays.equals(w.schedule(), t1Path)), cut.witnesses().toString());
            for (CheckResult.Witness w : cut.witnesses()) {
                Replayer.Ending e = Replayer.replay(model, LOCKDEP, w.schedule());
                assertEquals(Verdict.VIOLATED, e.verdict(), Arrays.toString(w.schedule()) + ": " + e.message());
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
