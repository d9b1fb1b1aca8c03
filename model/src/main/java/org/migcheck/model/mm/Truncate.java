package org.migcheck.model.mm;

import java.util.ArrayList;
import java.util.List;
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
 * Page-cache truncation of one mapping (SCENARIOS.md 2.3, actor T): mm/truncate.c
 * {@code truncate_inode_pages_range} with its two passes, {@code truncate_inode_folio} and
 * {@code truncate_cleanup_folio}, and the mm/filemap.c lookups they use ({@code find_lock_entries},
 * {@code find_get_entries}, {@code delete_from_page_cache_batch}). shmem's {@link Shmem#shmemUndoRange
 * shmem_undo_range} reuses the lookups and {@code truncate_inode_folio}.
 *
 * <p>The range is the whole mapping (truncate to size 0, or a page-aligned hole punch covering every
 * modelled folio). Construct it after every folio of the mapping is declared. Procedures are defined
 * on first use, so a model contains only those it runs.
 */
public final class Truncate {
    private final Mm mm;
    private final Mapping mapping;
    private final List<Folio> folios = new ArrayList<>();
    private final boolean waitOnWriteback;
    private Procedure findLockEntries;
    private Procedure truncateInodeFolio;
    private Procedure truncateInodePagesRange;

    /**
     * @param waitOnWriteback  whether pass 2 calls {@code folio_wait_writeback} before removal (the
     *                         kernel does; false is the mutant of SCENARIOS.md 2.4 B)
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
        return Step.named("find_get_entry")
                .args(mapping.name() + ", " + x.name())
                .does(e -> {
                    if (e.isSet(x.inCache) && e.get(x.ref) > 0) {
                        e.emit(new FolioEvent.RefTaken(x, true));
                        e.add(x.ref, 1);
                        e.setLocal(ok, 1);
                    } else {
                        e.setLocal(ok, 0);
                    }
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
     * mm/truncate.c truncate_inode_pages_range(mapping, 0, -1), called with i_rwsem and
     * invalidate_lock held (SCENARIOS.md 0.2 item 30).
     * <ol>
     * <li>Pass 1, non-blocking: find_lock_entries (trylock; skips folios under writeback), then
     *     truncate_cleanup_folio on each, delete_from_page_cache_batch, folio_unlock each,
     *     folio_batch_release.</li>
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
        Procedure p = mm.builder().procedure("truncate_inode_pages_range");
        Local batch = p.local("fbatch", 0, allMask());
        Local ok = p.local("ok", 0, 1);
        // Simplification: the range is page aligned (no partial folios) and one find_lock_entries call covers it.
        p.body(body -> {
            body.callInto(batch, lockEntries);
            body.ifLocal(e -> e.local(batch) != 0, pass1 -> {
                for (int i = 0; i < folios.size(); i++) {
                    int bit = 1 << i;
                    FolioRef X = FolioRef.fixed(folios.get(i));
                    pass1.ifLocal(e -> (e.local(batch) & bit) != 0, one -> one.step(truncateCleanupFolio(X)));
                }
                pass1.step(deleteFromPageCacheBatch(batch));
                for (int i = 0; i < folios.size(); i++) {
                    int bit = 1 << i;
                    FolioRef X = FolioRef.fixed(folios.get(i));
                    pass1.ifLocal(e -> (e.local(batch) & bit) != 0, one -> one.step(FolioOps.folioUnlock(X)));
                }
                pass1.step(folioBatchRelease(batch));
            });
            // Simplification: no cond_resched steps (T holds no spinlock; they change no state).
            // Pass 2.
            findGetEntries(body, batch, ok);
            body.ifLocal(e -> e.local(batch) != 0, pass2 -> {
                for (int i = 0; i < folios.size(); i++) {
                    int bit = 1 << i;
                    Folio x = folios.get(i);
                    FolioRef X = FolioRef.fixed(x);
                    pass2.ifLocal(e -> (e.local(batch) & bit) != 0, one -> {
                        one.step(FolioOps.folioLock(X));
                        if (waitOnWriteback) {
                            one.step(FolioOps.folioWaitWriteback(X));
                        }
                        one.call(inodeFolio, IntExpr.of(x.id()));
                        one.step(FolioOps.folioUnlock(X));
                    });
                }
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
