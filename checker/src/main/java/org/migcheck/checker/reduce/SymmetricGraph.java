package org.migcheck.checker.reduce;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.migcheck.checker.engine.IntPages;
import org.migcheck.checker.engine.SearchObserver;

/**
 * The state graph for the stuck-thread analysis when symmetry permutes threads: each recorded
 * transition (from, to) also carries the thread permutation that turned the real successor into
 * the stored canonical one (the transition's tag, {@link ReducedSystem}), so that "thread u in
 * from" is followed as "thread map[u] in to". The analysis is then over (state, thread) pairs: u
 * is doomed in s when no path from (s, u) reaches a pair whose thread can move (or rest). Without
 * the permutation the analysis would confuse interchangeable threads, which is unsound.
 *
 * <p>Storage as in the plain graph: per transition its target and the index of its permutation
 * (8 bytes), per expanded state its id and out-degree, in expansion order, paged, so the graph
 * grows without copying. The search reports transitions in the same order for every worker count,
 * so the graph does not depend on it.
 */
public final class SymmetricGraph implements SearchObserver {
    private final ReducedSystem system;
    private final long cap;
    private final int threads;
    private IntPages targets = new IntPages();
    private IntPages perms = new IntPages();
    private IntPages order = new IntPages();
    private IntPages degree = new IntPages();
    private int pendingEdges;
    private boolean overflow;
    /** Tag to permutation index; index 0 is the identity. */
    private final Map<Integer, Integer> permIndex = new HashMap<>();
    private final List<int[]> maps = new ArrayList<>();
    private int lastTag;
    private int lastIndex;

    public SymmetricGraph(ReducedSystem system, int threads, long cap) {
        this.system = system;
        this.threads = threads;
        this.cap = cap;
        maps.add(system.threadMapOf(0));
        permIndex.put(0, 0);
    }

    @Override public boolean observesStates() { return false; }

    @Override
    public void onTransition(int f, int label, int t) {
        onTransition(f, label, t, 0);
    }

    @Override
    public void onTransition(int f, int label, int t, int tag) {
        if (overflow) {
            return;
        }
        if (targets.size() >= cap) {
            overflow = true;
            targets = null;
            perms = null;
            order = null;
            degree = null;
            return;
        }
        int idx;
        if (tag == lastTag) {
            idx = lastIndex;
        } else {
            Integer known = permIndex.get(tag);
            if (known == null) {
                known = maps.size();
                maps.add(system.threadMapOf(tag));
                permIndex.put(tag, known);
            }
            idx = known;
            lastTag = tag;
            lastIndex = idx;
        }
        targets.add(t);
        perms.add(idx);
        pendingEdges++;
    }

    @Override
    public void onExpanded(int id, int successors) {
        if (overflow) {
            return;
        }
        order.add(id);
        degree.add(pendingEdges);
        pendingEdges = 0;
    }

    public boolean overflow() { return overflow; }

    /** Bytes held by the graph (allocated pages). */
    public long bytes() {
        if (overflow) {
            return 0;
        }
        return targets.bytes() + perms.bytes() + order.bytes() + degree.bytes();
    }

    /**
     * The reachability bits of the stuck-thread analysis over (state, thread) pairs, as the two
     * 32-bit halves of one long per state: bit u of the low half when a path from s reaches a state
     * where thread u (renamed along the path) is {@code enabled}, bit u of the high half when one
     * reaches a state where it is at {@code rest}. States are numbered in discovery order, so the
     * smallest id with a doomed thread is the shallowest with BFS.
     *
     * <p>Computed for every thread at once as the least fixpoint of reach[s] |= map(reach[succ]),
     * where bit u of map(R) is bit perm[u] of R in each half (thread u of s is thread perm[u] of
     * succ), sweeping the states in reverse expansion order until nothing changes.
     */
    public long[] reach(int states, IntUnaryOperator enabled, IntUnaryOperator rest) {
        int[][] map = maps.toArray(new int[0][]);
        int all = threads >= 32 ? ~0 : (1 << threads) - 1;
        long[] reach = new long[states];
        for (int s = 0; s < states; s++) {
            reach[s] = (enabled.applyAsInt(s) & 0xFFFF_FFFFL) | ((long) rest.applyAsInt(s) << 32);
        }
        // every bit a state can get (thread bits only): a state that has them all gains nothing from its successors
        long full = (all & 0xFFFF_FFFFL) | ((long) all << 32);
        boolean changed = true;
        while (changed) {
            changed = false;
            long off = targets.size();
            for (int k = (int) order.size() - 1; k >= 0; k--) {
                int s = order.get(k);
                int d = degree.get(k);
                off -= d;
                long r = reach[s];
                if (r == full) {
                    continue;
                }
                for (long e = off; e < off + d; e++) {
                    long x = reach[targets.get(e)];
                    int p = perms.get(e);
                    if (p == 0) {
                        r |= x;
                    } else if (x != 0) {
                        int[] m = map[p];
                        for (int u = 0; u < threads; u++) {
                            r |= ((x >>> m[u]) & 1L) << u | ((x >>> (32 + m[u])) & 1L) << (32 + u);
                        }
                    }
                }
                if (r != reach[s]) {
                    reach[s] = r;
                    changed = true;
                }
            }
        }
        return reach;
    }
}
