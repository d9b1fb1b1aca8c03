package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.migcheck.checker.cli.Main;
import org.junit.jupiter.api.Test;

/** {@code --workers}: a bad count is a usage error (exit 64) whose first line names it; every good count gives the same report. */
class WorkersOptionTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    private static String untimed(String report) {
        return report.replaceAll("[0-9.]+ s\\b", "T s").replaceAll("[0-9]+ states/s", "R states/s");
    }

    @Test
    void zeroNegativeAndAbsurdCountsAreUsageErrors() {
        for (String bad : new String[] {"0", "-1", "-64", "100000", "99999999999", "two"}) {
            String[] r = run("check", "abba", "--workers", bad);
            assertEquals("64", r[0], bad + ": " + r[2]);
            String first = r[2].lines().findFirst().orElse("");
            assertTrue(first.contains("--workers") && first.contains(bad), bad + ": " + r[2]);
            assertTrue(!r[2].contains("Exception") && !r[2].contains("\tat "), r[2]);
        }
    }

    @Test
    void everyWorkerCountGivesTheSameReport() {
        String[] one = run("check", "philosophers", "--set", "n=4", "--workers", "1", "--quiet-progress");
        assertEquals("2", one[0], one[1] + one[2]); // circular philosophers deadlock
        for (String w : new String[] {"2", "3", "8"}) {
            String[] r = run("check", "philosophers", "--set", "n=4", "--workers", w, "--quiet-progress");
            assertEquals(one[0], r[0]);
            // only the times differ
            assertEquals(untimed(one[1]), untimed(r[1]), w + " workers");
        }
    }
}
