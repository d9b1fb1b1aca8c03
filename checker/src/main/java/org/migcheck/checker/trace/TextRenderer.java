package org.migcheck.checker.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.engine.Words;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;

/**
 * Renders a check as text: the verdict line, the explanation (who waits for what, the cycle, which
 * locks are held since which step), then the interleaving, where every thread rests at the end, the
 * broken rule under the failing step, and the replay token.
 *
 * <p>Nothing is cut: the interleaving has one column per thread when the columns fit the width
 * (cells wrap within their column), and one step per line (thread, step, then its changes
 * indented below) when they do not.
 */
public final class TextRenderer {
    /** Width used when none is given (golden files, JUnit messages). */
    public static final int DEFAULT_WIDTH = 120;
    /** Narrowest thread column of the column layout; below it the one-step-per-line layout is used. */
    private static final int MIN_COLUMN = 30;
    /** Narrowest changes column of the column layout. */
    private static final int MIN_CHANGES = 24;
    /** Unreached steps listed in the text report; JSON lists them all. */
    private static final int MAX_UNREACHED = 8;

    private TextRenderer() {}

    /** What a counterexample without a step says: the initial state itself is the one reported (text and HTML). */
    static String noStep(CheckResult r) {
        if (r.verdict() == org.migcheck.checker.run.Verdict.MODEL_ERROR && r.stats().distinct() == 0) {
            // refused before the search stored a state: a rule's declaration (a watched variable of another model, a
            // throwing vacuous() or triggers()), not the initial state
            return "no step: the check stopped before it explored the initial state";
        }
        return noStep(r.verdict());
    }

    /** What a trace without a step that ends in {@code v} says (check and replay print the same). */
    public static String noStep(org.migcheck.checker.run.Verdict v) {
        return v == org.migcheck.checker.run.Verdict.STUCK ? "no step: the thread is already doomed in the initial state"
                : "no step: the initial state already fails";
    }

    /** The report of {@code o} at {@code width} columns, with timings. */
    public static String render(ScenarioRunner.Outcome o, int width) {
        return render(o, width, false);
    }

    /**
     * As {@link #render(ScenarioRunner.Outcome, int)}; with {@code callStacks} every trace prints one step per line, and
     * under each step whose kernel call path is not that of its thread's previous step, the path ("in folio_lock &lt;-
     * __find_get_block_slow &lt;- ... &lt;- mkdir"): steps with the same label in different callers read apart
     * ({@code --call-stacks}).
     */
    public static String render(ScenarioRunner.Outcome o, int width, boolean callStacks) {
        return render(o.title(), o.result(), o.expected() == null ? null : o.expected().describe(), o.replayArgs(), true, width,
                variantDoc(o), scenarioPage(o), callStacks);
    }

