package org.migcheck.checker.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.IntPages;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.properties.RuleSet;
import org.migcheck.checker.engine.Words;

/**
 * Replays a schedule under the rules and says what it ends in: a broken rule at its last step or in
 * its last state, a deadlock, a thread stuck for good, or the edge of a lock-order cycle. A schedule
 * that cannot run (a blocked thread, a missing choice) or that breaks a rule before its end is an
 * {@link IllegalArgumentException} naming the step; one that ends in nothing is reported as such
 * (verdict {@code null}), which for a recorded counterexample means it was truncated or altered.
 */
public final class Replayer {
    private Replayer() {}

    /** States explored from the last state when looking for a stuck thread; beyond this the answer is INCOMPLETE. */
    public static final int STUCK_SEARCH_LIMIT = 1_000_000;

    /**
     * What a replay ends in.
     *
     * @param verdict      the failure the schedule ends in, or null when it ends in none
     * @param ruleId       the rule (VIOLATED), or null
     * @param message      one line
     * @param explanation  who waits for what (deadlock, stuck), as in a check's report
     * @param continuation for a stuck thread: one way the model goes on from the last state, as in a check's report, or null
     */
    public record Ending(Trace trace, Verdict verdict, String ruleId, String message, List<String> explanation,
                         Continuation continuation) {
        /** An ending that is not a stuck thread's, or one without a continuation. */
        public Ending(Trace trace, Verdict verdict, String ruleId, String message, List<String> explanation) {
            this(trace, verdict, ruleId, message, explanation, null);
        }
    }

    public static Ending replay(Model model, RuleSet rules, int[] schedule) {
        return replay(model, rules, schedule, true);
    }

    /**
     * As {@link #replay(Model, RuleSet, int[])}; without {@code askGoals}, goals that throw at the last state are not
     * asked: the end-of-check replay that re-decides a deadlock or broken rule the search found there, where the search
     * had not asked a goal it had met on another path.
     */
    static Ending replay(Model model, RuleSet rules, int[] schedule, boolean askGoals) {
        Trace trace = Trace.replay(model, schedule);
        ModelSystem sys;
        try {
            sys = new ModelSystem(model, rules);
        } catch (org.migcheck.model.lang.ModelError e) {
            // a rule's declaration the model refuses (a watched variable of another model): check's model error, before any step
            return new Ending(trace, Verdict.MODEL_ERROR, null, e.getMessage(), List.of());
        }
        int[] state = sys.initialState();
        Failure initial = sys.checkState(state);
        if (initial != null) {
            return ending(trace, schedule.length == 0, (Problem) initial, "the initial state");
        }
        // the goals met on the path before its last state: check, which stores each state of a path before the next and
        // asks a goal until it is met, no longer asked them at the last state
        java.util.Set<String> metOnPath = new java.util.HashSet<>();
        for (int i = 0; i < schedule.length; i++) {
            goalsMet(model, sys, state, metOnPath);
            Step s = step(sys, state, schedule[i]);
            boolean last = i == schedule.length - 1;
            if (s.failure != null) {
                return ending(trace, last, s.failure, "step " + (i + 1));
            }
            state = s.next;
            Failure inv = sys.checkState(state);
            if (inv != null) {
                return ending(trace, last, (Problem) inv, "the state after step " + (i + 1));
            }
        }
        Step end = step(sys, state, -1);
        if (end.stateFailure instanceof Problem.ModelFault f) {
            // the model's own code failed in the last state (a blockedBy that throws, say): the check reports that state
            return ending(trace, true, f, "the last state");
        }
        Semantics sem = sys.semantics();
        Problem goal = askGoals ? goalThrows(model, sys, state, metOnPath) : null;
        if (goal != null) {
            // check asks goals as it stores a state, before its successors and before the stuck-thread and lock-order
            // analyses: a goal not met on the path that throws on the last state is what it reported there, unless it had met
            // the goal on another path first and so no longer asked it, or the token is random walks', which ask no goals
            // (then it reported what else ends here, named below: a token does not say which)
            Ending e = ending(trace, true, goal, "the last state");
            return end.stateFailure == null ? e : new Ending(trace, e.verdict(), e.ruleId(), e.message(), List.of("the last state also ends in a "
                    + ((Problem) end.stateFailure).summary() + ": a check that did not ask the goal there (a search that had met it on"
                    + " another path, or random walks, which ask no goals) reports that instead"));
        }
        if (end.stateFailure instanceof Problem.Deadlock d) {
            List<String> expl = new ArrayList<>();
            String msg = Checker.explainDeadlock(sem, state, d.blocked(), schedule, expl);
            return new Ending(trace, Verdict.DEADLOCK, null, msg, expl);
        }
        String failsNext = failsNextSummary(sys, state);
        if (failsNext != null) {
            // a step from here breaks a rule: a whole check would have reported that (a STUCK verdict means no reachable
            // transition fails), so this is a schedule cut short, not a stuck thread (the failing step is no successor
            // of the stuck-thread analysis, which read it as a thread that can never move); or the path of a lock-order
            // cycle that a budgeted check saw before it met the failure
            if (rules.lockdep() && schedule.length > 0) {
                Ending edge = lockOrderEdge(model, rules, trace, schedule);
                if (edge != null) {
                    return edge;
                }
            }
            return new Ending(trace, null, null, "a step from the last state breaks a rule (" + failsNext + ")", List.of());
        }
        String[] failureAhead = {null};
        int[] doomed = doomedThread(sys, state, failureAhead);
        if (failureAhead[0] != null) {
            // a check reports STUCK only after a whole search in which no transition or state fails; from here one does (a
            // rule broken, a deadlock further on): the threads that every future takes into it are not stuck ones. The
            // token is the path of a lock-order cycle (a check stopped by a budget reports one seen before the failure),
            // or a schedule cut short before that failure
            if (rules.lockdep() && schedule.length > 0) {
                Ending edge = lockOrderEdge(model, rules, trace, schedule);
                if (edge != null) {
                    return edge;
                }
            }
            return new Ending(trace, null, null, "a failure still follows the last state (" + failureAhead[0] + ")", List.of());
        }
        if (doomed == null) {
            return new Ending(trace, Verdict.INCOMPLETE, null, "more than " + Words.count(STUCK_SEARCH_LIMIT, "state")
                    + " follow the last one: whether a thread is stuck there was not decided", List.of());
        }
        if (doomed[0] >= 0) {
            // the check's own report for this state and thread: the same message and explanation (replay has no budget
            // options: a signal, or a heap nine tenths full, stops the search for the continuation)
            org.migcheck.checker.engine.Budget budget = org.migcheck.checker.engine.Budget.unlimited();
            long started = System.nanoTime();
            CheckResult c = doomed[1] == 0
                    ? Checker.stuckResult(model, sys, schedule, state, doomed[0], Map.of(), new org.migcheck.checker.engine.Stats(0, 0, 0, 0), List.of(),
                            budget, started)
                    : Checker.livelockResult(model, sys, schedule, state, doomed[0], Map.of(), new org.migcheck.checker.engine.Stats(0, 0, 0, 0), List.of(),
                            budget, started);
            return new Ending(trace, Verdict.STUCK, null, c.message(), c.explanation(), c.continuation());
        }
        if (rules.lockdep() && schedule.length > 0) {
            Ending edge = lockOrderEdge(model, rules, trace, schedule);
            if (edge != null) {
                return edge;
            }
        }
        return new Ending(trace, null, null, "no rule broken, no deadlock, no stuck thread at the end of the schedule", List.of());
    }

