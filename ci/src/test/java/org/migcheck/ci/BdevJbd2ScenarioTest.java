package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.ci.ScenarioTestSupport.assertSmallAndFast;
import static org.migcheck.ci.ScenarioTestSupport.labels;
import static org.migcheck.ci.ScenarioTestSupport.lastRow;
import static org.migcheck.ci.ScenarioTestSupport.lastRowIndex;
import static org.migcheck.ci.ScenarioTestSupport.model;
import static org.migcheck.ci.ScenarioTestSupport.run;
import static org.migcheck.ci.ScenarioTestSupport.var;

import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.BdevJbd2Scenario;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * docs/scenarios/bdev-jbd2.md / README: The scenario catalogue "block-device migration vs jbd2": each variant's verdict and rule,
 * facts of its shortest counterexample derived by hand from the model, reachability of "migrated",
 * non-vacuity of the holding variants (the interesting interleavings are reachable), and mutants
 * that remove one check and must break a rule.
 */
class BdevJbd2ScenarioTest {
    private final Scenario scenario = BdevJbd2Scenario.scenario();

    /**
     * The migrator's steps for a successful buffer_migrate_folio (no b_count check) of F with one
     * buffer head: isolate_migratepages_block, compaction_alloc, folio_trylock(F), folio_test_writeback,
     * folio_trylock(D), !folio_buffers, folio_ref_count check, trylock_buffer, __migrate_folio's
     * folio_ref_count check, folio_mc_copy, xas_lock_irq, folio_ref_freeze, xas_unlock,
     * folio_attach_private, folio_migrate_flags, folio_set_bh, unlock_buffer, folio_add_lru,
     * folio_unlock(D), folio_put(D), folio_unlock(F), migrate_folio_done(F).
     */
    private static final int MIGRATE_NO_CHECK_STEPS = 22;

    /**
     * The migrator up to the copy under i_private_lock (pre-2d900efff915 norefs): isolate, alloc,
     * trylock F, writeback test, trylock D, !folio_buffers, refcount check, trylock_buffer,
     * spin_lock(i_private_lock), atomic_read(b_count), __migrate_folio's refcount check, folio_mc_copy.
     */
    private static final int STEPS_TO_COPY_UNDER_PRIVATE_LOCK = 12;

    /**
     * Whether some reachable state satisfies {@code p}: an unreduced breadth-first enumeration with
     * the model's own semantics (no rules), for non-vacuity checks of holding variants.
     */
    private static boolean someReachable(Model m, BiPredicate<Semantics, int[]> p) {
        boolean[] found = {false};
        ScenarioTestSupport.enumerate(m, (sem, s) -> {
            found[0] = p.test(sem, s);
            return !found[0]; // stop at the first match
        });
        return found[0];
    }

    /** Thread {@code name}'s next transition in {@code s} has a label starting with {@code prefix}. */
    private static BiPredicate<Semantics, int[]> next(Model m, String name, String prefix) {
        int t = m.threadIndex(name);
        return (sem, s) -> !sem.finished(s, t) && sem.label(s, t, 0).startsWith(prefix);
    }

    @Test
    void registeredInTheCatalogueWithEveryDesignRow() {
        assertNotNull(Catalogue.find(BdevJbd2Scenario.ID));
        assertEquals(List.of("no-refcount-check", "norefs", "norefs-dirty", "private-lock-across-copy",
                        "private-lock-small-folio", "fallback-dirty-sync-light", "fallback-dirty-sync", "fallback-clean",
                        "cancel-revoke-writeback", "cancel-revoke-migrate", "cancel-revoke-fixed", "lookup-ignores-bh-migrate"),
                scenario.variants().stream().map(Variant::name).toList());
    }

