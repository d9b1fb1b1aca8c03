package org.migcheck.checker.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.model.lang.WaitQueue;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * What a permutation of interchangeable members must carry along besides their own variables and
 * threads, and what a search over canonical states must not conclude from seeing one arrangement
 * only (findings of a review of the reductions; each test fails on the code before its fix).
 */
class SymmetryRenamingTest {

    private static final Options SYM = Options.defaults().withSymmetry(Options.Switch.ON).withPor(Options.Switch.OFF);

    private static List<Model.SymmetricMember> workers(int n) {
        List<Model.SymmetricMember> members = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            members.add(new Model.SymmetricMember(List.of("W" + i), List.of("W" + i), List.of()));
        }
        return members;
    }

    /**
     * A lost wake-up: the first worker to claim waits for the second claim, then prepares to wait and
     * sleeps; the waker Z wakes the queue once, at any time. When Z runs before prepare_to_wait the
     * waiter sleeps for ever: a deadlock. The waiter's bit in the queue's masks must follow the waiter
     * when the canonical form reorders the workers (it did not: the sleeping bit stayed with the other
     * position, so the search lost the deadlock or refused a true declaration).
     */
    private static Model lostWakeUp() {
        Model.Builder b = Model.builder("lost-wake-up");
        Var claimed = b.counter("claimed", 0, 2, 0);
        WaitQueue wq = WaitQueue.declare(b, "wq", 4);
        for (int i = 1; i <= 2; i++) {
            Var role = b.counter("W" + i + ".role", 0, 3, 0);
            b.thread("W" + i, body -> body
                    .step(Step.named("claim").does(e -> {
                        e.set(role, e.get(claimed) == 0 ? 1 : 2);
                        e.add(claimed, 1);
                    }).build())
                    .ifThen(Cond.of("first_claim", "role", e -> e.get(role) == 1), first -> first
                            .step(Step.named("wait_for_second_claim").when(e -> e.get(claimed) == 2)
                                    .blockedBy(e -> new BlockReason.OnCondition("the second claim", null)).build())
                            .step(wq.prepareToWait(false))
                            .step(Step.named("note_waiting").does(e -> e.set(role, 3)).build())
                            .step(wq.schedule())
                            .step(wq.finishWait(null, "woken"))));
        }
        b.thread("Z", body -> body.step(wq.wakeUp(true)));
        b.symmetric("workers", workers(2));
        return b.build();
    }

    @Test
    void waitQueueMasksMoveWithTheirThreads() {
        Model m = lostWakeUp();
        assertNull(Automorphism.check(m, 10_000), "swapping the workers maps transitions to transitions");
        CheckResult plain = Checker.check(m, RuleSet.empty(), Options.defaults().unreduced());
        CheckResult sym = Checker.check(m, RuleSet.empty(), SYM);
        assertEquals(Verdict.DEADLOCK, plain.verdict(), plain.message());
        assertEquals(Verdict.DEADLOCK, sym.verdict(), sym.message());
        assertTrue(sym.reductions() != null && sym.reductions().contains("symmetry over workers"), "not refused: " + sym.reductions()
                + " " + sym.notes());
        assertEquals(plain.schedule().length, sym.schedule().length, "a shortest deadlock either way");
        assertTrue(sym.stats().distinct() < plain.stats().distinct(), sym.stats() + " against " + plain.stats());
        // one canonical form per orbit, the masks counted in the members' keys: every reachable state and its
        // image with the workers swapped have the same form
        org.migcheck.model.lang.Semantics sem = new org.migcheck.model.lang.Semantics(m);
        org.migcheck.model.lang.Symmetry symmetry = new org.migcheck.model.lang.Symmetry(m);
        java.util.Set<List<Integer>> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<int[]> queue = new java.util.ArrayDeque<>(List.of(sem.initialState()));
        int swappedDiffer = 0;
        while (!queue.isEmpty()) {
            int[] st = queue.poll();
            if (!seen.add(java.util.Arrays.stream(st).boxed().toList())) {
                continue;
            }
            int[] swapped = symmetry.apply(st, symmetry.transposition());
            swappedDiffer += java.util.Arrays.equals(swapped, st) ? 0 : 1;
            org.junit.jupiter.api.Assertions.assertArrayEquals(symmetry.canonical(st, (int[]) null),
                    symmetry.canonical(swapped, (int[]) null), java.util.Arrays.toString(st));
            sem.expand(st, new org.migcheck.model.lang.Semantics.Sink() {
                @Override public void fired(int thread, int alt, int[] next, List<org.migcheck.model.lang.Event> events) {
                    queue.add(next.clone());
                }
                @Override public void failed(int thread, int alt, RuntimeException error) { }
                @Override public void blocked(int thread, BlockReason reason) { }
            });
        }
        assertTrue(seen.size() >= plain.stats().distinct(), "every reachable state was compared (the check stops at the deadlock)");
        assertTrue(swappedDiffer > 0);
    }

    /** All permutations of 0..n-1. */
    private static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        if (n == 1) {
            out.add(new int[] {0});
            return out;
        }
        for (int[] p : permutations(n - 1)) {
            for (int at = 0; at < n; at++) {
                int[] q = new int[n];
                for (int i = 0, j = 0; i < n; i++) {
                    q[i] = i == at ? n - 1 : p[j++];
                }
                out.add(q);
            }
        }
        return out;
    }

    /**
     * Over every reachable state of a model with one symmetric set: the number of orbits, by brute force
     * (the smallest image under every permutation of the members names the orbit), and the number of
     * distinct canonical forms; the form is exact when the two agree.
     */
    private static long[] orbitsAndForms(Model m) {
        org.migcheck.model.lang.Semantics sem = new org.migcheck.model.lang.Semantics(m);
        org.migcheck.model.lang.Symmetry symmetry = new org.migcheck.model.lang.Symmetry(m);
        List<int[]> perms = permutations(symmetry.members(0));
        java.util.Set<List<Integer>> seen = new java.util.HashSet<>();
        java.util.Set<List<Integer>> orbits = new java.util.HashSet<>();
        java.util.Set<List<Integer>> forms = new java.util.HashSet<>();
        java.util.ArrayDeque<int[]> queue = new java.util.ArrayDeque<>(List.of(sem.initialState()));
        while (!queue.isEmpty()) {
            int[] st = queue.poll();
            if (!seen.add(java.util.Arrays.stream(st).boxed().toList())) {
                continue;
            }
            int[] least = null;
            for (int[] p : perms) {
                int[] image = symmetry.apply(st, new int[][] {p});
                if (least == null || java.util.Arrays.compare(image, least) < 0) {
                    least = image;
                }
            }
            orbits.add(java.util.Arrays.stream(least).boxed().toList());
            forms.add(java.util.Arrays.stream(symmetry.canonical(st, (int[]) null)).boxed().toList());
            sem.expand(st, new org.migcheck.model.lang.Semantics.Sink() {
                @Override public void fired(int thread, int alt, int[] next, List<org.migcheck.model.lang.Event> events) {
                    queue.add(next.clone());
                }
                @Override public void failed(int thread, int alt, RuntimeException error) { }
                @Override public void blocked(int thread, BlockReason reason) { }
            });
        }
        return new long[] {seen.size(), orbits.size(), forms.size()};
    }

    /** {@code members} members of {@code threads} threads each, every thread waiting on one queue for a flag Z sets, clears and sets. */
    private static Model waiters(int members, int threads, boolean declaredInMemberOrder) {
        Model.Builder b = Model.builder("waiters");
        Var done = b.flag("done", false);
        WaitQueue wq = WaitQueue.declare(b, "wq", members * threads + 1);
        List<String> names = new ArrayList<>();
        for (int m = 1; m <= members; m++) {
            for (int j = 0; j < threads; j++) {
                names.add((char) ('A' + j) + "" + m);
            }
        }
        if (!declaredInMemberOrder) {
            // the last member's threads in reverse: A1, B1, B2, A2 for two members of two
            java.util.Collections.reverse(names.subList(names.size() - threads, names.size()));
        }
        for (String t : names) {
            b.thread(t, body -> wq.waitEvent(Cond.of("READ_ONCE", "done", e -> e.isSet(done)), e -> e.isSet(done), "done", false)
                    .accept(body));
        }
        b.thread("Z", body -> body.step(Step.named("WRITE_ONCE").args("done, 1").does(e -> e.set(done, 1)).build())
                .step(Step.named("WRITE_ONCE").args("done, 0").does(e -> e.set(done, 0)).build())
                .step(Step.named("WRITE_ONCE").args("done, 1").does(e -> e.set(done, 1)).build())
                .step(wq.wakeUp(true)));
        List<Model.SymmetricMember> set = new ArrayList<>();
        for (int m = 1; m <= members; m++) {
            List<String> own = new ArrayList<>();
            for (int j = 0; j < threads; j++) {
                own.add((char) ('A' + j) + "" + m);
            }
            set.add(new Model.SymmetricMember(own, List.of(), List.of()));
        }
        b.symmetric("waiters", set);
        return b.build();
    }

    @Test
    void theCanonicalFormIsOnePerOrbitWithWaitQueueMasks() {
        for (Model m : List.of(waiters(2, 1, true), waiters(3, 1, true), waiters(2, 2, true), waiters(2, 2, false))) {
            long[] c = orbitsAndForms(m);
            String what = m.threads().stream().map(t -> t.name()).toList() + ": " + c[0] + " states";
            assertTrue(c[1] < c[0], what + ": the members' permutations merge states");
            assertEquals(c[1], c[2], what + ": orbits against canonical forms");
            CheckResult sym = Checker.check(m, RuleSet.empty(), SYM);
            assertEquals(Verdict.HOLDS, sym.verdict(), what + ": " + sym.message() + " " + sym.notes());
            assertTrue(sym.reductions().contains("symmetry over waiters"), what + ": not refused: " + sym.notes());
            assertEquals(c[1], sym.stats().distinct(), what + ": the reduced search stores one state per orbit");
        }
    }

    /** W1 (index 0) and W2 (index 2) wait on a queue declared for two threads: W2's bit is outside its masks. */
    @Test
    void aMemberThreadOutsideAMasksDomainRefusesSymmetryAndTheModelErrorStands() {
        Model.Builder b = Model.builder("fewer");
        Var done = b.flag("done", false);
        WaitQueue wq = WaitQueue.declare(b, "wq", 2);
        b.thread("W1", body -> wq.waitEvent(Cond.of("READ_ONCE", "done", e -> e.isSet(done)), e -> e.isSet(done), "done", false).accept(body));
        b.thread("Z", body -> body.step(Step.named("WRITE_ONCE").args("done, 1").does(e -> e.set(done, 1)).build()).step(wq.wakeUp(true)));
        b.thread("W2", body -> wq.waitEvent(Cond.of("READ_ONCE", "done", e -> e.isSet(done)), e -> e.isSet(done), "done", false).accept(body));
        b.symmetric("w", List.of(new Model.SymmetricMember(List.of("W1"), List.of(), List.of()),
                new Model.SymmetricMember(List.of("W2"), List.of(), List.of())));
        Model m = b.build();
        CheckResult plain = Checker.check(m, RuleSet.empty(), Options.defaults().unreduced());
        CheckResult sym = Checker.check(m, RuleSet.empty(), SYM);
        assertEquals(Verdict.MODEL_ERROR, plain.verdict(), plain.message());
        assertEquals(Verdict.MODEL_ERROR, sym.verdict(), sym.message());
        assertTrue(sym.message().contains("thread W2 (index 2) uses wait queue wq, declared for 2 threads"), sym.message());
        assertTrue(sym.notes().stream().anyMatch(n -> n.startsWith("symmetry refused: thread mask wq.queued holds threads 0..1, and"
                + " thread W2 (index 2) of symmetric set w is outside it")), sym.notes().toString());
    }

    /**
     * Two sets: workers W1, W2 that each pick lock L1 or L2 (an object reference), take it and wait on a
     * queue; and the locks L1, L2. A worker's key reads the lock set's ids raw, so the canonical form can
     * keep two forms of one orbit (sound, less reduced); the declaration check compared successors by
     * their forms and refused a true declaration. It now compares orbits exactly before refusing.
     */
    @Test
    void twoSetsReferringToEachOtherAreNotRefused() {
        Model.Builder b = Model.builder("cross");
        Lock[] locks = {null, b.mutex("L1.lock"), b.mutex("L2.lock")};
        Var done = b.flag("done", false);
        WaitQueue wq = WaitQueue.declare(b, "wq", 3);
        for (String t : List.of("W1", "W2")) {
            Procedure p = b.thread(t);
            Local f = p.local("f", 0, 2).markObjectRef();
            p.body(body -> {
                body.step(Step.named("pick").choice(2, k -> "L" + (k + 1)).does(e -> e.setLocal(f, e.choice() + 1)).build())
                        .step(Steps.lock("mutex_lock", e -> locks[e.local(f)]));
                wq.waitEvent(Cond.of("READ_ONCE", "done", e -> e.isSet(done)), e -> e.isSet(done), "done", false).accept(body);
                body.step(Steps.unlock("mutex_unlock", e -> locks[e.local(f)]));
            });
        }
        b.thread("Z", body -> body.step(Step.named("WRITE_ONCE").args("done, 1").does(e -> e.set(done, 1)).build()).step(wq.wakeUp(true)));
        b.symmetric("w", List.of(new Model.SymmetricMember(List.of("W1"), List.of(), List.of()),
                new Model.SymmetricMember(List.of("W2"), List.of(), List.of())));
        b.symmetric("locks", List.of(new Model.SymmetricMember(List.of(), List.of("L1"), List.of(1)),
                new Model.SymmetricMember(List.of(), List.of("L2"), List.of(2))));
        Model m = b.build();
        assertNull(Automorphism.check(m, 10_000), "the declaration is true");
        CheckResult plain = Checker.check(m, RuleSet.empty(), Options.defaults().unreduced());
        CheckResult sym = Checker.check(m, RuleSet.empty(), SYM);
        assertEquals(plain.verdict(), sym.verdict());
        assertTrue(sym.reductions() != null && sym.reductions().contains("symmetry over w (2), locks (2)"), sym.notes().toString());
        assertTrue(sym.stats().distinct() < plain.stats().distinct(), sym.stats() + " against " + plain.stats());
    }

    /**
     * Workers W1, W2 and objects P1, P2 declared as two independent sets, though Wi's code names Pi: only
     * swapping both sets together maps the model onto itself. The winner of the flag clears its own
     * object's count and asserts it positive: VIOLATED in three steps. The run-time check compared only
     * permutations that move every set at once, accepted the declaration and answered HOLDS.
     */
    @Test
    void setsInterchangeableOnlyTogetherAreRefused() {
        Model.Builder b = Model.builder("bound-pairs");
        Var flag = b.flag("g", false);
        Var[] count = {null, b.counter("P1.v", 0, 2, 2), b.counter("P2.v", 0, 2, 2)};
        for (int i = 1; i <= 2; i++) {
            Var own = count[i];
            Procedure p = b.thread("W" + i);
            Local won = p.local("won", 0, 1);
            p.body(body -> body
                    .step(Step.named("test_and_set_bit").args("g").does(e -> {
                        if (!e.isSet(flag)) {
                            e.set(flag, 1);
                            e.setLocal(won, 1);
                        }
                    }).build())
                    .ifLocalElse(e -> e.local(won) == 0,
                            lost -> lost.step(Step.named("wait_for_work").when(e -> false).idle()
                                    .blockedBy(e -> new BlockReason.OnCondition("more work", null)).build()),
                            winner -> winner.step(Step.named("clear").does(e -> e.set(own, 0)).build())
                                    .assertThat("user.own-count", "its own object's count is positive", e -> e.get(own) >= 1)));
            p.daemon();
        }
        b.symmetric("w", List.of(new Model.SymmetricMember(List.of("W1"), List.of(), List.of()),
                new Model.SymmetricMember(List.of("W2"), List.of(), List.of())));
        b.symmetric("p", List.of(new Model.SymmetricMember(List.of(), List.of("P1"), List.of(1)),
                new Model.SymmetricMember(List.of(), List.of("P2"), List.of(2))));
        Model m = b.build();
        CheckResult plain = Checker.check(m, RuleSet.empty(), Options.defaults().unreduced());
        CheckResult sym = Checker.check(m, RuleSet.empty(), SYM);
        assertEquals(Verdict.VIOLATED, plain.verdict(), plain.message());
        assertEquals(3, plain.schedule().length);
        assertEquals(Verdict.VIOLATED, sym.verdict(), sym.message() + " " + sym.reductions());
        assertEquals(3, sym.schedule().length);
        assertTrue(sym.notes().stream().anyMatch(n -> n.startsWith("symmetry refused: the members of w (2), p (2) are not interchangeable")),
                sym.notes().toString());
    }

    /**
     * Workers (declared before the waker Z) each pick object P1 or P2 into an object reference, bump it and
     * wait on a queue. The declaration is true, but with the workers' keys reading the objects' ids raw an
     * orbit can have two canonical forms, and rebuilding the deadlock's trace found no real successor with
     * the stored form: symmetry was refused "when the trace was rebuilt". The rebuild now matches orbits.
     */
    @Test
    void aTraceIsRebuiltWhenTheCanonicalFormIsNotOnePerOrbit() {
        Model.Builder b = Model.builder("cross-wait");
        Var done = b.flag("done", false);
        Var[] count = {null, b.counter("P1.v", 0, 2, 0), b.counter("P2.v", 0, 2, 0)};
        WaitQueue wq = WaitQueue.declare(b, "wq", 3);
        for (String t : List.of("W1", "W2")) {
            Procedure p = b.thread(t);
            Local q = p.local("q", 0, 2).markObjectRef();
            p.body(body -> {
                body.step(Step.named("pick").choice(2, k -> "P" + (k + 1)).does(e -> e.setLocal(q, e.choice() + 1)).build())
                        .step(Step.named("WRITE_ONCE").args("done, 0").does(e -> e.set(done, 0)).build())
                        .step(Step.named("use").does(e -> e.add(count[e.local(q)], 1)).build());
                wq.waitEvent(Cond.of("READ_ONCE", "done", e -> e.isSet(done)), e -> e.isSet(done), "done", false).accept(body);
            });
        }
        b.thread("Z", body -> body.step(Step.named("WRITE_ONCE").args("done, 1").does(e -> e.set(done, 1)).build()).step(wq.wakeUp(true)));
        b.symmetric("w", List.of(new Model.SymmetricMember(List.of("W1"), List.of(), List.of()),
                new Model.SymmetricMember(List.of("W2"), List.of(), List.of())));
        b.symmetric("p", List.of(new Model.SymmetricMember(List.of(), List.of("P1"), List.of(1)),
                new Model.SymmetricMember(List.of(), List.of("P2"), List.of(2))));
        Model m = b.build();
        assertNull(Automorphism.check(m, 10_000), "the declaration is true");
        CheckResult plain = Checker.check(m, RuleSet.empty(), Options.defaults().unreduced());
        CheckResult sym = Checker.check(m, RuleSet.empty(), SYM);
        assertEquals(Verdict.DEADLOCK, plain.verdict(), plain.message());
        assertEquals(Verdict.DEADLOCK, sym.verdict(), sym.message());
        assertEquals(plain.schedule().length, sym.schedule().length, "a shortest deadlock either way");
        assertTrue(sym.reductions() != null && sym.reductions().contains("symmetry over w (2), p (2)"), sym.notes().toString());
        assertTrue(sym.notes().stream().noneMatch(n -> n.startsWith("symmetry refused")), sym.notes().toString());
        // the rebuilt trace is a path of the real model that ends in the deadlock
        assertEquals(Verdict.DEADLOCK, org.migcheck.checker.run.Replayer.replay(m, RuleSet.empty(), sym.schedule()).verdict());
    }

    @Test
    void aQueueWakingExclusiveWaitersInIndexOrderRefusesSymmetry() {
        Model.Builder b = Model.builder("exclusive-waiters");
        Var done = b.flag("done", false);
        WaitQueue wq = WaitQueue.declare(b, "wq", 4);
        for (int i = 1; i <= 2; i++) {
            Var seen = b.flag("W" + i + ".seen", false);
            b.thread("W" + i, body -> {
                body.step(Step.named("WRITE_ONCE").args(seen.name()).does(e -> e.set(seen, 1)).build());
                wq.waitEvent(Cond.of("READ_ONCE", "done", e -> e.isSet(done)), e -> e.isSet(done), "done", true).accept(body);
            });
        }
        b.thread("Z", body -> body.step(Step.named("WRITE_ONCE").args("done").does(e -> e.set(done, 1)).build()).step(wq.wakeUp(false)));
        b.symmetric("workers", workers(2));
        Model m = b.build();
        CheckResult r = Checker.check(m, RuleSet.empty(), SYM);
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("symmetry refused: wait queue wq wakes exclusive waiters in thread-index"
                + " order")), r.notes().toString());
        CheckResult plain = Checker.check(m, RuleSet.empty(), Options.defaults().unreduced());
        assertEquals(plain.verdict(), r.verdict());
        assertEquals(plain.stats().distinct(), r.stats().distinct(), "checked without symmetry");
    }

    /**
     * Each worker takes its own mutex (whose class is its name), then the other's, under a gate: no
     * deadlock, but the classes m(W1) and m(W2) are taken in both orders. Over canonical states the
     * worker further on always sits in one place, so only one order was recorded and the check said
     * HOLDS; now symmetry is refused for such locks.
     */
    @Test
    void lockOrderBetweenTwoMembersOwnClassesIsSeenBothWays() {
        Model.Builder b = Model.builder("member-classes");
        Lock gate = b.mutex("gate");
        Lock m1 = b.mutex("m(W1)");
        Lock m2 = b.mutex("m(W2)");
        Lock[][] order = {{m1, m2}, {m2, m1}};
        for (int i = 0; i < 2; i++) {
            Lock own = order[i][0];
            Lock other = order[i][1];
            b.thread("W" + (i + 1), body -> body.step(Steps.lock("mutex_lock", gate)).step(Steps.lock("mutex_lock", own))
                    .step(Steps.lock("mutex_lock", other)).step(Steps.unlock("mutex_unlock", other))
                    .step(Steps.unlock("mutex_unlock", own)).step(Steps.unlock("mutex_unlock", gate)));
        }
        b.symmetric("workers", workers(2));
        Model m = b.build();
        CheckResult plain = Checker.check(m, KernelRules.all(), Options.defaults().unreduced());
        CheckResult sym = Checker.check(m, KernelRules.all(), SYM);
        assertEquals(Verdict.VIOLATED, plain.verdict(), plain.message());
        assertEquals(RuleSet.LOCK_CYCLE, plain.ruleId());
        assertEquals(Verdict.VIOLATED, sym.verdict(), sym.message());
        assertEquals(RuleSet.LOCK_CYCLE, sym.ruleId());
        assertTrue(sym.notes().stream().anyMatch(n -> n.startsWith("symmetry refused: symmetric set workers: locks m(W1) and m(W2) have"
                + " lock classes m(W1) and m(W2)")), sym.notes().toString());
    }

    /**
     * Workers with a lock each of one shared class, taken before or after a global G: a lock-order
     * cycle under symmetry. Each witness's title and edge must name the thread and locks of its own
     * (unpermuted) path; they named the canonical ones, and the edge was dropped.
     */
    @Test
    void lockOrderWitnessesNameTheRealThreadAndLocks() {
        Model.Builder b = Model.builder("shared-class");
        Lock g = b.mutex("G");
        for (int i = 1; i <= 2; i++) {
            Lock own = b.lock("W" + i + ".lock", "wlock", Lock.Kind.MUTEX);
            Var x = b.counter("W" + i + ".x", 0, 1, 0);
            Procedure p = b.thread("W" + i);
            Local c = p.local("c", 0, 1);
            p.body(body -> body
                    .step(Step.named("prepare").does(e -> e.set(x, 1)).build())
                    .step(Steps.choose("pick_order", c, 2, k -> k == 0 ? "own-first" : "G-first"))
                    .ifLocalElse(e -> e.local(c) == 0,
                            a -> a.step(Steps.lock("mutex_lock", own)).step(Steps.lock("mutex_lock", g))
                                    .step(Steps.unlock("mutex_unlock", g)).step(Steps.unlock("mutex_unlock", own)),
                            z -> z.step(Steps.lock("mutex_lock", g)).step(Steps.lock("mutex_lock", own))
                                    .step(Steps.unlock("mutex_unlock", own)).step(Steps.unlock("mutex_unlock", g))));
        }
        b.symmetric("workers", workers(2));
        Model m = b.build();
        CheckResult sym = Checker.check(m, KernelRules.all(), SYM);
        assertEquals(Verdict.VIOLATED, sym.verdict(), sym.message());
        assertEquals(RuleSet.LOCK_CYCLE, sym.ruleId());
        assertTrue(sym.reductions().contains("symmetry over workers"), sym.reductions());
        assertEquals(2, sym.witnesses().size());
        for (CheckResult.Witness w : sym.witnesses()) {
            CheckResult.LockEdge e = w.edge();
            assertNotNull(e, w.title());
            List<Trace.Row> rows = w.trace(m).rows();
            Trace.Row last = rows.get(rows.size() - 1);
            String thread = m.thread(last.thread()).name();
            assertEquals(last.thread(), e.thread(), w.title());
            assertTrue(w.title().startsWith(thread + " takes " + e.acquired() + " while holding " + e.held()), w.title());
            assertEquals("mutex_lock(" + e.acquired() + ")", last.label(), w.title());
            // the held lock is held by that thread in the state before the last step
            assertTrue(rows.stream().limit(rows.size() - 1).anyMatch(r -> r.thread() == last.thread()
                    && r.label().equals("mutex_lock(" + e.held() + ")")), w.title());
            assertTrue(sym.explanation().contains(w.title()), sym.explanation().toString());
        }
    }

    /**
     * The first worker to test the token takes it and runs A; the other waits for A. Over canonical
     * states one worker may always be the loser, and "W2: wait_for_A" was listed as never executed.
     */
    @Test
    void aStepOneMemberRunsIsNotReportedUnreachedInTheOthers() {
        Model.Builder b = Model.builder("token");
        Var token = b.flag("token", false);
        Var aDone = b.flag("a_done", false);
        int ticks = 40; // past the 20,000 states on which the declaration check expands permuted states too
        for (int i = 1; i <= 2; i++) {
            Var c = b.counter("W" + i + ".c", 0, ticks, 0);
            b.thread("W" + i, body -> {
                for (int k = 0; k < ticks; k++) {
                    body.step(Step.named("tick").does(e -> e.add(c, 1)).build());
                }
                body.ifThenElse(Cond.of("test_bit", "token", e -> e.isSet(token)),
                            loser -> loser.step(Step.named("wait_for_A").when(e -> e.isSet(aDone))
                                    .blockedBy(e -> new BlockReason.OnCondition("A", "A")).build()),
                            winner -> winner.step(Step.named("set_bit").args("token").does(e -> e.set(token, 1)).build())
                                    .step(Step.named("A").provides("A").does(e -> e.set(aDone, 1)).build()));
            });
        }
        Var xc = b.counter("X.c", 0, ticks, 0);
        b.thread("X", body -> {
            for (int k = 0; k < ticks; k++) {
                body.step(Step.named("xtick").does(e -> e.add(xc, 1)).build());
            }
        });
        b.symmetric("workers", workers(2));
        Model m = b.build();
        CheckResult plain = Checker.check(m, RuleSet.empty(), Options.defaults().unreduced());
        CheckResult sym = Checker.check(m, RuleSet.empty(), SYM);
        assertEquals(Verdict.HOLDS, sym.verdict(), sym.message());
        assertTrue(sym.reductions().contains("symmetry over workers"), sym.reductions());
        assertEquals(List.of(), plain.unreached(), "every step runs in some interleaving");
        assertEquals(plain.unreached(), sym.unreached());
        assertTrue(sym.stats().distinct() > 20_000, "past the declaration check's states: " + sym.stats());
        assertFalse(sym.stats().distinct() >= plain.stats().distinct(), "reduced");
    }
}
