package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.migcheck.checker.cli.Main;
import org.junit.jupiter.api.Test;

/**
 * {@code --compress} on the command line: the same report as without it but for the store line; the
 * report names the store mode and its bytes per state; combinations it does not support are usage errors.
 */
class CompressOptionTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    private static String untimed(String report) {
        return report.replaceAll("[0-9.]+ s\\b", "T s").replaceAll("[0-9]+ states/s", "R states/s")
                .replaceAll("visited set (packed|tree), [0-9.]+ bytes per state", "visited set S");
    }

    @Test
    void compressedChecksPrintTheSameReportAndNameTheirStore() {
        for (String[] knobs : new String[][] {{"n=4"}, {"n=5", "ordered=true"}}) {
            String[] plainArgs = knobs.length == 1 ? new String[] {"check", "philosophers", "--set", knobs[0], "--quiet-progress"}
                    : new String[] {"check", "philosophers", "--set", knobs[0], "--set", knobs[1], "--quiet-progress"};
            String[] plain = run(plainArgs);
            String[] compressedArgs = java.util.Arrays.copyOf(plainArgs, plainArgs.length + 1);
            compressedArgs[plainArgs.length] = "--compress";
            String[] tree = run(compressedArgs);
            assertEquals(plain[0], tree[0], tree[1] + tree[2]);
            assertEquals(untimed(plain[1]), untimed(tree[1]));
            assertTrue(plain[1].contains("visited set packed, "), plain[1]);
            assertTrue(tree[1].contains("visited set tree, "), tree[1]);
        }
    }

    @Test
    void theJsonReportCarriesTheStoreModeAndBytesPerState() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (boolean compress : new boolean[] {false, true}) {
            String[] r = compress ? run("check", "philosophers", "--set", "n=5", "--set", "ordered=true", "--format", "json", "--compress")
                    : run("check", "philosophers", "--set", "n=5", "--set", "ordered=true", "--format", "json");
            assertEquals("0", r[0], r[2]);
            JsonNode stats = json.readTree(r[1]).get("stats");
            assertEquals(compress ? "tree" : "packed", stats.get("store").asText());
            long distinct = stats.get("distinct").asLong();
            long bytes = stats.get("storeBytes").asLong();
            assertTrue(bytes > 0, r[1]);
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
            String[] r = run(args);
            assertEquals("64", r[0], String.join(" ", args) + ": " + r[2]);
            String first = r[2].lines().findFirst().orElse("");
            assertTrue(first.contains("--compress"), String.join(" ", args) + ": " + r[2]);
            assertTrue(!r[2].contains("Exception") && !r[2].contains("\tat "), r[2]);
        }
    }
}
