package org.migcheck.checker.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.migcheck.checker.cli.OutputOptions.Format;
import org.migcheck.checker.run.KnobSuite;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.run.Wire;
import org.migcheck.checker.cluster.HazelcastCluster;
import org.migcheck.checker.engine.Transport;
import org.migcheck.properties.RuleSet;
import org.migcheck.checker.trace.JUnitRenderer;
import org.migcheck.checker.trace.JsonRenderer;
import org.migcheck.checker.trace.SarifRenderer;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.migcheck.checker.engine.Words;

@Command(name = "suite", mixinStandardHelpOptions = true,
        description = "Check a scenario over every combination of its knobs and print a verdict table.")
final class SuiteCmd implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCENARIO", description = "scenario id (see list)")
    String scenario;

    @Option(names = "--vary", paramLabel = "KNOB", description = "knob to enumerate (repeatable; default: every knob not fixed by --set)")
    List<String> vary = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KNOB=VALUE", parameterConsumer = Args.KnobSetting.class, description = "knob value held fixed (repeatable)")
    Map<String, String> sets = new LinkedHashMap<>();

    @CommandLine.Mixin
    OutputOptions output = new OutputOptions();

    @CommandLine.Mixin
    ReportFiles reports = new ReportFiles();

    @CommandLine.Mixin
    TraceOptions traceOptions = new TraceOptions();

    @CommandLine.Mixin
    SearchOptions search = new SearchOptions();

    @CommandLine.Mixin
    ClusterOptions clusterOptions = new ClusterOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Format f = output.require(spec, Format.TEXT, Format.JSON, Format.JUNIT, Format.SARIF);
        reports.require(spec, "", Format.JSON, Format.JUNIT, Format.SARIF);
        boolean stacks = traceOptions.callStacks(spec, f);
        for (String k : vary) {
            if (vary.indexOf(k) != vary.lastIndexOf(k)) {
                throw Args.usage(spec, "knob " + k + " is given to --vary twice");
            }
            if (sets.containsKey(k)) {
                throw Args.usage(spec, "knob " + k + " is both varied (--vary) and fixed (--set " + k + "=" + sets.get(k) + "): give one");
            }
        }
        Scenario s = Main.scenario(scenario, spec);
        List<ScenarioRunner.Outcome> outcomes;
        PrintStream out = Main.Streams.out;
        RuleSet rules = Main.rules(spec);
        List<Map<String, String>> combinations;
        Map<Map<String, String>, org.migcheck.model.scenarios.Knob> leftOut;
        try {
            KnobSuite.Plan plan = KnobSuite.plan(s, vary, sets);
            combinations = plan.combinations();
            leftOut = plan.leftOut();
        } catch (ModelError e) {
            throw Args.usage(spec, e.getMessage());
        }
        if (!clusterOptions.active()) {
            // a combination whose model or rule code never returns: the watchdog ends the process; the report then has
            // the combinations checked so far and that one, INCOMPLETE, with a note on those not reached
            List<ScenarioRunner.Outcome> done = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.function.Function<String, List<ScenarioRunner.Outcome>> hungAt = message -> {
                List<ScenarioRunner.Outcome> sofar = new ArrayList<>(done);
                int after = combinations.size() - sofar.size() - 1;
                String note = "the watchdog ended the process here: "
                        + (after == 0 ? "no combination comes after this one" : Words.count(after, "combination") + " after this one not checked");
                sofar.add(ScenarioRunner.runAfterStop(s, null, combinations.get(sofar.size()), rules, search.toOptions(),
                        (model, r, x) -> CheckCmd.overrunResult(model, message).withNote(note)));
                return sofar;
            };
            Main.overrunDocument = message -> {
                List<ScenarioRunner.Outcome> sofar = hungAt.apply(message);
                int after = combinations.size() - sofar.size();
                return f == Format.TEXT ? KnobSuite.table(s, sofar) + String.format(java.util.Locale.ROOT, "%nsuite not finished: the watchdog ended the process"
                        + " in %s; %s not checked%n", sofar.get(sofar.size() - 1).title(), Words.count(after, "combination"))
                        : document(f, s, sofar, leftOut);
            };
            Main.overrunReports = reports.onOverrun((format, message) -> document(format, s, hungAt.apply(message), leftOut));
            for (Map<String, String> c : combinations) {
                done.add(ScenarioRunner.run(s, null, c, rules, search.toOptions()));
            }
            Main.overrunDocument = null;
            Main.overrunReports = null;
            outcomes = done;
        } else {
            HazelcastCluster cluster = clusterOptions.connect(spec, null, s.id());
            try {
                outcomes = spread(cluster, s, combinations, rules);
            } catch (Transport.Lost lost) {
                String why = lost.getMessage() + " (spread over " + cluster.describe() + ")";
                // a pipeline that asked for a document gets one (the text gets a line): every combination without a
                // verdict, for the reason; which combinations had finished is not known here
                List<ScenarioRunner.Outcome> none = new ArrayList<>();
                for (Map<String, String> c : f == Format.TEXT && !reports.any() ? List.<Map<String, String>>of() : combinations) {
                    none.add(ScenarioRunner.run(s, null, c, rules, search.toOptions(),
                            (model, r, x) -> org.migcheck.checker.run.Checker.noVerdict(model, why, "a member of the cluster was lost")));
                }
                if (f == Format.TEXT) {
                    out.printf(java.util.Locale.ROOT, "suite INCOMPLETE: %s%n", why);
                } else {
                    out.print(document(f, s, none, leftOut));
                }
                return reports.write(format -> document(format, s, none, leftOut), Verdict.INCOMPLETE.exitCode());
            } finally {
                cluster.close();
            }
        }
        long bad = outcomes.stream().filter(o -> !o.matches()).count();
        switch (f) {
            case JSON, JUNIT, SARIF -> out.print(document(f, s, outcomes, leftOut));
            default -> {
                out.print(KnobSuite.table(s, outcomes));
                // each mismatch and each combination without a verdict in full, as check --all does: its message (the
                // model error's exception and line), trace and replay line
                // (those an interrupt stopped, SIGINT or SIGTERM, are rows summed up in one line, as check --all does)
                long stopped = 0;
                for (ScenarioRunner.Outcome o : outcomes) {
                    if (o.interrupted()) {
                        stopped++;
                    } else if (!o.matches()) {
                        out.println();
                        out.print(Main.withClasspath(TextRenderer.render(o, output.columns(), stacks), s, spec));
                    }
                }
                if (bad > 0) {
                    out.println();
                }
                if (stopped > 0) {
                    out.printf(java.util.Locale.ROOT, "%s stopped by %s (INCOMPLETE: no verdict), counted below as mismatches (a named variant) or as without a verdict%n",
                            stopped == 1 ? "1 combination was" : stopped + " combinations were", org.migcheck.checker.engine.Budget.stoppedAll());
                }
                long unexpected = outcomes.stream().filter(o -> o.expected() == null && o.matches()).count();
                long noVerdict = outcomes.stream().filter(o -> o.expected() == null && !o.matches()).count();
                long mismatches = bad - noVerdict;
                out.printf(java.util.Locale.ROOT, "%s, %d as expected, %s%s%s%n", Words.count(outcomes.size(), "combination"), outcomes.size() - bad - unexpected,
                        mismatches == 1 ? "1 mismatch" : mismatches + " mismatches", unexpected == 0 ? "" : ", " + unexpected + " without an expectation",
                        noVerdict == 0 ? "" : ", " + noVerdict + " without a verdict (model error or budget)");
                if (!leftOut.isEmpty()) {
                    java.util.Set<String> why = new java.util.LinkedHashSet<>();
                    leftOut.values().forEach(k -> why.add(k.name() + " only with " + k.condition()));
                    out.printf(java.util.Locale.ROOT, "%s left out: a knob the model does not read there, away from its default (%s)%n",
                            Words.count(leftOut.size(), "combination"), String.join("; ", why));
                }
            }
        }
        List<ScenarioRunner.Outcome> all = outcomes;
        return reports.write(format -> document(format, s, all, leftOut), bad == 0 ? 0 : Verdict.MISMATCH_EXIT);
    }

    /** The JSON, JUnit or SARIF document of the suite's {@code outcomes}. */
    private String document(Format f, Scenario s, List<ScenarioRunner.Outcome> outcomes,
            Map<Map<String, String>, org.migcheck.model.scenarios.Knob> leftOut) {
        return switch (f) {
            case JSON -> JsonRenderer.withReplayCommands(JsonRenderer.renderSuite(outcomes, s, leftOut),
                    line -> Main.withClasspath(line, List.of(s), spec, x -> x)) + "\n";
            case JUNIT -> Main.withClasspath(JUnitRenderer.render("migcheck suite " + s.id(), outcomes, s, leftOut), List.of(s), spec,
                    JUnitRenderer::esc);
            case SARIF -> Main.withClasspath(SarifRenderer.renderSuite(outcomes, s, leftOut), List.of(s), spec, Main::jsonText) + "\n";
            default -> throw new IllegalArgumentException("the suite's text is its table");
        };
    }

    /**
     * The combinations checked by this process and the members, whoever is free (each builds the model
     * from the scenario and knobs); the outcomes in the suite's order, as one process gives them.
     */
    private List<ScenarioRunner.Outcome> spread(HazelcastCluster cluster, Scenario s, List<Map<String, String>> combinations, RuleSet rules) {
        Options opts = search.toOptions().withProgress(null);
        List<byte[]> answers = cluster.checks(s.id(), combinations, Wire.options(opts),
                i -> Wire.result(ScenarioRunner.run(s, null, combinations.get(i), rules, opts).result()));
        List<ScenarioRunner.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < combinations.size(); i++) {
            byte[] answer = answers.get(i);
            outcomes.add(ScenarioRunner.run(s, null, combinations.get(i), rules, opts, (model, r, o) -> org.migcheck.checker.run.Checker.withRuleText(Wire.result(answer, model), r)));
        }
        return outcomes;
    }
}
