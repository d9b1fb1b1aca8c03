package org.migcheck.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.checker.testing.CliRun.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.testing.CliRun;

/**
 * What a patch reviewer reads in a report (a review's findings): call paths that tell steps of one label apart, a
 * lock-order report whose every path replays and whose splat lists the locks held, a title that names the knobs moved
 * off the variant's, and a depth-first counterexample that does not pass for a shortest one.
 */
class TraceReadingTest {

    /**
     * cancel-revoke-migrate's mkdir looks bh0 up twice through the same functions, first for sb_getblk, then (under the
     * buffer lock, the inversion) for jbd2_journal_cancel_revoke: with --call-stacks each lookup says which.
     */
    @Test
    void callStacksTellTheTwoLookupsApart() {
        CliRun r = run("check", "bdev-jbd2", "--variant", "cancel-revoke-migrate", "--call-stacks", "--width", "200");
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        int first = indexOf(lines, "in __find_get_block_nonatomic <- sb_getblk <- mkdir", 0);
        int second = indexOf(lines, "in __find_get_block_nonatomic <- jbd2_journal_cancel_revoke <- mkdir", 0);
        assertTrue(first >= 0 && second > first, r.out());
        // under the step it belongs to: sb_getblk's path under step 1, the cancel's under step 11 (its missed bh LRU)
        assertTrue(lines.get(first - 1).matches("\\s*1\\s+mkdir\\s+lookup_bh_lru\\(bh0\\).*"), lines.get(first - 1));
        assertTrue(lines.get(second - 1).matches("\\s*11\\s+mkdir\\s+lookup_bh_lru\\(bh0, miss.*"), lines.get(second - 1));
        // a path is printed where it changes, not under every step: step 2's (the slow path) is new, step 3's is not
        int slow = indexOf(lines, "in __find_get_block_slow <- __find_get_block_nonatomic <- sb_getblk <- mkdir", 0);
        assertTrue(slow > first && lines.get(slow - 1).matches("\\s*2\\s+mkdir\\s+__filemap_get_folio.*"), r.out());
        assertTrue(lines.get(slow + 2).matches("\\s*3\\s+mkdir\\s+folio_lock\\(F\\)"), lines.get(slow + 2));
        // and the way back to the thread's own body: step 10's lock_buffer is mkdir's own
        int back = indexOf(lines, "in mkdir", 0);
        assertTrue(back > 0 && lines.get(back - 1).matches("\\s*10\\s+mkdir\\s+lock_buffer\\(bh0.BH_Lock\\)"), r.out());
        // without the option the table has no path lines at all
        CliRun plain = run("check", "bdev-jbd2", "--variant", "cancel-revoke-migrate", "--width", "200");
        assertFalse(plain.out().contains("<- sb_getblk <- mkdir"), plain.out());
        // and it lays out text only: JSON and HTML have every step's path already
        for (String f : new String[] {"json", "html", "junit", "sarif"}) {
            CliRun bad = run("check", "bdev-jbd2", "--variant", "cancel-revoke-migrate", "--call-stacks", "--format", f);
            assertEquals(64, bad.code(), f + ": " + bad.out());
            assertTrue(bad.err().contains("--call-stacks lays out text traces"), bad.err());
        }
        CliRun suite = run("suite", "counter", "--call-stacks", "--format", "json");
        assertEquals(64, suite.code(), suite.err());
    }

