package org.migcheck.checker.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.Lock;

/**
 * A lockdep-style dependency graph over lock classes: acquiring a lock of class B with a blocking
 * acquisition while holding a lock of class A records the edge A -> B, with the first (shallowest,
 * under BFS) step that showed it. A cycle in the graph is a possible deadlock even when no explored
 * interleaving deadlocks, which is what lockdep's "possible circular locking dependency" reports.
 *
 * <p>Like lockdep, trylock acquisitions add no edge (they cannot wait). Edges within one class
 * (two folio locks) are not recorded: lockdep needs nesting annotations for those and our models
 * do not carry them; ABBA between two locks of one class still shows up as a deadlock.
 */
final class Lockdep {

    /** Where an edge was first seen: in state {@code stateId}, thread {@code thread} took {@code acquired} holding {@code held}. */
    record Witness(String fromClass, String toClass, int stateId, int label, int thread, String held, String acquired) {}

    private final Map<String, Map<String, Witness>> edges = new LinkedHashMap<>();

    void acquired(Lock lock, List<Lock> heldBefore, int stateId, int label, int thread) {
        for (Lock h : heldBefore) {
            if (h == lock || h.lockClass().equals(lock.lockClass())) {
                continue;
            }
            edges.computeIfAbsent(h.lockClass(), k -> new LinkedHashMap<>())
                    .putIfAbsent(lock.lockClass(), new Witness(h.lockClass(), lock.lockClass(), stateId, label, thread, h.name(), lock.name()));
        }
    }

    /** The first cycle of the class graph (in insertion order), as its edges, or an empty list. */
    List<Witness> cycle() {
        for (String start : edges.keySet()) {
            List<Witness> path = new ArrayList<>();
            if (dfs(start, start, path, new ArrayList<>())) {
                return path;
            }
        }
        return List.of();
    }

    private boolean dfs(String start, String at, List<Witness> path, List<String> visiting) {
        visiting.add(at);
        for (Witness w : edges.getOrDefault(at, Map.of()).values()) {
            path.add(w);
            if (w.toClass().equals(start)) {
                return true;
            }
            if (!visiting.contains(w.toClass()) && dfs(start, w.toClass(), path, visiting)) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    int edgeCount() {
        return edges.values().stream().mapToInt(Map::size).sum();
    }
}
