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
        Main.refuseRuleOption(spec, "list (it lists every rule)");
        OutputOptions.Format f = output.require(spec, OutputOptions.Format.TEXT, OutputOptions.Format.JSON);
        PrintStream out = Main.Streams.out;
        if (f == OutputOptions.Format.JSON) {
            out.println(JsonRenderer.renderCatalogue(Main.registry(spec).all(), org.migcheck.properties.KernelRules.all().rules(),
                    Main.registry(spec).rules()));
            return 0;
        }
        int width = output.columns();
        for (Scenario s : Main.registry(spec).all()) {
            print(out, width, String.format(java.util.Locale.ROOT, "%-28s %s", s.id(), s.title()));
            print(out, width, String.format(java.util.Locale.ROOT, "%-28s   ref: %s", "", s.reference()));
            for (Knob k : s.knobs()) {
                print(out, width, String.format(java.util.Locale.ROOT, "%-28s   knob %s = %s (default %s%s): %s", "", k.name(), String.join("|", k.values()),
                        k.defaultValue(), k.condition() == null ? "" : "; only with " + k.condition(), k.doc()));
            }
            for (Variant v : s.variants()) {
                Variant.Kind kind = v.kind();
                String k = kind == null ? "-" : kind.label();
                // a bounded HOLDS says so beside the kernel version: a fact about the bounded model, not the kernel
                String expect = v.expect().bounded() ? v.expect().describe().replaceFirst("^holds", "holds (bounded)") : v.expect().describe();
                String aligned = String.format(java.util.Locale.ROOT, "%-28s   variant %-26s kind %-20s expect %-28s %s", "", v.name(), k, expect, v.doc());
                // too wide for the columns: one entry, wrapped, with its fields named
                print(out, width, aligned.length() <= width ? aligned
                        : String.format(java.util.Locale.ROOT, "%-28s   variant %s, kind %s, expect %s: %s", "", v.name(), k, expect, v.doc()));
            }
        }
        // every rule --rule can name: the kernel rules, the lockdep-style check, then the users' (--classpath)
        for (org.migcheck.properties.Rule r : org.migcheck.properties.KernelRules.all().rules()) {
            printRule(out, width, r.id(), r.statement(), r.kernelRef(), "");
        }
        org.migcheck.checker.trace.RuleInfo cycle = org.migcheck.checker.trace.RuleInfo.of(org.migcheck.properties.RuleSet.LOCK_CYCLE);
        printRule(out, width, cycle.id(), cycle.statement(), cycle.kernelRef(), "");
        for (org.migcheck.properties.Rule r : Main.registry(spec).rules()) {
            printRule(out, width, r.id(), r.statement(), r.kernelRef(), " (from --classpath)");
        }
        return 0;
    }

    /** "rule ID statement [source]": one rule as --rule names it. */
    private static void printRule(PrintStream out, int width, String id, String statement, String kernelRef, String origin) {
        print(out, width, String.format(java.util.Locale.ROOT, "rule %-23s %s [%s]%s", id, statement, kernelRef, origin));
    }

    /**
     * Prints {@code line} wrapped to {@code width}, continuation lines under the entry (column 33). Each entry is one
     * line: a newline or escape sequence in a plugin's title, reference or rule statement is not passed on.
     */
    static void print(PrintStream out, int width, String line) {
        OutputOptions.printWrapped(out, width, org.migcheck.model.lang.UserCode.oneLine(line), 28, 33);
    }
}
