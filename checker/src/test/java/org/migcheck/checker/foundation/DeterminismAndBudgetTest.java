package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.Search;
import org.migcheck.checker.engine.SearchObserver;
import org.migcheck.checker.engine.SearchResult;
import org.migcheck.checker.engine.Stats;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/** Same input, same output; DFS agrees with BFS; budgets end runs as INCOMPLETE, never HOLDS. */
class DeterminismAndBudgetTest {

    static List<Model> zooModels() {
        List<Model> out = new ArrayList<>();
        out.add(Zoo.abbaModel(false, false));
        out.add(Zoo.abbaModel(true, false));
        out.add(Zoo.abbaModel(false, true));
        for (int n = 2; n <= 5; n++) {
            out.add(Zoo.philosophersModel(n, false));
            out.add(Zoo.philosophersModel(n, true));
        }
        out.add(Zoo.lostUpdateModel(false));
        out.add(Zoo.lostUpdateModel(true));
        out.add(Zoo.starvedWaiterModel(false));
        out.add(Zoo.starvedWaiterModel(true));
        return out;
    }

    @Test
    void twoRunsAreIdentical() {
        for (RuleSet rules : List.of(RuleSet.empty(), KernelRules.all())) {
            for (Strategy st : Strategy.values()) {
                Options o = Options.defaults().withStrategy(st);
                for (Model m : zooModels()) {
                    CheckResult a = Checker.check(m, rules, o);
                    CheckResult b = Checker.check(m, rules, o);
                    String what = m.name() + " " + st + " lockdep=" + rules.lockdep();
                    org.migcheck.checker.run.EngineDifferentialTest.sameCheck(what, a, b);
                    // random walks keep no state store: they show their work as transitions taken
                    assertTrue(st == Strategy.RANDOM ? a.stats().generated() > 0 : a.stats().distinct() > 0, what);
                }
            }
        }
    }

    @Test
    void dfsVerdictAgreesWithBfsOnEveryZooVariant() {
        int variants = 0;
        for (Scenario s : Zoo.all()) {
            for (Variant v : s.variants()) {
                for (RuleSet rules : List.of(RuleSet.empty(), KernelRules.all())) {
                    ScenarioRunner.Outcome bfs = ScenarioRunner.run(s, v.name(), Map.of(), rules, Options.defaults());
                    ScenarioRunner.Outcome dfs = ScenarioRunner.run(s, v.name(), Map.of(), rules,
                            Options.defaults().withStrategy(Strategy.DFS));
                    String what = s.id() + "/" + v.name() + " lockdep=" + rules.lockdep();
                    assertEquals(bfs.result().verdict(), dfs.result().verdict(), what);
                    assertEquals(bfs.result().ruleId(), dfs.result().ruleId(), what);
                    if (rules.lockdep()) {
                        assertTrue(bfs.matches(), what + ": " + bfs.actual());
                        assertTrue(dfs.matches(), what + ": " + dfs.actual());
                    }
                    // BFS counterexamples are shortest: never longer than DFS ones
                    if (!rules.lockdep() && (bfs.result().verdict() == Verdict.DEADLOCK
                            || bfs.result().verdict() == Verdict.VIOLATED)) {
                        assertTrue(bfs.result().schedule().length <= dfs.result().schedule().length, what);
                    }
                }
                variants++;
            }
        }
        assertEquals(9, variants);
    }

    @Test
    void maxStatesEqualToTheStateSpaceStillCompletes() {
        // abba-ordered has 16 reachable states (hand count in StateCountTest)
        Model m = Zoo.abbaModel(true, false);
        CheckResult exact = Checker.check(m, RuleSet.empty(), Options.defaults().withBudget(Budget.unlimited().withMaxStates(16)));
        assertEquals(Verdict.HOLDS, exact.verdict());
        assertEquals(16, exact.stats().distinct());
        CheckResult under = Checker.check(m, RuleSet.empty(), Options.defaults().withBudget(Budget.unlimited().withMaxStates(15)));
        assertEquals(Verdict.INCOMPLETE, under.verdict());
        assertEquals(15, under.stats().distinct(), "reports exactly the budget's states, not the one that went over");
        assertEquals(15, Checker.check(m, RuleSet.empty(), Options.defaults().withStrategy(Strategy.DFS)
                .withBudget(Budget.unlimited().withMaxStates(15))).stats().distinct());
    }

