package org.migcheck.checker.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.migcheck.checker.run.BoundSensitivity;
import org.migcheck.checker.run.Replayer;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Variant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import org.migcheck.checker.engine.Words;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a counterexample token, print its trace and what it ends in.",
                "Exits with the code of the verdict the replay ends in; 64 when the token does not fit the scenario "
                        + "(unknown variant, changed knobs, a step that cannot run) or ends in no failure (truncated); with "
                        + "--against, the code of what the schedule ends in on that variant, 0 when in no failure."})
final class ReplayCmd implements Callable<Integer> {
    /** A likely cause of a token that does not fit, named in both refusals a stored token meets (README: what stays compatible). */
    private static final String EARLIER_VERSION = "a token printed by an earlier version whose model of this scenario has changed since";
    /** The same for a token that names a variant, knob or knob value the scenario no longer has, or other settings of a variant. */
    private static final String EARLIER_SCENARIO = "a token printed by an earlier version whose scenario has changed since";
    @Parameters(index = "0", paramLabel = "TOKEN", description = "SCENARIO:VARIANT:KNOBS:SCHEDULE as printed by check (:SCHEDULE:+K for one found at bounds +K)")
    String token;

    @CommandLine.Option(names = "--bounds", paramLabel = "+K", description = "replay with every model bound raised by K: for a token without its own +K part (check --bounds +K writes"
            + " the raise into the token's last part, ':+K', which this option may repeat but not contradict)")
    String bounds;

    @CommandLine.Option(names = "--mutant", paramLabel = "ID", description = "replay on the mutant ID of the token's model (as mutate names"
            + " it, e.g. 'no-lock balloon_page_isolate: spin_lock_irqsave'): mutate prints this for every mutant whose check failed")
    String mutant;

    @CommandLine.Option(names = "--against", paramLabel = "VARIANT", description = "replay the token's schedule on another variant"
            + " of its scenario (the fix of the variant that failed, say): the steps it takes there, the first step that differs,"
            + " where the schedule stops and what it ends in (where a failure still follows there, a shortest way on into it);"
            + " exits with that ending's verdict code, 0 when it ends in no failure")
    String against;

    @CommandLine.Mixin
    OutputOptions output = new OutputOptions();

    @CommandLine.Mixin
    TraceOptions traceOptions = new TraceOptions();

