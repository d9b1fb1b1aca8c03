package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.RuleSet;

/**
 * Random walks record the lock order as the exhaustive search does (they recorded none): a class edge's first
 * acquisition in walk order, with the walk's path to it. A cycle they see is reported with paths that each replay, on
 * their own, to the cycle (Replayer decides that from a search of the whole model), and the same seed gives the same
 * paths.
 */
class RandomLockOrderTest {
    private static final RuleSet LOCKDEP = RuleSet.of(List.of(), true);

    private static Options random(long seed) {
        return Options.defaults().withRandom(seed, 200);
    }

    @Test
    void walksFindTheGatedInversionWithPathsThatReplay() {
        Model m = Zoo.abbaModel(false, true); // t1: G, A, B; t2: G, B, A: no deadlock, a lock-order cycle
        CheckResult bfs = Checker.check(m, LOCKDEP, Options.defaults());
        assertEquals(Verdict.VIOLATED, bfs.verdict());
        for (long seed = 1; seed <= 5; seed++) {
            CheckResult r = Checker.check(m, LOCKDEP, random(seed));
            assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
            assertEquals(RuleSet.LOCK_CYCLE, r.ruleId());
            assertEquals(edges(bfs), edges(r), "the same cycle of classes");
            assertEquals(2, r.witnesses().size());
            for (CheckResult.Witness w : r.witnesses()) {
                Replayer.Ending end = Replayer.replay(m, LOCKDEP, w.schedule());
                assertEquals(Verdict.VIOLATED, end.verdict(), w.title() + ": " + end.message());
                assertEquals(RuleSet.LOCK_CYCLE, end.ruleId());
            }
            CheckResult again = Checker.check(m, LOCKDEP, random(seed));
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(r.witnesses().get(i).schedule(), again.witnesses().get(i).schedule(), "seed " + seed);
            }
            // spread in chunks (run last first, each through the wire form): the same paths as one process
            for (int size : new int[] {1, 3, 50}) {
                int[] run = {0};
                CheckResult spread = Checker.check(m, LOCKDEP, random(seed).withSwarm(SwarmDifferentialTest.chunked(size, run)));
                assertTrue(run[0] > 1, "the swarm ran " + run[0] + " chunks");
                assertEquals(r.message(), spread.message(), "seed " + seed + ", chunks of " + size);
                assertEquals(r.explanation(), spread.explanation(), "seed " + seed + ", chunks of " + size);
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(r.witnesses().get(i).schedule(), spread.witnesses().get(i).schedule(),
                            "seed " + seed + ", chunks of " + size);
                }
            }
        }
    }

    /**
     * Each edge's path is the first acquisition of it in walk order: walk k alone (a search of walks k..k) shows the same
     * edges no earlier than where the whole search found them, and the walk that first showed an edge, run alone, gives
     * that very path.
     */
    @Test
    void eachPathIsTheFirstInWalkOrder() {
        Model m = Zoo.abbaModel(false, true);
        Options opts = random(7);
        ModelSystem sys = new ModelSystem(m, LOCKDEP, false);
        org.migcheck.checker.engine.RandomSearch all = new org.migcheck.checker.engine.RandomSearch(sys, 7, 200, 10_000,
                opts.budget());
        all.run();
        assertEquals(4, all.marks().size(), "four class edges (by hand): G -> A, G -> B, A -> B and B -> A");
        for (org.migcheck.checker.engine.RandomSearch.Mark mark : all.marks()) {
            // the walks before the first to show the edge do not show it; that walk shows it by the same path
            int firstWalk = -1;
            for (int k = 0; k < 200 && firstWalk < 0; k++) {
                org.migcheck.checker.engine.RandomSearch.Chunk c = all.walk(k, k + 1);
                for (org.migcheck.checker.engine.RandomSearch.Mark x : c.marks) {
                    if (x.key().equals(mark.key())) {
                        firstWalk = k;
                        assertArrayEquals(mark.path(), x.path(), mark.key());
                    }
                }
            }
            assertTrue(firstWalk >= 0, mark.key());
        }
    }

    /** The cycle's class edges, in a fixed order (a cycle may be printed from any of its classes). */
    private static java.util.Set<String> edges(CheckResult r) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        r.witnesses().forEach(w -> out.add(w.edge().fromClass() + "->" + w.edge().toClass()));
        return out;
    }

    /** No cycle, no report: the ordered pair, and the same gated model with the order check off. */
    @Test
    void walksReportNoCycleWhereThereIsNone() {
        assertEquals(Verdict.INCOMPLETE, Checker.check(Zoo.abbaModel(true, false), LOCKDEP, random(1)).verdict());
        assertEquals(Verdict.INCOMPLETE, Checker.check(Zoo.abbaModel(false, true), RuleSet.empty(), random(1)).verdict());
    }

    /**
     * On the seeded random models with the order check: where the exhaustive search reports a lock-order cycle (nothing
     * else failing first), walks report a failure too, and every path of a cycle they report replays, on its own, to a
     * cycle of the model's class graph.
     */
    @Test
    void onRandomModelsEveryReportedPathReplaysToACycle() {
        int exhaustive = 0;
        int walked = 0;
        for (long seed = 1; seed <= 2000; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            if (!c.rules().lockdep()) {
                continue;
            }
            CheckResult bfs = Checker.check(c.model(), c.rules(), Options.defaults());
            boolean cycle = bfs.verdict() == Verdict.VIOLATED && RuleSet.LOCK_CYCLE.equals(bfs.ruleId());
            CheckResult r = Checker.check(c.model(), c.rules(), Options.defaults().withRandom(seed, 300));
            if (cycle) {
                exhaustive++;
                assertTrue(r.verdict() != Verdict.INCOMPLETE && r.verdict() != Verdict.HOLDS, "seed " + seed + ": " + r.verdict());
            }
            if (r.verdict() == Verdict.VIOLATED && RuleSet.LOCK_CYCLE.equals(r.ruleId())) {
                walked++;
                assertTrue(bfs.verdict() != Verdict.HOLDS, "seed " + seed + ": walks saw a cycle in a model that holds");
                for (CheckResult.Witness w : r.witnesses()) {
                    Replayer.Ending end = Replayer.replay(c.model(), c.rules(), w.schedule());
                    assertEquals(Verdict.VIOLATED, end.verdict(), "seed " + seed + ": " + w.title() + ": " + end.message());
                    assertEquals(RuleSet.LOCK_CYCLE, end.ruleId(), "seed " + seed);
                }
            }
        }
        assertTrue(exhaustive >= 2 && walked >= 2, exhaustive + " random models with a cycle, " + walked + " seen by walks");
    }

    /**
     * Two locks of one class, L1 and L2, taken by t1 through a pick that t2's flag steers: the class edge L -> M has paths
     * through either. A path shrunk to the class edge alone could leave the lock its title names (a review saw "t1 takes M
     * while holding L2" over a path that took L1, and a lockdep line "holding L2, taken at the initial state"): every
     * path's last step must take the lock its witness names while its thread holds the one it names.
     */
    @Test
    void eachPathHoldsAndTakesTheLocksItsWitnessNames() {
        Model.Builder b = Model.builder("two-of-a-class");
        org.migcheck.model.lang.Lock g = b.mutex("G");
        org.migcheck.model.lang.Lock l1 = b.lock("L1", "L", org.migcheck.model.lang.Lock.Kind.MUTEX);
        org.migcheck.model.lang.Lock l2 = b.lock("L2", "L", org.migcheck.model.lang.Lock.Kind.MUTEX);
        org.migcheck.model.lang.Lock mm = b.mutex("M");
        org.migcheck.model.lang.Var f = b.flag("f", false);
        org.migcheck.model.lang.Procedure p1 = b.thread("t1");
        org.migcheck.model.lang.Local which = p1.local("which", 0, 1);
        p1.body(x -> x.step(org.migcheck.model.lang.Steps.lock("mutex_lock", g))
                .step(org.migcheck.model.lang.Step.named("pick").args("f").does(e -> e.setLocal(which, e.get(f))).build())
                .step(org.migcheck.model.lang.Steps.lock("mutex_lock", e -> e.local(which) == 1 ? l2 : l1))
                .step(org.migcheck.model.lang.Steps.lock("mutex_lock", mm))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", mm))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", e -> e.local(which) == 1 ? l2 : l1))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", g)));
        b.thread("t2", x -> x.step(org.migcheck.model.lang.Step.named("set").args("f").does(e -> e.set(f, 1)).build()));
        b.thread("t3", x -> x.step(org.migcheck.model.lang.Steps.lock("mutex_lock", g))
                .step(org.migcheck.model.lang.Steps.lock("mutex_lock", mm)).step(org.migcheck.model.lang.Steps.lock("mutex_lock", l1))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", l1)).step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", mm))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", g)));
        Model m = b.build();
        org.migcheck.model.lang.Semantics sem = new org.migcheck.model.lang.Semantics(m);
        int reports = 0;
        for (long seed = 1; seed <= 30; seed++) {
            CheckResult r = Checker.check(m, LOCKDEP, Options.defaults().withRandom(seed, 200));
            if (r.verdict() != Verdict.VIOLATED) {
                continue;
            }
            reports++;
            for (CheckResult.Witness w : r.witnesses()) {
                int[] path = w.schedule();
                int label = path[path.length - 1];
                int t = ModelSystem.thread(label);
                int[] before = org.migcheck.checker.trace.Trace.replay(m, java.util.Arrays.copyOf(path, path.length - 1)).last();
                java.util.Set<String> held = new java.util.TreeSet<>();
                org.migcheck.properties.Context.held(sem.view(before), t).forEach(h -> held.add(h.name()));
                assertTrue(held.contains(w.edge().held()), "seed " + seed + ": " + w.title() + " over a path holding " + held);
                boolean takes = sem.fire(before, t, ModelSystem.alt(label)).events().stream().anyMatch(e ->
                        e instanceof org.migcheck.model.lang.LockEvent.Acquired a && a.lock().name().equals(w.edge().acquired()));
                assertTrue(takes, "seed " + seed + ": " + w.title() + ": the path's last step does not take " + w.edge().acquired());
            }
        }
        assertTrue(reports >= 20, reports + " of 30 seeds reported the cycle");
    }

    /** A cycle seen by walks a time limit stopped says so (a review saw VIOLATED with no word of the stop). */
    @Test
    void aCycleOfStoppedWalksSaysTheyWereStopped() {
        Options opts = Options.defaults().withRandom(3, 100_000_000)
                .withBudget(Options.defaults().budget().withTimeLimit(java.time.Duration.ofMillis(300)));
        CheckResult r = Checker.check(Zoo.abbaModel(false, true), LOCKDEP, opts);
        assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("the walks were stopped before they all ran (time limit after ")),
                r.notes().toString());
        CheckResult all = Checker.check(Zoo.abbaModel(false, true), LOCKDEP, random(3));
        assertTrue(all.notes().stream().noneMatch(n -> n.startsWith("the walks were stopped")), all.notes().toString());
    }
}
