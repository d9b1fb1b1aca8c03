package org.migcheck.model.scenarios;

import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.Shmem;
import org.migcheck.model.mm.Truncate;
import org.migcheck.model.mm.Writeback;

/**
 * Writeback vs truncate, and AOP_WRITEPAGE_ACTIVATE (docs/scenarios/truncate-writeback.md).
 *
 * <p>{@code writer=flusher}: WB ({@code mpage_writepages}: writeback_iter, folio_lock,
 * folio_prepare_writeback, folio_start_writeback, folio_unlock, submit) races T
 * ({@code truncate_inode_pages_range} under i_rwsem and invalidate_lock) while IO threads complete
 * the bios ({@code folio_end_writeback}). Writeback owns no folio reference; only truncation's
 * folio_lock + folio_wait_writeback keeps the folio in the page cache (and so allocated) until its I/O
 * is done.
 *
 * <p>{@code writer=ttm-backup}: the AOP_WRITEPAGE_ACTIVATE caller modelled is
 * drivers/gpu/drm/ttm/ttm_backup.c {@code ttm_backup_backup_page}, which locks a folio of its shmem
 * backup file and calls {@code shmem_writeout}; without swap the redirty path returns
 * AOP_WRITEPAGE_ACTIVATE with the folio still locked, and the caller must unlock it
 * ("if (ret) folio_unlock(to_folio);"). A later {@code ttm_backup_drop} truncates the backed-up page
 * ({@code shmem_truncate_range} of one page), whose shmem_undo_range, after its trylock pass, sleeps in
 * folio_lock in {@code shmem_get_partial_folio}.
 */
public final class TruncateWritebackScenario {
    private TruncateWritebackScenario() {}

    public static final String ID = "truncate-writeback";

    /** Reachability goal: every folio of the mapping left the page cache and was freed. */
    public static final String TRUNCATED = "truncated";

    /**
     * Reachability goal (writer=flusher): truncate holds the lock of a folio whose writeback is in
     * flight, i.e. the race the lock + wait protocol exists for is exercised.
     */
    public static final String TRUNCATE_MEETS_WRITEBACK = "truncate-meets-writeback";

    private static final String SKIPPED = "a folio find_lock_entries skips is truncated later by the partial-folio step or"
            + " pass 2, which lock it and wait on its writeback (the truncate.range-empty assertion checks nothing is left)";
    private static final String SKIPPED_SHMEM = "a folio shmem_undo_range's trylock pass skips is removed by its partial-folio"
            + " step (shmem_get_partial_folio locks it, truncate_inode_partial_folio waits on its writeback)";
    private static final String NO_DURABILITY = "outside the model: skipping the write-out leaves the folio dirty, and the"
            + " model has no rule that dirty data reaches the disk";

    /**
     * The survivors of the flusher's holding knob combinations (migcheck mutate truncate-writeback --variant kernel,
     * also with --set folios=N), at any number of folios (checked at 1 to 4 in NONE mode, 1 to 3 in ALL mode).
     */
    static Expect flusherSurvivors(Expect e, Knobs k) {
        int n = k.integer("folios");
        String syncAllWait = "in WB_SYNC_ALL the branch only calls folio_wait_writeback, which returns at once when no writeback is in flight";
        if (n == 1) {
            // find_lock_entries' test is unrolled once per folio of the mapping
            e = flusherSurvivors(e).survives("test-true find_lock_entries: if folio->mapping != mapping || folio_test_writeback", SKIPPED);
            return k.is("syncMode", "ALL") ? e.survives("test-true folio_prepare_writeback: if folio_test_writeback", syncAllWait) : e;
        }
        for (int i = 1; i <= n; i++) {
            e = e.survives("test-true find_lock_entries: if folio->mapping != mapping || folio_test_writeback #" + i, SKIPPED);
        }
        // with more than one folio, the others start under writeback, so truncate meets writeback even when the
        // flusher skips folio0 (with one folio, a forced skip loses the truncate-meets-writeback goal: killed)
        return flusherSurvivors(e)
                .survives("test-true folio_prepare_writeback: if folio->mapping != mapping", NO_DURABILITY)
                .survives("test-true folio_prepare_writeback: if !folio_test_dirty", NO_DURABILITY)
                .survives("test-true folio_prepare_writeback: if folio_test_writeback", k.is("syncMode", "ALL") ? syncAllWait
                        : "in WB_SYNC_NONE the branch skips the folio (" + NO_DURABILITY + ")");
    }

