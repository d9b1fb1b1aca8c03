package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.export.Footprints;
import org.migcheck.checker.export.NotExpressible;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * The partial-order reduction by step footprints against the unreduced search: on 1,000 seeded
 * random models (locks, shared variables, waits, choices, loops, assertions, invariants, step
 * rules, lockdep, daemons; about half fail, in every kind) the verdict, the broken rule, the
 * counterexample length and the goal answers are the unreduced ones, the reduced count is never
 * larger, and every counterexample replays; the reduced search is the same for 1 and 4 workers;
 * and on hand-built models the reduced counts are the ones counted by hand.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class PorDifferentialTest {
    private static final int MODELS = 1000;
    private static final Pattern REDUCED = Pattern.compile("by step footprints.*\\((\\d+) states? expanded");

    private static final Options UNREDUCED = Options.defaults().unreduced();
    private static final Options POR = Options.defaults().withPor(Options.Switch.ON);

    @Test
    void footprintReductionAgreesWithTheUnreducedSearchOnRandomModels() {
        int reducedModels = 0;
        int smaller = 0;
        int failing = 0;
        for (long seed = 1; seed <= MODELS; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            String what = "seed " + seed;
            CheckResult plain = Checker.check(c.model(), c.rules(), UNREDUCED);
            CheckResult por = Checker.check(c.model(), c.rules(), POR);
            // safety alone as well: with the stuck-thread analysis on, a reduced graph that ignored a thread would
            // show it stuck and the check would fall back to an unreduced search, which could hide the fault
            CheckResult safety = Checker.check(c.model(), c.rules(), POR.withLiveness(false));
            CheckResult plainSafety = Checker.check(c.model(), c.rules(), UNREDUCED.withLiveness(false));
            assertEquals(plainSafety.verdict(), safety.verdict(), what + " without liveness: " + safety.reductions());
            assertEquals(plainSafety.ruleId(), safety.ruleId(), what + " without liveness");
            assertEquals(plainSafety.schedule().length, safety.schedule().length, what + " without liveness");
            assertEquals(plain.verdict(), por.verdict(), what + ": " + por.reductions());
            assertEquals(plain.ruleId(), por.ruleId(), what);
            assertEquals(plain.schedule().length, por.schedule().length, what + ": counterexample length");
            if (por.schedule().length > 0) {
                Trace t = Trace.replay(c.model(), por.schedule());
                assertEquals(por.schedule().length, t.rows().size(), what);
            }
            if (plain.verdict() == Verdict.HOLDS) {
                assertTrue(por.stats().distinct() <= plain.stats().distinct(), what);
                smaller += por.stats().distinct() < plain.stats().distinct() ? 1 : 0;
                plain.goals().forEach((g, res) -> assertEquals(res.answer(), por.goals().get(g).answer(), what + " goal " + g));
            } else {
                failing++;
            }
            Matcher m = REDUCED.matcher(String.valueOf(por.reductions()));
            if (m.find() && Long.parseLong(m.group(1)) > 0) {
                reducedModels++;
            }
        }
        // the comparison is not vacuous: the reduction ran and pruned on many models, and both outcomes occur
        assertTrue(reducedModels >= MODELS / 4, "models where the footprints reduced: " + reducedModels);
        assertTrue(smaller >= 50, "holding models with fewer states: " + smaller);
        assertTrue(failing >= MODELS / 4 && failing <= 3 * MODELS / 4, "failing models: " + failing);
    }

    @Test
    void goalWitnessesFoundWithTheReductionAreReShortened() {
        int compared = 0;
        int lengthened = 0;
        for (long seed = 1; seed <= MODELS; seed++) {
            RandomModels.Case c = RandomModels.generate(seed, true);
            String what = "seed " + seed;
            CheckResult plain = Checker.check(c.model(), c.rules(), UNREDUCED);
            CheckResult por = Checker.check(c.model(), c.rules(), POR);
            for (var e : plain.goals().entrySet()) {
                CheckResult.GoalResult red = por.goals().get(e.getKey());
                if (plain.verdict() != Verdict.HOLDS || e.getValue().witness() == null) {
                    continue;
                }
                assertEquals(e.getValue().answer(), red.answer(), what);
                // the unreduced BFS's length, said to be a shortest one, and a real path to the goal
                assertTrue(red.shortest(), what);
                assertEquals(e.getValue().witness().length, red.witness().length, what + " witness length");
                Trace w = Trace.replay(c.model(), red.witness());
                assertTrue(c.model().goals().get(e.getKey()).test(new org.migcheck.model.lang.Semantics(c.model()).view(w.last())), what);
                compared++;
                lengthened += por.notes().stream().anyMatch(n -> n.startsWith("goal witnesses found with partial-order reduction,"
                        + " re-shortened")) ? 1 : 0;
            }
        }
        // not vacuous: many goals were reached, and on some models the reduction had lengthened the witness
        assertTrue(compared >= MODELS / 4, "goals compared: " + compared);
        assertTrue(lengthened >= 60, "witnesses the reduction lengthened: " + lengthened);
    }

    @Test
    void theReducedSearchDoesNotDependOnTheWorkerCount() {
        for (long seed = 1; seed <= 200; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            CheckResult one = Checker.check(c.model(), c.rules(), POR.withWorkers(1));
            CheckResult four = Checker.check(c.model(), c.rules(), POR.withWorkers(4));
            String what = "seed " + seed;
            assertEquals(one.verdict(), four.verdict(), what);
            assertEquals(one.stats().distinct(), four.stats().distinct(), what);
            assertEquals(java.util.Arrays.toString(one.schedule()), java.util.Arrays.toString(four.schedule()), what);
            assertEquals(one.reductions(), four.reductions(), what);
        }
    }

    /** Thread i adds 1 to its own variable k times; {@code shared}: both add to one variable instead. */
    private static Model counters(int k, boolean shared, boolean goalOnFirst) {
        Model.Builder b = Model.builder("counters");
        Var x = b.var("x", 0, 2 * k, 0);
        Var y = shared ? x : b.var("y", 0, k, 0);
        List<Var> own = List.of(x, y);
        for (int t = 0; t < 2; t++) {
            Var v = own.get(t);
            b.thread("t" + t, body -> {
                for (int i = 0; i < k; i++) {
                    body.step(Step.named("add").args(v.name()).does(e -> e.set(v, e.get(v) + 1)).build());
                }
            });
        }
        if (goalOnFirst) {
            b.goal("x-done", s -> s.get(x) == k);
        }
        return b.build();
    }

    @Test
    void independentThreadsAreInterleavedOnce() {
        int k = 4;
        Model m = counters(k, false, false);
        // by hand: unreduced, every pair (i, j) of progress, (k+1)^2 = 25 states; reduced, t0 is independent of
        // everything t1 may do, so it runs alone to its end (k steps), then t1 (k steps): 2k+1 = 9 states
        assertEquals(25, Checker.check(m, RuleSet.empty(), UNREDUCED).stats().distinct());
        CheckResult r = Checker.check(m, RuleSet.empty(), POR);
        assertEquals(Verdict.HOLDS, r.verdict());
        assertEquals(9, r.stats().distinct());
        assertTrue(r.reductions().contains("by step footprints (8 states expanded by one thread's transitions)"), r.reductions());
    }

    @Test
    void aGoalMakesTheStepsThatWriteWhatItReadsVisible() {
        int k = 4;
        Model m = counters(k, false, true);
        // t0's steps write x, which the goal reads: they never stand for the others. t1 runs alone first
        // (0,1)..(0,4), then t0 alone, being the only thread left: 2k+1 = 9 states, and x = 4 is reachable
        CheckResult r = Checker.check(m, RuleSet.empty(), POR);
        assertEquals(9, r.stats().distinct());
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, r.goals().get("x-done").answer());
        // the 4 states in which t1 moved alone; afterwards only t0 can move, and its visible steps are full expansions
        assertTrue(r.reductions().contains("(4 states expanded by one thread's transitions)"), r.reductions());
        // the reduced search first meets x = 4 after t1's 4 steps and t0's 4; by hand the shortest path is t0's 4 steps
        // alone, which the BFS without the reduction finds
        CheckResult.GoalResult g = r.goals().get("x-done");
        assertTrue(g.shortest());
        assertEquals(k, g.witness().length);
        for (int label : g.witness()) {
            assertEquals(0, Trace.thread(label), "only t0 moves on the shortest path");
        }
        assertTrue(r.notes().contains("goal witnesses found with partial-order reduction, re-shortened by a BFS without it:"
                + " reachable(x-done) 8 -> 4 steps"), r.notes().toString());
        // without room for that search the reduced witness stays, and says what it is
        CheckResult tight = Checker.check(m, RuleSet.empty(), POR.withBudget(POR.budget().withMaxStates(9)));
        assertEquals(Verdict.HOLDS, tight.verdict());
        assertFalse(tight.goals().get("x-done").shortest());
        assertEquals(2 * k, tight.goals().get("x-done").witness().length);
        assertTrue(tight.notes().stream().anyMatch(n -> n.startsWith("the witness of reachable(x-done) comes from the search with"
                + " partial-order reduction")), tight.notes().toString());
        // depth-first search never claims a shortest witness
        assertFalse(Checker.check(m, RuleSet.empty(), UNREDUCED.withStrategy(Strategy.DFS)).goals().get("x-done").shortest());
    }

    @Test
    void goalsLeftUndecidedByAReShortenedCounterexampleAreDecidedWithTheWholeBudget() {
        // t0 adds 1 to x four times (the goal x = 4 is 4 steps deep); t1 writes y, then fails an assertion at
        // depth 2. With the footprints t1 moves alone first (its steps touch nothing t0 or the goal reads); the
        // counterexample (2 steps) is re-shortened by a BFS bounded by 2, which cannot reach the goal
        int k = 4;
        Model.Builder b = Model.builder("fail-early");
        Var x = b.var("x", 0, k, 0);
        Var y = b.var("y", 0, 1, 0);
        b.thread("t0", body -> {
            for (int i = 0; i < k; i++) {
                body.step(Step.named("add").args("x").does(e -> e.set(x, e.get(x) + 1)).build());
            }
        });
        b.thread("t1", body -> body
                .step(Step.named("set").args("y").does(e -> e.set(y, 1)).build())
                .step(org.migcheck.model.lang.Steps.assertion("t1.assert", "y == 0", e -> e.get(y) == 0)));
        b.goal("x-done", s -> s.get(x) == k);
        Model m = b.build();
        CheckResult r = Checker.check(m, RuleSet.empty(), POR.withDecideGoals(true));
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals(2, r.schedule().length);
        assertTrue(r.reductions().contains("re-shortened by a BFS without it bounded by that length"), r.reductions());
        CheckResult.GoalResult g = r.goals().get("x-done");
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, g.answer(), r.notes().toString());
        assertEquals(k, g.witness().length);
        assertTrue(g.shortest());
    }

    @Test
    void dependentStepsKeepEveryInterleaving() {
        int k = 3;
        Model m = counters(k, true, false);
        // both threads add to x: every step conflicts with the other thread's future, so nothing is reduced while
        // both run; by hand, the states are the pairs (i, j) of steps taken ((k+1)^2 = 16, x = i + j)
        assertEquals(16, Checker.check(m, RuleSet.empty(), UNREDUCED).stats().distinct());
        CheckResult r = Checker.check(m, RuleSet.empty(), POR);
        assertEquals(16, r.stats().distinct());
    }

    /**
     * t0 sets x to 1 and back to 0, t1 the same with y; the invariant forbids x = 1 and y = 1 at once.
     * The threads touch disjoint variables, so only visibility keeps both orders: had t0 run alone to
     * its end first (it is independent of t1), x = 1 = y would never be stored.
     */
    @Test
    void stepsThatWriteWhatAnInvariantReadsAreNeverReducedAway() {
        Model.Builder b = Model.builder("blink");
        Var x = b.var("x", 0, 1, 0);
        Var y = b.var("y", 0, 1, 0);
        for (Var v : List.of(x, y)) {
            b.thread("t" + v.name(), body -> body
                    .step(Step.named("set").args(v.name()).does(e -> e.set(v, 1)).build())
                    .step(Step.named("clear").args(v.name()).does(e -> e.set(v, 0)).build()));
        }
        Model m = b.build();
        RuleSet rules = RuleSet.of(List.of(org.migcheck.properties.Invariant.of("blink.not-both", "x and y are never both 1", "test",
                s -> org.migcheck.properties.Check.unless(s.get(x) == 1 && s.get(y) == 1, () -> "x = y = 1"))), false);
        CheckResult plain = Checker.check(m, rules, UNREDUCED);
        CheckResult por = Checker.check(m, rules, POR);
        assertEquals(Verdict.VIOLATED, plain.verdict());
        assertEquals(Verdict.VIOLATED, por.verdict());
        assertEquals(2, por.schedule().length); // set x, set y
    }

    /**
     * The ignoring problem: a daemon toggles its own flag forever (independent of everything, and
     * invisible), while t1 can break an invariant. Without the cycle proviso the daemon's two states
     * would stand for the whole state space (each leads to the other) and t1 would never move.
     */
    @Test
    void theCycleProvisoKeepsAThreadFromBeingIgnored() {
        Model.Builder b = Model.builder("spinner");
        Var z = b.var("z", 0, 1, 0);
        Var x = b.var("x", 0, 1, 0);
        org.migcheck.model.lang.Procedure d = b.thread("spinner");
        d.daemon();
        d.body(body -> body.forever(f -> f
                .step(Step.named("toggle").does(e -> e.set(z, 1 - e.get(z))).build())
                .step(Step.named("rest").when(e -> true).idle().build())));
        b.thread("t1", body -> body.step(Step.named("set").does(e -> e.set(x, 1)).build()));
        Model m = b.build();
        RuleSet rules = RuleSet.of(List.of(org.migcheck.properties.Invariant.of("spinner.x-zero", "x stays 0", "test",
                s -> org.migcheck.properties.Check.unless(s.get(x) == 1, () -> "x = 1"))), false);
        assertEquals(Verdict.VIOLATED, Checker.check(m, rules, UNREDUCED).verdict());
        CheckResult por = Checker.check(m, rules, POR);
        assertEquals(Verdict.VIOLATED, por.verdict(), por.reductions());
        assertEquals(1, por.schedule().length);
        // without the stuck-thread analysis too (with it, a reduced graph that ignored t1 would show t1 never
        // finishing, and the check would fall back to the unreduced search for the trace)
        CheckResult safetyOnly = Checker.check(m, rules, POR.withLiveness(false));
        assertEquals(Verdict.VIOLATED, safetyOnly.verdict(), safetyOnly.reductions());
    }

    /**
     * Lockdep and a bit lock released by another thread. T2 takes M2 and then B2 (lock classes m
     * and b: the edge m -> b); it touches nothing the others touch, so it runs first and alone. T0
     * takes bit lock B, works, then takes M (class m: the edge b -> m, but only while B is still
     * held); T1 waits for B to be locked and releases it (as read completion unlocks a folio that
     * readahead locked). T1's release touches nothing T0 will touch, but it decides whether T0 holds
     * B when T0 takes M, which lockdep reads: the footprints count that read, so the interleaving in
     * which T0 takes M before the release is kept and the lock-order cycle found, as without the
     * reduction. (Lockdep hears of every acquisition the search expands, even one the reduction then
     * drops; T0's private step between its two locks keeps M's acquisition from being enabled in the
     * states where T1 alone moves.)
     */
    @Test
    void aBitLockReleasedByAnotherThreadStaysVisibleToLockdep() {
        Model.Builder b = Model.builder("bit-release");
        // bit locks only: a thread's exit reads the holder of every owned lock (lock.exit-held), which would tie
        // every thread's future to every mutex
        org.migcheck.model.lang.Lock m2 = b.lock("M2", "m", org.migcheck.model.lang.Lock.Kind.BIT);
        org.migcheck.model.lang.Lock bit2 = b.lock("B2", "b", org.migcheck.model.lang.Lock.Kind.BIT);
        org.migcheck.model.lang.Lock bit = b.lock("B", "b", org.migcheck.model.lang.Lock.Kind.BIT);
        org.migcheck.model.lang.Lock m = b.lock("M", "m", org.migcheck.model.lang.Lock.Kind.BIT);
        Var work = b.var("T0.work", 0, 1, 0);
        b.thread("T2", body -> body
                .step(org.migcheck.model.lang.Steps.lock("lock_m2", m2))
                .step(org.migcheck.model.lang.Steps.lock("lock_b2", bit2))
                .step(org.migcheck.model.lang.Steps.unlock("unlock_b2", bit2))
                .step(org.migcheck.model.lang.Steps.unlock("unlock_m2", m2)));
        b.thread("T1", body -> body
                .step(Step.named("wait_locked").when(e -> e.get(bit.holderVar()) != 0)
                        .blockedBy(e -> new org.migcheck.model.lang.BlockReason.OnCondition("B locked", null)).build())
                .step(org.migcheck.model.lang.Steps.unlock("end_io_unlock", bit)));
        b.thread("T0", body -> body
                .step(org.migcheck.model.lang.Steps.lock("lock_b", bit))
                .step(Step.named("work").does(e -> e.set(work, 1)).build())
                .step(org.migcheck.model.lang.Steps.lock("lock_m", m))
                .step(org.migcheck.model.lang.Steps.unlock("unlock_m", m)));
        Model model = b.build();
        RuleSet lockdep = RuleSet.of(List.of(), true);
        CheckResult plain = Checker.check(model, lockdep, UNREDUCED.withLiveness(false));
        assertEquals(Verdict.VIOLATED, plain.verdict(), plain.message());
        assertEquals(RuleSet.LOCK_CYCLE, plain.ruleId());
        CheckResult por = Checker.check(model, lockdep, POR.withLiveness(false));
        assertEquals(Verdict.VIOLATED, por.verdict(), por.reductions());
        assertEquals(RuleSet.LOCK_CYCLE, por.ruleId());
    }

    /**
     * A finishing thread's check that it holds no mutex reads the mutex's holder; the footprints
     * leave that read out, because lock steps cannot change another thread's hold, unless some
     * step can. Here T1 (model code, not a lock step) clears T0's mutex once T0 holds it: had the
     * exit check's read been left out, T1's clearing would be independent of everything T0 still
     * does, go first, and the exit with the mutex held, which the unreduced search reports, would
     * never be reached.
     */
    @Test
    void anExitCheckStaysDependentOnAStepThatTakesAnotherThreadsMutex() {
        Model.Builder b = Model.builder("steal");
        org.migcheck.model.lang.Lock m = b.mutex("M");
        Var work = b.var("T0.work", 0, 1, 0);
        b.thread("T1", body -> body
                .step(Step.named("wait_held").when(e -> e.get(m.holderVar()) != 0)
                        .blockedBy(e -> new org.migcheck.model.lang.BlockReason.OnCondition("M held", null)).build())
                .step(Step.named("steal").does(e -> e.set(m.holderVar(), 0)).build()));
        b.thread("T0", body -> body
                .step(org.migcheck.model.lang.Steps.lock("lock_m", m))
                .step(Step.named("work").does(e -> e.set(work, 1)).build())
                // a second step, so that the exit (which fails while M is held) is not enabled yet where T1 moves
                .step(Step.named("more_work").does(e -> e.set(work, 0)).build()));
        Model model = b.build();
        CheckResult plain = Checker.check(model, RuleSet.empty(), UNREDUCED.withLiveness(false));
        assertEquals(Verdict.VIOLATED, plain.verdict(), plain.message());
        assertEquals("lock.exit-held", plain.ruleId());
        CheckResult por = Checker.check(model, RuleSet.empty(), POR.withLiveness(false));
        assertEquals(Verdict.VIOLATED, por.verdict(), por.reductions());
        assertEquals("lock.exit-held", por.ruleId());
    }

    /**
     * A step rule without triggers runs on every step, an inert one too, and may read shared state:
     * "marker must not run while busy". T1's arm and marker steps are inert (no guard, no effect),
     * so the reduction on inert steps alone would move them first, while busy is still 0, and miss
     * the violation; with such a rule active it does not. With footprints, the rule's read of busy
     * makes marker depend on T0's writes; without that read T0, being independent of all T1 does,
     * would run to its end first (the engine judges marker by the rule only where marker is
     * enabled, and it would never be enabled while busy is 1).
     */
    @Test
    void anInertStepThatARuleJudgesIsNotMovedAlone() {
        Model.Builder b = Model.builder("marker");
        Var busy = b.var("busy", 0, 1, 0);
        b.thread("T0", body -> body
                .step(Step.named("busy_on").does(e -> e.set(busy, 1)).build())
                .step(Step.named("busy_off").does(e -> e.set(busy, 0)).build()));
        b.thread("T1", body -> body.step(Step.named("arm").build()).step(Step.named("marker").build())
                .step(Step.named("marker_done").build()));
        Model m = b.build();
        RuleSet rules = RuleSet.of(List.of(org.migcheck.properties.StepRule.of("marker.not-busy", "marker never runs while busy", "test",
                v -> org.migcheck.properties.Check.unless(v.label().startsWith("marker(") && v.before().get(busy) == 1,
                        () -> "marker while busy"))), false);
        assertEquals(Verdict.VIOLATED, Checker.check(m, rules, UNREDUCED).verdict());
        for (Options o : List.of(Options.defaults(), POR, Options.defaults().withPor(Options.Switch.INERT))) {
            CheckResult r = Checker.check(m, rules, o);
            assertEquals(Verdict.VIOLATED, r.verdict(), o.por() + ": " + r.reductions());
            assertEquals(3, r.schedule().length, o.por().toString()); // busy_on, arm, marker
        }
    }

    /**
     * T1's only step is inert and ends T1: whether T1 has finished is state an invariant reads, so the step may not go
     * first and alone (a review's mutant that let it gave HOLDS where the unreduced search finds x = 1 while T1 runs;
     * only a pinned state count noticed it). T0 sets x and clears it; T1 does nothing.
     */
    @Test
    void anInertStepThatEndsItsThreadIsNotMovedAlone() {
        Model.Builder b = Model.builder("last-inert");
        Var x = b.var("x", 0, 1, 0);
        b.thread("T0", body -> body.step(Step.named("set").does(e -> e.set(x, 1)).build())
                .step(Step.named("clear").does(e -> e.set(x, 0)).build()));
        b.thread("T1", body -> body.step(Step.named("nop").build()));
        Model m = b.build();
        RuleSet rules = RuleSet.of(List.of(org.migcheck.properties.Invariant.of("probe.x-after-t1", "x = 1 only after T1 finished", "test",
                st -> org.migcheck.properties.Check.unless(st.get(x) == 1 && !st.finished(1), () -> "x = 1 while T1 runs"))), false);
        assertEquals(Verdict.VIOLATED, Checker.check(m, rules, UNREDUCED).verdict());
        for (Options o : List.of(Options.defaults(), POR, Options.defaults().withPor(Options.Switch.INERT))) {
            CheckResult r = Checker.check(m, rules, o);
            assertEquals(Verdict.VIOLATED, r.verdict(), o.por() + ": " + r.reductions());
            assertEquals(1, r.schedule().length, o.por().toString()); // set, with T1 not yet finished
        }
    }

    /**
     * A failing alternative of the thread a reduced state moves alone is not lost: T1's one step chooses between two
     * alternatives that write nothing shared, the second of which breaks an assertion; T0 is independent of it.
     */
    @Test
    void aFailingAlternativeOfTheThreadMovedAloneIsKept() {
        Model.Builder b = Model.builder("failing-alt");
        Var y = b.var("y", 0, 1, 0);
        b.thread("T0", body -> body.step(Step.named("set").does(e -> e.set(y, 1)).build()));
        b.thread("T1", body -> body.step(Step.named("pick").choice(2, i -> i == 0 ? "fine" : "broken")
                .does(e -> {
                    if (e.choice() == 1) {
                        throw e.violation("probe.alt", "the second alternative fails");
                    }
                }).build()));
        Model m = b.build();
        CheckResult truth = Checker.check(m, RuleSet.empty(), UNREDUCED);
        assertEquals(Verdict.VIOLATED, truth.verdict(), truth.message());
        for (Options o : List.of(Options.defaults(), POR, Options.defaults().withPor(Options.Switch.INERT))) {
            CheckResult r = Checker.check(m, RuleSet.empty(), o);
            assertEquals(Verdict.VIOLATED, r.verdict(), o.por() + ": " + r.reductions());
            assertEquals("probe.alt", r.ruleId(), o.por().toString());
            assertEquals(truth.schedule().length, r.schedule().length, o.por().toString());
        }
    }

    /**
     * Under a depth limit no reduction runs: T1's two inert steps would otherwise go first and alone,
     * and at depth 1 the search would store only their state, never x = 1, and end INCOMPLETE
     * where the unreduced search finds the violation (a finding of the second review).
     */
    @Test
    void aDepthLimitTurnsTheReductionOff() {
        Model.Builder b = Model.builder("depth");
        Var x = b.var("x", 0, 1, 0);
        b.thread("T0", body -> body.step(Step.named("set").does(e -> e.set(x, 1)).build()));
        b.thread("T1", body -> body.step(Step.named("nop1").build()).step(Step.named("nop2").build()).step(Step.named("nop3").build()));
        Model m = b.build();
        RuleSet rules = RuleSet.of(List.of(org.migcheck.properties.Invariant.of("depth.x-zero", "x stays 0", "test",
                st -> org.migcheck.properties.Check.unless(st.get(x) == 1, () -> "x = 1"))), false);
        org.migcheck.checker.engine.Budget depth1 = org.migcheck.checker.engine.Budget.unlimited().withMaxDepth(1);
        assertEquals(Verdict.VIOLATED, Checker.check(m, rules, UNREDUCED.withBudget(depth1)).verdict());
        for (Options o : List.of(Options.defaults(), POR)) {
            CheckResult r = Checker.check(m, rules, o.withBudget(depth1));
            assertEquals(Verdict.VIOLATED, r.verdict(), o.por() + ": " + r.reductions());
        }
    }

    /**
     * A stuck thread found with the reduction whose unreduced re-check does not fit the budget: the
     * reduced result stands, and a note says its trace may not be a shortest one. Two independent
     * counters of k steps, a thread that waits forever and a daemon whose tick leaves the state as
     * it is: 2k+1 states reduced, (k+1)^2 unreduced.
     */
    @Test
    void aRecheckOverTheBudgetKeepsTheReducedResultWithANote() {
        int k = 20;
        Model.Builder b = Model.builder("stuck-counters");
        Var x = b.var("x", 0, k, 0);
        Var y = b.var("y", 0, k, 0);
        Var never = b.var("never", 0, 1, 0);
        for (Var v : List.of(x, y)) {
            b.thread("t" + v.name(), body -> {
                for (int i = 0; i < k; i++) {
                    body.step(Step.named("add").args(v.name()).does(e -> e.set(v, e.get(v) + 1)).build());
                }
            });
        }
        b.thread("waiter", body -> body.step(Step.named("wait_never").when(e -> e.get(never) == 1)
                .blockedBy(e -> new org.migcheck.model.lang.BlockReason.OnCondition("never == 1", "never")).build()));
        // a daemon that can always tick (its tick changes nothing), so the end is a stuck waiter, not a deadlock
        org.migcheck.model.lang.Procedure ticker = b.thread("ticker");
        ticker.daemon();
        ticker.body(body -> body.forever(f -> f.step(Step.named("tick").when(e -> true).idle().build())));
        Model m = b.build();
        org.migcheck.checker.engine.Budget small = org.migcheck.checker.engine.Budget.unlimited().withMaxStates(2 * k + 10);
        assertEquals(Verdict.INCOMPLETE, Checker.check(m, RuleSet.empty(), UNREDUCED.withBudget(small)).verdict());
        CheckResult r = Checker.check(m, RuleSet.empty(), POR.withBudget(small));
        assertEquals(Verdict.STUCK, r.verdict(), r.reductions());
        assertEquals(2 * k + 1, r.stats().distinct());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("may not be a shortest one")), r.notes().toString());
        // with room for the unreduced re-check, its shortest trace is printed instead: the waiter is stuck at once
        CheckResult roomy = Checker.check(m, RuleSet.empty(), POR);
        assertEquals(Verdict.STUCK, roomy.verdict());
        assertEquals(0, roomy.schedule().length, roomy.reductions());
        assertTrue(roomy.reductions().contains("stuck thread found with partial-order reduction"), roomy.reductions());
    }

    @Test
    void tablesOverTheirBudgetAreReportedNotTruncated() {
        RandomModels.Case c = RandomModels.generate(7);
        assertThrows(NotExpressible.class, () -> Footprints.compute(c.model(), c.rules(), 3));
    }

    /**
     * A table over its budget names what it reads, also the lock holders that the exit check reads (a review saw "it
     * reads L0 (2 values)" for a table of 2^20 entries: 20 threads each taking its own mutex, the exit check of the
     * unlocking step reading every other lock's holder).
     */
    @Test
    void aTableOverItsBudgetNamesTheExitChecksReads() {
        org.migcheck.model.lang.Model.Builder m = org.migcheck.model.lang.Model.builder("own-mutexes");
        for (int t = 0; t < 20; t++) {
            org.migcheck.model.lang.Lock l = m.mutex("L" + t);
            m.thread("T" + t, b -> b.step(org.migcheck.model.lang.Steps.lock("mutex_lock", l))
                    .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", l)));
        }
        NotExpressible e = assertThrows(NotExpressible.class,
                () -> Footprints.compute(m.build(), RuleSet.of(java.util.List.of(), true), Checker.FOOTPRINT_WORK_ON));
        assertTrue(e.getMessage().contains("its table needs more than") && e.getMessage().contains("its exit check reads the holders L"),
                e.getMessage());
    }
}
