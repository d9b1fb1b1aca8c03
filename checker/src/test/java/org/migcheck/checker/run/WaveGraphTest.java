package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Fingerprint;
import org.migcheck.checker.engine.Search;
import org.migcheck.checker.engine.SearchObserver;
import org.migcheck.checker.engine.SearchResult;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.engine.WaveObserver;
import org.migcheck.model.lang.Model;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.RuleSet;
import org.junit.jupiter.api.Test;

/**
 * The parallel merge writes a wave's expanded states and transitions into {@link WaveObserver}s from
 * the worker threads, at positions computed in advance; the serial merge (the tree-compressed store
 * takes it) tells observers the same things by in-order calls. On seeded random models and on
 * philosophers models whose levels span several waves, at 1, 2 and 4 workers: every position is
 * written exactly once, the degrees add up to the transitions, the graph is the in-order one, and
 * the real {@link StateGraph} fed either way gives the same stuck-thread reachability bits.
 */
class WaveGraphTest {

    /** The in-order calls, kept as (id, successors, targets...) per expanded state. */
    private static final class InOrder implements SearchObserver {
        final List<int[]> rows = new ArrayList<>();
        private int[] pending = new int[8];
        private int n;

        @Override public boolean observesStates() { return false; }

        @Override public void onTransition(int from, int label, int to) {
            if (n == pending.length) {
                pending = Arrays.copyOf(pending, n * 2);
            }
            pending[n++] = to;
        }

        @Override public void onExpanded(int id, int successors) {
            assertEquals(n, successors, "state " + id + ": successors told vs transitions seen");
            int[] row = new int[n + 2];
            row[0] = id;
            row[1] = successors;
            System.arraycopy(pending, 0, row, 2, n);
            rows.add(row);
            n = 0;
        }
    }

    /** Wave writes, checked for holes and double writes, turned into the same rows. */
    private static final class Waves implements WaveObserver {
        private static final int UNSET = Integer.MIN_VALUE;
        private int[] ids = new int[0];
        private int[] degrees = new int[0];
        private int[] targets = new int[0];
        private int states;
        private int edges;
        private int waveStates;
        private int waveEdges;
        int waves;

        @Override public boolean observesStates() { return false; }

        @Override public void onTransition(int from, int label, int to) {
            throw new AssertionError("an in-order transition reached a wave observer in a parallel merge");
        }

        @Override public void onExpanded(int id, int successors) {
            throw new AssertionError("an in-order expanded state reached a wave observer in a parallel merge");
        }

        @Override public synchronized void grow(long s, long e) {
            assertNoHoles();
            waves++;
            waveStates = states;
            waveEdges = edges;
            states += (int) s;
            edges += (int) e;
            ids = Arrays.copyOf(ids, states);
            degrees = Arrays.copyOf(degrees, states);
            targets = Arrays.copyOf(targets, edges);
            Arrays.fill(ids, waveStates, states, UNSET);
            Arrays.fill(targets, waveEdges, edges, UNSET);
        }

        @Override public synchronized void expanded(long k, int id, int successors) {
            int at = waveStates + (int) k;
            assertTrue(at < states, "expanded position " + k + " past the wave's room");
            assertEquals(UNSET, ids[at], "expanded position " + k + " written twice");
            ids[at] = id;
            degrees[at] = successors;
        }

        @Override public synchronized void transition(long e, int to, int tag) {
            int at = waveEdges + (int) e;
            assertTrue(at < edges, "transition position " + e + " past the wave's room");
            assertEquals(UNSET, targets[at], "transition position " + e + " written twice");
            targets[at] = to;
        }

        private void assertNoHoles() {
            for (int i = 0; i < states; i++) {
                assertTrue(ids[i] != UNSET, "expanded position " + i + " never written");
            }
            for (int i = 0; i < edges; i++) {
                assertTrue(targets[i] != UNSET, "transition position " + i + " never written");
            }
        }

        List<int[]> rows() {
            assertNoHoles();
            List<int[]> out = new ArrayList<>();
            int off = 0;
            for (int k = 0; k < states; k++) {
                int[] row = new int[degrees[k] + 2];
                row[0] = ids[k];
                row[1] = degrees[k];
                System.arraycopy(targets, off, row, 2, degrees[k]);
                off += degrees[k];
                out.add(row);
            }
            assertEquals(edges, off, "degrees add up to the transitions written");
            return out;
        }
    }

    private static Search search(Model m, RuleSet rules, int workers, boolean serialMerge, SearchObserver o) {
        return new Search(new ModelSystem(m, rules, true), Strategy.BFS, Budget.unlimited(), System::nanoTime,
                Long.MAX_VALUE / 4, workers, Fingerprint.DEFAULT).withCompression(serialMerge).observe(o);
    }

    private static long[] reach(Model m, RuleSet rules, int workers, boolean serialMerge) {
        ModelSystem sys = new ModelSystem(m, rules, true);
        StateGraph g = new StateGraph(Long.MAX_VALUE);
        SearchResult r = new Search(sys, Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, workers,
                Fingerprint.DEFAULT).withCompression(serialMerge).observe(g).run();
        assertEquals(SearchResult.Status.COMPLETE, r.status());
        int all = (1 << m.threadCount()) - 1;
        int states = (int) r.stats().distinct();
        g.reach(states, sys.masks(), all, all);
        return bits(sys, states);
    }