    /**
     * v6.19 norefs with the sleeping metadata update: its folio_lock and lock_buffer make the migrator's
     * folio_trylock and trylock_buffer fail, so migrate_folio_unmap's give-up tests (PF_MEMALLOC, the
     * SYNC_LIGHT !uptodate check) and buffer_migrate_lock_buffers' lock_buffer run; the dirty variant,
     * with the flusher instead, explores another state space.
     */
    @Test
    void norefsMeetsBothLocksHeldAndDiffersFromTheDirtyVariant() {
        CheckResult clean = run(scenario, "norefs").result();
        List<String> unreached = clean.unreached().stream().map(CheckResult.Unreached::step).toList();
        for (String step : List.of("migrate_folio_unmap/compaction_alloc: if current->flags & PF_MEMALLOC",
                "migrate_folio_unmap/compaction_alloc: if folio_test_uptodate",
                "migrate_folio_unmap/compaction_alloc: folio_lock",
                "buffer_migrate_lock_buffers: lock_buffer")) {
            assertFalse(listed(unreached, step), step + " unreached: " + unreached);
        }
        // the nonatomic lookup's WARN_ON(!atomic) never fires: BH_Migrate is set only under the folio lock
        assertTrue(listed(unreached, "__find_get_block_slow/nonatomic: assert"), unreached.toString());
        CheckResult dirty = run(scenario, "norefs-dirty").result();
        assertTrue(dirty.stats().distinct() != clean.stats().distinct(), "same state count " + clean.stats().distinct());
        List<String> dirtyUnreached = dirty.unreached().stream().map(CheckResult.Unreached::step).toList();
        assertFalse(listed(dirtyUnreached, "flusher: folio_start_writeback"), dirtyUnreached.toString());
        assertTrue(listed(unreached, "flusher: folio_start_writeback"), "a clean folio is never written back");
    }

    /** {@code step} is in the unreached list, alone or as one of several numbered copies ("step [i/n]"). */
    private static boolean listed(List<String> unreached, String step) {
        return unreached.stream().anyMatch(u -> u.equals(step) || u.startsWith(step + " ["));
    }

    @Test
    void everyVariantMeetsItsExpectationQuickly() {
        for (Variant v : scenario.variants()) {
            ScenarioRunner.Outcome o = run(scenario, v.name());
            assertTrue(o.matches(), o.title() + ": expected " + v.expect().describe() + ", got " + o.actual());
            assertSmallAndFast(o.title(), o.result());
        }
    }

    /**
     * docs/scenarios/bdev-jbd2.md: J aliases F through new_bh (no folio reference), the migrator (no b_count
     * check) moves F to D and frees F while the journal write still references F's memory.
     */
    @Test
    void proposalWithoutRefcountCheckFreesTheFolioUnderJournalIo() {
        ScenarioRunner.Outcome o = run(scenario, "no-refcount-check");
        CheckResult r = o.result();
        assertEquals(Verdict.VIOLATED, r.verdict(), o.actual());
        assertEquals("folio.free-busy", r.ruleId());
        assertTrue(r.message().contains("F"), r.message());
        Model m = r.model();
        int migrator = m.threadIndex("migrator");
        int jbd2 = m.threadIndex("jbd2");
        Trace t = r.trace();
        // the shortest schedule: the whole migration plus the two jbd2 steps up to new_bh aliasing F: the
        // commit's own atomic_inc of bh0's b_count (phase 2), then jbd2_journal_write_metadata_buffer
        assertEquals(MIGRATE_NO_CHECK_STEPS + 2, r.schedule().length);
        assertEquals(List.of("atomic_inc(bh0->b_count)", "jbd2_journal_write_metadata_buffer(bh0)"), labels(t, jbd2));
        assertEquals(migrator, lastRow(t).thread());
        assertEquals("migrate_folio_done(F)", lastRow(t).label());
        // new_bh picked up bh0->b_folio before the migrator repointed bh0 at D
        assertTrue(lastRowIndex(t, jbd2, "jbd2_journal_write_metadata_buffer") < lastRowIndex(t, migrator, "folio_set_bh(bh0, D)"));
        // the buffer check of buffer_migrate_folio_norefs never ran
        assertEquals(-1, lastRowIndex(t, migrator, "atomic_read"));
        int[] end = t.last();
        assertEquals(1, end[var(m, "F.io_refs").slot()]);
        assertEquals(1, end[var(m, "F.freed").slot()]);
        assertEquals(0, end[var(m, "new_bh.b_folio").slot()], "new_bh still points into F (folio id 0)");
        assertEquals(1, end[var(m, "D.in_cache").slot()]);
    }

