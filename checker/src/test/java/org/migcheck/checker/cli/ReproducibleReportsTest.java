package org.migcheck.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.testing.CliRun;

/**
 * {@code --no-timings}: a report a CI job keeps as a golden file and diffs is the same from run to run and for every
 * worker count (run times were the only parts that differed, in every format but SARIF, and nothing left them out).
 */
class ReproducibleReportsTest {

    private static final Pattern TIME = Pattern.compile("[0-9]+\\.[0-9]+ ?s\\b|states/s|time=\"[1-9]|time=\"0\\.[0-9]*[1-9]");

    @Test
    void reportsWithoutTimingsAreTheSameFromRunToRun() throws Exception {
        List<List<String>> commands = List.of(
                List.of("check", "movable-ops", "--variant", "merged"),
                List.of("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag"),
                List.of("check", "abba-gated"),
                List.of("suite", "counter"));
        for (List<String> cmd : commands) {
            for (String format : List.of("text", "json", "junit", "html")) {
                if (cmd.get(0).equals("suite") && format.equals("html")) {
                    continue; // html is check's
                }
                String first = null;
                for (String workers : List.of("1", "2", "1")) {
                    List<String> args = new ArrayList<>(cmd);
                    args.addAll(List.of("--format", format, "--no-timings"));
                    if (!cmd.get(0).equals("suite")) {
                        args.addAll(List.of("--workers", workers));
                    }
                    CliRun r = CliRun.run(args.toArray(new String[0]));
                    assertTrue(r.code() <= 2, args + ": " + r.err());
                    String what = String.join(" ", args);
                    assertFalse(TIME.matcher(r.out()).find(), what + " prints a time:\n" + r.out());
                    if (first == null) {
                        first = r.out();
                    } else {
                        assertEquals(first, r.out(), what + ": another report than the first run's");
                    }
                }
                if (format.equals("json")) {
                    JsonNode stats = new ObjectMapper().readTree(first).get("stats");
                    if (stats != null) {
                        assertTrue(stats.get("seconds").isNull() && stats.get("statesPerSecond").isNull(), stats.toString());
                        assertTrue(stats.get("distinct").asLong() > 0, stats.toString());
                    }
                }
            }
        }
        // without the option, the times are there (the option, not the report, leaves them out)
        CliRun timed = CliRun.run("check", "abba-gated");
        assertTrue(TIME.matcher(timed.out()).find(), timed.out());
        CliRun json = CliRun.run("check", "abba-gated", "--format", "json");
        assertTrue(new ObjectMapper().readTree(json.out()).get("stats").get("seconds").isNumber(), json.out());
    }

    @Test
    void theCatalogueTableWithoutTimings() {
        CliRun a = CliRun.run("check", "--all", "--no-timings");
        CliRun b = CliRun.run("check", "--all", "--no-timings", "--workers", "1");
        assertEquals(0, a.code(), a.out() + a.err());
        assertEquals(a.out(), b.out());
        assertFalse(TIME.matcher(a.out()).find(), a.out());
        assertTrue(a.out().contains("\ncatalogue checked\n"), a.out());
    }
}
