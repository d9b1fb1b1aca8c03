package org.migcheck.checker.run;

import com.google.common.collect.ImmutableList;
import com.google.common.graph.ElementOrder;
import com.google.common.graph.Graphs;
import com.google.common.graph.MutableValueGraph;
import com.google.common.graph.ValueGraphBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.Lock;

/**
 * A lockdep-style dependency graph over lock classes (a Guava value graph, insertion-ordered):
 * acquiring a lock of class B with a blocking acquisition while holding a lock of class A records the
 * edge A -> B, with the first (shallowest, under BFS) step that showed it. A cycle in the graph is a
 * possible deadlock even when no explored interleaving deadlocks, which is what lockdep's "possible
 * circular locking dependency" reports.
 *
 * <p>Like lockdep, trylock acquisitions add no edge (they cannot wait). Edges within one class
 * (two folio locks) are not recorded: lockdep needs nesting annotations for those and our models
 * do not carry them; ABBA between two locks of one class still shows up as a deadlock.
 *
 * <p>The search's workers report acquisitions concurrently and in any order; each edge keeps the
 * witness a sequential BFS meets first (smallest state id, then thread, alternative and held lock),
 * and the graph is built in that order, so its nodes, edges and first cycle do not depend on the
 * number of workers.
 */
final class Lockdep {

    /** Where an edge was first seen: in state {@code stateId}, thread {@code thread} took {@code acquired} holding {@code held}. */
    record Witness(String fromClass, String toClass, int stateId, int label, int thread, String held, String acquired) {}

    /** A witness with its place in the sequential BFS order. */
    private record Seen(Witness witness, long order, int held) {}

    private final Map<List<String>, Seen> first = new HashMap<>();
    private MutableValueGraph<String, Witness> graph;

    synchronized void acquired(Lock lock, List<Lock> heldBefore, int stateId, int label, int thread) {
        long order = ((long) stateId << 32) | ((long) thread << 24) | (ModelSystem.alt(label) & 0xFFFFFF);
        for (int i = 0; i < heldBefore.size(); i++) {
            Lock h = heldBefore.get(i);
            if (h == lock || h.lockClass().equals(lock.lockClass())) {
                continue;
            }
            List<String> key = List.of(h.lockClass(), lock.lockClass());
            Seen old = first.get(key);
            if (old == null || old.order() > order || (old.order() == order && old.held() > i)) {
                first.put(key, new Seen(new Witness(h.lockClass(), lock.lockClass(), stateId, label, thread, h.name(), lock.name()), order, i));
                graph = null;
            }
        }
    }

    /** The graph with nodes and edges inserted in the order a sequential BFS met them. */
    private synchronized MutableValueGraph<String, Witness> graph() {
        if (graph == null) {
            List<Seen> all = new ArrayList<>(first.values());
            all.sort(Comparator.comparingLong(Seen::order).thenComparingInt(Seen::held));
            graph = ValueGraphBuilder.directed().allowsSelfLoops(false)
                    .nodeOrder(ElementOrder.insertion()).incidentEdgeOrder(ElementOrder.stable()).build();
            for (Seen s : all) {
                graph.putEdgeValue(s.witness().fromClass(), s.witness().toClass(), s.witness());
            }
        }
        return graph;
    }

    /** The first cycle of the class graph (in insertion order), as its edges, or an empty list. */
    List<Witness> cycle() {
        MutableValueGraph<String, Witness> g = graph();
        if (!Graphs.hasCycle(g.asGraph())) {
            return List.of();
        }
        ImmutableList<String> nodes = Cycles.first(g.asGraph(), g.nodes());
        ImmutableList.Builder<Witness> out = ImmutableList.builder();
        for (int i = 0; i < nodes.size(); i++) {
            out.add(g.edgeValue(nodes.get(i), nodes.get((i + 1) % nodes.size())).orElseThrow());
        }
        return out.build();
    }

    /** Classes and edges of the dependency graph, for reports that draw it. */
    ImmutableList<Witness> edges() {
        MutableValueGraph<String, Witness> g = graph();
        ImmutableList.Builder<Witness> out = ImmutableList.builder();
        for (String from : g.nodes()) {
            for (String to : g.successors(from)) {
                out.add(g.edgeValue(from, to).orElseThrow());
            }
        }
        return out.build();
    }

    int edgeCount() {
        return graph().edges().size();
    }
}
