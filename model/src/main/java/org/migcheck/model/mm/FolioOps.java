package org.migcheck.model.mm;

import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Sleep;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;

/**
 * Steps for the folio primitives of the kernel folio primitives (include/linux/pagemap.h, mm/filemap.c), each named after its kernel function.
 * Every step that uses a folio reports an {@link FolioEvent.Accessed} event, so use-after-free rules
 * see it.
 *
 * <p><b>Kernel:</b> v6.19 (mm/filemap.c, mm/page-writeback.c, include/linux/pagemap.h). Fixes folded in:
 * {@link #folioEndWriteback} clears PG_writeback and wakes the waiters in one atomic step, which is
 * what the temporary folio reference of 073861ed77b6 ("mm: fix VM_BUG_ON(PageTail) and
 * BUG_ON(PageWriteback)", v5.10, stable back to v5.8) guarantees: nobody can free the folio between
 * the clear and the wake-up. For the kernel before that fix (v5.8-v5.9, after 2a9127fcf229 made the
 * non-exclusive wake-up proceed) use {@link #folioEndWritebackBeforeV5_10}, two steps with the
 * wake-up touching a folio that truncation may have freed meanwhile. {@link #folioWaitWriteback} is
 * v6.19's loop {@code while (folio_test_writeback(folio)) folio_wait_bit(...)} as one blocking step,
 * which folds in c2407cf7d22d ("mm: make wait_on_page_writeback() wait for multiple pending
 * writebacks", merged for v5.11-rc3 and backported to stable kernels: seen in a 5.4.y review list, the other branches not checked): before it the wait was
 * {@code if (PageWriteback(page)) wait_on_page_bit(...)} and could return while a writeback started
 * after the wake-up was pending. That single wait has no switch here; it differs from the loop only
 * where writeback restarts between the wake-up and the waiter's return.
 * {@link #folioWaitWritebackQueued} is the same wait on an explicit wait queue. The versions named here come
 * from the commits' history (changelogs, stable review lists), not from a reading of those releases' source.
 */
public final class FolioOps {
    private FolioOps() {}

    /** Resource class provided by folio_end_writeback, waited for by folio_wait_writeback. */
    public static final String PG_WRITEBACK = "PG_writeback";

    /** folio_lock (mm/filemap.c __folio_lock): sleep until PG_locked can be taken. */
    public static Step folioLock(FolioRef f) {
        return Steps.lock("folio_lock", e -> f.of(e).lock, e -> f.of(e).name());
    }

    /** folio_trylock (include/linux/pagemap.h): never sleeps; {@code ok} = 1 when taken. */
    public static Step folioTrylock(FolioRef f, Local ok) {
        return Steps.trylock("folio_trylock", e -> f.of(e).lock, ok, e -> f.of(e).name());
    }

    /** folio_unlock (mm/filemap.c): clear PG_locked and wake waiters. Unlocking an unlocked folio is a model error. */
    public static Step folioUnlock(FolioRef f) {
        return Steps.unlock("folio_unlock", e -> f.of(e).lock, e -> f.of(e).name());
    }