    /**
     * The report's lines on saturated model bounds (text and HTML): one per bound, then what that means for
     * the HOLDS and how far {@code --bounds} should go; none when no bound was reached.
     */
    static List<String> boundLines(CheckResult r) {
        if (r.saturated().isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (CheckResult.Saturation b : r.saturated()) {
            out.add("bound saturated: " + b.bound() + " (limit " + b.limit() + ") in " + b.procedure() + ", reached in "
                    + Words.count(b.states(), "state") + "; " + b.simplification());
        }
        out.add("this HOLDS depends on the bounds above (not a kernel fact): re-check with --bounds +1" + toKernel(r));
        return out;
    }

    /**
     * When every saturated bound declares the kernel's own limit: "; --bounds +K lets every loop above run
     * as far as the kernel's", K the largest gap between a bound's limit in this model and the kernel's; else "".
     */
    private static String toKernel(CheckResult r) {
        if (r.model() == null) {
            return "";
        }
        int k = 0;
        for (CheckResult.Saturation s : r.saturated()) {
            org.migcheck.model.lang.Bound b = r.model().bounds().stream().filter(x -> x.name().equals(s.bound())).findFirst().orElse(null);
            if (b == null || b.kernelLimit() == 0) {
                return "";
            }
            k = Math.max(k, b.kernelLimit() - r.model().limit(b));
        }
        return k > 1 ? "; --bounds +" + k + " lets every loop above run as far as the kernel's" : "";
    }

    /**
     * "unreached in this variant (N steps never executed): ...": the first {@code maxGroups} groups of
     * {@link #unreachedGroups}, and how many steps the rest hold.
     */
    static String unreachedLine(List<CheckResult.Unreached> unreached, int maxGroups) {
        List<List<CheckResult.Unreached>> groups = unreachedGroups(unreached);
        int shown = Math.min(groups.size(), maxGroups);
        int hidden = groups.subList(shown, groups.size()).stream().mapToInt(List::size).sum();
        return "unreached in this variant (" + Words.count(unreached.size(), "step") + " never executed): "
                + String.join("; ", groups.subList(0, shown).stream().map(TextRenderer::unreachedText).toList())
                + (hidden > 0 ? "; ... (" + Words.count(hidden, "more step") + "; --format json lists all)" : "");
    }

    /** A goal that holds in the initial state: its witness has no steps. */
    static String initialWitness(String goal) {
        return "reachable(" + goal + ") holds in the initial state: its witness has no steps";
    }

    /** "shortest witness of reachable(g)", or "witness of reachable(g), not necessarily a shortest one". */
    static String witnessTitle(String goal, CheckResult.GoalResult g) {
        return (g.shortest() ? "shortest witness of reachable(" : "witness of reachable(") + goal
                + (g.shortest() ? ")" : "), not necessarily a shortest one");
    }

    /** The unreached steps, the numbered copies of one description together, in order of first appearance. */
    static List<List<CheckResult.Unreached>> unreachedGroups(List<CheckResult.Unreached> unreached) {
        Map<String, List<CheckResult.Unreached>> groups = new java.util.LinkedHashMap<>();
        for (CheckResult.Unreached u : unreached) {
            groups.computeIfAbsent(u.base(), k -> new ArrayList<>()).add(u);
        }
        return List.copyOf(groups.values());
    }

    /** One group: "procedure: function", or with its copies "[2, 5 of 9]" / "[all 2]". */
    static String unreachedText(List<CheckResult.Unreached> group) {
        CheckResult.Unreached first = group.get(0);
        if (first.copies() == 1) {
            return first.base();
        }
        return first.base() + " [" + (group.size() == first.copies() ? "all " + first.copies()
                : String.join(", ", group.stream().map(u -> Integer.toString(u.copy())).toList()) + " of " + first.copies()) + "]";
    }

    /** The named variant's description (its kind first, then what it assumes), or null for knob settings no variant names. */
    public static String variantDoc(ScenarioRunner.Outcome o) {
        org.migcheck.model.scenarios.Variant v = o.variant() == null ? null : o.scenario().variant(o.variant());
        return v == null || v.doc() == null || v.doc().isBlank() ? null : v.doc();
    }

    /**
     * "model: docs/scenarios/X.md (...)": where a bundled scenario's simplifications and kernel sources are written down
     * (its reference names the page), or null (the zoo, users' scenarios without such a page).
     */
    public static String scenarioPage(ScenarioRunner.Outcome o) {
        String ref = o.scenario().reference();
        String page = ref == null ? null : java.util.Arrays.stream(ref.split("[;,]\\s*"))
                .filter(x -> x.startsWith("docs/scenarios/") && x.endsWith(".md")).findFirst().orElse(null);
        return page == null ? null : "model: " + page + " (what it simplifies, the kernel sources it follows)";
    }

    /**
     * @param title     "scenario / variant" as the user named it
     * @param expected  the declared expectation, or null
     * @param token     the replay token, or null
     */
    public static String render(String title, CheckResult r, String expected, String token) {
        return render(title, r, expected, token, true, DEFAULT_WIDTH);
    }

    /** As {@link #render(String, CheckResult, String, String)}; without {@code timings} the output is byte-for-byte stable (golden files). */
    public static String render(String title, CheckResult r, String expected, String token, boolean timings) {
        return render(title, r, expected, token, timings, DEFAULT_WIDTH);
    }

    public static String render(String title, CheckResult r, String expected, String token, boolean timings, int width) {
        return render(title, r, expected, token, timings, width, null, null, false);
    }

    /**
     * As above; {@code variantDoc} (or null) goes under the verdict line, however many lines that takes:
     * what the variant stands for (shipped kernel, proposal, hypothetical, mutation) and what it assumes,
     * so that a pasted report says it as the catalogue does.
     */
    private static String render(String title, CheckResult r, String expected, String token, boolean timings, int width,
                                 String variantDoc, String page, boolean stacks) {
        StringBuilder out = new StringBuilder();
        StringBuilder head = new StringBuilder(title).append(": ").append(r.verdict().name());
        if (r.ruleId() != null) {
            head.append(' ').append(r.ruleId());
        }
        if (expected != null) {
            head.append(" (expected: ").append(expected).append(')');
        }
        String size = String.format(java.util.Locale.ROOT, "states %d, depth %d", r.stats().distinct(), r.stats().maxDepth())
                + (timings && Timings.shown() ? String.format(java.util.Locale.ROOT, ", %.2f s", r.stats().seconds()) : "");
        if (head.length() + 3 + size.length() <= width) {
            out.append(head).append("   ").append(size).append('\n');
        } else {
            para(out, head.toString(), width, "");
            out.append("  ").append(size).append('\n');
        }
        if (variantDoc != null) {
            para(out, "variant: " + variantDoc, width, "  ");
        }
        if (page != null) {
            para(out, page, width, "  ");
        }
        if (r.reductions() != null) {
            para(out, "reductions: " + r.reductions(), width, "  ");
        }
        para(out, r.message(), width, "  ");
        RuleInfo rule = RuleInfo.of(r);
        if (rule != null) {
            para(out, "rule " + rule.line(), width, "  ");
        }
        for (String line : r.explanation()) {
            para(out, line, width, "  ");
        }
        Trace trace = r.model() != null && failed(r) ? r.trace() : null;
        if (trace != null && r.witnesses().isEmpty()) {
            for (String line : heldLocks(trace, breaksAt(r, trace))) {
                para(out, line, width, "  ");
            }
        }
        // after a counterexample, --decide-goals answers the goals with a second search, whose count its note gives
        boolean second = r.notes().stream().anyMatch(n -> n.startsWith("goals decided by a second search"));
        for (Map.Entry<String, CheckResult.GoalResult> g : r.goals().entrySet()) {
            StringBuilder line = new StringBuilder("reachable(").append(g.getKey()).append("): ").append(g.getValue().answer().describe());
            if (g.getValue().answer() == CheckResult.GoalResult.Answer.UNREACHABLE) {
                line.append(second ? " (exhaustive: the second search's states, in its note below)"
                        : " (exhaustive: " + r.stats().distinct() + " states)");
            }
            para(out, line.toString(), width, "  ");
        }
        for (String n : r.notes()) {
            para(out, "note: " + n, width, "  ");
        }
        if (!r.unreached().isEmpty()) {
            para(out, unreachedLine(r.unreached(), MAX_UNREACHED), width, "  ");
        }
        for (String line : boundLines(r)) {
            para(out, line, width, "  ");
        }
        if (r.limit() != null) {
            para(out, "INCOMPLETE: " + r.limit() + "; nothing is claimed about the unexplored states", width, "  ");
        }
        if (timings) {
            para(out, r.stats().line(Timings.shown()), width, "  ");
            if (r.stats().storeLine() != null) {
                para(out, r.stats().storeLine(), width, "  ");
            }
        } else {
            para(out, Words.count(r.stats().distinct(), "distinct state") + ", " + Words.count(r.stats().generated(), "transition"), width, "  ");
        }
        if (trace != null && r.witnesses().isEmpty()) {
            out.append('\n');
            if (trace.rows().isEmpty()) {
                out.append("  (").append(noStep(r)).append(")\n");
            } else {
                out.append(table(trace, width, stacks));
            }
            failingStep(out, trace, r, rule, width);
            out.append(restingPlaces(trace, width));
            out.append(continuation(r.model(), r.schedule(), r.continuation(), width, stacks));
        }
        int path = 0;
        for (CheckResult.Witness w : r.witnesses()) {
            path++;
            out.append('\n');
            para(out, "path " + path + ": " + w.title(), width, "  ");
            out.append(table(w.trace(r.model()), width, stacks));
            String own = ScenarioRunner.withSchedule(token, w.schedule());
            if (own != null && r.witnesses().size() > 1) {
                // each path replays on its own (the last line is path 1's): a reader checks the one that looks wrong
                replayLine(out, "  replay path " + path + ": ", "  token path " + path + ": ", own);
            }
        }
        if (!r.witnesses().isEmpty() && r.witnesses().get(0).edge() != null) {
            out.append('\n').append(LockdepReport.render(r.model(), r.witnesses()));
        }
        for (Map.Entry<String, CheckResult.GoalResult> g : r.goals().entrySet()) {
            if (g.getValue().witness() != null && r.verdict() == Verdict.HOLDS) {
                if (g.getValue().witness().length == 0) {
                    // a table of no steps read as a broken report
                    out.append("\n  ").append(initialWitness(g.getKey())).append('\n');
                    continue;
                }
                out.append("\n  ").append(witnessTitle(g.getKey(), g.getValue())).append(":\n")
                        .append(table(Trace.replay(r.model(), g.getValue().witness()), width, stacks));
            }
        }
        if (token != null && (r.schedule().length > 0 || failed(r))) {
            replayLine(out, "replay: ", "token: ", token);
        }
        return out.toString();
    }

    /**
     * Tokens longer than this are not printed inside the replay command: Linux passes no single argument longer than
     * 128 KiB (a review's counterexample of 70,001 steps printed a line the shell refused, "Argument list too long").
     */
    public static final int TOKEN_ARGUMENT_LIMIT = 100_000;

    /** The replay command of {@code token}; a token too long for a command line goes on a line of its own, for a file. */
    private static void replayLine(StringBuilder out, String lead, String tokenLead, String token) {
        out.append(replayLines(lead, tokenLead, ScenarioRunner.replayCommand(token), token));
    }

    /**
     * {@code lead} and {@code command}, the replay command line of {@code token} (shell-quoted in it), as a line; when the token is longer than
     * {@link #TOKEN_ARGUMENT_LIMIT}, the command reads {@code @FILE} in its place and the token follows on a line of its
     * own, after {@code tokenLead} (check's report and the JUnit facade's alike).
     */
    public static String replayLines(String lead, String tokenLead, String command, String token) {
        if (token.length() <= TOKEN_ARGUMENT_LIMIT) {
            return lead + command + "\n";
        }
        return lead + command.replace(ScenarioRunner.shellQuote(token), "@FILE") + "   (FILE: the token on the next line, without \"" + tokenLead.strip() + " \"; at "
                + String.format(java.util.Locale.ROOT, "%,d", token.length()) + " characters it is longer than a command line passes as one"
                + " argument)\n" + tokenLead + token + "\n";
    }

    /** Whether the result is a failure with a (possibly empty) counterexample: every verdict but HOLDS and INCOMPLETE. */
    static boolean failed(CheckResult r) {
        return r.verdict() == Verdict.VIOLATED || r.verdict() == Verdict.DEADLOCK || r.verdict() == Verdict.STUCK
                || (r.verdict() == Verdict.MODEL_ERROR && r.model() != null);
    }

    /** Under the table: which step broke which rule, with the rule's statement and kernel reference. */
    private static void failingStep(StringBuilder out, Trace t, CheckResult r, RuleInfo rule, int width) {
        List<String> shown = shownRows(t); // as the table shows the rows, with a repeated label's [in fn]
        for (int i = 0; i < t.rows().size(); i++) {
            Trace.Row row = t.rows().get(i);
            if (row.failure() != null) {
                para(out, "^ step " + (i + 1) + " (" + t.model().thread(row.thread()).name() + ": " + shown.get(i) + ") fails: "
                        + row.failure(), width, "  ");
                callPath(out, t, i, width);
                if (rule != null) {
                    para(out, "  broken rule " + rule.line(), width, "  ");
                }
            }
        }
        int at = breaksAt(r, t);
        if (at >= 0) {
            Trace.Row row = t.rows().get(at);
            para(out, "^ " + r.ruleId() + " breaks at step " + (at + 1) + " (" + t.model().thread(row.thread()).name() + ": "
                    + shown.get(at) + "): " + r.message(), width, "  ");
            callPath(out, t, at, width);
            if (rule != null) {
                para(out, "  broken rule " + rule.line(), width, "  ");
            }
            // the search ends at the first broken rule: a reader deciding on a patch wants to know what else follows
            // (not under --rule, with which --skip-rule is refused: there, --rule itself chooses)
            boolean chosen = r.notes().stream().anyMatch(n -> n.startsWith(org.migcheck.checker.run.ScenarioRunner.RULE_SELECTION_NOTE));
            if (!chosen) {
                para(out, "  the search stops at the first broken rule: --skip-rule " + r.ruleId() + " (Java: rules.without(\""
                        + r.ruleId() + "\")) re-checks without it, to see what follows (a deadlock, another rule)", width, "  ");
            }
        }
    }

    /**
     * "  in: f &lt;- g &lt;- thread": the kernel functions the thread of row {@code i} was in when it
     * took that step (procedures cut at their first '/', the thread's own body named whole), when the
     * step is inside a call; the reader judging a patch sees the kernel path, as a deadlock's report shows it.
     */
    private static void callPath(StringBuilder out, Trace t, int i, int width) {
        List<String> stack = t.callStack(i);
        if (stack.size() > 1) {
            para(out, "  in: " + String.join(" <- ", stack), width, "  ");
        }
    }

    /**
     * The row where a rule that no step raised itself breaks: the last step of a VIOLATED trace whose
     * step ran (a step rule looks at that transition, an invariant at the state it reaches); -1 when a
     * row carries its own failure (an assertion), for lock-order witnesses, and for other verdicts.
     */
    static int breaksAt(CheckResult r, Trace t) {
        return r.witnesses().isEmpty() ? breaksAt(r.verdict(), r.ruleId(), t) : -1;
    }

    /** As {@link #breaksAt(CheckResult, Trace)} for a trace that ends in {@code verdict} of {@code ruleId} (a replay's). */
    private static int breaksAt(Verdict verdict, String ruleId, Trace t) {
        if (verdict != Verdict.VIOLATED || ruleId == null || t.rows().isEmpty()) {
            return -1;
        }
        for (Trace.Row row : t.rows()) {
            if (row.failure() != null) {
                return -1;
            }
        }
        return t.rows().size() - 1;
    }

    /**
     * The held-lock lines of a replay that ends in {@code verdict} (of {@code ruleId}), as check prints them for the same
     * trace: none for a lock-order path, whose report lists the locks held in its splat.
     */
    public static List<String> heldLocks(Trace t, Verdict verdict, String ruleId) {
        if (org.migcheck.properties.RuleSet.LOCK_CYCLE.equals(ruleId)) {
            return List.of();
        }
        return heldLocks(t, breaksAt(verdict, ruleId, t));
    }

    /** "F held by T since step N (step label)" for every lock held at the end of the trace. */
    static List<String> heldLocks(Trace t) {
        return heldLocks(t, -1);
    }

    /**
     * As {@link #heldLocks(Trace)}; a lock that row {@code breaking} (0-based; -1: none) took is marked
     * as taken by the step that breaks the rule, since a step rule judged the locks held before it.
     */
    static List<String> heldLocks(Trace t, int breaking) {
        List<String> out = new ArrayList<>();
        Model m = t.model();
        int[] s = t.last();
        for (Lock l : m.locks()) {
            int h = s[l.holderVar().slot()] - 1;
            if (h < 0 || h >= m.threadCount()) {
                continue;
            }
            int since = t.heldSince(l, h);
            out.add(l.name() + " held by " + m.thread(h).name() + (since == 0 ? " from the start"
                    : " since step " + since + " (" + t.rows().get(since - 1).shown() + ")"
                    + (since - 1 == breaking ? ", taken by the step that breaks the rule" : "")));
        }
        return out;
    }

    /** Where every thread rests in the trace's last state: finished, blocked (and on what), or its next step. */
    public static String restingPlaces(Trace t) {
        return restingPlaces(t, DEFAULT_WIDTH);
    }

    public static String restingPlaces(Trace t, int width) {
        return restingPlaces(t, width, "where each thread rests:");
    }

    private static String restingPlaces(Trace t, int width, String title) {
        StringBuilder out = new StringBuilder();
        para(out, title, width, "  ");
        for (String line : restingLines(t)) {
            para(out, line, width, "    ");
        }
        return out.toString();
    }

    /** A line per thread: where it rests in the trace's last state ("T: finished", "T: blocked in f(x): why", "T: next g(y)"). */
    static List<String> restingLines(Trace t) {
        Model m = t.model();
        Semantics sem = new Semantics(m);
        int[] s = t.last();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < m.threadCount(); i++) {
            StringBuilder line = new StringBuilder(m.thread(i).name()).append(": ");
            BlockReason why = sem.finished(s, i) ? null : Trace.blockReason(sem, s, i);
            if (sem.finished(s, i)) {
                line.append("finished");
            } else {
                line.append(why == null ? (sem.atIdlePoint(s, i) ? "idle, next " : "next ") : "blocked in ")
                        .append(why == null ? sem.upcoming(s, i) : sem.label(s, i, 0));
                if (why != null) {
                    line.append(": ").append(why.describe(m));
                }
            }
            out.add(line.toString());
        }
        return out;
    }

