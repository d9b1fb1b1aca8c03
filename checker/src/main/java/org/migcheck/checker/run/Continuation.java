package org.migcheck.checker.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.IntPages;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.checker.engine.Words;

/**
 * How a stuck report's last state goes on forever: one continuation from it, in the model without reductions.
 * Every state it passes lies in the future of the state the report names, so the doomed thread never moves again
 * along it (a livelocked one never finishes nor rests at an idle point): it shows the verdict at work, it does
 * not decide it.
 *
 * <p>It always ends in a cycle. A state where no thread can move cannot follow: the doomed thread is neither
 * finished nor at an idle point there, so that state would be a deadlock, which the check reports before any
 * stuck thread (and replay refuses a stuck ending where one follows). Which cycle: a cycle that a weakly fair
 * run can stay in, one in which every thread either takes a step or is unable to move in one of its states, so
 * that no thread that could run all along is silently left out; the continuation is a shortest path to the
 * nearest state of such a cycle, then the cycle, made of a shortest walk to a step of each thread that moves
 * in it (and to a state where each other thread cannot move), in thread order, and back.
 *
 * @param thread    the thread the report names
 * @param livelock  whether the report is a livelock (the thread moves but never finishes nor rests)
 * @param steps     the labels from the report's last state on ({@code thread | alternative << 8})
 * @param loopFrom  where the cycle starts: the state after the last step is the one before {@code steps[loopFrom]}
 */
public record Continuation(int thread, boolean livelock, int[] steps, int loopFrom) {

    /** The most states a continuation is looked for among; beyond it the report says it shows none. */
    public static final int LIMIT = 200_000;

    public Continuation {
        steps = steps.clone();
        if (loopFrom < 0 || loopFrom >= steps.length) {
            throw new IllegalArgumentException("loopFrom " + loopFrom + " outside the " + steps.length + " steps");
        }
    }

    @Override public int[] steps() { return steps.clone(); }

    /**
     * The continuation from {@code start} for the report on {@code thread}, or null when more than {@code limit}
     * states follow it (the search would cost more than the report is worth). A transition that fails is no
     * step of a continuation (a check reports a stuck thread only where none is reachable).
     *
     * @param budget   the check's budget: its time limit counts from {@code started} (System.nanoTime), as the
     *                  search's did, and its memory limit holds here too
     * @throws Diverged when a state where no thread can move, or a step that fails, follows {@code start}: a
     *                   failure the search did not meet, so {@code start} is no stuck report's state of this model
     *                   (code that answers differently from run to run)
     * @throws Stopped  when the budget's time or memory limit is reached, a signal stops every search of the
     *                  process ({@link Budget#stopAll}) or the thread is interrupted, before the continuation is found
     */
    static Continuation find(TransitionSystem sys, int[] start, int thread, boolean livelock, int limit, Budget budget,
                             long started) {
        long timeLimit = nanos(budget);
        Runtime rt = Runtime.getRuntime();
        Map<Replayer.Vector, Integer> ids = new HashMap<>();
        List<int[]> states = new ArrayList<>();
        IntPages parent = new IntPages(16);
        IntPages via = new IntPages(16);       // the label of the step from the parent
        IntPages succ = new IntPages(16);      // successor ids, state after state
        IntPages succLabel = new IntPages(16); // the label of each of them
        IntPages succEnd = new IntPages(16);   // where each state's successors end in succ
        IntPages enabled = new IntPages(16);   // the threads with a transition from each state
        ids.put(new Replayer.Vector(start.clone()), 0);
        states.add(start.clone());
        parent.add(-1);
        via.add(0);
        for (int i = 0; i < states.size(); i++) {
            if ((i & 255) == 255) {
                stopIfAsked(budget, started, timeLimit, rt);
            }
            List<int[]> next = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            int[] moves = {0};
            String[] failed = {null};
            sys.expand(-1, states.get(i), new TransitionSystem.Successors() {
                @Override public void successor(int l, int[] n) {
                    next.add(n.clone());
                    labels.add(l);
                    moves[0] |= 1 << sys.actorOf(l);
                }
                @Override public void failure(int l, Failure f) {
                    moves[0] |= 1 << sys.actorOf(l);
                    if (failed[0] == null) {
                        failed[0] = f instanceof Problem p ? p.summary() : String.valueOf(f);
                    }
                }
                @Override public void stateFailure(Failure f) { }
            });
            if (failed[0] != null) {
                throw new Diverged("a step fails in a state " + Words.count(pathTo(i, parent, via).length, "step") + " on ("
                        + failed[0] + ")");
            }
            enabled.add(moves[0]);
            for (int k = 0; k < next.size(); k++) {
                Replayer.Vector key = new Replayer.Vector(next.get(k));
                Integer id = ids.get(key);
                if (id == null) {
                    if (states.size() >= limit) {
                        return null;
                    }
                    id = states.size();
                    ids.put(key, id);
                    states.add(next.get(k));
                    parent.add(i);
                    via.add(labels.get(k));
                }
                succ.add(id);
                succLabel.add(labels.get(k));
            }
            succEnd.add((int) succ.size());
        }
        int n = states.size();
        ids = null;
        states = null;
        Graph g = new Graph(n, succ, succLabel, succEnd, enabled, sys);
        // the components a weakly fair run can stay in forever: each thread either moves inside or is unable to
        // move in one of its states (so no thread that could run all along is left out of the cycle)
        int[] moved = new int[n];
        int[] disabledSomewhere = new int[n];
        boolean[] inner = new boolean[n];
        for (int v = 0; v < n; v++) {
            disabledSomewhere[g.comp[v]] |= ~enabled.get(v);
            for (int k = g.first[v]; k < g.first[v + 1]; k++) {
                if (g.comp[succ.get(k)] == g.comp[v]) {
                    moved[g.comp[v]] |= 1 << sys.actorOf(succLabel.get(k));
                    inner[g.comp[v]] = true;
                }
            }
        }
        for (int v = 0; v < n; v++) {
            boolean end = g.first[v] == g.first[v + 1];
            int c = g.comp[v];
            if (end) {
                int steps = pathTo(v, parent, via).length;
                throw new Diverged((steps == 0 ? "no thread can move in the reported state itself"
                        : "no thread can move in a state " + Words.count(steps, "step") + " on") + ", a deadlock");
            }
            if (inner[c] && (moved[c] | disabledSomewhere[c]) == ~0) {
                int[] prefix = pathTo(v, parent, via);
                int[] cycle = g.fairCycle(v, moved[c], disabledSomewhere[c]);
                int[] all = Arrays.copyOf(prefix, prefix.length + cycle.length);
                System.arraycopy(cycle, 0, all, prefix.length, cycle.length);
                return new Continuation(thread, livelock, all, prefix.length);
            }
        }
        // a finite graph in which every state has a transition has a weakly fair run (the threads in turn, each
        // time the one enabled longest), and the states that run visits forever lie in a component of that kind
        throw new IllegalStateException("no component a weakly fair run stays in");
    }