    @Test
    void maxStatesMakesItIncomplete() {
        Options o = Options.defaults().withBudget(Budget.unlimited().withMaxStates(50));
        CheckResult r = Checker.check(Zoo.philosophersModel(6, true), RuleSet.empty(), o);
        assertEquals(Verdict.INCOMPLETE, r.verdict());
        assertNotNull(r.limit());
        assertTrue(r.limit().contains("max states"), r.limit());
        assertTrue(r.message().contains("max states"), r.message());
        assertEquals(50, r.stats().distinct(), "stopped at the first state beyond the bound, with exactly the bound stored");
        assertTrue(r.stats().distinct() < Checker.check(Zoo.philosophersModel(6, true), RuleSet.empty(),
                Options.defaults()).stats().distinct());
        // a bound above the size of the state space (abba-ordered: 16 states) is no limit
        CheckResult roomy = Checker.check(Zoo.abbaModel(true, false), RuleSet.empty(),
                Options.defaults().withBudget(Budget.unlimited().withMaxStates(17)));
        assertEquals(Verdict.HOLDS, roomy.verdict());
        assertEquals(16, roomy.stats().distinct());
        CheckResult tight = Checker.check(Zoo.abbaModel(true, false), RuleSet.empty(),
                Options.defaults().withBudget(Budget.unlimited().withMaxStates(10)));
        assertEquals(Verdict.INCOMPLETE, tight.verdict());
        // also with DFS
        CheckResult d = Checker.check(Zoo.philosophersModel(6, true), RuleSet.empty(), o.withStrategy(Strategy.DFS));
        assertEquals(Verdict.INCOMPLETE, d.verdict());
        assertEquals(50, d.stats().distinct());
        for (int workers : new int[] {1, 2, 4}) {
            assertEquals(50, Checker.check(Zoo.philosophersModel(6, true), RuleSet.empty(), o.withWorkers(workers)).stats().distinct());
        }
    }

    @Test
    void maxDepthMakesItIncomplete() {
        Options o = Options.defaults().withBudget(Budget.unlimited().withMaxDepth(3));
        CheckResult r = Checker.check(Zoo.philosophersModel(6, true), RuleSet.empty(), o);
        assertEquals(Verdict.INCOMPLETE, r.verdict());
        assertTrue(r.limit().contains("max depth 3"), r.limit());
        assertEquals(3, r.stats().maxDepth());
        // a depth bound at least the model's depth is no limit at all: abba-ordered is 8 deep
        CheckResult full = Checker.check(Zoo.abbaModel(true, false), RuleSet.empty(),
                Options.defaults().withBudget(Budget.unlimited().withMaxDepth(8)));
        assertEquals(Verdict.HOLDS, full.verdict());
        assertEquals(16, full.stats().distinct());
        CheckResult cut = Checker.check(Zoo.abbaModel(true, false), RuleSet.empty(),
                Options.defaults().withBudget(Budget.unlimited().withMaxDepth(7)));
        assertEquals(Verdict.INCOMPLETE, cut.verdict());
    }

    /**
     * A deadlock state that lies exactly at the depth bound is stored but never expanded. The run must
     * not claim HOLDS: either the deadlock is reported or the run is INCOMPLETE.
     */
    @Test
    void deadlockAtTheDepthBoundIsNotHolds() {
        Model.Builder b = Model.builder("self-deadlock");
        Lock l = b.mutex("L");
        b.thread("t", body -> body.step(Steps.lock("mutex_lock", l)).step(Steps.lock("mutex_lock", l)));
        Model m = b.build();
        CheckResult unbounded = Checker.check(m, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.DEADLOCK, unbounded.verdict());
        assertEquals(1, unbounded.schedule().length);
        for (boolean liveness : new boolean[] {false, true}) {
            CheckResult bounded = Checker.check(m, RuleSet.empty(),
                    Options.defaults().withLiveness(liveness).withBudget(Budget.unlimited().withMaxDepth(1)));
            assertNotEquals(Verdict.HOLDS, bounded.verdict(), "liveness " + liveness
                    + ": the deadlock at depth 1 was never checked, yet the run says: " + bounded.message());
            assertTrue(bounded.verdict() == Verdict.DEADLOCK || bounded.verdict() == Verdict.INCOMPLETE,
                    "liveness " + liveness + ": " + bounded.verdict() + ": " + bounded.message());
            if (bounded.verdict() == Verdict.DEADLOCK) {
                assertEquals(1, bounded.schedule().length);
                assertTrue(bounded.explanation().get(0).contains("self-deadlock"), bounded.explanation().toString());
            }
        }
    }

