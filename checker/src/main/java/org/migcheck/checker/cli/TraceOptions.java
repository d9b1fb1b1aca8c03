package org.migcheck.checker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How text traces are laid out, for the commands that print them (check, suite, replay). */
public final class TraceOptions {
    @Option(names = "--call-stacks", description = "text traces one step per line, with the kernel call path under each step"
            + " whose path differs from its thread's previous step (steps with one label in different callers read apart);"
            + " JSON and HTML carry every step's path anyway")
    boolean callStacks;

    /** Whether to print call paths; refused (exit 64) with a format other than text, which has them per step already. */
    boolean callStacks(CommandLine.Model.CommandSpec spec, OutputOptions.Format format) {
        if (callStacks && format != OutputOptions.Format.TEXT) {
            throw Args.usage(spec, "--call-stacks lays out text traces; --format " + format.name().toLowerCase(java.util.Locale.ROOT)
                    + (format == OutputOptions.Format.JSON || format == OutputOptions.Format.HTML
                            ? " carries every step's call path already (JSON: callStack; HTML: the step's title)"
                            : format == OutputOptions.Format.JUNIT ? " keeps the default text layout in its failure messages; --format json"
                                    + " carries every step's call path" : " has no trace table; --format json carries every step's call path"));
        }
        return callStacks;
    }
}