    /** The labels from state 0 to {@code to} along the breadth-first parents. */
    private static int[] pathTo(int to, IntPages parent, IntPages via) {
        List<Integer> back = new ArrayList<>();
        for (int at = to; parent.get(at) >= 0; at = parent.get(at)) {
            back.add(via.get(at));
        }
        int[] out = new int[back.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = back.get(out.length - 1 - k);
        }
        return out;
    }

    /** The states that follow the report's, with their transitions and strongly connected components. */
    private static final class Graph {
        final int[] first;
        final int[] comp;
        final IntPages succ;
        final IntPages succLabel;
        final IntPages enabled;
        final TransitionSystem sys;

        Graph(int n, IntPages succ, IntPages succLabel, IntPages succEnd, IntPages enabled, TransitionSystem sys) {
            this.first = new int[n + 1];
            for (int i = 0; i < n; i++) {
                first[i + 1] = succEnd.get(i);
            }
            this.succ = succ;
            this.succLabel = succLabel;
            this.enabled = enabled;
            this.sys = sys;
            this.comp = components(n);
        }

        /**
         * A cycle from {@code c} back to it inside c's component in which every thread of {@code moved} takes a step
         * and every other thread is unable to move in one of the states (such threads are in {@code disabled}):
         * the threads in turn, each reached by a shortest walk from where the last one left off, then a shortest
         * walk back to c.
         */
        int[] fairCycle(int c, int moved, int disabled) {
            List<Integer> labels = new ArrayList<>();
            int[] at = {c};
            int[] movedSoFar = {0};
            int[] disabledSoFar = {~enabled.get(c)};
            java.util.function.IntConsumer took = k -> {
                labels.add(succLabel.get(k));
                movedSoFar[0] |= 1 << sys.actorOf(succLabel.get(k));
                disabledSoFar[0] |= ~enabled.get(succ.get(k));
                at[0] = succ.get(k);
            };
            for (int j = 0; j < 32; j++) {
                int bit = 1 << j;
                if ((moved & bit) != 0 && (movedSoFar[0] & bit) == 0) {
                    walk(at[0], k -> (1 << sys.actorOf(succLabel.get(k))) == bit, took);
                } else if ((moved & bit) == 0 && (disabled & bit) != 0 && (disabledSoFar[0] & bit) == 0) {
                    walk(at[0], k -> (~enabled.get(succ.get(k)) & bit) != 0, took);
                }
            }
            if (at[0] != c || labels.isEmpty()) {
                walk(at[0], k -> succ.get(k) == c, took);
            }
            return labels.stream().mapToInt(Integer::intValue).toArray();
        }