    /**
     * A stuck report's continuation ({@link org.migcheck.checker.run.Continuation}) after {@code schedule}: its steps,
     * numbered on from the schedule's, the steps that repeat forever, and where each thread is while they do. Empty
     * when there is none.
     */
    public static String continuation(Model m, int[] schedule, org.migcheck.checker.run.Continuation c, int width, boolean stacks) {
        if (c == null) {
            return "";
        }
        StringBuilder out = new StringBuilder("\n");
        Trace t = Trace.continuation(m, schedule, c);
        para(out, continuationTitle(m, c), width, "  ");
        out.append(table(t, width, stacks, schedule.length, stacks ? lastPaths(Trace.replay(m, schedule)) : Map.of()));
        para(out, loopLine(schedule.length, c), width, "  ");
        if (c.loopFrom() > 0) { // else the trace's resting places are the cycle's already
            out.append(restingPlaces(toLoop(t, c), width, cycleStartTitle(schedule.length, c)));
        }
        return out.toString();
    }

    /** The continuation's trace {@code t} up to the state its cycle starts from. */
    static Trace toLoop(Trace t, org.migcheck.checker.run.Continuation c) {
        return new Trace(t.model(), t.rows().subList(0, c.loopFrom()), t.states().subList(0, c.loopFrom() + 1));
    }