    /** Survivors common to the flusher variants (migcheck mutate truncate-writeback --variant kernel). */
    private static Expect flusherSurvivors(Expect e) {
        String inodeLocks = "i_rwsem and invalidate_lock exclude other truncates, writes and page faults, none of which this"
                + " model has; writeback takes neither";
        return e.survives("no-lock truncate: inode_lock", inodeLocks)
                .survives("no-lock truncate: filemap_invalidate_lock", inodeLocks)
                .survives("test-false folio_prepare_writeback: if folio->mapping != mapping", "model limitation: nothing here"
                        + " dirties a folio after truncation cancelled its PG_dirty (truncate_cleanup_folio -> folio_cancel_dirty),"
                        + " so the !folio_test_dirty test that follows skips a truncated folio; the kernel lets a truncated folio"
                        + " be dirtied again (folio_mark_dirty -> noop_dirty_folio), and there this check is what keeps"
                        + " mpage_write_folio off mapping->host");
    }

    static final List<Knob> KNOBS = List.of(
            Knob.choice("writer", "flusher", "who writes the folio: the flusher through writeback_iter + "
                    + "mpage_writepages (raced by truncate_inode_pages_range), or ttm_backup_backup_page calling "
                    + "shmem_writeout (followed by shmem_truncate_range)", "flusher", "ttm-backup"),
            Knob.choice("order", "kernel", "flusher only: mpage_write_folio sets PG_writeback before "
                    + "folio_unlock (kernel) or after it (wb-after-unlock)", "kernel", "wb-after-unlock").onlyWith("writer", "flusher"),
            Knob.bool("truncateWaits", true, "flusher only: truncate_inode_pages_range calls folio_wait_writeback "
                    + "(in truncate_inode_partial_folio and in pass 2)").onlyWith("writer", "flusher"),
            Knob.bool("activateIgnored", false, "ttm-backup only: ttm_backup_backup_page drops "
                    + "'if (ret) folio_unlock(to_folio)'").onlyWith("writer", "ttm-backup"),
            Knob.choice("syncMode", "NONE", "flusher only: wbc->sync_mode; WB_SYNC_NONE skips a folio under "
                    + "writeback, WB_SYNC_ALL waits for it", "NONE", "ALL").onlyWith("writer", "flusher"),
            Knob.range("folios", 1, 4, 1, "flusher only: folios in the mapping; folio1..folioN-1 start under "
                    + "writeback (bio in flight) and redirtied (ttm-backup always has one folio)").onlyWith("writer", "flusher"));

    public static Scenario scenario() {
        BaseScenario.Builder s = BaseScenario.builder(ID);
        KNOBS.forEach(s::knob);
        return s
                .title("writeback vs truncate (PG_writeback set under the folio lock, truncate waits), and AOP_WRITEPAGE_ACTIVATE")
                .reference("docs/scenarios/truncate-writeback.md; mm/page-writeback.c writeback_iter, folio_prepare_writeback; fs/mpage.c; "
                        + "mm/truncate.c truncate_inode_pages_range; mm/shmem.c shmem_writeout, shmem_undo_range; "
                        + "drivers/gpu/drm/ttm/ttm_backup.c ttm_backup_backup_page")
                .model(TruncateWritebackScenario::build)
                .expect(TruncateWritebackScenario::expect)
                .variant("kernel", Map.of(), expect(Knobs.resolve(ID, KNOBS, Map.of())),
                        "shipped v6.19 (the long-standing protocol): lock, folio_start_writeback, unlock, submit; truncate "
                                + "locks and waits for writeback")
                .variant("kernel-sync-all", Map.of("syncMode", "ALL", "folios", "2"),
                        expect(Knobs.resolve(ID, KNOBS, Map.of("syncMode", "ALL", "folios", "2"))),
                        "shipped v6.19: as kernel, WB_SYNC_ALL, with a second folio already under writeback and redirtied")
                .variant("wb-after-unlock", Map.of("order", "wb-after-unlock"), Expect.violated("writeback.set-under-lock"),
                        "mutation: mpage_write_folio unlocks before folio_start_writeback; writeback.set-under-lock restates "
                                + "the mutation, and with it (and the removal and free rules) off truncate frees the folio and "
                                + "the bio completes on freed memory (TruncateWritebackScenarioTest)")
                .variant("truncate-no-wait", Map.of("truncateWaits", "false"),
                        Expect.violated("cache.remove-locked-no-writeback"),
                        "mutation: truncate_inode_pages_range without folio_wait_writeback (truncate_inode_partial_folio "
                                + "and pass 2); the folio is then freed under writeback")
                .variant("activate-unlocked", Map.of("writer", "ttm-backup"), expect(Knobs.resolve(ID, KNOBS, Map.of("writer", "ttm-backup"))),
                        "shipped v6.19: ttm_backup_backup_page unlocks the folio that shmem_writeout returned locked "
                                + "(AOP_WRITEPAGE_ACTIVATE)")
                .variant("activate-ignored", Map.of("writer", "ttm-backup", "activateIgnored", "true"), Expect.deadlock(),
                        "mutation: the caller ignores AOP_WRITEPAGE_ACTIVATE: the folio lock leaks and shmem_truncate_range "
                                + "sleeps in folio_lock (shmem_get_partial_folio) forever")
                .build();
    }