        /**
         * A shortest walk from {@code from} inside its component that ends with a transition {@code goal} accepts
         * (transitions are indices into succ): each of its transitions in order to {@code took}.
         */
        private void walk(int from, java.util.function.IntPredicate goal, java.util.function.IntConsumer took) {
            Map<Integer, int[]> cameBy = new HashMap<>(); // state -> {the transition it was first reached by, its source}
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            queue.add(from);
            cameBy.put(from, null);
            while (!queue.isEmpty()) {
                int s = queue.poll();
                for (int k = first[s]; k < first[s + 1]; k++) {
                    int t = succ.get(k);
                    if (comp[t] != comp[from]) {
                        continue;
                    }
                    if (goal.test(k)) {
                        List<Integer> back = new ArrayList<>();
                        back.add(k);
                        for (int[] by = cameBy.get(s); by != null; by = cameBy.get(by[1])) {
                            back.add(by[0]);
                        }
                        for (int x = back.size() - 1; x >= 0; x--) {
                            took.accept(back.get(x));
                        }
                        return;
                    }
                    if (!cameBy.containsKey(t)) {
                        cameBy.put(t, new int[] {k, s});
                        queue.add(t);
                    }
                }
            }
            throw new IllegalStateException("no such transition in the component of state " + from);
        }

        /**
         * Strongly connected components (Tarjan's algorithm with an explicit stack, so that a long path does not
         * overflow the JVM's): each state's component, numbered by one of its states.
         */
        private int[] components(int n) {
            int[] index = new int[n];
            int[] low = new int[n];
            int[] comp = new int[n];
            boolean[] onStack = new boolean[n];
            Arrays.fill(index, -1);
            int[] stack = new int[n];
            int top = 0;
            int[] callState = new int[n];
            int[] callEdge = new int[n];
            int counter = 0;
            for (int root = 0; root < n; root++) {
                if (index[root] >= 0) {
                    continue;
                }
                int depth = 0;
                callState[0] = root;
                callEdge[0] = first[root];
                index[root] = low[root] = counter++;
                stack[top++] = root;
                onStack[root] = true;
                while (depth >= 0) {
                    int v = callState[depth];
                    if (callEdge[depth] < first[v + 1]) {
                        int w = succ.get(callEdge[depth]++);
                        if (index[w] < 0) {
                            index[w] = low[w] = counter++;
                            stack[top++] = w;
                            onStack[w] = true;
                            depth++;
                            callState[depth] = w;
                            callEdge[depth] = first[w];
                        } else if (onStack[w]) {
                            low[v] = Math.min(low[v], index[w]);
                        }
                        continue;
                    }
                    if (low[v] == index[v]) {
                        int w;
                        do {
                            w = stack[--top];
                            onStack[w] = false;
                            comp[w] = v;
                        } while (w != v);
                    }
                    depth--;
                    if (depth >= 0) {
                        int u = callState[depth];
                        low[u] = Math.min(low[u], low[v]);
                    }
                }
            }
            return comp;
        }
    }

    /** A failure follows the report's state (a deadlock, a failing step), one the search that reported it did not meet. */
    public static final class Diverged extends RuntimeException {
        Diverged(String what) {
            super(what);
        }
    }

    /** The search for a continuation stopped before its end; the message is the reason, as a report's limit says it. */
    public static final class Stopped extends RuntimeException {
        Stopped(String why) {
            super(why);
        }
    }

    /** The budget's time limit in nanoseconds (a limit too long for a long: none). */
    private static long nanos(Budget budget) {
        try {
            return budget.timeLimit().toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Throws {@link Stopped} when the check's budget, a signal or an interrupt says to stop. */
    private static void stopIfAsked(Budget budget, long started, long timeLimit, Runtime rt) {
        if (Budget.stoppedAll() != null) {
            throw new Stopped(Budget.stoppedAll());
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new Stopped("an interrupt of the thread looking for it");
        }
        if (System.nanoTime() - started > timeLimit) {
            throw new Stopped(budget.timeLimitText());
        }
        if (rt.totalMemory() - rt.freeMemory() > budget.maxMemory()) {
            System.gc();
            if (rt.totalMemory() - rt.freeMemory() > budget.maxMemory()) {
                throw new Stopped(budget.memoryLimitText());
            }
        }
    }
}
