package org.migcheck.checker.run;

import java.util.List;
import java.util.Map;
import org.migcheck.checker.engine.Stats;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.checker.engine.Words;

/**
 * Everything one check found: the verdict, the broken rule, the counterexample schedule and its
 * explanation, reachability answers, and statistics. The trace is rendered by replaying the schedule.
 *
 * @param model        the model checked
 * @param verdict      the verdict
 * @param ruleId       the rule broken (VIOLATED), or null
 * @param message      one line naming the objects involved
 * @param schedule     the counterexample (labels {@code thread | alt << 8}); empty when none
 * @param explanation  deadlock / stuck / lock-cycle explanation lines (who waits for what, the cycle)
 * @param witnesses    further schedules that support the verdict (each edge of a lock-order cycle), titled
 * @param goals        reachability answers by goal name
 * @param stats        search statistics
 * @param limit        the budget that made the run incomplete, or null
 * @param notes        remarks on coverage (liveness not checked, ...)
 * @param unreached    after an exhaustive search: the steps no interleaving executed ("procedure: function"),
 *                     which is dead code in this variant; empty otherwise
 * @param saturated    model bounds some explored state reached (HOLDS only; see {@link Saturation})
 * @param reductions   which reductions ran (symmetry, partial-order reduction) and what they did, or null when none ran
 * @param rule         the broken rule's statement and kernel reference from the rule set the check ran with, or null
 *                     (no rule broken, or a result not yet returned by {@link Checker#check}); reports read it
 *                     through {@link org.migcheck.checker.trace.RuleInfo#of(CheckResult)}
 * @param continuation for a stuck thread: one way the model goes on forever from the schedule's last state, a
 *                     path into a cycle ({@link Continuation}), or null (another verdict, or none was found: too
 *                     many states follow that state, or looking for one failed; the explanation says which)
 */
