package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.junit.jupiter.api.Test;

/**
 * The stuck-thread analysis (one fixpoint over two bits per thread, swept over the paged state
 * graph) against a naive reference: a plain breadth-first enumeration of the model's states with
 * their own adjacency lists, and for every state a fresh forward search of everything reachable
 * from it. A thread is stuck in s when it is blocked there and enabled in no state reachable from
 * s; it can never finish from s when it is not at rest there and at rest in no state reachable
 * from s (daemons excepted). The shallowest such state (smallest BFS id, then smallest thread),
 * stuck before never-finishing, must be what the checker reports: the same verdict, thread and
 * depth. Reductions are off so that the checker's ids are the plain BFS ids.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class StuckReferenceTest {

    /** The reference answer: kind 0 holds, 1 stuck, 2 never finishes; the thread and the state's depth. */
    private record Answer(int kind, int thread, int depth) {}

    private static Answer reference(Model m, RuleSet rules) {
        ModelSystem sys = new ModelSystem(m, rules, true);
        Map<List<Integer>, Integer> ids = new HashMap<>();
        List<int[]> states = new ArrayList<>();
        List<List<Integer>> succ = new ArrayList<>();
        List<Integer> depth = new ArrayList<>();
        int[] init = sys.initialState();
        ids.put(key(init), 0);
        states.add(init);
        depth.add(0);
        boolean[] failed = {false};
        for (int id = 0; id < states.size(); id++) {
            if (sys.checkState(states.get(id)) != null) {
                return null;
            }
            List<Integer> out = new ArrayList<>();
            int d = depth.get(id);
            sys.reserve(id + 1);
            sys.expand(id, states.get(id), new TransitionSystem.Successors() {
                @Override public boolean keepsVectors() { return true; }
                @Override public void successor(int label, int[] next) {
                    Integer known = ids.get(key(next));
                    if (known == null) {
                        known = states.size();
                        ids.put(key(next), known);
                        states.add(next.clone());
                        depth.add(d + 1);
                    }
                    out.add(known);
                }
                @Override public void failure(int label, Failure f) { failed[0] = true; }
                @Override public void stateFailure(Failure f) { failed[0] = true; }
            });
            if (failed[0] || (out.isEmpty() && sys.blockedMask(id) != 0)) {
                return null; // a safety failure or a deadlock: the stuck-thread analysis is not reached
            }
            succ.add(out);
        }
        int n = states.size();
        int finish = 0;
        for (int t = 0; t < m.threadCount(); t++) {
            finish |= m.thread(t).daemon() ? 0 : 1 << t;
        }
        int[] canMove = new int[n];
        int[] canRest = new int[n];
        for (int s = 0; s < n; s++) {
            boolean[] seen = new boolean[n];
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(s));
            seen[s] = true;
            while (!queue.isEmpty()) {
                int u = queue.poll();
                canMove[s] |= sys.enabledMask(u);
                canRest[s] |= sys.restMask(u);
                for (int v : succ.get(u)) {
                    if (!seen[v]) {
                        seen[v] = true;
                        queue.add(v);
                    }
                }
            }
        }
        for (int s = 0; s < n; s++) {
            int bad = sys.blockedMask(s) & ~canMove[s];
            if (bad != 0) {
                return new Answer(1, Integer.numberOfTrailingZeros(bad), depth.get(s));
            }
        }
        for (int s = 0; s < n; s++) {
            int bad = ~sys.restMask(s) & finish & ~canRest[s];
            if (bad != 0) {
                return new Answer(2, Integer.numberOfTrailingZeros(bad), depth.get(s));
            }
        }
        return new Answer(0, -1, 0);
    }

    private static List<Integer> key(int[] s) {
        return Arrays.stream(s).boxed().toList();
    }

    /** Compares one model; returns the reference's kind, or -1 when the model fails before the analysis. */
    private static int compare(String what, Model m, RuleSet withLockdep) {
        // lockdep's cycle report comes before the stuck-thread analysis and is not what is compared here
        List<org.migcheck.properties.Rule> all = new ArrayList<>(withLockdep.invariants());
        all.addAll(withLockdep.stepRules());
        RuleSet rules = RuleSet.of(all, false);
        Answer want = reference(m, rules);
        if (want == null) {
            return -1;
        }
        CheckResult r = Checker.check(m, rules, Options.defaults().withWorkers(1)
                .withPor(Options.Switch.OFF).withSymmetry(Options.Switch.OFF));
        if (want.kind() == 0) {
            assertEquals(Verdict.HOLDS, r.verdict(), what + ": " + r.message());
            return 0;
        }
        assertEquals(Verdict.STUCK, r.verdict(), what + ": " + r.message());
        String name = m.thread(want.thread()).name();
        assertTrue(r.message().startsWith(name + " "), what + ": expected thread " + name + ", got " + r.message());
        assertEquals(want.kind() == 2, r.message().endsWith("can never finish (livelock)"), what + ": " + r.message());
        assertEquals(want.depth(), r.schedule().length, what + ": depth of the doomed state");
        return want.kind();
    }

    /**
     * Small models made to end stuck or spinning now and then: threads that write flags, wait for a
     * flag value (blocked until it holds), poll a flag in a loop without resting (spinning until it
     * holds) and take a mutex around such steps.
     */
    static Model waiting(long seed, boolean symmetric) {
        java.util.Random rnd = new java.util.Random(seed);
        Model.Builder m = Model.builder((symmetric ? "symmetric-waiting-" : "waiting-") + seed);
        Var[] vars = {m.counter("f", 0, 2, 0), m.counter("g", 0, 1, 0)};
        Lock lock = m.mutex("L");
        int threads = 2 + rnd.nextInt(2);
        int[][] plan = plan(rnd, vars);
        List<Model.SymmetricMember> members = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Procedure p = m.thread("t" + t);
            Local seen = p.local("seen", 0, 2);
            int[][] ops = symmetric ? plan : plan(rnd, vars); // interchangeable threads run the same code
            p.body(b -> build(b, ops, vars, lock, seen));
            members.add(new Model.SymmetricMember(List.of("t" + t), List.of(), List.of()));
        }
        if (symmetric) {
            m.symmetric("waiters", members);
        }
        if (rnd.nextInt(symmetric ? 2 : 3) == 0) {
            // a daemon outside any symmetric set: the model never deadlocks, so blocked waiters are stuck
            Procedure d = m.thread("poller");
            d.daemon();
            d.body(b -> b.forever(f -> f.step(Step.named("READ_ONCE").args("f").does(e -> e.set(vars[1], Math.min(1, e.get(vars[0])))).build())));
        }
        return m.build();
    }

    /** A thread's steps: {kind, variable, value} each. */
    private static int[][] plan(java.util.Random rnd, Var[] vars) {
        int[][] ops = new int[2 + rnd.nextInt(3)][];
        for (int k = 0; k < ops.length; k++) {
            int v = rnd.nextInt(vars.length);
            ops[k] = new int[] {rnd.nextInt(6), v, rnd.nextInt(vars[v].max() + 1)};
        }
        return ops;
    }

    private static void build(Body b, int[][] ops, Var[] vars, Lock lock, Local seen) {
        for (int[] op : ops) {
            Var v = vars[op[1]];
            int c = op[2];
            switch (op[0]) {
                case 0, 1 -> b.step(Step.named("WRITE_ONCE").args(v.name() + "=" + c).does(e -> e.set(v, c)).build());
                case 2 -> b.step(Step.named("wait_event").args(v.name() + "==" + c).when(e -> e.get(v) == c)
                        .blockedBy(e -> new BlockReason.OnCondition(v.name() + " == " + c, null)).build());
                case 3 -> b.forever(f -> f
                        .step(Step.named("READ_ONCE").args(v.name()).does(e -> e.setLocal(seen, e.get(v))).build())
                        .ifLocal(e -> e.local(seen) == c, Body::breakLoop));
                case 4 -> {
                    b.step(Steps.lock("mutex_lock", lock));
                    b.step(Step.named("WRITE_ONCE").args(v.name() + "=" + c).does(e -> e.set(v, c)).build());
                    b.step(Steps.unlock("mutex_unlock", lock));
                }
                default -> {
                    b.step(Steps.lock("mutex_lock", lock));
                    b.step(Step.named("WRITE_ONCE").args(v.name() + "=" + c).does(e -> e.set(v, c)).build());
                    b.step(Step.named("wait_event").args(v.name() + "!=" + c).when(e -> e.get(v) != c)
                            .blockedBy(e -> new BlockReason.OnCondition(v.name() + " != " + c, null)).build());
                    b.step(Steps.unlock("mutex_unlock", lock));
                }
            }
        }
    }

    /**
     * With symmetry the checker's graph holds one state per orbit, so its ids are not the plain BFS
     * ids: the shallowest doomed state is compared by verdict, kind (stuck or never finishing) and
     * depth, which do not depend on the representative.
     */
    @Test
    void symmetricModelsAgreeWithTheNaiveReference() {
        int[] kinds = new int[3];
        int reduced = 0;
        for (long seed = 1; seed <= 300; seed++) {
            Model m = waiting(seed, true);
            RuleSet rules = RuleSet.of(List.of(), false);
            Answer want = reference(m, rules);
            if (want == null) {
                continue;
            }
            CheckResult r = Checker.check(m, rules, Options.defaults().withWorkers(1)
                    .withPor(Options.Switch.OFF).withSymmetry(Options.Switch.ON));
            String what = "symmetric waiting " + seed + ": " + r.message();
            reduced += r.reductions() != null && r.reductions().contains("symmetry") ? 1 : 0;
            kinds[want.kind()]++;
            if (want.kind() == 0) {
                assertEquals(Verdict.HOLDS, r.verdict(), what);
                continue;
            }
            assertEquals(Verdict.STUCK, r.verdict(), what);
            assertEquals(want.kind() == 2, r.message().endsWith("can never finish (livelock)"), what);
            assertEquals(want.depth(), r.schedule().length, what + ": depth of the doomed state");
        }
        assertTrue(reduced >= 100, reduced + " checks ran with symmetry");
        assertTrue(kinds[0] >= 20 && kinds[1] >= 20 && kinds[2] >= 20, "holds/stuck/never-finishes cases: " + Arrays.toString(kinds));
    }

    @Test
    void randomModelsAndTheCatalogueAgreeWithTheNaiveReference() {
        int[] kinds = new int[3];
        for (long seed = 1; seed <= 400; seed++) {
            int k = compare("waiting " + seed, waiting(seed, false), RuleSet.of(List.of(), false));
            if (k >= 0) {
                kinds[k]++;
            }
        }
        for (long seed = 1; seed <= 400; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            int k = compare("seed " + seed, c.model(), c.rules());
            if (k >= 0) {
                kinds[k]++;
            }
        }
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            Model m = (Model) c[1];
            if (m.stateSize() > 0 && m.threadCount() <= 6) {
                int k = compare((String) c[0], m, KernelRules.all());
                if (k >= 0) {
                    kinds[k]++;
                }
            }
        }
        // the comparison must have met every answer several times
        assertTrue(kinds[0] >= 50 && kinds[1] >= 20 && kinds[2] >= 20, "holds/stuck/never-finishes cases: " + Arrays.toString(kinds));
    }

    /**
     * The largest model the checker takes, 31 threads: thread bits fill all but the sign bit, and no
     * bit beyond the last thread may count as a thread that never finishes. Thread t waits until the
     * counter reaches t, then raises it: one order of 62 steps, 63 states (a hand count: the 31 waits
     * and 31 writes in turn), so the naive reference stays small; every thread finishes.
     */
    @Test
    void thirtyOneThreadsFinishingInTurnHold() {
        Model.Builder m = Model.builder("relay-31");
        Var turn = m.counter("turn", 0, 31, 0);
        for (int t = 0; t < 31; t++) {
            int mine = t;
            m.thread("t" + t).body(b -> b
                    .step(Step.named("wait_event").args("turn==" + mine).when(e -> e.get(turn) == mine)
                            .blockedBy(e -> new BlockReason.OnCondition("turn == " + mine, null)).build())
                    .step(Step.named("WRITE_ONCE").args("turn=" + (mine + 1)).does(e -> e.set(turn, mine + 1)).build()));
        }
        Model model = m.build();
        assertEquals(0, compare("relay of 31 threads", model, RuleSet.of(List.of(), false)), "the reference finds no doomed thread");
        CheckResult r = Checker.check(model, RuleSet.of(List.of(), false), Options.defaults());
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(63, r.stats().distinct());
    }
}
