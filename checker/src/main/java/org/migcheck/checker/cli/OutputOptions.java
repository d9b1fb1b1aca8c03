package org.migcheck.checker.cli;

import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** --format and --width; each command says which formats it writes with {@link #require}. */
public final class OutputOptions {
    /** Report formats. */
    public enum Format { TEXT, JSON, JUNIT, SARIF, HTML }

    @Option(names = "--format", paramLabel = "F", converter = FormatName.class,
            description = "text (default), json (docs/report.schema.json), junit (JUnit XML), sarif (SARIF 2.1.0) or html; not every command writes every format")
    Format format = Format.TEXT;

    @Option(names = "--no-timings", description = "leave run times (seconds, states per second) out of the report, the only"
            + " parts that differ between runs of the same check: text and HTML drop them, JSON gives null, JUnit XML time=\"0.000\";"
            + " for golden files a CI job diffs")
    boolean noTimings;

    @Option(names = "--width", paramLabel = "COLUMNS", converter = Args.Columns.class,
            description = "width of text output (default: $COLUMNS, which ./migcheck sets to a terminal's width, at least 40, else 120); below about"
                    + " 100 columns traces print one step per line")
    Integer width;

    /** The format, after checking that the command writes it. */
    Format require(CommandLine.Model.CommandSpec spec, Format... allowed) {
        return require(spec, "", allowed);
    }

    /** As {@link #require(CommandLine.Model.CommandSpec, Format...)} for a mode of the command named by {@code mode} (" --all"). */
    Format require(CommandLine.Model.CommandSpec spec, String mode, Format... allowed) {
        if (!Arrays.asList(allowed).contains(format)) {
            throw Args.usage(spec, "--format " + format.name().toLowerCase(Locale.ROOT) + " is not written by " + spec.qualifiedName()
                    + mode + ": takes " + Args.names(allowed));
        }
        if (format != Format.TEXT) {
            Main.writesDocument();
        }
        org.migcheck.checker.trace.Timings.show(!noTimings);
        return format;
    }

    /** Columns for text output: --width, else $COLUMNS when it is a positive number (kept within 40..10000), else 120. */
    int columns() {
        return width != null ? width : columns(System.getenv("COLUMNS"));
    }

    /** The width for a $COLUMNS of {@code env} (null when unset). */
    static int columns(String env) {
        if (env != null && env.strip().matches("[0-9]+")) {
            try {
                int c = Integer.parseInt(env.strip());
                if (c > 0) {
                    return Math.max(40, Math.min(c, 10_000)); // a terminal narrower than --width allows gets the narrowest text
                }
            } catch (NumberFormatException e) {
                return 10_000; // digits past int: as wide as text goes
            }
        }
        return 120;
    }

    /** Format names in any case. */
    public static final class FormatName implements CommandLine.ITypeConverter<Format> {
        @Override public Format convert(String s) {
            for (Format f : Format.values()) {
                if (f.name().equalsIgnoreCase(s.strip())) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("'" + s + "' is not a format (" + Args.names(Format.values())
                    + "); this command's --help says which it writes");
        }
    }

    /**
     * Prints {@code line} wrapped at spaces to {@code width} columns, continuation lines indented by
     * {@code hang}; a word longer than a line stays whole. A line too long for one line loses its column
     * padding first (runs of spaces become one), except for its first {@code keep} columns when it starts
     * with a word (a scenario id column) or its leading indentation and first word otherwise.
     */
    static void printWrapped(java.io.PrintStream out, int width, String line, int keep, int hang) {
        String pad = " ".repeat(hang);
        String rest = line.stripTrailing();
        if (rest.length() > width) {
            int body = 0;
            while (body < rest.length() && rest.charAt(body) == ' ') {
                body++;
            }
            int firstSpace = rest.indexOf(' ', body);
            // a leading word (a scenario id, a rule id) is never cut, even when longer than the kept column
            int word = body == 0 ? (firstSpace < 0 ? rest.length() : Math.max(Math.min(rest.length(), keep), firstSpace)) : firstSpace;
            if (word > 0 && word < rest.length() && rest.charAt(word) != ' ' && rest.charAt(word - 1) != ' ') {
                // the kept column ends inside a word ("rule movable-ops.isolated-under-lock"): keep the word whole
                int end = rest.indexOf(' ', word);
                word = end < 0 ? rest.length() : end;
            }
            if (word > 0 && word < rest.length()) {
                rest = rest.substring(0, word) + " " + rest.substring(word).strip().replaceAll(" {2,}", " ");
            }
        }
        boolean first = true;
        while (true) {
            String lead = first ? "" : pad;
            if (lead.length() + rest.length() <= width) {
                out.println(lead + rest);
                return;
            }
            int room = width - lead.length();
            int indent = 0;
            while (first && indent < rest.length() && rest.charAt(indent) == ' ') {
                indent++;
            }
            int cut = rest.lastIndexOf(' ', room);
            if (cut <= indent) {
                cut = rest.indexOf(' ', Math.max(room, indent + 1));
                if (cut < 0) {
                    out.println(lead + rest);
                    return;
                }
            }
            out.println(lead + rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
            first = false;
        }
    }
}
