package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.ci.ScenarioTestSupport.assertExhaustiveHold;
import static org.migcheck.ci.ScenarioTestSupport.beforeLast;
import static org.migcheck.ci.ScenarioTestSupport.folio;
import static org.migcheck.ci.ScenarioTestSupport.report;
import static org.migcheck.ci.ScenarioTestSupport.run;
import static org.migcheck.ci.ScenarioTestSupport.who;
import static org.migcheck.ci.ScenarioTestSupport.with;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.StateView;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.TruncateWritebackScenario;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * docs/scenarios/truncate-writeback.md (README catalogue row "truncate vs writeback"): every variant's verdict,
 * rule and the facts of its counterexample, derived by hand from the kernel code paths; plus the
 * consequences that the first-reported rule hides (by switching that rule off) and mutation checks
 * over the knobs.
 */
class TruncateWritebackScenarioTest {
    private static final Scenario S = TruncateWritebackScenario.scenario();

    @Test
    void registeredInTheCatalogue() {
        Scenario s = Catalogue.find(TruncateWritebackScenario.ID);
        assertNotNull(s, "truncate-writeback is not in Catalogue.kernel()");
        assertEquals(List.of("kernel", "kernel-sync-all", "wb-after-unlock", "truncate-no-wait", "activate-unlocked",
                "activate-ignored"), s.variants().stream().map(v -> v.name()).toList());
    }

    @Test
    void kernelOrderHoldsExhaustivelyAndExercisesTheRace() {
        for (String v : List.of("kernel", "kernel-sync-all")) {
            ScenarioRunner.Outcome o = run(S, v);
            // holds exhaustively: liveness was checked too (no notes)
            assertExhaustiveHold(o);
            CheckResult r = o.result();
            // not vacuous: the folio can be written and truncated, and truncate does meet a folio under writeback
            assertEquals(CheckResult.GoalResult.Answer.REACHABLE, r.goals().get(TruncateWritebackScenario.TRUNCATED).answer());
            assertEquals(CheckResult.GoalResult.Answer.REACHABLE,
                    r.goals().get(TruncateWritebackScenario.TRUNCATE_MEETS_WRITEBACK).answer());
        }
        // one folio, WB_SYNC_NONE: the whole state space, every state reachable by the model's semantics alone (an
        // independent BFS over state vectors, no packing, no rules): the rules cut nothing off, and nothing is reduced
        CheckResult kernel = run(S, "kernel").result();
        assertEquals(org.migcheck.ci.rules.Runs.reachableStates(kernel.model()), kernel.stats().distinct());
    }

    @Test
    void writebackStartedAfterUnlockIsCaughtAtFolioStartWriteback() {
        ScenarioRunner.Outcome o = run(S, "wb-after-unlock");
        CheckResult r = o.result();
        assertTrue(o.matches(), () -> report(o));
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("writeback.set-under-lock", r.ruleId());
        assertTrue(r.message().contains("flusher sets PG_writeback on folio0 while the folio is unlocked"), r.message());
        // Shortest schedule, by hand: the flusher alone: filemap_get_folios_tag, folio_lock, the three tests of
        // folio_prepare_writeback, folio_clear_dirty_for_io, folio_unlock, folio_start_writeback = 8 steps.
        Trace t = r.trace();
        assertEquals(8, t.rows().size(), () -> report(o));
        assertTrue(t.rows().stream().allMatch(row -> who(t, row).equals("flusher")));
        assertEquals("folio_unlock(folio0)", t.rows().get(6).label());
        assertEquals("folio_start_writeback(folio0)", t.rows().get(7).label());
        assertEquals(-1, beforeLast(t).holder(folio(t.model(), "folio0").lock), "PG_writeback set on an unlocked folio");
    }

