package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.testing.CliRun;

/**
 * {@code --compress} on the command line: the same report as without it but for the store line; the
 * report names the store mode and its bytes per state; combinations it does not support are usage errors.
 */
class CompressOptionTest {

    private static String untimed(String report) {
        return report.replaceAll("[0-9.]+ s\\b", "T s").replaceAll("[0-9]+ states/s", "R states/s")
                .replaceAll("visited set (packed|tree), [0-9.]+ bytes per state", "visited set S");
    }

    @Test
    void compressedChecksPrintTheSameReportAndNameTheirStore() {
        for (String[] knobs : new String[][] {{"n=4"}, {"n=5", "ordered=true"}}) {
            String[] plainArgs = knobs.length == 1 ? new String[] {"check", "philosophers", "--set", knobs[0], "--quiet-progress"}
                    : new String[] {"check", "philosophers", "--set", knobs[0], "--set", knobs[1], "--quiet-progress"};
            CliRun plain = CliRun.run(plainArgs);
            String[] compressedArgs = java.util.Arrays.copyOf(plainArgs, plainArgs.length + 1);
            compressedArgs[plainArgs.length] = "--compress";
            CliRun tree = CliRun.run(compressedArgs);
            assertEquals(plain.code(), tree.code(), tree.out() + tree.err());
            assertEquals(untimed(plain.out()), untimed(tree.out()));
            assertTrue(plain.out().contains("visited set packed, "), plain.out());
            assertTrue(tree.out().contains("visited set tree, "), tree.out());
        }
    }

    @Test
    void theJsonReportCarriesTheStoreModeAndBytesPerState() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (boolean compress : new boolean[] {false, true}) {
            CliRun r = compress ? CliRun.run("check", "philosophers", "--set", "n=5", "--set", "ordered=true", "--format", "json", "--compress")
                    : CliRun.run("check", "philosophers", "--set", "n=5", "--set", "ordered=true", "--format", "json");
            assertEquals(0, r.code(), r.err());
            JsonNode stats = json.readTree(r.out()).get("stats");
            assertEquals(compress ? "tree" : "packed", stats.get("store").asText());
            long distinct = stats.get("distinct").asLong();
            long bytes = stats.get("storeBytes").asLong();
            assertTrue(bytes > 0, r.out());
            assertEquals((double) bytes / distinct, stats.get("bytesPerState").asDouble(), 1e-9);
        }
    }

    @Test
    void unsupportedCombinationsAreUsageErrors() {
        String[][] cases = {
            {"check", "abba", "--compress", "--strategy", "dfs"},
            {"check", "abba", "--compress", "--strategy", "random"},
            {"check", "abba", "--compress", "--members", "127.0.0.1:5701", "--cluster", "migcheck-0123456789abcdef"},
        };
        for (String[] args : cases) {
            CliRun r = CliRun.run(args);
            assertEquals(64, r.code(), String.join(" ", args) + ": " + r.err());
            String first = r.err().lines().findFirst().orElse("");
            assertTrue(first.contains("--compress"), String.join(" ", args) + ": " + r.err());
            CliTest.assertNoStackTrace(r);
        }
    }
}
