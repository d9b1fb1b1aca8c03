package org.migcheck.ci.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import example.hang.HangingScenario;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.cli.Main;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A check whose model code never returns is ended by the watchdog, which halts the JVM: run in a process of its own
 * (the watchdog's grace shortened by its system property), {@code check --all} and {@code suite} still write a whole
 * report in the format asked for, with the variants or combinations checked so far and the one that hung,
 * INCOMPLETE, and exit 4.
 */
class WatchdogReportTest {
    record Run(int code, String out, String err) {}

    static Run process(Path plugins, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss8m",
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dmigcheck.overrunGraceMillis=300",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--classpath", plugins.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("watchdog", ".out");
        Path err = Files.createTempFile("watchdog", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the watchdog did not end " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Path plugins(Path dir) throws IOException {
        Path f = dir.resolve("META-INF/services/" + Scenario.class.getName());
        Files.createDirectories(f.getParent());
        Files.writeString(f, HangingScenario.class.getName() + "\n");
        return dir;
    }

    static int bundledVariants() {
        return Catalogue.all().stream().mapToInt(s -> s.variants().size()).sum();
    }

    /** The watchdog's line on standard error names the user's code it found the search in. */
    static void saysWhere(Run r) {
        assertEquals(4, r.code(), r.err());
        assertTrue(r.err().contains("no verdict (INCOMPLETE)") && r.err().contains("at example.hang.HangingScenario.spin(HangingScenario.java:"),
                r.err());
    }

    @Test
    void checkAllWritesItsJUnitDocumentUpToTheVariantThatHangs(@TempDir Path dir) throws Exception {
        Run r = process(plugins(dir), "check", "--all", "--time-limit", "3", "--format", "junit");
        saysWhere(r);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8)));
        NodeList cases = doc.getElementsByTagName("testcase");
        // every bundled variant, the plugin's variant before the one that hangs, and that one; not the one after it
        assertEquals(bundledVariants() + 2, cases.getLength(), r.out());
        Element hung = (Element) cases.item(cases.getLength() - 1);
        assertTrue(hung.getAttribute("name").contains("hanging-plugin") && hung.getAttribute("name").contains("hangs"), r.out());
        assertEquals(1, hung.getElementsByTagName("failure").getLength(), r.out());
        String text = hung.getTextContent();
        assertTrue(text.contains("INCOMPLETE") && text.contains("1 variant after this one not checked"), text);
        Element before = (Element) cases.item(cases.getLength() - 2);
        assertTrue(before.getAttribute("name").contains("before"), r.out());
        assertEquals(0, before.getElementsByTagName("failure").getLength(), r.out());
    }

    @Test
    void checkAllInTextEndsWithTheRowAndASummary(@TempDir Path dir) throws Exception {
        Run r = process(plugins(dir), "check", "--all", "--time-limit", "3", "--width", "200");
        saysWhere(r);
        List<String> lines = r.out().lines().toList();
        // the header, a row per variant checked, the one that hung
        String row = lines.stream().filter(l -> l.startsWith("hanging-plugin") && l.contains(" hangs ")).findFirst().orElseThrow();
        assertTrue(row.contains("incomplete") && row.contains("MISMATCH"), row);
        assertEquals(1 + bundledVariants() + 2, lines.indexOf(row) + 1, r.out());
        assertEquals("catalogue not finished: the watchdog ended the process in hanging-plugin / hangs", lines.get(lines.size() - 2));
        assertEquals((bundledVariants() + 1) + " passed, 1 failed, 1 not checked", lines.get(lines.size() - 1));
    }

    @Test
    void suiteWritesItsJsonReportUpToTheCombinationThatHangs(@TempDir Path dir) throws Exception {
        Run r = process(plugins(dir), "suite", "hanging-plugin", "--time-limit", "3", "--format", "json");
        saysWhere(r);
        ReportFormatsTest.loadSchema();
        ReportFormatsTest.assertValid(r.out());
        JsonNode results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("reports");
        assertEquals(2, results.size(), r.out());
        assertEquals("holds", results.get(0).get("verdict").asText(), r.out());
        JsonNode hung = results.get(1);
        assertEquals("incomplete", hung.get("verdict").asText(), r.out());
        assertEquals("1", hung.get("knobs").get("mode").asText(), r.out());
        assertTrue(hung.toString().contains("1 combination after this one not checked"), hung.toString());
    }

    @Test
    void checkOfOneVariantWritesItsJsonReport(@TempDir Path dir) throws Exception {
        Run r = process(plugins(dir), "check", "hanging-plugin", "--variant", "hangs", "--time-limit", "2", "--format", "json");
        saysWhere(r);
        ReportFormatsTest.loadSchema();
        ReportFormatsTest.assertValid(r.out());
        JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals("incomplete", report.get("verdict").asText(), r.out());
        assertEquals("hangs", report.get("variant").asText(), r.out());
        assertTrue(report.get("limit").asText().contains("watchdog"), r.out());
    }

    @Test
    void reportFilesAreWrittenWhenTheWatchdogEndsTheProcess(@TempDir Path dir) throws Exception {
        // standard output gets text; the --report files get the documents --format would have printed, up to the
        // variant that hangs (check --all), and the one check's INCOMPLETE report
        Path junit = dir.resolve("all.xml");
        Path json = dir.resolve("all.json");
        Run r = process(plugins(dir), "check", "--all", "--time-limit", "3", "--width", "200", "--report", "junit=" + junit,
                "--report", "json=" + json);
        saysWhere(r);
        assertTrue(r.out().contains("catalogue not finished: the watchdog ended the process in hanging-plugin / hangs"), r.out());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(bundledVariants() + 2, cases.getLength(), Files.readString(junit));
        Element hung = (Element) cases.item(cases.getLength() - 1);
        assertTrue(hung.getAttribute("name").contains("hanging-plugin") && hung.getTextContent().contains("INCOMPLETE"), Files.readString(junit));
        ReportFormatsTest.loadSchema();
        ReportFormatsTest.assertValid(Files.readString(json));
        JsonNode reports = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).get("reports");
        assertEquals(bundledVariants() + 2, reports.size(), Files.readString(json));
        assertEquals("incomplete", reports.get(reports.size() - 1).get("verdict").asText());

        Path one = dir.resolve("one.json");
        Path sarif = dir.resolve("suite.sarif");
        Run check = process(plugins(dir), "check", "hanging-plugin", "--variant", "hangs", "--time-limit", "2", "--report", "json=" + one);
        saysWhere(check);
        ReportFormatsTest.assertValid(Files.readString(one));
        JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(one.toFile());
        assertEquals("incomplete", report.get("verdict").asText(), Files.readString(one));
        assertTrue(report.get("limit").asText().contains("watchdog"), Files.readString(one));
        Run suite = process(plugins(dir), "suite", "hanging-plugin", "--time-limit", "3", "--report", "sarif=" + sarif);
        saysWhere(suite);
        assertTrue(suite.out().contains("suite not finished"), suite.out());
        JsonNode results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sarif.toFile()).get("runs").get(0).get("results");
        assertTrue(results.toString().contains("INCOMPLETE") || results.toString().contains("incomplete"), results.toString());
        // mutate: the variant's report, INCOMPLETE, when its own check or a mutant's hangs; mutate --all: the variants
        // analysed before it, and where it ended
        Path mutate = dir.resolve("mutate.json");
        Run m = process(plugins(dir), "mutate", "hanging-plugin", "--variant", "hangs", "--time-limit", "2", "--format", "junit",
                "--report", "json=" + mutate);
        saysWhere(m);
        assertTrue(m.out().contains("<testcase") && m.out().contains("INCOMPLETE"), m.out());
        JsonNode mutated = new com.fasterxml.jackson.databind.ObjectMapper().readTree(mutate.toFile());
        assertEquals("incomplete", mutated.get("verdict").asText(), Files.readString(mutate));
        Path all = dir.resolve("mutate-all.json");
        Run ma = process(plugins(dir), "mutate", "--all", "--time-limit", "2", "--report", "json=" + all);
        saysWhere(ma);
        JsonNode rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(all.toFile());
        assertEquals("mutate-all", rows.get("kind").asText(), Files.readString(all));
        assertTrue(rows.get("problems").toString().contains("hanging-plugin / hangs: the watchdog ended the process"), Files.readString(all));
        assertTrue(rows.get("variants").size() > 0, Files.readString(all));
        try (java.util.stream.Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), "no file left beside the reports");
        }
    }
}