    /** The analysis' two words per state (can move again, can come to rest) as the halves of one long. */
    private static long[] bits(ModelSystem sys, int states) {
        long[] bits = new long[states];
        for (int s = 0; s < states; s++) {
            bits[s] = (sys.canMoveMask(s) & 0xFFFF_FFFFL) | ((long) sys.canRestMask(s) << 32);
        }
        return bits;
    }

    /** Returns the number of waves the parallel runs took (the largest over worker counts). */
    private static int compare(String name, Model m, RuleSet rules, boolean withReach) {
        InOrder ref = new InOrder();
        SearchResult serial = search(m, rules, 1, true, ref).run();
        int waves = 0;
        for (int w : new int[] {1, 2, 4}) {
            Waves wv = new Waves();
            SearchResult par = search(m, rules, w, false, wv).run();
            assertEquals(serial.status(), par.status(), name + " at " + w);
            assertEquals(serial.stats().distinct(), par.stats().distinct(), name + " at " + w);
            if (serial.status() != SearchResult.Status.COMPLETE) {
                continue; // a failing wave leaves both graphs unfinished (and unused): see StateGraph
            }
            List<int[]> want = ref.rows;
            List<int[]> got = wv.rows();
            assertEquals(want.size(), got.size(), name + " at " + w + ": expanded states");
            for (int i = 0; i < want.size(); i++) {
                assertArrayEquals(want.get(i), got.get(i), name + " at " + w + ": expanded state " + i);
            }
            waves = Math.max(waves, wv.waves);
            if (withReach) {
                assertArrayEquals(reach(m, rules, 1, true), reach(m, rules, w, false), name + " at " + w + ": reach bits");
            }
        }
        return waves;
    }

    @Test
    void randomModelsGetTheInOrderGraph() {
        int complete = 0;
        for (long seed = 1; seed <= 300; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            InOrder probe = new InOrder();
            boolean done = search(c.model(), c.rules(), 1, true, probe).run().status() == SearchResult.Status.COMPLETE;
            compare("seed " + seed, c.model(), c.rules(), done && seed % 5 == 0);
            complete += done ? 1 : 0;
        }
        assertTrue(complete >= 100, "complete random models: " + complete);
    }

    @Test
    void levelsOfSeveralWavesGetTheInOrderGraph() {
        // philosophers-8 (ordered): 125,440 states over 33 levels (depth 32); more waves than levels shows that
        // some level is wider than one wave (8,192 states)
        Model m = Zoo.philosophersModel(8, true);
        int waves = compare("philosophers-8", m, RuleSet.empty(), true);
        assertTrue(waves > 33, "waves " + waves + ": some level should span several");
        compare("philosophers-5", Zoo.philosophersModel(5, false), RuleSet.empty(), true);
    }

    /**
     * The stuck-thread sweep, in place in the thread masks, against the plainest fixpoint over the same
     * graph: the same bits for every state, on the seeded random models that complete and on two
     * philosophers models. The finish mask leaves one thread out, as a daemon's would be, so the two
     * halves differ.
     */
    @Test
    void theSweepFindsTheNaiveFixpoint() {
        int compared = 0;
        for (long seed = 1; seed <= 300; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            compared += sweepAgrees("seed " + seed, c.model(), c.rules()) ? 1 : 0;
        }
        assertTrue(compared >= 100, "complete random models compared: " + compared);
        assertTrue(sweepAgrees("philosophers-5 ordered", Zoo.philosophersModel(5, true), RuleSet.empty()));
        assertTrue(sweepAgrees("philosophers-6 ordered", Zoo.philosophersModel(6, true), RuleSet.empty()));
    }

    /**
     * The naive fixpoint: the in-order graph of a one-worker search as adjacency rows, every state
     * ORing in its successors' bits, over and over until nothing changes.
     */
    private static long[] naiveFixpoint(Model m, RuleSet rules, long[] searched, int finish) {
        InOrder graph = new InOrder();
        search(m, rules, 1, true, graph).run();
        long[] bits = new long[searched.length];
        for (int s = 0; s < bits.length; s++) {
            bits[s] = searched[s] & (0xFFFF_FFFFL | ((long) finish << 32));
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int[] row : graph.rows) {
                long b = bits[row[0]];
                for (int i = 2; i < row.length; i++) {
                    b |= bits[row[i]];
                }
                changed |= b != bits[row[0]];
                bits[row[0]] = b;
            }
        }
        return bits;
    }

    private static boolean sweepAgrees(String name, Model m, RuleSet rules) {
        ModelSystem sys = new ModelSystem(m, rules, true);
        StateGraph g = new StateGraph(Long.MAX_VALUE);
        SearchResult r = new Search(sys, Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, 2,
                Fingerprint.DEFAULT).observe(g).run();
        if (r.status() != SearchResult.Status.COMPLETE) {
            return false;
        }
        int states = (int) r.stats().distinct();
        int all = (1 << m.threadCount()) - 1;
        int finish = all & ~1;
        long[] searched = new long[states];
        for (int s = 0; s < states; s++) {
            searched[s] = (sys.enabledMask(s) & 0xFFFF_FFFFL) | ((long) sys.restMask(s) << 32);
        }
        g.reach(states, sys.masks(), all, finish);
        assertArrayEquals(naiveFixpoint(m, rules, searched, finish), bits(sys, states), name);
        return true;
    }
}
