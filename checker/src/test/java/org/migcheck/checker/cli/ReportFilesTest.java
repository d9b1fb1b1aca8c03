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
        // with the re-checks at raised bounds, which the documents carry as cases of their own
        CliRun r = sameAsFormat(dir, List.of("check", "--all", "--bounds", "+1", "--no-timings"), "json", "junit", "sarif");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("scenario "), r.out());
        java.util.regex.Matcher passed = java.util.regex.Pattern.compile("\n(\\d+) passed, 0 failed\n$").matcher(r.out());
        assertTrue(passed.find(), r.out());
        // the JUnit file counts the table's rows and the re-checks as its cases
        long rows = r.out().lines().filter(l -> l.matches("\\S+ +\\S+ .*  ok.*")).count();
        long rechecks = r.out().lines().filter(l -> l.matches("  \\S+ / \\S+: .*")).count();
        assertTrue(rechecks > 0, r.out());
        assertEquals(Long.parseLong(passed.group(1)), rows + rechecks, r.out());
        String junit = read(dir.resolve("report.junit"));
        assertTrue(junit.contains("tests=\"" + (rows + rechecks) + "\""), rows + " + " + rechecks + "\n" + junit.substring(0, 400));
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
        assertTrue(read(f).endsWith("}\n"), "a document ends with a newline, as --format json prints it");
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
            // one file by two names: a link to its directory
            {"--report junit and json name one file", "check", "abba", "--report", "junit=" + dir.resolve("link/r.xml"), "--report", "json=" + sub.resolve("r.xml")},
            {"cannot write '" + dir.resolve("out") + "/': a file name, not a directory", "check", "abba", "--report", "json=" + dir.resolve("out") + "/"},
            // nothing can be created there: refused before the run, not after it
            {"cannot write '/proc/migcheck-report.json': no new file can be made in its directory /proc", "check", "abba", "--report", "json=/proc/migcheck-report.json"},
        };
        Files.createSymbolicLink(dir.resolve("link"), sub);
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
            assertEquals(List.of(dir.resolve("link"), sub), left.sorted().toList(), "nothing written, no file left beside the targets");
        }
        try (Stream<Path> left = Files.list(sub)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aFileTheCommandReadsIsNotReplaced(@TempDir Path dir) throws Exception {
        // a --classpath jar named as a report would be replaced by JSON, and the next run could not read it
        Path jar = dir.resolve("plugin.jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.zip.ZipEntry("empty.txt"));
        }
        byte[] before = Files.readAllBytes(jar);
        CliRun r = CliRun.run("--classpath", jar.toString(), "check", "abba", "--report", "json=" + jar);
        assertEquals(64, r.code(), r.err());
        assertTrue(r.err().contains("is read by --classpath"), r.err());
        assertEquals("", r.out());
        // export -o shares the check (it wrote the Promela program over the jar)
        CliRun export = CliRun.run("--classpath", jar.toString(), "export", "--promela", "abba", "-o", jar.toString());
        assertEquals(64, export.code(), export.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(jar)));
        // in a class directory: a class, jar or META-INF file is refused; a report beside them is written, and again
        Path classes = PluginTest.services(dir.resolve("classes"), PluginTest.MutexPlugin.class.getName());
        Path service = classes.resolve(PluginTest.SERVICE);
        assertEquals(64, CliRun.run("--classpath", classes.toString(), "check", "abba", "--report", "json=" + service).code());
        assertEquals(64, CliRun.run("--classpath", classes.toString(), "check", "abba", "--report", "json=" + classes.resolve("X.class")).code());
        for (int run = 0; run < 2; run++) {
            CliRun again = CliRun.run("--classpath", classes.toString(), "check", "abba", "--report", "json=" + classes.resolve("report.json"));
            assertEquals(2, again.code(), "run " + run + ": " + again.err());
        }
    }

    @Test
    void aReportReplacesItsFileWholeRatherThanWritingIntoIt(@TempDir Path dir) throws Exception {
        // another name of the old file (a hard link) keeps the old report: the new one is a new file moved over the name,
        // so a reader never sees half of it
        Path target = Files.writeString(dir.resolve("r.json"), "old report\n");
        Path other = Files.createLink(dir.resolve("kept.json"), target);
        CliRun r = CliRun.run("check", "abba", "--report", "json=" + target);
        assertEquals(2, r.code(), r.err());
        assertEquals("old report\n", read(other));
        assertEquals("deadlock", new ObjectMapper().readTree(read(target)).get("verdict").asText());
    }

    @Test
    void standardOutputAsAReportFileIsWrittenAfterTheTextNotOverIt(@TempDir Path dir) throws Exception {
        // /dev/stdout is a link to /proc/self/fd/1: followed to a pipe's target, the run was refused; followed to the file
        // standard output was redirected to, the JSON replaced that file and the text report was lost
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/fd/1")), "needs /proc");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = List.of(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "check", "abba", "--no-timings", "--report", "json=/dev/stdout");
        Path out = dir.resolve("out.txt");
        Process redirected = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(2, redirected.waitFor());
        Process piped = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String fromPipe = new String(piped.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, piped.waitFor());
        String expected = CliRun.run("check", "abba", "--no-timings").out() + CliRun.run("check", "abba", "--no-timings", "--format", "json").out();
        assertEquals(expected, read(out));
        assertEquals(expected, fromPipe);
        // the document is UTF-8 there too, as in a file, where the text follows an ASCII locale ('?' for the rest)
        Path plugin = PluginTest.services(dir.resolve("plugin"), Umlaut.class.getName());
        Process ascii = new ProcessBuilder(java.toString(), "-Dstdout.encoding=US-ASCII", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--classpath", plugin.toString(), "check", "umlaut", "--report", "json=/dev/stdout")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String both = new String(ascii.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ascii.waitFor(), both);
        assertTrue(both.contains("variant: ret?rns ? ok"), both);
        assertTrue(both.contains("\"variantDoc\" : \"retürns → ok\""), both);
    }

    /** A plugin scenario whose variant says something in characters outside ASCII. */
    public static final class Umlaut extends org.migcheck.model.scenarios.DelegatingScenario {
        public Umlaut() {
            super(org.migcheck.model.scenarios.BaseScenario.builder("umlaut")
                    .title("a user's model in other characters").reference("test plugin")
                    .model(k -> PluginTest.MutexPlugin.build(true))
                    .variant("ordered", java.util.Map.of(), org.migcheck.model.scenarios.Expect.holds(), "retürns → ok")
                    .build());
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
        // every command that writes reports: 74, not its verdict's code
        String[][] others = {
            {"check", "--all", "--report", "junit=/dev/full"},
            {"suite", "counter", "--report", "sarif=/dev/full"},
            {"mutate", "counter", "--variant", "atomic", "--report", "json=/dev/full"},
            {"mutate", "counter", "--variant", "atomic", "--max-states", "2", "--report", "junit=/dev/full"},
        };
        for (String[] args : others) {
            CliRun o = CliRun.run(args);
            assertEquals(74, o.code(), String.join(" ", args) + ": " + o.err());
            assertEquals(1, o.err().lines().filter(l -> l.startsWith("migcheck: cannot write the ")).count(), o.err());
        }
        // an old report stays as it was when the run stops before writing (a usage error), never a truncated one
        Files.writeString(json, "old");
        assertEquals(64, CliRun.run("check", "abba", "--report", "json=" + json, "--set", "nosuch=1").code());
        assertEquals("old", read(json));
    }
}