    @Test
    void writebackStartedAfterUnlockLetsTruncateRemoveAndFreeAFolioUnderIo() {
        // What the first rule hides: truncate locks the folio in the window, finds no writeback, and
        // removes it after the flusher set PG_writeback behind its back (the README catalogue row: "folio removed from
        // cache while its I/O is in flight").
        RuleSet noSetRule = KernelRules.all().without("writeback.set-under-lock");
        ScenarioRunner.Outcome o = run(S, "wb-after-unlock", Map.of(), noSetRule);
        CheckResult r = o.result();
        assertEquals(Verdict.VIOLATED, r.verdict(), () -> report(o));
        assertEquals("cache.remove-locked-no-writeback", r.ruleId());
        Trace t = r.trace();
        // flusher 1-7 (up to folio_unlock), truncate inode_lock, filemap_invalidate_lock, find_get_entry,
        // folio_trylock, the mapping/writeback test, flusher folio_start_writeback, truncate
        // truncate_cleanup_folio, delete_from_page_cache_batch = 15 steps.
        assertEquals(15, t.rows().size(), () -> report(o));
        Trace.Row last = t.rows().get(14);
        assertEquals("truncate", who(t, last));
        assertTrue(last.label().startsWith("delete_from_page_cache_batch"), last.label());
        Trace.Row set = t.rows().get(12);
        assertEquals("flusher", who(t, set));
        assertEquals("folio_start_writeback(folio0)", set.label());
        StateView before = beforeLast(t);
        Folio f0 = folio(t.model(), "folio0");
        assertEquals(t.model().threadIndex("truncate"), before.holder(f0.lock));
        assertTrue(before.isSet(f0.writeback));

        // and with that rule off too, the folio is freed while its write I/O is in flight
        ScenarioRunner.Outcome o2 = run(S, "wb-after-unlock", Map.of(), noSetRule.without("cache.remove-locked-no-writeback"));
        assertEquals("folio.free-busy", o2.result().ruleId(), () -> report(o2));
        assertTrue(o2.result().message().contains("folio0 is freed"), o2.result().message());
    }

    /**
     * Issue 10: wb-after-unlock checked without the rule that restates the mutation
     * (writeback.set-under-lock) and without the two rules that catch the removal and the free as they
     * happen: what is left is the consequence itself. Truncate frees folio0 (refcount 0, back to the
     * allocator) while the flusher has PG_writeback set, and then the write I/O runs on the freed memory.
     */
    @Test
    void wbAfterUnlockWithoutTheRestatingRuleWritesFreedMemory() {
        RuleSet consequenceOnly = KernelRules.all().without("writeback.set-under-lock")
                .without("cache.remove-locked-no-writeback").without("folio.free-busy");
        ScenarioRunner.Outcome o = run(S, "wb-after-unlock", Map.of(), consequenceOnly);
        CheckResult r = o.result();
        assertEquals(Verdict.VIOLATED, r.verdict(), () -> report(o));
        assertEquals("folio.use-after-free", r.ruleId(), () -> report(o));
        assertEquals("io-folio0: bio_endio on folio0 after folio0 was freed", r.message());
        // By hand: flusher up to folio_unlock (7); truncate inode_lock, filemap_invalidate_lock, find_get_entry,
        // folio_trylock, the mapping/writeback test, which passes (5); flusher folio_start_writeback,
        // mpage_bio_submit_write, folio_batch_release (3); truncate truncate_cleanup_folio,
        // delete_from_page_cache_batch, folio_unlock, folio_batch_release, which drops the last reference (4);
        // the completion's bio_endio (1) = 20.
        Trace t = r.trace();
        assertEquals(20, t.rows().size(), () -> report(o));
        Folio f0 = folio(t.model(), "folio0");
        Trace.Row free = t.rows().get(18);
        assertEquals("truncate", who(t, free));
        assertEquals("folio_batch_release(folio0)", free.label());
        Semantics sem = new Semantics(t.model());
        StateView afterFree = sem.view(t.states().get(19));
        assertTrue(afterFree.isSet(f0.freed), "truncate's last folio_put frees folio0");
        assertTrue(afterFree.isSet(f0.writeback), "... while its write I/O is in flight");
        Trace.Row io = t.rows().get(19);
        assertEquals("io-folio0", who(t, io));
        assertEquals("bio_endio(folio0)", io.label());
        // with the kernel's order the same rule set holds: the consequence is the mutation's, not the model's
        RuleSet rules = consequenceOnly;
        assertEquals(Verdict.HOLDS, run(S, "kernel", Map.of(), rules).result().verdict());
    }

