package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.testing.CliRun;

/** {@code --workers}: a bad count is a usage error (exit 64) whose first line names it; every good count gives the same report. */
class WorkersOptionTest {

    private static String untimed(String report) {
        return report.replaceAll("[0-9.]+ s\\b", "T s").replaceAll("[0-9]+ states/s", "R states/s");
    }

    @Test
    void zeroNegativeAndAbsurdCountsAreUsageErrors() {
        for (String bad : new String[] {"0", "-1", "-64", "100000", "99999999999", "two"}) {
            CliRun r = CliRun.run("check", "abba", "--workers", bad);
            assertEquals(64, r.code(), bad + ": " + r.err());
            String first = r.err().lines().findFirst().orElse("");
            assertTrue(first.contains("--workers") && first.contains(bad), bad + ": " + r.err());
            CliTest.assertNoStackTrace(r);
        }
    }

    @Test
    void everyWorkerCountGivesTheSameReport() {
        CliRun one = CliRun.run("check", "philosophers", "--set", "n=4", "--workers", "1", "--quiet-progress");
        assertEquals(2, one.code(), one.out() + one.err()); // circular philosophers deadlock
        for (String w : new String[] {"2", "3", "8"}) {
            CliRun r = CliRun.run("check", "philosophers", "--set", "n=4", "--workers", w, "--quiet-progress");
            assertEquals(one.code(), r.code());
            // only the times differ
            assertEquals(untimed(one.out()), untimed(r.out()), w + " workers");
        }
    }
}
