package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.migcheck.checker.engine.Stats;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.RuleSet;

/**
 * The engine's state and transition counts against {@link BruteForce}, an enumerator that shares no
 * code with migcheck, and against counts derived by hand. Only models that hold are compared (the
 * engine stops at the first failure); abba-gated holds with lockdep off.
 */
class StateCountTest {

    static CheckResult check(Model m) {
        return Checker.check(m, RuleSet.empty(), Options.defaults());
    }

    static void assertSameCounts(BruteForce.Result expected, CheckResult actual, String what) {
        assertEquals(Verdict.HOLDS, actual.verdict(), what + ": " + actual.message());
        Stats s = actual.stats();
        assertEquals(expected.distinct(), s.distinct(), what + ": distinct states");
        assertEquals(expected.transitions(), s.generated(), what + ": transitions generated");
        assertEquals(expected.maxDepth(), s.maxDepth(), what + ": depth");
        assertEquals(0, expected.deadlocks(), what + ": brute force finds no deadlock");
        assertEquals(-1, expected.shortestFailure(), what + ": brute force finds no failing transition");
    }

    /**
     * abba-ordered by hand. Each thread runs lock A (pc 0->1), lock B (1->2), unlock B (2->3),
     * unlock A (3->4 = finished). Thread t holds A exactly when pc_t is 1, 2 or 3, and B only at pc
     * 2, so the lock owners are functions of the two pcs and a state is the pair (pc1, pc2). Mutual
     * exclusion on A forbids both pcs in {1,2,3}: 5*5 - 3*3 = 16 pairs, and each is reachable (the
     * thread outside {1,2,3} is at 0 or 4, so run one thread alone, or one to completion first).
     * Transitions: t1 can move at pc 0 only when pc2 is in {0,4} (2 states), and at pc 1..3 always
     * (then pc2 is in {0,4}: 3*2 = 6 states): 8 moves; t2 symmetrically 8: 16 generated. The deepest
     * state is both finished, after all 8 steps.
     */
    @Test
    void abbaOrderedByHand() {
        CheckResult r = check(Zoo.abbaModel(true, false));
        assertEquals(Verdict.HOLDS, r.verdict());
        assertEquals(16, r.stats().distinct());
        assertEquals(16, r.stats().generated());
        assertEquals(8, r.stats().maxDepth());
        BruteForce.Result bf = BruteForce.explore(BruteForce.abba(true, false));
        assertEquals(16, bf.distinct());
        assertEquals(16, bf.transitions());
        assertSameCounts(bf, r, "abba-ordered");
    }

    /**
     * abba-gated by hand: each thread has 6 steps (G, first, second, unlock second, unlock first,
     * unlock G), pc 0..6. G is held by t exactly at pc 1..5 and A and B are only touched inside G, so
     * a state is (pc1, pc2) with not both in 1..5: 7*7 - 5*5 = 24. Moves of t1: at pc 0 when pc2 is 0
     * or 6 (2), at pc 1..5 always (5*2 = 10): 12, and 12 for t2: 24 generated; depth 12. With lockdep
     * off there is nothing to report: HOLDS.
     */
    @Test
    void abbaGatedByHand() {
        CheckResult r = check(Zoo.abbaModel(false, true));
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(24, r.stats().distinct());
        assertEquals(24, r.stats().generated());
        assertEquals(12, r.stats().maxDepth());
        assertSameCounts(BruteForce.explore(BruteForce.abba(false, true)), r, "abba-gated");
    }

    /**
     * counter-atomic by hand: inc1 and inc2 each one step, x = number finished; the observer can only
     * move once both finished. States: (0,0), (1,0), (0,1), (1,1) with the observer waiting, then the
     * observer past its wait, then finished: 6. Transitions: 2 + 1 + 1 + 1 + 1 = 6; depth 4.
     */
    @Test
    void counterAtomicByHand() {
        CheckResult r = check(Zoo.lostUpdateModel(true));
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(6, r.stats().distinct());
        assertEquals(6, r.stats().generated());
        assertEquals(4, r.stats().maxDepth());
        assertSameCounts(BruteForce.explore(BruteForce.counter(true)), r, "counter-atomic");
    }

    /** Philosophers with the last one taking the lower fork first: no deadlock, exact counts. */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void philosophersOrdered(int n) {
        BruteForce.Result bf = BruteForce.explore(BruteForce.philosophers(n, true));
        CheckResult r = check(Zoo.philosophersModel(n, true));
        assertSameCounts(bf, r, "philosophers-" + n + "-ordered");
        if (n == 2) {
            // two philosophers both take fork0 then fork1: the same system as abba-ordered
            assertEquals(16, r.stats().distinct());
        }
    }

    /** The brute force itself sees the circular variants deadlock (sanity check of the helper). */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6})
    void bruteForceSeesCircularDeadlock(int n) {
        BruteForce.Result bf = BruteForce.explore(BruteForce.philosophers(n, false));
        assertEquals(n, bf.shortestDeadlock());
        assertEquals(1, bf.deadlocks(), "the only deadlock: everyone holds the left fork");
    }

    /** DFS visits the same states and transitions as BFS on every model that holds. */
    @Test
    void dfsCountsEqualBruteForce() {
        Options dfs = Options.defaults().withStrategy(Strategy.DFS);
        assertSameCounts(BruteForce.explore(BruteForce.abba(true, false)),
                Checker.check(Zoo.abbaModel(true, false), RuleSet.empty(), dfs), "abba-ordered dfs");
        assertSameCounts(BruteForce.explore(BruteForce.counter(true)),
                Checker.check(Zoo.lostUpdateModel(true), RuleSet.empty(), dfs), "counter-atomic dfs");
        for (int n = 2; n <= 5; n++) {
            CheckResult r = Checker.check(Zoo.philosophersModel(n, true), RuleSet.empty(), dfs);
            BruteForce.Result bf = BruteForce.explore(BruteForce.philosophers(n, true));
            assertEquals(Verdict.HOLDS, r.verdict());
            assertEquals(bf.distinct(), r.stats().distinct(), "philosophers dfs n=" + n);
            assertEquals(bf.transitions(), r.stats().generated(), "philosophers dfs n=" + n);
        }
    }

    /**
     * starved-waiter with a setter, by hand: ticks is free (2 values) and the rest is one of
     * (setter not run, waiter waiting, ready clear), (setter done, waiting, ready set), (setter done,
     * past the wait, ready set), (setter done, waiter done, ready cleared by consume): 4*2 = 8
     * states. Transitions: tick in all 8, set_ready in 2, wait_event in 2, consume in 2: 14. Without
     * the setter only the two tick states exist.
     */
    @Test
    void starvedWaiterByHand() {
        CheckResult with = check(Zoo.starvedWaiterModel(true));
        assertEquals(8, with.stats().distinct());
        assertEquals(14, with.stats().generated());
        assertSameCounts(BruteForce.explore(BruteForce.starvedWaiter(true)), with, "starved-waiter with setter");
        CheckResult without = check(Zoo.starvedWaiterModel(false));
        BruteForce.Result bf = BruteForce.explore(BruteForce.starvedWaiter(false));
        assertEquals(2, bf.distinct());
        assertEquals(2, without.stats().distinct());
        assertEquals(bf.transitions(), without.stats().generated());
    }
}
