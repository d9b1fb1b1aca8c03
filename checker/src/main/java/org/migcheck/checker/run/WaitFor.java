package org.migcheck.checker.run;

import com.google.common.collect.ImmutableList;
import com.google.common.graph.ElementOrder;
import com.google.common.graph.Graphs;
import com.google.common.graph.MutableValueGraph;
import com.google.common.graph.ValueGraphBuilder;
import java.util.ArrayList;
import java.util.List;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;

/**
 * The wait-for graph of a state: an edge T -> U labelled with what T waits for (a lock, a flag, a
 * condition) when U holds that lock or is the only kind of thread that can provide it. Nodes are
 * thread indices in model order (Guava's insertion order), so the cycle found is deterministic.
 */
public final class WaitFor {
    private final MutableValueGraph<Integer, String> graph;
    private final ImmutableList<Integer> waiting;

    private WaitFor(MutableValueGraph<Integer, String> graph, ImmutableList<Integer> waiting) {
        this.graph = graph;
        this.waiting = waiting;
    }

    /** The wait-for graph of {@code state}: every thread that is blocked and not idle, with its edges. */
    public static WaitFor of(Model model, int[] state) {
        Semantics sem = new Semantics(model);
        MutableValueGraph<Integer, String> g = ValueGraphBuilder.directed().allowsSelfLoops(true)
                .nodeOrder(ElementOrder.insertion()).incidentEdgeOrder(ElementOrder.stable()).build();
        ImmutableList.Builder<Integer> waiting = ImmutableList.builder();
        for (int t = 0; t < model.threadCount(); t++) {
            if (sem.finished(state, t) || sem.atIdlePoint(state, t)) {
                continue;
            }
            BlockReason why = org.migcheck.checker.trace.Trace.blockReason(sem, state, t);
            if (why == null) {
                continue;
            }
            waiting.add(t);
            g.addNode(t);
            for (int u : targets(sem, state, why)) {
                g.putEdgeValue(t, u, via(why));
            }
        }
        return new WaitFor(g, waiting.build());
    }

    static List<Integer> targets(Semantics sem, int[] state, BlockReason why) {
        List<Integer> out = new ArrayList<>();
        if (why instanceof BlockReason.OnLock l) {
            if (l.holder() >= 0) {
                out.add(l.holder());
            }
        } else if (why.resource() != null) {
            out.addAll(sem.providers(state, why.resource()));
        }
        return out;
    }

    static String via(BlockReason why) {
        if (why instanceof BlockReason.OnLock l) {
            return l.lock().name();
        }
        if (why instanceof BlockReason.OnFlag f) {
            return f.flag() + "(" + f.object() + ")";
        }
        return why instanceof BlockReason.OnCondition c ? c.text() : why.toString();
    }

    /** Blocked threads, in model order. */
    public ImmutableList<Integer> waiting() { return waiting; }

    /** What {@code t} waits for from {@code u}, or null when there is no such edge. */
    public String via(int t, int u) { return graph.edgeValueOrDefault(t, u, null); }

    /** The threads {@code t} waits for, in insertion order. */
    public ImmutableList<Integer> waitsFor(int t) {
        return graph.nodes().contains(t) ? ImmutableList.copyOf(graph.successors(t)) : ImmutableList.of();
    }

    public boolean hasCycle() { return Graphs.hasCycle(graph.asGraph()); }

    /** The first cycle (threads in order, the first thread repeated implicitly), or empty when the graph has none. */
    public ImmutableList<Integer> cycle() {
        if (!hasCycle()) {
            return ImmutableList.of();
        }
        return Cycles.first(graph.asGraph(), graph.nodes());
    }

    /**
     * A wait-for chain of a graph without a cycle: from a blocked thread along the first thread each
     * waits for, to a thread that waits for nobody.
     *
     * @param threads the threads in order, the first the blocked one the chain starts from
     * @param via     what each thread waits for from the next ({@code threads.size() - 1} entries)
     * @param end     how the last thread rests: {@code "exited"}, {@code "no-waker"} (blocked on
     *                something no live thread can provide) or {@code "idle"} (at an idle point)
     */
    public record Chain(List<Integer> threads, List<String> via, String end) {
        /** "a -> lock -> b (exited)", as the text report prints it after "chain: ". */
        public String describe(Model m) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < threads.size(); i++) {
                sb.append(m.thread(threads.get(i)).name());
                if (i < via.size()) {
                    sb.append(" -> ").append(via.get(i)).append(" -> ");
                }
            }
            return sb.append(end.equals("no-waker") ? " (nobody can wake it)" : " (" + end + ")").toString();
        }
    }

    /** The chain from blocked thread {@code start} in {@code state} (this graph's state), for a graph without a cycle. */
    public Chain chain(Semantics sem, int[] state, int start) {
        List<Integer> threads = new ArrayList<>();
        List<String> via = new ArrayList<>();
        int t = start;
        while (true) {
            threads.add(t);
            List<Integer> next = waitsFor(t);
            if (!waiting.contains(t) || next.isEmpty() || threads.contains(next.get(0))) {
                String end = sem.finished(state, t) ? "exited" : waiting.contains(t) ? "no-waker" : "idle";
                return new Chain(List.copyOf(threads), List.copyOf(via), end);
            }
            via.add(via(t, next.get(0)));
            t = next.get(0);
        }
    }

    /** Edges as {from, to} pairs in insertion order. */
    public ImmutableList<int[]> edges() {
        ImmutableList.Builder<int[]> out = ImmutableList.builder();
        for (int t : graph.nodes()) {
            for (int u : graph.successors(t)) {
                out.add(new int[] {t, u});
            }
        }
        return out.build();
    }
}
