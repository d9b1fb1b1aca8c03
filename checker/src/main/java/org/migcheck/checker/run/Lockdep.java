package org.migcheck.checker.run;

import com.google.common.collect.ImmutableList;
import com.google.common.graph.ElementOrder;
import com.google.common.graph.Graphs;
import com.google.common.graph.MutableValueGraph;
import com.google.common.graph.ValueGraphBuilder;
import java.util.List;
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
 */
final class Lockdep {

    /** Where an edge was first seen: in state {@code stateId}, thread {@code thread} took {@code acquired} holding {@code held}. */
    record Witness(String fromClass, String toClass, int stateId, int label, int thread, String held, String acquired) {}

    private final MutableValueGraph<String, Witness> graph = ValueGraphBuilder.directed().allowsSelfLoops(false)
            .nodeOrder(ElementOrder.insertion()).incidentEdgeOrder(ElementOrder.stable()).build();

    void acquired(Lock lock, List<Lock> heldBefore, int stateId, int label, int thread) {
        for (Lock h : heldBefore) {
            if (h == lock || h.lockClass().equals(lock.lockClass())) {
                continue;
            }
            if (!graph.hasEdgeConnecting(h.lockClass(), lock.lockClass())) {
                graph.putEdgeValue(h.lockClass(), lock.lockClass(),
                        new Witness(h.lockClass(), lock.lockClass(), stateId, label, thread, h.name(), lock.name()));
            }
        }
    }

    /** The first cycle of the class graph (in insertion order), as its edges, or an empty list. */
    List<Witness> cycle() {
        if (!Graphs.hasCycle(graph.asGraph())) {
            return List.of();
        }
        ImmutableList<String> nodes = Cycles.first(graph.asGraph(), graph.nodes());
        ImmutableList.Builder<Witness> out = ImmutableList.builder();
        for (int i = 0; i < nodes.size(); i++) {
            out.add(graph.edgeValue(nodes.get(i), nodes.get((i + 1) % nodes.size())).orElseThrow());
        }
        return out.build();
    }

    /** Classes and edges of the dependency graph, for reports that draw it. */
    ImmutableList<Witness> edges() {
        ImmutableList.Builder<Witness> out = ImmutableList.builder();
        for (String from : graph.nodes()) {
            for (String to : graph.successors(from)) {
                out.add(graph.edgeValue(from, to).orElseThrow());
            }
        }
        return out.build();
    }

    int edgeCount() {
        return graph.edges().size();
    }
}