    @CommandLine.Option(names = "--quiet-progress", description = "accepted for symmetry with check: a replay prints no progress lines")
    boolean quietProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        boolean stacks = traceOptions.callStacks(spec, output.require(spec, OutputOptions.Format.TEXT));
        ScenarioRunner.Token t;
        Model m;
        Replayer.Ending end;
        try {
            // a token pasted with a line's end (\r, \n), spaces, or a file's byte-order mark
            t = ScenarioRunner.parse(token.strip().replace("\uFEFF", ""), Main.registry(spec));
            checkVariant(t);
        } catch (IllegalArgumentException | ModelError e) {
            // a variant, knob or value that this version does not have: mistyped, or kept from a version that had it
            String msg = String.valueOf(e.getMessage());
            boolean named = msg.contains(" has no variant ") || msg.contains(" has no knob ") || msg.matches("knob \\S+ of scenario \\S+ takes .*")
                    || msg.startsWith("knobs changed: ");
            String hint = named ? " (a mistyped or edited token, or " + EARLIER_SCENARIO + ": migcheck list shows its variants and knobs)"
                    : msg.startsWith("replay token names unknown scenario ") ? " (or a token printed by an earlier version, which had a"
                    + " scenario of this name: migcheck list shows today's)" : "";
            throw Args.usage(spec, "token does not fit: " + msg + hint);
        }
        if (against != null && mutant != null) {
            throw Args.usage(spec, "--against and --mutant: one at a time (a mutant is of the token's own variant)");
        }
        Knobs other = against == null ? null : againstKnobs(t);
        m = ScenarioRunner.build(t.scenario(), t.knobs()); // a build that fails is the model's error (exit 5), not the token's
        // so is a rule whose declarations fail (they are asked again below, where a ModelError means the token's fault)
        org.migcheck.properties.RuleSet rules = Main.rules(spec);
        org.migcheck.properties.Rules.declarations(rules, m);
        if (mutant != null) {
            Model.Mutant found = null;
            for (Model.Mutant x : m.mutants()) {
                if (x.id().equals(mutant)) {
                    found = x;
                }
            }
            if (found == null) {
                throw Args.usage(spec, "--mutant " + mutant + ": " + t.title() + " has no such mutant (migcheck mutate "
                        + t.scenario().id() + " lists them)");
            }
            m = found.model();
        }
        int raise = t.boundsRaise();
        if (bounds != null) {
            int given = Args.boundsRaise(bounds, spec);
            if (raise > 0 && given != raise) {
                throw Args.usage(spec, "the token was found at bounds +" + raise + " (its last part); --bounds " + bounds + " contradicts it");
            }
            raise = given; // a token without the part (written before tokens carried it) takes the option's
        }
        try {
            if (raise > 0) {
                m = BoundSensitivity.raise(m, raise);
            }
            end = Replayer.replay(m, rules, t.schedule());
        } catch (IllegalArgumentException | ModelError e) {
            // a schedule that cannot run here: altered, or kept from an earlier version whose model of this scenario has
            // changed since (a kernel step added), which a user who stored tokens in CI meets
            boolean step = e.getMessage() != null && (e.getMessage().startsWith("schedule step ") || e.getMessage().startsWith("step "));
            throw Args.usage(spec, "token does not fit: " + e.getMessage() + (step ? " (an altered or truncated schedule, or "
                    + EARLIER_VERSION + ": check the variant again for a token of this version)" : ""));
        }
        if (end.verdict() == null) {
            throw Args.usage(spec, "token does not fit: after its " + Words.count(t.schedule().length, "step") + " " + end.message()
                    + " (a truncated or altered schedule, " + EARLIER_VERSION + ", a token of a check with --rule or --skip-rule"
                    + " replayed without the same"
                    + " option before replay, or model or rule code that answers differently from run to run?)");
        }
        if (other != null) {
            return replayAgainst(t, m, end, other, raise, rules, stacks);
        }
        PrintStream out = Main.Streams.out;
        String title = t.title() + (mutant != null ? ", mutant " + mutant : "") + (raise > 0 ? " at bounds +" + raise : "");
        out.println("replay of " + title + " (" + Words.count(t.schedule().length, "step") + ")");
        int width = output.columns();
        if (end.trace().rows().isEmpty()) {
            out.println("  (" + TextRenderer.noStep(end.verdict()) + ")"); // as check prints it, not an empty table
        } else {
            out.print(TextRenderer.table(end.trace(), width, stacks));
        }
        out.print(TextRenderer.restingPlaces(end.trace(), width));
        OutputOptions.printWrapped(out, width, "ends in: " + end.verdict().name() + (end.ruleId() == null ? "" : " " + end.ruleId()) + ": "
                + end.message(), 0, 2);
        printEnding(out, m, t.schedule(), end, rules, width, stacks);
        Expect e = ScenarioRunner.declared(t.scenario(), t.variant(), t.knobs());
        if (mutant != null) {
            // the declaration is the unmutated variant's: a mutant's failure is what mutate counts as its kill
            OutputOptions.printWrapped(out, width, "mutant " + mutant + " of " + t.title() + (e == null ? "" : " (declared unmutated: "
                    + ScenarioRunner.verdictText(e) + ")") + ": this replay ends in " + end.verdict().lower()
                    + (end.ruleId() == null ? "" : " " + end.ruleId()), 0, 2);
        } else if (e != null && raise > 0) {
            // the declaration is for the model's own bounds; a token of check --bounds +K was found above them
            OutputOptions.printWrapped(out, width, "declared: " + t.title() + " expects " + ScenarioRunner.verdictText(e)
                    + " at the model's own bounds; at bounds +" + raise + " this replay ends in " + end.verdict().lower(), 0, 2);
        } else if (e != null) {
            // the token records a schedule, not a verdict: compare where it ends with what the variant declares
            String ends = end.verdict().lower() + (end.ruleId() == null ? "" : " " + end.ruleId());
            String line = e.kind() == Expect.Kind.HOLDS
                    ? "declared: " + title + " holds; this replay ends in " + ends + ", a mismatch with the declaration (a rule"
                            + " that is not the scenario's, or a defect the declaration does not know)"
                    : sameKind(e, end) ? "declared: " + title + " expects " + ScenarioRunner.verdictText(e) + ": reproduced"
                    : "declared: " + title + " expects " + ScenarioRunner.verdictText(e) + "; this replay ends in " + ends + " instead";
            OutputOptions.printWrapped(out, width, line, 0, 2);
        }
        return end.verdict().exitCode();
    }

    /**
     * The knobs of variant {@code --against} with the token's own settings beside its variant: what {@code check SCENARIO
     * --variant V --set ...} checks with a {@code --set} for every knob V leaves free ({@link VariantArgs#fixedBy}: sizes,
     * and knobs no variant sets) whose value in the token is not what the token's variant (or, for a knob combination, the
     * scenario) gives it by itself: {@code check S --variant A --set folios=3}'s token is replayed on V at folios=3.
     */
    private Knobs againstKnobs(ScenarioRunner.Token t) {
        if (against.isBlank()) {
            throw Args.usage(spec, "--against takes a variant of " + t.scenario().id() + ", not an empty name; variants: "
                    + String.join(", ", t.scenario().variants().stream().map(Variant::name).toList()));
        }
        Variant v = t.scenario().variant(against);
        if (v == null) {
            throw Args.usage(spec, "--against " + against + ": scenario " + t.scenario().id() + " has no such variant; variants: "
                    + String.join(", ", t.scenario().variants().stream().map(Variant::name).toList()));
        }
        if (against.equals(t.variant())) {
            throw Args.usage(spec, "--against " + against + " is the token's own variant (replay it without --against)");
        }
        Map<String, String> fixed = VariantArgs.fixedBy(t.scenario(), v);
        Map<String, String> sets = new java.util.LinkedHashMap<>();
        // the knobs set beside the token's variant (check --variant V --set folios=3): its own values are its variant's
        Map<String, String> plain = ScenarioRunner.knobs(t.scenario(), t.variant(), Map.of()).asMap();
        t.knobs().asMap().forEach((k, val) -> {
            if (!fixed.containsKey(k) && !val.equals(plain.get(k))) {
                sets.put(k, val);
            }
        });
        Map<String, String> own = ScenarioRunner.knobs(t.scenario(), against, Map.of()).asMap();
        for (org.migcheck.model.scenarios.Knob k : t.scenario().knobs()) {
            if (sets.containsKey(k.name()) && !k.appliesTo(own)) {
                // replay has no --set to change what the knob needs: the token is of another shape than the variant
                throw Args.usage(spec, "--against " + against + ": the token's " + k.name() + "=" + sets.get(k.name())
                        + " does not apply to that variant (knob " + k.name() + " applies only with " + k.condition() + ", "
                        + k.notWith(own) + "): replay on it a token of its own, from check " + t.scenario().id() + " --variant " + against);
            }
        }
        Knobs knobs;
        try {
            knobs = ScenarioRunner.knobs(t.scenario(), against, sets);
        } catch (ModelError e) {
            throw Args.usage(spec, "--against " + against + ": " + e.getMessage());
        }
        if (t.variant() == null && knobs.asMap().equals(t.knobs().asMap())) {
            throw Args.usage(spec, "--against " + against + ": the token's knobs are that variant's own (replay it without --against)");
        }
        return knobs;
    }

    /**
     * {@code replay --against V}: the token's schedule on variant V's model, as far as it runs there, beside what it does on
     * the token's own model. The token has been replayed on its own model already ({@code fromEnd}: it fits and fails there).
     */
    private int replayAgainst(ScenarioRunner.Token t, Model from, Replayer.Ending fromEnd, Knobs knobs, int raise,
                              org.migcheck.properties.RuleSet rules, boolean stacks) {
        Model to = ScenarioRunner.build(t.scenario(), knobs); // a build that fails is the model's error (exit 5), as for the token's
        org.migcheck.properties.Rules.declarations(rules, to);
        if (raise > 0) {
            to = BoundSensitivity.raise(to, raise);
        }
        ScenarioRunner.Token there = new ScenarioRunner.Token(t.scenario(), against, knobs, t.schedule(), raise);
        int steps = t.schedule().length;
        if (steps == 0) {
            // a failure in the initial state, or a thread stuck from the start: there is no schedule to follow
            throw Args.usage(spec, "--against " + against + ": the token has no step (what it reports, a thread stuck from the start"
                    + " or a failing initial state, needs none): check " + t.scenario().id() + " --variant " + against
                    + " says what that variant's initial state comes to");
        }
        String missing = Replayer.missingThread(from, to, t.schedule()); // a token names threads by number: each by its name there
        if (missing != null) {
            throw Args.usage(spec, "--against " + against + ": the schedule runs " + missing + ", which " + there.title()
                    + " does not have (its threads: " + String.join(", ", threadNames(to)) + "): the schedule cannot be replayed on it");
        }
        Replayer.OnOther o = Replayer.onOther(from, to, rules, t.schedule());
        PrintStream out = Main.Streams.out;
        int width = output.columns();
        String bounds = raise > 0 ? " at bounds +" + raise : "";
        OutputOptions.printWrapped(out, width, "replay of " + t.title() + bounds + " (" + Words.count(steps, "step") + ") on " + there.title()
                + bounds, 0, 2);
        List<String> changed = new ArrayList<>();
        for (org.migcheck.model.scenarios.Knob k : t.scenario().knobs()) {
            // the knobs V's model reads: one it does not (cgroupWriteback under memcg=v1) changes nothing there
            String val = knobs.get(k.name());
            if (!val.equals(t.knobs().get(k.name())) && k.appliesTo(knobs.asMap())) {
                changed.add(k.name() + "=" + val + " (the token's " + t.knobs().get(k.name()) + ")");
            }
        }
        OutputOptions.printWrapped(out, width, "  knobs: " + (changed.isEmpty() ? "the same (the variants differ in their"
                + " declarations only)" : String.join(", ", changed)), 0, 4);
        if (o.ending().trace().rows().isEmpty()) {
            out.println("  (no step ran on " + against + ")");
        } else {
            out.print(TextRenderer.table(o.ending().trace(), width, stacks));
        }
        List<String> extra = new ArrayList<>(threadNames(to));
        extra.removeAll(threadNames(from));
        if (!extra.isEmpty()) {
            // a fix that adds a thread (an OOM reaper, say): the schedule never runs it, but it may be what is left to move
            OutputOptions.printWrapped(out, width, "  threads only on " + against + ": " + String.join(", ", extra)
                    + " (the token's schedule does not run them)", 0, 4);
        }
        out.print(TextRenderer.restingPlaces(o.ending().trace(), width));
        List<org.migcheck.checker.trace.Trace.Row> mine = org.migcheck.checker.trace.Trace.replay(from, t.schedule()).rows();
        // the token's steps that ran there, not the steps a failure ahead added after them
        List<org.migcheck.checker.trace.Trace.Row> theirs = o.ranRows();
        int d = o.firstDifference();
        if (d == 0) {
            OutputOptions.printWrapped(out, width, "no step differs: the " + Words.count(steps, "step") + " read the same on both", 0, 2);
        } else {
            String who = from.thread(org.migcheck.checker.trace.Trace.thread(t.schedule()[d - 1])).name();
            OutputOptions.printWrapped(out, width, "first difference: step " + d + " (" + who + ")", 0, 2);
            OutputOptions.printWrapped(out, width, "  on " + variantName(t) + ": " + rowText(mine, d), 0, 6);
            OutputOptions.printWrapped(out, width, "  on " + against + ": " + rowText(theirs, d), 0, 6);
        }
        String next = o.ran() < steps ? mine.get(o.ran()).shown() : null;
        OutputOptions.printWrapped(out, width, o.stopped() != null
                ? "stops after " + o.ran() + " of " + Words.count(steps, "step") + ": step " + (o.ran() + 1) + " (" + next + " on "
                        + variantName(t) + ") cannot run on " + against + ": " + o.stopped()
                : o.ran() == 0 ? "no step runs on " + against + ": its initial state fails"
                : o.ran() < steps ? "stops at step " + o.ran() + " of " + steps + ", which fails on " + against
                : "all " + Words.count(steps, "step") + " run on " + against, 0, 2);
        if (o.undecided()) {
            OutputOptions.printWrapped(out, width, "whether a failure or a stuck thread follows on " + against + " was not decided: more"
                    + " than " + Words.count(Replayer.STUCK_SEARCH_LIMIT, "state") + " follow where the schedule stops", 0, 2);
        }
        if (o.ahead() > 0) {
            // where it stops a failure still follows: not a safe end, and the steps into it are V's own, not the token's
            OutputOptions.printWrapped(out, width, "a " + (o.ending().verdict() == org.migcheck.checker.run.Verdict.STUCK ? "stuck thread" : "failure")
                    + " still follows on " + against + ": step" + (o.ahead() == 1 ? " " + (o.ran() + 1)
                    + " is" : "s " + (o.ran() + 1) + "-" + (o.ran() + o.ahead()) + " are") + " a shortest way on into it, not the token's", 0, 2);
        }
        Replayer.Ending end = o.ending();
        OutputOptions.printWrapped(out, width, "ends in: " + (end.verdict() == null ? "no failure: " + end.message()
                : end.verdict().name() + (end.ruleId() == null ? "" : " " + end.ruleId()) + ": " + end.message()), 0, 2);
        printEnding(out, to, o.onOther(), end, rules, width, stacks);
        String fromEnds = fromEnd.verdict().lower() + (fromEnd.ruleId() == null ? "" : " " + fromEnd.ruleId());
        String toEnds = end.verdict() == null ? "no failure" : end.verdict().lower() + (end.ruleId() == null ? "" : " " + end.ruleId());
        Expect e = ScenarioRunner.declared(t.scenario(), against, knobs);
        OutputOptions.printWrapped(out, width, "on " + variantName(t) + " this schedule ends in " + fromEnds + "; on " + against + " in "
                + toEnds + (e == null || raise > 0 ? "" : " (" + against + " declared: " + ScenarioRunner.verdictText(e) + ")")
                + (end.verdict() == null ? "; this is one schedule: " + Main.launcher() + Main.ruleOption(spec)
                + " check " + t.scenario().id() + " --variant " + against + setsOf(t, knobs) + (raise > 0 ? " --bounds +" + raise : "")
                + " searches them all" : ""), 0, 2);
        return end.verdict() != null ? end.verdict().exitCode() : o.undecided() ? org.migcheck.checker.run.Verdict.INCOMPLETE.exitCode() : 0;
    }

    private static List<String> threadNames(Model m) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < m.threadCount(); i++) {
            names.add(m.thread(i).name());
        }
        return names;
    }

    /** " --set k=v" for each knob of {@code knobs} that variant --against does not give by itself (those carried from the token). */
    private String setsOf(ScenarioRunner.Token t, Knobs knobs) {
        Map<String, String> own = ScenarioRunner.knobs(t.scenario(), against, Map.of()).asMap();
        StringBuilder out = new StringBuilder();
        knobs.asMap().forEach((k, v) -> {
            if (!v.equals(own.get(k))) {
                out.append(" --set ").append(ScenarioRunner.shellQuote(k + "=" + v));
            }
        });
        return out.toString();
    }

    /**
     * What an ending explains, as check prints it: who waits for what (a blocked thread's call path keeps its three
     * spaces), the locks held, a stuck thread's continuation (of {@code schedule} on {@code model}), and the notes of a
     * narrowed rule choice (a replay that ends otherwise than declared may be one a left-out rule would have ended).
     */
    private static void printEnding(PrintStream out, Model model, int[] schedule, Replayer.Ending end,
                                    org.migcheck.properties.RuleSet rules, int width, boolean stacks) {
        for (String line : end.explanation()) {
            out.print(TextRenderer.explanationLine(line, width));
        }
        if (end.verdict() != null) {
            for (String line : TextRenderer.heldLocks(end.trace(), end.verdict(), end.ruleId())) {
                out.print(TextRenderer.explanationLine(line, width));
            }
            out.print(TextRenderer.continuation(model, schedule, end.continuation(), width, stacks));
        }
        for (String note : java.util.Arrays.asList(ScenarioRunner.selectionNote(rules), ScenarioRunner.skipNote(rules))) {
            if (note != null) {
                OutputOptions.printWrapped(out, width, "note: " + note, 0, 2);
            }
        }
    }

    /** The token's variant as named in --against's lines ("the token's model" for a knob combination). */
    private static String variantName(ScenarioRunner.Token t) {
        return t.variant() == null ? "the token's model" : t.variant();
    }

    /** Step {@code n}'s row as one line (its changes after a bar), or that the schedule stopped before it. */
    static String rowText(List<org.migcheck.checker.trace.Trace.Row> rows, int n) {
        if (n > rows.size()) {
            return "(no step " + n + ": the schedule stopped before it)";
        }
        org.migcheck.checker.trace.Trace.Row r = rows.get(n - 1);
        return r.shown() + (r.changes().isEmpty() ? "" : " | " + String.join(", ", r.changes()))
                + (r.failure() == null ? "" : " | fails: " + r.failure());
    }

    private static boolean sameKind(Expect e, Replayer.Ending end) {
        return switch (e.kind()) {
            case HOLDS -> false;
            case DEADLOCK -> end.verdict() == Verdict.DEADLOCK;
            case STUCK -> end.verdict() == Verdict.STUCK;
            case VIOLATED -> end.verdict() == Verdict.VIOLATED && e.ruleId().equals(end.ruleId());
        };
    }

    /**
     * A named variant must exist and the token must keep every knob the variant stands for
     * ({@link VariantArgs#fixedBy}: those it sets and the protocol knobs it leaves at their defaults);
     * {@code check --variant V --set k=v} may change only the others, the size knobs.
     */
    private void checkVariant(ScenarioRunner.Token t) {
        if (t.variant() == null) {
            return;
        }
        Variant v = t.scenario().variant(t.variant());
        if (v == null) {
            throw new IllegalArgumentException("scenario " + t.scenario().id() + " has no variant " + t.variant() + "; variants: "
                    + String.join(", ", t.scenario().variants().stream().map(Variant::name).toList()));
        }
        // the knobs the variant stands for: those it sets and the protocol knobs it leaves at their defaults
        Map<String, String> want = VariantArgs.fixedBy(t.scenario(), v);
        List<String> diff = new ArrayList<>();
        want.forEach((k, val) -> {
            if (!val.equals(t.knobs().get(k))) {
                diff.add(k + "=" + t.knobs().get(k) + " (variant " + v.name() + " has " + val + ")");
            }
        });
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("knobs changed: " + String.join(", ", diff));
        }
    }
}
