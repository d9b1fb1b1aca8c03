package org.migcheck.model.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;

/**
 * Page-cache truncation of one mapping (v6.19; docs/scenarios/truncate-writeback.md): mm/truncate.c
 * {@code truncate_inode_pages_range} with its two passes and the partial folio at {@code lstart}
 * between them, {@code truncate_inode_partial_folio}, {@code truncate_inode_folio} and
 * {@code truncate_cleanup_folio}, and the mm/filemap.c lookups they use ({@code find_lock_entries},
 * {@code find_get_entries}, {@code __filemap_get_folio}, {@code delete_from_page_cache_batch}).
 * shmem's {@link Shmem#shmemUndoRange shmem_undo_range} reuses the lookups,
 * {@code truncate_inode_partial_folio} and {@code truncate_inode_folio}.
 *
 * <p>The range is the whole mapping (truncate to size 0, or a page-aligned hole punch covering every
 * modelled folio). Construct it after every folio of the mapping is declared. Procedures are defined
 * on first use, so a model contains only those it runs.
 *
 * <p><b>Kernel:</b> v6.19: truncation locks each folio, waits for its writeback, and removes it under the
 * lock (a protocol much older than the folio conversion); the partial folio is
 * {@code truncate_inode_partial_folio}, locked in its own step between the passes. Fixes folded in that
 * changed the locking protocol: none known to us; for a truncation that does not wait for writeback,
 * build the thread from {@link FolioOps} steps without {@link FolioOps#folioWaitWriteback}.
 */
public final class Truncate {
    private final Mm mm;
    private final Mapping mapping;
    private final List<Folio> folios = new ArrayList<>();
    private final boolean waitOnWriteback;
    private Procedure findLockEntries;
    private Procedure truncateInodeFolio;
    private Procedure truncateInodePartialFolio;
    private Procedure filemapGetFolio;
    private Procedure truncateInodePagesRange;

    /**
     * @param waitOnWriteback  whether truncate_inode_partial_folio and pass 2 call
     *                         {@code folio_wait_writeback} before removal (the kernel does; false is
     *                         the truncate-no-wait mutant)
     */
    public Truncate(Mm mm, Mapping mapping, boolean waitOnWriteback) {
        this.mm = mm;
        this.mapping = mapping;
        this.waitOnWriteback = waitOnWriteback;
        for (Folio f : mm.folios()) {
            if (f.mapping() == mapping) {
                folios.add(f);
            }
        }
        if (folios.isEmpty()) {
            throw new ModelError(mapping.name(), "Truncate for " + mapping.name() + ": the mapping has no folios (declare them first)");
        }
        mapping.walkedBy("truncate_inode_pages_range");
        if (folios.size() > 4) {
            throw new ModelError(mapping.name(), "Truncate models at most 4 folios of a mapping, " + mapping.name() + " has " + folios.size());
        }
    }

    public Mapping mapping() { return mapping; }

    /** The folios of the mapping in index order; bit i of a batch mask is folio i of this list. */
    public List<Folio> folios() { return List.copyOf(folios); }

    /** Largest batch mask (every folio of the mapping in the batch). */
    int allMask() { return (1 << folios.size()) - 1; }

    /**
     * mm/filemap.c find_get_entry (inside find_lock_entries / find_get_entries): the xarray slot
     * still holds the folio and folio_try_get succeeds; {@code ok} = 1 then.
     */
    static Step findGetEntry(Mapping mapping, Folio x, Local ok) {
        return getEntry("find_get_entry", mapping, FolioRef.fixed(x), ok);
    }