    @Test
    void timeLimitViaChecker() {
        // a limit of one nanosecond is always over by the first budget check (after 256 expansions)
        Options o = Options.defaults().withBudget(Budget.unlimited().withTimeLimit(Duration.ofNanos(1)));
        CheckResult r = Checker.check(Zoo.philosophersModel(6, true), RuleSet.empty(), o);
        assertEquals(Verdict.INCOMPLETE, r.verdict());
        assertTrue(r.limit().startsWith("time limit"), r.limit());
    }

    /** A grid system: (x, y) in [0, size)^2, steps x+1 and y+1; size^2 states, 2*size*(size-1) transitions. */
    static class Grid implements TransitionSystem {
        final int size;

        Grid(int size) { this.size = size; }

        @Override public int[] slotMin() { return new int[] {0, 0}; }
        @Override public int[] slotMax() { return new int[] {size - 1, size - 1}; }
        @Override public int[] initialState() { return new int[] {0, 0}; }

        @Override public void expand(int id, int[] s, Successors out) {
            if (s[0] + 1 < size) {
                out.successor(0, new int[] {s[0] + 1, s[1]});
            }
            if (s[1] + 1 < size) {
                out.successor(1, new int[] {s[0], s[1] + 1});
            }
        }

        @Override public Failure checkState(int[] s) { return null; }
        @Override public int actorOf(int label) { return label; }
    }

    /** 0 -> 1, 0 -> 2, 1 -> 3; state 2 is bad (checked when it is expanded). */
    static final class BadSecond implements TransitionSystem {
        @Override public int[] slotMin() { return new int[] {0}; }
        @Override public int[] slotMax() { return new int[] {3}; }
        @Override public int[] initialState() { return new int[] {0}; }

        @Override public void expand(int id, int[] s, Successors out) {
            if (s[0] == 0) {
                out.successor(0, new int[] {1});
                out.successor(1, new int[] {2});
            } else if (s[0] == 1) {
                out.successor(0, new int[] {3});
            }
        }

        @Override public Failure checkState(int[] s) { return s[0] == 2 ? () -> "state 2 is bad" : null; }
        @Override public int actorOf(int label) { return label; }
    }

    /**
     * The budget is reached in the wave that expands the bad state: the state is one of the N stored,
     * so its failure is reported (FAILED), not INCOMPLETE; the state beyond the budget is not stored.
     */
    @Test
    void aStoredBadStateWinsOverTheBudgetReachedInItsWave() {
        for (int workers : new int[] {1, 2, 4}) {
            for (Strategy strategy : new Strategy[] {Strategy.BFS, Strategy.DFS}) {
                SearchResult r = new Search(new BadSecond(), strategy, Budget.unlimited().withMaxStates(3)).withWorkers(workers).run();
                assertEquals(SearchResult.Status.FAILED, r.status(), strategy + ", " + workers + " workers");
                assertEquals("state 2 is bad", r.failure().summary());
                assertArrayEquals(new int[] {1}, r.schedule());
                assertTrue(r.stats().distinct() <= 3, "stored " + r.stats().distinct());
            }
            // one state fewer: the bad state itself is beyond the budget
            SearchResult cut = new Search(new BadSecond(), Strategy.BFS, Budget.unlimited().withMaxStates(2)).withWorkers(workers).run();
            assertEquals(SearchResult.Status.INCOMPLETE, cut.status());
            assertEquals(2, cut.stats().distinct());
        }
    }

