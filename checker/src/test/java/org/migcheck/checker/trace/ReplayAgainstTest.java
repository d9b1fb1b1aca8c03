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
        assertTrue(r.out().contains("threads only on oom-victim-reaper: oom_reaper (the schedule does not run them)"), r.out());
        assertTrue(r.out().contains("no step differs: the "), r.out());
        assertTrue(r.out().contains("    oom_reaper: "), r.out());
        assertTrue(r.out().contains("on oom-victim-no-reaper this schedule ends in deadlock; on oom-victim-reaper in no failure"), r.out());
    }

    /**
     * Threads are matched by name: legacy-no-flag-no-kswapd has no kswapd0, so its fuse-server has another number than in
     * legacy-no-flag, where the same steps run and the same deadlock still follows (kswapd0 may move first).
     */
    @Test
    void threadsAreMatchedByName() {
        String t = token("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag-no-kswapd");
        int steps = t.substring(t.lastIndexOf(':') + 1).split("\\.").length;
        CliRun r = run("replay", "--against", "legacy-no-flag", t, "--width", "200");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("threads only on legacy-no-flag: kswapd0"), r.out());
        assertTrue(r.out().contains("no step differs: the " + steps + " steps read the same on both\nall " + steps + " steps run"), r.out());
        assertTrue(r.out().contains("ends in: no failure: a failure still follows the last state (deadlock"), r.out());
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
