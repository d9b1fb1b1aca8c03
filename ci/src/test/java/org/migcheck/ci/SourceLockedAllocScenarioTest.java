package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.ci.ScenarioTestSupport.assertExhaustiveHold;
import static org.migcheck.ci.ScenarioTestSupport.folio;
import static org.migcheck.ci.ScenarioTestSupport.labels;
import static org.migcheck.ci.ScenarioTestSupport.lastRow;
import static org.migcheck.ci.ScenarioTestSupport.lock;
import static org.migcheck.ci.ScenarioTestSupport.run;
import static org.migcheck.ci.ScenarioTestSupport.schedule;
import static org.migcheck.ci.ScenarioTestSupport.var;
import static org.migcheck.ci.ScenarioTestSupport.with;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.StateView;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.SourceLockedAllocScenario;

/**
 * docs/scenarios/source-locked-alloc.md / README: The scenario catalogue "source locked across allocation": every variant's verdict, rule and
 * the facts of its shortest counterexample, with schedule lengths derived by hand from the model.
 * Threads: readahead = 0, irq = 1 (writer = 2 when present); M1 = 0, M2 = 1; migrator = 0, writer = 1,
 * oom_reaper = 2. Readahead allocates F1 from the free lists and F2 (order 2) through the slow path.
 */
class SourceLockedAllocScenarioTest {
    private final Scenario scenario = SourceLockedAllocScenario.scenario();

    /**
     * Readahead (no NOFS scope) up to direct compaction's folio_trylock of its own folio F1:
     * filemap_alloc_folio(F1) and filemap_add_folio(F1), then F2's allocation: __alloc_pages (no initial
     * compaction for order 2), __alloc_pages_direct_reclaim, memalloc_noreclaim_save,
     * isolate_migratepages_block; migrate_pages_sync's MIGRATE_ASYNC batch: compaction_alloc,
     * folio_trylock (fails: -EAGAIN), compaction_free; the one-folio retry in the compaction's mode:
     * compaction_alloc, folio_trylock.
     */
    private static final int READAHEAD_TO_TRYLOCK = 11;

    /**
     * One migrator (the proposal) up to its compaction's failed folio_trylock of the other source:
     * folio_trylock(own), folio_test_writeback, __alloc_pages (order 9: costly); the initial ASYNC
     * compaction: memalloc_noreclaim_save, isolate_migratepages_block, folio_trylock(other) (fails: give
     * up), folio_putback_lru(other), memalloc_noreclaim_restore; __alloc_pages_direct_reclaim; the
     * SYNC_LIGHT compaction: memalloc_noreclaim_save, isolate_migratepages_block, its MIGRATE_ASYNC batch's
     * folio_trylock(other) (fails, nothing allocated yet under the proposal), the SYNC_LIGHT retry's
     * folio_trylock(other), folio_test_uptodate (the SYNC_LIGHT check).
     */
    private static final int MIGRATOR_TO_SLEEP = 14;

    /**
     * The migrator (the proposal) up to its wait for the OOM victim: folio_trylock(S),
     * folio_test_writeback, __alloc_pages, get_page_from_freelist (low), __alloc_pages_direct_reclaim,
     * get_page_from_freelist (min), mutex_trylock(oom_lock), get_page_from_freelist (high),
     * select_bad_process, oom_kill_process, mutex_unlock, tsk_is_oom_victim.
     */
    private static final int MIGRATOR_TO_OOM_WAIT = 12;

    private static String line(CheckResult r, String prefix) {
        return r.explanation().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in " + r.explanation()));
    }

    @Test
    void registeredWithEveryDesignRow() {
        assertNotNull(Catalogue.find(SourceLockedAllocScenario.ID));
        List<String> names = scenario.variants().stream().map(v -> v.name()).toList();
        for (String row : List.of("readahead-compaction-sleeps", "readahead-memalloc-rule", "two-migrators-abba",
                "oom-victim-no-reaper", "oom-victim-reaper")) {
            assertTrue(names.contains(row), row + " missing from " + names);
        }
        // every variant of the migration scenarios starts with its kind
        for (String id : List.of(SourceLockedAllocScenario.ID, "bdev-jbd2", "movable-ops")) {
            for (var v : Catalogue.find(id).variants()) {
                String d = v.doc();
                assertTrue(d.matches("(?s)(shipped v\\d+\\.\\d+|proposal \\(\\d{4}\\)|hypothetical|mutation).*"), id + "/" + v.name() + ": " + d);
            }
        }
    }

