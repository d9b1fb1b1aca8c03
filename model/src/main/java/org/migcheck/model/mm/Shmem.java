package org.migcheck.model.mm;

import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Procedure;

/**
 * The two mm/shmem.c paths of SCENARIOS.md 2.3/2.5 that the AOP_WRITEPAGE_ACTIVATE question needs:
 * {@code shmem_writeout}'s redirty path, which returns AOP_WRITEPAGE_ACTIVATE with the folio still
 * locked ("Return with folio locked"), and {@code shmem_undo_range} (shmem_truncate_range), whose
 * pass 2 sleeps in folio_lock on every folio still in the range.
 */
public final class Shmem {
    /** AOP_WRITEPAGE_ACTIVATE (include/linux/fs.h), encoded as 1 in return-value locals; 0 is success. */
    public static final int AOP_WRITEPAGE_ACTIVATE = 1;

    private final Mm mm;
    private final Truncate truncate;
    private Procedure shmemWriteout;
    private Procedure shmemUndoRange;

    /** shmem paths on the mapping of {@code truncate} (a tmpfs / shmem_file_setup file). */
    public Shmem(Mm mm, Truncate truncate) {
        this.mm = mm;
        this.truncate = truncate;
    }

    /**
     * mm/shmem.c shmem_writeout(folio, plug, folio_list), called with the folio locked and its dirty
     * bit cleared by folio_clear_dirty_for_io. Returns {@link #AOP_WRITEPAGE_ACTIVATE} with the folio
     * still locked.
     */
    public Procedure shmemWriteout() {
        if (shmemWriteout != null) {
            return shmemWriteout;
        }
        Procedure p = mm.builder().procedure("shmem_writeout");
        Local f = p.param("folio", 0, mm.folios().size() - 1);
        FolioRef F = mm.at(f);
        // Simplification: the system has no swap ("if (!total_swap_pages) goto redirty;"), so only the redirty path is modelled.
        // Simplification: folio_mark_dirty's clearing of PG_reclaim is left out (no rule reads PG_reclaim here).
        p.body(body -> body
                .step(FolioOps.folioMarkDirty(F))                     // redirty: folio_mark_dirty(folio)
                .ret(IntExpr.of(AOP_WRITEPAGE_ACTIVATE)));           // "Return with folio locked"
        shmemWriteout = p;
        return p;
    }

    /**
     * mm/shmem.c shmem_undo_range(inode, 0, -1, unfalloc=false), i.e. shmem_truncate_range of the
     * whole file.
     * <ol>
     * <li>Pass 1: find_lock_entries (trylock), truncate_inode_folio and folio_unlock on each,
     *     folio_batch_release.</li>
     * <li>Pass 2: find_get_entries, then for each folio folio_lock (sleeps), "folio_mapping(folio) !=
     *     mapping" -> unlock and retry, VM_BUG_ON_FOLIO(folio_test_writeback(folio)),
     *     truncate_inode_folio, folio_unlock; folio_batch_release.</li>
     * </ol>
     */
    public Procedure shmemUndoRange() {
        if (shmemUndoRange != null) {
            return shmemUndoRange;
        }
        Procedure lockEntries = truncate.findLockEntries();
        Procedure inodeFolio = truncate.truncateInodeFolio();
        Procedure p = mm.builder().procedure("shmem_undo_range");
        Local batch = truncate.batchLocal(p, "fbatch");
        Local ok = p.local("ok", 0, 1);
        // Simplification: no swap entries in the range and no partial or large folios; one find_lock_entries call covers it.
        p.body(body -> {
            body.callInto(batch, lockEntries);
            body.ifLocal(e -> e.local(batch) != 0, pass1 -> {
                for (int i = 0; i < truncate.folios().size(); i++) {
                    int bit = 1 << i;
                    Folio x = truncate.folios().get(i);
                    pass1.ifLocal(e -> (e.local(batch) & bit) != 0, one -> one
                            .call(inodeFolio, IntExpr.of(x.id()))
                            .step(FolioOps.folioUnlock(FolioRef.fixed(x))));
                }
                pass1.step(truncate.folioBatchRelease(batch));
            });
            truncate.findGetEntries(body, batch, ok);
            body.ifLocal(e -> e.local(batch) != 0, pass2 -> {
                for (int i = 0; i < truncate.folios().size(); i++) {
                    int bit = 1 << i;
                    Folio x = truncate.folios().get(i);
                    FolioRef X = FolioRef.fixed(x);
                    pass2.ifLocal(e -> (e.local(batch) & bit) != 0, one -> one
                            .step(FolioOps.folioLock(X))
                            // Simplification: "Page was replaced by swap: retry" unlocks and skips (nothing moves shmem folios to swap here).
                            .ifThenElse(Cond.of("folio_mapping(folio) != mapping", x.name(), e -> !e.isSet(x.inCache)),
                                    swapped -> swapped.step(FolioOps.folioUnlock(X)),
                                    cached -> cached
                                            .assertThat("shmem.undo-range-no-writeback",
                                                    "VM_BUG_ON_FOLIO(folio_test_writeback(" + x.name() + "))",
                                                    e -> !e.isSet(x.writeback))
                                            .call(inodeFolio, IntExpr.of(x.id()))
                                            .step(FolioOps.folioUnlock(X))));
                }
                pass2.step(truncate.folioBatchRelease(batch));
            });
        });
        shmemUndoRange = p;
        return p;
    }
}
