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
    /** By the slot of its holder variable: each declared lock and the index of its class. */
    private final Lock[] lockBySlot;
    private final int[] classBySlot;
    private final int classes;
    /**
     * Per (held class, acquired class): the order of the edge's witness so far (Long.MAX_VALUE: none).
     * Written under this object's lock, read without it: a stale value is only larger, so a reader
     * that skips an acquisition because its order is not smaller skips one {@link #record} would
     * have ignored as well.
     */
    private final java.util.concurrent.atomic.AtomicLongArray best;
    /** Per class index: the declared locks of every other class (only those can give an edge). */
    private final Lock[][] otherClass;

    Lockdep(List<Lock> locks) {
        int slots = 0;
        for (Lock l : locks) {
            slots = Math.max(slots, l.holderVar().slot() + 1);
        }
        this.lockBySlot = new Lock[slots];
        this.classBySlot = new int[slots];
        Map<String, Integer> ids = new HashMap<>();
        for (Lock l : locks) {
            lockBySlot[l.holderVar().slot()] = l;
            classBySlot[l.holderVar().slot()] = ids.computeIfAbsent(l.lockClass(), k -> ids.size());
        }
        this.classes = ids.size();
        this.otherClass = new Lock[classes][];
        for (int c = 0; c < classes; c++) {
            List<Lock> others = new ArrayList<>();
            for (Lock l : locks) {
                if (classBySlot[l.holderVar().slot()] != c) {
                    others.add(l);
                }
            }
            otherClass[c] = others.toArray(new Lock[0]);
        }
        this.keys = new String[classes * classes];
        this.best = new java.util.concurrent.atomic.AtomicLongArray(Math.max(1, classes * classes));
        for (int i = 0; i < best.length(); i++) {
            best.set(i, Long.MAX_VALUE);
        }
    }

    /** The index of {@code l}'s class, or -1 for a lock the model did not declare. */
    private int classIndex(Lock l) {
        int slot = l.holderVar().slot();
        return slot < lockBySlot.length && lockBySlot[slot] == l ? classBySlot[slot] : -1;
    }

    private static long order(int stateId, int label, int thread) {
        return ((long) stateId << 32) | ((long) thread << 24) | (ModelSystem.alt(label) & 0xFFFFFF);
    }

    /**
     * {@code thread} takes {@code lock} with a blocking acquisition in the state {@code before} (id
     * {@code stateId}). Called on every such step by every worker: it takes this object's lock only
     * when some held lock of another class has no edge witness yet that comes earlier in BFS order.
     */
    void acquired(org.migcheck.model.lang.StateView before, int thread, Lock lock, int stateId, int label) {
        long order = order(stateId, label, thread);
        int to = classIndex(lock);
        if (to < 0) { // an event naming a lock the model did not declare: no shortcut
            record(lock, org.migcheck.properties.Context.held(before, thread), stateId, label, thread);
            return;
        }
        for (Lock h : otherClass[to]) {
            if (before.holder(h) == thread) {
                int from = classIndex(h);
                if (order <= best.get(from * classes + to)) {
                    record(lock, org.migcheck.properties.Context.held(before, thread), stateId, label, thread);
                    return;
                }
            }
        }
    }

    /**
     * For random walks, which keep no state ids: marks on {@code out}, with {@link #edgeKey}, each class edge that
     * {@code thread}'s blocking acquisition of {@code lock} in {@code before} shows (one per held lock of another class).
     * The walks keep each key's first transition; {@link #record} then takes it, numbered in walk order.
     */
    void mark(org.migcheck.model.lang.StateView before, int thread, Lock lock, int label,
              org.migcheck.checker.engine.TransitionSystem.Successors out) {
        int to = classIndex(lock);
        if (to < 0) {
            for (Lock h : org.migcheck.properties.Context.held(before, thread)) {
                if (h != lock && !h.lockClass().equals(lock.lockClass())) {
                    out.mark(label, edgeKey(h.lockClass(), lock.lockClass()));
                }
            }
            return;
        }
        for (Lock h : otherClass[to]) {
            if (before.holder(h) == thread) {
                int from = classIndex(h);
                String key = keys[from * classes + to];
                if (key == null) {
                    key = keys[from * classes + to] = edgeKey(h.lockClass(), lock.lockClass());
                }
                out.mark(label, key);
            }
        }
    }

    /** The key of the class edge {@code from} -> {@code to}: the same string in every process. */
    static String edgeKey(String from, String to) {
        return "lock-order\u0000" + from + "\u0000" + to;
    }

    /** Per (held class, acquired class): its {@link #edgeKey}, made when first needed (walks run on one thread). */
    private final String[] keys;

    synchronized void record(Lock lock, List<Lock> heldBefore, int stateId, int label, int thread) {
        long order = order(stateId, label, thread);
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
                int from = classIndex(h);
                int to = classIndex(lock);
                if (from >= 0 && to >= 0) {
                    int pair = from * classes + to;
                    best.set(pair, Math.min(best.get(pair), order));
                }
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
