package org.migcheck.checker.run;

import java.util.Arrays;
import java.util.Map;
import org.migcheck.checker.engine.IntPages;
import org.migcheck.checker.engine.LongPages;
import org.migcheck.checker.engine.WaveObserver;

/**
 * The transition graph of a search, for the stuck-thread analysis, stored compactly: the target ids
 * of each expanded state's transitions, contiguous and in expansion order (4 bytes per transition),
 * the expanded state ids in that order (4 bytes per state) and each state's out-degree (1 byte per
 * state; larger degrees go to a small side map). Storage is paged, so the graph grows without
 * copying and without a fixed cap; only the memory budget of the search bounds it (running out is
 * INCOMPLETE with the reason, never HOLDS). {@code maxEdges} is an optional extra cap.
 */
final class StateGraph implements WaveObserver {
    private static final int PAGE_BITS = 20;
    private static final int PAGE = 1 << PAGE_BITS;

    private final long cap;
    private IntPages targets = new IntPages();
    private IntPages order = new IntPages();
    private byte[][] degree = new byte[16][];
    /** Degrees of 255 and more, by expansion index (written by the worker threads in a parallel wave). */
    private final Map<Integer, Integer> bigDegree = new java.util.concurrent.ConcurrentHashMap<>();
    private long pendingEdges;
    private boolean overflow;

    StateGraph(long cap) { this.cap = cap; }

    @Override public boolean observesStates() { return false; }

    @Override
    public void onTransition(int f, int label, int t) {
        if (overflow) {
            return;
        }
        if (targets.size() >= cap) {
            dropAll();
            return;
        }
        targets.add(t);
        pendingEdges++;
    }

    @Override
    public void onExpanded(int id, int successors) {
        if (overflow) {
            return;
        }
        long expanded = order.size();
        degreePages(expanded, expanded + 1);
        order.add(id);
        setDegree((int) expanded, (int) pendingEdges);
        pendingEdges = 0;
    }

    /** Over the cap: the graph is given up (the check ends INCOMPLETE) and its memory freed. */
    private void dropAll() {
        overflow = true;
        targets = null;
        order = null;
        degree = null;
    }

    /** Allocates the degree pages of expansion indices [from, end). */
    private void degreePages(long from, long end) {
        if (end <= from) {
            return;
        }
        int last = (int) ((end - 1) >>> PAGE_BITS);
        if (last >= degree.length) {
            degree = Arrays.copyOf(degree, Math.max(degree.length * 2, last + 1));
        }
        for (int pg = (int) (from >>> PAGE_BITS); pg <= last; pg++) {
            if (degree[pg] == null) {
                degree[pg] = new byte[PAGE];
            }
        }
    }

    /** The degree of expansion index k: one byte, or 255 and the value in {@link #bigDegree}. */
    private void setDegree(int k, int d) {
        if (d >= 255) {
            degree[k >>> PAGE_BITS][k & (PAGE - 1)] = (byte) 255;
            bigDegree.put(k, d);
        } else {
            degree[k >>> PAGE_BITS][k & (PAGE - 1)] = (byte) d;
        }
    }

    /*
     * A state that fails while being expanded (a state failure) may already have transitions: the wave
     * path writes them with no expanded entry, the in-order calls fold them into the next expanded
     * state's degree. Neither graph is consistent after such a wave, and neither is used: the search
     * ends FAILED in that wave and the graph is never swept. Sweeping after a failure would need both
     * to drop those transitions first.
     */

    /** Where the wave being written starts: its first expanded state's index and first transition's. */
    private long waveStates;
    private long waveEdges;

    @Override
    public void grow(long states, long edges) {
        if (overflow) {
            return;
        }
        if (targets.size() + edges > cap) { // as onTransition: over the cap once a transition past it arrives
            dropAll();
            return;
        }
        waveStates = order.size();
        waveEdges = targets.size();
        targets.growTo(waveEdges + edges);
        order.growTo(waveStates + states);
        degreePages(waveStates, waveStates + states);
    }

    @Override
    public void expanded(long k, int id, int successors) {
        if (overflow) {
            return;
        }
        long at = waveStates + k;
        order.set(at, id);
        setDegree((int) at, successors);
    }

    @Override
    public void transition(long e, int to, int tag) {
        if (!overflow) {
            targets.set(waveEdges + e, to);
        }
    }

    boolean overflow() { return overflow; }

    /** Bytes held by the graph (allocated pages). */
    long bytes() {
        if (overflow) {
            return 0;
        }
        long degreeBytes = 0;
        for (byte[] p : degree) {
            degreeBytes += p == null ? 0 : p.length;
        }
        return targets.bytes() + order.bytes() + degreeBytes;
    }

    /**
     * The two reachability bits of the stuck-thread analysis for every state and thread, computed in
     * place in the search's per-state thread masks ({@link ModelSystem#masks}: per state id, the
     * threads enabled in it in the low half, those at rest in the high half), so that no array of the
     * graph's size is allocated, and faulted in page by page, after the search (2 s and 375 MiB on
     * philosophers-12). The low half becomes bit t set when some state reachable from s (s included)
     * has thread t enabled ("t can move again"); the high half, for the threads of {@code finish}
     * only, bit t set when one has t finished or at an idle point ("t can come to rest").
     * {@link Checker#doomed} reads the answer off them.
     */
    void reach(int states, LongPages masks, int all, int finish) {
        masks.growTo(states); // a state never expanded has no recorded masks: no thread enabled, none at rest
        long keep = 0xFFFF_FFFFL | ((long) finish << 32);
        for (int s = 0; s < states; s++) {
            masks.set(s, masks.get(s) & keep);
        }
        sweep(masks, (all & 0xFFFF_FFFFL) | ((long) finish << 32));
    }

    private int degree(int k) {
        int d = degree[k >>> PAGE_BITS][k & (PAGE - 1)] & 0xFF;
        return d == 255 ? bigDegree.get(k) : d;
    }

    /**
     * The least fixpoint of {@code masks[s] |= masks[succ]} over the graph's transitions (every bit on
     * its own: bit b of s is set when some state with bit b is reachable from s), sweeping the states
     * in reverse expansion order until nothing changes. BFS ids mostly grow along transitions, so one
     * sweep does most of the work; each further sweep follows transitions that go back. A state whose
     * bits are all of {@code full} (every bit it can ever get) has nothing to gain from its successors
     * and is passed over without reading them. (Sweeping on two threads was tried: each pass took
     * about half as long, but threads reading one another's half-swept states needed more passes, and
     * the whole took as long.)
     */
    private void sweep(LongPages masks, long full) {
        boolean changed = true;
        while (changed) {
            changed = false;
            long off = targets.size();
            for (int k = (int) order.size() - 1; k >= 0; k--) {
                int s = order.get(k);
                int d = degree(k);
                off -= d;
                long before = masks.get(s);
                if (before == full) {
                    continue;
                }
                long r = before;
                for (long e = off; e < off + d; e++) {
                    r |= masks.get(targets.get(e));
                }
                if (r != before) {
                    masks.set(s, r);
                    changed = true;
                }
            }
        }
    }
}