    @Test
    void truncateWithoutWaitingRemovesThenFreesThenIoTouchesFreedFolio() {
        ScenarioRunner.Outcome o = run(S, "truncate-no-wait");
        CheckResult r = o.result();
        assertTrue(o.matches(), () -> report(o));
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("cache.remove-locked-no-writeback", r.ruleId());
        assertTrue(r.message().contains("truncate removes folio0 from the page cache while its writeback is in flight"),
                r.message());
        // By hand: flusher filemap_get_folios_tag .. folio_start_writeback, folio_unlock (8 steps); truncate
        // inode_lock, filemap_invalidate_lock, pass 1 find_get_entry, folio_trylock (fails: the flusher
        // holds the lock), folio_put; the partial folio at lstart: __filemap_get_folio (filemap_get_entry,
        // folio_lock, its "truncated?" mapping test), truncate_inode_partial_folio without its
        // folio_wait_writeback -> truncate_inode_folio (mapping test, truncate_cleanup_folio,
        // filemap_remove_folio) (11 steps) = 19. Pass 2 never sees folio0: the lookup at index 0 removed it.
        Trace t = r.trace();
        assertEquals(19, t.rows().size(), () -> report(o));
        Trace.Row last = t.rows().get(18);
        assertEquals("truncate", who(t, last));
        assertEquals("filemap_remove_folio(folio0)", last.label());
        Semantics lastSem = new Semantics(t.model());
        int[] beforeRemove = t.states().get(18);
        assertEquals(List.of("truncate_inode_folio", "truncate_inode_partial_folio", "truncate_inode_pages_range", "truncate"),
                lastSem.callStack(beforeRemove, t.model().threadIndex("truncate")));
        assertTrue(t.rows().stream().noneMatch(row -> row.label().startsWith("folio_wait_writeback")));
        assertEquals(8, t.rows().stream().filter(row -> who(t, row).equals("flusher")).count());

        // The README catalogue's wording for this row, "folio freed under writeback", is the next rule: truncate's
        // folio_put after truncate_inode_partial_folio (the reference __filemap_get_folio took) drops the
        // last reference (the flusher dropped its batch reference after submitting, since writeback owns none).
        RuleSet noRemoveRule = KernelRules.all().without("cache.remove-locked-no-writeback");
        ScenarioRunner.Outcome o2 = run(S, "truncate-no-wait", Map.of(), noRemoveRule);
        assertEquals("folio.free-busy", o2.result().ruleId(), () -> report(o2));
        Trace t2 = o2.result().trace();
        Trace.Row free = t2.rows().get(t2.rows().size() - 1);
        assertEquals("truncate", who(t2, free));
        assertEquals("folio_put(folio0)", free.label());
        assertEquals(List.of("truncate_inode_pages_range", "truncate"), new Semantics(t2.model())
                .callStack(t2.states().get(t2.rows().size() - 1), t2.model().threadIndex("truncate")));
        assertTrue(free.changes().contains("folio0.freed: set"), free.changes().toString());
        assertTrue(t2.rows().stream().anyMatch(row -> row.label().equals("mpage_bio_submit_write(folio0)")));

        // ... and then the bio completion touches the freed folio.
        ScenarioRunner.Outcome o3 = run(S, "truncate-no-wait", Map.of(), noRemoveRule.without("folio.free-busy"));
        assertEquals("folio.use-after-free", o3.result().ruleId(), () -> report(o3));
        Trace t3 = o3.result().trace();
        Trace.Row use = t3.rows().get(t3.rows().size() - 1);
        assertEquals("io-folio0", who(t3, use));
        assertEquals("bio_endio(folio0)", use.label());
        assertEquals(t2.rows().size() + 1, t3.rows().size());
    }

    @Test
    void mutantsOfTheKernelOrderFailForEveryWritebackConfiguration() {
        // Mutation check (README: Bounds, Mutation analysis): removing truncate's folio_wait_writeback, or moving
        // folio_start_writeback out of the folio lock, breaks a rule in every sync mode and size;
        // the kernel order holds in all of them.
        for (String sync : List.of("NONE", "ALL")) {
            for (String n : List.of("1", "2")) {
                Map<String, String> base = Map.of("syncMode", sync, "folios", n);
                ScenarioRunner.Outcome ok = run(S, null, base);
                assertEquals(Verdict.HOLDS, ok.result().verdict(), () -> report(ok));

                ScenarioRunner.Outcome noWait = run(S, null, with(base, "truncateWaits", "false"));
                assertEquals(Verdict.VIOLATED, noWait.result().verdict(), () -> report(noWait));
                assertEquals("cache.remove-locked-no-writeback", noWait.result().ruleId());

                ScenarioRunner.Outcome late = run(S, null, with(base, "order", "wb-after-unlock"));
                assertEquals(Verdict.VIOLATED, late.result().verdict(), () -> report(late));
                assertEquals("writeback.set-under-lock", late.result().ruleId());
            }
        }
    }

