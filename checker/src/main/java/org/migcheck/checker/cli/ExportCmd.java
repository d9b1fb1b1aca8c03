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
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code migcheck export --promela SCENARIO [--variant V] [--set k=v]... [--output FILE]}: the same
 * transition system as a Promela program for SPIN (docs/promela.md). The program goes to standard
 * output (or FILE); a summary (exact or not, what is not expressible) goes to standard error. Errors
 * are one line on standard error with exit code 64.
 */
@Command(name = "export", exitCodeOnInvalidInput = Verdict.USAGE_EXIT, exitCodeOnExecutionException = 70,
        description = "Write a scenario variant as a Promela program with the same states, for SPIN (docs/promela.md).")
public final class ExportCmd implements Callable<Integer> {
    @Option(names = "--promela", required = true, description = "write Promela (the only export format)")
    boolean promela;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "scenario id (see list)")
    String scenario;

    @Option(names = "--variant", description = "named variant of the scenario")
    String variant;

    @Option(names = "--set", description = "knob=value (repeatable)")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = {"-o", "--output"}, description = "write the program to FILE instead of standard output")
    Path output;

    private static int usage(String message) {
        Main.Streams.err.println("migcheck export: " + message);
        return Verdict.USAGE_EXIT;
    }

    @Override
    public Integer call() {
        Scenario s = Catalogue.find(scenario);
        if (s == null) {
            return usage("unknown scenario " + scenario + "; known: " + Catalogue.all().stream().map(Scenario::id).toList());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        if (variant != null) {
            Variant v = s.variant(variant);
            if (v == null) {
                return usage("scenario " + s.id() + " has no variant " + variant + "; variants: "
                        + s.variants().stream().map(Variant::name).toList());
            }
            settings.putAll(v.settings());
        }
        settings.putAll(sets);
        PromelaExport.Result r;
        try {
            Knobs knobs = Knobs.resolve(s.id(), s.knobs(), settings);
            Model m = s.build(knobs);
            String title = s.id() + " / " + (variant != null ? variant : "-") + "   knobs " + knobs.asMap();
            r = PromelaExport.export(m, KernelRules.all(), title);
        } catch (ModelError e) {
            return usage(e.getMessage());
        } catch (NotExpressible e) {
            return usage("not expressible: " + e.getMessage());
        }
        if (output != null) {
            try {
                Files.writeString(output, r.promela(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return usage("cannot write " + output + ": " + e.getMessage());
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
