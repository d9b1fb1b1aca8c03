package org.migcheck.checker.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.TransitionSystem;

/**
 * The plain sequential breadth-first search the engine is compared with: a {@code HashMap} of
 * boxed vectors, a FIFO queue, no packing, no fingerprints, no early stop. It explores every
 * reachable state and collects every failure, then picks the one the engine must report, by the
 * rule written in the engine's Javadoc and the README:
 * <ol>
 * <li>fewest steps (a bad state's schedule ends in it; a failing transition's ends with it);</li>
 * <li>then the smallest schedule, comparing schedules position by position, where a step's position
 * is its index among the transitions its source state reports (successors and failing ones);
 * each state is reached by its first discovery in BFS order;</li>
 * <li>at the same state, an invariant before failures reported by the expansion, and those in
 * the order reported.</li>
 * </ol>
 */
final class ReferenceSearch {
    private ReferenceSearch() {}

    record Result(boolean failed, int distinct, int maxDepth, String failure, int[] schedule) {
        @Override public String toString() {
            return (failed ? "FAILED " + failure + " " + Arrays.toString(schedule) : "COMPLETE") + ", " + distinct
                    + " states, depth " + maxDepth;
        }
    }

    private record Node(int parent, int position, int label, int depth) {}

    private record Found(int length, List<Integer> positions, int rank, int[] schedule, Failure failure) {}

    static Result run(TransitionSystem sys) {
        Map<List<Integer>, Integer> ids = new HashMap<>();
        List<List<Integer>> states = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        List<Integer> init = box(sys.initialState());
        ids.put(init, 0);
        states.add(init);
        nodes.add(new Node(-1, -1, -1, 0));
        queue.add(0);
        List<Found> found = new ArrayList<>();
        int maxDepth = 0;
        while (!queue.isEmpty()) {
            int id = queue.poll();
            List<Integer> s = states.get(id);
            int depth = nodes.get(id).depth();
            maxDepth = Math.max(maxDepth, depth);
            Failure bad = sys.checkState(unbox(s));
            if (bad != null) {
                found.add(new Found(depth, positions(nodes, id), 0, labels(nodes, id), bad));
                continue; // a bad state is not expanded (nothing beyond it can be shorter)
            }
            int[] position = {0};
            int[] rank = {1};
            sys.expand(-1, unbox(s), new TransitionSystem.Successors() {
                @Override public void successor(int label, int[] next) {
                    int pos = position[0]++;
                    List<Integer> n = box(next);
                    if (!ids.containsKey(n)) {
                        ids.put(n, states.size());
                        states.add(n);
                        nodes.add(new Node(id, pos, label, depth + 1));
                        queue.add(states.size() - 1);
                    }
                }

                @Override public void failure(int label, Failure f) {
                    int pos = position[0]++;
                    List<Integer> p = new ArrayList<>(positions(nodes, id));
                    p.add(pos);
                    int[] l = labels(nodes, id);
                    int[] sched = Arrays.copyOf(l, l.length + 1);
                    sched[l.length] = label;
                    found.add(new Found(depth + 1, p, 0, sched, f));
                }

                @Override public void stateFailure(Failure f) {
                    found.add(new Found(depth, positions(nodes, id), rank[0]++, labels(nodes, id), f));
                }
            });
        }
        if (found.isEmpty()) {
            return new Result(false, states.size(), maxDepth, null, new int[0]);
        }
        Found best = found.get(0);
        for (Found f : found) {
            if (compare(f, best) < 0) {
                best = f;
            }
        }
        return new Result(true, states.size(), maxDepth, best.failure().summary(), best.schedule());
    }

    private static int compare(Found a, Found b) {
        if (a.length() != b.length()) {
            return Integer.compare(a.length(), b.length());
        }
        for (int i = 0; i < Math.min(a.positions().size(), b.positions().size()); i++) {
            int c = Integer.compare(a.positions().get(i), b.positions().get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.rank(), b.rank());
    }

    private static List<Integer> positions(List<Node> nodes, int id) {
        List<Integer> out = new ArrayList<>();
        for (int cur = id; nodes.get(cur).parent() >= 0; cur = nodes.get(cur).parent()) {
            out.add(0, nodes.get(cur).position());
        }
        return out;
    }

    private static int[] labels(List<Node> nodes, int id) {
        List<Integer> out = new ArrayList<>();
        for (int cur = id; nodes.get(cur).parent() >= 0; cur = nodes.get(cur).parent()) {
            out.add(0, nodes.get(cur).label());
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Integer> box(int[] s) {
        List<Integer> l = new ArrayList<>(s.length);
        for (int v : s) {
            l.add(v);
        }
        return List.copyOf(l);
    }

    private static int[] unbox(List<Integer> s) {
        return s.stream().mapToInt(Integer::intValue).toArray();
    }
}
