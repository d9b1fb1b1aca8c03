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
import org.migcheck.model.scenarios.Variant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import org.migcheck.checker.engine.Words;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a counterexample token, print its trace and what it ends in.",
                "Exits with the code of the verdict the replay ends in; 64 when the token does not fit the scenario "
                        + "(unknown variant, changed knobs, a step that cannot run) or ends in no failure (truncated)."})
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
        // set as check sets them (a blocked thread's call path keeps its three spaces)
        for (String line : end.explanation()) {
            out.print(TextRenderer.explanationLine(line, width));
        }
        for (String line : TextRenderer.heldLocks(end.trace(), end.verdict(), end.ruleId())) {
            out.print(TextRenderer.explanationLine(line, width));
        }
        out.print(TextRenderer.continuation(m, t.schedule(), end.continuation(), width, stacks));
        // as check's report says it: a replay that ends otherwise than declared may be one a left-out rule would have ended
        for (String note : java.util.Arrays.asList(ScenarioRunner.selectionNote(rules), ScenarioRunner.skipNote(rules))) {
            if (note != null) {
                OutputOptions.printWrapped(out, width, "note: " + note, 0, 2);
            }
        }
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