    /**
     * 981fcc5674e6: v6.15's jbd2_journal_cancel_revoke looks the block up under the buffer lock, and the
     * sleeping lookup takes the folio lock: the mm order folio -> buffer is broken at mkdir's folio_lock, and
     * without the order rules the ABBA is a deadlock, with sync_blockdev's flusher (the fix's changelog) and
     * with the migrator (compaction in SYNC_LIGHT on an uptodate buffer). The fix holds with both partners.
     */
    @Test
    void cancelRevokeLookupUnderTheBufferLockDeadlocks() {
        RuleSet noOrder = KernelRules.all().without("lock-order.hierarchy").without("lock-order.cycle");
        Map<String, String> partnerOf = Map.of("cancel-revoke-writeback", "flusher", "cancel-revoke-migrate", "migrator");
        for (Map.Entry<String, String> v : partnerOf.entrySet()) {
            ScenarioRunner.Outcome o = run(scenario, v.getKey());
            CheckResult r = o.result();
            assertTrue(o.matches(), o.actual());
            assertEquals("lock-order.hierarchy", r.ruleId());
            assertEquals("folio_lock(F)", lastRow(r.trace()).label(), v.getKey());
            assertEquals(r.model().threadIndex("mkdir"), lastRow(r.trace()).thread());

            CheckResult d = run(scenario, v.getKey(), Map.of(), noOrder).result();
            assertEquals(Verdict.DEADLOCK, d.verdict(), v.getKey() + ": " + d.verdict());
            Model m = d.model();
            Semantics sem = new Semantics(m);
            int[] end = d.trace().last();
            int mk = m.threadIndex("mkdir");
            int partner = m.threadIndex(v.getValue());
            assertEquals("folio_lock", sem.function(end, mk), v.getKey());
            assertEquals("lock_buffer", sem.function(end, partner), v.getKey());
            org.migcheck.model.lang.StateView sv = sem.view(end);
            assertEquals(mk, sv.holder(ScenarioTestSupport.lock(m, "bh0.BH_Lock")), v.getKey());
            assertEquals(partner, sv.holder(ScenarioTestSupport.lock(m, "F.locked")), v.getKey());
        }
        ScenarioRunner.Outcome fixed = run(scenario, "cancel-revoke-fixed");
        assertTrue(fixed.matches(), fixed.actual());
        assertEquals(Verdict.HOLDS, fixed.result().verdict());
        // the fix also holds without the order rules, and with sync_blockdev's flusher as the partner
        assertEquals(Verdict.HOLDS, run(scenario, "cancel-revoke-fixed", Map.of(), noOrder).result().verdict());
        assertEquals(Verdict.HOLDS, run(scenario, "cancel-revoke-writeback", Map.of("cancelRevokeLookup", "false"))
                .result().verdict());
        assertEquals(Verdict.HOLDS, run(scenario, "cancel-revoke-writeback", Map.of("cancelRevokeLookup", "false"), noOrder)
                .result().verdict());
    }

    /** Without the free-busy rule the same bug shows as the journal I/O reading the freed folio. */
    @Test
    void journalIoThenReadsTheFreedFolio() {
        RuleSet rules = KernelRules.all().without("folio.free-busy");
        ScenarioRunner.Outcome o = run(scenario, "no-refcount-check", Map.of(), rules);
        CheckResult r = o.result();
        assertEquals(Verdict.VIOLATED, r.verdict(), o.actual());
        assertEquals("folio.use-after-free", r.ruleId());
        Trace t = r.trace();
        assertEquals(r.model().threadIndex("jbd2"), lastRow(t).thread());
        assertTrue(lastRow(t).label().startsWith("blk_mq_dispatch_rq_list(journal write reads new_bh->b_data in F"), lastRow(t).label());
        // + atomic_inc(b_count), jbd2_journal_write_metadata_buffer, lock_buffer(new_bh), submit_bh and the device
        // read after the migration freed F
        assertEquals(MIGRATE_NO_CHECK_STEPS + 5, r.schedule().length);
    }

