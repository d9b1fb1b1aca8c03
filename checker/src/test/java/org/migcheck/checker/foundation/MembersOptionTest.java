package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.cli.Main;

/**
 * Mistakes in a spread check's arguments are usage errors naming the mistake, found before any member is asked (a
 * review saw a bad knob reported, 10 s later, as a member that did not join; a host:port with two colons and an
 * unknown host waited for a connection too). No member is running here: reaching one would fail differently.
 */
class MembersOptionTest {
    private static final String CLUSTER = "migcheck-test-0123456789abcdef";

    private static String usageError(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(64, code, text);
        assertFalse(text.contains("not joined"), "asked a member first: " + text);
        return text;
    }

    @Test
    void scenarioMistakesAreFoundBeforeConnecting() {
        String member = "127.0.0.1:1";
        assertTrue(usageError("check", "philosophers", "--set", "nosuch=1", "--members", member, "--cluster", CLUSTER)
                .contains("scenario philosophers has no knob nosuch"));
        assertTrue(usageError("check", "philosophers", "--variant", "nope", "--members", member, "--cluster", CLUSTER)
                .contains("scenario philosophers has no variant nope"));
        assertTrue(usageError("check", "philosophers", "--set", "n=99", "--members", member, "--cluster", CLUSTER)
                .contains("n"));
        assertTrue(usageError("check", "--all", "--format", "html", "--members", member, "--cluster", CLUSTER)
                .contains("--format html is not written by migcheck check --all"));
        assertTrue(usageError("check", "counter", "--bounds", "2", "--members", member, "--cluster", CLUSTER)
                .contains("--bounds"));
    }

    @Test
    void addressMistakesAreNamed() {
        assertTrue(usageError("check", "abba", "--members", "127.0.0.1:47101:5", "--cluster", CLUSTER)
                .contains("--members 127.0.0.1:47101:5: expected HOST:PORT"));
        assertTrue(usageError("check", "abba", "--members", "nosuchhost.invalid:47101", "--cluster", CLUSTER)
                .contains("--members nosuchhost.invalid:47101: unknown host nosuchhost.invalid"));
    }
}