    static Model build(Knobs k) {
        return k.is("writer", "ttm-backup") ? buildTtm(k) : buildFlusher(k);
    }

    /**
     * The expectation for any knob values: the variants' verdicts at any number of folios (the folios
     * beyond folio0 start under writeback, so truncate meets writeback whatever their number); null
     * when two defects are combined.
     */
    static Expect expect(Knobs k) {
        if (k.is("writer", "ttm-backup")) {
            return k.flag("activateIgnored") ? Expect.deadlock() : Expect.holds().reach(TRUNCATED, true)
                    .survives("swap ttm-backup: folio_lock <> folio_mark_dirty", "ttm-drop's truncate starts only"
                            + " after ttm-backup has published its handle (its last step), and no other thread reads"
                            + " folio0's PG_dirty before that")
                    .survives("test-false ttm-backup: if !folio_test_writeback", "PG_reclaim left set after the"
                            + " writeback ended would only make reclaim rotate folio0 (folio_rotate_reclaimable); there"
                            + " is no reclaimer here and no rule reads PG_reclaim")
                    .survives("test-true find_lock_entries: if folio->mapping != mapping || folio_test_writeback", SKIPPED_SHMEM);
        }
        boolean unlockFirst = k.is("order", "wb-after-unlock");
        boolean noWait = !k.flag("truncateWaits");
        if (unlockFirst && noWait) {
            return null;
        }
        if (unlockFirst) {
            return Expect.violated("writeback.set-under-lock");
        }
        if (noWait) {
            return Expect.violated("cache.remove-locked-no-writeback");
        }
        return flusherSurvivors(Expect.holds().reach(TRUNCATED, true).reach(TRUNCATE_MEETS_WRITEBACK, true), k);
    }

