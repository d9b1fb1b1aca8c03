package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.checker.trace.Trace;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * A stuck report's continuation ({@link Continuation}): on hand-counted models the exact steps, and on the seeded
 * random models that end stuck or spinning, checked against a brute-force reading of the same states: it replays,
 * the named thread never moves (never comes to rest) on it, its cycle closes, every thread takes a step in the
 * cycle or cannot move in one of its states, and no state of such a cycle is nearer than where it enters its cycle.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class ContinuationTest {

    private static Step waitFor(Var flag) {
        return Step.named("wait_event").args(flag.name()).when(e -> e.isSet(flag))
                .blockedBy(e -> new BlockReason.OnCondition(flag.name() + " set", flag.name())).build();
    }

    /**
     * waiter waits for a flag nobody sets; ticker, a daemon, flips ticks forever; finisher writes x twice and ends.
     * By hand: waiter is doomed in the initial state; the states are finisher's pc (0, 1, done) times ticks (0, 1).
     * The only cycles in which finisher takes a step or cannot move are those after it has finished, so the
     * continuation is finisher's two steps, then ticker's two flips. Without that condition the
     * nearest cycle is ticker's two flips at once, with finisher able to run all along and never running.
     */
    static Model finisherAndTicker() {
        Model.Builder m = Model.builder("finisher-and-ticker");
        Var flag = m.flag("flag", false);
        Var x = m.var("x", 0, 2, 0);
        Var ticks = m.var("ticks", 0, 1, 0);
        m.thread("waiter", b -> b.step(waitFor(flag)));
        m.thread("ticker").daemon().body(b -> b.forever(f -> f.step(Step.named("tick").does(e -> e.set(ticks, 1 - e.get(ticks))).build())));
        m.thread("finisher", b -> b.step(Step.named("WRITE_ONCE").args("x=1").does(e -> e.set(x, 1)).build())
                .step(Step.named("WRITE_ONCE").args("x=2").does(e -> e.set(x, 2)).build()));
        return m.build();
    }

    @Test
    void aThreadThatCouldRunIsNotLeftOutOfTheCycle() {
        Model m = finisherAndTicker();
        CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.STUCK, r.verdict(), r.message());
        assertEquals(0, r.schedule().length, "waiter is doomed in the initial state");
        Continuation c = r.continuation();
        assertNotNull(c);
        assertEquals("waiter", m.thread(c.thread()).name());
        assertFalse(c.livelock());
        Trace t = Trace.continuation(m, r.schedule(), c);
        assertEquals(List.of("finisher WRITE_ONCE(x=1)", "finisher WRITE_ONCE(x=2)", "ticker tick()", "ticker tick()"),
                t.rows().stream().map(row -> m.thread(row.thread()).name() + " " + row.label()).toList());
        assertEquals(2, c.loopFrom());
        String text = TextRenderer.render("t", r, null, null);
        assertTrue(text.contains("then steps 3-4 repeat forever: after step 4 the state is again the one before step 3"), text);
        assertTrue(text.contains("finisher: finished"), text);
    }

    /** poller re-reads g, which never becomes 1: its local already holds 0, so one read leads back to the same state. */
    @Test
    void aLivelockRepeatsTheThreadsOwnStep() {
        Model.Builder b = Model.builder("poller-alone");
        Var g = b.var("g", 0, 1, 0);
        Procedure p = b.thread("poller");
        Local seen = p.local("seen", 0, 1);
        p.body(x -> x.forever(f -> f.step(Step.named("READ_ONCE").args("g").does(e -> e.setLocal(seen, e.get(g))).build())
                .ifLocal(e -> e.local(seen) == 1, Body::breakLoop)));
        Model m = b.build();
        CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.STUCK, r.verdict(), r.message());
        Continuation c = r.continuation();
        assertNotNull(c);
        assertTrue(c.livelock());
        assertEquals(1, c.steps().length);
        assertEquals(0, c.loopFrom());
        assertTrue(TextRenderer.render("t", r, null, null).contains("then step " + (r.schedule().length + 1) + " repeats forever"), TextRenderer.render("t", r, null, null));
    }

    /** The names of a continuation's steps, "thread label". */
    private static List<String> steps(Model m, CheckResult r) {
        return Trace.continuation(m, r.schedule(), r.continuation()).rows().stream()
                .map(row -> m.thread(row.thread()).name() + " " + row.label()).toList();
    }

    /** A model with a waiter for a flag nobody sets, and the threads {@code more} adds. */
    private static Model withWaiter(String name, java.util.function.Consumer<Model.Builder> more) {
        Model.Builder b = Model.builder(name);
        Var flag = b.flag("flag", false);
        b.thread("waiter", x -> x.step(waitFor(flag)));
        more.accept(b);
        return b.build();
    }

    /** counter, a daemon, counts n 0 -> 1 -> 2 -> 0: by hand, a cycle of three states and three steps from the initial one. */
    @Test
    void aCycleOfThreeStates() {
        Model m = withWaiter("three-states", b -> {
            Var n = b.var("n", 0, 2, 0);
            b.thread("counter").daemon().body(x -> x.forever(f -> f.step(Step.named("inc").does(e -> e.set(n, (e.get(n) + 1) % 3)).build())));
        });
        CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults());
        assertEquals(List.of("counter inc()", "counter inc()", "counter inc()"), steps(m, r));
        assertEquals(0, r.continuation().loopFrom());
        verify(m, r, "three states");
    }

    /**
     * picker, a daemon, sets g to 0 or 1; x waits for g == 0, then finishes (a step that leaves the cycle). By hand:
     * picker's nearest step is pick(g=0) from g == 0 back to itself, where x can move; the cycle must also pass a state
     * where x cannot (g == 1): pick(g=0), pick(g=1), pick(g=0). Without that walk the cycle is pick(g=0) alone, with x
     * able to run all along.
     */
    @Test
    void aThreadThatNeverMovesInTheCycleIsUnableToInOneOfItsStates() {
        Model m = withWaiter("disabled-off-the-walk", b -> {
            Var g = b.var("g", 0, 1, 0);
            b.thread("picker").daemon().body(x -> x.forever(f -> f.step(Step.named("pick").choice(2, a -> "g=" + a)
                    .does(e -> e.set(g, e.choice())).build())));
            b.thread("x", x -> x.step(Step.named("wait_event").args("g==0").when(e -> e.get(g) == 0)
                    .blockedBy(e -> new BlockReason.OnCondition("g == 0", null)).build()));
        });
        CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults());
        List<String> got = steps(m, r);
        assertEquals(3, got.size(), got.toString());
        assertTrue(got.stream().allMatch(l -> l.startsWith("picker pick")), got.toString());
        assertEquals(0, r.continuation().loopFrom());
        verify(m, r, "disabled off the walk");
    }

    /**
     * poller reads g until it reads 1; g starts at 1 and ticker, a daemon, flips it. By hand: from the initial state
     * poller's read finishes it, which leaves the cycle; its read at g == 0 stays (its local already holds 0). The
     * cycle: flip, read, flip.
     */
    @Test
    void aStepThatLeavesTheCycleIsNotTakenIntoIt() {
        Model m = withWaiter("exit-nearer", b -> {
            Var g = b.var("g", 0, 1, 1);
            Procedure p = b.thread("poller");
            Local seen = p.local("seen", 0, 1);
            p.body(x -> x.forever(f -> f.step(Step.named("READ_ONCE").args("g").does(e -> e.setLocal(seen, e.get(g))).build())
                    .ifLocal(e -> e.local(seen) == 1, Body::breakLoop)));
            b.thread("ticker").daemon().body(x -> x.forever(f -> f.step(Step.named("flip").does(e -> e.set(g, 1 - e.get(g))).build())));
        });
        CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults());
        assertEquals(List.of("ticker flip()", "poller READ_ONCE(g)", "ticker flip()"), steps(m, r));
        assertEquals(0, r.continuation().loopFrom());
        verify(m, r, "exit nearer");
    }

    /**
     * A guard that counts its calls (model code that is not a function of the state) can let the search see a tick
     * the re-exploration does not: there a state where no thread can move follows. The check keeps its verdict,
     * prints no continuation and says why; it threw an IllegalStateException out of Checker.check (a review).
     */
    @Test
    void followingStatesThatDifferFromTheSearchsLeaveTheVerdictAndSayWhy() {
        boolean seen = false;
        for (int k = 1; k <= 20; k++) {
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            int budget = k;
            Model m = withWaiter("counting-guard-" + k, b -> {
                Var t = b.var("t", 0, 1, 0);
                b.thread("ticker").daemon().body(x -> x.forever(f -> f.step(Step.named("tick").when(e -> calls.incrementAndGet() <= budget)
                        .blockedBy(e -> new BlockReason.OnCondition("budget", null)).does(e -> e.set(t, 1 - e.get(t))).build())));
            });
            CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults().withDeterminism(Options.Switch.OFF));
            if (r.verdict() == Verdict.STUCK && r.continuation() == null) {
                assertTrue(r.explanation().stream().anyMatch(l -> l.startsWith("how it goes on from here is not shown: the states that"
                        + " follow this one differ from those the search met")), r.explanation().toString());
                seen = true;
            }
        }
        assertTrue(seen, "no budget made the re-exploration differ from the search");
    }

    /**
     * With call paths, a continuation prints a thread's path where it changes from the thread's last step in the trace:
     * the flusher's first step after the trace (step 11 of fuse-writeback-memcg's migrate-sync-no-reply) is in
     * fuse_writepages as its steps 2-6 were, so that path is not printed again (a review found it was).
     */
    @Test
    void callPathsGoOnFromTheTrace() {
        Model m = (Model) EngineDifferentialTest.catalogue().stream()
                .filter(c -> c[0].equals("fuse-writeback-memcg/migrate-sync-no-reply")).findFirst().orElseThrow()[1];
        CheckResult r = Checker.check(m, org.migcheck.properties.KernelRules.all(), Options.defaults());
        assertEquals(Verdict.STUCK, r.verdict(), r.message());
        assertTrue(TextRenderer.table(r.trace(), 200, true).contains("in fuse_writepages <- flusher"), "the trace's own path");
        String more = TextRenderer.continuation(m, r.schedule(), r.continuation(), 200, true);
        assertEquals("flusher", m.thread(Trace.thread(r.continuation().steps()[0])).name(), more);
        assertFalse(more.contains("in fuse_writepages <- flusher"), more);
        assertTrue(more.contains("in try_charge_memcg <- fuse-server"), more);
    }

    /**
     * An effect that throws after a number of calls (code that is not a function of the state) can throw first where
     * the continuation looks: the verdict stays, and the line names the failing step with the model's own message.
     */
    @Test
    void theModelsCodeFailingWhereTheContinuationLooksLeavesTheVerdict() {
        boolean seen = false;
        for (int k = 1; k <= 40 && !seen; k++) {
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            int budget = k;
            Model m = withWaiter("counting-effect-" + k, b -> {
                Var t = b.var("t", 0, 1, 0);
                b.thread("ticker").daemon().body(x -> x.forever(f -> f.step(Step.named("tick").does(e -> {
                    if (calls.incrementAndGet() > budget) {
                        throw new IllegalStateException("tick number " + calls.get());
                    }
                    e.set(t, 1 - e.get(t));
                }).build())));
            });
            CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults().withDeterminism(Options.Switch.OFF));
            if (r.verdict() == Verdict.STUCK && r.continuation() == null) {
                assertTrue(r.explanation().stream().anyMatch(l -> l.startsWith("how it goes on from here is not shown: the states that"
                        + " follow this one differ from those the search met (a step fails in a state") && l.contains("tick number")),
                        r.explanation().toString());
                seen = true;
            }
        }
        assertTrue(seen, "no budget made the model's code fail where the continuation looks");
    }

    /** The replay of a stuck report's token shows the same continuation as the check. */
    @Test
    void replayEndsWithTheSameContinuation() {
        Model m = finisherAndTicker();
        CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults());
        Replayer.Ending end = Replayer.replay(m, RuleSet.empty(), r.schedule());
        assertEquals(Verdict.STUCK, end.verdict());
        assertArrayEquals(r.continuation().steps(), end.continuation().steps());
        assertEquals(r.continuation().loopFrom(), end.continuation().loopFrom());
    }

    /** Beyond the limit of states there is none, and find says so with null. */
    @Test
    void tooManyStatesGiveNone() {
        Model m = finisherAndTicker();
        ModelSystem sys = new ModelSystem(m, RuleSet.empty(), true);
        assertNull(Continuation.find(sys, sys.initialState(), 0, false, 5, UNLIMITED, System.nanoTime()), "6 states follow the initial one's");
        assertNotNull(Continuation.find(sys, sys.initialState(), 0, false, 6, UNLIMITED, System.nanoTime()));
    }

    private static final Budget UNLIMITED = Budget.unlimited();

    /** waiter waits for a flag nobody sets while a daemon counts round 0..511: 512 states follow the initial one. */
    private static Model waiterAndCounter() {
        return withWaiter("waiter-and-counter", b -> {
            Var c = b.var("c", 0, 511, 0);
            b.thread("counter").daemon().body(x -> x.forever(f -> f.step(Step.named("count").does(e -> e.set(c, (e.get(c) + 1) % 512))
                    .build())));
        });
    }

    /**
     * The check's budget holds for the continuation: a time limit already past, a signal's stop and an interrupt each end
     * the search for it (it ran on past --time-limit, and past a Ctrl-C into the grace after which the process ends
     * without its report); the check's STUCK stands with a line that says why no continuation is shown.
     */
    @Test
    void theChecksBudgetAndSignalsStopTheSearchForAContinuation() {
        Model m = waiterAndCounter();
        ModelSystem sys = new ModelSystem(m, RuleSet.empty(), true);
        Budget tenSeconds = Budget.unlimited().withTimeLimit(java.time.Duration.ofSeconds(10));
        long anHourAgo = System.nanoTime() - java.time.Duration.ofHours(1).toNanos();
        Continuation.Stopped late = assertThrows(Continuation.Stopped.class,
                () -> Continuation.find(sys, sys.initialState(), 0, false, Continuation.LIMIT, tenSeconds, anHourAgo));
        assertEquals("time limit 10.0 s", late.getMessage());
        Continuation found = Continuation.find(sys, sys.initialState(), 0, false, Continuation.LIMIT, tenSeconds, System.nanoTime());
        assertEquals(512, found.steps().length, "the counter's round, from the initial state");
        try {
            Budget.stopAll("a test's signal");
            assertEquals("a test's signal", assertThrows(Continuation.Stopped.class,
                    () -> Continuation.find(sys, sys.initialState(), 0, false, Continuation.LIMIT, UNLIMITED, System.nanoTime())).getMessage());
        } finally {
            Budget.stopAll(null); // (this JVM runs other tests after this one)
        }
        Thread.currentThread().interrupt();
        try {
            assertThrows(Continuation.Stopped.class,
                    () -> Continuation.find(sys, sys.initialState(), 0, false, Continuation.LIMIT, UNLIMITED, System.nanoTime()));
        } finally {
            Thread.interrupted();
        }
        // through the check's report: the verdict and trace stand, the line says what stopped the continuation
        CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.STUCK, r.verdict(), r.message());
        CheckResult cut = Checker.stuckResult(m, sys, r.schedule(), sys.initialState(), 0, java.util.Map.of(), r.stats(), java.util.List.of(),
                tenSeconds, anHourAgo);
        assertEquals(Verdict.STUCK, cut.verdict());
        assertEquals(r.message(), cut.message());
        assertNull(cut.continuation());
        assertTrue(cut.explanation().contains("how it goes on from here is not shown: the search for it was stopped (time limit 10.0 s)"),
                cut.explanation().toString());
        // the memory limit holds too (a limit of one byte: the heap in use is always over it)
        Budget oneByte = Budget.unlimited().withMaxMemory(1);
        assertEquals(oneByte.memoryLimitText(), assertThrows(Continuation.Stopped.class,
                () -> Continuation.find(sys, sys.initialState(), 0, false, Continuation.LIMIT, oneByte, System.nanoTime())).getMessage());
    }

    /**
     * The check's time limit counts from the check's start, not from the continuation's: a limit that the search keeps
     * to but the search and the whole continuation together exceed stops the continuation. Every step of the daemon
     * sleeps 2 ms, so that time is the steps': the search (S, measured without the liveness analysis, which has no
     * continuation) and the continuation (C, the rest of a whole check) each take about a second, one worker. A limit of
     * S + C / 2 stops the continuation at its check after 512 states (about S + C * 512 / 600); counted from the
     * continuation's own start it would have let it finish, and the report would show it.
     */
    @Test
    void theTimeLimitCountsFromTheChecksStart() {
        Model m = withWaiter("sleepy-counter", b -> {
            Var c = b.var("c", 0, 599, 0);
            b.thread("counter").daemon().body(x -> x.forever(f -> f.step(Step.named("count").does(e -> {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                e.set(c, (e.get(c) + 1) % 600);
            }).build())));
        });
        Options one = Options.defaults().withWorkers(1).withDeterminism(Options.Switch.OFF);
        long t0 = System.nanoTime();
        CheckResult whole = Checker.check(m, RuleSet.empty(), one);
        long w = System.nanoTime() - t0;
        assertEquals(Verdict.STUCK, whole.verdict(), whole.message());
        assertNotNull(whole.continuation(), whole.explanation().toString());
        t0 = System.nanoTime();
        CheckResult searchOnly = Checker.check(m, RuleSet.empty(), one.withLiveness(false));
        long s = System.nanoTime() - t0;
        assertEquals(Verdict.HOLDS, searchOnly.verdict(), searchOnly.message());
        long limit = s + (w - s) / 2;
        CheckResult cut = Checker.check(m, RuleSet.empty(), one.withBudget(one.budget().withTimeLimit(java.time.Duration.ofNanos(limit))));
        assertEquals(Verdict.STUCK, cut.verdict(), "the search alone took " + s / 1_000_000 + " ms, the whole check " + w / 1_000_000
                + " ms; with a limit of " + limit / 1_000_000 + " ms: " + cut.message());
        assertNull(cut.continuation(), "the continuation ran on past the check's time limit of " + limit / 1_000_000 + " ms");
        assertTrue(cut.explanation().stream().anyMatch(l -> l.startsWith("how it goes on from here is not shown: the search for it was"
                + " stopped (time limit ")), cut.explanation().toString());
    }

    @Test
    void randomStuckModelsAgreeWithABruteForceReading() {
        int stuck = 0;
        for (long seed = 0; seed < 400; seed++) {
            for (boolean symmetric : new boolean[] {false, true}) {
                Model m = StuckReferenceTest.waiting(seed, symmetric);
                CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults());
                if (r.verdict() != Verdict.STUCK) {
                    continue;
                }
                stuck++;
                verify(m, r, "seed " + seed + (symmetric ? " symmetric" : ""));
            }
        }
        assertTrue(stuck >= 100, "only " + stuck + " stuck models among the seeds");
    }

    /** The brute-force reading of one stuck report's continuation. */
    private static void verify(Model m, CheckResult r, String what) {
        Continuation c = r.continuation();
        assertNotNull(c, what);
        assertTrue(r.message().startsWith(m.thread(c.thread()).name() + " "), what + ": " + r.message());
        ModelSystem sys = new ModelSystem(m, RuleSet.empty(), true);
        int[] s = Trace.replay(m, r.schedule()).last();
        int bit = 1 << c.thread();
        // the closure of the report's state, with each state's successors and enabled threads
        Map<List<Integer>, Integer> ids = new HashMap<>();
        List<int[]> states = new ArrayList<>();
        List<int[][]> edges = new ArrayList<>(); // {label, target} per transition
        List<Integer> enabled = new ArrayList<>();
        ids.put(key(s), 0);
        states.add(s);
        for (int i = 0; i < states.size(); i++) {
            List<int[]> out = new ArrayList<>();
            int[] moves = {0};
            List<int[]> next = new ArrayList<>();
            sys.expand(-1, states.get(i), new TransitionSystem.Successors() {
                @Override public void successor(int l, int[] n) {
                    out.add(new int[] {l});
                    next.add(n.clone());
                    moves[0] |= 1 << Trace.thread(l);
                }
                @Override public void failure(int l, Failure f) { throw new AssertionError(what + ": a failing step follows"); }
                @Override public void stateFailure(Failure f) { throw new AssertionError(what + ": a failing state follows"); }
            });
            int[][] e = new int[out.size()][];
            for (int k = 0; k < out.size(); k++) {
                Integer id = ids.get(key(next.get(k)));
                if (id == null) {
                    id = states.size();
                    ids.put(key(next.get(k)), id);
                    states.add(next.get(k));
                }
                e[k] = new int[] {out.get(k)[0], id};
            }
            edges.add(e);
            enabled.add(moves[0]);
        }
        int n = states.size();
        // replay: each step is a transition of the state it leaves, and the named thread stays where the verdict says
        int at = 0;
        List<Integer> path = new ArrayList<>(List.of(0));
        for (int l : c.steps()) {
            int to = -1;
            for (int[] e : edges.get(at)) {
                if (e[0] == l) {
                    to = e[1];
                }
            }
            assertTrue(to >= 0, what + ": step " + Trace.thread(l) + "/" + Trace.alternative(l) + " is no transition");
            at = to;
            path.add(at);
        }
        for (int v : path) {
            if (c.livelock()) {
                assertEquals(0, sys.semantics().finished(states.get(v), c.thread()) || sys.semantics().atIdlePoint(states.get(v), c.thread())
                        ? 1 : 0, what + ": the livelocked thread finishes or rests on its continuation");
            } else {
                assertEquals(0, enabled.get(v) & bit, what + ": the stuck thread can move on its continuation");
            }
        }
        int entry = path.get(c.loopFrom());
        assertEquals(entry, at, what + ": the cycle does not close");
        int moved = 0;
        int disabled = 0;
        for (int k = c.loopFrom(); k < c.steps().length; k++) {
            moved |= 1 << Trace.thread(c.steps()[k]);
            disabled |= ~enabled.get(path.get(k));
        }
        int all = (1 << m.threadCount()) - 1;
        assertEquals(all, (moved | disabled) & all, what + ": a thread neither moves in the cycle nor is ever unable to");
        // no state that lies on such a cycle is nearer than the entry: reachability sets, components read from them
        boolean[][] reach = new boolean[n][];
        for (int v = 0; v < n; v++) {
            reach[v] = new boolean[n];
            ArrayDeque<Integer> q = new ArrayDeque<>();
            for (int[] e : edges.get(v)) {
                if (!reach[v][e[1]]) {
                    reach[v][e[1]] = true;
                    q.add(e[1]);
                }
            }
            while (!q.isEmpty()) {
                int u = q.poll();
                for (int[] e : edges.get(u)) {
                    if (!reach[v][e[1]]) {
                        reach[v][e[1]] = true;
                        q.add(e[1]);
                    }
                }
            }
        }
        int[] dist = new int[n];
        Arrays.fill(dist, -1);
        dist[0] = 0;
        ArrayDeque<Integer> q = new ArrayDeque<>(List.of(0));
        int nearest = Integer.MAX_VALUE;
        while (!q.isEmpty()) {
            int v = q.poll();
            if (fairCycleThrough(v, n, reach, edges, enabled, all)) {
                nearest = Math.min(nearest, dist[v]);
            }
            for (int[] e : edges.get(v)) {
                if (dist[e[1]] < 0) {
                    dist[e[1]] = dist[v] + 1;
                    q.add(e[1]);
                }
            }
        }
        assertEquals(nearest, c.loopFrom(), what + ": the cycle is not entered at a nearest state that lies on one");
    }

    /** Whether v's component (the states v reaches that reach v) has a transition, and each thread moves in it or cannot somewhere. */
    private static boolean fairCycleThrough(int v, int n, boolean[][] reach, List<int[][]> edges, List<Integer> enabled, int all) {
        if (!reach[v][v]) {
            return false;
        }
        int moved = 0;
        int disabled = 0;
        for (int u = 0; u < n; u++) {
            if (u == v || (reach[v][u] && reach[u][v])) {
                disabled |= ~enabled.get(u);
                for (int[] e : edges.get(u)) {
                    if (e[1] == v || (reach[v][e[1]] && reach[e[1]][v])) {
                        moved |= 1 << Trace.thread(e[0]);
                    }
                }
            }
        }
        return ((moved | disabled) & all) == all;
    }

    private static List<Integer> key(int[] s) {
        return Arrays.stream(s).boxed().toList();
    }
}
