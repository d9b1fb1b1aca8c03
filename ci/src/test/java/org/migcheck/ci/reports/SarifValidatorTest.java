package org.migcheck.ci.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.SarifRenderer;

/**
 * Every kind of SARIF document migcheck writes, read by the validator the format's authors ship:
 * Microsoft's SARIF Multitool ({@code validate}, the npm package
 * {@code @microsoft/sarif-multitool-linux}). It checks the SARIF 2.1.0 JSON schema (JSON1xxx), the
 * specification's rules (SARIF1xxx errors, SARIF2xxx advice) and GitHub code scanning's ingestion rules
 * (GH1xxx/GH2xxx: what {@code upload-sarif} refuses). No document may draw an error or a warning but
 * one: SARIF2005 asks for the tool's {@code informationUri}, and migcheck has no web page to name.
 *
 * <p>The validator says nothing at all about a document it cannot deserialise (a {@code level} outside
 * its enumeration gives no result, not an error), so each document must draw at least one finding of
 * some level (every one of ours draws the note that no version-control provenance is given): a silent
 * file is a failure. {@link #theValidatorCatchesBrokenDocuments} shows the harness fails on broken
 * copies of a real document.
 *
 * <p>The tool is found through {@code -Dmigcheck.sarifMultitool} or {@code MIGCHECK_SARIF_MULTITOOL}
 * (.ci/run installs it with npm and sets the variable). Without it the tests fail when CI is set and
 * are reported as aborted otherwise.
 */
class SarifValidatorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The one finding allowed: SARIF2005, no informationUri (there is no web page to point to). */
    private static final Set<String> ALLOWED = Set.of("SARIF2005");

    private static Path tool() {
        // the npm package holds a self-contained x86-64 Linux program only
        String arch = System.getProperty("os.arch");
        Assumptions.assumeTrue(arch.equals("amd64") || arch.equals("x86_64"),
                "Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool-linux) runs on x86-64 only, not on " + arch);
        String where = System.getProperty("migcheck.sarifMultitool", System.getenv("MIGCHECK_SARIF_MULTITOOL"));
        if (where != null && Files.isExecutable(Path.of(where))) {
            return Path.of(where);
        }
        String why = "Microsoft's SARIF Multitool is not installed (" + (where == null ? "MIGCHECK_SARIF_MULTITOOL is not set"
                : where + " is not an executable file") + "): npm install --ignore-scripts @microsoft/sarif-multitool-linux@5.7.0, chmod u+x its Sarif.Multitool and point "
                + "MIGCHECK_SARIF_MULTITOOL at its Sarif.Multitool (.ci/run does both)";
        ReportFormatsTest.toolMissing(why);
        return null;
    }

    /** A run of the command line that must end with {@code code}; its standard output is the document. */
    private static String sarif(int code, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--format", "sarif", "--quiet-progress"));
        ReportFormatsTest.Run r = ReportFormatsTest.cli(a.toArray(new String[0]));
        assertEquals(code, r.code(), () -> String.join(" ", args) + "\n" + r.err());
        return r.out();
    }

    /** One document of every kind, by name. */
    private static Map<String, String> documents() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("deadlock", sarif(2, "check", "fuse-writeback-memcg", "--variant", "legacy-no-flag"));
        d.put("violated", sarif(1, "check", "counter", "--variant", "racy"));
        d.put("stuck", sarif(3, "check", "starved-waiter", "--variant", "no-setter"));
        d.put("lock-order", sarif(1, "check", "abba-gated"));
        // a HOLDS with its notes (sizes, rules left out) as tool notifications
        d.put("holds-with-notes", sarif(0, "--skip-rule", "balloon.pages-lock", "check", "movable-ops", "--variant", "merged"));
        // a declared STUCK that holds without the liveness analysis: the expectation result
        d.put("expectation-lost", sarif(0, "check", "starved-waiter", "--variant", "no-setter", "--no-liveness"));
        d.put("incomplete", sarif(4, "check", "philosophers", "--set", "n=12", "--set", "ordered=true", "--max-states", "1000"));
        // a HOLDS only because of a retry bound, re-checked at bounds +1 where it deadlocks
        d.put("bounds-raised", sarif(2, "check", "fuse-writeback-memcg", "--set", "memcg=v1", "--set", "mappingFlag=false",
                "--set", "earlierReclaim=false", "--set", "reclaimPasses=1", "--bounds", "+1"));
        d.put("all", sarif(0, "check", "--all"));
        d.put("suite", sarif(0, "suite", "counter"));
        d.put("mutate", sarif(0, "mutate", "movable-ops", "--variant", "merged"));
        // one rule only: mutants it misses survive undeclared, each a result
        d.put("mutate-survivors", sarif(10, "--rule", "writeback.set-under-lock", "mutate", "truncate-writeback", "--variant", "kernel"));
        d.put("mutate-incomplete", sarif(4, "mutate", "movable-ops", "--variant", "merged", "--max-states", "10"));
        ScenarioRunner.Outcome error = ReportFormatsTest.modelError();
        assertEquals(Verdict.MODEL_ERROR, error.result().verdict(), error.result().message());
        d.put("model-error", SarifRenderer.render(List.of(error)));
        return d;
    }

    /** A finding of the validator: its rule, level and message. */
    record Finding(String rule, String level, String message) {
        @Override
        public String toString() {
            return level + " " + rule + ": " + message;
        }
    }

    /** Validates every document in one run of the tool; the findings of each, by name (every name present). */
    private static Map<String, List<Finding>> validate(Path tool, Map<String, String> docs, Path dir) throws Exception {
        Map<String, String> byUri = new TreeMap<>();
        List<String> cmd = new ArrayList<>(List.of(tool.toString(), "validate"));
        for (Map.Entry<String, String> e : docs.entrySet()) {
            Path f = dir.resolve(e.getKey() + ".sarif");
            Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
            byUri.put(f.toAbsolutePath().toUri().toString(), e.getKey());
            cmd.add(f.toString());
        }
        Path log = dir.resolve("validation.sarif");
        Path console = dir.resolve("console.txt");
        cmd.addAll(List.of("-o", log.toString(), "--log", "ForceOverwrite", "--rule-kind", "Sarif;Gh",
                "--level", "Error;Warning;Note", "--quiet"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile());
        // the tool is a self-contained .NET program: without ICU on the machine it needs invariant globalisation
        pb.environment().put("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1");
        pb.environment().put("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("the SARIF Multitool did not finish in 5 minutes");
        }
        assertEquals(0, p.exitValue(), () -> "the SARIF Multitool failed:\n" + read(console));
        assertTrue(Files.isRegularFile(log), () -> "the SARIF Multitool wrote no log:\n" + read(console));
        Map<String, List<Finding>> found = new LinkedHashMap<>();
        docs.keySet().forEach(k -> found.put(k, new ArrayList<>()));
        JsonNode run = MAPPER.readTree(log.toFile()).get("runs").get(0);
        JsonNode rules = run.path("tool").path("driver").path("rules");
        for (JsonNode r : run.path("results")) {
            String uri = r.path("locations").path(0).path("physicalLocation").path("artifactLocation").path("uri").asText();
            String name = byUri.get(uri);
            assertTrue(name != null, () -> "a finding on a file the test did not write: " + uri + "\n" + r);
            // an absent level is the rule's default, and without one a warning (SARIF 2.1.0, 3.27.10)
            String level = r.has("level") ? r.get("level").asText()
                    : rules.path(r.path("ruleIndex").asInt(-1)).path("defaultConfiguration").path("level").asText("warning");
            found.get(name).add(new Finding(r.path("ruleId").asText(), level, text(r, rules)));
        }
        return found;
    }

    /** The finding's message: its text, or the rule's message string with the arguments put in. */
    private static String text(JsonNode result, JsonNode rules) {
        JsonNode m = result.path("message");
        if (m.has("text")) {
            return m.get("text").asText();
        }
        String s = rules.path(result.path("ruleIndex").asInt(-1)).path("messageStrings").path(m.path("id").asText()).path("text")
                .asText(m.path("id").asText());
        JsonNode args = m.path("arguments");
        for (int i = 0; i < args.size(); i++) {
            s = s.replace("{" + i + "}", args.get(i).asText());
        }
        return s;
    }

    /** What is wrong with each document: its errors and warnings (but the allowed one), or that the validator said nothing. */
    private static Map<String, List<String>> problems(Map<String, List<Finding>> found) {
        Map<String, List<String>> bad = new LinkedHashMap<>();
        found.forEach((name, fs) -> {
            List<String> p = new ArrayList<>();
            if (fs.isEmpty()) {
                p.add("the validator reported nothing, not even a note: it did not read the document");
            }
            fs.stream().filter(f -> !f.level().equals("note") && !f.level().equals("none") && !ALLOWED.contains(f.rule()))
                    .forEach(f -> p.add(f.toString()));
            if (!p.isEmpty()) {
                bad.put(name, p);
            }
        });
        return bad;
    }

    @Test
    void everySarifDocumentPassesTheSchemaTheSpecificationAndGithubsRules(@TempDir Path dir) throws Exception {
        Path tool = tool();
        Map<String, String> docs = documents();
        Map<String, List<Finding>> found = validate(tool, docs, dir);
        Map<String, List<String>> bad = problems(found);
        assertTrue(bad.isEmpty(), () -> "SARIF documents the validator finds fault with:\n" + bad);
        // the documents are what their names say: each kind of result is there to be validated
        assertEquals("deadlock", result(docs.get("deadlock")).get("ruleId").asText());
        assertEquals("stuck", result(docs.get("stuck")).get("ruleId").asText());
        assertEquals("lock-order.cycle", result(docs.get("lock-order")).get("ruleId").asText());
        assertEquals("expectation", result(docs.get("expectation-lost")).get("ruleId").asText());
        assertEquals("incomplete", result(docs.get("incomplete")).get("ruleId").asText());
        assertEquals("model-error", result(docs.get("model-error")).get("ruleId").asText());
        assertTrue(MAPPER.readTree(docs.get("mutate-survivors")).get("runs").get(0).get("results").size() > 0, "mutants as results");
        assertTrue(MAPPER.readTree(docs.get("holds-with-notes")).get("runs").get(0).has("invocations"), "tool notifications");
    }

    private static JsonNode result(String doc) throws IOException {
        return MAPPER.readTree(doc).get("runs").get(0).get("results").get(0);
    }

    /**
     * The harness fails where it should: broken copies of the deadlock document draw the schema's and
     * GitHub's errors, and one the validator cannot deserialise draws the "reported nothing" failure.
     */
    @Test
    void theValidatorCatchesBrokenDocuments(@TempDir Path dir) throws Exception {
        Path tool = tool();
        String good = sarif(2, "check", "fuse-writeback-memcg", "--variant", "legacy-no-flag");
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("good", good);
        ObjectNode zeroLine = (ObjectNode) MAPPER.readTree(good);
        ((ObjectNode) zeroLine.at("/runs/0/results/0/locations/0/physicalLocation/region")).put("startLine", 0);
        docs.put("zero-line", MAPPER.writeValueAsString(zeroLine));
        ObjectNode noText = (ObjectNode) MAPPER.readTree(good);
        ObjectNode first = (ObjectNode) noText.at("/runs/0/results/0");
        first.remove("locations");
        first.putObject("message").put("id", "nowhere");
        docs.put("no-location", MAPPER.writeValueAsString(noText));
        ObjectNode badLevel = (ObjectNode) MAPPER.readTree(good);
        ((ObjectNode) badLevel.at("/runs/0/results/0")).put("level", "fatal");
        docs.put("bad-level", MAPPER.writeValueAsString(badLevel));
        Map<String, List<String>> bad = problems(validate(tool, docs, dir));
        assertEquals(List.of("zero-line", "no-location", "bad-level"), new ArrayList<>(bad.keySet()), bad::toString);
        assertTrue(bad.get("zero-line").stream().anyMatch(s -> s.startsWith("error JSON1008")), bad::toString);
        assertTrue(bad.get("no-location").stream().anyMatch(s -> s.startsWith("error GH")), bad::toString);
        assertEquals(List.of("the validator reported nothing, not even a note: it did not read the document"), bad.get("bad-level"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
