package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.cli.Main;
import org.migcheck.checker.testing.CliRun;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What a CI job reads: the machine formats agree with the exit code, keep one key order, and a failed write is not success. */
class CiReportsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** One pass, no earlier kswapd pass: HOLDS only because of the bound; at bounds +1 it deadlocks (exit 2). */
    private static final String[] BOUND_HOLDS = {"check", "fuse-writeback-memcg", "--set", "memcg=v1", "--set", "mappingFlag=false",
        "--set", "earlierReclaim=false", "--set", "reclaimPasses=1", "--bounds", "+1", "--quiet-progress"};

    private static String[] with(String[] base, String... more) {
        List<String> a = new ArrayList<>(List.of(base));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    private static Document xml(String s) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void theRecheckAtRaisedBoundsIsACaseAndAResult() throws Exception {
        CliRun junit = CliRun.run(with(BOUND_HOLDS, "--format", "junit"));
        assertEquals(2, junit.code(), junit.err());
        Document d = xml(junit.out());
        NodeList cases = d.getElementsByTagName("testcase");
        assertEquals(2, cases.getLength(), junit.out());
        Element raised = (Element) cases.item(1);
        assertTrue(raised.getAttribute("name").endsWith(" at bounds +1"), raised.getAttribute("name"));
        assertEquals(1, raised.getElementsByTagName("failure").getLength(), "a HOLDS the bound made fails at the raised bounds");
        assertEquals(0, ((Element) cases.item(0)).getElementsByTagName("failure").getLength());
        assertEquals("1", ((Element) d.getElementsByTagName("testsuite").item(0)).getAttribute("failures"));
        assertTrue(junit.out().matches("(?s).*replay \\S+:\\+1\\b.*"), "the raised case's replay token carries its bounds");

        CliRun sarif = CliRun.run(with(BOUND_HOLDS, "--format", "sarif"));
        assertEquals(2, sarif.code(), sarif.err());
        JsonNode results = MAPPER.readTree(sarif.out()).get("runs").get(0).get("results");
        assertEquals(1, results.size(), sarif.out());
        assertEquals("deadlock", results.get(0).get("ruleId").asText());
        assertEquals("error", results.get(0).get("level").asText());
        assertTrue(results.get(0).get("message").get("text").asText().contains("at bounds +1"));
        assertTrue(results.get(0).get("properties").get("replay").asText().endsWith(":+1"));

        // HTML: the check, then the re-check under its own heading, with element ids that stay unique
        CliRun html = CliRun.run(with(BOUND_HOLDS, "--format", "html"));
        assertEquals(2, html.code(), html.err());
        assertTrue(html.out().contains("HOLDS") && html.out().contains("<h2>") && html.out().contains("at bounds +1</h2>"), html.out());
        assertTrue(html.out().indexOf("id=\"cycle\"") < 0 || html.out().indexOf("id=\"cycle\"") == html.out().lastIndexOf("id=\"cycle\""));
        assertTrue(html.out().contains("id=\"cycle-raised\""), "the raised deadlock's wait-for figure");

        // a model without bounds to raise: one case, one result, as without --bounds
        CliRun plain = CliRun.run("check", "counter", "--variant", "racy", "--bounds", "+1", "--format", "junit", "--quiet-progress");
        assertEquals(1, xml(plain.out()).getElementsByTagName("testcase").getLength(), plain.out());
    }

    @Test
    void everySarifResultHasAPhysicalLocationAndAHoldingVariantThatExpectsAFailureIsAnError() throws Exception {
        // the zoo's rules cite no kernel file: the location is the Java source that declares the model
        CliRun racy = CliRun.run("check", "counter", "--variant", "racy", "--format", "sarif", "--quiet-progress");
        JsonNode run = MAPPER.readTree(racy.out()).get("runs").get(0);
        JsonNode loc = run.get("results").get(0).get("locations").get(0).get("physicalLocation").get("artifactLocation");
        assertEquals("org/migcheck/model/zoo/Zoo.java", loc.get("uri").asText());
        assertEquals("JAVA_SOURCES", loc.get("uriBaseId").asText());
        assertTrue(run.get("originalUriBaseIds").has("JAVA_SOURCES"));
        // starved-waiter/no-setter is declared STUCK; without the stuck-thread analysis it holds: the documented failure is lost
        CliRun lost = CliRun.run("check", "starved-waiter", "--variant", "no-setter", "--no-liveness", "--format", "sarif",
                "--quiet-progress");
        assertEquals(0, lost.code(), lost.err());
        JsonNode res = MAPPER.readTree(lost.out()).get("runs").get(0).get("results");
        assertEquals(1, res.size(), lost.out());
        assertEquals("expectation", res.get(0).get("ruleId").asText());
        assertEquals("error", res.get(0).get("level").asText());
        assertTrue(res.get(0).get("locations").get(0).has("physicalLocation"));
        // a rule that cites several kernel files: the first is the location, the others related locations, each once
        CliRun noWait = CliRun.run("check", "truncate-writeback", "--variant", "truncate-no-wait", "--format", "sarif", "--quiet-progress");
        JsonNode broken = MAPPER.readTree(noWait.out()).get("runs").get(0).get("results").get(0);
        String ref = org.migcheck.checker.trace.RuleInfo.of(broken.get("ruleId").asText()).kernelRef();
        java.util.regex.Matcher files = java.util.regex.Pattern.compile("\\b((?:mm|fs|include|kernel)/[A-Za-z0-9_./-]+\\.[ch])\\b").matcher(ref);
        java.util.LinkedHashSet<String> cited = new java.util.LinkedHashSet<>();
        while (files.find()) {
            cited.add(files.group(1));
        }
        assertTrue(cited.size() >= 2, ref);
        List<String> shown = new ArrayList<>();
        shown.add(broken.get("locations").get(0).get("physicalLocation").get("artifactLocation").get("uri").asText());
        broken.get("relatedLocations").forEach(l -> shown.add(l.get("physicalLocation").get("artifactLocation").get("uri").asText()));
        assertEquals(new ArrayList<>(cited), shown);
        // a rule citing one file has none
        assertFalse(MAPPER.readTree(racy.out()).get("runs").get(0).get("results").get(0).has("relatedLocations"));
        // mutate's results point at the scenario's kernel files the same way
        CliRun mutate = CliRun.run("--rule", "writeback.set-under-lock", "mutate", "truncate-writeback", "--variant", "kernel",
                "--format", "sarif", "--quiet-progress");
        JsonNode mresults = MAPPER.readTree(mutate.out()).get("runs").get(0).get("results");
        assertTrue(mresults.size() > 0, mutate.out());
        mresults.forEach(r -> assertTrue(r.has("relatedLocations") && r.get("relatedLocations").size() >= 2, r.toString()));
    }

    /**
     * A run's notes reach SARIF (they reached text, JSON, HTML and JUnit only): each as a notification
     * naming its variant, which is all a holding variant has, and on a failing variant's result too.
     */
    @Test
    void sarifCarriesEveryVariantsNotes() throws Exception {
        String leftOut = "the rules left out with --skip-rule were not checked (";
        CliRun held = CliRun.run("--skip-rule", "balloon.pages-lock", "check", "movable-ops", "--variant", "merged",
                "--format", "sarif", "--quiet-progress");
        assertEquals(0, held.code(), held.err());
        JsonNode run = MAPPER.readTree(held.out()).get("runs").get(0);
        assertEquals(0, run.get("results").size(), held.out());
        JsonNode notes = run.get("invocations").get(0).get("toolExecutionNotifications");
        // the HOLDS's sizes, then the rules left out
        assertEquals(2, notes.size(), held.out());
        assertTrue(notes.get(0).get("message").get("text").asText().startsWith("movable-ops / merged: holds at these sizes: compactors=2"),
                held.out());
        JsonNode skip = notes.get(1);
        assertEquals("note", skip.get("level").asText());
        assertTrue(skip.get("message").get("text").asText().startsWith("movable-ops / merged: " + leftOut + "balloon.pages-lock)"),
                held.out());
        assertEquals("movable-ops", skip.get("properties").get("scenario").asText());
        assertEquals("merged", skip.get("properties").get("variant").asText());

        CliRun broken = CliRun.run("--skip-rule", "writeback.set-under-lock", "check", "truncate-writeback", "--variant",
                "truncate-no-wait", "--format", "sarif", "--quiet-progress");
        JsonNode brokenRun = MAPPER.readTree(broken.out()).get("runs").get(0);
        JsonNode result = brokenRun.get("results").get(0);
        assertEquals("cache.remove-locked-no-writeback", result.get("ruleId").asText(), broken.out());
        assertTrue(result.get("properties").get("notes").get(0).asText().startsWith(leftOut + "writeback.set-under-lock)"), broken.out());
        assertTrue(brokenRun.get("invocations").get(0).get("toolExecutionNotifications").get(0).get("message").get("text").asText()
                .startsWith("truncate-writeback / truncate-no-wait: " + leftOut), broken.out());

        // no note, no invocation block
        CliRun racy = CliRun.run("check", "counter", "--variant", "racy", "--format", "sarif", "--quiet-progress");
        JsonNode racyRun = MAPPER.readTree(racy.out()).get("runs").get(0);
        assertFalse(racyRun.has("invocations"), racy.out());
        assertEquals(0, racyRun.get("results").get(0).get("properties").get("notes").size());
    }

    @Test
    void sarifAndListJsonKeepOneKeyOrder() throws Exception {
        // Map.of iterates in a per-JVM random order; these objects must come out in the order written
        CliRun racy = CliRun.run("check", "counter", "--variant", "racy", "--format", "sarif", "--quiet-progress");
        JsonNode run = MAPPER.readTree(racy.out()).get("runs").get(0);
        assertEquals(List.of("LINUX", "JAVA_SOURCES"), keys(run.get("originalUriBaseIds")));
        assertEquals(List.of("uri", "description"), keys(run.get("originalUriBaseIds").get("LINUX")));
        JsonNode loc = run.get("results").get(0).get("locations").get(0);
        assertEquals(List.of("uri", "uriBaseId"), keys(loc.get("physicalLocation").get("artifactLocation")));
        assertEquals(List.of("fullyQualifiedName", "kind"), keys(loc.get("logicalLocations").get(0)));
        // list: each variant's settings in its scenario's knob order
        JsonNode list = MAPPER.readTree(CliRun.run("list", "--format", "json").out());
        int checked = 0;
        for (JsonNode s : list.get("scenarios")) {
            List<String> knobs = new ArrayList<>();
            s.get("knobs").forEach(k -> knobs.add(k.get("name").asText()));
            for (JsonNode v : s.get("variants")) {
                List<String> order = keys(v.get("settings"));
                List<String> expected = new ArrayList<>(knobs);
                expected.retainAll(order);
                assertEquals(expected, order, s.get("id").asText() + "/" + v.get("name").asText());
                checked += order.size() > 1 ? 1 : 0;
            }
        }
        assertTrue(checked > 20, "variants with several settings: " + checked);
    }

    /**
     * A user's scenario (loaded with --classpath) whose holding variant declares its real survivors and two
     * that are not: a mutant that never survives, and an id no mutant has.
     */
    public static final class StaleSurvivors implements org.migcheck.model.scenarios.Scenario {
        private final org.migcheck.model.scenarios.Scenario s = org.migcheck.model.scenarios.BaseScenario.builder("stale-survivors")
                .title("a user's model with stale survivor declarations")
                .reference("test scenario")
                .model(k -> model())
                .variant("default", java.util.Map.of(), org.migcheck.model.scenarios.Expect.holds()
                        .survives("no-lock t*", "the lock guards no state")
                        .survives("no-wait t1: mutex_lock", "stale: the mutant takes the mutex from t2 (a model error, not evaluated)"
                                + " or never meets it held (equivalent); it never survives")
                        .survives("no-lock nosuch: mutex_lock", "stale: names no mutant"), "one mutex, two threads")
                .build();

        static org.migcheck.model.lang.Model model() {
            org.migcheck.model.lang.Model.Builder m = org.migcheck.model.lang.Model.builder("stale-survivors");
            org.migcheck.model.lang.Lock a = m.mutex("a");
            for (String t : List.of("t1", "t2")) {
                m.thread(t, b -> b.step(org.migcheck.model.lang.Steps.lock("mutex_lock", a))
                        .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", a)));
            }
            return m.build();
        }

        @Override public String id() { return s.id(); }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public List<org.migcheck.model.scenarios.Knob> knobs() { return s.knobs(); }
        @Override public List<org.migcheck.model.scenarios.Variant> variants() { return s.variants(); }
        @Override public org.migcheck.model.lang.Model build(org.migcheck.model.scenarios.Knobs k) { return s.build(k); }
    }

    @Test
    void mutateReportsStaleDeclarationsAndBudgetsInEveryFormat(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path service = dir.resolve("META-INF/services/org.migcheck.model.scenarios.Scenario");
        java.nio.file.Files.createDirectories(service.getParent());
        java.nio.file.Files.writeString(service, StaleSurvivors.class.getName() + "\n");
        String[] stale = {"--classpath", dir.toString(), "mutate", "stale-survivors"};
        CliRun json = CliRun.run(with(stale, "--format", "json"));
        assertEquals(10, json.code(), json.err());
        JsonNode staleList = MAPPER.readTree(json.out()).get("stale");
        assertEquals(2, staleList.size(), json.out());
        assertTrue(staleList.toString().contains("no-wait t1: mutex_lock") && staleList.toString().contains("no-lock nosuch: mutex_lock"),
                json.out());
        CliRun junit = CliRun.run(with(stale, "--format", "junit"));
        assertEquals(10, junit.code());
        Document d = xml(junit.out());
        assertEquals(Integer.toString(staleList.size()), ((Element) d.getElementsByTagName("testsuite").item(0)).getAttribute("failures"));
        assertTrue(junit.out().contains("type=\"stale-declaration\""));
        CliRun sarif = CliRun.run(with(stale, "--format", "sarif"));
        JsonNode results = MAPPER.readTree(sarif.out()).get("runs").get(0).get("results");
        assertEquals(staleList.size(), results.size(), sarif.out());
        results.forEach(r -> {
            assertEquals("mutation.stale-declaration", r.get("ruleId").asText());
            assertEquals("error", r.get("level").asText());
        });
        // a budget that stops mutants: they are not judged (skipped, warnings, exit 4), and never make a declaration stale
        String[] budget = {"mutate", "starved-waiter", "--variant", "setter", "--max-states", "8"};
        CliRun text = CliRun.run(budget);
        assertEquals(4, text.code(), text.out() + text.err());
        assertFalse(text.out().contains("no longer survives"), text.out());
        assertTrue(text.out().contains("stopped by a budget"), text.out());
        CliRun bj = CliRun.run(with(budget, "--format", "junit"));
        assertEquals(4, bj.code());
        Element suite = (Element) xml(bj.out()).getElementsByTagName("testsuite").item(0);
        assertTrue(Integer.parseInt(suite.getAttribute("skipped")) > 0, bj.out());
        assertEquals("0", suite.getAttribute("failures"));
    }

    @Test
    void aReportThatCannotBeWrittenIsNotSuccess() {
        PrintStream full = new PrintStream(new OutputStream() {
            @Override public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        }, true, StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"check", "abba-ordered", "--format", "json", "--quiet-progress"}, full,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.IO_EXIT, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("could not be written"), err.toString(StandardCharsets.UTF_8));
        // a reader that closes the pipe (| head) chose to stop: the verdict's code stands (abba: DEADLOCK, 2)
        IOException pipe = new IOException("Broken pipe");
        PrintStream closed = new PrintStream(new OutputStream() {
            @Override public void write(int b) throws IOException {
                throw pipe;
            }
        }, true, StandardCharsets.UTF_8);
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"check", "abba", "--quiet-progress"}, closed, new PrintStream(err2, true, StandardCharsets.UTF_8),
                () -> pipe));
        assertEquals("", err2.toString(StandardCharsets.UTF_8));
        // the same failure with another cause is a failed report
        IOException disk = new IOException("No space left on device");
        assertEquals(Main.IO_EXIT, Main.run(new String[] {"check", "abba", "--quiet-progress"}, closed,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), () -> disk));
    }

    @Test
    void everyCommandPrintsItsVersionAndFormatSlipsNameTheMode() {
        for (String cmd : new String[] {"check", "mutate", "list", "suite", "replay"}) {
            CliRun r = CliRun.run(cmd, "-V");
            assertEquals(0, r.code());
            assertEquals("migcheck 0.1.0", r.out().strip(), cmd);
        }
        CliRun list = CliRun.run("list", "--format", "nonsense");
        assertEquals(64, list.code());
        assertTrue(list.err().contains("--help says which it writes"), list.err());
        CliRun all = CliRun.run("mutate", "--all", "--format", "junit");
        assertEquals(64, all.code());
        assertTrue(all.err().contains("is not written by migcheck mutate --all: takes text or json"), all.err());
    }
}
