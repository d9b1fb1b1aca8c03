package org.migcheck.checker.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.Fingerprint;
import org.migcheck.checker.engine.Search;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.Symmetry;

/**
 * The run-time check of a symmetry declaration compares the first stored states with every power of
 * the rotation and with the swap: "first" by state id, which every number of workers shares. It was
 * "the first 20,000 to arrive" at the workers, so which states were compared, and whether a false
 * declaration was caught, depended on thread timing (a review of the engine's concurrency).
 */
class DeclarationSampleTest {

    private record Fault(String summary) implements Failure {}

    /** The model's transitions as the engine sees them, without reductions: successors and failures, no rules. */
    private static TransitionSystem plain(Model m, Semantics sem) {
        return new TransitionSystem() {
            @Override public int[] slotMin() { return m.slotMin(); }
            @Override public int[] slotMax() { return m.slotMax(); }
            @Override public int[] initialState() { return sem.initialState(); }
            @Override public int actorOf(int label) { return label & 0xFF; }
            @Override public Failure checkState(int[] s) { return null; }
            @Override public void expand(int id, int[] s, Successors out) {
                sem.expand(s, new Semantics.Sink() {
                    @Override public void fired(int t, int alt, int[] next, List<Event> ev) { out.successor(t | alt << 8, next.clone()); }
                    @Override public void failed(int t, int alt, RuntimeException e) { out.failure(t | Math.max(alt, 0) << 8, new Fault(String.valueOf(e))); }
                    @Override public void blocked(int t, BlockReason r) { }
                });
            }
        };
    }

    /** Engine ids of the stored states compared with more than one image (the sampled ones), for one run. */
    private static TreeSet<Integer> sampled(Model m, int workers) {
        Semantics sem = new Semantics(m);
        Symmetry sym = new Symmetry(m);
        TransitionSystem inner = plain(m, sem);
        Map<String, AtomicInteger> comparisons = new ConcurrentHashMap<>();
        ReducedSystem rs = new ReducedSystem(inner, sem, sym, false, (state, image) -> {
            comparisons.computeIfAbsent(Arrays.toString(state), k -> new AtomicInteger()).incrementAndGet();
            return null;
        }, (a, b) -> null);
        Search s = new Search(rs, Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, workers, Fingerprint.DEFAULT);
        long n = s.run().stats().distinct();
        assertTrue(n > 40_000, "the search goes past the sample: " + n);
        TreeSet<Integer> ids = new TreeSet<>();
        for (int id = 0; id < n; id++) {
            AtomicInteger c = comparisons.get(Arrays.toString(s.state(id)));
            if (c != null && c.get() > 1) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void theSampledStatesAreTheSameForEveryNumberOfWorkers() {
        Model m = SymmetryTest.build("movable-ops", Map.of("compactors", "4"));
        TreeSet<Integer> one = sampled(m, 1);
        assertTrue(!one.isEmpty() && one.last() < 20_000, "ids below 20,000 only: " + (one.isEmpty() ? "none" : one.last()));
        for (int round = 0; round < 3; round++) {
            assertEquals(one, sampled(m, 2), "2 workers, round " + round);
        }
    }

    /**
     * A receiver that keeps the vectors it is handed (the default) gets arrays of its own, each the canonical form of
     * the successor it stands for: handing out the canonicaliser's scratch array (a mutant of a review survived every
     * test) left every kept successor equal to the last one, and the run-time symmetry guard compared a state with itself.
     */
    @Test
    void keptSuccessorsAreArraysOfTheirOwn() {
        Model m = SymmetryTest.build("movable-ops", Map.of("compactors", "3"));
        Semantics sem = new Semantics(m);
        Symmetry sym = new Symmetry(m);
        TransitionSystem inner = plain(m, sem);
        ReducedSystem rs = new ReducedSystem(inner, sem, sym, false, (state, image) -> null, (a, b) -> null);
        java.util.ArrayDeque<int[]> todo = new java.util.ArrayDeque<>(List.of(rs.initialState()));
        java.util.Set<String> seen = new java.util.HashSet<>();
        int expanded = 0;
        int permuted = 0;
        while (!todo.isEmpty() && expanded < 400) {
            int[] state = todo.poll();
            if (!seen.add(Arrays.toString(state))) {
                continue;
            }
            List<int[]> kept = new java.util.ArrayList<>();
            List<int[]> raw = new java.util.ArrayList<>();
            rs.expand(expanded, state, collector(kept));
            inner.expand(expanded, state, collector(raw));
            expanded++;
            List<String> expected = new java.util.ArrayList<>();
            for (int[] r : raw) {
                int[] c = sym.canonical(r, (int[]) null);
                expected.add(Arrays.toString(c));
                permuted += Arrays.equals(c, r) ? 0 : 1;
            }
            List<String> got = new java.util.ArrayList<>();
            for (int a = 0; a < kept.size(); a++) {
                got.add(Arrays.toString(kept.get(a)));
                for (int b = a + 1; b < kept.size(); b++) {
                    assertTrue(kept.get(a) != kept.get(b), "two successors handed out in one array");
                }
            }
            java.util.Collections.sort(expected);
            java.util.Collections.sort(got);
            assertEquals(expected, got, "state " + Arrays.toString(state));
            todo.addAll(kept);
        }
        assertTrue(permuted > 0, "no successor was permuted: the test would show nothing");
    }

    private static TransitionSystem.Successors collector(List<int[]> into) {
        return new TransitionSystem.Successors() {
            @Override public void successor(int label, int[] next) { into.add(next); }
            @Override public void failure(int label, Failure failure) { }
            @Override public void stateFailure(Failure failure) { }
        };
    }
}
