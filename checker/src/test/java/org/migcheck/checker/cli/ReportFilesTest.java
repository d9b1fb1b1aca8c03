package org.migcheck.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.testing.CliRun;

/**
 * {@code --report FORMAT=FILE}: one run writes the text on standard output and each named format to its file, and each
 * file holds exactly what a run with {@code --format FORMAT} prints (compared with such a run, timings left out); bad
 * arguments are usage errors before anything runs, and a file that cannot be written is exit 74 after the others.
 */
class ReportFilesTest {
    private static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** Runs {@code args} with every --report, then each format with --format alone, and compares the files with those runs. */
    private static CliRun sameAsFormat(Path dir, List<String> args, String... formats) throws Exception {
        List<String> with = new ArrayList<>(args);
        for (String f : formats) {
            with.add("--report");
            with.add(f + "=" + dir.resolve("report." + f));
        }
        CliRun both = CliRun.run(with.toArray(String[]::new));
        for (String f : formats) {
            List<String> alone = new ArrayList<>(args);
            alone.add("--format");
            alone.add(f);
            CliRun one = CliRun.run(alone.toArray(String[]::new));
            assertEquals(one.code(), both.code(), one.err() + both.err());
            assertFalse(one.out().isEmpty(), f);
            assertEquals(one.out(), read(dir.resolve("report." + f)), f + " of " + args);
        }
        return both;
    }