    /**
     * What a schedule of one model does on another model of the same scenario (a variant with a fix, say).
     *
     * @param ran             how many of the schedule's steps ran on the other model: all of them, or those before the first
     *                        step that could not run there, or up to and including the first that failed there
     * @param stopped         why the next step could not run (its thread blocked there, finished, or without that
     *                        alternative), or null when the schedule ran to its end or to a failing step
     * @param ahead           where a failure still follows the state those steps end in on the other model: the steps of a
     *                        shortest way from there into it, which the ending's trace has after the {@code ran} (else 0)
     * @param ending          the replay of those {@code ran} steps, and the {@code ahead} ones, on the other model
     * @param firstDifference the first step (counted from 1) whose row differs between the two models in the steps both
     *                        ran (its thread, step, outcome, changes or failure; not the explanation in brackets after
     *                        a label, nor a variable one model's step reads and the other's does not), or the first step
     *                        one model ran and the other did not, or 0
     * @param onOther         the schedule of the ending on the other model: the steps that ran, renumbered to its threads,
     *                        then the {@code ahead} ones
     * @param undecided       whether more states than the search's limit follow where the schedule stops, so that whether a
     *                        failure or a stuck thread follows was not decided (the ending then has no verdict)
     */
    public record OnOther(int ran, String stopped, int ahead, Ending ending, int firstDifference, int[] onOther, boolean undecided) {
        /** The other model's rows of the token's steps that ran there, without the {@code ahead} ones. */
        public List<Trace.Row> ranRows() {
            return ranRows(ending, ran);
        }

        private static List<Trace.Row> ranRows(Ending ending, int ran) {
            return ending.trace().rows().subList(0, Math.min(ran, ending.trace().rows().size()));
        }
    }

    /**
     * {@code schedule}, a schedule of {@code from}, with each thread number changed to the number of the thread of the
     * same name in {@code to}; an {@link IllegalArgumentException} names a thread {@code to} does not have.
     */
    public static int[] sameThreads(Model from, Model to, int[] schedule) {
        String missing = missingThread(from, to, schedule);
        if (missing != null) {
            throw new IllegalArgumentException("the schedule runs " + missing + ", which model " + to.name() + " does not have");
        }
        int[] out = new int[schedule.length];
        for (int i = 0; i < schedule.length; i++) {
            out[i] = Trace.label(numberIn(to, from.thread(Trace.thread(schedule[i])).name()), Trace.alternative(schedule[i]));
        }
        return out;
    }

