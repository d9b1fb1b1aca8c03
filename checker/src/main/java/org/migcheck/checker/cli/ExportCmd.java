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
 * {@code migcheck export --promela SCENARIO [--variant V] [--set k=v]... [--output FILE]}: the same
 * transition system as a Promela program for SPIN (docs/promela.md). The program goes to standard
 * output (or FILE); a summary (exact or not, what is not expressible) goes to standard error. Errors
 * are usage errors (exit 64) naming the fault.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a scenario variant as a Promela program with the same states, for SPIN (docs/promela.md).")
final class ExportCmd implements Callable<Integer> {
    @Option(names = "--promela", required = true, description = "write Promela (the only export format)")
    boolean promela;

    @CommandLine.Mixin
    VariantArgs args = new VariantArgs();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the program to FILE instead of standard output")
    String output; // as given: a trailing slash (a directory meant) is refused, which a Path would drop

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Main.refuseRuleOption(spec, "export (the exported model carries every rule: the kernel's and those of --classpath)");
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
        try {
            String title = s.id() + " / " + (args.variant != null ? args.variant : "-") + "   knobs " + knobs.asMap();
            // every rule check runs: the kernel's and the users' (--classpath), or SPIN would miss a violation of theirs
            r = PromelaExport.export(m, Main.registry(spec).ruleSet(), title);
        } catch (NotExpressible e) {
            throw Args.usage(spec, "not expressible: " + e.getMessage());
        }
        if (output != null) {
            OutputFile file = OutputFile.check(spec, output, "-o");
            String failed = file.write(r.promela());
            if (failed != null) {
                Main.Streams.err.println("migcheck export: cannot write '" + file.shown() + "': " + failed);
                return Main.IO_EXIT;
            }
        } else {
            Main.Streams.out.print(r.promela());
        }
        return summary(r);
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
