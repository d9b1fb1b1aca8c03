package org.migcheck.checker.foundation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An enumerator that shares no code with migcheck: a model is written directly in the test as plain
 * Java (a list of integers: program counters, lock owners, variables) with a hand-written successor
 * function, and explored breadth-first with a {@code HashSet<List<Integer>>} visited set.
 *
 * <p>Unlike the engine it never stops early: it explores every reachable state and records the
 * shallowest deadlock and the shortest schedule ending in a failing transition, so the same run
 * gives the exact state count and the exact counterexample lengths.
 */
final class BruteForce {
    private BruteForce() {}

    /** A hand-written model. */
    interface Spec {
        List<Integer> initial();

        /** Every transition enabled in {@code s}, in any order. */
        List<Move> moves(List<Integer> s);

        /** Whether {@code s}, having no move, is a valid end (every thread finished or idle). */
        boolean validEnd(List<Integer> s);
    }

    /** A transition: to {@code next}, or a failing one (assertion, model error) when {@code next} is null. */
    record Move(List<Integer> next) {
        static Move to(List<Integer> next) { return new Move(List.copyOf(next)); }

        static Move failing() { return new Move(null); }

        boolean fails() { return next == null; }
    }

    /**
     * @param distinct          reachable states
     * @param transitions       transitions out of all reachable states (failing ones included)
     * @param maxDepth          largest shortest distance from the initial state
     * @param deadlocks         reachable states without a move that are not valid ends
     * @param shortestDeadlock  depth of the shallowest deadlock, or -1
     * @param shortestFailure   length of the shortest schedule whose last transition fails, or -1
     */
    record Result(int distinct, long transitions, int maxDepth, int deadlocks, int shortestDeadlock, int shortestFailure) {}

    static Result explore(Spec spec) {
        Map<List<Integer>, Integer> depth = new HashMap<>();
        Set<List<Integer>> visited = new HashSet<>();
        ArrayDeque<List<Integer>> queue = new ArrayDeque<>();
        List<Integer> init = List.copyOf(spec.initial());
        visited.add(init);
        depth.put(init, 0);
        queue.add(init);
        long transitions = 0;
        int maxDepth = 0;
        int deadlocks = 0;
        int shortestDeadlock = -1;
        int shortestFailure = -1;
        while (!queue.isEmpty()) {
            List<Integer> s = queue.poll();
            int d = depth.get(s);
            maxDepth = Math.max(maxDepth, d);
            List<Move> moves = spec.moves(s);
            if (moves.isEmpty() && !spec.validEnd(s)) {
                deadlocks++;
                if (shortestDeadlock < 0) {
                    shortestDeadlock = d;
                }
            }
            for (Move m : moves) {
                transitions++;
                if (m.fails()) {
                    if (shortestFailure < 0) {
                        shortestFailure = d + 1;
                    }
                    continue;
                }
                if (visited.add(m.next())) {
                    depth.put(m.next(), d + 1);
                    queue.add(m.next());
                }
            }
        }
        return new Result(visited.size(), transitions, maxDepth, deadlocks, shortestDeadlock, shortestFailure);
    }

    // ---------------------------------------------------------------------------------------------
    // Hand-written models

