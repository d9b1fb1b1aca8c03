package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGINT (Ctrl-C) and SIGTERM (a CI job's timeout) stop a check as a budget does: the report is written, in the format
 * asked, INCOMPLETE with what was explored, and the exit code is the report's (a review found 0 bytes of JSON and
 * exit 143). The command runs in a JVM of its own, signalled once its search has started.
 */
class SignalTest {

    /** A command line in a JVM of its own, its standard output as read so far, and the rest read in the background. */
    private record Run(Process process, StringBuilder read, CompletableFuture<String> rest) {
        /** Everything it printed, once it ended (it must, within a minute of the signal). */
        String output() throws Exception {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the interrupted command did not end");
            return read + rest.get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Starts the command line with {@code args} and returns once a line starting with {@code startsWith} appeared on
     * standard error (progress lines) or, with {@code onOut}, on standard output (check --all's table).
     */
    private static Run started(List<String> args, boolean onOut, String startsWith) throws Exception {
        Process p = ClusterProcessTest.migcheck("-Xmx1g", args);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        BufferedReader watched = onOut ? out : err;
        StringBuilder read = new StringBuilder();
        String line;
        while ((line = watched.readLine()) != null) {
            if (onOut) {
                read.append(line).append('\n');
            }
            if (line.startsWith(startsWith)) {
                // the rest of both streams is read on, so that the process never blocks on a full pipe
                CompletableFuture.runAsync(() -> err.lines().forEach(l -> { }));
                CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                    StringBuilder b = new StringBuilder();
                    out.lines().forEach(l -> b.append(l).append('\n'));
                    return b.toString();
                });
                return new Run(p, read, rest);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the command ended before its search started: " + read);
    }

    @Test
    void sigtermWritesTheJsonReportIncomplete() throws Exception {
        Run r = started(List.of("check", "philosophers", "--set", "n=12", "--set", "ordered=true", "--format", "json"), false, "progress ");
        // SIGTERM, by kill (Process.destroy would close this side's pipes too)
        new ProcessBuilder("kill", "-TERM", Long.toString(r.process().pid())).start().waitFor();
        String out = r.output();
        assertEquals(4, r.process().exitValue(), out);
        JsonNode json = new ObjectMapper().readTree(out);
        assertEquals("incomplete", json.get("verdict").asText(), out);
        assertEquals("an interrupt (SIGINT or SIGTERM)", json.get("limit").asText(), out);
        assertTrue(json.get("stats").get("distinct").asLong() > 1000, out);
    }

    @Test
    void sigintStopsCheckAllWithItsTableAndSummary() throws Exception {
        // the first row of the table: the interrupt comes while the catalogue is being checked
        Run r = started(List.of("check", "--all"), true, "counter ");
        new ProcessBuilder("kill", "-INT", Long.toString(r.process().pid())).start().waitFor();
        String out = r.output();
        assertEquals(10, r.process().exitValue(), out);
        assertTrue(out.contains("stopped by an interrupt (SIGINT or SIGTERM) (INCOMPLETE: no verdict), counted as failed below"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\d+ passed, \\d+ failed")), out);
        // the checks the interrupt stopped are rows, not a full report each
        assertFalse(out.contains("INCOMPLETE: an interrupt (SIGINT or SIGTERM); nothing is claimed"), out);
    }

    /**
     * After a signal, a suite or check --all builds nothing more: each combination not begun is INCOMPLETE at once (a
     * suite of 12,960 combinations built every one after the signal and ran out of the report's 20 s).
     */
    @Test
    void nothingIsBuiltAfterTheSignal() {
        org.migcheck.model.scenarios.Scenario never = org.migcheck.model.scenarios.BaseScenario.builder("never-built").title("t")
                .reference("test").model(k -> {
                    throw new AssertionError("built after the signal");
                }).variant("v", java.util.Map.of(), org.migcheck.model.scenarios.Expect.holds(), "").build();
        try {
            org.migcheck.checker.engine.Budget.stopAll("a test's interrupt");
            ScenarioRunner.Outcome o = ScenarioRunner.run(never, "v", java.util.Map.of(), org.migcheck.properties.RuleSet.empty(),
                    Options.defaults());
            assertEquals(Verdict.INCOMPLETE, o.result().verdict());
            assertEquals("a test's interrupt", o.result().limit());
        } finally {
            org.migcheck.checker.engine.Budget.stopAll(null); // (this JVM runs other tests after this one)
        }
    }

    /** A user's scenario whose one step never returns (nor heeds an interrupt): a check of it stops at no budget. */
    public static final class ForeverPlugin extends org.migcheck.model.scenarios.DelegatingScenario {
        public ForeverPlugin() {
            super(org.migcheck.model.scenarios.BaseScenario.builder("forever")
                    .title("a step that never returns").reference("test plugin")
                    .model(k -> {
                        org.migcheck.model.lang.Model.Builder b = org.migcheck.model.lang.Model.builder("forever");
                        org.migcheck.model.lang.Var f = b.flag("f", false);
                        b.thread("t", x -> x.step(org.migcheck.model.lang.Step.named("spin").does(e -> {
                            long n = 0;
                            while (n >= 0) {
                                n = n + 1 > 0 ? n + 1 : 0;
                            }
                            e.set(f, true);
                        }).build()));
                        return b.build();
                    })
                    .variant("v", java.util.Map.of(), org.migcheck.model.scenarios.Expect.holds(), "never ends").build());
        }
    }

    /**
     * A check whose model code never returns cannot stop at a signal: after the grace, the process writes the check's
     * document, INCOMPLETE, saying that the signal was not heeded (it said "not checked: an interrupt came before this
     * check began", the check having begun: nothing is built after a signal, and the document was built that way).
     */
    @Test
    void aCheckThatDoesNotStopGivesItsDocumentAfterTheGrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path services = dir.resolve("META-INF/services/" + org.migcheck.model.scenarios.Scenario.class.getName());
        java.nio.file.Files.createDirectories(services.getParent());
        java.nio.file.Files.writeString(services, ForeverPlugin.class.getName() + "\n");
        Run r = started(List.of("--classpath", dir.toString(), "check", "forever", "--format", "json"), false, "start ");
        Thread.sleep(500); // into the step that never returns
        long signalled = System.nanoTime();
        new ProcessBuilder("kill", "-TERM", Long.toString(r.process().pid())).start().waitFor();
        String out = r.output();
        double took = (System.nanoTime() - signalled) / 1e9;
        assertEquals(4, r.process().exitValue(), out);
        assertTrue(took >= 19 && took < 40, "ended " + took + " s after the signal");
        JsonNode json = new ObjectMapper().readTree(out);
        assertEquals("incomplete", json.get("verdict").asText(), out);
        assertTrue(json.get("message").asText().contains("did not stop within 20 s"), out);
        assertEquals("an interrupt (SIGINT or SIGTERM), not heeded by model or rule code that does not return", json.get("limit").asText(), out);
    }

    /**
     * Two signals in quick succession on a check that stops at the first: one JSON document, never two nor none (a
     * second signal that ended the process at once, tried and withdrawn, wrote its document while the command wrote
     * its own, or dropped the command's and ended before writing its own).
     */
    @Test
    void twoSignalsGiveOneDocument() throws Exception {
        for (int gapMillis : new int[] {0, 50, 200}) {
            Run r = started(List.of("check", "philosophers", "--set", "n=12", "--set", "ordered=true", "--format", "json"), false,
                    "progress ");
            long pid = r.process().pid();
            new ProcessBuilder("kill", "-TERM", Long.toString(pid)).start().waitFor();
            Thread.sleep(gapMillis);
            new ProcessBuilder("kill", "-TERM", Long.toString(pid)).start().waitFor();
            String out = r.output();
            assertEquals(4, r.process().exitValue(), out);
            int documents = 0;
            try (com.fasterxml.jackson.databind.MappingIterator<JsonNode> it = new ObjectMapper().readerFor(JsonNode.class).readValues(out)) {
                while (it.hasNext()) {
                    assertEquals("incomplete", it.next().get("verdict").asText(), out);
                    documents++;
                }
            }
            assertEquals(1, documents, "gap " + gapMillis + " ms:\n" + out);
        }
    }
}