    /** "where each thread is as the cycle starts (before step N):", over the resting places of a continuation's cycle. */
    static String cycleStartTitle(int p, org.migcheck.checker.run.Continuation c) {
        return "where each thread is as the cycle starts (before step " + loopStart(p, c) + "):";
    }

    /** The title over a continuation: whom it keeps where, and which one it is. */
    static String continuationTitle(Model m, org.migcheck.checker.run.Continuation c) {
        String name = m.thread(c.thread()).name();
        return "how it goes on, one way of many (on every one " + name + (c.livelock()
                ? " never finishes nor comes to rest at an idle point" : " never moves again") + "): a shortest path to a"
                + " cycle in which each thread takes a step or cannot move at some point, then the cycle";
    }

    /** The number of the step a continuation's cycle starts with, after the {@code p} steps of the trace. */
    static int loopStart(int p, org.migcheck.checker.run.Continuation c) {
        return p + c.loopFrom() + 1;
    }

    /** "then steps X-Y repeat forever: ...", after a continuation; {@code p} steps come before it. */
    static String loopLine(int p, org.migcheck.checker.run.Continuation c) {
        int from = loopStart(p, c);
        int to = p + c.steps().length;
        return (from == to ? "then step " + from + " repeats forever: after it" : "then steps " + from + "-" + to
                + " repeat forever: after step " + to) + " the state is again the one before step " + from;
    }