    /**
     * __folio_start_writeback (mm/page-writeback.c): set PG_writeback. The kernel asserts the folio
     * is locked and not already under writeback; the rule "writeback.set-under-lock" checks it.
     */
    public static Step folioStartWriteback(FolioRef f) {
        return Step.named("folio_start_writeback")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.emit(new FolioEvent.Accessed(x, "folio_start_writeback"));
                    e.emit(new FolioEvent.WritebackStarted(x));
                    e.set(x.writeback, true);
                })
                .build();
    }

    /**
     * folio_end_writeback (mm/filemap.c): if PG_reclaim, clear it (the folio rotates to the inactive
     * tail); clear PG_writeback and wake waiters. The temporary reference it takes around this is
     * folded into the one atomic step.
     */
    public static Step folioEndWriteback(FolioRef f) {
        return Step.named("folio_end_writeback")
                .args(e -> f.of(e).name())
                .provides(PG_WRITEBACK)
                .does(e -> endWriteback(e, f.of(e)))
                .build();
    }

    /** The effect of folio_end_writeback inside a larger step. */
    public static void endWriteback(Exec e, Folio x) {
        e.emit(new FolioEvent.Accessed(x, "folio_end_writeback"));
        if (!e.isSet(x.writeback)) {
            throw new ModelError(x.writeback.name(), "folio_end_writeback on " + x.name() + ", which is not under writeback");
        }
        e.set(x.reclaim, false);
        e.set(x.writeback, false);
        e.emit(new FolioEvent.WritebackEnded(x));
    }

    /**
     * end_page_writeback as it was before 073861ed77b6 (v5.10): {@code test_clear_page_writeback}
     * clears PG_writeback (and PG_reclaim), then {@code wake_up_page(page, PG_writeback)} runs as a
     * separate step on a page the writer holds no reference to. If truncation removes and frees the
     * folio in between, the wake-up is an access after free ({@code folio.use-after-free}).
     */
    public static java.util.function.Consumer<org.migcheck.model.lang.Body> folioEndWritebackBeforeV5_10(FolioRef f) {
        return b -> b
                .step(Step.named("test_clear_page_writeback")
                        .args(e -> f.of(e).name())
                        .provides(PG_WRITEBACK)
                        .does(e -> endWriteback(e, f.of(e)))
                        .build())
                .step(Step.named("wake_up_page")
                        .args(e -> f.of(e).name() + ", PG_writeback")
                        .does(e -> e.emit(new FolioEvent.Accessed(f.of(e), "wake_up_page")))
                        .build());
    }

    /** folio_wait_writeback (mm/page-writeback.c): sleep (uninterruptibly) while PG_writeback is set. */
    public static Step folioWaitWriteback(FolioRef f) {
        return Steps.waitClear("folio_wait_writeback", e -> f.of(e).writeback, PG_WRITEBACK,
                e -> f.of(e).name(), PG_WRITEBACK, Sleep.Kind.WRITEBACK_WAIT);
    }

    /**
     * folio_wait_writeback on an explicit wait queue, as mm/page-writeback.c and mm/filemap.c do it:
     * {@code while (folio_test_writeback(folio)) folio_wait_bit(folio, PG_writeback)}, where
     * folio_wait_bit_common queues the task on the folio's (hashed) wait queue, re-tests the bit and
     * sleeps in io_schedule until folio_wake_bit. An alternative to {@link #folioWaitWriteback}, whose
     * single blocking step is "enabled when PG_writeback is clear": use this one (with
     * {@link #folioEndWritebackWaking}) when a model needs the wake-up itself, e.g. a wake-up racing with
     * PG_writeback being set again. The catalogue keeps the one-step wait (same verdicts, fewer states).
     * Simplification: one wait queue per folio (the kernel hashes folios onto shared queues, whose
     * extra wake-ups the re-test absorbs).
     */
    public static java.util.function.Consumer<org.migcheck.model.lang.Body> folioWaitWritebackQueued(FolioRef f,
            org.migcheck.model.lang.WaitQueue wq) {
        org.migcheck.model.lang.Cond clear = org.migcheck.model.lang.Cond.of("!folio_test_writeback", e -> f.of(e).name(),
                e -> !e.isSet(f.of(e).writeback));
        return wq.waitEvent(clear, e -> !e.isSet(f.of(e).writeback), "!PG_writeback", false);
    }

    /**
     * folio_end_writeback followed by folio_wake_bit(folio, PG_writeback) on {@code wq}, in one step
     * as {@link #folioEndWriteback} (the wake-up runs under the queue's lock right after the clear).
     */
    public static Step folioEndWritebackWaking(FolioRef f, org.migcheck.model.lang.WaitQueue wq) {
        return Step.named("folio_end_writeback")
                .args(e -> f.of(e).name())
                .provides(PG_WRITEBACK)
                .provides(wq.resource())
                .does(e -> {
                    endWriteback(e, f.of(e));
                    wq.wake(e, 0);
                })
                .build();
    }

    /** folio_get: plain reference; must never be taken on a folio whose refcount may be 0. */
    public static Step folioGet(FolioRef f) {
        return Step.named("folio_get")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.emit(new FolioEvent.RefTaken(x, false));
                    e.add(x.ref, 1);
                    e.set(x.freed, false);
                })
                .build();
    }

    /** folio_try_get (get-unless-zero): {@code ok} = 1 and refcount + 1 unless the refcount is 0. */
    public static Step folioTryGet(FolioRef f, Local ok) {
        return folioTryGet("folio_try_get", f, ok);
    }

    /**
     * A get-unless-zero reference under the name of the kernel function that takes it (folio_try_get,
     * or e.g. folio_get_nontail_page in mm/migrate.c isolate_movable_ops_page): {@code ok} = 1 and
     * refcount + 1 unless the refcount is 0.
     */
    public static Step folioTryGet(String function, FolioRef f, Local ok) {
        return Step.named(function)
                .args(e -> f.of(e).name())
                .does(e -> e.setLocal(ok, tryGet(e, f.of(e), function) ? 1 : 0))
                .build();
    }

    /** folio_try_get inside a larger step: takes a reference unless the refcount is 0; true when taken. */
    public static boolean tryGet(Exec e, Folio x) {
        return tryGet(e, x, "folio_try_get");
    }

    /**
     * A get-unless-zero inside a larger step, under the name of the kernel function that takes it:
     * a reference unless the refcount is 0; true when taken.
     */
    public static boolean tryGet(Exec e, Folio x, String function) {
        if (e.get(x.ref) <= 0) {
            return false;
        }
        e.emit(new FolioEvent.RefTaken(x, true, function));
        e.add(x.ref, 1);
        return true;
    }

    /** folio_put: drop a reference; the last one frees the folio. */
    public static Step folioPut(FolioRef f) {
        return Step.named("folio_put")
                .args(e -> f.of(e).name())
                .does(e -> put(e, f.of(e)))
                .build();
    }

    /** Drops one reference of {@code x} inside a larger step; frees it at zero. */
    public static void put(Exec e, Folio x) {
        if (e.get(x.ref) == 0) {
            throw new ModelError(x.ref.name(), "folio_put on " + x.name() + " with refcount 0 (refcount underflow)");
        }
        e.add(x.ref, -1);
        if (e.get(x.ref) == 0) {
            e.set(x.freed, true);
            e.set(x.lru, false);
            e.set(x.movableOps, false);
            e.emit(new FolioEvent.Freed(x));
        }
    }

    /**
     * filemap_remove_folio (mm/filemap.c): delete from the page cache under the i_pages lock and drop
     * the page cache's reference. Callers must hold the folio lock and have waited for writeback; the
     * rule "cache.remove-locked-no-writeback" checks it. PG_dirty stays as it was
     * (filemap_unaccount_folio "fixes dirty accounting ... but leaves the dirty flag set"): truncation
     * cancels it before (truncate_cleanup_folio), other callers may leave a removed folio dirty.
     */
    public static Step filemapRemoveFolio(FolioRef f) {
        return Step.named("filemap_remove_folio")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.emit(new FolioEvent.Accessed(x, "filemap_remove_folio"));
                    if (!e.isSet(x.inCache)) {
                        throw new ModelError(x.inCache.name(), "filemap_remove_folio on " + x.name() + ", which is not in the page cache");
                    }
                    e.set(x.inCache, false);
                    e.emit(new FolioEvent.RemovedFromCache(x));
                    put(e, x);
                })
                .build();
    }

    /**
     * folio_mark_dirty / filemap_dirty_folio (mm/page-writeback.c, v6.19): a folio that still has its mapping
     * (in the page cache) loses PG_reclaim, then gets PG_dirty. (The kernel clears PG_reclaim so that a redirtied
     * folio is not rotated by the end of an earlier writeback; without it a model that also reclaims could reach
     * shrink_folio_list's wait for a folio the kernel would not wait on.) Simplification: ->dirty_folio's
     * accounting and the inode's dirty-list work are not modelled; a folio without a mapping only gets PG_dirty.
     */
    public static Step folioMarkDirty(FolioRef f) {
        return Step.named("folio_mark_dirty")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.emit(new FolioEvent.Accessed(x, "folio_mark_dirty"));
                    if (x.mapping() != null && e.isSet(x.inCache) && e.isSet(x.reclaim)) {
                        e.set(x.reclaim, false);
                    }
                    e.set(x.dirty, true);
                })
                .build();
    }

    /** folio_clear_dirty_for_io (mm/page-writeback.c): {@code wasDirty} = old PG_dirty, then clear it. */
    public static Step folioClearDirtyForIo(FolioRef f, Local wasDirty) {
        return Step.named("folio_clear_dirty_for_io")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.emit(new FolioEvent.Accessed(x, "folio_clear_dirty_for_io"));
                    e.setLocal(wasDirty, e.get(x.dirty));
                    e.set(x.dirty, false);
                })
                .build();
    }

    /** A wait for a folio's PG_locked to clear without taking it (migration_entry_wait_on_locked). */
    public static Step waitOnFolioLocked(String function, FolioRef f) {
        return Step.named(function)
                .args(e -> f.of(e).name())
                .when(e -> e.holder(f.of(e).lock) < 0)
                .blockedBy(e -> new BlockReason.OnLock(f.of(e).lock, e.holder(f.of(e).lock), e.self()))
                .does(e -> e.emit(new org.migcheck.model.lang.Sleep(function, f.of(e).name(), Sleep.Kind.FOLIO_LOCK)))
                .build();
    }
}
