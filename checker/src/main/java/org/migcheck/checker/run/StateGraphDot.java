package org.migcheck.checker.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.UserCode;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * A model's whole state graph as a Graphviz (DOT) program, for reading a small model: every reachable state once, found
 * breadth-first without reductions, with each step as an edge labelled by its thread and kernel function. A state shows
 * what differs from the initial state (its shown variables) and where each thread is; failures are drawn in red: a
 * step that breaks a rule or the model ends in a node of its own, a deadlock state has a double outline, and a state
 * that breaks an invariant is not expanded (a check stops there). Lock-order cycles, stuck threads and goals, which
 * are judged over the whole graph, are not drawn.
 */
public final class StateGraphDot {
    private StateGraphDot() {}

    /**
     * The program and what it counts.
     *
     * @param dot          the DOT text, or null when the model has more than the limit's states
     * @param states       distinct states (not counting failure nodes)
     * @param transitions  edges, failing steps included
     * @param failing      steps that break a rule or the model
     * @param deadlocks    states in which no thread can move and some has not finished or come to rest
     * @param invariants   states that break an invariant (or where the model's code fails)
     */
    public record Result(String dot, int states, long transitions, int failing, int deadlocks, int invariants) {}

    /** The graph of {@code model} under {@code rules}, or a result without text past {@code maxStates} states. */
    public static Result of(Model model, RuleSet rules, String title, int maxStates) {
        return of(model, rules, title, maxStates, null);
    }