    /** The first thread {@code schedule} runs on {@code from} that {@code to} has none of the same name of, or null. */
    public static String missingThread(Model from, Model to, int[] schedule) {
        for (int label : schedule) {
            String name = from.thread(Trace.thread(label)).name();
            if (numberIn(to, name) < 0) {
                return name;
            }
        }
        return null;
    }

    private static int numberIn(Model m, String thread) {
        for (int u = 0; u < m.threadCount(); u++) {
            if (m.thread(u).name().equals(thread)) {
                return u;
            }
        }
        return -1;
    }

    /**
     * Replays {@code schedule}, which runs on {@code from}, on {@code to} as far as it runs there, each step by the thread of
     * the same name ({@link #sameThreads}, whose exception it throws). Steps are taken by thread and alternative, as a token
     * records them, so where the two models differ the same schedule may take other steps.
     */
    public static OnOther onOther(Model from, Model to, RuleSet rules, int[] fromSchedule) {
        int[] schedule = sameThreads(from, to, fromSchedule);
        int ran = 0;
        String stopped = null;
        ModelSystem sys = null;
        try {
            sys = new ModelSystem(to, rules);
        } catch (org.migcheck.model.lang.ModelError e) {
            // replay below reports it (check's model error, before any step)
        }
        if (sys != null) {
            Semantics sem = sys.semantics();
            int[] state = sys.initialState();
            if (sys.checkState(state) == null) {
                for (int i = 0; i < schedule.length; i++) {
                    int t = Trace.thread(schedule[i]);
                    int alt = Trace.alternative(schedule[i]);
                    String who = to.thread(t).name();
                    if (sem.finished(state, t)) {
                        stopped = who + " has finished";
                        break;
                    }
                    if (!sem.enabled(state, t)) {
                        BlockReason why = Trace.blockReason(sem, state, t);
                        stopped = who + " is blocked in " + sem.label(state, t, 0) + (why == null ? "" : ": " + why.describe(to));
                        break;
                    }
                    if (alt >= sem.alternatives(state, t)) {
                        List<String> offered = new ArrayList<>();
                        for (int k = 0; k < sem.alternatives(state, t); k++) {
                            offered.add(sem.label(state, t, k));
                        }
                        stopped = who + " has " + offered.size() + " alternative" + (offered.size() == 1 ? "" : "s") + " here ("
                                + String.join(", ", offered) + "), not the schedule's alternative " + alt + " (counted from 0)";
                        break;
                    }
                    Step s = step(sys, state, schedule[i]);
                    ran = i + 1;
                    if (s.failure != null) {
                        break;
                    }
                    state = s.next;
                    if (sys.checkState(state) != null) {
                        break;
                    }
                }
            }
        }
        int[] steps = Arrays.copyOf(schedule, ran);
        Ending ending = replay(to, rules, steps);
        int ahead = 0;
        int[] onTo = steps;
        boolean undecided = false;
        if (ending.verdict() == null && sys != null) {
            // the schedule stops short of a failure or a stuck thread that still follows on this model (replay's "a failure
            // still follows", "a step from the last state breaks a rule", or a thread that gets stuck later): no failure
            // yet, but not a safe end either; go on by a shortest way into it, as check would report it
            Ahead more = ahead(sys, ending.trace().last());
            undecided = !more.complete();
            if (more.path() != null) {
                int[] all = Arrays.copyOf(steps, ran + more.path().length);
                System.arraycopy(more.path(), 0, all, ran, more.path().length);
                Ending on = replay(to, rules, all);
                if (on.verdict() != null) {
                    ending = on;
                    ahead = more.path().length;
                    onTo = all;
                }
            }
        }
        List<Trace.Row> a = Trace.replay(from, fromSchedule).rows();
        List<Trace.Row> b = OnOther.ranRows(ending, ran);
        int first = 0;
        for (int i = 0; i < Math.max(a.size(), b.size()) && first == 0; i++) {
            if (i >= a.size() || i >= b.size() || !sameRow(from, a.get(i), to, b.get(i))) {
                first = i + 1;
            }
        }
        return new OnOther(ran, stopped, ahead, ending, first, onTo, undecided);
    }