    // ---------------------------------------------------------------- readahead (4.2, 4.5 A)

    private static final Map<String, String> NO_PROTECTION = Map.of("workload", "readahead", "nofsScope", "false",
            "memallocRule", "false", "syncLightIoCheck", "false");

    /**
     * The era before the PF_MEMALLOC rule and the NOFS scope, with synchronous direct compaction: the
     * allocation of F2 compacts, the migrate scanner picks F1, which readahead itself added locked, and
     * migrate_folio_unmap sleeps in folio_lock(F1): the read that would unlock F1 is not submitted yet.
     * The sleeping folio_lock never completes, so memalloc.folio-lock (which sees locks taken) is not
     * what is reported: the shortest failure is the self-deadlock.
     */
    @Test
    void readaheadCompactionSleepsOnItsOwnFolio() {
        ScenarioRunner.Outcome o = run(scenario, "readahead-compaction-sleeps");
        CheckResult r = o.result();
        assertTrue(o.matches(), o.actual());
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals(READAHEAD_TO_TRYLOCK, r.schedule().length);
        Trace t = r.trace();
        assertEquals(labels(t, 0).size(), t.rows().size(), "only readahead runs");
        assertEquals("__alloc_pages(GFP_KERNEL|__GFP_NORETRY, order 2, node0)", t.rows().get(2).label());
        assertEquals("isolate_migratepages_block(node0) -> F1", t.rows().get(5).label());
        assertEquals("folio_trylock(F1)", lastRow(t).label());
        String blocked = line(r, "readahead blocked in");
        assertTrue(blocked.contains("folio_lock(F1)"), blocked);
        assertTrue(blocked.contains("self-deadlock"), blocked);
        assertTrue(r.explanation().contains("cycle: readahead -> F1.locked -> readahead"), r.explanation().toString());

        Model m = r.model();
        Semantics sem = new Semantics(m);
        int[] end = t.last();
        assertEquals("folio_lock", sem.function(end, 0));
        List<String> stack = sem.callStack(end, 0);
        for (String frame : List.of("migrate_folio_unmap/compaction_alloc", "compact_zone", "__alloc_pages_direct_compact",
                "alloc_pages", "ra_alloc_folio", "page_cache_ra_order")) {
            assertTrue(stack.contains(frame), frame + " not in " + stack);
        }
        StateView s = sem.view(end);
        assertEquals(0, s.holder(folio(m, "F1").lock));
        assertTrue(s.isSet(folio(m, "F2").freed), "F2 is the page being allocated");
        assertTrue(s.isSet(var(m, "readahead.PF_MEMALLOC")));
        assertEquals(0, s.get(var(m, "bio.submitted")), "the read that would unlock F1 is never submitted");
        assertTrue(sem.atIdlePoint(end, 1), "the I/O completion waits for a bio that never comes");

        // one folio in the batch: nothing is allocated while a readahead folio is locked
        assertExhaustiveHold(run(scenario, "readahead-compaction-sleeps", Map.of("raFolios", "1")));
    }

    /**
     * Without any protection, the migration mode decides: ASYNC never sleeps on a source lock,
     * SYNC_LIGHT (v3.3+) and SYNC (earlier direct compaction) do. Each protection alone then suffices,
     * except the 2023 I/O check, which only concerns SYNC_LIGHT.
     */
    @Test
    void eachProtectionAloneSavesReadahead() {
        assertEquals(Verdict.HOLDS, run(scenario, null, with(NO_PROTECTION, "compactMode", "ASYNC")).result().verdict());
        for (String mode : List.of("SYNC_LIGHT", "SYNC")) {
            CheckResult r = run(scenario, null, with(NO_PROTECTION, "compactMode", mode)).result();
            assertEquals(Verdict.DEADLOCK, r.verdict(), mode);
            assertEquals(READAHEAD_TO_TRYLOCK, r.schedule().length, mode);
            assertExhaustiveHold(run(scenario, null, with(NO_PROTECTION, "compactMode", mode, "memallocRule", "true")));
            assertExhaustiveHold(run(scenario, null, with(NO_PROTECTION, "compactMode", mode, "nofsScope", "true")));
        }
        assertExhaustiveHold(run(scenario, null, with(NO_PROTECTION, "syncLightIoCheck", "true")));
        assertEquals(Verdict.DEADLOCK, run(scenario, null, with(NO_PROTECTION, "syncLightIoCheck", "true", "compactMode", "SYNC"))
                .result().verdict());
    }