    /** Goal: every folio of the model was removed from the page cache and freed. */
    private static void truncatedGoal(Model.Builder m, Mm mm) {
        m.goal(TRUNCATED, s -> {
            for (Folio f : mm.folios()) {
                if (s.isSet(f.inCache) || !s.isSet(f.freed)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** WB + IO + T on a block filesystem's mapping (ext2: mpage_writepages, truncate under i_rwsem + invalidate_lock). */
    private static Model buildFlusher(Knobs k) {
        Writeback.SyncMode sync = k.is("syncMode", "ALL") ? Writeback.SyncMode.WB_SYNC_ALL : Writeback.SyncMode.WB_SYNC_NONE;
        Writeback.Order order = k.is("order", "kernel") ? Writeback.Order.KERNEL : Writeback.Order.WRITEBACK_AFTER_UNLOCK;
        Model.Builder m = Model.builder(ID);
        Mm mm = new Mm(m);
        Mapping mapping = mm.mapping("mapping0", Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO, false, false);
        mm.folio("folio0", mapping, new Folio.Init().dirty(true));
        for (int i = 1; i < k.integer("folios"); i++) {
            // Its previous writeback is still in flight and it was redirtied since.
            mm.folio("folio" + i, mapping, new Folio.Init().dirty(true).writeback(true));
        }
        Lock iRwsem = m.lock("inode0.i_rwsem", "i_rwsem", Lock.Kind.MUTEX);
        Lock invalidateLock = m.lock("mapping0.invalidate_lock", "invalidate_lock", Lock.Kind.MUTEX);
        Writeback wb = new Writeback(mm, mapping, sync, order);
        Truncate truncate = new Truncate(mm, mapping, k.flag("truncateWaits"));

        // fs/fs-writeback.c wb_workfn -> ... do_writepages -> ext2_writepages -> mpage_writepages (WB_SYNC_NONE);
        // fsync: file_write_and_wait_range -> filemap_fdatawrite_wbc -> do_writepages (WB_SYNC_ALL).
        Procedure writer = mm.thread(sync == Writeback.SyncMode.WB_SYNC_ALL ? "fsync" : "flusher");
        writer.body(b -> b.call(wb.mpageWritepages));

        // fs/open.c do_truncate (inode_lock) -> notify_change -> ext2_setattr -> ext2_setsize
        // (filemap_invalidate_lock) -> truncate_setsize -> truncate_pagecache -> truncate_inode_pages.
        Procedure t = mm.thread("truncate");
        t.body(b -> b
                .step(Steps.lock("inode_lock", iRwsem))
                .step(Steps.lock("filemap_invalidate_lock", invalidateLock))
                .call(truncate.truncateInodePagesRange())
                .step(Steps.unlock("filemap_invalidate_unlock", invalidateLock))
                .step(Steps.unlock("inode_unlock", iRwsem)));

        for (Folio f : mm.folios()) {
            // block/bio.c bio_endio -> fs/mpage.c mpage_write_end_io -> folio_end_writeback (softirq)
            Procedure io = mm.thread("io-" + f.name());
            io.body(b -> wb.bioCompletion(b, f));
        }
        truncatedGoal(m, mm);
        int truncator = m.threadIndex("truncate");
        m.goal(TRUNCATE_MEETS_WRITEBACK, s -> {
            for (Folio f : mm.folios()) {
                if (s.holder(f.lock) == truncator && s.isSet(f.writeback)) {
                    return true;
                }
            }
            return false;
        });
        return m.build();
    }

    /** ttm_backup_backup_page -> shmem_writeout (AOP_WRITEPAGE_ACTIVATE), then ttm_backup_drop -> shmem_truncate_range. */
    private static Model buildTtm(Knobs k) {
        boolean ignored = k.flag("activateIgnored");
        Model.Builder m = Model.builder(ID);
        Mm mm = new Mm(m);
        Mapping backup = mm.mapping("backup", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Folio folio = mm.folio("folio0", backup, new Folio.Init());
        FolioRef F = FolioRef.fixed(folio);
        Truncate truncate = new Truncate(mm, backup, true);
        Shmem shmem = new Shmem(mm, truncate);
        Var handle = m.flag("ttm.handle", false);

        // drivers/gpu/drm/ttm/ttm_backup.c ttm_backup_backup_page(backup, page, writeback=true, idx, ...)
        Procedure ttm = mm.thread("ttm-backup");
        Local got = ttm.local("got", 0, 1);
        Local wasDirty = ttm.local("was_dirty", 0, 1);
        Local ret = ttm.local("ret", 0, Shmem.AOP_WRITEPAGE_ACTIVATE);
        // Simplification: the backup folio already exists in the shmem page cache, so shmem_read_folio_gfp only looks it up.
        // Simplification: folio_mark_accessed and copy_highpage (the copy into the locked folio) are not steps.
        ttm.body(b -> b
                .step(Truncate.getEntry("shmem_read_folio_gfp", backup, F, got)) // shmem_get_folio_gfp: filemap_get_entry
                .ifLocal(e -> e.local(got) == 0, err -> err.ret())                 // IS_ERR(to_folio)
                .step(FolioOps.folioLock(F))
                .step(FolioOps.folioMarkDirty(F))
                // "writeback && !folio_mapped(to_folio) && folio_clear_dirty_for_io(to_folio)"
                .step(FolioOps.folioClearDirtyForIo(F, wasDirty))
                .ifLocalElse(e -> e.local(wasDirty) == 1, write -> {
                    write.step(Step.named("folio_set_reclaim").args(folio.name())
                                    .does(e -> e.set(folio.reclaim, true)).build())
                            .callInto(ret, shmem.shmemWriteout(), IntExpr.of(folio.id()))
                            .ifThen(Cond.of("!folio_test_writeback", folio.name(), e -> !e.isSet(folio.writeback)),
                                    idle -> idle.step(Step.named("folio_clear_reclaim").args(folio.name())
                                            .does(e -> e.set(folio.reclaim, false)).build()));
                    if (!ignored) {
                        // "If writeout succeeds, it unlocks the folio. ... if (ret) folio_unlock(to_folio);"
                        write.ifLocal(e -> e.local(ret) != 0, activate -> activate.step(FolioOps.folioUnlock(F)));
                    }
                    // ignored: the caller treats every return as "folio unlocked" and leaks PG_locked.
                }, clean -> clean.step(FolioOps.folioUnlock(F)))
                .step(FolioOps.folioPut(F))
                // "return handle": the handle (ttm_backup_shmem_idx_to_handle, computed right after the copy, before the
                // writeout) reaches the pool only when ttm_backup_backup_page returns; this step is that return.
                .step(Step.named("ttm_backup_backup_page").args("return handle of " + folio.name()).provides("ttm handle")
                        .does(e -> e.set(handle, true)).build()));

        // drivers/gpu/drm/ttm/ttm_backup.c ttm_backup_drop(backup, handle), called by the TTM pool once the page is
        // backed up (after ttm_backup_backup_page returned its handle): start = ttm_backup_handle_to_shmem_idx(handle)
        // << PAGE_SHIFT; shmem_truncate_range(file_inode(backup), start, start + PAGE_SIZE - 1): one page, folio0's.
        Procedure truncateRange = shmem.shmemTruncateRange(Shmem.Range.page(0));
        Procedure drop = mm.thread("ttm-drop");
        drop.body(b -> b
                .step(Step.named("ttm_backup_drop").args("handle of " + folio.name())
                        .when(e -> e.isSet(handle))
                        .blockedBy(e -> new BlockReason.OnCondition("the backup handle of " + folio.name(), "ttm handle"))
                        .build())
                .call(truncateRange));
        truncatedGoal(m, mm);
        return m.build();
    }
}
