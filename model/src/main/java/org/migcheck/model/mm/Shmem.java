package org.migcheck.model.mm;

import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.ModelViolation;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;

/**
 * The mm/shmem.c paths (v6.19, where {@code shmem_writeout} replaced shmem_writepage when ->writepage
 * was removed in 2025) that the AOP_WRITEPAGE_ACTIVATE question of docs/scenarios/truncate-writeback.md needs:
 * {@code shmem_writeout}'s redirty path, which returns AOP_WRITEPAGE_ACTIVATE with the folio still
 * locked ("Return with folio locked"), and {@code shmem_truncate_range} -> {@code shmem_undo_range},
 * which after its trylock pass sleeps in folio_lock on the partial folio at {@code lstart}
 * ({@code shmem_get_partial_folio}) and, in pass 2, on every folio still in the range.
 *
 * <p><b>Kernel:</b> v6.19 ({@code shmem_writeout}; older kernels called the same path through
 * {@code ->writepage} as {@code shmem_writepage}, with the same AOP_WRITEPAGE_ACTIVATE return and the
 * folio left locked). Fixes folded in that changed the locking protocol: none known to us.
 */
public final class Shmem {
    /** AOP_WRITEPAGE_ACTIVATE (include/linux/fs.h), encoded as 1 in return-value locals; 0 is success. */
    public static final int AOP_WRITEPAGE_ACTIVATE = 1;

    /**
     * A page-aligned byte range [lstart, lend] of shmem_truncate_range, in pages: lstart =
     * {@code firstPage << PAGE_SHIFT}, lend = {@code ((lastPage + 1) << PAGE_SHIFT) - 1}, or lend = -1
     * (to the end of the file) when {@code lastPage} is -1.
     */
    public record Range(int firstPage, int lastPage) {
        /** The whole file: shmem_truncate_range(inode, 0, (loff_t)-1). */
        public static Range wholeFile() { return new Range(0, -1); }

        /** One page: [index &lt;&lt; PAGE_SHIFT, (index &lt;&lt; PAGE_SHIFT) + PAGE_SIZE - 1] (ttm_backup_drop). */
        public static Range page(int index) { return new Range(index, index); }

        /** lend == -1: {@code end = -1} ("unsigned, so actually very big"). */
        boolean toEof() { return lastPage < 0; }

        /** same_folio = (lstart >> PAGE_SHIFT) == (lend >> PAGE_SHIFT), for single-page folios. */
        boolean sameFolio() { return !toEof() && firstPage == lastPage; }

        @Override public String toString() {
            return "lstart " + firstPage + " << PAGE_SHIFT, lend " + (toEof() ? "-1" : "(" + (lastPage + 1) + " << PAGE_SHIFT) - 1");
        }
    }