    @Test
    void thePfMemallocRuleAloneMakesReadaheadSafe() {
        ScenarioRunner.Outcome o = run(scenario, "readahead-memalloc-rule");
        assertExhaustiveHold(o);
        CheckResult r = o.result();
        CheckResult.GoalResult g = r.goals().get("compaction-migrated-F0");
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, g.answer());
        Trace w = Trace.replay(r.model(), g.witness());
        assertTrue(labels(w, 0).stream().anyMatch(l -> l.startsWith("folio_ref_freeze(F0, 2;")), labels(w, 0).toString());
        // and on the readahead folio the rule makes compaction give up: the PF_MEMALLOC test is taken
        int[] sched = schedule(0, READAHEAD_TO_TRYLOCK + 1);
        sched[5] = Trace.label(0, 1); // isolate_migratepages_block -> F1
        Trace t = Trace.replay(r.model(), sched);
        assertEquals("(current->flags & PF_MEMALLOC) on readahead -> true", lastRow(t).label());
    }

    @Test
    void theSyncLightIoCheckAloneAlsoSparesReadaheadFolios() {
        assertExhaustiveHold(run(scenario, "readahead-io-check-only"));
    }

    /**
     * v6.19: page_cache_ra_order runs in memalloc_nofs_save(), so F2's allocation is GFP_NOFS and
     * isolate_migratepages_block takes no folio with a mapping: neither the readahead folio F1 nor F0
     * (which the writer may hold) is ever isolated, and F0 is never migrated.
     */
    @Test
    void inV619CompactionFromReadaheadIsolatesNoPageCacheFolio() {
        ScenarioRunner.Outcome o = run(scenario, "readahead-nofs-scope");
        assertExhaustiveHold(o);
        CheckResult r = o.result();
        assertEquals(3, r.model().threadCount());
        assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, r.goals().get("compaction-migrated-F0").answer());
        // memalloc_nofs_save, filemap_alloc_folio(F1), filemap_add_folio(F1), __alloc_pages, direct reclaim,
        // memalloc_noreclaim_save, isolate_migratepages_block -> F1 (skipped), memalloc_noreclaim_restore
        int[] sched = schedule(0, 8);
        sched[6] = Trace.label(0, 1);
        Trace t = Trace.replay(r.model(), sched);
        List<String> ra = labels(t, 0);
        assertEquals("memalloc_nofs_save(readahead)", ra.get(0));
        assertEquals("__alloc_pages(GFP_NOFS|__GFP_NORETRY, order 2, node0)", ra.get(3));
        assertEquals("memalloc_noreclaim_restore(readahead)", ra.get(7));
        Model m = r.model();
        StateView s = new Semantics(m).view(t.last());
        assertTrue(s.isSet(var(m, "readahead.PF_MEMALLOC_NOFS")));
        assertFalse(s.isSet(folio(m, "F1").isolated));
        assertEquals(2, s.get(folio(m, "F1").ref));
        // the scope alone suffices: no PF_MEMALLOC rule, no I/O check, synchronous compaction
        ScenarioRunner.Outcome alone = run(scenario, "readahead-nofs-scope",
                Map.of("memallocRule", "false", "syncLightIoCheck", "false", "compactMode", "SYNC"));
        assertExhaustiveHold(alone);
        assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, alone.result().goals().get("compaction-migrated-F0").answer());
    }

    @Test
    void aWriterHoldingF0IsOnlyTrylockedUnderTheRule() {
        ScenarioRunner.Outcome o = run(scenario, "readahead-writer");
        assertExhaustiveHold(o);
        assertEquals(3, o.result().model().threadCount());
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, o.result().goals().get("compaction-migrated-F0").answer());
    }

    /**
     * The SYNC_LIGHT I/O check is no substitute for the PF_MEMALLOC rule: without the rule (and without
     * the NOFS scope), compaction sleeps in folio_lock on F0, which a writer holds for a moment, with
     * PF_MEMALLOC set. Shortest: readahead to compaction_alloc (7 steps), writer filemap_get_entry and
     * folio_lock (2), readahead's ASYNC batch folio_trylock and compaction_free, the SYNC_LIGHT retry's
     * compaction_alloc, folio_trylock and folio_test_uptodate (5), writer folio_mark_dirty and
     * folio_unlock (2), readahead folio_lock (1).
     */
    @Test
    void withoutTheRuleCompactionSleepsOnAnotherTasksFolio() {
        ScenarioRunner.Outcome o = run(scenario, "readahead-writer-io-check-only");
        CheckResult r = o.result();
        assertTrue(o.matches(), o.actual());
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("memalloc.folio-lock", r.ruleId());
        assertEquals(17, r.schedule().length);
        Trace t = r.trace();
        Trace.Row last = lastRow(t);
        assertEquals(0, last.thread());
        assertEquals("folio_lock(F0)", last.label());
        assertEquals(List.of("filemap_get_entry(index of F0)", "folio_lock(F0)", "folio_mark_dirty(F0)", "folio_unlock(F0)"),
                labels(t, 2));
        assertTrue(labels(t, 0).contains("folio_test_uptodate(F0) -> true"));
        assertTrue(r.message().contains("PF_MEMALLOC"), r.message());
    }

    // ---------------------------------------------------------------- two migrators (4.1 proposal)

    /**
     * M1 holds S1 and compacts node 1, where S2 lies; M2 holds S2 and compacts node 0, where S1 lies.
     * Each compaction's migrate_folio_unmap sleeps on the other's source: ABBA on two folio locks.
     */
    @Test
    void twoMigratorsDeadlockAbbaThroughCompaction() {
        ScenarioRunner.Outcome o = run(scenario, "two-migrators-abba");
        CheckResult r = o.result();
        assertTrue(o.matches(), o.actual());
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals(2 * MIGRATOR_TO_SLEEP, r.schedule().length);
        Trace t = r.trace();
        assertEquals(MIGRATOR_TO_SLEEP, labels(t, 0).size());
        assertEquals(MIGRATOR_TO_SLEEP, labels(t, 1).size());
        assertEquals("folio_trylock(S1)", labels(t, 0).get(0));
        assertEquals("folio_trylock(S2)", labels(t, 1).get(0));
        assertEquals("__alloc_pages(GFP_TRANSHUGE|__GFP_THISNODE, order 9, node1)", labels(t, 0).get(2));
        // the initial ASYNC compaction (costly order) gives up on S2 and puts it back
        assertEquals("folio_putback_lru(S2)", labels(t, 0).get(6));
        assertEquals("folio_test_uptodate(S2) -> true", labels(t, 0).get(MIGRATOR_TO_SLEEP - 1));
        assertTrue(r.explanation().contains("cycle: M1 -> S2.locked -> M2 -> S1.locked -> M1"), r.explanation().toString());
        Model m = r.model();
        Semantics sem = new Semantics(m);
        int[] end = t.last();
        for (int th = 0; th < 2; th++) {
            assertEquals("folio_lock", sem.function(end, th));
            List<String> stack = sem.callStack(end, th);
            assertTrue(stack.contains("compact_zone"), stack.toString());
            assertTrue(stack.contains("migrate_folio_unmap/alloc_migration_target"), stack.toString());
        }
        StateView s = sem.view(end);
        assertEquals(0, s.holder(folio(m, "S1").lock));
        assertEquals(1, s.holder(folio(m, "S2").lock));
        assertTrue(s.isSet(var(m, "M1.PF_MEMALLOC")) && s.isSet(var(m, "M2.PF_MEMALLOC")));
    }

    @Test
    void twoMigratorsHoldWithTheRuleOrWithIsolatedSources() {
        for (String v : List.of("two-migrators-memalloc-rule", "two-migrators-isolated")) {
            ScenarioRunner.Outcome o = run(scenario, v);
            assertExhaustiveHold(o);
            assertEquals(CheckResult.GoalResult.Answer.REACHABLE, o.result().goals().get("S1-migrated").answer(), v);
        }
    }

    /**
     * The kernel's compaction never isolates a folio whose order is at least the request's
     * (skip_isolation_on_order): with the abba knobs but the filter on, no migrator's compaction isolates
     * the other's order-9 source in any reachable state, so the ring holds and nothing is migrated; at
     * three migrators as well (the expectation for every size).
     */
    @Test
    void theOrderFilterKeepsEveryCompactionOffTheOtherSources() {
        long[] counts = new long[4];
        for (int n : new int[] {2, 3}) {
            ScenarioRunner.Outcome o = run(scenario, "two-migrators-order-filter", Map.of("migrators", Integer.toString(n)));
            assertExhaustiveHold(o);
            assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, o.result().goals().get("S1-migrated").answer());
            // every reachable state, by a plain search over the semantics (no engine)
            Model m = o.result().model();
            int seen = ScenarioTestSupport.enumerate(m, (sem, st) -> {
                StateView v = sem.view(st);
                for (int i = 1; i <= n; i++) {
                    Folio f = folio(m, "S" + i);
                    assertTrue(v.isSet(f.lru) && !v.isSet(f.isolated), f.name() + " isolated in a reachable state");
                }
                return true;
            });
            assertEquals(o.result().stats().distinct(), seen);
            counts[n] = seen;
        }
        // with every source skipped the migrators never interact: the state space is the product of one
        // migrator's local states, so the counts at 2 and 3 are a square and a cube of the same number
        assertEquals(counts[2] * counts[2] * counts[2], counts[3] * counts[3], counts[2] + " and " + counts[3]);
        // the same knobs without the filter: the ABBA
        assertEquals(Verdict.DEADLOCK, run(scenario, "two-migrators-order-filter", Map.of("orderFilter", "false")).result().verdict());
    }

    // ---------------------------------------------------------------- OOM (4.4, 4.5 B)

    /**
     * The migrator's GFP_USER allocation under S's lock kills the writer after the writer's
     * fatal_signal_pending test in generic_perform_write (killed before it, the writer would return
     * -EINTR and exit), so the writer goes on into ->write_begin and sleeps
     * uninterruptibly in folio_lock(S); without a reaper only the writer's own exit_mmap could set
     * MMF_OOM_SKIP, so every later select_bad_process aborts and the migrator never gets its page.
     */
    @Test
    void oomVictimSleepingOnTheSourceDeadlocksWithoutTheReaper() {
        ScenarioRunner.Outcome o = run(scenario, "oom-victim-no-reaper");
        CheckResult r = o.result();
        assertTrue(o.matches(), o.actual());
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals(MIGRATOR_TO_OOM_WAIT + 2, r.schedule().length);
        Trace t = r.trace();
        assertEquals(MIGRATOR_TO_OOM_WAIT, labels(t, 0).size());
        assertTrue(labels(t, 0).contains("oom_kill_process(writer)"), labels(t, 0).toString());
        assertEquals(List.of("fatal_signal_pending(writer) -> false", "filemap_get_entry(index of S)"), labels(t, 1));
        // the kill lands after the writer's signal test
        List<String> all = t.rows().stream().map(Trace.Row::label).toList();
        assertTrue(all.indexOf("fatal_signal_pending(writer) -> false") < all.indexOf("oom_kill_process(writer)"), all.toString());
        assertTrue(line(r, "migrator blocked in out_of_memory").contains("MMF_OOM_SKIP"), r.explanation().toString());
        assertTrue(line(r, "writer blocked in folio_lock(S)").contains("held by migrator"), r.explanation().toString());
        assertTrue(line(r, "cycle: migrator -> ").endsWith("-> writer -> S.locked -> migrator"), r.explanation().toString());
        Model m = r.model();
        Semantics sem = new Semantics(m);
        int[] end = t.last();
        assertTrue(sem.callStack(end, 0).contains("migrate_folio_unmap/alloc_migration_target"));
        StateView s = sem.view(end);
        assertEquals(0, s.holder(folio(m, "S").lock));
        assertEquals(-1, s.holder(lock(m, "oom_lock")), "oom_lock is not held while waiting");
        assertEquals(1, s.get(var(m, "writer.oom_victim")));
        assertEquals(0, s.get(var(m, "writer.MMF_OOM_SKIP")));
    }

    @Test
    void theOomReaperBreaksTheWait() {
        ScenarioRunner.Outcome o = run(scenario, "oom-victim-reaper");
        assertExhaustiveHold(o);
        CheckResult r = o.result();
        assertEquals(3, r.model().threadCount());
        CheckResult.GoalResult g = r.goals().get(SourceLockedAllocScenario.GOAL_REAPED_WHILE_ASLEEP);
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, g.answer());
        Trace w = Trace.replay(r.model(), g.witness());
        assertEquals(2, lastRow(w).thread());
        assertEquals("oom_reap_task(writer)", lastRow(w).label());
        // the goal needs a victim that did run: it took S's entry and sleeps in folio_lock(S)
        assertEquals(List.of("fatal_signal_pending(writer) -> false", "filemap_get_entry(index of S)"), labels(w, 1));
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, r.goals().get("source-migrated").answer());
    }

    /** A victim killed and reaped before it ever ran is not "reaped while asleep": the goal needs the writer inside write_begin. */
    @Test
    void aVictimThatNeverRanDoesNotMeetTheReapedGoal() {
        Model m = ScenarioTestSupport.model(scenario, "oom-victim-reaper", java.util.Map.of());
        int migrator = m.threadIndex("migrator");
        int reaper = m.threadIndex("oom_reaper");
        // migrator: trylock, writeback test, __alloc_pages, three failed tries, mutex_trylock, last get_page_from_freelist
        // (8 steps), select_bad_process choosing the writer (alternative 1), oom_kill_process; then the reaper's wait and
        // oom_reap_task, before the writer has taken a step
        java.util.List<Integer> sched = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sched.add(Trace.label(migrator, 0));
        }
        sched.add(Trace.label(migrator, 1));
        sched.add(Trace.label(migrator, 0));
        sched.add(Trace.label(reaper, 0));
        sched.add(Trace.label(reaper, 0));
        Trace t = Trace.replay(m, sched.stream().mapToInt(Integer::intValue).toArray());
        assertEquals("oom_reap_task(writer)", lastRow(t).label());
        assertEquals(List.of(), labels(t, m.threadIndex("writer")));
        StateView s = new Semantics(m).view(t.last());
        // killed, reaped, not exited: the goal's old definition would count this
        assertEquals(1, s.get(var(m, "writer.oom_victim")));
        assertEquals(1, s.get(var(m, "writer.MMF_OOM_SKIP")));
        assertEquals(0, s.get(var(m, "writer.mm_exited")));
        assertFalse(m.goals().get(SourceLockedAllocScenario.GOAL_REAPED_WHILE_ASLEEP).test(s));
    }

    @Test
    void allocatingBeforeLockingNeedsNoReaper() {
        assertExhaustiveHold(run(scenario, "oom-alloc-before-lock"));
    }

    /**
     * v6.19's batch: the FOLL_LONGTERM list [S0, S1] goes through migrate_pages_sync's MIGRATE_ASYNC batch,
     * which unmaps S0 (locked, D0 allocated from the one free page and locked) before allocating D1. The
     * migrator up to its wait for the victim: __alloc_pages, get_page_from_freelist (low) -> true,
     * alloc_pages (return D0), folio_trylock(S0), folio_test_writeback, folio_trylock(D0), then D1's
     * allocation as in MIGRATOR_TO_OOM_WAIT without the two source steps (10 steps): 16; the writer's
     * fatal_signal_pending test (before the kill) and filemap_get_entry: 18.
     */
    @Test
    void aBatchKeepsTheFirstSourceLockedWhileTheSecondDestinationIsAllocated() {
        ScenarioRunner.Outcome o = run(scenario, "oom-batch-no-reaper");
        CheckResult r = o.result();
        assertTrue(o.matches(), o.actual());
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals(18, r.schedule().length);
        Trace t = r.trace();
        assertEquals(16, labels(t, 0).size());
        assertEquals("folio_trylock(D0)", labels(t, 0).get(5));
        assertEquals(List.of("fatal_signal_pending(writer) -> false", "filemap_get_entry(index of S0)"), labels(t, 1));
        Model m = r.model();
        Semantics sem = new Semantics(m);
        int[] end = t.last();
        List<String> stack = sem.callStack(end, 0);
        assertTrue(stack.contains("migrate_pages_batch/alloc_migration_target/2folios"), stack.toString());
        assertTrue(stack.contains("migrate_folio_unmap/alloc_migration_target"), stack.toString());
        StateView s = sem.view(end);
        assertEquals(0, s.holder(folio(m, "S0").lock));
        assertEquals(0, s.holder(folio(m, "D0").lock));
        assertTrue(s.isSet(folio(m, "D1").freed), "D1 is the page being allocated");
        assertTrue(line(r, "writer blocked in folio_lock(S0)").contains("held by migrator"), r.explanation().toString());
        // the reaper breaks it, and with a one-folio list nothing is locked while allocating
        ScenarioRunner.Outcome reaped = run(scenario, "oom-batch-reaper");
        assertExhaustiveHold(reaped);
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE,
                reaped.result().goals().get(SourceLockedAllocScenario.GOAL_REAPED_WHILE_ASLEEP).answer());
        assertExhaustiveHold(run(scenario, "oom-batch-no-reaper", Map.of("oomFolios", "1")));
    }

    /**
     * migrate_pages_batch's retry passes are a model bound (Migrate.passes; the kernel's are 3 and 7 here):
     * more passes let an -EAGAIN folio or pair be retried while the other stays locked, which adds states,
     * and no OOM verdict changes up to three passes.
     */
    @Test
    void oomVerdictsDoNotDependOnThePassBound() {
        long previous = 0;
        for (String passes : List.of("1", "2", "3")) {
            assertEquals(Verdict.DEADLOCK, run(scenario, "oom-batch-no-reaper", Map.of("passes", passes)).result().verdict(), passes);
            for (String v : List.of("oom-batch-reaper", "oom-victim-reaper", "oom-alloc-before-lock")) {
                CheckResult r = run(scenario, v, Map.of("passes", passes)).result();
                assertEquals(Verdict.HOLDS, r.verdict(), v + " passes=" + passes);
                if (v.equals("oom-batch-reaper")) {
                    assertTrue(r.stats().distinct() > previous, "passes=" + passes + " adds interleavings");
                    previous = r.stats().distinct();
                }
            }
        }
    }

    // ---------------------------------------------------------------- mutations

    /** Mutation: migrate_folio_unmap without folio_trylock(dst) breaks migrate.both-locked. */
    @Test
    void migratingIntoAnUnlockedDestinationIsCaught() {
        CheckResult r = run(scenario, "readahead-memalloc-rule", Map.of("lockDst", "false")).result();
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("migrate.both-locked", r.ruleId());
        // readahead to compaction_alloc (7), folio_trylock(F0), folio_test_writeback, then move_to_new_folio ->
        // buffer_migrate_folio: !folio_buffers(F0), migrate_folio -> __migrate_folio: folio_ref_count check,
        // folio_mc_copy, xas_lock_irq, folio_ref_freeze (where the page-cache slot switches to free0)
        assertEquals(14, r.schedule().length);
        assertTrue(lastRow(r.trace()).label().matches("folio_ref_freeze\\(F0, 2; if frozen: folio_ref_add\\((\\w+)\\), xas_store\\(\\1\\),"
                + " folio_ref_unfreeze\\(F0\\)\\)"), lastRow(r.trace()).label());

        CheckResult oom = run(scenario, "oom-victim-reaper", Map.of("lockDst", "false")).result();
        assertEquals(Verdict.VIOLATED, oom.verdict());
        assertEquals("migrate.both-locked", oom.ruleId());
        assertTrue(lastRow(oom.trace()).label().startsWith("folio_ref_freeze(S, 2; if frozen: folio_ref_add("), lastRow(oom.trace()).label());
    }

    /** Mutations of the holding variants by one knob each turn them into the deadlocks of the README catalogue. */
    @Test
    void removingTheRuleOrTheReaperDeadlocks() {
        assertEquals(Verdict.DEADLOCK, run(scenario, "readahead-memalloc-rule", Map.of("memallocRule", "false")).result().verdict());
        // v6.19 readahead with all three protections removed: the writer's F0 (memalloc.folio-lock, 16 steps as in
        // withoutTheRuleCompactionSleepsOnAnotherTasksFolio without folio_test_uptodate), or F1 without the writer
        Map<String, String> none = Map.of("nofsScope", "false", "memallocRule", "false", "syncLightIoCheck", "false");
        CheckResult w = run(scenario, "readahead-nofs-scope", none).result();
        assertEquals(Verdict.VIOLATED, w.verdict());
        assertEquals("memalloc.folio-lock", w.ruleId());
        assertEquals(16, w.schedule().length);
        assertEquals(Verdict.DEADLOCK, run(scenario, "readahead-nofs-scope", with(none, "writer", "false")).result().verdict());
        assertEquals(Verdict.DEADLOCK, run(scenario, "two-migrators-memalloc-rule", Map.of("memallocRule", "false")).result().verdict());
        assertEquals(Verdict.DEADLOCK, run(scenario, "oom-victim-reaper", Map.of("reaper", "false")).result().verdict());
    }
}