    /**
     * Threads that only take and release mutexes. Thread t's program is {@code ops[t]}: {@code +k}
     * takes lock k-1 (blocks while another thread holds it), {@code -k} releases lock k-1 (failing
     * when the thread does not hold it). State: {@code [pc_0 .. pc_{T-1}, owner_0 .. owner_{L-1}]},
     * owner 0 = free, t+1 = held by thread t; pc = ops[t].length is the terminal pc.
     */
    static Spec lockProgram(int locks, int[]... ops) {
        int threads = ops.length;
        return new Spec() {
            @Override public List<Integer> initial() {
                List<Integer> s = new ArrayList<>();
                for (int i = 0; i < threads + locks; i++) {
                    s.add(0);
                }
                return s;
            }

            @Override public List<Move> moves(List<Integer> s) {
                List<Move> out = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int pc = s.get(t);
                    if (pc == ops[t].length) {
                        continue;
                    }
                    int op = ops[t][pc];
                    int lock = threads + Math.abs(op) - 1;
                    List<Integer> n = new ArrayList<>(s);
                    n.set(t, pc + 1);
                    if (op > 0) {
                        if (s.get(lock) != 0) {
                            continue; // blocked
                        }
                        n.set(lock, t + 1);
                    } else {
                        if (s.get(lock) != t + 1) {
                            out.add(Move.failing());
                            continue;
                        }
                        n.set(lock, 0);
                    }
                    out.add(Move.to(n));
                }
                return out;
            }

            @Override public boolean validEnd(List<Integer> s) {
                for (int t = 0; t < threads; t++) {
                    if (s.get(t) != ops[t].length) {
                        return false;
                    }
                }
                return true;
            }
        };
    }

    /** Lock k (0-based) taken: {@code +(k+1)}. */
    static int lock(int k) { return k + 1; }

    /** Lock k (0-based) released: {@code -(k+1)}. */
    static int unlock(int k) { return -(k + 1); }

    /** Zoo.abbaModel(ordered, gated) as a lock program (locks: [G,] A, B in declaration order). */
    static Spec abba(boolean ordered, boolean gated) {
        int g = 0;
        int a = gated ? 1 : 0;
        int b = a + 1;
        int[][] progs = new int[2][];
        for (int i = 0; i < 2; i++) {
            int first = (i == 0 || ordered) ? a : b;
            int second = first == a ? b : a;
            List<Integer> p = new ArrayList<>();
            if (gated) {
                p.add(lock(g));
            }
            p.addAll(List.of(lock(first), lock(second), unlock(second), unlock(first)));
            if (gated) {
                p.add(unlock(g));
            }
            progs[i] = p.stream().mapToInt(Integer::intValue).toArray();
        }
        return lockProgram(gated ? 3 : 2, progs);
    }

    /** Zoo.philosophersModel(n, ordered): philosopher i takes fork i then fork i+1 (mod n). */
    static Spec philosophers(int n, boolean ordered) {
        int[][] progs = new int[n][];
        for (int i = 0; i < n; i++) {
            int left = i;
            int right = (i + 1) % n;
            int first = ordered ? Math.min(left, right) : left;
            int second = ordered ? Math.max(left, right) : right;
            progs[i] = new int[] {lock(first), lock(second), unlock(second), unlock(first)};
        }
        return lockProgram(n, progs);
    }

    /**
     * Zoo.lostUpdateModel(atomic). State: {@code [pc1, tmp1, pc2, tmp2, x, pcObs]}. An incrementer
     * finishes at pc 1 (atomic) or 2 (read, write); a finished thread has no locals, so its tmp is 0.
     * The observer waits (pc 0) until both finished, then asserts x == 2 (pc 1), then is done (pc 2).
     */
    static Spec counter(boolean atomic) {
        int done = atomic ? 1 : 2;
        return new Spec() {
            @Override public List<Integer> initial() { return List.of(0, 0, 0, 0, 0, 0); }

            @Override public List<Move> moves(List<Integer> s) {
                List<Move> out = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int pcSlot = 2 * t;
                    int tmpSlot = pcSlot + 1;
                    int pc = s.get(pcSlot);
                    if (pc == done) {
                        continue;
                    }
                    List<Integer> n = new ArrayList<>(s);
                    if (atomic) {
                        n.set(4, s.get(4) + 1);
                        n.set(pcSlot, 1);
                    } else if (pc == 0) {
                        n.set(tmpSlot, s.get(4));
                        n.set(pcSlot, 1);
                    } else {
                        n.set(4, s.get(tmpSlot) + 1);
                        n.set(tmpSlot, 0);
                        n.set(pcSlot, 2);
                    }
                    out.add(Move.to(n));
                }
                int obs = s.get(5);
                if (obs == 0 && s.get(0) == done && s.get(2) == done) {
                    List<Integer> n = new ArrayList<>(s);
                    n.set(5, 1);
                    out.add(Move.to(n));
                } else if (obs == 1) {
                    if (s.get(4) != 2) {
                        out.add(Move.failing());
                    } else {
                        List<Integer> n = new ArrayList<>(s);
                        n.set(5, 2);
                        out.add(Move.to(n));
                    }
                }
                return out;
            }

            @Override public boolean validEnd(List<Integer> s) {
                return s.get(0) == done && s.get(2) == done && s.get(5) == 2;
            }
        };
    }

    /**
     * Zoo.starvedWaiterModel(setter). State: {@code [waiterPc, ready, ticks, setterPc]}. The waiter
     * waits for ready (pc 0), consumes it (pc 1), is done (pc 2); the ticker toggles ticks forever;
     * the setter (if any) sets ready once (pc 0 -> 1). Without a setter, setterPc stays 1 (absent).
     */
    static Spec starvedWaiter(boolean setter) {
        return new Spec() {
            @Override public List<Integer> initial() { return List.of(0, 0, 0, setter ? 0 : 1); }

            @Override public List<Move> moves(List<Integer> s) {
                List<Move> out = new ArrayList<>();
                int w = s.get(0);
                if (w == 0 && s.get(1) == 1) {
                    out.add(Move.to(List.of(1, s.get(1), s.get(2), s.get(3))));
                } else if (w == 1) {
                    out.add(Move.to(List.of(2, 0, s.get(2), s.get(3))));
                }
                out.add(Move.to(List.of(w, s.get(1), 1 - s.get(2), s.get(3))));
                if (s.get(3) == 0) {
                    out.add(Move.to(List.of(w, 1, s.get(2), 1)));
                }
                return out;
            }

            @Override public boolean validEnd(List<Integer> s) { return false; }
        };
    }
}
