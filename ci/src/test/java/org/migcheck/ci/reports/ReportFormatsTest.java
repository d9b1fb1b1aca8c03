package org.migcheck.ci.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.cli.Main;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.JsonRenderer;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The machine-readable reports: JSON against docs/report.schema.json for every verdict kind and every
 * document kind, JUnit XML with one case per variant, SARIF 2.1.0's required fields.
 */
class ReportFormatsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws Exception {
        String text = Files.readString(Path.of("..", "docs", "report.schema.json"), StandardCharsets.UTF_8);
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(text);
    }

    static void assertValid(String json) throws Exception {
        JsonNode node = MAPPER.readTree(json);
        Set<ValidationMessage> errors = schema.validate(node);
        assertTrue(errors.isEmpty(), () -> errors + "\n" + json);
        assertEquals(JsonRenderer.SCHEMA_VERSION, node.get("schemaVersion").asInt());
    }

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static ScenarioRunner.Outcome run(String scenario, String variant, Map<String, String> sets, Options opts) {
        return ScenarioRunner.run(Catalogue.find(scenario), variant, sets, KernelRules.all(), opts);
    }

    /**
     * A tool a test runs (a validator, a browser) is not installed: the test fails where CI is set, since .ci/run installs
     * the tools, and is reported as aborted elsewhere, with {@code why}.
     */
    static void toolMissing(String why) {
        if (System.getenv("CI") != null) {
            org.junit.jupiter.api.Assertions.fail(why);
        }
        org.junit.jupiter.api.Assumptions.abort(why);
    }

    /** A model whose only step unlocks a lock nobody holds: a model error with a one-step trace. */
    static ScenarioRunner.Outcome modelError() {
        Model.Builder b = Model.builder("bad-unlock");
        Lock l = b.mutex("L");
        b.thread("t", body -> body.step(Steps.unlock("mutex_unlock", l)));
        Model m = b.build();
        Scenario abba = Catalogue.find("abba");
        return new ScenarioRunner.Outcome(abba, null, Knobs.resolve(abba.id(), abba.knobs(), Map.of()), null,
                Checker.check(m, RuleSet.empty(), Options.defaults()));
    }

    @Test
    void everyVerdictKindValidatesAgainstTheSchema() throws Exception {
        List<ScenarioRunner.Outcome> outcomes = new ArrayList<>(List.of(
                run("abba-ordered", "default", Map.of(), Options.defaults()),
                run("counter", "racy", Map.of(), Options.defaults()),
                run("abba", "default", Map.of(), Options.defaults()),
                run("starved-waiter", "no-setter", Map.of(), Options.defaults()),
                run("philosophers", null, Map.of("n", "6", "ordered", "true"),
                        Options.defaults().withBudget(Options.defaults().budget().withMaxStates(50))),
                run("abba-gated", "default", Map.of(), Options.defaults()),
                run("fuse-writeback-memcg", "legacy-no-flag", Map.of(), Options.defaults()),
                run("truncate-writeback", "activate-ignored", Map.of(), Options.defaults()), // a deadlock without a cycle: chains
                modelError()));
        Set<Verdict> seen = EnumSet.noneOf(Verdict.class);
        for (ScenarioRunner.Outcome o : outcomes) {
            seen.add(o.result().verdict());
            String json = JsonRenderer.render(o);
            assertValid(json);
            JsonNode n = MAPPER.readTree(json);
            // explicit nulls: every key is there
            if (o.result().verdict() == Verdict.DEADLOCK) {
                assertTrue(n.path("cycle").isNull() != n.path("chains").isEmpty(), "a deadlock has a cycle or chains: " + o.title());
            }
            // a stuck report's continuation, validated above: its steps numbered on from the trace's, its cycle inside them
            assertEquals(o.result().verdict() == Verdict.STUCK, n.path("continuation").isObject(), "continuation of " + o.title());
            if (n.path("continuation").isObject()) {
                JsonNode c = n.path("continuation");
                assertEquals(n.path("trace").size() + 1, c.path("trace").path(0).path("step").asInt(), o.title());
                assertEquals(c.path("trace").path(c.path("trace").size() - 1).path("step").asInt(), c.path("loopTo").asInt(), o.title());
                assertTrue(c.path("loopFrom").asInt() <= c.path("loopTo").asInt(), o.title());
            }
            for (String key : List.of("rule", "cycle", "chains", "limit", "trace", "restingPlaces", "replay", "expected", "variant")) {
                assertTrue(n.has(key), key + " missing in " + o.title());
            }
        }
        assertEquals(EnumSet.allOf(Verdict.class), seen, "a verdict kind is not covered");
        // the schema is strict: a missing key, an unknown key or another version is rejected
        com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(
                JsonRenderer.render(outcomes.get(2)));
        assertFalse(schema.validate(n.deepCopy().without("cycle")).isEmpty(), "missing cycle accepted");
        assertFalse(schema.validate(n.deepCopy().put("colour", "red")).isEmpty(), "unknown key accepted");
        assertFalse(schema.validate(n.deepCopy().put("schemaVersion", 2)).isEmpty(), "version 2 accepted");
        assertFalse(schema.validate(n.deepCopy().put("verdict", "fine")).isEmpty(), "unknown verdict accepted");
        // keys added after version 1 was published are optional, as the schema's description says: a document
        // written before them still validates (chains and a step's rewrites had been made required)
        com.fasterxml.jackson.databind.node.ObjectNode before = n.deepCopy();
        before.remove("chains");
        assertTrue(before.path("trace").size() > 0, "a deadlock's report has steps");
        for (JsonNode step : before.path("trace")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) step).remove("rewrites");
        }
        assertValid(before.toString());
    }

    /**
     * The goal witnesses a holding report prints (text, HTML) are in JSON too, and JUnit's report has the variant's
     * description line as text has it (a review of the formats found both missing).
     */
    @Test
    void goalWitnessesAndTheVariantLineAreInEveryFormat() throws Exception {
        Run text = cli("check", "truncate-writeback", "--variant", "kernel", "--quiet-progress");
        Run json = cli("check", "truncate-writeback", "--variant", "kernel", "--format", "json", "--quiet-progress");
        assertValid(json.out());
        JsonNode ws = MAPPER.readTree(json.out()).get("goalWitnesses");
        assertEquals(2, ws.size(), json.out());
        for (JsonNode w : ws) {
            String goal = w.get("goal").asText();
            assertTrue(w.get("shortest").asBoolean(), w.toString());
            // the text's table for that witness has as many numbered rows as the JSON trace has steps
            int from = text.out().indexOf("shortest witness of reachable(" + goal + "):");
            assertTrue(from >= 0, text.out());
            String table = text.out().substring(from).split("\n\n")[0];
            long rows = table.lines().filter(l -> l.matches("\\s+\\d+\\s.*")).count();
            assertEquals(rows, w.get("trace").size(), goal + ": " + table);
        }
        // a failing report has none
        Run failing = cli("check", "truncate-writeback", "--variant", "truncate-no-wait", "--format", "json", "--quiet-progress");
        assertEquals(0, MAPPER.readTree(failing.out()).get("goalWitnesses").size());
        Run junit = cli("check", "truncate-writeback", "--variant", "kernel", "--format", "junit", "--quiet-progress");
        assertTrue(junit.out().contains("  variant: shipped v6.19"), junit.out());
    }

    @Test
    void structuredFieldsCarryTheExplanation() throws Exception {
        JsonNode abba = MAPPER.readTree(JsonRenderer.render(run("abba", "default", Map.of(), Options.defaults())));
        assertEquals(2, abba.get("blocked").size());
        assertEquals("wait-for", abba.get("cycle").get("kind").asText());
        assertEquals(List.of("t1", "t2"), List.of(abba.get("cycle").get("nodes").get(0).asText(), abba.get("cycle").get("nodes").get(1).asText()));
        assertEquals("t2", abba.get("blocked").get(0).get("holder").asText());
        assertEquals(1, abba.get("heldLocks").get(0).get("sinceStep").asInt());
        assertEquals("A", abba.get("trace").get(0).get("changes").get(0).get("variable").asText());
        assertTrue(abba.get("rule").isNull());

        JsonNode gated = MAPPER.readTree(JsonRenderer.render(run("abba-gated", "default", Map.of(), Options.defaults())));
        assertEquals(2, gated.get("paths").size(), "both acquisition paths of the lock-order report");
        assertEquals("lock-class", gated.get("cycle").get("kind").asText());
        assertEquals("lock-order.cycle", gated.get("rule").get("id").asText());
        assertFalse(gated.get("rule").get("kernelRef").isNull());
        assertEquals("B", gated.get("paths").get(1).get("edge").get("held").asText());

        assertTrue(abba.get("breaksAt").isNull(), "a deadlock breaks no rule at a step");
        assertTrue(gated.get("breaksAt").isNull(), "a lock-order report has its paths instead");

        // a broken step rule: the step that broke it (the last), with the kernel path its thread was on
        JsonNode refs = MAPPER.readTree(JsonRenderer.render(run("bdev-jbd2", "no-refcount-check", Map.of(), Options.defaults())));
        assertEquals("violated", refs.get("verdict").asText());
        JsonNode at = refs.get("breaksAt");
        JsonNode lastRow = refs.get("trace").get(refs.get("trace").size() - 1);
        assertEquals(refs.get("trace").size(), at.get("step").asInt());
        assertEquals(lastRow.get("label").asText(), at.get("label").asText());
        assertEquals(lastRow.get("thread").asText(), at.get("thread").asText());
        JsonNode stack = at.get("callStack");
        assertTrue(stack.size() > 1, stack.toString());
        assertEquals(at.get("thread").asText(), stack.get(stack.size() - 1).asText(), "outermost frame: the thread");
        // frames carry kernel function names, as the text report prints them (no model-internal '/' suffixes)
        for (int i = 0; i < stack.size() - 1; i++) {
            assertFalse(stack.get(i).asText().contains("/"), stack.toString());
        }
        // each step carries its own path; the breaking step's is the one breaksAt names
        assertEquals(stack, lastRow.get("callStack"));

        // a named kernel variant says what it stands for, as the catalogue does; knob settings no variant names carry null
        ScenarioRunner.Outcome noWbc = run("fuse-writeback-memcg", "no-wbc-shared-mmap-legacy", Map.of(), Options.defaults());
        JsonNode named = MAPPER.readTree(JsonRenderer.render(noWbc));
        String doc = org.migcheck.model.scenarios.Catalogue.find("fuse-writeback-memcg").variant("no-wbc-shared-mmap-legacy").doc();
        assertFalse(doc.isBlank());
        assertEquals(doc, named.get("variantDoc").asText());
        ScenarioRunner.Outcome unnamed = run("fuse-writeback-memcg", null,
                Map.of("memcg", "v1", "mappingFlag", "false", "earlierReclaim", "false", "reclaimPasses", "1"), Options.defaults());
        assertEquals(null, unnamed.variant());
        assertTrue(MAPPER.readTree(JsonRenderer.render(unnamed)).get("variantDoc").isNull());
    }

    @Test
    void collectionsAndMutantsValidate() throws Exception {
        Run suite = cli("suite", "philosophers", "--set", "n=2", "--format", "json", "--quiet-progress");
        assertEquals(0, suite.code(), suite.err());
        assertValid(suite.out());
        assertEquals(2, MAPPER.readTree(suite.out()).get("reports").size());
        // a suite that leaves a combination out says so in JSON (leftOut) and JUnit (a skipped case)
        Run left = cli("suite", "truncate-writeback", "--vary", "writer", "--set", "syncMode=ALL", "--format", "json", "--quiet-progress");
        assertEquals(0, left.code(), left.err());
        assertValid(left.out());
        JsonNode leftDoc = MAPPER.readTree(left.out());
        assertEquals(1, leftDoc.get("reports").size());
        assertEquals(1, leftDoc.get("leftOut").size());
        assertEquals("syncMode", leftDoc.get("leftOut").get(0).get("knob").asText());
        assertEquals("ttm-backup", leftDoc.get("leftOut").get(0).get("knobs").get("writer").asText());
        // the condition that fails there, and every condition
        assertEquals("writer", leftDoc.get("leftOut").get(0).get("onlyWith").get("knob").asText());
        assertEquals(1, leftDoc.get("leftOut").get(0).get("onlyWithAll").size());
        // and SARIF, as a note among the invocation's notifications (no result: nothing was checked there)
        Run leftSarif = cli("suite", "truncate-writeback", "--vary", "writer", "--set", "syncMode=ALL", "--format", "sarif", "--quiet-progress");
        assertEquals(0, leftSarif.code(), leftSarif.err());
        JsonNode sarifRun = MAPPER.readTree(leftSarif.out()).get("runs").get(0);
        JsonNode notes = sarifRun.get("invocations").get(0).get("toolExecutionNotifications");
        // the holding combination's sizes note, and the left-out one
        assertEquals(2, notes.size(), leftSarif.out());
        JsonNode leftNote = notes.get(0).get("message").get("text").asText().contains(": left out,") ? notes.get(0) : notes.get(1);
        assertEquals("note", leftNote.get("level").asText());
        assertEquals("truncate-writeback syncMode=ALL,writer=ttm-backup: left out, knob syncMode applies only with writer=flusher",
                leftNote.get("message").get("text").asText());
        assertTrue(sarifRun.get("invocations").get(0).get("executionSuccessful").asBoolean());
        assertEquals(0, sarifRun.get("results").size());
        Run leftJunit = cli("suite", "truncate-writeback", "--vary", "writer", "--set", "syncMode=ALL", "--format", "junit", "--quiet-progress");
        assertEquals(0, leftJunit.code(), leftJunit.err());
        Document leftXml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(leftJunit.out().getBytes(StandardCharsets.UTF_8)));
        Element leftSuite = (Element) leftXml.getElementsByTagName("testsuite").item(0);
        assertEquals("2", leftSuite.getAttribute("tests"));
        assertEquals("1", leftSuite.getAttribute("skipped"));
        assertEquals(1, leftXml.getElementsByTagName("skipped").getLength());
        Run list = cli("list", "--format", "json");
        assertEquals(0, list.code(), list.err());
        assertValid(list.out());
        assertEquals(Catalogue.all().size(), MAPPER.readTree(list.out()).get("scenarios").size());
        // a knob that applies only under another says under which; every other knob says null
        int conditional = 0;
        for (com.fasterxml.jackson.databind.JsonNode sc : MAPPER.readTree(list.out()).get("scenarios")) {
            for (com.fasterxml.jackson.databind.JsonNode k : sc.get("knobs")) {
                assertTrue(k.has("onlyWith"), k.toString());
                if (!k.get("onlyWith").isNull()) {
                    conditional++;
                    if (sc.get("id").asText().equals("truncate-writeback") && k.get("name").asText().equals("folios")) {
                        assertEquals("writer", k.get("onlyWith").get("knob").asText());
                        assertEquals("[\"flusher\"]", k.get("onlyWith").get("values").toString());
                        assertEquals(1, k.get("onlyWithAll").size());
                    }
                    if (sc.get("id").asText().equals("bdev-jbd2") && k.get("name").asText().equals("lookupChecksBhMigrate")) {
                        // onlyWith keeps the first condition for schema-1 readers; onlyWithAll has every one
                        assertEquals("lookup", k.get("onlyWith").get("knob").asText());
                        assertEquals("[{\"knob\":\"lookup\",\"values\":[\"true\"]},{\"knob\":\"bhMigrate\",\"values\":[\"true\"]},"
                                + "{\"knob\":\"migrateFolio\",\"values\":[\"buffer_migrate_folio_norefs\"]}]", k.get("onlyWithAll").toString());
                    }
                } else {
                    assertEquals(0, k.get("onlyWithAll").size(), k.toString());
                }
            }
        }
        // by hand from the declarations: truncate-writeback 5, source-locked-alloc 10, fuse-writeback-memcg 2, bdev-jbd2 4
        assertEquals(21, conditional);
        // each variant's expectation object says what its expect string says (read back from the words)
        int withGoals = 0;
        for (JsonNode sc : MAPPER.readTree(list.out()).get("scenarios")) {
            for (JsonNode v : sc.get("variants")) {
                String[] parts = v.get("expect").asText().split("; ");
                String[] head = parts[0].split(" ");
                JsonNode x = v.get("expectation");
                assertEquals(head[0], x.get("verdict").asText(), v.toString());
                assertEquals(head.length > 1 ? head[1] : null, x.get("rule").isNull() ? null : x.get("rule").asText(), v.toString());
                assertEquals(parts.length - 1, x.get("goals").size(), v.toString());
                for (int i = 1; i < parts.length; i++) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("reachable\\((.+)\\)=(true|false)").matcher(parts[i]);
                    assertTrue(m.matches(), parts[i]);
                    assertEquals(Boolean.parseBoolean(m.group(2)), x.get("goals").get(m.group(1)).asBoolean(), v.toString());
                    withGoals++;
                }
            }
        }
        assertTrue(withGoals > 0);
        // ordered philosophers protect no data: their lock mutants survive, at any n with the reason the named
        // variant declares (a knob combination is judged by the scenario's derived expectation, which declares it too)
        Run mutate = cli("mutate", "philosophers", "--set", "n=4", "--set", "ordered=true", "--format", "json");
        assertEquals(0, mutate.code(), mutate.err());
        assertValid(mutate.out());
        assertTrue(MAPPER.readTree(mutate.out()).get("mutants").size() > 0);
        for (JsonNode m : MAPPER.readTree(mutate.out()).get("mutants")) {
            if (m.get("fate").asText().equals("survived")) {
                assertTrue(m.get("explanation").asText().startsWith("zoo model: the forks guard no shared state"), m.toString());
            }
        }
        assertEquals(0, MAPPER.readTree(mutate.out()).get("notes").size(), "every rule checked: no note");
    }

    /**
     * mutate with --skip-rule: the survivors a left-out rule would kill have no declared reason (exit 10),
     * and every format says that the rules were narrowed (none did: a CI reader took them for gaps in the
     * rule set); an unreached mutant says it was not checked, not that it holds.
     */
    @Test
    void mutateSaysWhenRulesWereLeftOut() throws Exception {
        String[] cmd = {"--skip-rule", "balloon.pages-lock", "mutate", "movable-ops", "--variant", "merged"};
        String note = "the rules left out with --skip-rule were not checked (balloon.pages-lock)";
        Run json = cli(with(cmd, "--format", "json"));
        assertEquals(10, json.code(), json.err());
        assertValid(json.out());
        JsonNode root = MAPPER.readTree(json.out());
        assertTrue(root.get("notes").get(0).asText().startsWith(note), json.out());
        for (JsonNode m : root.get("mutants")) {
            if (m.get("fate").asText().equals("unreached")) {
                assertTrue(m.get("message").asText().startsWith("not checked"), m.toString());
            }
        }
        Run text = cli(cmd);
        assertEquals(10, text.code());
        assertTrue(text.out().contains("note: " + note), text.out());
        assertTrue(text.out().contains("a survivor may be one that a left-out rule kills"), text.out());
        Run junit = cli(with(cmd, "--format", "junit"));
        assertTrue(junit.out().contains("declares no reason (" + note), junit.out());
        // an unreached mutant was not checked, so it took no time of its own (it reported the base check's)
        // (and it is a skipped case, not a passing one)
        java.util.regex.Matcher unreached = java.util.regex.Pattern.compile(
                "<testcase [^>]*time=\"([0-9.]+)\">\\s*<skipped message=\"not checked: the mutated step never runs")
                .matcher(junit.out());
        assertTrue(unreached.find(), junit.out());
        assertEquals("0.000", unreached.group(1));
        Run sarif = cli(with(cmd, "--format", "sarif"));
        JsonNode run0 = MAPPER.readTree(sarif.out()).get("runs").get(0);
        assertTrue(run0.toString().contains(note), sarif.out());
        Run all = cli("mutate", "movable-ops", "--variant", "merged", "--format", "json");
        assertEquals(0, all.code(), all.err());
        assertValid(all.out());
        assertEquals(0, MAPPER.readTree(all.out()).get("notes").size());
        // merged's one unreached mutant (README's mutate --all table) was not checked: no verdict, no rule
        int unreachedMutants = 0;
        for (JsonNode m : MAPPER.readTree(all.out()).get("mutants")) {
            boolean isUnreached = m.get("fate").asText().equals("unreached");
            unreachedMutants += isUnreached ? 1 : 0;
            assertEquals(isUnreached, m.get("verdict").isNull(), m.toString());
            if (isUnreached) {
                assertTrue(m.get("rule").isNull(), m.toString());
            }
        }
        assertEquals(1, unreachedMutants, all.out());
        // mutate --all says it too, in text and JSON
        Run survey = cli("--skip-rule", "balloon.pages-lock", "mutate", "--all", "--format", "json");
        assertEquals(10, survey.code(), survey.err());
        assertValid(survey.out());
        assertTrue(MAPPER.readTree(survey.out()).get("notes").get(0).asText().startsWith(note), survey.out());
        Run surveyText = cli("--skip-rule", "balloon.pages-lock", "mutate", "--all");
        assertTrue(surveyText.out().contains("note: " + note + ": a survivor may be one that a left-out rule kills"), surveyText.out());
    }

    /**
     * A JSON report of a check with --skip-rule carries the whole replay command ("replay" holds only what
     * follows `migcheck replay`, and the option goes before it); replaying the bare token says why it fails.
     */
    @Test
    void jsonCarriesTheWholeReplayCommand() throws Exception {
        Run r = cli("--skip-rule", "list.integrity", "check", "movable-ops", "--variant", "no-isolated-check", "--format", "json");
        assertValid(r.out());
        JsonNode root = MAPPER.readTree(r.out());
        String token = root.get("replay").asText();
        assertEquals("./migcheck --skip-rule list.integrity replay " + token, root.get("replayCommand").asText());
        Run bare = cli("replay", token);
        assertEquals(64, bare.code(), bare.out());
        assertTrue(bare.err().contains("give the same option before replay"), bare.err());
        Run again = cli("--skip-rule", "list.integrity", "replay", token);
        assertEquals(root.get("verdict").asText().equals("violated") ? 1 : 3, again.code(), again.err());
        Run plain = cli("check", "movable-ops", "--variant", "plain-ref", "--format", "json");
        JsonNode p = MAPPER.readTree(plain.out());
        assertEquals("./migcheck replay " + p.get("replay").asText(), p.get("replayCommand").asText());
    }

    private static String[] with(String[] a, String... more) {
        String[] r = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, r, a.length, more.length);
        return r;
    }

    /**
     * mutate --all as one JSON document: a row per holding catalogue variant (counted here from the
     * catalogue), each row's fates adding up to its mutants, the totals the column sums, and exit 0
     * exactly when no problem is listed. SARIF is refused for --all (usage, 64).
     */
    @Test
    void mutateAllWritesOneJsonDocument() throws Exception {
        Run all = cli("mutate", "--all", "--format", "json");
        assertValid(all.out());
        JsonNode root = MAPPER.readTree(all.out());
        assertEquals(0, all.code(), all.out());
        assertTrue(root.get("problems").isEmpty(), () -> "the catalogue declares every survivor: " + root.get("problems"));
        List<String> holding = new ArrayList<>();
        for (Scenario s : Catalogue.all()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() == org.migcheck.model.scenarios.Expect.Kind.HOLDS) {
                    holding.add(s.id() + " / " + v.name());
                }
            }
        }
        List<String> rows = new ArrayList<>();
        long[] sums = new long[JsonRenderer.MUTATE_COLUMNS.size()];
        for (JsonNode row : root.get("variants")) {
            rows.add(row.get("scenario").asText() + " / " + row.get("variant").asText());
            long fates = 0;
            for (int i = 0; i < sums.length; i++) {
                long c = row.get(JsonRenderer.MUTATE_COLUMNS.get(i)).asLong();
                sums[i] += c;
                String col = JsonRenderer.MUTATE_COLUMNS.get(i);
                if (!col.equals("mutants") && !col.equals("undeclared")) {
                    fates += c;
                }
            }
            assertEquals(row.get("mutants").asLong(), fates, () -> "every mutant has one fate: " + row);
            assertTrue(row.get("undeclared").asLong() <= row.get("survived").asLong(), row::toString);
        }
        assertEquals(holding, rows);
        for (int i = 0; i < sums.length; i++) {
            assertEquals(sums[i], root.get("total").get(JsonRenderer.MUTATE_COLUMNS.get(i)).asLong(), JsonRenderer.MUTATE_COLUMNS.get(i));
        }
        assertTrue(sums[1] > 0 && sums[2] > 0, "the catalogue has killed and surviving mutants");
        Run sarif = cli("mutate", "--all", "--format", "sarif");
        assertEquals(64, sarif.code(), sarif.out());
    }

    @Test
    void checkAllWritesJsonJUnitAndSarif() throws Exception {
        int variants = 0;
        Set<String> names = new HashSet<>();
        for (Scenario s : Catalogue.all()) {
            for (Variant v : s.variants()) {
                variants++;
                names.add(s.id() + "/" + v.name());
            }
        }
        Run json = cli("check", "--all", "--format", "json", "--quiet-progress");
        assertEquals(0, json.code(), json.err());
        assertValid(json.out());
        assertEquals(variants, MAPPER.readTree(json.out()).get("reports").size());

        Run junit = cli("check", "--all", "--format", "junit", "--quiet-progress");
        assertEquals(0, junit.code(), junit.err());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(junit.out().getBytes(StandardCharsets.UTF_8)));
        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(variants, cases.getLength());
        Set<String> caseNames = new HashSet<>();
        for (int i = 0; i < cases.getLength(); i++) {
            caseNames.add(((Element) cases.item(i)).getAttribute("name"));
        }
        assertEquals(names, caseNames);
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals(Integer.toString(variants), suite.getAttribute("tests"));
        assertEquals("0", suite.getAttribute("failures"));

        Run sarif = cli("check", "--all", "--format", "sarif", "--quiet-progress");
        assertEquals(0, sarif.code(), sarif.err());
    }

    /** SARIF 2.1.0: version, runs[].tool.driver.name, results with message.text and a ruleId the driver defines at ruleIndex. */
    static void assertSarif(JsonNode root) {
        assertEquals("2.1.0", root.get("version").asText());
        assertTrue(root.get("$schema").asText().contains("sarif-2.1.0"));
        JsonNode runs = root.get("runs");
        assertTrue(runs.isArray() && runs.size() == 1);
        JsonNode run = runs.get(0);
        JsonNode driver = run.get("tool").get("driver");
        assertEquals("migcheck", driver.get("name").asText());
        JsonNode rules = driver.get("rules");
        List<String> ids = new ArrayList<>();
        rules.forEach(r -> {
            ids.add(r.get("id").asText());
            assertFalse(r.get("shortDescription").get("text").asText().isBlank());
        });
        JsonNode results = run.get("results");
        assertTrue(results.size() > 0, "failing variants give results");
        Set<String> levels = Set.of("none", "note", "warning", "error");
        boolean kernelLocation = false;
        Set<String> prints = new java.util.HashSet<>();
        for (JsonNode r : results) {
            assertFalse(r.get("message").get("text").asText().isBlank());
            // a fingerprint of its own per result, so that code scanning matches results across runs without the file
            String print = r.get("partialFingerprints").get("migcheckResult/v1").asText();
            assertTrue(print.matches("[0-9a-f]{32}"), print);
            assertTrue(prints.add(print), "two results share a fingerprint: " + r);
            String id = r.get("ruleId").asText();
            assertEquals(id, ids.get(r.get("ruleIndex").asInt()));
            assertTrue(levels.contains(r.get("level").asText()));
            assertTrue(r.get("locations").size() > 0, "code scanning needs a location: " + r);
            for (JsonNode loc : r.get("locations")) {
                // code scanning rejects a result without a physical location: the kernel file, else the model's source
                assertTrue(loc.has("physicalLocation"), r.toString());
                // code scanning places a result only with region.startLine (the line itself is not known: 1, the file)
                assertEquals(1, loc.get("physicalLocation").get("region").get("startLine").asInt(), r.toString());
                JsonNode a = loc.get("physicalLocation").get("artifactLocation");
                assertFalse(a.get("uri").asText().startsWith("/"), "relative to its base: " + a);
                String base = a.get("uriBaseId").asText();
                assertTrue(base.equals("LINUX") || base.equals("JAVA_SOURCES"), base);
                if (base.equals("JAVA_SOURCES")) {
                    assertTrue(a.get("uri").asText().endsWith(".java"), a.toString());
                } else {
                    kernelLocation = true;
                }
            }
        }
        assertTrue(ids.contains("deadlock") && ids.contains("lock-order.cycle"), ids.toString());
        assertTrue(kernelLocation, "some result points into the kernel tree");
        assertNotNull(run.get("originalUriBaseIds").get("LINUX").get("uri"));
        assertNotNull(run.get("originalUriBaseIds").get("JAVA_SOURCES").get("description"));
    }
}