public record CheckResult(Model model, Verdict verdict, String ruleId, String message, int[] schedule,
                          List<String> explanation, List<Witness> witnesses, Map<String, GoalResult> goals,
                          Stats stats, String limit, List<String> notes, List<Unreached> unreached,
                          List<Saturation> saturated, String reductions, org.migcheck.checker.trace.RuleInfo rule,
                          Continuation continuation) {

    /**
     * The message, explanation and notes each as lines a report prints as they are: they carry the model's own text
     * (an exception's message, a goal's, a block reason's), in which a newline would forge a report line and an
     * escape sequence reach the terminal ({@link org.migcheck.model.lang.UserCode#oneLine}).
     */
    public CheckResult {
        message = org.migcheck.model.lang.UserCode.oneLine(message);
        explanation = explanation == null ? null : explanation.stream().map(org.migcheck.model.lang.UserCode::oneLine).toList();
        notes = notes == null ? null : notes.stream().map(org.migcheck.model.lang.UserCode::oneLine).toList();
    }

    /** A result without a continuation. */
    public CheckResult(Model model, Verdict verdict, String ruleId, String message, int[] schedule,
                       List<String> explanation, List<Witness> witnesses, Map<String, GoalResult> goals,
                       Stats stats, String limit, List<String> notes, List<Unreached> unreached,
                       List<Saturation> saturated, String reductions, org.migcheck.checker.trace.RuleInfo rule) {
        this(model, verdict, ruleId, message, schedule, explanation, witnesses, goals, stats, limit, notes, unreached, saturated, reductions, rule, null);
    }

    /** This result with a continuation of its schedule's last state. */
    public CheckResult withContinuation(Continuation c) {
        return new CheckResult(model, verdict, ruleId, message, schedule, explanation, witnesses, goals, stats, limit, notes,
                unreached, saturated, reductions, rule, c);
    }

    /** A result without its rule's text (which {@link Checker#check} adds with {@link #withRule}). */
    public CheckResult(Model model, Verdict verdict, String ruleId, String message, int[] schedule,
                       List<String> explanation, List<Witness> witnesses, Map<String, GoalResult> goals,
                       Stats stats, String limit, List<String> notes, List<Unreached> unreached,
                       List<Saturation> saturated, String reductions) {
        this(model, verdict, ruleId, message, schedule, explanation, witnesses, goals, stats, limit, notes, unreached, saturated, reductions, null);
    }

    /** This result with the text of its broken rule. */
    public CheckResult withRule(org.migcheck.checker.trace.RuleInfo info) {
        return new CheckResult(model, verdict, ruleId, message, schedule, explanation, witnesses, goals, stats, limit, notes,
                unreached, saturated, reductions, info, continuation);
    }

    /**
     * A model bound (see {@code org.migcheck.model.lang.Bound}) that explored states saturated: in
     * {@code states} states the loop of {@code procedure} wanted another pass but had made
     * {@code limit} already. A HOLDS with saturated bounds is a fact about the model, not the kernel.
     */
    public record Saturation(String bound, String procedure, int limit, long states, String simplification) {
        @Override public String toString() {
            return bound + " (limit " + limit + ") in " + procedure + ": reached in " + Words.count(states, "state");
        }
    }

    /** A result without a reductions line. */
    public CheckResult(Model model, Verdict verdict, String ruleId, String message, int[] schedule,
                       List<String> explanation, List<Witness> witnesses, Map<String, GoalResult> goals,
                       Stats stats, String limit, List<String> notes, List<Unreached> unreached, List<Saturation> saturated) {
        this(model, verdict, ruleId, message, schedule, explanation, witnesses, goals, stats, limit, notes, unreached, saturated, null);
    }

    /** A result with a coverage report and no saturated bounds. */
    public CheckResult(Model model, Verdict verdict, String ruleId, String message, int[] schedule,
                       List<String> explanation, List<Witness> witnesses, Map<String, GoalResult> goals,
                       Stats stats, String limit, List<String> notes, List<Unreached> unreached) {
        this(model, verdict, ruleId, message, schedule, explanation, witnesses, goals, stats, limit, notes, unreached, List.of(), null);
    }

    /** This result with its reductions line. */
    public CheckResult withReductions(String line) {
        return new CheckResult(model, verdict, ruleId, message, schedule, explanation, witnesses, goals, stats, limit, notes,
                unreached, saturated, line, rule, continuation);
    }

    /** This result with other goal answers and notes. */
    public CheckResult withGoals(Map<String, GoalResult> answers, List<String> newNotes) {
        return new CheckResult(model, verdict, ruleId, message, schedule, explanation, witnesses, answers, stats, limit,
                List.copyOf(newNotes), unreached, saturated, reductions, rule, continuation);
    }

    /** This result with one more note. */
    public CheckResult withNote(String note) {
        List<String> more = new java.util.ArrayList<>(notes);
        more.add(note);
        return new CheckResult(model, verdict, ruleId, message, schedule, explanation, witnesses, goals, stats, limit, List.copyOf(more),
                unreached, saturated, reductions, rule, continuation);
    }

    /**
     * A transition no interleaving executed: its program counter and "procedure: function" ({@code base});
     * when the procedure has {@code copies} &gt; 1 steps of that description, this is the {@code copy}-th
     * in code order.
     */
    public record Unreached(int pc, String base, int copy, int copies) {
        /** The only step of its description. */
        public Unreached(int pc, String step) {
            this(pc, step, 1, 1);
        }

        /** "procedure: function", with " [copy/copies]" when the procedure has several such steps. */
        public String step() {
            return copies > 1 ? base + " [" + copy + "/" + copies + "]" : base;
        }

        @Override public String toString() { return step(); }
    }

    /** A result without a coverage report. */
    public CheckResult(Model model, Verdict verdict, String ruleId, String message, int[] schedule,
                       List<String> explanation, List<Witness> witnesses, Map<String, GoalResult> goals,
                       Stats stats, String limit, List<String> notes) {
        this(model, verdict, ruleId, message, schedule, explanation, witnesses, goals, stats, limit, notes, List.of());
    }

    /**
     * A titled schedule, e.g. one acquisition path of a lock-order cycle.
     *
     * @param edge  for a lock-order path, the dependency it shows; null otherwise
     */
    public record Witness(String title, int[] schedule, LockEdge edge) {
        public Witness(String title, int[] schedule) { this(title, schedule, null); }

        public Trace trace(Model m) { return Trace.replay(m, schedule); }
    }

    /**
     * One edge of a lock-class dependency cycle: {@code thread} took lock {@code acquired} (class
     * {@code toClass}) while holding {@code held} (class {@code fromClass}), at the last step of its path.
     */
    public record LockEdge(String fromClass, String toClass, int thread, String held, String acquired) {}

    /**
     * The answer to {@code reachable(goal)}.
     *
     * @param answer    REACHABLE with a witness, UNREACHABLE after an exhaustive search,
     *                  UNDECIDED when a counterexample stopped the search first, UNKNOWN when a budget did
     * @param witness   the schedule reaching the goal, or null
     * @param shortest  whether the witness is known to be a shortest schedule to a goal state: found by a
     *                  breadth-first search without partial-order reduction (symmetry keeps lengths), or
     *                  re-shortened by one; false after a depth-first search, or when the search with
     *                  partial-order reduction found it and the BFS without it did not fit the budget
     */
    public record GoalResult(Answer answer, int[] witness, boolean shortest) {
        public enum Answer {
            REACHABLE, UNREACHABLE,
            /** A counterexample stopped the search before the goal was reached; {@code --decide-goals} searches on. */
            UNDECIDED,
            UNKNOWN;

            /** "reachable", "unreachable", "undecided: search stopped at the counterexample", "unknown". */
            public String describe() {
                return this == UNDECIDED ? "undecided: search stopped at the counterexample" : name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /** The counterexample rendered by replay (empty trace when there is none). */
    public Trace trace() { return Trace.replay(model, schedule); }

    public boolean hasCounterexample() { return schedule.length > 0 || verdict == Verdict.DEADLOCK; }
}
