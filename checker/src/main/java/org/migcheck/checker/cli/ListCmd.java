package org.migcheck.checker.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.checker.trace.JsonRenderer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the bundled scenarios, their knobs and variants.")
final class ListCmd implements Callable<Integer> {
    @CommandLine.Mixin
    OutputOptions output = new OutputOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintStream out = Main.Streams.out;
        if (output.require(spec, OutputOptions.Format.TEXT, OutputOptions.Format.JSON) == OutputOptions.Format.JSON) {
            out.println(JsonRenderer.renderCatalogue(Main.registry(spec).all()));
            return 0;
        }
        for (Scenario s : Main.registry(spec).all()) {
            out.printf("%-28s %s%n", s.id(), s.title());
            out.printf("%-28s   ref: %s%n", "", s.reference());
            for (Knob k : s.knobs()) {
                out.printf("%-28s   knob %s = %s (default %s): %s%n", "", k.name(), String.join("|", k.values()), k.defaultValue(), k.doc());
            }
            for (Variant v : s.variants()) {
                Variant.Kind kind = v.kind();
                out.printf("%-28s   variant %-26s kind %-20s expect %-28s %s%n", "", v.name(),
                        kind == null ? "-" : kind.label(), v.expect().describe(), v.doc());
            }
        }
        for (org.migcheck.properties.Rule r : Main.registry(spec).rules()) {
            out.printf("rule %-23s %s [%s] (from --classpath)%n", r.id(), r.statement(), r.kernelRef());
        }
        return 0;
    }
}
