package org.migcheck.checker.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.migcheck.checker.cli.OutputOptions.Format;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.JUnitRenderer;
import org.migcheck.checker.trace.JsonRenderer;
import org.migcheck.checker.trace.SarifRenderer;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "mutate", mixinStandardHelpOptions = true,
        description = {"Mutation analysis of a holding variant (or --all): remove waits and lock/unlock pairs, force shared tests, move steps out of critical sections, and report which mutants the rules miss.",
                "Budgets (--time-limit, --max-states, --max-depth, --max-memory) apply to each search: the variant's, then each mutant's; a mutant a budget stops is counted as incomplete, not judged."})
final class MutateCmd implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", description = "scenario id (see list)")
    String scenario;

    @Option(names = "--all", description = "every holding variant of every scenario: one summary row each, then the survivors"
            + " without a declared reason and the stale declarations")
    boolean all;

    @Option(names = "--variant", paramLabel = "V", description = "named variant of the scenario")
    String variant;

    @Option(names = "--set", paramLabel = "KNOB=VALUE", parameterConsumer = Args.KnobSetting.class, description = "knob value (repeatable); must agree with --variant")
    Map<String, String> sets = new LinkedHashMap<>();

    @CommandLine.Mixin
    OutputOptions output = new OutputOptions();

    @CommandLine.Mixin
    ReportFiles reports = new ReportFiles();

    @CommandLine.Mixin
    SearchOptions search = new SearchOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!search.toOptions().liveness()) {
            // the declared survivors are judged with stuck threads checked: without them a mutant that only leaves a thread
            // stuck would read as an undeclared survivor (and a variant expected stuck as one that holds)
            throw Args.usage(spec, "mutate judges mutants with the stuck-thread analysis: --no-liveness would count a mutant"
                    + " that only a stuck thread reveals as a survivor");
        }
        if (search.toOptions().strategy() == org.migcheck.checker.engine.Strategy.RANDOM) {
            throw Args.usage(spec, "mutation analysis needs the breadth-first search (--strategy bfs): random walks never show"
                    + " that a variant or a mutant holds");
        }
        if (search.toOptions().strategy() == org.migcheck.checker.engine.Strategy.DFS) {
            // a mutant that both breaks a rule and meets a model error is killed or not evaluated by whichever its search
            // meets first: breadth-first, the shallowest, the same on every run and in the README's table
            throw Args.usage(spec, "mutation analysis runs the breadth-first search (--strategy bfs): which failure a mutant"
                    + " meets first decides between killed and not evaluated, and depth-first search would meet others");
        }
        if (all) {
            if (scenario != null || variant != null || !sets.isEmpty()) {
                throw Args.usage(spec, "--all takes no SCENARIO, --variant or --set");
            }
            Format f = output.require(spec, " --all", Format.TEXT, Format.JSON);
            reports.require(spec, " --all", Format.JSON);
            return all(search.toOptions().withProgress(null), f == Format.JSON);
        }
        Format f = output.require(spec, Format.TEXT, Format.JSON, Format.JUNIT, Format.SARIF);
        reports.require(spec, "", Format.JSON, Format.JUNIT, Format.SARIF);
        if (scenario == null) {
            throw Args.usage(spec, "name a SCENARIO (see migcheck list) or use --all");
        }
        Scenario s = Main.scenario(scenario, spec);
        VariantArgs.checkAgainstVariant(spec, s, variant, sets);
        Options opts = search.toOptions().withProgress(null);
        ScenarioRunner.Outcome base;
        Model model;
        // a check whose model or rule code never returns (the variant's or a mutant's): the watchdog ends the process, and
        // the document asked for (standard output's, the --report files) is the variant's, INCOMPLETE, saying so
        reports.onOverrun(f, (format, message) -> baseDocument(format, CheckCmd.overrunOutcome(s, variant, sets, Main.rules(spec), opts, message)));
        try {
            base = ScenarioRunner.run(s, variant, sets, Main.rules(spec), opts);
        } catch (ModelError e) {
            throw Args.usage(spec, e.getMessage());
        }
        if (base.result().verdict() == Verdict.MODEL_ERROR) {
            Main.Streams.err.println("migcheck mutate: model error: " + base.result().message());
            return baseReport(f, base, Verdict.MODEL_ERROR.exitCode());
        }
        model = ScenarioRunner.build(s, base.knobs());
        if (base.result().verdict() == Verdict.INCOMPLETE) {
            // a budget stopped the unmutated check: no verdict to compare mutants with (exit as the check would)
            Main.Streams.err.println("migcheck mutate: " + base.title() + " is INCOMPLETE (" + base.result().limit()
                    + "): mutation analysis needs the variant checked to the end; raise or drop the budget");
            return baseReport(f, base, Verdict.INCOMPLETE.exitCode());
        }
        if (base.result().verdict() != Verdict.HOLDS) {
            throw Args.usage(spec, base.title() + " does not hold (" + base.actual() + "): mutation analysis needs a variant that holds");
        }
        Map<String, String> declared = base.expected() == null ? Map.of() : base.expected().survivors();
        List<Mutations.Mutant> mutants = Mutations.run(model, base.result(), Main.rules(spec), opts, declared,
                base.expected() == null ? Map.of() : base.expected().goals());
        List<String> stale = Mutations.stale(mutants, declared);
        java.util.function.Function<Format, String> document = format -> switch (format) {
            case JSON -> JsonRenderer.withReplayCommands(JsonRenderer.renderMutants(base, mutants, stale),
                    line -> Main.withClasspath(line, List.of(s), spec, x -> x)) + "\n";
            case JUNIT -> JUnitRenderer.renderMutants(base, mutants, stale);
            case SARIF -> SarifRenderer.renderMutants(base, mutants, stale) + "\n";
            default -> throw new IllegalArgumentException("mutate prints its text row by row");
        };
        if (f == Format.TEXT) {
            text(base, mutants, stale, spec);
        } else {
            Main.Streams.out.print(document.apply(f));
        }
        return reports.write(document, exitCode(mutants, stale));
    }

    /**
     * When the unmutated check reached no verdict, a pipeline that asked for JSON, JUnit XML or SARIF
     * still gets a document: the check's own report in that format, which says why (a budget, a model
     * error). Text has the line on standard error.
     */
    private int baseReport(Format f, ScenarioRunner.Outcome base, int code) {
        if (f != Format.TEXT) {
            Main.Streams.out.print(baseDocument(f, base));
        }
        return reports.write(format -> baseDocument(format, base), code);
    }

    /** The variant's own check {@code base} as a document in {@code format} (not text). */
    private static String baseDocument(Format format, ScenarioRunner.Outcome base) {
        return switch (format) {
            case JSON -> JsonRenderer.render(base) + "\n";
            case JUNIT -> JUnitRenderer.render("migcheck mutate " + base.scenario().id(), List.of(base));
            case SARIF -> SarifRenderer.render(List.of(base)) + "\n";
            default -> throw new IllegalArgumentException("text has the line on standard error");
        };
    }

    /**
     * 10 when a survivor has no declared reason or a declaration is stale (it no longer survives: it would hide a
     * regression); else 4 when a budget stopped some mutant (those are not judged); else 0.
     */
    static int exitCode(List<Mutations.Mutant> mutants, List<String> stale) {
        if (mutants.stream().anyMatch(Mutations.Mutant::unexplained) || !stale.isEmpty()) {
            return Verdict.MISMATCH_EXIT;
        }
        return Mutations.count(mutants, Mutations.Fate.INCOMPLETE) > 0 ? Verdict.INCOMPLETE.exitCode() : 0;
    }

    /**
     * mutate --all: every variant that expects HOLDS, a summary row each (a text table, or with
     * {@code json} one document of kind mutate-all); exit 10 on an undeclared survivor, a stale
     * declaration or a variant that no longer holds, else 4 when a budget stopped a variant or a mutant.
     */
    private Integer all(Options opts, boolean json) {
        RuleSet rules = Main.rules(spec);
        String fmt = "%-22s %-30s %8s %7s %9s %10s %11s %14s %10s %11s%n";
        if (!json) {
            Main.Streams.out.printf(java.util.Locale.ROOT, fmt, "scenario", "variant", "mutants", "killed", "survived", "undeclared", "equivalent",
                    "not-evaluated", "unreached", "incomplete");
        }
        List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<JsonRenderer.MutateRow> rows = new java.util.concurrent.CopyOnWriteArrayList<>();
        long[] sum = new long[8];
        String[] at = {null};
        // --rule / --skip-rule narrowed the rules: a survivor may be one a left-out rule kills (the same note as a check's)
        List<String> narrowed = java.util.stream.Stream.of(ScenarioRunner.selectionNote(rules), ScenarioRunner.skipNote(rules))
                .filter(java.util.Objects::nonNull).toList();
        // model or rule code that never returns: the watchdog ends the process; the JSON document (standard output's, the
        // --report file) has the variants analysed so far and says where it ended (text: the line on standard error)
        reports.onOverrun(json ? Format.JSON : Format.TEXT, (format, message) -> {
            List<String> all = new ArrayList<>(problems);
            all.add(at[0] + ": the watchdog ended the process in its mutation analysis (" + message + "): it and the variants"
                    + " after it were not analysed");
            all.addAll(stopped);
            return JsonRenderer.renderMutateAll(rows, new JsonRenderer.MutateRow("total", null, sum.clone()), all, narrowed) + "\n";
        });
        for (Scenario s : Main.registry(spec).all()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() != Expect.Kind.HOLDS) {
                    continue;
                }
                at[0] = s.id() + " / " + v.name();
                ScenarioRunner.Outcome base = ScenarioRunner.run(s, v.name(), Map.of(), rules, opts);
                String sv = s.id() + " / " + v.name();
                if (base.result().verdict() == Verdict.INCOMPLETE) {
                    stopped.add(sv + ": stopped by a budget (" + base.result().limit() + "): its mutants were not checked");
                    continue;
                }
                if (base.result().verdict() != Verdict.HOLDS) {
                    problems.add(sv + ": does not hold (" + base.actual() + ")");
                    continue;
                }
                Map<String, String> declared = v.expect().survivors();
                List<Mutations.Mutant> ms = Mutations.run(ScenarioRunner.build(s, base.knobs()), base.result(), rules, opts, declared, v.expect().goals());
                long undeclared = ms.stream().filter(Mutations.Mutant::unexplained).count();
                long[] row = {ms.size(), Mutations.count(ms, Mutations.Fate.KILLED), Mutations.count(ms, Mutations.Fate.SURVIVED),
                    undeclared, Mutations.count(ms, Mutations.Fate.EQUIVALENT), Mutations.count(ms, Mutations.Fate.NOT_EVALUATED),
                    Mutations.count(ms, Mutations.Fate.UNREACHED), Mutations.count(ms, Mutations.Fate.INCOMPLETE)};
                for (int i = 0; i < row.length; i++) {
                    sum[i] += row[i];
                }
                rows.add(new JsonRenderer.MutateRow(s.id(), v.name(), row));
                if (!json) {
                    Main.Streams.out.printf(java.util.Locale.ROOT, fmt, s.id(), v.name(), row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]);
                }
                ms.stream().filter(Mutations.Mutant::unexplained).forEach(m -> problems.add(sv + ": survivor without a declared reason: " + m.id()));
                ms.stream().filter(m -> m.fate() == Mutations.Fate.INCOMPLETE)
                        .forEach(m -> stopped.add(sv + ": stopped by a budget (" + m.result().limit() + "): " + m.id()));
                Mutations.stale(ms, declared).forEach(x -> problems.add(sv + ": declared survivor no longer survives: " + x));
            }
        }
        Main.overrunDocument = null;
        Main.overrunReports = null;
        List<String> all = new ArrayList<>(problems);
        all.addAll(stopped);
        String document = json || reports.any()
                ? JsonRenderer.renderMutateAll(rows, new JsonRenderer.MutateRow("total", null, sum), all, narrowed) + "\n" : null;
        if (json) {
            Main.Streams.out.print(document);
        } else {
            Main.Streams.out.printf(java.util.Locale.ROOT, fmt, "total", "", sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7]);
            narrowed.forEach(n -> Main.Streams.out.println("note: " + n + ": a survivor may be one that a left-out rule kills"));
            all.forEach(p -> Main.Streams.out.println(p));
        }
        return reports.write(format -> document, !problems.isEmpty() ? Verdict.MISMATCH_EXIT : !stopped.isEmpty() ? Verdict.INCOMPLETE.exitCode() : 0);
    }

    private static void text(ScenarioRunner.Outcome base, List<Mutations.Mutant> mutants, List<String> stale,
            CommandLine.Model.CommandSpec spec) {
        for (Mutations.Mutant m : mutants) {
            CheckResult r = m.result();
            String what = switch (m.fate()) {
                case SURVIVED -> m.explanation() != null ? "expected: " + m.explanation() : "NO DECLARED REASON";
                case EQUIVALENT -> m.kind() == Model.MutantKind.NO_WAIT ? "it never ran where the original would have waited"
                        : "the forced outcome always equalled the real one";
                case NOT_EVALUATED -> r.message();
                case INCOMPLETE -> "no verdict: " + r.limit();
                default -> m.outcome();
            };
            Main.Streams.out.printf(java.util.Locale.ROOT, "%-72s %-13s %s%n", m.id(), m.fate().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), what);
            String replay = Mutations.replayArgs(base, m);
            if (replay != null) {
                // the failing path of this mutant, to read as a trace (the launcher and --classpath as the check's line has them)
                Main.Streams.out.println(Main.withClasspath("    replay: ./migcheck replay " + replay, base.scenario(), spec));
            }
        }
        stale.forEach(x -> Main.Streams.out.println("declared survivor no longer survives: " + x));
        long unexplained = mutants.stream().filter(Mutations.Mutant::unexplained).count();
        Main.Streams.out.printf(java.util.Locale.ROOT, "%s: %s%n", base.title(), Mutations.summary(mutants));
        List<String> narrowed = ScenarioRunner.ruleChoiceNotes(base.result());
        narrowed.forEach(n -> Main.Streams.out.println("note: " + n));
        if (unexplained > 0) {
            Main.Streams.out.printf(java.util.Locale.ROOT, "%s no declared reason (declare them with Expect.survives in the scenario,"
                    + " or add the rule they show missing)%s%n", unexplained == 1 ? "1 survivor has" : unexplained + " survivors have",
                    narrowed.isEmpty() ? "" : "; with only some rules checked (note above), a survivor may be one that a left-out rule kills");
        }
        long stopped = Mutations.count(mutants, Mutations.Fate.INCOMPLETE);
        if (stopped > 0) {
            Main.Streams.out.printf(java.util.Locale.ROOT, "%s stopped by a budget: not judged (raise or drop the budget)%n",
                    stopped == 1 ? "1 mutant was" : stopped + " mutants were");
        }
    }
}