    /** replay takes the option too: the same path lines as check prints for the token's trace. */
    @Test
    void replayPrintsTheSameCallPaths() {
        CliRun r = run("check", "bdev-jbd2", "--variant", "cancel-revoke-migrate", "--call-stacks", "--width", "200");
        Matcher m = Pattern.compile("replay: \\./migcheck replay (\\S+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        CliRun again = run("replay", m.group(1), "--call-stacks", "--width", "200");
        assertEquals(1, again.code(), again.err());
        assertTrue(again.out().contains("in __find_get_block_slow <- __find_get_block_nonatomic <- jbd2_journal_cancel_revoke <- mkdir"),
                again.out());
    }

    /**
     * abba-gated: both paths print a replay line, and each replays on its own to the cycle; the splat lists the locks
     * the acquiring task holds, the gate G among them (why no deadlock is reachable here), in the order taken.
     */
    @Test
    void everyLockOrderPathReplaysAndTheSplatListsTheHeldLocks() throws Exception {
        CliRun r = run("check", "abba-gated", "--width", "200");
        assertEquals(1, r.code(), r.err());
        Matcher m = Pattern.compile("replay path (\\d): \\./migcheck replay (\\S+)").matcher(r.out());
        List<String> tokens = new ArrayList<>();
        while (m.find()) {
            assertEquals(tokens.size() + 1, Integer.parseInt(m.group(1)));
            tokens.add(m.group(2));
        }
        assertEquals(2, tokens.size(), r.out());
        assertFalse(tokens.get(0).equals(tokens.get(1)));
        for (String t : tokens) {
            CliRun again = run("replay", t);
            assertEquals(1, again.code(), t + ": " + again.out() + again.err());
            assertTrue(again.out().contains("ends in: VIOLATED lock-order.cycle"), again.out());
        }
        assertTrue(r.out().contains("""
                  2 locks held by t2:
                   #0: (G), at: mutex_lock(G) [path 2 step 1]
                   #1: (B), at: mutex_lock(B) [path 2 step 2]
                """), r.out());
        JsonNode json = new ObjectMapper().readTree(run("check", "abba-gated", "--format", "json").out());
        assertEquals(2, json.get("paths").size());
        for (int i = 0; i < 2; i++) {
            assertEquals(tokens.get(i), json.get("paths").get(i).get("replay").asText());
        }
        // each path's whole command line repeats the options replay needs, as the report's own replayCommand does
        JsonNode skipping = new ObjectMapper().readTree(run("--skip-rule", "lock-order.hierarchy", "check", "abba-gated", "--format", "json").out());
        for (int i = 0; i < 2; i++) {
            assertEquals("./migcheck --skip-rule lock-order.hierarchy replay " + tokens.get(i),
                    skipping.get("paths").get(i).get("replayCommand").asText(), skipping.toString());
        }
    }

    /** A failure of a larger model says so in its first line; the variant's own settings are not repeated there. */
    @Test
    void theTitleNamesTheKnobsSetAwayFromTheVariant() {
        CliRun moved = run("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--set", "folios=2", "--quiet-progress");
        assertEquals(2, moved.code(), moved.err());
        assertTrue(moved.out().startsWith("fuse-writeback-memcg / legacy-no-flag (folios=2): DEADLOCK"), moved.out());
        CliRun own = run("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--quiet-progress");
        assertTrue(own.out().startsWith("fuse-writeback-memcg / legacy-no-flag: DEADLOCK"), own.out());
        // a value the variant sets itself, given again, moves nothing
        CliRun same = run("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--set", "memcg=v1", "--quiet-progress");
        assertTrue(same.out().startsWith("fuse-writeback-memcg / legacy-no-flag: DEADLOCK"), same.out());
    }

    /** Breadth-first counterexamples are shortest; a depth-first one is real but says it may not be. */
    @Test
    void aDepthFirstCounterexampleDoesNotPassForAShortestOne() {
        CliRun dfs = run("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--strategy", "dfs", "--width", "400");
        assertEquals(2, dfs.code(), dfs.err());
        assertTrue(dfs.out().contains("note: depth-first search: the counterexample is a real path but not necessarily a shortest one"),
                dfs.out());
        CliRun bfs = run("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--width", "400");
        assertFalse(bfs.out().contains("not necessarily a shortest one"), bfs.out());
        CliRun random = run("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--strategy", "random", "--walks", "200",
                "--width", "400");
        assertEquals(2, random.code(), random.out() + random.err());
        assertTrue(random.out().contains("shrunk by delta debugging, not necessarily a shortest one"), random.out());
    }

    /** replay prints the locks held at the end as check does ("S1.locked held by M1 since step 1 (...)"). */
    @Test
    void replayListsTheLocksHeldAsCheckDoes() {
        CliRun r = run("check", "source-locked-alloc", "--variant", "two-migrators-abba", "--width", "300", "--quiet-progress");
        assertEquals(2, r.code(), r.err());
        List<String> held = r.out().lines().filter(l -> l.matches("  \\S+ held by \\S+ since step \\d+ .*")).toList();
        assertEquals(2, held.size(), r.out());
        Matcher m = Pattern.compile("replay: \\./migcheck replay (\\S+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        CliRun again = run("replay", m.group(1), "--width", "300");
        assertEquals(2, again.code(), again.err());
        for (String line : held) {
            assertTrue(again.out().lines().anyMatch(line::equals), line + " not in\n" + again.out());
        }
    }

    /** A kernel scenario's report names the page that states its simplifications; a zoo model has none to name. */
    @Test
    void aKernelReportNamesItsScenarioPage() {
        CliRun r = run("check", "truncate-writeback", "--variant", "kernel", "--width", "300", "--quiet-progress");
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("\n  model: (docs/scenarios/[a-z0-9-]+\\.md) \\(what it simplifies").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of("..").resolve(m.group(1))), m.group(1));
        CliRun html = run("check", "truncate-writeback", "--variant", "kernel", "--format", "html");
        assertTrue(html.out().contains("model: " + m.group(1)), html.out());
        assertFalse(run("check", "abba", "--quiet-progress").out().contains("\n  model: "));
    }

    private static int indexOf(List<String> lines, String text, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(text)) {
                return i;
            }
        }
        return -1;
    }
}