    private final Mm mm;
    private final Truncate truncate;
    private Procedure shmemWriteout;
    /** Rule id of shmem_writeout's dereference of folio->mapping on a folio truncation has removed (an oops). */
    public static final String WRITEOUT_NO_MAPPING = "shmem.writeout-truncated";
    private Procedure shmemGetPartialFolio;
    private Procedure shmemUndoRange;
    private Procedure shmemTruncateRange;
    private Range range;

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
        // "struct address_space *mapping = folio->mapping; struct inode *inode = mapping->host;": a folio that
        // truncation removed meanwhile has no mapping, and the kernel dereferences NULL (an oops).
        // Simplification: the system has no swap ("if (!total_swap_pages) goto redirty;"), so only the redirty path is modelled.
        p.body(body -> body
                .step(Step.named("shmem_writeout")
                        .args(e -> "inode = " + F.of(e).name() + "->mapping->host")
                        .does(e -> {
                            Folio x = F.of(e);
                            if (!e.isSet(x.inCache)) {
                                throw new ModelViolation(WRITEOUT_NO_MAPPING, "shmem_writeout(" + x.name() + ") reads "
                                        + "folio->mapping->host, but truncation removed " + x.name() + " from the page cache:"
                                        + " NULL dereference");
                            }
                        })
                        .build())
                .step(FolioOps.folioMarkDirty(F))                     // redirty: folio_mark_dirty(folio)
                .ret(IntExpr.of(AOP_WRITEPAGE_ACTIVATE)));           // "Return with folio locked"
        shmemWriteout = p;
        return p;
    }

    /**
     * mm/shmem.c shmem_get_partial_folio(inode, index): filemap_get_entry (a reference, or NULL);
     * folio_lock (sleeps); if folio->mapping == inode->i_mapping return it locked; else ("The folio
     * has been swapped out") folio_unlock, folio_put, then shmem_get_folio(SGP_READ). Parameter
     * {@code index}: position in the file's folios; returns the folio's id or -1 (NULL).
     * Simplification: no swap and nothing re-adds a folio, so shmem_get_folio(SGP_READ) after a lost race finds no folio and returns NULL without a step.
     */
    public Procedure shmemGetPartialFolio() {
        if (shmemGetPartialFolio != null) {
            return shmemGetPartialFolio;
        }
        Procedure p = mm.builder().procedure("shmem_get_partial_folio");
        Local index = p.param("index", 0, truncate.folios().size() - 1);
        Local ok = p.local("ok", 0, 1);
        FolioRef F = e -> truncate.folios().get(e.local(index));
        p.body(body -> body
                .step(truncate.filemapGetEntry(F, ok))
                .ifLocal(e -> e.local(ok) == 0, none -> none.ret(e -> -1))
                .step(FolioOps.folioLock(F))
                .ifThen(Cond.of("folio->mapping == inode->i_mapping", e -> F.of(e).name(), e -> e.isSet(F.of(e).inCache)),
                        same -> same.ret(e -> F.of(e).id()))
                .step(FolioOps.folioUnlock(F))
                .step(FolioOps.folioPut(F))
                .ret(e -> -1));
        shmemGetPartialFolio = p;
        return p;
    }

    /**
     * mm/shmem.c shmem_truncate_range(inode, lstart, lend): shmem_undo_range(inode, lstart, lend, false).
     * Simplification: inode_set_mtime_to_ts / inode_inc_iversion afterwards are not modelled.
     */
    public Procedure shmemTruncateRange(Range r) {
        if (shmemTruncateRange != null) {
            checkSameRange(r);
            return shmemTruncateRange;
        }
        Procedure undo = shmemUndoRange(r);
        Procedure p = mm.builder().procedure("shmem_truncate_range");
        p.body(body -> body.call(undo));
        shmemTruncateRange = p;
        return p;
    }

    private void checkSameRange(Range r) {
        if (!r.equals(range)) {
            throw new ModelError("shmem_undo_range", "one shmem_undo_range range per model: " + range + ", not " + r);
        }
    }

    /**
     * mm/shmem.c shmem_undo_range(inode, lstart, lend, unfalloc=false) for the page-aligned range
     * {@code r}.
     * <ol>
     * <li>Pass 1: find_lock_entries (trylock), truncate_inode_folio and folio_unlock on each,
     *     folio_batch_release.</li>
     * <li>The partial folio at lstart: shmem_get_partial_folio(lstart &gt;&gt; PAGE_SHIFT) (sleeping
     *     folio_lock); folio_mark_dirty; truncate_inode_partial_folio (folio_wait_writeback, then
     *     truncate_inode_folio: the whole folio is in the range); folio_unlock; folio_put. Unless
     *     same_folio, the same for the folio at lend &gt;&gt; PAGE_SHIFT.</li>
     * <li>Pass 2: find_get_entries (nothing found: "if (index == start || end != -1) break;"), then
     *     for each folio folio_lock (sleeps), "folio_mapping(folio) != mapping" -> unlock and retry,
     *     VM_BUG_ON_FOLIO(folio_test_writeback(folio)), truncate_inode_folio, folio_unlock;
     *     folio_batch_release.</li>
     * </ol>
     * Simplification: the range covers exactly the modelled folios of the file (checked), which are single pages.
     */
    public Procedure shmemUndoRange(Range r) {
        if (shmemUndoRange != null) {
            checkSameRange(r);
            return shmemUndoRange;
        }
        int n = truncate.folios().size();
        if (r.firstPage() != 0 || (!r.toEof() && r.lastPage() != n - 1)) {
            throw new ModelError("shmem_undo_range", "the range (" + r + ") must cover exactly the " + n
                    + " modelled folios of " + truncate.mapping().name());
        }
        this.range = r;
        Procedure lockEntries = truncate.findLockEntries();
        Procedure inodeFolio = truncate.truncateInodeFolio();
        Procedure partialFolio = truncate.truncateInodePartialFolio();
        Procedure getPartial = shmemGetPartialFolio();
        Procedure p = mm.builder().procedure("shmem_undo_range");
        Local batch = truncate.batchLocal(p, "fbatch");
        Local ok = p.local("ok", 0, 1);
        Local folio = p.local("folio", -1, mm.folios().size() - 1);
        FolioRef P = mm.at(folio);
        // Simplification: no swap entries in the range and no large folios; one find_lock_entries call covers it.
        p.body(body -> {
            body.callInto(batch, lockEntries);
            body.ifLocal(e -> e.local(batch) != 0, pass1 -> {
                truncate.forEachInBatch(pass1, batch, (one, x) -> one
                        .call(inodeFolio, IntExpr.of(x.id()))
                        .step(FolioOps.folioUnlock(FolioRef.fixed(x))));
                pass1.step(truncate.folioBatchRelease(batch));
            });
            // folio = shmem_get_partial_folio(inode, lstart >> PAGE_SHIFT); if (folio) { folio_mark_dirty(folio);
            // truncate_inode_partial_folio(folio, lstart, lend) (true: start and end stay); folio_unlock; folio_put; }
            partial(body, getPartial, partialFolio, r.firstPage(), folio, P);
            // "if (!same_folio) folio = shmem_get_partial_folio(inode, lend >> PAGE_SHIFT); if (folio) { ... }"
            // Simplification: for lend = -1 no modelled folio is at index lend >> PAGE_SHIFT, so that lookup (NULL) is not a step.
            if (!r.sameFolio() && !r.toEof()) {
                partial(body, getPartial, partialFolio, r.lastPage(), folio, P);
            }
            truncate.findGetEntries(body, batch, ok);
            // Simplification: one pass-2 sweep; nothing re-adds folios, and with end != -1 (a hole punch) the kernel stops at the first empty lookup anyway.
            body.ifLocal(e -> e.local(batch) != 0, pass2 -> {
                truncate.forEachInBatch(pass2, batch, (one, x) -> {
                    FolioRef X = FolioRef.fixed(x);
                    one.step(FolioOps.folioLock(X))
                            // Simplification: "Page was replaced by swap: retry" unlocks and skips (nothing moves shmem folios to swap here).
                            .ifThenElse(Cond.of("folio_mapping(folio) != mapping", x.name(), e -> !e.isSet(x.inCache)),
                                    swapped -> swapped.step(FolioOps.folioUnlock(X)),
                                    cached -> cached
                                            .assertThat("shmem.undo-range-no-writeback",
                                                    "VM_BUG_ON_FOLIO(folio_test_writeback(" + x.name() + "))",
                                                    e -> !e.isSet(x.writeback))
                                            .call(inodeFolio, IntExpr.of(x.id()))
                                            .step(FolioOps.folioUnlock(X)));
                });
                pass2.step(truncate.folioBatchRelease(batch));
            });
        });
        shmemUndoRange = p;
        return p;
    }

    /** The partial-folio block of shmem_undo_range for the folio at page {@code index}. */
    private static void partial(Body body, Procedure getPartial, Procedure partialFolio, int index, Local folio, FolioRef P) {
        body.callInto(folio, getPartial, IntExpr.of(index));
        body.ifLocal(e -> e.local(folio) >= 0, found -> found
                .step(FolioOps.folioMarkDirty(P))
                .call(partialFolio, IntExpr.of(folio))
                .step(FolioOps.folioUnlock(P))
                .step(FolioOps.folioPut(P)));
    }
}