    @Test
    void activateHandledByTheCallerHolds() {
        ScenarioRunner.Outcome o = run(S, "activate-unlocked");
        CheckResult r = o.result();
        assertTrue(o.matches(), () -> report(o));
        assertEquals(Verdict.HOLDS, r.verdict());
        assertTrue(r.notes().stream().allMatch(n -> n.startsWith(ScenarioRunner.SIZES_NOTE)), () -> r.notes().toString());
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, r.goals().get(TruncateWritebackScenario.TRUNCATED).answer());
        // the witness: ttm_backup_backup_page unlocks after shmem_writeout returned AOP_WRITEPAGE_ACTIVATE,
        // and shmem_undo_range's pass 1 (trylock) then removes and frees the folio
        Trace w = Trace.replay(r.model(), r.goals().get(TruncateWritebackScenario.TRUNCATED).witness());
        assertTrue(w.rows().stream().anyMatch(row -> who(w, row).equals("ttm-backup") && row.label().equals("folio_unlock(folio0)")));
        assertTrue(w.rows().stream().anyMatch(row -> who(w, row).equals("ttm-drop") && row.label().equals("folio_trylock(folio0)")
                && row.changes().contains("folio0.locked: held by ttm-drop")));
    }

    @Test
    void activateIgnoredLeaksTheFolioLockAndTruncationSleepsForever() {
        ScenarioRunner.Outcome o = run(S, "activate-ignored");
        CheckResult r = o.result();
        assertTrue(o.matches(), () -> report(o));
        assertEquals(Verdict.DEADLOCK, r.verdict());
        String expl = String.join("\n", r.explanation());
        assertTrue(expl.contains("ttm-drop blocked in folio_lock(folio0)"), expl);
        assertTrue(expl.contains("waits for folio0.locked held by ttm-backup"), expl);
        assertTrue(expl.contains("folio0.locked is held by ttm-backup, which has exited: the lock is leaked"), expl);
        // By hand: ttm-backup shmem_read_folio_gfp, folio_lock, folio_mark_dirty, folio_clear_dirty_for_io,
        // folio_set_reclaim, shmem_writeout's mapping->host read and folio_mark_dirty (returns ACTIVATE, folio
        // locked), the !folio_test_writeback test, folio_clear_reclaim, folio_put, ttm_backup_backup_page's return of
        // the handle (11); ttm-drop ttm_backup_drop; shmem_truncate_range -> shmem_undo_range: pass 1 find_get_entry,
        // folio_trylock (fails), folio_put; shmem_get_partial_folio(lstart >> PAGE_SHIFT = 0):
        // filemap_get_entry (5) = 16 steps, then its folio_lock blocks. (ttm_backup_drop truncates one page,
        // same_folio is true, and pass 2 is never reached.)
        Trace t = r.trace();
        assertEquals(16, t.rows().size(), () -> report(o));
        assertFalse(t.rows().stream().anyMatch(row -> row.label().startsWith("folio_unlock")), "nobody unlocks folio0");
        assertEquals("shmem_writeout(inode = folio0->mapping->host)", t.rows().get(5).label());
        Trace.Row trylock = t.rows().get(13);
        assertEquals("ttm-drop", who(t, trylock));
        assertEquals("folio_trylock(folio0)", trylock.label());
        assertTrue(trylock.changes().isEmpty(), "pass 1's trylock fails on the leaked lock");
        assertEquals("filemap_get_entry(backup, folio0)", t.rows().get(15).label());
        // the blocked thread sits in shmem_get_partial_folio's folio_lock, the backup thread has exited
        Semantics sem = new Semantics(t.model());
        int drop = t.model().threadIndex("ttm-drop");
        assertEquals(List.of("shmem_get_partial_folio", "shmem_undo_range", "shmem_truncate_range", "ttm-drop"),
                sem.callStack(t.last(), drop));
        assertEquals("folio_lock", sem.function(t.last(), drop));
        assertTrue(sem.finished(t.last(), t.model().threadIndex("ttm-backup")));
        assertEquals(t.model().threadIndex("ttm-backup"), sem.view(t.last()).holder(folio(t.model(), "folio0").lock));
    }
}
