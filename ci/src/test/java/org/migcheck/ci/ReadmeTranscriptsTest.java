package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.cli.Main;

/**
 * README's transcripts ({@code $ ./migcheck ...} followed by what it prints) are what the command prints today: a
 * reader who copies one as a golden file, or compares it with a run, must not start from a mismatch (a review found
 * the worked example two lines short). Run times and bytes per state are compared as numbers of that shape, not
 * values; a line {@code ...} stands for any number of lines. Transcripts of bench and export (machine-dependent, or files) are not run.
 */
class ReadmeTranscriptsTest {

    record Transcript(int line, List<String> args, int width, List<String> expected) {}

    static List<Transcript> transcripts() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        List<Transcript> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith("$ ") || !lines.get(i - 1).equals("```")) {
                continue;
            }
            StringBuilder cmd = new StringBuilder(l.substring(2));
            int j = i + 1;
            while (cmd.toString().endsWith("\\")) {
                cmd.setLength(cmd.length() - 1);
                cmd.append(' ').append(lines.get(j++).strip());
            }
            List<String> words = split(cmd.toString());
            int width = 120;
            if (words.get(0).startsWith("COLUMNS=")) {
                width = Integer.parseInt(words.remove(0).substring("COLUMNS=".length()));
            }
            if (!words.get(0).equals("./migcheck") || List.of("bench", "export").contains(words.get(1))
                    || (words.contains("--all") && words.get(1).equals("mutate"))) {
                continue; // bench measures this machine; export writes a file; mutate --all runs for minutes
            }
            List<String> expected = new ArrayList<>();
            while (!lines.get(j).equals("```")) {
                expected.add(lines.get(j++));
            }
            out.add(new Transcript(i + 1, words.subList(1, words.size()), width, expected));
        }
        return out;
    }

    /** Shell words: blanks split, single quotes group. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        boolean quoted = false;
        for (char c : s.strip().toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                w = w == null ? new StringBuilder() : w;
            } else if (c == ' ' && !quoted) {
                if (w != null) {
                    out.add(w.toString());
                    w = null;
                }
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (w != null) {
            out.add(w.toString());
        }
        return out;
    }

    /**
     * Run times as a pattern ("0.02 s", "0.08s", "346 states/s"), and the visited set's bytes per state, which depend on
     * the machine (its pages are per worker, and the default is every core).
     */
    static String times(String line) {
        return line.replaceAll("[0-9]+\\.[0-9]+ ?s\\b", "T s").replaceAll("[0-9]+ states/s", "R states/s")
                .replaceAll("[0-9.]+ bytes per state", "B bytes per state");
    }

    @Test
    void everyTranscriptIsWhatTheCommandPrints() {
        List<Transcript> all;
        try {
            all = transcripts();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(all.size() >= 4, all.size() + " transcripts");
        for (Transcript t : all) {
            List<String> args = new ArrayList<>(t.args());
            if (args.get(0).equals("check") || args.get(0).equals("replay") || args.get(0).equals("mutate")) {
                args.add(1, "--width=" + t.width());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Main.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String printed = out.size() > 0 ? out.toString(StandardCharsets.UTF_8) : err.toString(StandardCharsets.UTF_8);
            List<String> got = printed.lines().toList();
            String where = "README.md line " + t.line() + " (" + String.join(" ", t.args()) + ")";
            // each expected line in order; "..." skips any lines, up to the next expected one
            int g = 0;
            boolean skipping = false;
            for (String e : t.expected()) {
                if (e.strip().equals("...")) {
                    skipping = true;
                    continue;
                }
                String want = times(e);
                if (skipping) {
                    while (g < got.size() && !times(got.get(g)).equals(want)) {
                        g++;
                    }
                }
                assertTrue(g < got.size(), where + ": the output ends before \"" + e + "\"\n" + printed);
                assertEquals(want, times(got.get(g)), where + ", output line " + (g + 1) + "\n" + printed);
                g++;
                skipping = false;
            }
            assertTrue(skipping || g == got.size(), where + ": the output goes on after the transcript: " + got.subList(g, got.size()));
        }
    }
}