    /**
     * Whether two models' rows of one step read the same: thread (by name), step with its outcome, changes and failure;
     * what a step reads and the explanation in brackets after its label are left out (the same step of a model with
     * other knobs may read other variables, or explain itself in the terms of its own knobs).
     */
    static boolean sameRow(Model xm, Trace.Row x, Model ym, Trace.Row y) {
        Map<String, String> xr = reads(x.outcome());
        Map<String, String> yr = reads(y.outcome());
        boolean outcomes = xr != null && yr != null
                ? xr.keySet().stream().filter(yr::containsKey).allMatch(v -> xr.get(v).equals(yr.get(v))) // what both read, alike
                : java.util.Objects.equals(x.outcome(), y.outcome());
        return xm.thread(x.thread()).name().equals(ym.thread(y.thread()).name()) && label(x).equals(label(y)) && outcomes
                && x.changes().equals(y.changes())
                && java.util.Objects.equals(x.failure(), y.failure());
    }

    /** The variables and values of an outcome that lists what a step read ("[reads x=0, y=held by t1]"); empty for none; null for another outcome. */
    static Map<String, String> reads(String outcome) {
        if (outcome == null) {
            return Map.of();
        }
        if (!outcome.startsWith("[reads ") || !outcome.endsWith("]")) {
            return null;
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        String last = null;
        for (String part : outcome.substring("[reads ".length(), outcome.length() - 1).split(", ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                last = part.substring(0, eq);
                out.put(last, part.substring(eq + 1));
            } else if (last != null) {
                out.put(last, out.get(last) + ", " + part); // a value with ", " in it
            } else {
                return null;
            }
        }
        return out;
    }

    /** A row's label without the explanation in brackets at its end ({@code [case 2's other terms ...]}). */
    static String label(Trace.Row r) {
        String label = r.label();
        if (label.endsWith("]")) {
            int depth = 0;
            for (int i = label.length() - 1; i >= 0; i--) {
                char c = label.charAt(i);
                depth += c == ']' ? 1 : c == '[' ? -1 : 0;
                if (depth == 0) {
                    label = label.substring(0, i).stripTrailing();
                    break;
                }
            }
        }
        return label;
    }

    /**
     * What follows a state: a shortest schedule into a failure or a stuck thread, or none.
     *
     * @param path     the schedule from the state, or null when none follows
     * @param complete false when more than {@link #STUCK_SEARCH_LIMIT} states follow, so that it was not decided
     */
    record Ahead(int[] path, boolean complete) {}

    /**
     * A shortest schedule from {@code start} whose last step fails or ends in a state that fails by itself (a deadlock, a
     * broken invariant, the model's own error): breadth-first, level by level, a level's states that fail by themselves
     * before a failing step out of the level, which is one step longer. Where no failure follows at all, a shortest one to
     * a state in which a thread is stuck for good (blocked outside an idle point, and no state that follows lets it move),
     * as check reports a stuck thread only when nothing fails. A thread that runs forever without finishing (a livelock)
     * is not looked for here.
     */
    static Ahead ahead(ModelSystem sys, int[] start) {
        Semantics sem = sys.semantics();
        int threads = sem.model().threadCount();
        Map<Vector, Integer> ids = new java.util.HashMap<>();
        List<int[]> states = new ArrayList<>();
        List<int[]> parent = new ArrayList<>(); // {parent id, label}
        List<int[]> succ = new ArrayList<>();   // successor ids of each state
        IntPages movers = new IntPages(16);     // threads with a transition in each state
        ids.put(new Vector(start), 0);
        states.add(start);
        parent.add(new int[] {-1, -1});
        int from = 0;
        while (from < states.size()) {
            if (states.size() > STUCK_SEARCH_LIMIT) {
                return new Ahead(null, false);
            }
            int to = states.size();
            List<List<int[]>> moves = new ArrayList<>(); // per state of the level: {label, failing (1/0)}, with its next vector
            List<List<int[]>> nexts = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int[] s = states.get(i);
                List<int[]> m = new ArrayList<>();
                List<int[]> n = new ArrayList<>();
                boolean[] failsItself = {sys.checkState(s) != null};
                sys.expand(-1, s, new TransitionSystem.Successors() {
                    @Override public void successor(int label, int[] next) {
                        m.add(new int[] {label, 0});
                        n.add(next.clone());
                    }

                    @Override public void failure(int label, Failure f) {
                        m.add(new int[] {label, 1});
                        n.add(null);
                    }

                    @Override public void stateFailure(Failure f) { failsItself[0] = true; }
                });
                if (failsItself[0]) {
                    return new Ahead(pathTo(parent, i, -1), true);
                }
                moves.add(m);
                nexts.add(n);
            }
            for (int i = from; i < to; i++) {
                List<int[]> m = moves.get(i - from);
                int[] ids2 = new int[m.size()];
                int mask = 0;
                for (int k = 0; k < m.size(); k++) {
                    if (m.get(k)[1] == 1) {
                        return new Ahead(pathTo(parent, i, m.get(k)[0]), true);
                    }
                    int[] next = nexts.get(i - from).get(k);
                    Integer known = ids.putIfAbsent(new Vector(next), states.size());
                    if (known == null) {
                        known = states.size();
                        states.add(next);
                        parent.add(new int[] {i, m.get(k)[0]});
                    }
                    ids2[k] = known;
                    mask |= 1 << Trace.thread(m.get(k)[0]);
                }
                succ.add(ids2);
                movers.add(mask);
            }
            from = to;
        }
        // nothing fails: the states from which each thread can still move, backwards from those where it has a step
        int n = states.size();
        List<List<Integer>> pred = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pred.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int k : succ.get(i)) {
                pred.get(k).add(i);
            }
        }
        boolean[][] canMove = new boolean[threads][n];
        for (int t = 0; t < threads; t++) {
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int i = 0; i < n; i++) {
                if ((movers.get(i) & (1 << t)) != 0) {
                    canMove[t][i] = true;
                    queue.add(i);
                }
            }
            while (!queue.isEmpty()) {
                for (int p : pred.get(queue.poll())) {
                    if (!canMove[t][p]) {
                        canMove[t][p] = true;
                        queue.add(p);
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) { // breadth-first order: the first is a nearest
            for (int t = 0; t < threads; t++) {
                int[] s = states.get(i);
                if (!canMove[t][i] && !rests(sem, s, t) && Trace.blockReason(sem, s, t) != null) {
                    return new Ahead(pathTo(parent, i, -1), true);
                }
            }
        }
        return new Ahead(null, true);
    }

    /** The labels from the start to state {@code id}, then {@code last} unless it is -1. */
    private static int[] pathTo(List<int[]> parent, int id, int last) {
        List<Integer> labels = new ArrayList<>();
        if (last >= 0) {
            labels.add(last);
        }
        for (int i = id; parent.get(i)[0] >= 0; i = parent.get(i)[0]) {
            labels.add(parent.get(i)[1]);
        }
        java.util.Collections.reverse(labels);
        return labels.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A lock-order report's token replays one acquisition path, which breaks nothing by itself; it
     * ends in the report when its last step is a blocking acquisition of a lock of class B by a thread
     * holding one of class A, and A -> B lies on a cycle of the model's lock-class graph. The token
     * names no strategy, reduction or budget, so the path need not be the one a default check prints
     * (a depth-first check, one without symmetry or one stopped by a budget print others): the graph
     * comes from the default check when the path is one of its witnesses, else from a search of the
     * whole model without reductions.
     */
    private static Ending lockOrderEdge(Model model, RuleSet rules, Trace trace, int[] schedule) {
        int last = schedule[schedule.length - 1];
        int t = ModelSystem.thread(last);
        int[] before = Trace.replay(model, Arrays.copyOf(schedule, schedule.length - 1)).last();
        Semantics sem = new Semantics(model);
        List<String[]> made = new ArrayList<>(); // {held class, acquired class, held lock, acquired lock}
        for (org.migcheck.model.lang.Event e : sem.fire(before, t, ModelSystem.alt(last)).events()) {
            if (e instanceof org.migcheck.model.lang.LockEvent.Acquired a && !a.trylock()) {
                for (org.migcheck.model.lang.Lock h : org.migcheck.properties.Context.held(sem.view(before), t)) {
                    if (h != a.lock() && !h.lockClass().equals(a.lock().lockClass())) {
                        made.add(new String[] {h.lockClass(), a.lock().lockClass(), h.name(), a.lock().name()});
                    }
                }
            }
        }
        if (made.isEmpty()) {
            return null;
        }
        CheckResult r = Checker.check(model, rules, Options.defaults().withLiveness(false));
        if (r.verdict() == Verdict.VIOLATED && RuleSet.LOCK_CYCLE.equals(r.ruleId())) {
            for (CheckResult.Witness w : r.witnesses()) {
                if (Arrays.equals(w.schedule(), schedule)) {
                    List<String> expl = new ArrayList<>(r.explanation());
                    expl.add(0, "this schedule is the path: " + w.title());
                    return new Ending(trace, Verdict.VIOLATED, r.ruleId(), r.message(), expl);
                }
            }
            // another path to an edge of the same cycle (a depth-first or budgeted check's): the report's cycle as printed
            for (CheckResult.Witness w : r.witnesses()) {
                for (String[] e : made) {
                    if (w.edge() != null && w.edge().fromClass().equals(e[0]) && w.edge().toClass().equals(e[1])) {
                        List<String> expl = new ArrayList<>(r.explanation());
                        expl.add(0, "this schedule is a path to the report's edge " + e[0] + " -> " + e[1] + ": "
                                + model.thread(t).name() + " takes " + e[3] + " while holding " + e[2]);
                        return new Ending(trace, Verdict.VIOLATED, r.ruleId(), r.message(), expl);
                    }
                }
            }
        } else if (r.verdict() == Verdict.HOLDS || r.verdict() == Verdict.STUCK) {
            return null; // the whole model was searched and its lock-class graph has no cycle
        }
        // every class edge of the model, from a search without reductions (whose recorded edges do not depend on them)
        // that goes on past failures, as a budgeted check may have seen a cycle before the failure that ends a whole
        // one; no check goes through a failure, so neither does this search: a failing step has no successor, and a
        // state that fails (an invariant, a deadlock, a blockedBy or goal that throws) none either
        ModelSystem whole = new ModelSystem(model, rules);
        TransitionSystem pastFailures = Checker.withoutFailures(whole,
                s -> whole.checkState(s) != null || goalThrows(model, whole, s) != null || failsItself(whole, s));
        org.migcheck.checker.engine.SearchResult all = new org.migcheck.checker.engine.Search(pastFailures,
                org.migcheck.checker.engine.Strategy.BFS, org.migcheck.checker.engine.Budget.unlimited().withMaxStates(EDGE_SEARCH_LIMIT)).run();
        if (all.status() == org.migcheck.checker.engine.SearchResult.Status.INCOMPLETE) {
            return new Ending(trace, Verdict.INCOMPLETE, null, "the last step takes " + made.get(0)[3] + " while holding " + made.get(0)[2]
                    + " (" + made.get(0)[0] + " -> " + made.get(0)[1] + "); whether that order closes a cycle was not decided: the model"
                    + " has more than " + Words.count(EDGE_SEARCH_LIMIT, "state"), List.of());
        }
        if (all.status() != org.migcheck.checker.engine.SearchResult.Status.COMPLETE) {
            return null;
        }
        com.google.common.graph.MutableGraph<String> g = com.google.common.graph.GraphBuilder.directed().allowsSelfLoops(false).build();
        for (Lockdep.Witness w : whole.lockdep.edges()) {
            g.putEdge(w.fromClass(), w.toClass());
        }
        for (String[] e : made) {
            List<String> back = path(g, e[1], e[0]);
            if (back != null) {
                String chain = e[0] + " -> " + String.join(" -> ", back);
                List<String> expl = new ArrayList<>();
                expl.add("this schedule is the path: " + model.thread(t).name() + " takes " + e[3] + " while holding " + e[2]
                        + " (" + e[0] + " -> " + e[1] + ")");
                expl.add("cycle: " + chain);
                return new Ending(trace, Verdict.VIOLATED, RuleSet.LOCK_CYCLE, "possible circular locking dependency: " + chain, expl);
            }
        }
        return null;
    }

    /** Whether state {@code s} itself fails (a deadlock, a {@code blockedBy} that throws); expanded without an id, so no lock order is recorded. */
    private static boolean failsItself(ModelSystem sys, int[] s) {
        boolean[] fails = {false};
        sys.expand(-1, s, new TransitionSystem.Successors() {
            @Override public boolean keepsVectors() { return false; }
            @Override public void successor(int label, int[] next) { }
            @Override public void failure(int label, Failure f) { }
            @Override public void stateFailure(Failure f) { fails[0] = true; }
        });
        return fails[0];
    }

    /** States the search for the lock-class graph may store before replay gives up on a lock-order token (INCOMPLETE). */
    static final int EDGE_SEARCH_LIMIT = 2_000_000;

    /** A shortest path of classes from {@code from} to {@code to} (both included) in {@code g}, or null. */
    private static List<String> path(com.google.common.graph.Graph<String> g, String from, String to) {
        if (!g.nodes().contains(from)) {
            return null;
        }
        Map<String, String> parent = new java.util.HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(from));
        parent.put(from, from);
        while (!queue.isEmpty()) {
            String c = queue.poll();
            if (c.equals(to)) {
                List<String> out = new ArrayList<>();
                for (String x = to; ; x = parent.get(x)) {
                    out.add(0, x);
                    if (x.equals(from)) {
                        return out;
                    }
                }
            }
            for (String n : g.successors(c)) { // Guava keeps insertion order: the same path every time
                if (parent.putIfAbsent(n, c) == null) {
                    queue.add(n);
                }
            }
        }
        return null;
    }

    /** The summary of the first transition from {@code state} that fails (a rule, an assertion, a model error), or null. */
    private static String failsNextSummary(ModelSystem sys, int[] state) {
        String[] first = {null};
        sys.expand(-1, state, new TransitionSystem.Successors() {
            @Override public void successor(int l, int[] next) { }
            @Override public void failure(int l, Failure f) {
                if (first[0] == null) {
                    first[0] = ((Problem) f).summary();
                }
            }
            @Override public void stateFailure(Failure f) { }
        });
        return first[0];
    }

    /** Adds to {@code met} the goals that {@code state} meets (one that throws there meets nothing). */
    private static void goalsMet(Model model, ModelSystem sys, int[] state, java.util.Set<String> met) {
        for (Map.Entry<String, java.util.function.Predicate<org.migcheck.model.lang.StateView>> g : model.goals().entrySet()) {
            try {
                if (!met.contains(g.getKey()) && ModelSystem.reached(g.getKey(), g.getValue(), sys.semantics().view(state))) {
                    met.add(g.getKey());
                }
            } catch (ModelSystem.GoalFailed failed) {
                // a check that had not met it would have ended here; one that had does not ask it
            }
        }
    }

    /** A goal whose predicate throws on {@code state} (check reports it as the model's error there), else null. */
    private static Problem goalThrows(Model model, ModelSystem sys, int[] state) {
        return goalThrows(model, sys, state, java.util.Set.of());
    }

    /** As {@link #goalThrows(Model, ModelSystem, int[])}, leaving out the goals in {@code skip}. */
    private static Problem goalThrows(Model model, ModelSystem sys, int[] state, java.util.Set<String> skip) {
        for (Map.Entry<String, java.util.function.Predicate<org.migcheck.model.lang.StateView>> g : model.goals().entrySet()) {
            if (skip.contains(g.getKey())) {
                continue;
            }
            try {
                ModelSystem.reached(g.getKey(), g.getValue(), sys.semantics().view(state));
            } catch (ModelSystem.GoalFailed failed) {
                return new Problem.ModelFault(failed.goal, failed.getMessage(), -1, -1);
            }
        }
        return null;
    }

    private static Ending ending(Trace trace, boolean last, Problem p, String where) {
        if (!last && p instanceof Problem.ModelFault f) {
            // every step so far is a real transition, so the model's own code (a rule, a step, an invariant) fails at a
            // reachable state: that is the model's error (exit 5), whatever the rest of the token
            return new Ending(trace, Verdict.MODEL_ERROR, null, f.summary() + " (at " + where + ", before the schedule ends)", List.of());
        }
        if (!last) {
            throw new IllegalArgumentException(where + " already fails (" + p.summary() + ") before the schedule ends"
                    + (p instanceof Problem.RuleBroken ? ": if the check that printed the token left rules out (--skip-rule, --rule),"
                            + " give the same option before replay, as its replay line (JSON: replayCommand) does" : ""));
        }
        String rule = p instanceof Problem.RuleBroken b ? b.ruleId() : null;
        String msg = p instanceof Problem.RuleBroken b ? b.message() : p.summary();
        return new Ending(trace, p.verdict(), rule, msg, List.of());
    }

    /** The transition {@code label} from {@code state} ({@code -1}: none, only the state's own failure). */
    private static Step step(ModelSystem sys, int[] state, int label) {
        Step out = new Step();
        sys.expand(-1, state, new TransitionSystem.Successors() {
            @Override public void successor(int l, int[] next) {
                if (l == label) {
                    out.next = next;
                }
            }

            @Override public void failure(int l, Failure f) {
                if (l == label) {
                    out.failure = (Problem) f;
                }
            }

            @Override public void stateFailure(Failure f) { out.stateFailure = f; }
        });
        if (label >= 0 && out.next == null && out.failure == null) {
            throw new IllegalArgumentException("transition " + label + " is not enabled"); // Trace.replay checked this already
        }
        return out;
    }

    private static final class Step {
        int[] next;
        Problem failure;
        Failure stateFailure;
    }

    /**
     * The stuck-thread analysis of the check, applied to {@code start} and the states reachable from it: {thread, 0}
     * for the lowest thread blocked in {@code start} outside an idle point that can never move again (daemons too: a
     * kernel thread hung for good); else {thread, 1} for the lowest non-daemon thread that can never finish nor come
     * to rest at an idle point (a livelock); {-1, -1} when there is none; null when the states reachable from
     * {@code start} exceed {@link #STUCK_SEARCH_LIMIT}. The check names the same thread of a state it reports: it
     * looks for a thread blocked for good in every state before it reports any livelock, and takes the lowest.
     * {@code failureAhead[0]} gets the summary of the first failing transition or state (a deadlock, a broken invariant)
     * met among them (a check reports no stuck thread where one is reachable), and the analysis stops there with {-1, -1}.
     */
    static int[] doomedThread(ModelSystem sys, int[] start, String[] failureAhead) {
        Model m = sys.semantics().model();
        Semantics sem = sys.semantics();
        int threads = m.threadCount();
        int blockedAtStart = 0; // blocked outside an idle point, as the check's blocked mask
        for (int t = 0; t < threads; t++) {
            if (!rests(sem, start, t) && sem.blockReason(start, t) != null) {
                blockedAtStart |= 1 << t;
            }
        }
        int finish = ~Checker.daemons(m) & Checker.allThreads(threads);
        // what could still be doomed in start: the threads blocked there (until one is seen to move in some state
        // reachable from it), and the non-daemon threads (until seen at rest); when none is left, nothing is doomed and
        // the search ends there (a lock-order or cut-short token does not pay for a whole search)
        int mayNotMove = blockedAtStart;
        int mayNotRest = finish;
        java.util.Map<Vector, Integer> ids = new java.util.HashMap<>();
        List<int[]> states = new ArrayList<>();
        IntPages succ = new IntPages(16);     // successor ids, state after state
        IntPages succEnd = new IntPages(16);  // where each state's successors end in succ
        IntPages moves = new IntPages(16);    // threads with a transition from the state
        IntPages restMask = new IntPages(16); // threads at rest in the state
        ids.put(new Vector(start), 0);
        states.add(start);
        for (int i = 0; i < states.size(); i++) {
            int[] s = states.get(i);
            int[] enabled = {0};
            List<int[]> next = new ArrayList<>();
            sys.expand(-1, s, new TransitionSystem.Successors() {
                @Override public void successor(int l, int[] n) {
                    enabled[0] |= 1 << sys.actorOf(l);
                    next.add(n);
                }
                @Override public void failure(int l, Failure f) {
                    enabled[0] |= 1 << sys.actorOf(l);
                    if (failureAhead[0] == null) {
                        failureAhead[0] = ((Problem) f).summary();
                    }
                }
                @Override public void stateFailure(Failure f) {
                    if (failureAhead[0] == null) {
                        failureAhead[0] = ((Problem) f).summary();
                    }
                }
            });
            if (failureAhead[0] != null) {
                return new int[] {-1, -1};
            }
            int rest = 0;
            for (int t = 0; t < threads; t++) {
                if (rests(sem, s, t)) {
                    rest |= 1 << t;
                }
            }
            mayNotMove &= ~enabled[0];
            mayNotRest &= ~rest;
            if (mayNotMove == 0 && mayNotRest == 0) {
                return new int[] {-1, -1};
            }
            for (int[] n : next) {
                Vector key = new Vector(n);
                Integer id = ids.get(key);
                if (id == null) {
                    Failure broken = sys.checkState(n); // an invariant, which the check asks of every state it stores
                    if (broken != null) {
                        failureAhead[0] = ((Problem) broken).summary();
                        return new int[] {-1, -1};
                    }
                    if (states.size() >= STUCK_SEARCH_LIMIT) {
                        return null;
                    }
                    id = states.size();
                    ids.put(key, id);
                    states.add(n);
                }
                succ.add(id);
            }
            succEnd.add((int) succ.size());
            moves.add(enabled[0]);
            restMask.add(rest);
        }
        ids = null;
        states = null;
        // can move again / can come to rest: a thread's bit flows from the states where it moves (rests) to their
        // predecessors, through a worklist (a state's bits only grow, so it is queued again at most twice per thread)
        int n = (int) moves.size();
        int[] canMove = new int[n];
        int[] canRest = new int[n];
        for (int i = 0; i < n; i++) {
            canMove[i] = moves.get(i);
            canRest[i] = restMask.get(i);
        }
        int[] predStart = new int[n + 1];
        for (long k = 0; k < succ.size(); k++) {
            predStart[succ.get(k) + 1]++;
        }
        for (int i = 0; i < n; i++) {
            predStart[i + 1] += predStart[i];
        }
        int[] pred = new int[(int) succ.size()];
        int[] fill = java.util.Arrays.copyOf(predStart, n);
        for (int i = 0, k = 0; i < n; i++) {
            for (; k < succEnd.get(i); k++) {
                pred[fill[succ.get(k)]++] = i;
            }
        }
        ArrayDeque<Integer> work = new ArrayDeque<>();
        boolean[] queued = new boolean[n];
        for (int i = 0; i < n; i++) {
            work.add(i);
            queued[i] = true;
        }
        while (!work.isEmpty()) {
            int j = work.poll();
            queued[j] = false;
            for (int k = predStart[j]; k < predStart[j + 1]; k++) {
                int i = pred[k];
                int mv = canMove[i] | canMove[j];
                int rs = canRest[i] | canRest[j];
                if (mv != canMove[i] || rs != canRest[i]) {
                    canMove[i] = mv;
                    canRest[i] = rs;
                    if (!queued[i]) {
                        work.add(i);
                        queued[i] = true;
                    }
                }
            }
        }
        // the check's own choice, on the one state start
        int blocked = blockedAtStart;
        int[][] doomed = Checker.doomed(1, s -> blocked, s -> canMove[0], s -> canRest[0], threads, finish);
        return doomed[0] != null ? new int[] {doomed[0][1], 0} : doomed[1] != null ? new int[] {doomed[1][1], 1} : new int[] {-1, -1};
    }

    /** A state vector as a hash key, compared by content (one object per state, no boxed copy). */
    record Vector(int[] slots) {
        @Override public boolean equals(Object o) { return o instanceof Vector v && java.util.Arrays.equals(slots, v.slots); }
        @Override public int hashCode() { return java.util.Arrays.hashCode(slots); }
    }

    private static boolean rests(Semantics sem, int[] s, int t) {
        return sem.finished(s, t) || sem.atIdlePoint(s, t);
    }
}
