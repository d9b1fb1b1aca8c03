package org.migcheck.checker.reduce;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.migcheck.checker.engine.SearchObserver;

/**
 * The state graph for the stuck-thread analysis when symmetry permutes threads: each recorded
 * transition (from, to) also carries the thread permutation that turned the real successor into
 * the stored canonical one, so that "thread u in from" is followed as "thread map[u] in to".
 * The analysis is then over (state, thread) pairs: u is doomed in s when no path from (s, u)
 * reaches a pair whose thread can move (or rest). Without the permutation the analysis would
 * confuse interchangeable threads, which is unsound.
 */
public final class SymmetricGraph implements SearchObserver {
    private final ReducedSystem system;
    private final long cap;
    private final int threads;
    private int[] from = new int[4096];
    private int[] to = new int[4096];
    private int[] perm = new int[4096];
    private int size;
    private boolean overflow;
    private final Map<Object, Integer> permIndex = new HashMap<>();
    private int[] lastMap;
    private int lastIndex = -1;
    private final List<int[]> perms = new ArrayList<>();

    public SymmetricGraph(ReducedSystem system, int threads, long cap) {
        this.system = system;
        this.threads = threads;
        this.cap = cap;
    }

    @Override
    public void onTransition(int f, int label, int t) {
        if (overflow) {
            return;
        }
        if (size >= cap) {
            overflow = true;
            from = null;
            to = null;
            perm = null;
            return;
        }
        if (size == from.length) {
            int n = (int) Math.min((long) from.length * 2, Integer.MAX_VALUE - 8);
            from = Arrays.copyOf(from, n);
            to = Arrays.copyOf(to, n);
            perm = Arrays.copyOf(perm, n);
        }
        int[] map = system.currentThreadMap();
        int idx;
        if (map == lastMap) {
            idx = lastIndex;
        } else {
            Object key = key(map);
            Integer known = permIndex.get(key);
            if (known == null) {
                known = perms.size();
                permIndex.put(key, known);
                perms.add(map.clone());
            }
            idx = known;
            lastMap = map;
            lastIndex = idx;
        }
        from[size] = f;
        to[size] = t;
        perm[size] = idx;
        size++;
    }

    /** A compact key for a thread permutation: 5 bits per thread when it fits in a long. */
    private static Object key(int[] map) {
        if (map.length <= 12) {
            long k = 0;
            for (int v : map) {
                k = (k << 5) | v;
            }
            return k;
        }
        return Arrays.toString(map);
    }

    public boolean overflow() { return overflow; }

    /**
     * The shallowest state in which some thread is a candidate ({@code candidate} bit) and no path
     * from it reaches a state where that thread (renamed along the path) has its {@code goal} bit;
     * returns {state, thread} or null. States are numbered in discovery order, so the smallest id is
     * the shallowest with BFS.
     */
    public int[] firstDoomed(int states, int threadsMask, IntUnaryOperator goal, IntUnaryOperator candidate) {
        int[] start = new int[states + 1];
        for (int i = 0; i < size; i++) {
            start[to[i] + 1]++;
        }
        for (int i = 0; i < states; i++) {
            start[i + 1] += start[i];
        }
        int[] predEdge = new int[size];
        int[] fill = Arrays.copyOf(start, states);
        for (int i = 0; i < size; i++) {
            predEdge[fill[to[i]]++] = i;
        }
        // inverse permutations: thread v in the target was thread inv[v] in the source
        int[][] inv = new int[perms.size()][threads];
        for (int p = 0; p < perms.size(); p++) {
            for (int u = 0; u < threads; u++) {
                inv[p][perms.get(p)[u]] = u;
            }
        }
        boolean[] reach = new boolean[states * threads];
        int[] queue = new int[states * threads];
        int qh = 0;
        int qt = 0;
        for (int s = 0; s < states; s++) {
            int g = goal.applyAsInt(s);
            for (int u = 0; u < threads; u++) {
                if ((g & (1 << u)) != 0) {
                    reach[s * threads + u] = true;
                    queue[qt++] = s * threads + u;
                }
            }
        }
        while (qh < qt) {
            int x = queue[qh++];
            int s = x / threads;
            int v = x % threads;
            for (int k = start[s]; k < start[s + 1]; k++) {
                int e = predEdge[k];
                int y = from[e] * threads + inv[perm[e]][v];
                if (!reach[y]) {
                    reach[y] = true;
                    queue[qt++] = y;
                }
            }
        }
        for (int s = 0; s < states; s++) {
            int c = candidate.applyAsInt(s) & threadsMask;
            for (int u = 0; u < threads; u++) {
                if ((c & (1 << u)) != 0 && !reach[s * threads + u]) {
                    return new int[] {s, u};
                }
            }
        }
        return null;
    }
}
