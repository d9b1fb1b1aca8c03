package org.migcheck.checker.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.migcheck.checker.cli.OutputOptions.Format;
import org.migcheck.checker.run.Verdict;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --report FORMAT=FILE} (check, suite, mutate): the same report in further formats, written to files by the same
 * run, so that one check gives the text on standard output and, say, JUnit XML and SARIF for CI, where three runs
 * would take three times as long. Each file holds what {@code --format FORMAT} would print; it is written when the
 * command ends, whole or not at all ({@link OutputFile}); one that cannot be written is a line on standard error and
 * exit 74, after the other reports are written.
 */
final class ReportFiles {
    @Option(names = "--report", paramLabel = "FORMAT=FILE",
            description = "also write the report in FORMAT to FILE from the same run (repeatable, one file per format; FORMAT: one"
                    + " that --format takes here, except text): the text on standard output and, say, --report junit=migcheck.xml"
                    + " --report sarif=migcheck.sarif for CI; each file holds what --format FORMAT prints and is written whole"
                    + " when the command ends (exit 74 if one cannot be)")
    List<String> given = new ArrayList<>();

    private final Map<Format, OutputFile> files = new LinkedHashMap<>();

    /** Set once a command begins writing its files: the watchdog's way out must not write them a second time. */
    private static volatile boolean writing;

    /**
     * Checks every {@code --report} against the formats the command writes ({@code mode}: " --all" or ""), and its file,
     * before anything runs: a usage error naming the one at fault.
     */
    void require(CommandLine.Model.CommandSpec spec, String mode, Format... allowed) {
        writing = false;
        for (String g : given) {
            int eq = g.indexOf('=');
            if (eq <= 0 || eq == g.length() - 1) {
                throw Args.usage(spec, "--report takes FORMAT=FILE (junit=migcheck.xml, say), not '" + g + "'");
            }
            String name = g.substring(0, eq);
            Format f;
            try {
                f = new OutputOptions.FormatName().convert(name);
            } catch (CommandLine.TypeConversionException e) {
                throw Args.usage(spec, "--report " + g + ": " + e.getMessage());
            }
            String lower = f.name().toLowerCase(Locale.ROOT);
            if (f == Format.TEXT) {
                throw Args.usage(spec, "--report " + g + ": the text report goes to standard output (| tee FILE keeps a copy)");
            }
            if (!Arrays.asList(allowed).contains(f)) {
                throw Args.usage(spec, "--report " + lower + " is not written by " + spec.qualifiedName() + mode + ": takes "
                        + Args.names(allowed));
            }
            if (files.containsKey(f)) {
                throw Args.usage(spec, "--report " + lower + " is given twice: one file per format");
            }
            OutputFile file = OutputFile.check(spec, g.substring(eq + 1), "--report " + lower + "=");
            if (!file.inPlace()) {
                // one file for two formats: the second would replace the first (a device, a pipe or standard output takes both)
                for (Map.Entry<Format, OutputFile> e : files.entrySet()) {
                    if (file.same(e.getValue())) {
                        throw Args.usage(spec, "--report " + e.getKey().name().toLowerCase(Locale.ROOT) + " and " + lower + " name one file, '"
                                + file.shown() + "': give each its own");
                    }
                }
            }
            files.put(f, file);
        }
    }

    /** True when some {@code --report} was given (after {@link #require}). */
    boolean any() {
        return !files.isEmpty();
    }

    /**
     * Writes each file with {@code document}'s text for its format: the command's {@code code}, or {@link Main#IO_EXIT}
     * when one could not be written (a line on standard error for each; the others are written all the same).
     */
    int write(Function<Format, String> document, int code) {
        writing = true;
        for (Map.Entry<Format, OutputFile> e : files.entrySet()) {
            String text = document.apply(e.getKey());
            if (text == null) {
                continue; // the watchdog's way out after the last check: nothing to add, the command writes them
            }
            String failed = e.getValue().write(text);
            if (failed != null) {
                Main.Streams.err.println("migcheck: cannot write the " + e.getKey().name().toLowerCase(Locale.ROOT) + " report to '"
                        + e.getValue().shown() + "': " + failed);
                code = Main.IO_EXIT;
            }
        }
        return code;
    }

    /**
     * For the watchdog's way out of a check that never returns (and a signal's): writes each file with {@code document}'s
     * text for its format and the watchdog's message, unless the command had begun writing them itself.
     */
    java.util.function.Consumer<String> onOverrun(java.util.function.BiFunction<Format, String, String> document) {
        if (files.isEmpty()) {
            return null;
        }
        return message -> {
            if (!writing) {
                write(f -> document.apply(f, message), Verdict.INCOMPLETE.exitCode());
            }
        };
    }

    /**
     * The watchdog's documents of a command whose standard output gets, in format {@code stdout}, the same document as
     * the files ({@link Main#overrunDocument} unless text, {@link Main#overrunReports}), by {@code document}.
     */
    void onOverrun(Format stdout, java.util.function.BiFunction<Format, String, String> document) {
        if (stdout != Format.TEXT) {
            Main.overrunDocument = message -> document.apply(stdout, message);
        }
        Main.overrunReports = onOverrun(document);
    }
}