    /**
     * The lookup of one page-cache index that find_get_entry, filemap_get_entry (mm/filemap.c) and
     * their callers share, as a step named {@code function}: under RCU the xarray slot of {@code mapping}
     * still holds the folio and folio_try_get succeeds; {@code ok} = 1 then (else NULL). This, not
     * {@link FolioOps#folioTryGet}, is the page-cache lookup of a model: it also fails on a folio that
     * truncation removed.
     * Simplification: a folio whose refcount is frozen (folio_ref_freeze written as a step of its own) is "not found"; the kernel's lookup retries until the slot changes (the bundled migration freezes and switches in one step, so it never shows).
     */
    public static Step getEntry(String function, Mapping mapping, FolioRef f, Local ok) {
        mapping.walkedBy(function);
        return Step.named(function)
                .args(e -> mapping.name() + ", " + f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.setLocal(ok, e.isSet(x.inCache) && FolioOps.tryGet(e, x) ? 1 : 0);
                })
                .build();
    }

    /**
     * mm/filemap.c find_lock_entries: for each folio of the range, take a reference, trylock it
     * (never sleep) and keep it only if it still belongs to the mapping and is not under writeback.
     * Returns the mask of folios it holds locked and referenced.
     */
    public Procedure findLockEntries() {
        if (findLockEntries != null) {
            return findLockEntries;
        }
        Procedure p = mm.builder().procedure("find_lock_entries");
        Local batch = p.local("fbatch", 0, allMask());
        Local ok = p.local("ok", 0, 1);
        p.body(body -> {
            for (int i = 0; i < folios.size(); i++) {
                int bit = 1 << i;
                Folio x = folios.get(i);
                FolioRef X = FolioRef.fixed(x);
                body.step(findGetEntry(mapping, x, ok));
                body.ifLocal(e -> e.local(ok) == 1, got -> got
                        .step(FolioOps.folioTrylock(X, ok))
                        .ifLocalElse(e -> e.local(ok) == 0,
                                busy -> busy.step(FolioOps.folioPut(X)),                    // "goto put"
                                locked -> locked.ifThenElse(
                                        Cond.of("folio->mapping != mapping || folio_test_writeback", x.name(),
                                                e -> !e.isSet(x.inCache) || e.isSet(x.writeback)),
                                        skip -> skip.step(FolioOps.folioUnlock(X))          // "goto unlock"
                                                .step(FolioOps.folioPut(X)),
                                        keep -> keep.assign(batch, e -> e.local(batch) | bit))));
            }
            body.ret(e -> e.local(batch));
        });
        findLockEntries = p;
        return p;
    }

    /**
     * mm/truncate.c truncate_cleanup_folio: unmap if mapped, ->invalidate_folio if it has private
     * data, then folio_cancel_dirty.
     */
    static Step truncateCleanupFolio(FolioRef f) {
        // Simplification: the modelled folios are not mapped and have no private data, so only folio_cancel_dirty has an effect.
        return Step.named("truncate_cleanup_folio")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.emit(new FolioEvent.Accessed(x, "truncate_cleanup_folio"));
                    e.set(x.dirty, false);
                })
                .build();
    }

    /**
     * mm/truncate.c truncate_inode_folio(mapping, folio), folio locked: -EIO (returns 1) if the
     * folio left the mapping meanwhile, else truncate_cleanup_folio and filemap_remove_folio (which
     * drops the page cache's reference). Returns 0 when it removed the folio.
     */
    public Procedure truncateInodeFolio() {
        if (truncateInodeFolio != null) {
            return truncateInodeFolio;
        }
        Procedure p = mm.builder().procedure("truncate_inode_folio");
        Local f = p.param("folio", 0, mm.folios().size() - 1);
        FolioRef F = mm.at(f);
        p.body(body -> body
                .ifThen(Cond.of("folio->mapping != mapping", e -> F.of(e).name(), e -> !e.isSet(F.of(e).inCache)),
                        gone -> gone.ret(IntExpr.of(1)))
                .step(truncateCleanupFolio(F))
                .step(FolioOps.filemapRemoveFolio(F))
                .ret(IntExpr.of(0)));
        truncateInodeFolio = p;
        return p;
    }

    /**
     * mm/truncate.c truncate_inode_partial_folio(folio, lstart, lend), folio locked:
     * folio_wait_writeback; the range covers the whole folio ("length == size"), so
     * truncate_inode_folio(folio->mapping, folio) and return true.
     * Simplification: modelled folios are single pages inside the range, so the zeroing (folio_zero_range), folio_invalidate and split paths are never taken.
     */
    public Procedure truncateInodePartialFolio() {
        if (truncateInodePartialFolio != null) {
            return truncateInodePartialFolio;
        }
        Procedure inodeFolio = truncateInodeFolio();
        Procedure p = mm.builder().procedure("truncate_inode_partial_folio");
        Local f = p.param("folio", 0, mm.folios().size() - 1);
        FolioRef F = mm.at(f);
        p.body(body -> {
            if (waitOnWriteback) {
                body.step(FolioOps.folioWaitWriteback(F));
            }
            body.call(inodeFolio, IntExpr.of(f))
                    .ret(IntExpr.of(1));
        });
        truncateInodePartialFolio = p;
        return p;
    }

    /**
     * mm/filemap.c __filemap_get_folio(mapping, index, FGP_LOCK, 0) (__filemap_get_folio_mpol):
     * repeat: filemap_get_entry (a reference, or NULL -&gt; ERR_PTR(-ENOENT), no FGP_CREAT);
     * folio_lock (sleeps); "Has the page been truncated?" folio->mapping != mapping -&gt; folio_unlock,
     * folio_put, goto repeat. Parameter {@code index}: position in {@link #folios()}; returns the
     * locked, referenced folio's id, or -1 for -ENOENT.
     */
    public Procedure filemapGetFolio() {
        if (filemapGetFolio != null) {
            return filemapGetFolio;
        }
        Procedure p = mm.builder().procedure("__filemap_get_folio");
        Local index = p.param("index", 0, folios.size() - 1);
        Local ok = p.local("ok", 0, 1);
        Local repeat = p.local("repeat", 0, 1);
        FolioRef F = e -> folios.get(e.local(index));
        p.body(body -> body
                .assign(repeat, e -> 1)
                .whileLocal(e -> e.local(repeat) == 1, loop -> loop
                        .assign(repeat, e -> 0)
                        .step(filemapGetEntry(F, ok))
                        .ifLocal(e -> e.local(ok) == 0, none -> none.ret(e -> -1))
                        .step(FolioOps.folioLock(F))
                        .ifThen(Cond.of("folio->mapping != mapping", e -> F.of(e).name(), e -> !e.isSet(F.of(e).inCache)),
                                truncated -> truncated
                                        .step(FolioOps.folioUnlock(F))
                                        .step(FolioOps.folioPut(F))
                                        .assign(repeat, e -> 1)
                                        .continueLoop())
                        .ret(e -> F.of(e).id())));
        filemapGetFolio = p;
        return p;
    }

    /**
     * mm/filemap.c filemap_get_entry(mapping, index) for the index of {@code f}: under RCU, the
     * xarray slot still holds the folio and folio_try_get succeeds; {@code ok} = 1 then (else NULL).
     */
    Step filemapGetEntry(FolioRef f, Local ok) {
        return getEntry("filemap_get_entry", mapping, f, ok);
    }

    /**
     * mm/filemap.c delete_from_page_cache_batch: under the i_pages lock remove every folio of the
     * batch from the page cache, then drop the page cache's reference of each (filemap_free_folio).
     */
    private Step deleteFromPageCacheBatch(Local batch) {
        // Simplification: the i_pages spinlock section is one atomic step, so the lock itself is not modelled.
        return Step.named("delete_from_page_cache_batch")
                .args(e -> mapping.name() + ", " + names(e, batch))
                .does(e -> {
                    for (int i = 0; i < folios.size(); i++) {
                        if ((e.local(batch) & (1 << i)) != 0) {
                            Folio x = folios.get(i);
                            e.emit(new FolioEvent.Accessed(x, "delete_from_page_cache_batch"));
                            if (!e.isSet(x.inCache)) {
                                throw new ModelError(x.inCache.name(), "delete_from_page_cache_batch on " + x.name()
                                        + ", which is not in the page cache");
                            }
                            e.set(x.inCache, false);
                            e.emit(new FolioEvent.RemovedFromCache(x));
                        }
                    }
                    for (int i = 0; i < folios.size(); i++) {
                        if ((e.local(batch) & (1 << i)) != 0) {
                            FolioOps.put(e, folios.get(i));
                        }
                    }
                })
                .build();
    }

    String names(Exec e, Local batch) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < folios.size(); i++) {
            if ((e.local(batch) & (1 << i)) != 0) {
                out.add(folios.get(i).name());
            }
        }
        return String.join(", ", out);
    }

    /**
     * {@code for (i = 0; i < folio_batch_count(&fbatch); i++)} over a batch mask of this mapping's
     * folios: {@code each} runs in a branch taken only when folio i is in {@code batch} (a local test, no step).
     */
    void forEachInBatch(Body body, Local batch, BiConsumer<Body, Folio> each) {
        for (int i = 0; i < folios.size(); i++) {
            int bit = 1 << i;
            Folio x = folios.get(i);
            body.ifLocal(e -> (e.local(batch) & bit) != 0, one -> each.accept(one, x));
        }
    }

    /** mm/swap.c folio_batch_release over a batch mask of this mapping's folios. */
    Step folioBatchRelease(Local batch) {
        return Writeback.folioBatchRelease("folio_batch_release", folios, batch);
    }

    /**
     * Pass-2 lookup, mm/filemap.c find_get_entries: a reference on every folio still in the page
     * cache (one find_get_entry step each); the mask of the folios found goes to {@code batch}.
     */
    void findGetEntries(Body body, Local batch, Local ok) {
        body.assign(batch, IntExpr.of(0));
        for (int i = 0; i < folios.size(); i++) {
            int bit = 1 << i;
            body.step(findGetEntry(mapping, folios.get(i), ok));
            body.ifLocal(e -> e.local(ok) == 1, got -> got.assign(batch, e -> e.local(batch) | bit));
        }
    }

    /**
     * mm/truncate.c truncate_inode_pages_range(mapping, 0, -1), as truncate_pagecache calls it with i_rwsem
     * held (a hole punch also holds invalidate_lock; eviction holds neither).
     * Simplification: i_rwsem and invalidate_lock are not modelled: nothing here excludes readahead or a fault on the mapping.
     * <ol>
     * <li>Pass 1, non-blocking: find_lock_entries (trylock; skips folios under writeback), then
     *     truncate_cleanup_folio on each, delete_from_page_cache_batch, folio_unlock each,
     *     folio_batch_release.</li>
     * <li>The partial folio at lstart, always looked up: __filemap_get_folio(mapping,
     *     lstart &gt;&gt; PAGE_SHIFT, FGP_LOCK) (sleeping folio_lock), truncate_inode_partial_folio
     *     (folio_wait_writeback, then truncate_inode_folio since the whole folio is in the range),
     *     folio_unlock, folio_put. When that folio was found, the kernel sets same_folio = lend &lt;
     *     folio_pos + folio_size, which is false for lend = -1 on 64-bit (the sum is unsigned, so is the
     *     comparison; a 2025 review of "mm: Use folio_next_pos()" pointed this out), so the kernel also
     *     looks up lend &gt;&gt; PAGE_SHIFT; that lookup finds nothing (-ENOENT) and takes no lock, found or
     *     not, and the model leaves it out.</li>
     * <li>Pass 2, blocking: find_get_entries, then for each folio folio_lock, folio_wait_writeback,
     *     truncate_inode_folio, folio_unlock; folio_batch_release. Repeated until nothing is left.</li>
     * </ol>
     */
    public Procedure truncateInodePagesRange() {
        if (truncateInodePagesRange != null) {
            return truncateInodePagesRange;
        }
        Procedure lockEntries = findLockEntries();
        Procedure inodeFolio = truncateInodeFolio();
        Procedure getFolio = filemapGetFolio();
        Procedure partialFolio = truncateInodePartialFolio();
        Procedure p = mm.builder().procedure("truncate_inode_pages_range");
        Local batch = p.local("fbatch", 0, allMask());
        Local ok = p.local("ok", 0, 1);
        Local partial = p.local("folio", -1, mm.folios().size() - 1);
        FolioRef P = mm.at(partial);
        // Simplification: the range is page aligned (the partial folio at lstart lies wholly inside it) and one find_lock_entries call covers it.
        p.body(body -> {
            body.callInto(batch, lockEntries);
            body.ifLocal(e -> e.local(batch) != 0, pass1 -> {
                forEachInBatch(pass1, batch, (one, x) -> one.step(truncateCleanupFolio(FolioRef.fixed(x))));
                pass1.step(deleteFromPageCacheBatch(batch));
                forEachInBatch(pass1, batch, (one, x) -> one.step(FolioOps.folioUnlock(FolioRef.fixed(x))));
                pass1.step(folioBatchRelease(batch));
            });
            // Simplification: no cond_resched steps (T holds no spinlock; they change no state).
            // same_folio = (lstart >> PAGE_SHIFT) == (lend >> PAGE_SHIFT) at first; once the folio at lstart is found,
            // "same_folio = lend < folio_pos(folio) + folio_size(folio)": false for lend = -1 (an unsigned comparison on 64-bit).
            // folio = __filemap_get_folio(mapping, lstart >> PAGE_SHIFT, FGP_LOCK, 0): index 0, the first folio.
            body.callInto(partial, getFolio, IntExpr.of(0));
            // "if (!truncate_inode_partial_folio(folio, lstart, lend)) { start = ...; }": it returns true
            // (whole folio removed), so start and end stay.
            body.ifLocal(e -> e.local(partial) >= 0, found -> found
                    .call(partialFolio, IntExpr.of(partial))
                    .step(FolioOps.folioUnlock(P))
                    .step(FolioOps.folioPut(P)));
            // "if (!same_folio) folio = __filemap_get_folio(mapping, lend >> PAGE_SHIFT, FGP_LOCK, 0);"
            // Not a step: same_folio is false either way, and the lookup at lend >> PAGE_SHIFT (lend = -1, the last
            // possible index) finds no folio (-ENOENT) and takes no lock.
            // Pass 2.
            findGetEntries(body, batch, ok);
            body.ifLocal(e -> e.local(batch) != 0, pass2 -> {
                forEachInBatch(pass2, batch, (one, x) -> {
                    FolioRef X = FolioRef.fixed(x);
                    one.step(FolioOps.folioLock(X));
                    if (waitOnWriteback) {
                        one.step(FolioOps.folioWaitWriteback(X));
                    }
                    one.call(inodeFolio, IntExpr.of(x.id()));
                    one.step(FolioOps.folioUnlock(X));
                });
                pass2.step(folioBatchRelease(batch));
            });
            // "Repeat until nothing is left": nothing adds folios to the mapping in these models, so one
            // sweep must leave the range empty; the assertion checks that this simplification is exact.
            body.assertThat("truncate.range-empty", "truncate_inode_pages_range left no folio of "
                    + mapping.name() + " in the page cache", e -> {
                        for (Folio x : folios) {
                            if (e.isSet(x.inCache)) {
                                return false;
                            }
                        }
                        return true;
                    });
        });
        truncateInodePagesRange = p;
        return p;
    }

    /** Batch-mask locals for callers that build their own passes (shmem_undo_range). */
    Local batchLocal(Procedure p, String name) { return p.local(name, 0, allMask()); }

    /** The builder of the model these procedures belong to. */
    Model.Builder builder() { return mm.builder(); }
}