    /** The interleaving at {@value #DEFAULT_WIDTH} columns. */
    public static String table(Trace t) {
        return table(t, DEFAULT_WIDTH);
    }

    /** As {@link #table(Trace, int)}; with {@code callStacks}, one step per line, each new call path under its step. */
    public static String table(Trace t, int width, boolean callStacks) {
        return table(t, width, callStacks, 0);
    }

    /** As {@link #table(Trace, int, boolean)}, the rows numbered from {@code first + 1} (a continuation's, after the trace's). */
    public static String table(Trace t, int width, boolean callStacks, int first) {
        return table(t, width, callStacks, first, Map.of());
    }

    /**
     * As {@link #table(Trace, int, boolean, int)}; {@code pathsBefore} holds each thread's call path at its last step
     * before the trace (a continuation's trace: a path is printed where it changes, not again at its first step).
     */
    static String table(Trace t, int width, boolean callStacks, int first, Map<Integer, List<String>> pathsBefore) {
        return callStacks ? oneStepPerLine(t, width, true, first, pathsBefore) : table(t, width, first);
    }

    /** Each thread's call path at its last step in {@code t} (threads that took none are absent). */
    static Map<Integer, List<String>> lastPaths(Trace t) {
        Semantics sem = new Semantics(t.model());
        Map<Integer, List<String>> out = new java.util.HashMap<>();
        for (int i = 0; i < t.rows().size(); i++) {
            out.put(t.rows().get(i).thread(), t.callStack(sem, i));
        }
        return out;
    }

