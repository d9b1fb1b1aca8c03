package org.migcheck.checker.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.migcheck.checker.cli.OutputOptions.Format;
import org.migcheck.checker.cluster.HazelcastCluster;
import org.migcheck.checker.engine.Words;
import org.migcheck.checker.run.BoundSensitivity;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.run.Wire;
import org.migcheck.checker.trace.HtmlRenderer;
import org.migcheck.checker.trace.JUnitRenderer;
import org.migcheck.checker.trace.JsonRenderer;
import org.migcheck.checker.trace.SarifRenderer;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check one scenario (or --all) and print the verdict and counterexample.")
final class CheckCmd implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", description = "scenario id (see list)")
    String scenario;

    @Option(names = "--all", description = "check every variant of every scenario: the bundled ones and those of --classpath"
            + " (text: the verdict table)")
    boolean all;

    @Option(names = "--variant", paramLabel = "V", description = "named variant of the scenario")
    String variant;

    @Option(names = "--set", paramLabel = "KNOB=VALUE", parameterConsumer = Args.KnobSetting.class, description = "knob value (repeatable); must agree with --variant")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--bounds", paramLabel = "+K", description = "also re-check with every model bound of a retry loop raised by K passes and say whether the verdict changed; the exit code is then the verdict at the raised bounds (with --all: 0, or 10 if a re-check differs from its variant's expectation)")
    String bounds;

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

    /** What the arguments ask for, checked: the format, the --bounds raise, and the scenario (null with --all). */
    private record Asked(Format format, int raise, Scenario scenario) {}

    /**
     * Every usage check of the arguments, done once before anything runs (with --members, before any member is asked: a
     * bad knob was reported 10 s later as a member that did not join).
     */
    private Asked asked() {
        if (all) {
            if (scenario != null || variant != null || !sets.isEmpty()) {
                throw Args.usage(spec, "--all takes no SCENARIO, --variant or --set");
            }
            Format f = output.require(spec, " --all", Format.TEXT, Format.JSON, Format.JUNIT, Format.SARIF);
            reports.require(spec, " --all", Format.JSON, Format.JUNIT, Format.SARIF);
            traceOptions.callStacks(spec, f);
            return new Asked(f, bounds == null ? 0 : Args.boundsRaise(bounds, spec), null);
        }
        Format f = output.require(spec, Format.values());
        reports.require(spec, "", Format.JSON, Format.JUNIT, Format.SARIF, Format.HTML);
        traceOptions.callStacks(spec, f);
        if (scenario == null) {
            throw Args.usage(spec, "name a SCENARIO (see migcheck list) or use --all");
        }
        Scenario s = Main.scenario(scenario, spec);
        VariantArgs.checkAgainstVariant(spec, s, variant, sets);
        try {
            ScenarioRunner.knobs(s, variant, sets);
        } catch (ModelError e) {
            throw Args.usage(spec, e.getMessage());
        }
        return new Asked(f, bounds == null ? 0 : Args.boundsRaise(bounds, spec), s);
    }

    @Override
    public Integer call() {
        Asked args = asked();
        if (!clusterOptions.active()) {
            return check(null, args);
        }
        if (search.toOptions().compress()) {
            throw Args.usage(spec, "--compress cannot be combined with --members: the visited set spread over processes is stored packed");
        }
        if (all && search.toOptions().strategy() == org.migcheck.checker.engine.Strategy.RANDOM) {
            throw Args.usage(spec, "--members with --strategy random spreads the walks of one SCENARIO, not --all");
        }
        HazelcastCluster cluster = clusterOptions.connect(spec, search.toOptions().strategy(), all ? null : scenario);
        try {
            return check(cluster, args);
        } finally {
            cluster.close();
        }
    }

    private Integer check(HazelcastCluster cluster, Asked args) {
        RuleSet rules = Main.rules(spec);
        Format f = args.format();
        int raise = args.raise();
        if (all) {
            // one row per variant: no per-run start and progress lines between the rows
            Options o = search.toOptions().withProgress(null);
            return checkAll(rules, cluster == null ? o : o.withCluster(cluster), f, raise);
        }
        Scenario s = args.scenario();
        Options opts = cluster == null ? search.toOptions() : search.toOptions().withCluster(cluster);
        Options plain = opts;
        if (cluster != null && opts.strategy() == org.migcheck.checker.engine.Strategy.RANDOM) {
            // the members' walks check determinism as this process's do (ScenarioRunner decides AUTO here, not there)
            if (opts.determinism() == Options.Switch.AUTO) {
                opts = opts.withDeterminism(ScenarioRunner.bundled(s) ? Options.Switch.OFF : Options.Switch.ON);
            }
            // walk k has its own seed: chunks of walks run on the members and here, the model built by each from the scenario
            opts = opts.withSwarm(cluster.swarm(s.id(), variant, sets, Wire.options(opts), Wire::chunk, Wire::chunk));
        }
        ScenarioRunner.Outcome o;
        Options asked = opts;
        reports.onOverrun(f, (format, message) -> overrunReport(format, s, rules, asked, message));
        try {
            o = ScenarioRunner.run(s, variant, sets, rules, opts);
        } catch (ModelError e) {
            throw Args.usage(spec, e.getMessage());
        }
        // the check itself has its verdict: a watchdog stop in the re-check at raised bounds reports that verdict, with a
        // note that the re-check did not end
        ScenarioRunner.Outcome done = o;
        reports.onOverrun(f, (format, message) -> overrunReport(format, done, "the re-check at bounds +" + raise + " did not end: " + message));
        BoundSensitivity sens = null;
        if (raise > 0 && o.result().model() != null) {
            sens = BoundSensitivity.check(ScenarioRunner.build(s, o.knobs()), o.result(), rules, plain, raise);
        }
        PrintStream out = Main.Streams.out;
        // with --bounds (and some bound to raise), the re-check at raised bounds is a second case (JUnit) or result (SARIF),
        // judged against the same expectation, and a second section of the HTML page: the exit code is its verdict
        ScenarioRunner.Outcome again = sens == null || sens.raised().isEmpty() ? null : o.atBounds(raise, sens.result());
        switch (f) {
            case JSON, HTML, JUNIT, SARIF -> out.print(document(f, s, o, sens, again));
            case TEXT -> {
                out.print(Main.withClasspath(TextRenderer.render(o, output.columns(), traceOptions.callStacks), s, spec));
                if (sens != null) {
                    out.println();
                    out.println(sens.summary());
                    // a model without bounds to raise was checked again as it is: the summary says so, and the same
                    // report twice would read as a re-check (JUnit, SARIF and HTML have no second case then either)
                    if (again != null && sens.result().verdict() != Verdict.HOLDS) {
                        out.print(Main.withClasspath(TextRenderer.render(o.title() + " at bounds +" + raise, sens.result(), null,
                                ScenarioRunner.token(s, o.variant(), o.knobs(), sens.result().schedule(), raise),
                                true, output.columns()), s, spec));
                    }
                }
            }
        }
        BoundSensitivity recheck = sens;
        return reports.write(format -> document(format, s, done, recheck, again),
                sens != null ? sens.result().verdict().exitCode() : o.result().verdict().exitCode());
    }

    /**
     * The report of a check the watchdog ends (its code never returned): INCOMPLETE with the watchdog's reason, in
     * format {@code f}, with the variant's knobs and expectation as a finished check would have them.
     */
    private String overrunReport(Format f, Scenario s, RuleSet rules, Options opts, String message) {
        return document(f, s, overrunOutcome(s, variant, sets, rules, opts, message), null, null);
    }

    /** The outcome of a check of {@code s} the watchdog ends: INCOMPLETE with its {@code message}, judged as any outcome. */
    static ScenarioRunner.Outcome overrunOutcome(Scenario s, String variant, Map<String, String> sets, RuleSet rules, Options opts,
            String message) {
        // also after a signal: the check began and did not stop at it (runAfterStop, or the report said "not checked")
        return ScenarioRunner.runAfterStop(s, variant, sets, rules, opts, (model, r, x) -> overrunResult(model, message));
    }

    /** A result without a verdict for a check of {@code model} the watchdog ends, with its {@code message}. */
    static CheckResult overrunResult(org.migcheck.model.lang.Model model, String message) {
        // the watchdog's, or a signal's that the check did not heed (Main's shutdown hook writes the same document)
        return org.migcheck.checker.run.Checker.noVerdict(model, message, org.migcheck.checker.engine.Budget.stoppedAll() != null
                ? Main.SIGNALLED + ", not heeded by model or rule code that does not return" : "--time-limit (the watchdog ended the check)");
    }

    /** The finished check {@code o}'s report, with {@code note}: the watchdog ended what came after it. */
    private String overrunReport(Format f, ScenarioRunner.Outcome o, String note) {
        return document(f, o.scenario(), new ScenarioRunner.Outcome(o.scenario(), o.variant(), o.knobs(), o.expected(),
                o.result().withNote(note), o.boundsRaise()), null, null);
    }

    /**
     * The report of one check in format {@code f} (not text), with the re-check at raised bounds when {@code sens} is
     * given and {@code again}, its outcome, when the model had bounds to raise: a second case (JUnit), result
     * (SARIF) or section (HTML), judged against the same expectation.
     */
    private String document(Format f, Scenario s, ScenarioRunner.Outcome o, BoundSensitivity sens, ScenarioRunner.Outcome again) {
        List<ScenarioRunner.Outcome> cases = again == null ? List.of(o) : List.of(o, again);
        return switch (f) {
            case JSON -> JsonRenderer.withReplayCommands(JsonRenderer.render(o, sens, again),
                    line -> Main.withClasspath(line, List.of(s), spec, x -> x)) + "\n";
            case HTML -> Main.withClasspath(again == null ? HtmlRenderer.render(o) : HtmlRenderer.render(o, again, sens.summary()),
                    List.of(s), spec, JUnitRenderer::esc);
            case JUNIT -> Main.withClasspath(JUnitRenderer.render("migcheck check " + s.id(), cases), List.of(s), spec, JUnitRenderer::esc);
            case SARIF -> Main.withClasspath(SarifRenderer.render(cases), List.of(s), spec, Main::jsonText) + "\n";
            case TEXT -> throw new IllegalArgumentException("text is printed by call(), with the re-check's own report");
        };
    }

    private static List<Scenario> scenarios(List<ScenarioRunner.Outcome> outcomes) {
        return outcomes.stream().map(ScenarioRunner.Outcome::scenario).distinct().toList();
    }

    /** A variant of {@code check --all --bounds +K}, its re-check at raised bounds, and that re-check judged as an outcome. */
    private record Recheck(ScenarioRunner.Outcome base, BoundSensitivity sens, ScenarioRunner.Outcome again) {}

    /** A HOLDS as expected that some state reached a model bound for: the verdict is a fact about the bounded model. */
    private static boolean bounded(ScenarioRunner.Outcome o) {
        return o.matches() && o.bounded();
    }

    /**
     * {@code check --all}, and with {@code raise} &gt; 0 ({@code --bounds +K}) the re-check of every variant whose
     * model declares model bounds, at those bounds raised by K, judged against the same expectation: a line of
     * the "bounds +K" section under the table (text), or a case (JUnit), result (SARIF) or report (JSON,
     * {@code boundsRaise}) right after its variant's.
     */
    private Integer checkAll(RuleSet rules, Options opts, Format f, int raise) {
        PrintStream out = Main.Streams.out;
        boolean text = f == Format.TEXT;
        // the verdict columns as wide as the longest expectation or "violated RULE" of an active rule (streamed rows stay aligned)
        int vw = 40;
        for (Scenario sc : Main.registry(spec).all()) {
            for (org.migcheck.model.scenarios.Variant v : sc.variants()) {
                vw = Math.max(vw, ScenarioRunner.verdictText(v.expect()).length());
            }
        }
        for (org.migcheck.properties.Rule r : rules.rules()) {
            vw = Math.max(vw, ("violated " + r.id()).length());
        }
        String fmt = "%-22s %-32s %-" + vw + "s %-" + vw + "s %-7s %8s %6s %7s  %s%n";
        if (text) {
            out.printf(java.util.Locale.ROOT, fmt, "scenario", "variant", "expected", "actual", "goals", "states", "depth", "time", "");
        }
        List<ScenarioRunner.Outcome> bad = new ArrayList<>();
        long start = System.nanoTime();
        List<Scenario> scenarios = Main.registry(spec).all();
        // a variant whose model or rule code never returns: the watchdog ends the process; the report then has the variants
        // checked so far and that one, INCOMPLETE, with a note on the variants not reached (text: its row and a summary)
        List<ScenarioRunner.Outcome> done = new java.util.concurrent.CopyOnWriteArrayList<>();
        Main.overrunDocument = message -> {
            List<ScenarioRunner.Outcome> sofar = hungAt(done, scenarios, rules, opts, message);
            int after = scenarios.stream().mapToInt(x -> x.variants().size()).sum() - sofar.size();
            return sofar.isEmpty() ? null : text ? String.format(java.util.Locale.ROOT, fmt, row(sofar.get(sofar.size() - 1)))
                    + allSummary(sofar, after) : allDocument(f, sofar);
        };
        Main.overrunReports = reports.onOverrun((format, message) -> {
            List<ScenarioRunner.Outcome> sofar = hungAt(done, scenarios, rules, opts, message);
            return sofar.isEmpty() ? null : allDocument(format, sofar);
        });
        List<ScenarioRunner.Outcome> outcomes = ScenarioRunner.runAll(scenarios, rules, opts, o -> {
            done.add(o);
            if (!o.matches()) {
                bad.add(o);
            }
            if (text) {
                out.printf(java.util.Locale.ROOT, fmt, row(o));
            }
        });
        // with --bounds: each variant with model bounds, its re-check, and the re-check as an outcome right after it
        List<ScenarioRunner.Outcome> cases = new ArrayList<>();
        List<Recheck> rechecks = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            ScenarioRunner.Outcome o = outcomes.get(i);
            cases.add(o);
            if (raise == 0 || o.result().model() == null || BoundSensitivity.modelBounds(o.result().model()).isEmpty()) {
                continue;
            }
            // the watchdog ending this re-check: the report has every variant (all were checked), the re-checks so far and
            // this one, INCOMPLETE; the re-checks of the variants after it are not run
            List<ScenarioRunner.Outcome> sofar = List.copyOf(cases);
            List<ScenarioRunner.Outcome> after = List.copyOf(outcomes.subList(i + 1, outcomes.size()));
            java.util.function.Function<String, List<ScenarioRunner.Outcome>> hungAt = message -> {
                ScenarioRunner.Outcome hung = o.atBounds(raise, overrunResult(o.result().model(), message)
                        .withNote("the watchdog ended the process here: the re-checks at bounds +" + raise + " of the variants after"
                                + " this one were not run"));
                List<ScenarioRunner.Outcome> all = new ArrayList<>(sofar);
                all.add(hung);
                all.addAll(after);
                return all;
            };
            Main.overrunReports = reports.onOverrun((format, message) -> allDocument(format, hungAt.apply(message)));
            Main.overrunDocument = message -> {
                List<ScenarioRunner.Outcome> all = hungAt.apply(message);
                if (!text) {
                    return allDocument(f, all);
                }
                long failed = all.stream().filter(x -> !x.matches()).count();
                return String.format(java.util.Locale.ROOT, "%nbounds +%d: the re-check of %s did not end (the watchdog ended the process; the re-checks"
                        + " after it were not run)%n%d passed, %d failed%n", raise, o.title(), all.size() - failed, failed);
            };
            BoundSensitivity sens = BoundSensitivity.check(ScenarioRunner.build(o.scenario(), o.knobs()), o.result(), rules, opts, raise);
            Recheck re = new Recheck(o, sens, o.atBounds(raise, sens.result()));
            rechecks.add(re);
            cases.add(re.again());
            if (!re.again().matches()) {
                bad.add(re.again());
            }
        }
        Main.overrunDocument = null;
        Main.overrunReports = null;
        switch (f) {
            case JSON, JUNIT, SARIF -> out.print(allDocument(f, cases));
            default -> {
                if (raise > 0) {
                    out.printf(java.util.Locale.ROOT, "%nbounds +%d: %s whose model declares model bounds re-checked with them raised%n", raise,
                            Words.count(rechecks.size(), "variant"));
                    for (Recheck re : rechecks) {
                        out.printf(java.util.Locale.ROOT, "  %s: %s%s%n", re.base().title(), re.sens().summary().replaceFirst("^bounds \\+\\d+ ", ""),
                                re.again().matches() ? "" : "  MISMATCH");
                    }
                }
                double secs = (System.nanoTime() - start) / 1e9;
                // after SIGINT or SIGTERM every later check stops at once: their rows say INCOMPLETE, one line sums them up
                // instead of a report each
                long stopped = bad.stream().filter(ScenarioRunner.Outcome::interrupted).count();
                for (ScenarioRunner.Outcome o : bad) {
                    if (o.interrupted()) {
                        continue;
                    }
                    out.println();
                    out.print(Main.withClasspath(TextRenderer.render(o, output.columns(), traceOptions.callStacks), o.scenario(), spec));
                }
                long bounded = outcomes.stream().filter(CheckCmd::bounded).count();
                if (bounded > 0) {
                    out.printf(java.util.Locale.ROOT, "%n%s on a model bound (bounded: a retry loop ended at the model's limit, not the kernel's;"
                            + " check SCENARIO --variant V lists the bound, --bounds +K re-checks above it)%n",
                            bounded + (bounded == 1 ? " HOLDS depends" : " HOLDS depend"));
                    if (raise > 0) {
                        // the re-checks of the bounded HOLDS: still bounded, or without a verdict (a budget, a model error)
                        long still = 0;
                        List<String> undecided = new ArrayList<>();
                        for (Recheck re : rechecks) {
                            if (!bounded(re.base())) {
                                continue;
                            }
                            if (!re.sens().decided()) {
                                undecided.add(re.base().title());
                            } else if (re.again().bounded()) {
                                still++;
                            }
                        }
                        out.printf(java.util.Locale.ROOT, "at bounds +%d, %s%s%n", raise,
                                still == 0 && undecided.isEmpty() ? "none still reaches one" : still + " still " + (still == 1 ? "reaches one" : "reach one"),
                                undecided.isEmpty() ? "" : "; " + undecided.size() + " reached no verdict there: " + String.join(", ", undecided));
                    }
                }
                if (stopped > 0) {
                    out.printf(java.util.Locale.ROOT, "%n%s stopped by %s (INCOMPLETE: no verdict), counted as failed below%n",
                            stopped == 1 ? "1 check was" : stopped + " checks were", org.migcheck.checker.engine.Budget.stoppedAll());
                }
                if (org.migcheck.checker.trace.Timings.shown()) {
                    out.printf(java.util.Locale.ROOT, "%ncatalogue checked in %.1f s%n", secs);
                } else {
                    out.println();
                    out.println("catalogue checked");
                }
                out.printf(java.util.Locale.ROOT, "%d passed, %d failed%n", cases.size() - bad.size(), bad.size());
            }
        }
        return reports.write(format -> allDocument(format, cases), bad.isEmpty() ? 0 : Verdict.MISMATCH_EXIT);
    }

    /** The cells of {@code o}'s row in the text table of {@code check --all}. */
    private static Object[] row(ScenarioRunner.Outcome o) {
        CheckResult r = o.result();
        String goals = o.expected() == null || o.expected().goals().isEmpty() ? "-"
                : ScenarioRunner.goalsAsExpected(o.expected(), r) + "/" + o.expected().goals().size();
        return new Object[] {o.scenario().id(), o.variant(), ScenarioRunner.verdictText(o.expected()), ScenarioRunner.verdictText(r),
                goals, r.stats().distinct(), r.stats().maxDepth(), org.migcheck.checker.trace.Timings.shown() ? String.format(java.util.Locale.ROOT, "%.2fs", r.stats().seconds()) : "-",
                !o.matches() ? "MISMATCH" : bounded(o) ? "ok (bounded)" : "ok"};
    }

    /**
     * The variants of {@code check --all} checked when the watchdog ended the process ({@code done}) and, after them, the
     * one it ended, INCOMPLETE with {@code message} and a note on the variants not reached; empty when every variant had
     * been checked.
     */
    private static List<ScenarioRunner.Outcome> hungAt(List<ScenarioRunner.Outcome> done, List<Scenario> scenarios, RuleSet rules,
            Options opts, String message) {
        List<ScenarioRunner.Outcome> sofar = new ArrayList<>(done);
        int at = 0;
        for (Scenario sc : scenarios) {
            for (org.migcheck.model.scenarios.Variant v : sc.variants()) {
                if (at++ == sofar.size()) {
                    int after = scenarios.stream().mapToInt(x -> x.variants().size()).sum() - at;
                    String note = "the watchdog ended the process here: "
                            + (after == 0 ? "no variant comes after this one" : Words.count(after, "variant") + " after this one not checked");
                    sofar.add(ScenarioRunner.runAfterStop(sc, v.name(), Map.of(), rules, opts,
                            (model, r, x) -> overrunResult(model, message).withNote(note)));
                    return sofar;
                }
            }
        }
        return List.of();
    }

    /** The text summary of a {@code check --all} the watchdog ended after {@code cases} ({@code after} variants not checked). */
    private static String allSummary(List<ScenarioRunner.Outcome> cases, int after) {
        long failed = cases.stream().filter(o -> !o.matches()).count();
        return String.format(java.util.Locale.ROOT, "%ncatalogue not finished: the watchdog ended the process in %s%n%d passed, %d failed, %d not checked%n",
                cases.get(cases.size() - 1).title(), cases.size() - failed, failed, after);
    }

    /** The JSON, JUnit or SARIF document of {@code check --all} with {@code cases}. */
    private String allDocument(Format f, List<ScenarioRunner.Outcome> cases) {
        return switch (f) {
            case JSON -> JsonRenderer.withReplayCommands(JsonRenderer.renderAll("catalogue", cases),
                    line -> Main.withClasspath(line, scenarios(cases), spec, x -> x)) + "\n";
            case JUNIT -> Main.withClasspath(JUnitRenderer.render("migcheck check --all", cases), scenarios(cases), spec, JUnitRenderer::esc);
            case SARIF -> Main.withClasspath(SarifRenderer.render(cases), scenarios(cases), spec, Main::jsonText) + "\n";
            default -> throw new IllegalArgumentException("check --all writes text row by row");
        };
    }
}