    /**
     * As {@link #of(Model, RuleSet, String, int)}, with the steps of {@code path} (a schedule from the initial state, such
     * as a check's counterexample; null for none) drawn bold and numbered in their order.
     */
    public static Result of(Model model, RuleSet rules, String title, int maxStates, int[] path) {
        ModelSystem sys = new ModelSystem(model, rules, false);
        Semantics sem = sys.semantics();
        int[] init = sys.initialState();
        Map<PathStep, Integer> onPath = new HashMap<>(); // (state, label) -> its position on the path, from 1
        if (path != null) {
            List<int[]> along = Trace.replay(model, path).states();
            for (int i = 0; i < path.length; i++) {
                onPath.putIfAbsent(new PathStep(new Replayer.Vector(along.get(i)), path[i]), i + 1);
            }
        }
        Map<Replayer.Vector, Integer> ids = new HashMap<>();
        List<int[]> states = new ArrayList<>();
        ids.put(new Replayer.Vector(init), 0);
        states.add(init);
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(0));
        StringBuilder nodes = new StringBuilder();
        StringBuilder edges = new StringBuilder();
        long transitions = 0;
        int failing = 0;
        int deadlocks = 0;
        int invariants = 0;
        while (!queue.isEmpty()) {
            int id = queue.poll();
            int[] s = states.get(id);
            Failure own = sys.checkState(s);
            List<int[]> moves = new ArrayList<>();  // {label, successor id or -1 for a failing step}
            List<String> failures = new ArrayList<>();
            Failure[] itself = {own};
            if (own == null) {
                sys.expand(-1, s, new TransitionSystem.Successors() {
                    @Override public void successor(int label, int[] next) {
                        Integer known = ids.get(new Replayer.Vector(next));
                        if (known == null) {
                            known = states.size();
                            int[] kept = next.clone(); // one copy, the key's and the list's
                            ids.put(new Replayer.Vector(kept), known);
                            states.add(kept);
                            queue.add(known);
                        }
                        moves.add(new int[] {label, known});
                    }

                    @Override public void failure(int label, Failure f) {
                        moves.add(new int[] {label, -1});
                        failures.add(((Problem) f).summary());
                    }

                    @Override public void stateFailure(Failure f) { itself[0] = f; }
                });
            }
            if (states.size() > maxStates) {
                return new Result(null, states.size(), transitions, failing, deadlocks, invariants);
            }
            String drawn;
            if (itself[0] instanceof Problem.Deadlock) {
                deadlocks++;
                drawn = ", color=red, fontcolor=red, peripheries=2";
            } else if (itself[0] != null) {
                invariants++;
                drawn = ", color=red, fontcolor=red";
            } else {
                drawn = id == 0 ? ", style=bold" : "";
            }
            nodes.append("  s").append(id).append(" [label=\"").append(nodeLabel(model, sem, init, s, id,
                    itself[0] == null ? null : ((Problem) itself[0]).summary())).append('"').append(drawn).append("];\n");
            int f = 0;
            for (int[] m : moves) {
                transitions++;
                String step = model.thread(Trace.thread(m[0])).name() + ": " + sem.label(s, Trace.thread(m[0]), Trace.alternative(m[0]));
                Integer at = onPath.get(new PathStep(new Replayer.Vector(s), m[0]));
                String bold = at == null ? "" : ", penwidth=3, style=bold";
                step = at == null ? step : "#" + at + " " + step;
                if (m[1] >= 0) {
                    edges.append("  s").append(id).append(" -> s").append(m[1]).append(" [label=\"").append(escape(step)).append('"')
                            .append(bold).append("];\n");
                } else {
                    String node = "f" + failing++;
                    nodes.append("  ").append(node).append(" [label=\"").append(escape(failures.get(f++)))
                            .append("\", shape=octagon, color=red, fontcolor=red];\n");
                    edges.append("  s").append(id).append(" -> ").append(node).append(" [label=\"").append(escape(step))
                            .append("\", color=red, fontcolor=red").append(bold).append("];\n");
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("// migcheck export --dot: ").append(UserCode.oneLine(title)).append('\n');
        out.append("// ").append(states.size()).append(" states, ").append(transitions).append(" transitions (").append(failing)
                .append(" failing), ").append(deadlocks).append(" deadlock states, ").append(invariants)
                .append(" states that fail by themselves; no reduction\n");
        out.append("// render: dot -Tsvg FILE.dot -o FILE.svg\n");
        out.append("digraph \"").append(escape(model.name())).append("\" {\n");
        out.append("  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
        out.append("  edge [fontname=\"monospace\", fontsize=9];\n");
        out.append(nodes).append(edges).append("}\n");
        return new Result(out.toString(), states.size(), transitions, failing, deadlocks, invariants);
    }

    private record PathStep(Replayer.Vector state, int label) {}

    /** "s4", the shown variables that differ from the initial state, where each thread is, and a state's own failure. */
    private static String nodeLabel(Model model, Semantics sem, int[] init, int[] s, int id, String fails) {
        List<String> lines = new ArrayList<>();
        lines.add("s" + id + (id == 0 ? " (initial)" : ""));
        for (Var v : model.vars()) {
            if (v.shown() && (id == 0 || s[v.slot()] != init[v.slot()])) {
                lines.add(v.name() + ": " + v.format(s[v.slot()]));
            }
        }
        for (int t = 0; t < model.threadCount(); t++) {
            String name = model.thread(t).name();
            if (sem.finished(s, t)) {
                lines.add(name + ": finished");
                continue;
            }
            BlockReason why = Trace.blockReason(sem, s, t);
            if (sem.atIdlePoint(s, t)) {
                lines.add(name + ": idle at " + sem.label(s, t, 0) + (why != null ? " (waiting)" : ""));
            } else if (why != null) {
                lines.add(name + ": blocked in " + sem.label(s, t, 0));
            } else {
                // a step with alternatives (a choice, a test) is named by each: alternative 0's outcome alone would read as fact
                List<String> alts = new ArrayList<>();
                for (int a = 0; a < sem.alternatives(s, t); a++) {
                    alts.add(sem.label(s, t, a));
                }
                lines.add(name + ": next " + String.join(" | ", alts));
            }
        }
        if (fails != null) {
            lines.add(fails);
        }
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(escape(l)).append("\\l"); // left-justified lines
        }
        return b.toString();
    }

    /** Text inside a DOT double-quoted string: one line, with its quotes and backslashes escaped. */
    static String escape(String text) {
        return UserCode.oneLine(text).replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
