package org.migcheck.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.checker.testing.CliRun.run;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.Replayer;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.testing.CliRun;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.properties.KernelRules;

/**
 * {@code replay --against V}: a counterexample of one variant replayed on another (the fix), as a patch reviewer asks
 * "where does the fix cut this interleaving off?". The expectations come from the models' code read by hand: ordered
 * philosophers' last one takes fork0 first, atomic increments are one step each, balloon deflate's sleeping lock is
 * the step atomic.sleep names, and memcg v2's shrink_folio_list sets PG_reclaim where v1 tests it and waits.
 */
class ReplayAgainstTest {

    /** Text with wrapped lines joined (a continuation line's indent read as one space). */
    private static String flat(String out) {
        return out.replaceAll("\n +(?![0-9#])", " ");
    }

    private static String token(String... check) {
        CliRun r = run(check);
        Matcher m = Pattern.compile("replay: \\./migcheck replay (\\S+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        return m.group(1);
    }

    /** Circular philosophers (n=3): each takes its left fork; under ordered phil2 wants fork0 first, which phil0 holds. */
    @Test
    void orderedPhilosophersBlockTheThirdStep() {
        String t = token("check", "philosophers", "--variant", "circular");
        CliRun r = run("replay", "--against", "ordered", t, "--width", "200");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("replay of philosophers / circular (3 steps) on philosophers / ordered\n"), r.out());
        assertTrue(r.out().contains("knobs: ordered=true (the token's false)"), r.out());
        assertTrue(r.out().contains("first difference: step 3 (phil2)"), r.out());
        assertTrue(r.out().contains("on ordered: (no step 3: the schedule stopped before it)"), r.out());
        assertTrue(r.out().contains("stops after 2 of 3 steps: step 3 (mutex_lock(fork2) on circular) cannot run on ordered: phil2 is"
                + " blocked in mutex_lock(fork0): waits for fork0 held by phil0"), r.out());
        assertTrue(r.out().contains("on circular this schedule ends in deadlock; on ordered in no failure (ordered declared: holds)"), r.out());
        // a size set beside the token's variant stays: the n=4 counterexample is replayed on ordered at n=4
        String four = token("check", "philosophers", "--variant", "circular", "--set", "n=4");
        CliRun r4 = run("replay", "--against", "ordered", four, "--width", "200");
        assertEquals(0, r4.code(), r4.out() + r4.err());
        assertTrue(r4.out().startsWith("replay of philosophers / circular (n=4) (4 steps) on philosophers / ordered (n=4)\n"), r4.out());
        assertTrue(r4.out().contains("phil3 is blocked in mutex_lock(fork0)"), r4.out());
    }

