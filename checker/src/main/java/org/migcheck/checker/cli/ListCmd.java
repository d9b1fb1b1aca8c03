package org.migcheck.checker.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.migcheck.model.scenarios.Catalogue;
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
            out.println(JsonRenderer.renderCatalogue(Catalogue.all()));
            return 0;
        }
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