    /**
     * The heap running out ends the search INCOMPLETE with the states stored so far: the grid's
     * expansion "runs out" at the first state of level 10, when every state of levels 0..10 (1 + 2 +
     * ... + 11 = 66) has been stored by breadth-first search; the count was reported as 0 once the
     * store was let go.
     */
    @Test
    void runningOutOfHeapReportsTheStatesStored() {
        for (int workers : new int[] {1, 2, 4}) {
            for (Strategy strategy : new Strategy[] {Strategy.BFS, Strategy.DFS}) {
                Grid oom = new Grid(40) {
                    @Override public void expand(int id, int[] st, Successors out) {
                        if (st[0] + st[1] == 10) {
                            throw new OutOfMemoryError("Java heap space (test)");
                        }
                        super.expand(id, st, out);
                    }
                };
                SearchResult r = new Search(oom, strategy, Budget.unlimited()).withWorkers(workers).run();
                String what = strategy + ", " + workers + " workers";
                assertEquals(SearchResult.Status.INCOMPLETE, r.status(), what);
                assertEquals("the JVM's heap limit (out of memory)", r.limit(), what);
                if (strategy == Strategy.BFS) {
                    assertTrue(r.stats().distinct() >= 66 && r.stats().distinct() <= 66 + 12, what + ": " + r.stats().distinct());
                } else {
                    assertTrue(r.stats().distinct() >= 11, what + ": " + r.stats().distinct()); // a path down to level 10
                }
            }
        }
    }

    @Test
    void gridIsExhaustedWithAFrozenClock() {
        Search s = new Search(new Grid(40), Strategy.BFS, Budget.unlimited().withTimeLimit(Duration.ofSeconds(1)),
                () -> 0L, 1_000_000_000L);
        SearchResult r = s.run();
        assertEquals(SearchResult.Status.COMPLETE, r.status());
        assertEquals(1600, r.stats().distinct());
        assertEquals(2 * 40 * 39, r.stats().generated());
        assertEquals(78, r.stats().maxDepth());
        assertNull(r.limit());
        assertEquals(0, r.stats().nanos());
    }

    @Test
    void timeLimitWithAFakeClock() {
        AtomicLong now = new AtomicLong();
        // every reading of the clock is five seconds later; the clock is read at the start and at
        // every budget check (after each wave: here each BFS level), so the third check sees 15 s > 10 s
        Search s = new Search(new Grid(40), Strategy.BFS, Budget.unlimited().withTimeLimit(Duration.ofSeconds(10)),
                () -> now.getAndAdd(5_000_000_000L), Long.MAX_VALUE / 4);
        SearchResult r = s.run();
        assertEquals(SearchResult.Status.INCOMPLETE, r.status());
        assertNotNull(r.limit());
        assertTrue(r.limit().startsWith("time limit 10"), r.limit());
        assertTrue(r.stats().distinct() < 1600, "stopped early: " + r.stats().distinct());
        assertNull(r.failure());
        assertEquals(0, r.schedule().length);
    }

    @Test
    void progressIsReportedOnTheFakeClock() {
        AtomicLong now = new AtomicLong();
        List<Stats> seen = new ArrayList<>();
        Search s = new Search(new Grid(40), Strategy.BFS, Budget.unlimited(), () -> now.getAndAdd(1_000L), 1_000L);
        s.observe(new SearchObserver() {
            @Override public void onProgress(Stats stats, long frontier) {
                seen.add(stats);
                assertTrue(frontier >= 0);
            }
        });
        SearchResult r = s.run();
        assertEquals(SearchResult.Status.COMPLETE, r.status());
        // BFS checks budgets and progress after every wave (at most 8192 states of one level): the
        // 40x40 grid has 2 * 40 - 1 = 79 levels (distance 0 .. 78 from the corner), so 79 checks
        assertEquals(2 * 40 - 1, seen.size());
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).distinct() >= seen.get(i - 1).distinct());
        }
    }

    @Test
    void dfsOnTheGridIsCompleteToo() {
        SearchResult r = new Search(new Grid(30), Strategy.DFS, Budget.unlimited()).run();
        assertEquals(SearchResult.Status.COMPLETE, r.status());
        assertEquals(900, r.stats().distinct());
        assertEquals(2 * 30 * 29, r.stats().generated());
    }

    @Test
    void aTimeLimitBelowAMillisecondIsNamedAsGiven() {
        // "--time-limit 0.0001" was reported as "time limit 0.0 s", a value the option refuses
        assertEquals("time limit 0.0001 s", Budget.unlimited().withTimeLimit(Duration.ofNanos(100_000)).timeLimitText());
        assertEquals("time limit 60.0 s", Budget.unlimited().withTimeLimit(Duration.ofSeconds(60)).timeLimitText());
        assertEquals("time limit 1.5 s", Budget.unlimited().withTimeLimit(Duration.ofMillis(1500)).timeLimitText());
    }
}