    /** An atomic increment is one step: the racy schedule's first step already differs, and inc1 has finished at step 3. */
    @Test
    void atomicCounterDiffersAtTheFirstStep() {
        String t = token("check", "counter", "--variant", "racy");
        CliRun r = run("replay", "--against", "atomic", t, "--width", "200");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("first difference: step 1 (inc1)\n  on racy: READ_ONCE(x) [reads x=0]\n  on atomic: atomic_inc(x) | x: 1\n"),
                r.out());
        assertTrue(r.out().contains("cannot run on atomic: inc1 has finished"), r.out());
    }

    /** The plain-reference counterexample runs into deflate's sleeping page lock under pages_lock: that variant's own failure. */
    @Test
    void anotherDefectEndsTheScheduleWithItsVerdict() {
        String t = token("check", "movable-ops", "--variant", "plain-ref");
        CliRun r = run("replay", "--against", "deflate-sleeping-lock", t, "--width", "200");
        assertEquals(1, r.code(), r.out() + r.err());
        Matcher m = Pattern.compile("first difference: step (\\d+) \\(balloon\\)\n  on plain-ref: trylock_page\\(page0.locked\\) -> taken.*\n"
                + "  on deflate-sleeping-lock: lock_page\\(page0.locked\\).*\n").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(r.out().contains("stops at step " + m.group(1) + " of "), r.out());
        assertTrue(r.out().contains("ends in: VIOLATED atomic.sleep: balloon may sleep in lock_page(page0.locked) while holding spinlock"
                + " balloon.pages_lock"), r.out());
        assertTrue(r.out().contains("on deflate-sleeping-lock in violated atomic.sleep (deflate-sleeping-lock declared: violated"
                + " atomic.sleep)"), r.out());
        assertTrue(r.out().contains("  balloon.pages_lock held by balloon since step "), r.out());
    }

    /**
     * legacy-no-flag's deadlock: on v2-cgroup-writeback (writeback_throttling_sane) the server's reclaim sets PG_reclaim
     * on the folio under writeback and moves on, at the step where memcg v1 tests it and goes on to wait.
     */
    @Test
    void cgroupWritebackTakesCaseTwo() {
        String t = token("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag");
        CliRun own = run("replay", t, "--width", "90"); // one step per line
        Matcher step = Pattern.compile("\n  (\\d+)\\s+fuse-server\\s+folio_test_reclaim\\(folio0\\) -> true").matcher(own.out());
        assertTrue(step.find(), own.out());
        int steps = t.substring(t.lastIndexOf(':') + 1).split("\\.").length;
        CliRun r = run("replay", "--against", "v2-cgroup-writeback", t, "--width", "200");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("knobs: memcg=v2 (the token's v1)"), r.out());
        assertTrue(r.out().contains("first difference: step " + step.group(1) + " (fuse-server)\n"), r.out());
        assertTrue(r.out().contains("  on v2-cgroup-writeback: folio_set_reclaim(folio0) | folio0.reclaim: set (unchanged)\n"), r.out());
        assertTrue(r.out().contains("all " + steps + " steps run on v2-cgroup-writeback\n"), r.out());
        assertTrue(r.out().contains("ends in: no failure: no rule broken, no deadlock, no stuck thread at the end of the schedule"), r.out());
        assertTrue(flat(r.out()).contains("; this is one schedule: ./migcheck check fuse-writeback-memcg --variant v2-cgroup-writeback"
                + " searches them all\n"), r.out());
        // the steps by call path, as check prints them with the option
        CliRun stacks = run("replay", "--against", "v2-cgroup-writeback", t, "--call-stacks", "--width", "200");
        assertTrue(stacks.out().contains("<- try_charge_memcg <- fuse-server"), stacks.out());
        // memcg v2 against v1 without the flag: the step reads the same but for its bracketed terms (memcg v1 against no
        // CONFIG_CGROUP_WRITEBACK), which is no difference; both deadlock
        CliRun same = run("replay", "--against", "v2-no-cgroup-writeback", t, "--width", "200");
        assertEquals(2, same.code(), same.out());
        assertTrue(same.out().contains("no step differs: the " + steps + " steps read the same on both"), same.out());
        // and back: v2-no-cgroup-writeback's own token on legacy-no-flag changes memcg; cgroupWriteback, which memcg v1 does
        // not read, is no change there
        String v2 = token("check", "fuse-writeback-memcg", "--variant", "v2-no-cgroup-writeback");
        CliRun back = run("replay", "--against", "legacy-no-flag", v2, "--width", "200");
        assertTrue(back.out().contains("\n  knobs: memcg=v1 (the token's v2)\n"), back.out());
        // at raised bounds the declaration (of the model's own bounds) is not compared
        CliRun raised = run("replay", "--bounds", "+1", "--against", "v2-cgroup-writeback", t, "--width", "200");
        assertEquals(0, raised.code(), raised.out());
        assertTrue(!raised.out().contains("declared"), raised.out());
    }

    /** Two variants with the same defect: the schedule reads the same and ends in the same verdict. */
    @Test
    void theSameDefectReproduces() {
        String t = token("check", "bdev-jbd2", "--variant", "cancel-revoke-writeback");
        CliRun r = run("replay", "--against", "cancel-revoke-migrate", t, "--width", "200");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("no step differs: the "), r.out());
        assertTrue(r.out().contains("ends in: VIOLATED lock-order.hierarchy: mkdir takes F.locked"), r.out());
    }

    /**
     * The reaper fix adds a thread: the deadlock's schedule reads the same step for step, but its last state is no
     * deadlock there, because oom_reaper can still move.
     */
    @Test
    void aFixThatAddsAThread() {
        String t = token("check", "source-locked-alloc", "--variant", "oom-victim-no-reaper");
        CliRun r = run("replay", "--against", "oom-victim-reaper", t, "--width", "200");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("threads only on oom-victim-reaper: oom_reaper (the token's schedule does not run them)"), r.out());
        assertTrue(r.out().contains("no step differs: the "), r.out());
        assertTrue(r.out().contains("    oom_reaper: "), r.out());
        assertTrue(r.out().contains("on oom-victim-no-reaper this schedule ends in deadlock; on oom-victim-reaper in no failure"), r.out());
    }

    /**
     * Threads are matched by name: legacy-no-flag-no-kswapd has no kswapd0, so its fuse-server has another number than in
     * legacy-no-flag, where the same steps run; there the deadlock is not reached yet (kswapd0 has not finished) but still
     * follows: the replay goes on by a shortest way into it, kswapd0's steps, and ends in the deadlock (exit 2), never in
     * "no failure".
     */
    @Test
    void threadsAreMatchedByNameAndAFailureAheadIsReached() {
        String t = token("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag-no-kswapd");
        int steps = t.substring(t.lastIndexOf(':') + 1).split("\\.").length;
        CliRun r = run("replay", "--against", "legacy-no-flag", t, "--width", "200");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("threads only on legacy-no-flag: kswapd0"), r.out());
        assertTrue(r.out().contains("no step differs: the " + steps + " steps read the same on both\nall " + steps + " steps run"), r.out());
        Matcher ahead = Pattern.compile("a failure still follows on legacy-no-flag: steps " + (steps + 1) + "-(\\d+) are a shortest way on"
                + " into it, not the token's\n").matcher(r.out());
        assertTrue(ahead.find(), r.out());
        String narrow = run("replay", "--against", "legacy-no-flag", t, "--width", "90").out(); // one step per line
        for (int i = steps + 1; i <= Integer.parseInt(ahead.group(1)); i++) {
            assertTrue(Pattern.compile("\n  " + i + " +kswapd0 ").matcher(narrow).find(), i + ": " + narrow);
        }
        assertTrue(r.out().contains("ends in: DEADLOCK: circular wait: fuse-server blocked\n"), r.out());
        assertTrue(r.out().contains("  cycle: fuse-server -> PG_writeback(folio0) -> fuse-server\n"), r.out());
        assertTrue(r.out().contains("on legacy-no-flag-no-kswapd this schedule ends in deadlock; on legacy-no-flag in deadlock"), r.out());
        assertTrue(!r.out().contains("no failure"), r.out());
        // and by name where the step differs: the thread is the token's fuse-server, whatever its number on the fix
        CliRun v2 = run("replay", "--against", "v2-cgroup-writeback", t, "--width", "200");
        assertTrue(Pattern.compile("first difference: step \\d+ \\(fuse-server\\)\n  on legacy-no-flag-no-kswapd: folio_test_reclaim")
                .matcher(v2.out()).find(), v2.out());
    }

    /**
     * A token of a knob combination (no variant: getRef=plain under direct compaction) on merged: merged's getRef, the
     * token's compaction, named in the title and in the check the last line suggests; with --skip-rule and --bounds +1 on
     * both sides and in that suggestion, and no declaration of merged compared at raised bounds.
     */
    @Test
    void aKnobCombinationsTokenWithRuleAndBoundsOptions() {
        String t = token("check", "movable-ops", "--set", "getRef=plain", "--set", "compaction=direct");
        assertTrue(t.startsWith("movable-ops:-:"), t);
        CliRun r = run("--skip-rule", "lock-order.cycle", "replay", "--bounds", "+1", "--against", "merged", t, "--width", "200");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(flat(r.out()).contains(" at bounds +1 (21 steps) on movable-ops / merged (compaction=direct) at bounds +1 knobs:"
                + " getRef=try_get (the token's plain)"), r.out());
        assertTrue(r.out().contains("  knobs: getRef=try_get (the token's plain)\n"), r.out());
        assertTrue(r.out().contains("  on the token's model: folio_get(page0)"), r.out());
        assertTrue(r.out().contains("  on merged: folio_get_nontail_page(page0)"), r.out());
        assertTrue(r.out().contains("note: the rules left out with --skip-rule were not checked (lock-order.cycle)\n"), r.out());
        assertTrue(flat(r.out()).contains("on the token's model this schedule ends in violated ref.get-unless-zero; on merged in no failure;"
                + " this is one schedule: ./migcheck --skip-rule lock-order.cycle check movable-ops --variant merged --set compaction=direct"
                + " --bounds +1 searches them all\n"), r.out());
        assertTrue(!r.out().contains("declared"), r.out());
    }

    /**
     * README's bound example: with one reclaim pass the knob combination holds, at bounds +1 it deadlocks; its token (found
     * at +1, ending ":+1") needs the second pass on legacy-no-flag as well: raised there too, all its steps run and the
     * same deadlock follows once kswapd0, which the token's model does not run first, has moved.
     */
    @Test
    void theBoundsOfTheTokenApplyToTheOtherVariant() {
        CliRun c = run("check", "fuse-writeback-memcg", "--set", "memcg=v1", "--set", "mappingFlag=false", "--set", "earlierReclaim=false",
                "--set", "reclaimPasses=1", "--bounds", "+1");
        Matcher m = Pattern.compile("replay: \\./migcheck replay (\\S+:\\+1)\n").matcher(c.out());
        assertTrue(m.find(), c.out());
        String t = m.group(1);
        int steps = t.substring(0, t.length() - 3).substring(t.substring(0, t.length() - 3).lastIndexOf(':') + 1).split("\\.").length;
        CliRun r = run("replay", "--against", "legacy-no-flag", t, "--width", "200");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(flat(r.out()).contains(" at bounds +1 (" + steps + " steps) on fuse-writeback-memcg / legacy-no-flag (reclaimPasses=1) at"
                + " bounds +1"), r.out());
        assertTrue(r.out().contains("all " + steps + " steps run on legacy-no-flag\n"), r.out());
        assertTrue(r.out().contains("ends in: DEADLOCK: circular wait: fuse-server blocked\n"), r.out());
    }

    /**
     * No failure at the end of legacy-no-flag's schedule on migrate-sync-no-reply, but its migrator, which the schedule never
     * runs, gets stuck waiting for the writeback no reply ends: the replay goes on into that stuck thread (exit 3), as the
     * variant's check reports it.
     */
    @Test
    void aStuckThreadAheadIsReached() {
        String t = token("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag");
        int steps = t.substring(t.lastIndexOf(':') + 1).split("\\.").length;
        CliRun r = run("replay", "--against", "migrate-sync-no-reply", t, "--width", "200");
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("a stuck thread still follows on migrate-sync-no-reply: steps " + (steps + 1) + "-"), r.out());
        assertTrue(r.out().contains("ends in: STUCK: migrator waits for PG_writeback on folio0 to clear forever\n"), r.out());
        assertTrue(r.out().contains("on legacy-no-flag this schedule ends in deadlock; on migrate-sync-no-reply in stuck"), r.out());
        assertEquals(3, run("check", "fuse-writeback-memcg", "--variant", "migrate-sync-no-reply").code());
    }

    /**
     * readahead-compaction-sleeps against readahead-memalloc-rule: isolate_migratepages_block reads F1's flags only on the
     * latter (a variable one side reads is no difference); the variants part only after the schedule. truncate-no-wait at
     * folios=3 on wb-after-unlock: where truncate cannot take step 25, the differing row is that no step ran, not the first
     * step of the way on into wb-after-unlock's own failure.
     */
    @Test
    void whatAStepReadsAndTheStepsAheadAreNoDifference() {
        String t = token("check", "source-locked-alloc", "--variant", "readahead-compaction-sleeps");
        CliRun r = run("replay", "--against", "readahead-memalloc-rule", t, "--width", "200");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("no step differs: the "), r.out());
        String three = token("check", "truncate-writeback", "--variant", "truncate-no-wait", "--set", "folios=3");
        CliRun w = run("replay", "--against", "wb-after-unlock", three, "--width", "200");
        Matcher m = Pattern.compile("stops after (\\d+) of \\d+ steps").matcher(w.out());
        assertTrue(m.find(), w.out());
        int next = Integer.parseInt(m.group(1)) + 1;
        assertTrue(w.out().contains("first difference: step " + next + " (truncate)\n"), w.out());
        assertTrue(w.out().contains("  on wb-after-unlock: (no step " + next + ": the schedule stopped before it)\n"), w.out());
        assertTrue(w.out().contains("a failure still follows on wb-after-unlock: steps " + next + "-"), w.out());
    }

    @Test
    void refusals() {
        String t = token("check", "bdev-jbd2", "--variant", "no-refcount-check");
        CliRun unknown = run("replay", "--against", "nosuch", t);
        assertEquals(64, unknown.code(), unknown.out());
        assertTrue(unknown.err().startsWith("migcheck replay: --against nosuch: scenario bdev-jbd2 has no such variant; variants: "),
                unknown.err());
        CliRun own = run("replay", "--against", "no-refcount-check", t);
        assertEquals(64, own.code(), own.out());
        assertTrue(own.err().contains("is the token's own variant"), own.err());
        // the cancel-revoke models have mkdir where this one has jbd2, which the schedule runs
        CliRun threads = run("replay", "--against", "cancel-revoke-fixed", t);
        assertEquals(64, threads.code(), threads.out());
        assertTrue(threads.err().startsWith("migcheck replay: --against cancel-revoke-fixed: the schedule runs jbd2, which bdev-jbd2 /"
                + " cancel-revoke-fixed does not have (its threads: migrator, mkdir)"), threads.err());
        // kernel-sync-all sets folios=2 itself: a token of a variant at its own size does not carry folios=1 over (the title
        // would say "(folios=1)"), and the schedule runs the flusher, which that model (fsync instead) does not have
        String trunc = token("check", "truncate-writeback", "--variant", "truncate-no-wait");
        CliRun sync = run("replay", "--against", "kernel-sync-all", trunc);
        assertEquals(64, sync.code(), sync.out());
        assertTrue(sync.err().startsWith("migcheck replay: --against kernel-sync-all: the schedule runs flusher, which truncate-writeback /"
                + " kernel-sync-all does not have (its threads: fsync, truncate, io-folio0, io-folio1)"), sync.err());
        // folios=2 set beside truncate-no-wait is a knob activate-unlocked's writer does not have: replay has no --set
        String two = token("check", "truncate-writeback", "--variant", "truncate-no-wait", "--set", "folios=2");
        CliRun size = run("replay", "--against", "activate-unlocked", two);
        assertEquals(64, size.code(), size.out());
        assertTrue(size.err().startsWith("migcheck replay: --against activate-unlocked: the token's folios=2 does not apply to that variant"
                + " (knob folios applies only with writer=flusher, not with writer=ttm-backup): replay on it a token of its own, from check"
                + " truncate-writeback --variant activate-unlocked\n"), size.err());
        CliRun empty = run("replay", "--against", "", t);
        assertEquals(64, empty.code(), empty.out());
        assertTrue(empty.err().startsWith("migcheck replay: --against takes a variant of bdev-jbd2, not an empty name; variants: "), empty.err());
        // a stuck thread from the start: the token has no step to follow
        CliRun none = run("replay", "--against", "setter", token("check", "starved-waiter", "--variant", "no-setter"));
        assertEquals(64, none.code(), none.out());
        assertTrue(none.err().contains("the token has no step"), none.err());
        // a knob combination's token whose knobs are the variant's own
        CliRun mine = run("replay", "--against", "racy", "counter:-:atomic=false:0.1.0.1.0.1");
        assertEquals(64, mine.code(), mine.out());
        assertTrue(mine.err().contains("the token's knobs are that variant's own"), mine.err());
        CliRun both = run("replay", "--against", "norefs", "--mutant", "x", t);
        assertEquals(64, both.code(), both.out());
        assertTrue(both.err().contains("--against and --mutant: one at a time"), both.err());
    }

    /** On its own model a schedule differs nowhere and runs to its end; on a model where it cannot start it runs no step. */
    @Test
    void onOtherCountsStepsAndDifferences() {
        org.migcheck.model.scenarios.Scenario s = Catalogue.find("philosophers");
        Model circular = ScenarioRunner.build(s, "circular", java.util.Map.of());
        Model ordered = ScenarioRunner.build(s, "ordered", java.util.Map.of());
        int[] schedule = {Trace.label(0, 0), Trace.label(1, 0), Trace.label(2, 0)};
        Replayer.OnOther same = Replayer.onOther(circular, circular, KernelRules.all(), schedule);
        assertEquals(List.of(3, 0), List.of(same.ran(), same.firstDifference()));
        assertEquals(org.migcheck.checker.run.Verdict.DEADLOCK, same.ending().verdict());
        // phil2 first: ordered's takes fork0, circular's fork2; then phil0 wants fork0, held by phil2
        int[] other = {Trace.label(2, 0), Trace.label(0, 0)};
        Replayer.OnOther o = Replayer.onOther(circular, ordered, KernelRules.all(), other);
        assertEquals(List.of(1, 1), List.of(o.ran(), o.firstDifference()));
        assertTrue(o.stopped().startsWith("phil0 is blocked in mutex_lock(fork0)"), o.stopped());
    }
}