    /** The interleaving within {@code width} columns: one column per thread that moves if they fit, else one step per line. */
    public static String table(Trace t, int width) {
        return table(t, width, 0);
    }

    private static String table(Trace t, int width, int first) {
        Model m = t.model();
        List<Integer> cols = new ArrayList<>();
        for (Trace.Row row : t.rows()) {
            if (!cols.contains(row.thread())) {
                cols.add(row.thread());
            }
        }
        cols.sort(Integer::compare);
        int num = Integer.toString(first + t.rows().size()).length();
        int[] natural = new int[m.threadCount()];
        for (int c : cols) {
            natural[c] = m.thread(c).name().length();
        }
        int changesNatural = "changes".length();
        List<String> shown = shownRows(t);
        for (int r = 0; r < t.rows().size(); r++) {
            Trace.Row row = t.rows().get(r);
            natural[row.thread()] = Math.max(natural[row.thread()], shown.get(r).length());
            changesNatural = Math.max(changesNatural, changesText(row).length());
        }
        int fixed = 2 + num + 2 + 2 * cols.size();
        // the changes column gets up to a third of the room, at least MIN_CHANGES; the threads share the rest
        int[] w = fit(cols, natural, width - fixed - Math.min(changesNatural, Math.max(MIN_CHANGES, (width - fixed) / 3)));
        if (w == null) {
            return oneStepPerLine(t, width, false, first, Map.of());
        }
        int used = fixed;
        for (int c : cols) {
            used += w[c];
        }
        int changesWidth = Math.max(MIN_CHANGES, width - used);
        StringBuilder out = new StringBuilder();
        List<List<String>> head = new ArrayList<>();
        head.add(List.of(pad("#", num)));
        for (int c : cols) {
            head.add(wrap(m.thread(c).name(), w[c]));
        }
        head.add(List.of("changes"));
        emit(out, head, cols, w, num);
        int i = 0;
        for (Trace.Row row : t.rows()) {
            i++;
            List<List<String>> cells = new ArrayList<>();
            cells.add(List.of(Integer.toString(first + i)));
            for (int c : cols) {
                cells.add(c == row.thread() ? wrap(shown.get(i - 1), w[c]) : List.of());
            }
            cells.add(wrapItems(row.failure() != null ? List.of("FAILS: " + row.failure()) : row.changes(), changesWidth));
            emit(out, cells, cols, w, num);
        }
        return out.toString();
    }

