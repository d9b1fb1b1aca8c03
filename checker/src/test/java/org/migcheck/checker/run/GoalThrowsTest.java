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
            assertTrue(r.stats().distinct() >= 3, "the states the search stored before the goal threw: " + r.stats().distinct());
            Replayer.Ending end = Replayer.replay(model(), RuleSet.empty(), r.schedule());
            assertEquals(Verdict.MODEL_ERROR, end.verdict(), end.message());
        }
    }

    /** {@code n} threads declared interchangeable add 1 to c each; the goal throws once c reaches {@code at}. */
    private static Model symmetric(int n, int at) {
        Model.Builder m = Model.builder("goal-throws-symmetric");
        Var c = m.var("c", 0, n, 0);
        java.util.List<Model.SymmetricMember> members = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
            m.thread("t" + i, b -> b.step(Step.named("inc").args("c").does(e -> e.add(c, 1)).build()));
            members.add(new Model.SymmetricMember(java.util.List.of("t" + i), java.util.List.of(), java.util.List.of()));
        }
        m.symmetric("incrementers", members);
        m.goal("thrown", s -> {
            if (s.get(c) >= at) {
                throw new IllegalStateException("goal code that fails at c >= " + at);
            }
            return false;
        });
        return m.build();
    }

    @Test
    void underSymmetryItIsTheModelsErrorToo() {
        // the symmetry guard asks goals on a state and its canonical form: it threw out of the search (exit 70)
        CheckResult r = Checker.check(symmetric(6, 1), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertEquals(1, r.schedule().length, "one increment, by hand");
        // with a budget the search without symmetry does not get to the state (3 states: the initial one and two of
        // the six at c == 1): no verdict, and the note says what the reduced search met
        CheckResult budget = Checker.check(symmetric(6, 2), RuleSet.empty(),
                Options.defaults().withBudget(Options.defaults().budget().withMaxStates(3)));
        assertEquals(Verdict.INCOMPLETE, budget.verdict(), budget.message());
        assertTrue(budget.notes().stream().anyMatch(n -> n.contains("goal thrown threw on a reachable state")), budget.notes().toString());
    }

    @Test
    void aGoalMetEarlyIsNotAskedLaterByCheckOrByReplay() {
        // one thread adds 1 to c four times, then fails an assertion; the goal is met at c == 1 and would throw at 3
        Model.Builder m = Model.builder("goal-met-early");
        Var c = m.var("c", 0, 4, 0);
        m.thread("t", b -> {
            for (int i = 0; i < 4; i++) {
                b.step(Step.named("inc").args("c").does(e -> e.add(c, 1)).build());
            }
            b.assertThat("small", "c stays small", e -> false);
        });
        m.goal("one", s -> {
            if (s.get(c) == 3) {
                throw new IllegalStateException("asked too late");
            }
            return s.get(c) == 1;
        });
        Model model = m.build();
        CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
        Replayer.Ending end = Replayer.replay(model, RuleSet.empty(), r.schedule());
        assertEquals(Verdict.VIOLATED, end.verdict(), end.message());
        // --decide-goals searches on for goals: a goal error there is a note, as before, not an internal error
        CheckResult decided = Checker.check(model, RuleSet.empty(), Options.defaults().withDecideGoals(true));
        assertEquals(Verdict.VIOLATED, decided.verdict(), decided.message());
    }

    /**
     * A token cut before a step that breaks a rule ends in no failure (replay's usage error), not in a stuck
     * thread: a review's replay said STUCK because the failing step is no successor of the stuck-thread analysis.
     */
    @Test
    void aTokenCutBeforeAFailingStepIsNotAStuckThread() {
        Model.Builder m = Model.builder("cut-before-failure");
        Var busy = m.flag("busy", true);
        Var done = m.flag("done", false);
        m.thread("waiter", b -> b.step(org.migcheck.model.lang.Steps.waitClear("wait_on_busy", e -> busy, "busy", e -> "x", "busy",
                org.migcheck.model.lang.Sleep.Kind.SLEEPING_LOCK)));
        m.thread("ender", b -> b
                .step(Step.named("prepare").args("done").does(e -> e.set(done, true)).build())
                .assertThat("ends-busy-late", "the ender clears busy in time", e -> false)
                .step(Step.named("clear_busy").args("busy").does(e -> e.set(busy, false)).build()));
        Model model = m.build();
        CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
        assertEquals(2, r.schedule().length, "prepare, then the failing assertion: by hand");
        Replayer.Ending cut = Replayer.replay(model, RuleSet.empty(), java.util.Arrays.copyOf(r.schedule(), 1));
        assertEquals(null, cut.verdict(), cut.message());
        assertTrue(cut.message().contains("a step from the last state breaks a rule"), cut.message());
    }

    /** A goal that holds in the initial state has a witness of no steps: the report says so instead of an empty table. */
    @Test
    void aGoalOfTheInitialStateSaysSo() {
        Model.Builder m = Model.builder("goal-at-start");
        Var c = m.var("c", 0, 1, 0);
        m.thread("t", b -> b.step(Step.named("inc").args("c").does(e -> e.add(c, 1)).build()));
        m.goal("zero", s -> s.get(c) == 0);
        CheckResult r = Checker.check(m.build(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.HOLDS, r.verdict());
        String text = org.migcheck.checker.trace.TextRenderer.render("goal-at-start", r, null, null);
        assertTrue(text.contains("reachable(zero) holds in the initial state: its witness has no steps"), text);
        assertTrue(!text.contains("witness of reachable(zero)"), text);
    }

    /**
     * Under symmetry, when the search without it meets a budget first, the error stands without a trace or a token:
     * the reduced path is canonical (a review saw "the initial state already fails" and a token replay refused).
     */
    @Test
    void aSymmetricErrorPastTheBudgetHasNoToken() {
        CheckResult r = Checker.check(symmetric(12, 12), RuleSet.empty(),
                Options.defaults().withBudget(Options.defaults().budget().withMaxStates(100)));
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertEquals(null, r.model(), "no model: no trace and no replay line");
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("found with symmetry reduction")), r.notes().toString());
    }

    /** A goal met earlier on the path is not asked at a deadlock the token ends in (replay said MODEL_ERROR). */
    @Test
    void aDeadlockTokenEndsInTheDeadlockEvenIfAGoalWouldThrowThere() {
        Model.Builder m = Model.builder("goal-then-deadlock");
        Var c = m.var("c", 0, 2, 0);
        Var never = m.flag("never", true);
        m.thread("t", b -> b
                .step(Step.named("inc").args("c").does(e -> e.add(c, 1)).build())
                .step(Step.named("inc").args("c").does(e -> e.add(c, 1)).build())
                .step(org.migcheck.model.lang.Steps.waitClear("wait_never", e -> never, "never", e -> "x", "never",
                        org.migcheck.model.lang.Sleep.Kind.OTHER)));
        m.goal("one", s -> {
            if (s.get(c) == 2) {
                throw new IllegalStateException("asked after it was met");
            }
            return s.get(c) == 1;
        });
        Model model = m.build();
        CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.DEADLOCK, r.verdict(), r.message());
        Replayer.Ending end = Replayer.replay(model, RuleSet.empty(), r.schedule());
        assertEquals(Verdict.DEADLOCK, end.verdict(), end.message());
    }

    /**
     * A goal that throws in a deadlocked state, or in the state a lock-order edge leads to: the check reports the goal's
     * exception (the search asks goals as it stores a state, before its deadlock) with its trace. The end-of-check replay
     * that re-decides a counterexample's end once took the first for a model that is not deterministic (the replay sees
     * the deadlock first) and looped on the second (a replay that checks for the lock order, whose check replayed again).
     */
    @Test
    void aGoalThatThrowsWhereTheModelDeadlocksOrTakesAnEdgeIsItsError() {
        for (boolean edge : new boolean[] {false, true}) {
            // edge: throws once "first" holds both (it took Q under P); deadlock: once each holds one
            Model model = abba(edge ? "goal-at-edge" : "goal-at-deadlock", "looked-at", (p, q) -> v -> {
                boolean bad = edge ? v.holder(p) == 0 && v.holder(q) == 0 : v.holder(p) == 0 && v.holder(q) == 1;
                if (bad) {
                    throw new IllegalStateException("the goal's own bug");
                }
                return false;
            });
            for (Options o : new Options[] {Options.defaults(), Options.defaults().withStrategy(org.migcheck.checker.engine.Strategy.DFS)}) {
                CheckResult r = Checker.check(model, RuleSet.of(java.util.List.of(), true), o);
                String what = (edge ? "edge " : "deadlock ") + o.strategy() + ": " + r.verdict() + " " + r.message();
                assertEquals(Verdict.MODEL_ERROR, r.verdict(), what);
                assertTrue(r.message().startsWith("goal looked-at threw java.lang.IllegalStateException: the goal's own bug"), what);
                assertTrue(r.schedule().length > 0, what + ": the path to the state it threw on");
                // its token replays to the goal's error, not to the deadlock or the edge there (replay said DEADLOCK)
                Replayer.Ending end = Replayer.replay(model, RuleSet.of(java.util.List.of(), true), r.schedule());
                assertEquals(Verdict.MODEL_ERROR, end.verdict(), what + " replayed: " + end.verdict() + " " + end.message());
                assertTrue(end.message().contains("goal looked-at threw java.lang.IllegalStateException: the goal's own bug"), end.message());
                if (!edge) {
                    assertEquals(java.util.List.of("the last state also ends in a deadlock: 2 threads blocked: a check that did not ask the"
                            + " goal there (a search that had met it on another path, or random walks, which ask no goals) reports that"
                            + " instead"), end.explanation(), what);
                }
            }
        }
    }
    /**
     * A goal met on another path than the deadlock's, which would throw in the deadlocked state: check no longer asks it
     * there and reports the deadlock, without calling the model not deterministic (the end-of-check replay re-decides the
     * deadlock without the goals); replay of the token, which cannot know what the check met elsewhere, names the goal's
     * error and says the check may report the deadlock instead.
     */
    @Test
    void aGoalMetOnAnotherPathLeavesTheDeadlockToTheCheck() {
        // met when the second thread alone holds its first lock (depth 1, its own path); throws when each holds one (depth 2,
        // the deadlock)
        Model model = abba("goal-elsewhere", "second-first", (a, b) -> v -> {
            if (v.holder(a) == 0 && v.holder(b) == 1) {
                throw new IllegalStateException("asked in the deadlock");
            }
            return v.holder(b) == 1 && v.holder(a) < 0;
        });
        CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults().withWorkers(1));
        assertEquals(Verdict.DEADLOCK, r.verdict(), r.message());
        assertEquals("[0, 1]", java.util.Arrays.toString(r.schedule()), "first's step first: BFS takes the lower thread first, by hand");
        Replayer.Ending end = Replayer.replay(model, RuleSet.empty(), r.schedule());
        assertEquals(Verdict.MODEL_ERROR, end.verdict(), end.message());
        assertTrue(end.explanation().get(0).startsWith("the last state also ends in a deadlock: 2 threads blocked"), end.explanation().toString());
        // second's path meets the goal on the way: its replay ends in the deadlock as check's does
        assertEquals(Verdict.DEADLOCK, Replayer.replay(model, RuleSet.empty(), new int[] {ModelSystem.label(1, 0), ModelSystem.label(0, 0)}).verdict());
    }

    /**
     * "first" takes P then Q, "second" Q then P (each releases in reverse order): they can deadlock. {@code goal} is
     * given P and Q.
     */
    private static Model abba(String name, String goalName,
            java.util.function.BiFunction<org.migcheck.model.lang.Lock, org.migcheck.model.lang.Lock,
                    java.util.function.Predicate<org.migcheck.model.lang.StateView>> goal) {
        Model.Builder m = Model.builder(name);
        org.migcheck.model.lang.Lock p = m.mutex("P");
        org.migcheck.model.lang.Lock q = m.mutex("Q");
        m.thread("first", b -> org.migcheck.checker.testing.Nested.locks(b, p, q));
        m.thread("second", b -> org.migcheck.checker.testing.Nested.locks(b, q, p));
        m.goal(goalName, goal.apply(p, q));
        return m.build();
    }
}
