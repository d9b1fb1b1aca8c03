package org.migcheck.checker.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.migcheck.properties.KernelRules;
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
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Main.refuseRuleOption(spec, "export (the exported model carries every kernel rule)");
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
        try {
            String title = s.id() + " / " + (args.variant != null ? args.variant : "-") + "   knobs " + knobs.asMap();
            r = PromelaExport.export(m, KernelRules.all(), title);
        } catch (ModelError e) {
            throw Args.usage(spec, e.getMessage());
        } catch (NotExpressible e) {
            throw Args.usage(spec, "not expressible: " + e.getMessage());
        }
        if (output != null) {
            try {
                Files.writeString(output, r.promela(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                // the NIO exceptions carry the path as their message; the reason is their type
                String why = e instanceof java.nio.file.NoSuchFileException ? "no such directory"
                        : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                        : e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
                        : e.getMessage();
                throw Args.usage(spec, "cannot write '" + output + "': " + why);
            }
        } else {
            Main.Streams.out.print(r.promela());
        }
        Main.Streams.err.println("states: " + (r.exact() ? "exact (SPIN's stored states are migcheck's distinct states)"
                : "verdict-preserving only") + "; " + r.transitions() + " d_steps from " + r.tableEntries() + " table entries");
        for (String n : r.notExpressible()) {
            Main.Streams.err.println("not expressible: " + n);
        }
        return 0;
    }
}
