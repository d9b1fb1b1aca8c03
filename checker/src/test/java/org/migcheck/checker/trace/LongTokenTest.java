package org.migcheck.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.RuleSet;

/**
 * A counterexample whose token is longer than one command-line argument may be (Linux: 128 KiB) is printed for a file,
 * not inside a command the shell refuses ("Argument list too long", a review's 70,001-step counterexample).
 */
class LongTokenTest {
    @Test
    void aTokenTooLongForACommandLineGoesOnItsOwnLineForAFile(@TempDir Path dir) throws Exception {
        CheckResult r = Checker.check(Zoo.abbaModel(false, false), RuleSet.empty(), Options.defaults());
        String shortToken = "abba:default:-:0.1";
        String text = TextRenderer.render("abba", r, null, shortToken);
        assertTrue(text.endsWith("replay: ./migcheck replay abba:default:-:0.1\n"), text);
        // the same report with a token just over the limit (not this check's token: only the layout is looked at here)
        String longToken = "abba:default:-:" + "0.".repeat(TextRenderer.TOKEN_ARGUMENT_LIMIT / 2) + "1";
        String[] lines = TextRenderer.render("abba", r, null, longToken).split("\n");
        String command = lines[lines.length - 2];
        assertTrue(command.startsWith("replay: ./migcheck replay @FILE   (FILE: the token on the next line, without \"token: \"; at 100,016"
                + " characters it is longer than a command line passes as one argument)"), command);
        assertEquals("token: " + longToken, lines[lines.length - 1]);
        // the @FILE form runs: replay reads the token from the file
        Files.writeString(dir.resolve("token.txt"), shortToken + "\n");
        org.migcheck.checker.testing.CliRun replay = org.migcheck.checker.testing.CliRun.run("replay", "@" + dir.resolve("token.txt"));
        assertEquals(2, replay.code(), replay.out());
        assertTrue(replay.out().contains("declared: abba / default expects deadlock: reproduced"), replay.out());
    }
}