    /** The violation needs the journal's alias: without jbd2 the same migration is fine. */
    @Test
    void proposalWithoutJournalIsHarmless() {
        ScenarioRunner.Outcome o = run(scenario, "no-refcount-check", Map.of("jbd2", "false"));
        assertEquals(Verdict.HOLDS, o.result().verdict(), o.actual());
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, o.result().goals().get(BdevJbd2Scenario.GOAL_MIGRATED).answer());
    }

    /** docs/scenarios/bdev-jbd2.md: norefs holds, F can still be migrated once the journal and the lookup let go. */
    @Test
    void norefsHoldsAndStillMigrates() {
        ScenarioRunner.Outcome o = run(scenario, "norefs");
        CheckResult r = o.result();
        assertEquals(Verdict.HOLDS, r.verdict(), o.actual());
        assertTrue(r.notes().stream().allMatch(n -> n.startsWith(ScenarioRunner.SIZES_NOTE)), r.notes().toString());
        CheckResult.GoalResult g = r.goals().get(BdevJbd2Scenario.GOAL_MIGRATED);
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, g.answer());
        Model m = r.model();
        Trace w = Trace.replay(m, g.witness());
        int migrator = m.threadIndex("migrator");
        int jbd2 = m.threadIndex("jbd2");
        // the commit's own b_count (atomic_inc .. __brelse after the journal I/O) and the journal_head's must
        // both be gone before the migrator's (last) b_count scan passes
        int put = lastRowIndex(w, jbd2, "jbd2_journal_put_journal_head(bh0)");
        int brelse = lastRowIndex(w, jbd2, "__brelse(bh0");
        assertTrue(put >= 0);
        assertTrue(brelse >= 0 && brelse < put);
        assertTrue(lastRowIndex(w, jbd2, "journal_end_buffer_io_sync(new_bh; clear_bit_unlock(BH_Shadow, bh0))") < brelse);
        assertTrue(put < lastRowIndex(w, migrator, "atomic_read(bh0->b_count)"));
        assertTrue(lastRowIndex(w, migrator, "test_and_set_bit_lock(BH_Migrate, bh0)") >= 0);
        assertTrue(lastRow(w).label().startsWith("folio_ref_freeze(F, 3;"), lastRow(w).label());
    }

    /** The holding variant is not vacuous: every check of docs/scenarios/bdev-jbd2.md is exercised. */
    @Test
    void norefsExercisesEveryCheck() {
        Model m = model(scenario, "norefs", Map.of());
        Var ioRefs = var(m, "F.io_refs");
        int migrator = m.threadIndex("migrator");
        Var fLock = var(m, "F.locked");
        // the atomic lookup sees BH_Migrate and bails
        assertTrue(someReachable(m, next(m, "lookup", "test_bit_acquire(BH_Migrate, bh0) -> true")));
        // the scan finds a b_count and flushes the bh LRUs once
        assertTrue(someReachable(m, next(m, "migrator", "invalidate_bh_lrus")));
        // and gives up: putback_movable_pages puts F back on the LRU
        assertTrue(someReachable(m, next(m, "migrator", "folio_putback_lru(F)")));
        // during the journal I/O bh0 carries the journal_head's b_count and the commit's own (phase 2 atomic_inc)
        Var bCount = var(m, "bh0.b_count");
        assertTrue(someReachable(m, next(m, "jbd2", "blk_mq_dispatch_rq_list").and((sem, s) -> s[bCount.slot()] >= 2)));
        assertFalse(someReachable(m, next(m, "jbd2", "blk_mq_dispatch_rq_list").and((sem, s) -> s[bCount.slot()] < 2)));
        // the journal I/O on F runs while the migrator holds F locked
        assertTrue(someReachable(m, next(m, "jbd2", "blk_mq_dispatch_rq_list").and(
                (sem, s) -> s[ioRefs.slot()] == 1 && s[fLock.slot()] == migrator + 1)));
    }

    @Test
    void norefsWithTwoBuffersAndAPinnedLruSlotHolds() {
        ScenarioRunner.Outcome o = run(scenario, "norefs", Map.of("buffers", "2", "bhLru", "true"));
        assertEquals(Verdict.HOLDS, o.result().verdict(), o.actual());
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, o.result().goals().get(BdevJbd2Scenario.GOAL_MIGRATED).answer());
    }

    /** The 2017 motivation: a dirty bdev folio moves in SYNC_LIGHT, and PG_dirty moves with it. */
    @Test
    void norefsMigratesADirtyFolio() {
        ScenarioRunner.Outcome o = run(scenario, "norefs-dirty");
        CheckResult r = o.result();
        assertEquals(Verdict.HOLDS, r.verdict(), o.actual());
        CheckResult.GoalResult g = r.goals().get(BdevJbd2Scenario.GOAL_MIGRATED);
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, g.answer());
        Model m = r.model();
        int[] end = Trace.replay(m, g.witness()).last();
        assertEquals(1, end[var(m, "D.dirty").slot()]);
        assertEquals(0, end[var(m, "F.dirty").slot()]);
    }

    /** docs/scenarios/bdev-jbd2.md: before 2d900efff915 folio_mc_copy's cond_resched runs under i_private_lock. */
    @Test
    void privateLockAcrossTheCopyOfALargeFolioSleepsInAtomicContext() {
        ScenarioRunner.Outcome o = run(scenario, "private-lock-across-copy");
        CheckResult r = o.result();
        assertEquals(Verdict.VIOLATED, r.verdict(), o.actual());
        assertEquals("atomic.sleep", r.ruleId());
        assertTrue(r.message().contains("cond_resched") && r.message().contains("bdev.i_private_lock"), r.message());
        Model m = r.model();
        Trace t = r.trace();
        assertEquals(STEPS_TO_COPY_UNDER_PRIVATE_LOCK, r.schedule().length);
        assertTrue(lastRow(t).label().startsWith("folio_mc_copy(D, F"), lastRow(t).label());
        int[] before = t.states().get(t.rows().size() - 1);
        assertEquals(m.threadIndex("migrator") + 1, before[var(m, "bdev.i_private_lock").slot()]);
        // no BH_Migrate in that kernel
        assertEquals(-1, lastRowIndex(t, m.threadIndex("migrator"), "test_and_set_bit_lock"));
    }

    /** The fix (BH_Migrate, spinlock only around the scan) removes the violation; order-0 folios never had it. */
    @Test
    void bhMigrateFixAndSmallFoliosHold() {
        ScenarioRunner.Outcome fixed = run(scenario, "private-lock-across-copy", Map.of("bhMigrate", "true"));
        assertEquals(Verdict.HOLDS, fixed.result().verdict(), fixed.actual());
        ScenarioRunner.Outcome small = run(scenario, "private-lock-small-folio");
        assertEquals(Verdict.HOLDS, small.result().verdict(), small.actual());
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, small.result().goals().get(BdevJbd2Scenario.GOAL_MIGRATED).answer());
        // with the old scheme the lookup spins on i_private_lock while the migrator copies under it
        Model m = model(scenario, "private-lock-small-folio", Map.of());
        Var priv = var(m, "bdev.i_private_lock");
        int migrator = m.threadIndex("migrator");
        assertTrue(someReachable(m, next(m, "lookup", "spin_lock(bdev.i_private_lock)").and(
                next(m, "migrator", "folio_mc_copy")).and((sem, s) -> s[priv.slot()] == migrator + 1)));
    }

    /** README: The scenario catalogue: fallback_migrate_folio, dirty folio, MIGRATE_SYNC_LIGHT: holds, never migrated. */
    @Test
    void fallbackNeverMigratesADirtyFolioInSyncLight() {
        ScenarioRunner.Outcome o = run(scenario, "fallback-dirty-sync-light");
        CheckResult r = o.result();
        assertEquals(Verdict.HOLDS, r.verdict(), o.actual());
        assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, r.goals().get(BdevJbd2Scenario.GOAL_MIGRATED).answer());
        // compaction's ISOLATE_ASYNC_MIGRATE already skips a dirty folio of a mapping without ->migrate_folio
        Model m = model(scenario, "fallback-dirty-sync-light", Map.of());
        Var isolated = var(m, "F.isolated");
        assertFalse(someReachable(m, (sem, s) -> s[isolated.slot()] == 1));
    }

    /** In MIGRATE_SYNC the dirty folio is isolated, and fallback_migrate_folio itself refuses it (v6.16+). */
    @Test
    void fallbackRefusesADirtyFolioEvenInSync() {
        ScenarioRunner.Outcome o = run(scenario, "fallback-dirty-sync");
        CheckResult r = o.result();
        assertEquals(Verdict.HOLDS, r.verdict(), o.actual());
        assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, r.goals().get(BdevJbd2Scenario.GOAL_MIGRATED).answer());
        Model m = model(scenario, "fallback-dirty-sync", Map.of());
        assertTrue(someReachable(m, next(m, "migrator", "folio_test_dirty(F) -> true")));
    }

    /**
     * A clean folio: try_to_free_buffers refuses while the journal_head holds b_count, then frees the
     * buffers and migrates. A buffer pinned in the bh LRU blocks the fallback forever (the 2018
     * changelog), while norefs flushes the LRUs.
     */
    @Test
    void fallbackCleanMigratesUnlessTheBhLruPinsTheBuffer() {
        ScenarioRunner.Outcome clean = run(scenario, "fallback-clean");
        assertEquals(Verdict.HOLDS, clean.result().verdict(), clean.actual());
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, clean.result().goals().get(BdevJbd2Scenario.GOAL_MIGRATED).answer());
        Model m = model(scenario, "fallback-clean", Map.of());
        Var bhFolio = var(m, "bh0.b_folio");
        assertTrue(someReachable(m, next(m, "migrator", "drop_buffers(F)").and(next(m, "jbd2", "blk_mq_dispatch_rq_list"))));
        assertTrue(someReachable(m, (sem, s) -> s[bhFolio.slot()] == -1));

        ScenarioRunner.Outcome pinned = run(scenario, "fallback-clean", Map.of("bhLru", "true"));
        assertEquals(Verdict.HOLDS, pinned.result().verdict(), pinned.actual());
        assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, pinned.result().goals().get(BdevJbd2Scenario.GOAL_MIGRATED).answer());
        ScenarioRunner.Outcome norefs = run(scenario, "norefs", Map.of("bhLru", "true"));
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, norefs.result().goals().get(BdevJbd2Scenario.GOAL_MIGRATED).answer());
    }

    /** Mutant: the atomic lookup without the BH_Migrate test reads a freed folio through bh->b_data. */
    @Test
    void lookupWithoutBhMigrateTestReadsAFreedFolio() {
        ScenarioRunner.Outcome o = run(scenario, "lookup-ignores-bh-migrate");
        CheckResult r = o.result();
        assertEquals(Verdict.VIOLATED, r.verdict(), o.actual());
        assertEquals("folio.use-after-free", r.ruleId());
        Model m = r.model();
        int migrator = m.threadIndex("migrator");
        int lookup = m.threadIndex("lookup");
        Trace t = r.trace();
        assertEquals(lookup, lastRow(t).thread());
        assertEquals("memcpy(from bh0->b_data in F)", lastRow(t).label());
        // the lookup took its b_count after the migrator's scan under i_private_lock had passed
        int scan = lastRowIndex(t, migrator, "atomic_read(bh0->b_count)");
        int get = lastRowIndex(t, lookup, "get_bh(bh0)");
        assertTrue(scan >= 0 && scan < get, "scan " + scan + ", get_bh " + get);
        // it loaded b_data before the repoint, and F was freed before the read
        assertTrue(lastRowIndex(t, lookup, "READ_ONCE(bh0->b_data)") < lastRowIndex(t, migrator, "folio_set_bh(bh0, D)"));
        assertTrue(lastRowIndex(t, migrator, "migrate_folio_done(F)") < t.rows().size() - 1);

        // the same mutant breaks the holding v6.19 variant (with the journal too)
        ScenarioRunner.Outcome mutant = run(scenario, "norefs", Map.of("lookupChecksBhMigrate", "false"));
        assertEquals(Verdict.VIOLATED, mutant.result().verdict(), mutant.actual());
        assertEquals("folio.use-after-free", mutant.result().ruleId());
    }

    /** Mutant of the holding variant: no b_count check (buffer_migrate_folio) breaks a rule. */
    @Test
    void norefsWithoutTheRefcountCheckFails() {
        ScenarioRunner.Outcome mutant = run(scenario, "norefs", Map.of("migrateFolio", "buffer_migrate_folio"));
        assertEquals(Verdict.VIOLATED, mutant.result().verdict(), mutant.actual());
        assertEquals("folio.free-busy", mutant.result().ruleId());
    }
}
