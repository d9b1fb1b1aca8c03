package org.migcheck.checker.run;

import com.google.common.collect.ImmutableList;
import com.google.common.graph.Graph;
import com.google.common.graph.Graphs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The first elementary cycle of a Guava graph, deterministic given the graph's node and successor
 * order: for each start node in order, a depth-first search for a path back to it through nodes
 * that can reach it (Guava's {@link Graphs#reachableNodes} prunes the search).
 */
final class Cycles {
    private Cycles() {}

    static <N> ImmutableList<N> first(Graph<N> g, Iterable<N> starts) {
        for (N start : starts) {
            if (g.successors(start).contains(start)) {
                return ImmutableList.of(start);
            }
            Set<N> back = new HashSet<>();
            for (N n : g.nodes()) {
                if (Graphs.reachableNodes(g, n).contains(start)) {
                    back.add(n);
                }
            }
            if (!back.contains(start)) {
                continue;
            }
            List<N> path = new ArrayList<>();
            if (dfs(g, start, start, back, path, new HashSet<>())) {
                return ImmutableList.copyOf(path);
            }
        }
        return ImmutableList.of();
    }

    private static <N> boolean dfs(Graph<N> g, N start, N at, Set<N> back, List<N> path, Set<N> seen) {
        path.add(at);
        seen.add(at);
        for (N n : g.successors(at)) {
            if (n.equals(start)) {
                return true;
            }
            if (back.contains(n) && !seen.contains(n) && dfs(g, start, n, back, path, seen)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        return false;
    }
}
