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

    /** Engine ids of the stored states compared with more than one image (the sampled ones), for one run. */
    private static TreeSet<Integer> sampled(Model m, int workers) {
        Semantics sem = new Semantics(m);
        Symmetry sym = new Symmetry(m);
        TransitionSystem inner = new TransitionSystem() {
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
}