    @Test
    void checkAllWritesJsonJUnitAndSarifBesideItsTable(@TempDir Path dir) throws Exception {
        CliRun r = sameAsFormat(dir, List.of("check", "--all", "--no-timings"), "json", "junit", "sarif");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("scenario "), r.out());
        assertTrue(r.out().matches("(?s).*\n\\d+ passed, 0 failed\n"), r.out());
        // the JUnit file counts the table's rows as its cases
        long rows = r.out().lines().filter(l -> l.matches("\\S+ +\\S+ .*  ok.*")).count();
        String junit = read(dir.resolve("report.junit"));
        assertTrue(junit.contains("tests=\"" + rows + "\""), rows + "\n" + junit.substring(0, 400));
    }

    @Test
    void oneCheckWritesHtmlAndJsonBesideItsText(@TempDir Path dir) throws Exception {
        CliRun r = sameAsFormat(dir, List.of("check", "abba", "--no-timings"), "html", "json", "junit", "sarif");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.out().startsWith("abba / default: DEADLOCK"), r.out());
        assertTrue(read(dir.resolve("report.html")).contains("DEADLOCK"));
        JsonNode json = new ObjectMapper().readTree(read(dir.resolve("report.json")));
        assertEquals("deadlock", json.get("verdict").asText());
    }

    @Test
    void aReCheckAtRaisedBoundsIsInTheFilesToo(@TempDir Path dir) throws Exception {
        CliRun r = sameAsFormat(dir, List.of("check", "movable-ops", "--bounds", "+1", "--no-timings"), "junit");
        assertTrue(read(dir.resolve("report.junit")).contains("at bounds +1"), read(dir.resolve("report.junit")));
        assertTrue(r.out().contains("bounds +1"), r.out());
    }

    @Test
    void suiteAndMutateWriteTheirDocuments(@TempDir Path dir) throws Exception {
        CliRun suite = sameAsFormat(dir, List.of("suite", "counter", "--no-timings"), "junit", "sarif");
        assertEquals(0, suite.code(), suite.err());
        assertTrue(suite.out().contains("2 combinations"), suite.out());
        Path m = Files.createDirectory(dir.resolve("mutate"));
        CliRun mutate = sameAsFormat(m, List.of("mutate", "counter", "--variant", "atomic", "--no-timings"), "json", "junit", "sarif");
        assertTrue(mutate.out().contains("counter / atomic: "), mutate.out());
        // the variant's own check stopped by a budget: the files are the check's report, as standard output's would be
        Path b = Files.createDirectory(dir.resolve("budget"));
        CliRun stopped = sameAsFormat(b, List.of("mutate", "counter", "--variant", "atomic", "--max-states", "2", "--no-timings"), "json");
        assertEquals(4, stopped.code(), stopped.err());
        assertEquals("incomplete", new ObjectMapper().readTree(read(b.resolve("report.json"))).get("verdict").asText());
    }

    @Test
    void mutateAllWritesItsJsonWithTheTableTotals(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mutate-all.json");
        CliRun r = CliRun.run("mutate", "--all", "--report", "json=" + f);
        JsonNode doc = new ObjectMapper().readTree(read(f));
        assertEquals("mutate-all", doc.get("kind").asText(), read(f));
        assertEquals(doc.get("problems").isEmpty() ? 0 : 10, r.code(), r.err());
        String total = r.out().lines().filter(l -> l.startsWith("total ")).findFirst().orElseThrow();
        long[] cells = Stream.of(total.substring(5).strip().split(" +")).mapToLong(Long::parseLong).toArray();
        JsonNode t = doc.get("total");
        String[] columns = {"mutants", "killed", "survived", "undeclared", "equivalent", "notEvaluated", "unreached", "incomplete"};
        for (int i = 0; i < columns.length; i++) {
            assertEquals(cells[i], t.get(columns[i]).asLong(), columns[i] + ": " + total + "\n" + t);
        }
        long rows = r.out().lines().filter(l -> l.matches("\\S+ +\\S+ +\\d+ +\\d+ .*") && !l.startsWith("total ")).count();
        assertEquals(rows, doc.get("variants").size(), r.out());
    }

    @Test
    void badReportsAreUsageErrorsBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        String f = dir.resolve("r.xml").toString();
        String[][] cases = {
            {"--report text=", "check", "abba", "--report", "text=" + f},
            {"--report html is not written by migcheck check --all", "check", "--all", "--report", "html=" + f},
            {"--report xml=", "check", "abba", "--report", "xml=" + f},
            {"--report takes FORMAT=FILE", "check", "abba", "--report", "junit"},
            {"--report takes FORMAT=FILE", "check", "abba", "--report", "junit="},
            {"--report takes FORMAT=FILE", "check", "abba", "--report", "=" + f},
            {"--report junit is given twice", "check", "abba", "--report", "junit=" + f, "--report", "junit=" + f + "2"},
            {"--report junit and sarif name one file", "check", "abba", "--report", "junit=" + f, "--report", "sarif=" + f},
            {"cannot write '" + dir.resolve("no/r.xml") + "': no such directory", "check", "abba", "--report", "junit=" + dir.resolve("no/r.xml")},
            {"cannot write '" + sub + "': it is a directory", "check", "abba", "--report", "junit=" + sub},
            {"--report junit is not written by migcheck mutate --all", "mutate", "--all", "--report", "junit=" + f},
            {"--report html is not written by migcheck suite", "suite", "counter", "--report", "html=" + f},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliRun r = CliRun.run(args);
            String what = String.join(" ", args) + ": " + r.err();
            assertEquals(64, r.code(), what);
            assertEquals("", r.out(), what);
            assertTrue(r.err().contains(c[0]), what);
            assertTrue(r.err().strip().split("\n").length <= 2, what); // the fault, then the help hint
            assertFalse(r.err().contains("Exception"), what);
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(sub), left.toList(), "nothing written, no file left beside the targets");
        }
    }

    @Test
    void aFileThatCannotBeWrittenIsExit74AfterTheOthers(@TempDir Path dir) throws Exception {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full), "needs /dev/full");
        Path json = dir.resolve("r.json");
        CliRun r = CliRun.run("check", "abba", "--report", "junit=/dev/full", "--report", "json=" + json);
        assertEquals(74, r.code(), r.err());
        List<String> said = r.err().lines().filter(l -> l.contains("cannot write")).toList();
        assertEquals(1, said.size(), r.err());
        assertTrue(said.get(0).startsWith("migcheck: cannot write the junit report to '/dev/full': "), r.err());
        assertTrue(r.out().startsWith("abba / default: DEADLOCK"), "the text report is written: " + r.out());
        assertEquals("deadlock", new ObjectMapper().readTree(read(json)).get("verdict").asText());
        // an old report stays as it was when the run stops before writing (a usage error), never a truncated one
        Files.writeString(json, "old");
        assertEquals(64, CliRun.run("check", "abba", "--report", "json=" + json, "--set", "nosuch=1").code());
        assertEquals("old", read(json));
    }
}
