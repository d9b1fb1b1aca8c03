package org.migcheck.checker.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.JsonRenderer;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code migcheck} command line. Exit codes: see {@link Verdict} and the README. */
@Command(name = "migcheck", mixinStandardHelpOptions = true, version = "migcheck 0.1.0",
        description = "Model checker for the locking rules of Linux memory management.",
        exitCodeOnInvalidInput = Verdict.USAGE_EXIT,
        exitCodeOnExecutionException = 70,
        subcommands = {Main.ListCmd.class, Main.CheckCmd.class, Main.SuiteCmd.class, Main.MutateCmd.class, Main.ReplayCmd.class, Main.BenchCmd.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        Streams.out = out;
        Streams.err = err;
        return cl.execute(args);
    }

    static final class Streams {
        static PrintStream out = System.out;
        static PrintStream err = System.err;
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, Streams.out);
        return Verdict.USAGE_EXIT;
    }

    /** The bundled scenario {@code id}; an unknown id is a usage error listing the known ones. */
    static Scenario scenario(String id, CommandLine.Model.CommandSpec spec) {
        Scenario s = Catalogue.find(id);
        if (s == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown scenario " + id + "; known: "
                    + Catalogue.all().stream().map(Scenario::id).toList());
        }
        return s;
    }

    /** SCENARIO [--variant V] [--set knob=value]...: the variant selection of mutate and bench. */
    static final class VariantArgs {
        @Parameters(index = "0", paramLabel = "SCENARIO", description = "scenario id (see list)")
        String scenario;

        @Option(names = "--variant", description = "named variant of the scenario")
        String variant;

        @Option(names = "--set", description = "knob=value (repeatable)")
        Map<String, String> sets = new LinkedHashMap<>();
    }

    /** Options shared by check and bench. */
    static class SearchOptions {
        @Option(names = "--strategy", description = "bfs (shortest counterexample, default), dfs, or random (seeded walks, shrunk counterexample, never exhaustive)")
        String strategy = "bfs";

        @Option(names = "--seed", description = "seed of --strategy random (default 1)")
        long seed = 1;

        @Option(names = "--walks", description = "number of random walks of --strategy random (default 10000); --max-depth bounds each walk (default 1000)")
        int walks = 10_000;

        @Option(names = "--max-states", description = "stop (incomplete) after this many distinct states")
        long maxStates = Long.MAX_VALUE;

        @Option(names = "--max-depth", description = "do not expand states deeper than this")
        int maxDepth = Integer.MAX_VALUE;

        @Option(names = "--time-limit", description = "stop (incomplete) after this many seconds")
        double timeLimit = 365 * 24 * 3600.0;

        @Option(names = "--max-memory", description = "stop (incomplete) when the heap in use exceeds this many MiB")
        long maxMemoryMiB = Runtime.getRuntime().maxMemory() * 9 / 10 >> 20;

        @Option(names = "--no-liveness", description = "skip the stuck-thread analysis (saves the state graph)")
        boolean noLiveness;

        @Option(names = "--quiet-progress", description = "no progress lines on stderr")
        boolean quietProgress;

        @Option(names = "--symmetry", description = "on|off: symmetry reduction over the model's interchangeable threads and folios (default: on where the model declares them)")
        Options.Switch symmetry = Options.Switch.AUTO;

        @Option(names = "--por", description = "on|off: partial-order reduction (default on)")
        Options.Switch por = Options.Switch.AUTO;

        Options toOptions() {
            Strategy s = switch (strategy.toLowerCase()) {
                case "bfs" -> Strategy.BFS;
                case "dfs" -> Strategy.DFS;
                case "random" -> Strategy.RANDOM;
                default -> throw new CommandLine.ParameterException(new CommandLine(this), "--strategy takes bfs, dfs or random, not " + strategy);
            };
            if (maxStates <= 0 || maxDepth < 0 || timeLimit <= 0 || maxMemoryMiB <= 0 || walks <= 0) {
                throw new CommandLine.ParameterException(new CommandLine(this), "budgets must be positive");
            }
            Budget b = new Budget(maxStates, maxDepth, Duration.ofMillis((long) (timeLimit * 1000)), maxMemoryMiB << 20);
            return new Options(s, b, !noLiveness, 40_000_000L, quietProgress ? null : Streams.err, seed, walks,
                    symmetry, por);
        }
    }

    @Command(name = "list", exitCodeOnInvalidInput = Verdict.USAGE_EXIT, exitCodeOnExecutionException = 70, description = "List the bundled scenarios, their knobs and variants.")
    static final class ListCmd implements Callable<Integer> {
        @Override
        public Integer call() {
            PrintStream out = Streams.out;
            for (Scenario s : Catalogue.all()) {
                out.printf("%-28s %s%n", s.id(), s.title());
                out.printf("%-28s   ref: %s%n", "", s.reference());
                for (Knob k : s.knobs()) {
                    out.printf("%-28s   knob %s = %s (default %s): %s%n", "", k.name(), String.join("|", k.values()), k.defaultValue(), k.doc());
                }
                for (Variant v : s.variants()) {
                    out.printf("%-28s   variant %-26s expect %-28s %s%n", "", v.name(), v.expect().describe(), v.doc());
                }
            }
            return 0;
        }
    }

    @Command(name = "check", exitCodeOnInvalidInput = Verdict.USAGE_EXIT, exitCodeOnExecutionException = 70, description = "Check one scenario (or --all) and print the verdict and counterexample.")
    static final class CheckCmd implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", description = "scenario id (see list)")
        String scenario;

        @Option(names = "--all", description = "check every variant of every bundled scenario and print the verdict table")
        boolean all;

        @Option(names = "--variant", description = "named variant of the scenario")
        String variant;

        @Option(names = "--set", description = "knob=value (repeatable)")
        Map<String, String> sets = new LinkedHashMap<>();

        @Option(names = "--format", description = "text (default), json, or html (a self-contained report with a swimlane picture)")
        String format = "text";

        @CommandLine.Mixin
        SearchOptions search = new SearchOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Options opts = search.toOptions();
            RuleSet rules = KernelRules.all();
            if (!format.equals("text") && !format.equals("json") && !format.equals("html")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--format takes text, json or html, not " + format);
            }
            if (all) {
                if (scenario != null || variant != null || !sets.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--all takes no scenario, --variant or --set");
                }
                return checkAll(rules, opts);
            }
            if (scenario == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "name a SCENARIO (see migcheck list) or use --all");
            }
            Scenario s = scenario(scenario, spec);
            ScenarioRunner.Outcome o;
            try {
                o = ScenarioRunner.run(s, variant, sets, rules, opts);
            } catch (ModelError e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (format.equals("json")) {
                Streams.out.println(JsonRenderer.render(o));
            } else if (format.equals("html")) {
                Streams.out.print(org.migcheck.checker.trace.HtmlRenderer.render(o));
            } else {
                Streams.out.print(TextRenderer.render(o.title(), o.result(),
                        o.expected() == null ? null : o.expected().describe(), o.token()));
            }
            return o.result().verdict().exitCode();
        }

        private Integer checkAll(RuleSet rules, Options opts) {
            PrintStream out = Streams.out;
            String fmt = "%-22s %-32s %-40s %-40s %-7s %8s %6s %7s  %s%n";
            out.printf(fmt, "scenario", "variant", "expected", "actual", "goals", "states", "depth", "time", "");
            List<ScenarioRunner.Outcome> bad = new ArrayList<>();
            long start = System.nanoTime();
            List<ScenarioRunner.Outcome> all = ScenarioRunner.runAll(rules, opts, o -> {
                CheckResult r = o.result();
                String goals = o.expected().goals().isEmpty() ? "-"
                        : ScenarioRunner.goalsAsExpected(o.expected(), r) + "/" + o.expected().goals().size();
                out.printf(fmt, o.scenario().id(), o.variant(), ScenarioRunner.verdictText(o.expected()), ScenarioRunner.verdictText(r),
                        goals, r.stats().distinct(), r.stats().maxDepth(), String.format("%.2fs", r.stats().seconds()),
                        o.matches() ? "ok" : "MISMATCH");
                if (!o.matches()) {
                    bad.add(o);
                }
            });
            double secs = (System.nanoTime() - start) / 1e9;
            for (ScenarioRunner.Outcome o : bad) {
                out.println();
                out.print(TextRenderer.render(o.title(), o.result(), o.expected().describe(), o.token()));
            }
            out.printf("%ncatalogue checked in %.1f s%n", secs);
            out.printf("%d passed, %d failed%n", all.size() - bad.size(), bad.size());
            return bad.isEmpty() ? 0 : Verdict.MISMATCH_EXIT;
        }
    }

    @Command(name = "suite", exitCodeOnInvalidInput = Verdict.USAGE_EXIT, exitCodeOnExecutionException = 70, description = "Check a scenario over every combination of its knobs and print a verdict table.")
    static final class SuiteCmd implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SCENARIO")
        String scenario;

        @Option(names = "--vary", description = "knob to enumerate (repeatable; default: every knob not fixed by --set)")
        List<String> vary = new ArrayList<>();

        @Option(names = "--set", description = "knob=value held fixed (repeatable)")
        Map<String, String> sets = new LinkedHashMap<>();

        @CommandLine.Mixin
        SearchOptions search = new SearchOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Scenario s = scenario(scenario, spec);
            List<ScenarioRunner.Outcome> outcomes;
            try {
                outcomes = org.migcheck.checker.run.KnobSuite.run(s, vary, sets, KernelRules.all(), search.toOptions());
            } catch (ModelError e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Streams.out.print(org.migcheck.checker.run.KnobSuite.table(s, outcomes));
            long bad = outcomes.stream().filter(o -> !o.matches()).count();
            Streams.out.printf("%d combinations, %d as expected, %d mismatches%n", outcomes.size(), outcomes.size() - bad, bad);
            return bad == 0 ? 0 : Verdict.MISMATCH_EXIT;
        }
    }

    @Command(name = "mutate", exitCodeOnInvalidInput = Verdict.USAGE_EXIT, exitCodeOnExecutionException = 70,
            description = "Mutation analysis: make each lock or wait step of a holding variant stop waiting, and report which mutants the rules miss.")
    static final class MutateCmd implements Callable<Integer> {
        @CommandLine.Mixin
        VariantArgs args = new VariantArgs();

        @CommandLine.Mixin
        SearchOptions search = new SearchOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Scenario s = scenario(args.scenario, spec);
            Options opts = search.toOptions().withProgress(null);
            ScenarioRunner.Outcome base;
            Model model;
            try {
                base = ScenarioRunner.run(s, args.variant, args.sets, KernelRules.all(), opts);
                model = s.build(base.knobs());
            } catch (ModelError e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (base.result().verdict() != Verdict.HOLDS) {
                throw new CommandLine.ParameterException(spec.commandLine(), base.title() + " does not hold ("
                        + base.actual() + "): mutation analysis needs a variant that holds");
            }
            List<Mutations.Mutant> mutants = Mutations.run(model, base.result(), KernelRules.all(), opts);
            int survived = 0;
            for (Mutations.Mutant m : mutants) {
                CheckResult r = m.result();
                Streams.out.printf("%-60s %-12s %s%n", m.step() + " [pc " + m.pc() + "]", m.fate().name().toLowerCase(),
                        ScenarioRunner.verdictText(r) + (r.verdict() == Verdict.MODEL_ERROR ? ": " + r.message() : ""));
                if (m.fate() == Mutations.Fate.SURVIVED) {
                    survived++;
                }
            }
            Streams.out.printf("%s: %d mutants, %d killed, %d survived, %d unreached, %d model errors%n", base.title(), mutants.size(),
                    count(mutants, Mutations.Fate.KILLED), survived,
                    count(mutants, Mutations.Fate.UNREACHED),
                    count(mutants, Mutations.Fate.MODEL_ERROR));
            return 0;
        }
    }

    private static long count(List<Mutations.Mutant> ms, Mutations.Fate f) {
        return ms.stream().filter(m -> m.fate() == f).count();
    }

    @Command(name = "replay", exitCodeOnInvalidInput = Verdict.USAGE_EXIT, exitCodeOnExecutionException = 70, description = "Replay a counterexample token and print its trace.")
    static final class ReplayCmd implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TOKEN", description = "SCENARIO:VARIANT:KNOBS:SCHEDULE as printed by check")
        String token;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ScenarioRunner.Token t;
            Model m;
            Trace trace;
            try {
                t = ScenarioRunner.parse(token);
                m = t.scenario().build(t.knobs());
                trace = Trace.replay(m, t.schedule());
            } catch (IllegalArgumentException | ModelError e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Streams.out.println("replay of " + t.scenario().id() + " / " + (t.variant() == null ? "-" : t.variant())
                    + " (" + t.schedule().length + " steps)");
            Streams.out.print(TextRenderer.table(trace));
            Streams.out.print(Replays.endState(m, trace));
            return 0;
        }
    }

    @Command(name = "bench", exitCodeOnInvalidInput = Verdict.USAGE_EXIT, exitCodeOnExecutionException = 70, description = "Measure exploration speed: prints states/s for each repetition and the best.")
    static final class BenchCmd implements Callable<Integer> {
        @CommandLine.Mixin
        VariantArgs args = new VariantArgs();

        @Option(names = "--repeat", description = "runs after one warm-up run (default 3)")
        int repeat = 3;

        @Option(names = "--unreduced", description = "also run without symmetry and partial-order reduction and print both state counts and the factor")
        boolean unreduced;

        @CommandLine.Mixin
        SearchOptions search = new SearchOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Scenario s = scenario(args.scenario, spec);
            if (repeat < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--repeat takes a positive number, not " + repeat);
            }
            Options opts = search.toOptions().withProgress(null);
            double best = 0;
            for (int i = 0; i <= repeat; i++) {
                ScenarioRunner.Outcome o;
                try {
                    o = ScenarioRunner.run(s, args.variant, args.sets, KernelRules.all(), opts);
                } catch (ModelError e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                CheckResult r = o.result();
                Streams.out.printf("%s %s: %s; %s%n", i == 0 ? "warm-up" : "run " + i, o.title(), r.verdict().lower(), r.stats().line());
                if (i > 0) {
                    best = Math.max(best, r.stats().statesPerSecond());
                }
            }
            Streams.out.printf("best: %.0f states/s%n", best);
            if (unreduced) {
                CheckResult red = ScenarioRunner.run(s, args.variant, args.sets, KernelRules.all(), opts).result();
                CheckResult plain = ScenarioRunner.run(s, args.variant, args.sets, KernelRules.all(), opts.unreduced()).result();
                Streams.out.printf("reduced: %s, %d states, %.2f s; unreduced: %s, %d states, %.2f s; factor %.1fx%n",
                        red.verdict().lower(), red.stats().distinct(), red.stats().nanos() / 1e9,
                        plain.verdict().lower(), plain.stats().distinct(), plain.stats().nanos() / 1e9,
                        (double) plain.stats().distinct() / Math.max(1, red.stats().distinct()));
            }
            return 0;
        }
    }
}
