package org.migcheck.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.testing.CliRun;

/**
 * What a fuzzing review of the command line's input found (about 3,200 runs of mutated replay tokens and option
 * combinations): each input here is a usage error (64) in one line naming what is wrong, not a stack trace, another
 * verdict's exit code or a row measuring another model.
 */
class InputSurfaceTest {
    private static void usage(CliRun r, String says) {
        assertEquals(64, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(says), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    /** An @FILE that is a directory ended in picocli's stack trace and exit 1 (VIOLATED); a missing one was "not a token". */
    @Test
    void anArgumentFileThatCannotBeReadIsNamed(@TempDir Path dir) throws Exception {
        usage(CliRun.run("replay", "@" + dir), "argument file @" + dir + " is a directory");
        usage(CliRun.run("@" + dir), "is a directory");
        usage(CliRun.run("replay", "@" + dir.resolve("none")), "no argument file " + dir.resolve("none") + " can be read");
        // a readable one still works, and @@ is the text itself
        CliRun check = CliRun.run("check", "abba");
        String token = check.out().lines().filter(l -> l.startsWith("replay: ")).findFirst().orElseThrow().replaceAll(".* replay ", "");
        Path file = Files.writeString(dir.resolve("token.txt"), token + "\n");
        assertEquals(2, CliRun.run("replay", "@" + file).code());
        usage(CliRun.run("replay", "@@" + file), "got @" + file + " (an @@ argument is the text itself");
        // an @FILE inside an @FILE (picocli reads those too), and @ alone, which is text
        Path nested = Files.writeString(dir.resolve("nested.txt"), "# a comment\n'@" + dir + "'\n");
        usage(CliRun.run("replay", "@" + nested), "argument file @" + dir + " is a directory (@FILE reads the arguments from a file), named in @" + nested);
        usage(CliRun.run("replay", "@"), "got @");
        // as picocli splits a file: '#' to the end of a line is a comment, quoted text one word
        Path comment = Files.writeString(dir.resolve("comment.args"), "check abba --quiet-progress  # see @" + dir + "\n");
        assertEquals(2, CliRun.run("@" + comment).code());
        Path quoted = Files.writeString(dir.resolve("quoted.args"), "check abba --variant \"default @" + dir + "\"\n");
        usage(CliRun.run("@" + quoted), "scenario abba has no variant default @" + dir);
        // the tokenizer (picocli's and this check's) calls itself once per comment: 200,000 of them ended in exit 70
        Path comments = Files.writeString(dir.resolve("comments.args"), "check abba\n" + "# a comment\n".repeat(200_000));
        usage(CliRun.run("@" + comments), "has more comment lines in a row than the command line's reader takes");
    }

    /**
     * A schedule cut short before a failure that every future of a thread reaches: the stuck-thread analysis of replay
     * read the failing transitions and the deadlocked states as ends a thread could never leave, and reported a STUCK
     * livelock (exit 3) that no check reports (a check reports STUCK only where no failure is reachable).
     */
    @Test
    void aScheduleCutShortBeforeItsFailureIsNoStuckThread() {
        CliRun check = CliRun.run("check", "truncate-writeback", "--variant", "activate-ignored");
        assertEquals(2, check.code(), check.out());
        String token = check.out().lines().filter(l -> l.startsWith("replay: ")).findFirst().orElseThrow().replaceAll(".* replay ", "");
        String[] steps = token.substring(token.lastIndexOf(':') + 1).split("\\.");
        String knobsPart = token.substring(0, token.lastIndexOf(':') + 1);
        assertEquals(2, CliRun.run("replay", token).code());
        for (int cut = 0; cut < steps.length; cut++) {
            String prefix = knobsPart + (cut == 0 ? "-" : String.join(".", java.util.Arrays.copyOf(steps, cut)));
            CliRun r = CliRun.run("replay", prefix);
            assertEquals(64, r.code(), cut + " steps: " + r.out() + r.err());
        }
        usage(CliRun.run("replay", knobsPart + "-"), "a failure still follows the last state (deadlock");
        usage(CliRun.run("replay", "--mutant", "no-wait t1: mutex_lock #1", "abba-ordered:default:-:1.0"), "a failure still follows");
    }

    /** An alternative of 2^24 or more wrapped round in the label: 0/16777216 replayed as 0/0 and reproduced ABBA's deadlock. */
    @Test
    void anAlternativeALabelCannotHoldIsRefused() {
        usage(CliRun.run("replay", "abba:default:-:0/16777216.1"), "names alternative 16777216: no step has more than 16777216");
        usage(CliRun.run("replay", "abba:default:-:0/2147483647.1"), "names alternative 2147483647");
        usage(CliRun.run("replay", "abba:default:-:0/16777215.1"), "has no alternative 16777215");
    }

    /** A long malformed token is named by its start and its length, not echoed whole (700 KB on one line). */
    @Test
    void aLongBadTokenIsShortenedInItsError() {
        String junk = "x".repeat(100_000);
        CliRun r = CliRun.run("replay", junk);
        usage(r, "got " + "x".repeat(200) + "... (100000 characters)");
        assertTrue(r.err().length() < 1_000, r.err().length() + " characters");
        usage(CliRun.run("replay", "abba:default:-:0." + junk), "'" + "x".repeat(200) + "... (100000 characters)' is not THREAD");
    }

    /**
     * A token naming a knob, value or variant the scenario does not have says it may come from an earlier version (a
     * CI job's stored token after a knob was renamed read as a typing mistake only); a malformed token does not.
     */
    @Test
    void aTokenNamingWhatTheScenarioLacksMayComeFromAnEarlierVersion() {
        String hint = " (a mistyped or edited token, or a token printed by an earlier version whose scenario has changed since:"
                + " migcheck list shows its variants and knobs)";
        usage(CliRun.run("replay", "fuse-writeback-memcg:legacy-no-flag:memcg=v1,oldKnob=1:0.1.1"), "has no knob oldKnob; knobs: [");
        assertTrue(CliRun.run("replay", "fuse-writeback-memcg:legacy-no-flag:memcg=v1,oldKnob=1:0.1.1").err().contains("mutant]" + hint));
        usage(CliRun.run("replay", "fuse-writeback-memcg:legacy-no-flag:memcg=v3:0.1.1"), "takes [v1, v2], not v3" + hint);
        usage(CliRun.run("replay", "abba:gone:-:0"), "scenario abba has no variant gone; variants: default" + hint);
        usage(CliRun.run("replay", "philosophers:ordered:ordered=false:0"), "knobs changed: ordered=false (variant ordered has true)" + hint);
        usage(CliRun.run("replay", "renamed:default:-:0"), "replay token names unknown scenario renamed (a user's scenario needs --classpath"
                + " JARS_OR_DIRS before replay) (or a token printed by an earlier version, which had a scenario of this name: migcheck"
                + " list shows today's)");
        CliRun shape = CliRun.run("replay", "abba:default");
        usage(shape, "replay token must be SCENARIO:VARIANT:KNOBS:SCHEDULE");
        assertFalse(shape.err().contains("earlier version"), shape.err());
    }

    /** An argument echoed in an error is cut in the middle when the line would be long (a 5,000-character variant name). */
    @Test
    void aLongArgumentInAnErrorIsCut() {
        CliRun r = CliRun.run("replay", "abba:" + "v".repeat(5_000) + ":-:0");
        usage(r, "scenario abba has no variant vvv");
        assertTrue(r.err().contains(" characters ...] ") && r.err().length() < 2_000, r.err().length() + " characters");
        assertTrue(r.err().strip().split("\n")[0].endsWith("variants: default (a mistyped or edited token, or a token printed by an"
                + " earlier version whose scenario has changed since: migcheck list shows its variants and knobs)"), r.err());
    }

    /** Size knobs stay free under a variant that sets one (truncate-writeback's kernel-sync-all sets folios=2): check and bench. */
    @Test
    void aSizeKnobAVariantSetsStaysFree() {
        CliRun r = CliRun.run("check", "truncate-writeback", "--variant", "kernel-sync-all", "--set", "folios=3", "--quiet-progress");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("truncate-writeback / kernel-sync-all (folios=3): HOLDS"), r.out());
        String token = r.out().lines().filter(l -> l.startsWith("replay: ")).findFirst().map(l -> l.replaceAll(".* replay ", "")).orElse(null);
        CliRun replay = token == null ? null : CliRun.run("replay", token);
        assertTrue(replay == null || replay.code() != 64, String.valueOf(replay));
        // but not one that alone tells the variant from another: oom-alloc-before-lock at oomFolios=2 is oom-batch-no-reaper
        usage(CliRun.run("check", "source-locked-alloc", "--variant", "oom-alloc-before-lock", "--set", "oomFolios=2"),
                "--set oomFolios=2 contradicts --variant oom-alloc-before-lock, which leaves oomFolios at its default 1");
        usage(CliRun.run("check", "source-locked-alloc", "--variant", "oom-batch-no-reaper", "--set", "oomFolios=1"),
                "which sets oomFolios=2");
    }

    /** A benchmark model names its variant's model: a knob the variant stands for kept, no knob twice, no empty setting. */
    @Test
    void aBenchmarkModelIsItsVariantsModel() {
        usage(CliRun.run("bench", "--speedup", "movable-ops/merged:getRef=plain,compactors=1", "--workers", "2", "--repeat", "1"),
                "getRef=plain contradicts variant merged, which stands for the default getRef=try_get");
        usage(CliRun.run("bench", "--speedup", "movable-ops/merged:compactors=1,compactors=2", "--workers", "2", "--repeat", "1"),
                "knob compactors is set twice");
        usage(CliRun.run("bench", "--speedup", "movable-ops/merged:compactors=1,", "--workers", "2", "--repeat", "1"),
                "expected knob=value, got ''");
    }

    /** replay under --skip-rule or --rule says so, as check's report does (it ended otherwise than declared without a word). */
    @Test
    void aReplayWithNarrowedRulesSaysSo() {
        CliRun any = CliRun.run("check", "movable-ops", "--variant", "deflate-sleeping-lock");
        assertEquals(1, any.code(), any.out());
        String token = any.out().lines().filter(l -> l.startsWith("replay: ")).findFirst().orElseThrow().replaceAll(".* replay ", "");
        CliRun skipped = CliRun.run("--skip-rule", "atomic.sleep", "replay", token);
        assertTrue(skipped.out().contains("note: the rules left out with --skip-rule were not checked (atomic.sleep)"),
                skipped.out() + skipped.err());
        CliRun chosen = CliRun.run("--rule", "atomic.sleep", "replay", token);
        assertEquals(1, chosen.code(), chosen.out() + chosen.err());
        assertTrue(chosen.out().contains("note: only the rules chosen with --rule were checked (atomic.sleep)"), chosen.out());
        assertFalse(CliRun.run("replay", token).out().contains("note: "));
        // a STUCK token of a check without one rule, replayed with every rule, ends before that rule's failure: the option is named
        CliRun stuck = CliRun.run("--skip-rule", "atomic.sleep", "check", "movable-ops", "--variant", "deflate-sleeping-lock");
        String stuckToken = stuck.out().lines().filter(l -> l.startsWith("replay: ")).findFirst().orElseThrow().replaceAll(".* replay ", "");
        assertTrue(stuck.out().lines().anyMatch(l -> l.startsWith("replay: ") && l.contains("--skip-rule atomic.sleep replay")), stuck.out());
        CliRun without = CliRun.run("replay", stuckToken);
        assertTrue(without.code() == 64 ? without.err().contains("replayed without the same option") : without.code() == 2, without.out() + without.err());
    }

    /** list prints a plugin's title, reference and rule text as one line each, with no escape sequence passed on. */
    @Test
    void listPrintsAPluginsTextAsOneLine() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        ListCmd.print(out, 120, "probe   title\u001b[2J\u0007\nFORGED LINE\r\u202eX");
        String printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("probe   title [2J FORGED LINE ?X" + System.lineSeparator(), printed);
    }
}