    /** Column widths for {@code cols} within {@code avail} characters (water-filling), or null when a column would be too narrow. */
    private static int[] fit(List<Integer> cols, int[] natural, int avail) {
        int[] w = natural.clone();
        int sum = 0;
        for (int c : cols) {
            sum += natural[c];
        }
        if (sum <= avail) {
            return w;
        }
        List<Integer> open = new ArrayList<>(cols);
        int left = avail;
        while (!open.isEmpty()) {
            int share = left / open.size();
            List<Integer> small = open.stream().filter(c -> natural[c] <= share).toList();
            if (small.isEmpty()) {
                if (share < MIN_COLUMN) {
                    return null;
                }
                for (int c : open) {
                    w[c] = share;
                }
                return w;
            }
            for (int c : small) {
                left -= natural[c];
            }
            open.removeAll(small);
        }
        return w;
    }

    private static void emit(StringBuilder out, List<List<String>> cells, List<Integer> cols, int[] w, int num) {
        int lines = 0;
        for (List<String> c : cells) {
            lines = Math.max(lines, c.size());
        }
        for (int l = 0; l < Math.max(1, lines); l++) {
            StringBuilder line = new StringBuilder("  ");
            line.append(pad(l < cells.get(0).size() ? cells.get(0).get(l) : "", num)).append("  ");
            for (int k = 0; k < cols.size(); k++) {
                List<String> c = cells.get(k + 1);
                line.append(pad(l < c.size() ? c.get(l) : "", w[cols.get(k)])).append("  ");
            }
            List<String> ch = cells.get(cells.size() - 1);
            line.append(l < ch.size() ? ch.get(l) : "");
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /**
     * Each row's label with its outcome, as the table prints it; where one thread takes two rows with
     * one label in different kernel functions (folio_ref_count(F) in __buffer_migrate_folio and in
     * __migrate_folio), each of those taken inside a procedure says in which ("[in __migrate_folio]"),
     * so that the reader does not take them for one check made twice. Rows of different threads are told
     * apart by their column, and a row in a thread's own body gets no tag (it would read as a call).
     * JSON and HTML carry every step's whole call path.
     */
    static List<String> shownRows(Trace t) {
        Semantics sem = new Semantics(t.model());
        List<String> innermost = new ArrayList<>();
        List<Boolean> inCall = new ArrayList<>();
        Map<String, java.util.Set<String>> places = new java.util.HashMap<>();
        for (int i = 0; i < t.rows().size(); i++) {
            List<String> stack = t.callStack(sem, i);
            String fn = stack.isEmpty() ? "" : stack.get(0);
            innermost.add(fn);
            inCall.add(stack.size() > 1);
            places.computeIfAbsent(t.rows().get(i).thread() + "\u0000" + t.rows().get(i).label(), k -> new java.util.HashSet<>()).add(fn);
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < t.rows().size(); i++) {
            Trace.Row row = t.rows().get(i);
            boolean tag = inCall.get(i) && places.get(row.thread() + "\u0000" + row.label()).size() > 1;
            shown.add(tag ? row.shown() + " [in " + innermost.get(i) + "]" : row.shown());
        }
        return shown;
    }

    /** The fewest columns a step's text gets beside its number and thread in the one-step-per-line layout. */
    private static final int MIN_STEP_TEXT = 16;

    /** Narrow terminals: "N  thread  step", the changes indented on the lines below. */
    private static String oneStepPerLine(Trace t, int width, boolean stacks, int first, Map<Integer, List<String>> pathsBefore) {
        Model m = t.model();
        int num = Integer.toString(first + t.rows().size()).length();
        int name = 0;
        for (Trace.Row row : t.rows()) {
            name = Math.max(name, m.thread(row.thread()).name().length());
        }
        name = Math.max("thread".length(), Math.min(name, Math.max(8, width / 4))); // the header's word fits its column
        String head = "  " + pad("#", num) + "  " + pad("thread", name) + "  ";
        String says = "step, its " + (stacks ? "call path (where it changes) and " : "") + "changes indented below";
        if (head.length() + says.length() > width) {
            says = stacks ? "step (below: path, changes)" : "step (changes below)"; // the same, in a narrow terminal
        }
        if (head.length() + says.length() > width) {
            says = "step";
        }
        StringBuilder out = new StringBuilder(head + says + "\n");
        List<String> shown = shownRows(t);
        Semantics sem = stacks ? new Semantics(m) : null;
        Map<Integer, List<String>> lastPath = new java.util.HashMap<>(pathsBefore);
        int i = 0;
        for (Trace.Row row : t.rows()) {
            i++;
            String lead = "  " + pad(Integer.toString(first + i), num) + "  " + pad(m.thread(row.thread()).name(), name) + "  ";
            if (width - lead.length() < MIN_STEP_TEXT) {
                // a thread's name longer than its column leaves too little room beside it: the step goes under it
                out.append(lead.stripTrailing()).append('\n');
                lead = " ".repeat(Math.min(lead.length(), 2 + num + 2));
            }
            List<String> lines = wrap(shown.get(i - 1), width - lead.length());
            for (int k = 0; k < lines.size(); k++) {
                out.append(k == 0 ? lead : " ".repeat(lead.length())).append(lines.get(k)).append('\n');
            }
            String sub = " ".repeat(lead.length() + 2);
            if (stacks) {
                List<String> path = t.callStack(sem, i - 1);
                List<String> before = lastPath.put(row.thread(), path);
                if (pathShown(path, before)) {
                    for (String l : wrap("in " + String.join(" <- ", path), width - sub.length())) {
                        out.append(sub).append(l).append('\n');
                    }
                }
            }
            List<String> items = row.failure() != null ? List.of("FAILS: " + row.failure()) : row.changes();
            for (String l : wrapItems(items, width - sub.length())) {
                out.append(sub).append(l).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * Whether a step's call path is printed under it: a path other than its thread's previous step's
     * ({@code before}, null for the thread's first step), also the way back to the thread's own body
     * ("in mkdir" after steps in sb_getblk), but not a thread's first step in its own body.
     */
    static boolean pathShown(List<String> path, List<String> before) {
        return !path.equals(before) && (path.size() > 1 || before != null && before.size() > 1);
    }

    private static String changesText(Trace.Row row) {
        return row.failure() != null ? "FAILS: " + row.failure() : String.join(", ", row.changes());
    }

    /** Items joined by ", ", wrapped to {@code width}; an item is split only when it is longer than a line. */
    static List<String> wrapItems(List<String> items, int width) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) + (i < items.size() - 1 ? "," : "");
            if (cur.length() > 0 && cur.length() + 1 + item.length() > width) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            if (item.length() > width) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
                List<String> parts = wrap(item, width);
                out.addAll(parts.subList(0, parts.size() - 1));
                cur.append(parts.get(parts.size() - 1));
                continue;
            }
            cur.append(cur.length() > 0 ? " " : "").append(item);
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /** {@code s} in lines of at most {@code width}: broken at spaces, and inside a word only when it is longer than a line. */
    /**
     * {@code at}, or one before it where it would split a character outside the BMP (an emoji) into its two halves,
     * each of which a report writes as '?'; one after it when that would leave nothing before the cut.
     */
    static int cutAt(String s, int at) {
        if (at > 0 && at < s.length() && Character.isLowSurrogate(s.charAt(at)) && Character.isHighSurrogate(s.charAt(at - 1))) {
            return at > 1 ? at - 1 : at + 1;
        }
        return at;
    }

    static List<String> wrap(String s, int width) {
        List<String> out = new ArrayList<>();
        String rest = s;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut > 0) {
                out.add(rest.substring(0, cut));
                rest = rest.substring(cut + 1);
                continue;
            }
            // no space: break after an opening parenthesis or a comma, else where an identifier joins its parts
            // ('_', '.', '/', the '>' of "->"), so a lock name reads "i_rwsem_of_a_" + "long_name", not "lo" + "ng";
            // inside a part only when no such place is in the last two thirds of the line
            int soft = Math.max(rest.lastIndexOf('(', width - 1), rest.lastIndexOf(',', width - 1)) + 1;
            if (soft <= 0) {
                for (char c : new char[] {'_', '.', '/', '>'}) {
                    soft = Math.max(soft, rest.lastIndexOf(c, width - 1) + 1);
                }
                if (soft <= width / 3) {
                    soft = 0;
                }
            }
            int at = cutAt(rest, soft > 0 ? soft : width);
            out.add(rest.substring(0, at));
            rest = rest.substring(at);
        }
        out.add(rest);
        return out;
    }

    /** {@code text} as the check's report sets an explanation line under its verdict: indented, wrapped with a hanging indent. */
    public static String explanationLine(String text, int width) {
        StringBuilder out = new StringBuilder();
        para(out, text, width, "  ");
        return out.toString();
    }

    /** Appends {@code text} wrapped to {@code width} after {@code indent}, continuation lines indented two more. */
    static void para(StringBuilder out, String text, int width, String indent) {
        List<String> lines = wrap(text, Math.max(20, width - indent.length() - 2));
        for (int i = 0; i < lines.size(); i++) {
            out.append(indent).append(i == 0 ? "" : "  ").append(lines.get(i).stripTrailing()).append('\n');
        }
    }

    private static String pad(String s, int w) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < w) {
            b.append(' ');
        }
        return b.toString();
    }
}
