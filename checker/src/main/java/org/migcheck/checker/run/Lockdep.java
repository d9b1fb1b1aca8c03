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

    /** A witness with its place in the sequential BFS order: state id, then thread, alternative, held lock. */
    private record Seen(Witness witness, long order, int held) {}

    private final Map<String, Seen> first = new java.util.HashMap<>();
    private Map<String, Map<String, Witness>> edges = new LinkedHashMap<>();

    /**
     * Called by the search's workers concurrently and in any order: each edge keeps the witness a
     * sequential BFS would have met first, so the graph and its first cycle do not depend on the
     * number of workers.
     */
    synchronized void acquired(Lock lock, List<Lock> heldBefore, int stateId, int label, int thread) {
        long order = ((long) stateId << 32) | ((long) thread << 24) | (ModelSystem.alt(label) & 0xFFFFFF);
        for (int i = 0; i < heldBefore.size(); i++) {
            Lock h = heldBefore.get(i);
            if (h == lock || h.lockClass().equals(lock.lockClass())) {
                continue;
            }
            String key = h.lockClass() + "\u0000" + lock.lockClass();
            Seen old = first.get(key);
            if (old == null || old.order() > order || (old.order() == order && old.held() > i)) {
                first.put(key, new Seen(new Witness(h.lockClass(), lock.lockClass(), stateId, label, thread, h.name(), lock.name()), order, i));
                edges = null;
            }
        }
    }

    /** The edges in the order a sequential BFS first met them (classes by their first edge). */
    private synchronized Map<String, Map<String, Witness>> ordered() {
        if (edges == null) {
            List<Seen> all = new ArrayList<>(first.values());
            all.sort(java.util.Comparator.comparingLong(Seen::order).thenComparingInt(Seen::held));
            edges = new LinkedHashMap<>();
            for (Seen e : all) {
                edges.computeIfAbsent(e.witness().fromClass(), k -> new LinkedHashMap<>()).put(e.witness().toClass(), e.witness());
            }
        }
        return edges;
    }

    /** The first cycle of the class graph (in insertion order), as its edges, or an empty list. */
    List<Witness> cycle() {
        Map<String, Map<String, Witness>> edges = ordered();
        for (String start : edges.keySet()) {
            List<Witness> path = new ArrayList<>();
            if (dfs(start, start, path, new ArrayList<>())) {
                return path;
            }
        }
        return List.of();
    }

    private boolean dfs(String start, String at, List<Witness> path, List<String> visiting) {
        Map<String, Map<String, Witness>> edges = ordered();
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
        return ordered().values().stream().mapToInt(Map::size).sum();
    }
}
