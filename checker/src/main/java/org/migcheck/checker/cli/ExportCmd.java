package org.migcheck.checker.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.migcheck.checker.export.NotExpressible;
import org.migcheck.checker.export.PromelaExport;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code migcheck export --promela|--dot SCENARIO [--variant V] [--set k=v]... [--output FILE]}: the same
 * transition system as a Promela program for SPIN (docs/promela.md), or its whole state graph as a Graphviz
 * program. The text goes to standard output (or FILE); a summary goes to standard error. Errors are usage
 * errors (exit 64) naming the fault.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a scenario variant as a Promela program with the same states, for SPIN (docs/promela.md), or its whole"
                + " state graph as a Graphviz (DOT) program, for reading a small model.")
final class ExportCmd implements Callable<Integer> {
    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Kind kind;

    static final class Kind {
        @Option(names = "--promela", required = true, description = "write Promela")
        boolean promela;

        @Option(names = "--dot", required = true, description = "write the state graph in Graphviz's DOT language: every reachable"
                + " state (its variables that differ from the initial state, where each thread is) and every step, failures in"
                + " red; no reduction")
        boolean dot;
    }

    /** States --dot draws at most unless --max-states says otherwise. */
    static final int DOT_MAX_STATES = 5_000;

    @Option(names = "--max-states", paramLabel = "N", converter = Args.PositiveInt.class, description = "--dot: the most states"
            + " to draw (default 5000); a larger model writes nothing and exits 4")
    Integer maxStates;

    @CommandLine.Mixin
    VariantArgs args = new VariantArgs();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the program to FILE instead of standard output")
    String output; // as given: a trailing slash (a directory meant) is refused, which a Path would drop

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Main.refuseRuleOption(spec, "export (the exported model carries every rule: the kernel's and those of --classpath)");
        if (kind.promela && maxStates != null) {
            throw Args.usage(spec, "--max-states limits --dot's drawing; --promela exports any model");
        }
        Scenario s = args.resolve(spec);
        Map<String, String> settings = new LinkedHashMap<>();
        if (args.variant != null) {
            Variant v = s.variant(args.variant);
            if (v == null) {
                throw Args.usage(spec, "scenario " + s.id() + " has no variant " + args.variant + "; variants: "
                        + s.variants().stream().map(Variant::name).toList());
            }
            settings.putAll(v.settings());
        }
        settings.putAll(args.sets);
        PromelaExport.Result r;
        Knobs knobs;
        try {
            knobs = Knobs.resolve(s.id(), s.knobs(), settings);
        } catch (ModelError e) {
            throw Args.usage(spec, e.getMessage());
        }
        Model m = ScenarioRunner.build(s, knobs); // a build that fails is the model's error (exit 5), not the command line's
        // a model check refuses is refused here the same way, a model error (exit 5): never exported as if it were sound
        org.migcheck.checker.run.Checker.refuseTooManyThreads(m);
        String title = s.id() + " / " + (args.variant != null ? args.variant : "-") + "   knobs " + knobs.asMap();
        if (kind.dot) {
            return dot(m, title, maxStates == null ? DOT_MAX_STATES : maxStates);
        }
        try {
            // every rule check runs: the kernel's and the users' (--classpath), or SPIN would miss a violation of theirs
            r = PromelaExport.export(m, Main.registry(spec).ruleSet(), title);
        } catch (NotExpressible e) {
            throw Args.usage(spec, "not expressible: " + e.getMessage());
        }
        int written = emit(output == null ? null : OutputFile.check(spec, output, "-o"), r.promela());
        return written != 0 ? written : summary(r);
    }

    /** {@code text} to the -o file (checked already) or, without one, standard output: 0, or 74 when the file cannot be written. */
    private static int emit(OutputFile file, String text) {
        if (file == null) {
            Main.Streams.out.print(text);
            return 0;
        }
        String failed = file.write(text);
        if (failed != null) {
            Main.Streams.err.println("migcheck export: cannot write '" + file.shown() + "': " + failed);
            return Main.IO_EXIT;
        }
        return 0;
    }

    /** {@code --dot}: the graph to standard output or -o FILE, its counts on standard error; exit 4 past --max-states. */
    private int dot(Model m, String title, int maxStates) {
        OutputFile file = output == null ? null : OutputFile.check(spec, output, "-o"); // before the search, as for Promela
        org.migcheck.properties.RuleSet rules = Main.rules(spec);
        org.migcheck.properties.Rules.declarations(rules, m);
        // the counterexample check prints, numbered and bold in the drawing (its states are among the graph's)
        org.migcheck.checker.run.CheckResult c = org.migcheck.checker.run.Checker.check(m, rules, org.migcheck.checker.run.Options.defaults()
                .withBudget(org.migcheck.checker.engine.Budget.unlimited().withMaxStates(maxStates + 1L)));
        // a path that ends in the failure itself: a deadlock, a broken rule or invariant, the model's error; not the paths of a
        // lock-order cycle (two acquisition paths, neither failing alone) nor a stuck thread's (its continuation is not a path
        // to a state of the drawing's own)
        org.migcheck.checker.run.Verdict v = c.verdict();
        boolean drawn = v == org.migcheck.checker.run.Verdict.DEADLOCK || v == org.migcheck.checker.run.Verdict.MODEL_ERROR
                || v == org.migcheck.checker.run.Verdict.VIOLATED && !org.migcheck.properties.RuleSet.LOCK_CYCLE.equals(c.ruleId());
        int[] path = drawn && c.schedule() != null && c.schedule().length > 0 ? c.schedule() : null;
        org.migcheck.checker.run.StateGraphDot.Result r = org.migcheck.checker.run.StateGraphDot.of(m, rules, title, maxStates, path);
        if (r.dot() == null) {
            Main.Streams.err.println("migcheck export: " + m.name() + " has more than " + maxStates + " states, too many to draw"
                    + " (--max-states N draws more; check explores any number): nothing written");
            return org.migcheck.checker.run.Verdict.INCOMPLETE.exitCode();
        }
        int written = emit(file, r.dot());
        if (written != 0) {
            return written;
        }
        Main.Streams.err.println(r.states() + " states, " + r.transitions() + " transitions (" + r.failing() + " failing), "
                + r.deadlocks() + " deadlock states, " + r.invariants() + " states that fail by themselves"
                + "; check: " + v.lower() + (c.ruleId() == null ? "" : " " + c.ruleId())
                + (path != null ? ", its counterexample bold, steps numbered #1-#" + path.length
                        : v == org.migcheck.checker.run.Verdict.HOLDS ? "" : " (not drawn)")
                + "; render with: dot -Tsvg "
                + (file == null || file.inPlace() ? "FILE.dot" : ScenarioRunner.shellQuote(file.shown())) + " -o graph.svg");
        return 0;
    }

    /** The summary on standard error: how exact the states are, what is not expressible; exit 0. */
    private static int summary(PromelaExport.Result r) {
        Main.Streams.err.println("states: " + (r.exact() ? "exact (SPIN's stored states are migcheck's distinct states without reductions:"
                + " check --symmetry off --por off)"
                : "verdict-preserving only") + "; " + r.transitions() + " d_steps from " + r.tableEntries() + " table entries");
        for (String n : r.notExpressible()) {
            Main.Streams.err.println("not expressible: " + n);
        }
        Main.Streams.err.println("check it with: " + r.panCommands("FILE.pml"));
        return 0;
    }
}
