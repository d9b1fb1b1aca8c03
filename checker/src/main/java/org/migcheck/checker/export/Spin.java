package org.migcheck.checker.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs SPIN on an exported program: {@code spin -a}, {@code gcc -O2 -DSAFETY -DNOREDUCE}, {@code ./pan}
 * in a directory of its own, and reads pan's report.
 */
public final class Spin {
    private Spin() {}

    /**
     * pan's answer.
     *
     * @param errors   what pan reported: "invalid end state", or the assertion flag ("model_error",
     *                 "violated_RULE", "export_gap"); empty when it found nothing
     * @param stored   "states, stored"
     * @param complete whether pan searched the whole state space (no error stop, no depth or memory limit)
     * @param output   pan's standard output, for messages
     */
    public record Result(Set<String> errors, long stored, boolean complete, String output) {}

    /** Whether {@code spin} and {@code gcc} can be run. */
    public static boolean available() {
        return runs("spin", "-V") && runs("gcc", "--version");
    }

    private static boolean runs(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final Pattern STORED = Pattern.compile("(\\d+) states, stored");
    private static final Pattern ASSERTION = Pattern.compile("assertion violated (\\w+)");

    /**
     * Writes {@code export} to {@code dir} (created if missing) and compiles its verifier
     * ({@code spin -a}, {@code gcc -O2 -DSAFETY -DNOREDUCE}); the checks named in {@code off} are
     * compiled out ({@code spin -DOFF_flag=1}).
     */
    public static void compile(PromelaExport.Result export, Path dir, Set<String> off, long timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> spin = new ArrayList<>();
        for (String f : off) {
            spin.add("-DOFF_" + f + "=1");
        }
        build(dir, export.promela(), spin, List.of(), export.vectorSize(), timeoutSeconds);
    }

    /**
     * Writes {@code program} to {@code dir} (created if missing) as model.pml and compiles its safety verifier there:
     * {@code spin} with {@code spinDefines} {@code -a}, then {@code gcc -O2 -DSAFETY -DNOREDUCE} with {@code panDefines}
     * and the vector size.
     */
    private static void build(Path dir, String program, List<String> spinDefines, List<String> panDefines, int vectorSize,
                              long timeoutSeconds) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.pml"), program, StandardCharsets.UTF_8);
        List<String> spin = new ArrayList<>(List.of("spin"));
        spin.addAll(spinDefines);
        spin.addAll(List.of("-a", "model.pml"));
        run(dir, timeoutSeconds, spin.toArray(new String[0]));
        List<String> gcc = new ArrayList<>(List.of("gcc", "-O2", "-DSAFETY"));
        gcc.addAll(panDefines);
        gcc.addAll(List.of("-DNOREDUCE", "-DVECTORSZ=" + vectorSize, "-o", "pan", "pan.c"));
        run(dir, timeoutSeconds, gcc.toArray(new String[0]));
    }

    /**
     * Runs the verifier compiled in {@code dir}, stopping at the first error, with {@code args} added
     * (e.g. {@code -A}: ignore assertions, {@code -E}: ignore invalid end states).
     */
    public static Result pan(Path dir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("./pan", "-m2000000", "-n", "-w22"));
        cmd.addAll(List.of(args));
        String out = run(dir, timeoutSeconds, cmd.toArray(new String[0]));
        Set<String> errors = new LinkedHashSet<>();
        for (String line : out.split("\n")) {
            if (line.contains("invalid end state (")) {
                errors.add("invalid end state");
            }
            Matcher a = ASSERTION.matcher(line);
            if (a.find()) {
                errors.add(a.group(1));
            }
        }
        Matcher m = STORED.matcher(out);
        if (!m.find()) {
            throw new IOException("pan printed no state count in " + dir + ":\n" + out);
        }
        if (stoppedEarly(out) != null) {
            throw new IOException("pan did not search the whole state space in " + dir + ":\n" + out);
        }
        return new Result(errors, Long.parseLong(m.group(1)), errors.isEmpty(), out);
    }

    /** An error pan's breadth-first search met: what (as in {@link Result#errors}) and the depth pan gives for it. */
    public record Found(String error, int depth) {}

    private static final Pattern FOUND = Pattern.compile("pan:\\d+: (invalid end state|assertion violated (\\w+)).*\\(at depth (\\d+)\\)");

    /**
     * Every error of {@code export} that pan's breadth-first search meets ({@code -DBFS}, {@code -c0}: it goes on past
     * each one), in the order met, in a directory of its own. pan's BFS refuses hidden variables, so the failure flags
     * (always 0, never written) become plain globals here: the same states, a few bytes wider. A depth is that of the
     * state in which pan met the error: the deadlocked state, the state whose failing transition (a step's assertion)
     * it tried, or the state the monitor found an invariant broken in.
     */
    public static List<Found> breadthFirst(PromelaExport.Result export, Path dir, long timeoutSeconds)
            throws IOException, InterruptedException {
        String program = export.promela().replace("\nhidden byte ", "\nbyte ");
        int shown = program.split("\nbyte ", -1).length - export.promela().split("\nbyte ", -1).length; // a byte each
        build(dir, program, List.of(), List.of("-DBFS"), export.vectorSize() + shown + 8, timeoutSeconds);
        String out = run(dir, timeoutSeconds, "./pan", "-m2000000", "-w22", "-c0");
        if (!STORED.matcher(out).find() || out.contains("out of memory") || out.contains("max search depth too small")) {
            throw new IOException("pan's breadth-first search did not end normally in " + dir + ":\n" + out);
        }
        List<Found> found = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = FOUND.matcher(line);
            if (m.find()) {
                found.add(new Found(m.group(2) != null ? m.group(2) : m.group(1), Integer.parseInt(m.group(3))));
            }
        }
        return found;
    }

    /**
     * Why pan's output shows a search that stopped before the end, or null when it did not: its depth
     * bound ({@code -m}) was too small, it ran out of memory, or it says so itself, all without having
     * found an error (after an error the error stands, and pan says "search not completed" then too).
     * pan exits 0 in each case and still prints "errors: 0" and a state count, which must not pass for
     * a whole search.
     */
    public static String stoppedEarly(String panOutput) {
        if (!panOutput.contains("errors: 0")) {
            return null; // it found an error (and says "search not completed" after it): that error stands
        }
        if (panOutput.contains("max search depth too small")) {
            return "its depth bound -m was too small";
        }
        if (panOutput.contains("out of memory")) {
            return "it ran out of memory";
        }
        if (panOutput.contains("Search not completed")) {
            return "it says: search not completed";
        }
        return null;
    }

    private static String run(Path dir, long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Path log = dir.resolve(Path.of(cmd[0]).getFileName() + ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s in " + dir);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && !cmd[0].equals("./pan")) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ") in " + dir + ":\n" + out);
        }
        return out;
    }
}
