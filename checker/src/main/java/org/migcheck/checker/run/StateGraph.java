package org.migcheck.checker.run;

import java.util.Arrays;
import org.migcheck.checker.engine.SearchObserver;

/** Records every transition (from, to) of a search, up to a cap, for the liveness analysis. */
final class StateGraph implements SearchObserver {
    private final long cap;
    private int[] from = new int[4096];
    private int[] to = new int[4096];
    private int size;
    private boolean overflow;

    StateGraph(long cap) { this.cap = cap; }

    @Override
    public void onTransition(int f, int label, int t) {
        if (overflow) {
            return;
        }
        if (size >= cap) {
            overflow = true;
            from = null;
            to = null;
            return;
        }
        if (size == from.length) {
            int n = (int) Math.min((long) from.length * 2, Integer.MAX_VALUE - 8);
            from = Arrays.copyOf(from, n);
            to = Arrays.copyOf(to, n);
        }
        from[size] = f;
        to[size] = t;
        size++;
    }

    boolean overflow() { return overflow; }

    /**
     * The shallowest state in which some thread is blocked (not at an idle point) and no path from
     * that state ever lets the thread move again; returns {state, thread} or null.
     *
     * <p>For each thread t: mark the states where t can move, propagate backwards along the
     * recorded transitions; a state where t is blocked and that is not marked cannot reach any
     * state where t moves, so t is stuck there for every continuation.
     */
    int[] stuck(int states, ModelSystem sys, int threads) {
        return firstDoomed(states, threads, ~0, sys::enabledMask, sys::blockedMask);
    }

    /**
     * The shallowest state from which a thread in {@code threadsMask} can never finish or come to
     * rest at an idle point, whether it is blocked or keeps running (a retry or polling loop that
     * cannot succeed); returns {state, thread} or null.
     */
    int[] neverFinishes(int states, ModelSystem sys, int threads, int threadsMask) {
        return firstDoomed(states, threads, threadsMask, sys::restMask, id -> ~sys.restMask(id));
    }

    /**
     * For each thread t in {@code threadsMask}: states from which some state with t's bit in
     * {@code goal} is reachable are found by backward search from those states; the shallowest
     * state with t's bit in {@code candidate} that is not among them is returned as {state, t}.
     */
    private int[] firstDoomed(int states, int threads, int threadsMask, java.util.function.IntUnaryOperator goal,
                              java.util.function.IntUnaryOperator candidate) {
        int[] start = new int[states + 1];
        for (int i = 0; i < size; i++) {
            start[to[i] + 1]++;
        }
        for (int i = 0; i < states; i++) {
            start[i + 1] += start[i];
        }
        int[] pred = new int[size];
        int[] fill = Arrays.copyOf(start, states);
        for (int i = 0; i < size; i++) {
            pred[fill[to[i]]++] = from[i];
        }
        int bestState = -1;
        int bestThread = -1;
        boolean[] reach = new boolean[states];
        int[] queue = new int[states];
        for (int t = 0; t < threads; t++) {
            int bit = 1 << t;
            if ((threadsMask & bit) == 0) {
                continue;
            }
            boolean anyCandidate = false;
            for (int s = 0; s < states && !anyCandidate; s++) {
                anyCandidate = (candidate.applyAsInt(s) & bit) != 0;
            }
            if (!anyCandidate) {
                continue;
            }
            Arrays.fill(reach, false);
            int qh = 0;
            int qt = 0;
            for (int s = 0; s < states; s++) {
                if ((goal.applyAsInt(s) & bit) != 0) {
                    reach[s] = true;
                    queue[qt++] = s;
                }
            }
            while (qh < qt) {
                int s = queue[qh++];
                for (int k = start[s]; k < start[s + 1]; k++) {
                    int p = pred[k];
                    if (!reach[p]) {
                        reach[p] = true;
                        queue[qt++] = p;
                    }
                }
            }
            for (int s = 0; s < states; s++) {
                if ((candidate.applyAsInt(s) & bit) != 0 && !reach[s]) {
                    if (bestState < 0 || s < bestState) {
                        bestState = s;
                        bestThread = t;
                    }
                    break;
                }
            }
        }
        return bestState < 0 ? null : new int[] {bestState, bestThread};
    }
}
