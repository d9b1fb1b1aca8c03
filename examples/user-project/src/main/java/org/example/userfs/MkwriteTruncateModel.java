package org.example.userfs;

import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;

/**
 * A filesystem's {@code ->page_mkwrite} racing with truncate, built from the mm vocabulary.
 *
 * <p>Kernel shape (mm/filemap.c filemap_page_mkwrite, v6.19): lock the folio, then
 * {@code if (folio->mapping != mapping) { folio_unlock(folio); return VM_FAULT_NOPAGE; }}, then
 * {@code folio_mark_dirty}. A filesystem that dirties the folio without the lock and the re-check can
 * dirty a folio that truncate has already removed from the page cache: the write through the mapping
 * is never written back (lost), which the project's own rule {@link DirtyInCacheRule} reports.
 *
 * <p>Simplifications: the faulting task's page-table reference is the folio's second reference from the
 * start (truncate's unmap_mapping_range is not modelled, so the fault can run after the removal);
 * one folio.
 */
public final class MkwriteTruncateModel {
    private MkwriteTruncateModel() {}

    /** @param recheck page_mkwrite locks the folio and re-checks folio->mapping (the kernel's way) */
    public static Model build(boolean recheck) {
        Model.Builder m = Model.builder(recheck ? "mkwrite-recheck" : "mkwrite-unlocked");
        Mm mm = new Mm(m);
        Mapping map = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Folio f = mm.folio("folio0", map, new Folio.Init().ref(2));   // page cache + the faulting PTE
        FolioRef F = FolioRef.fixed(f);
        Cond stillMapped = Cond.of("folio->mapping == mapping", "folio0", e -> e.isSet(f.inCache));

        Procedure fault = mm.thread("fault");          // do_page_mkwrite -> userfs_page_mkwrite
        fault.body(b -> {
            if (recheck) {
                b.step(FolioOps.folioLock(F))
                        .ifThenElse(stillMapped,
                                ok -> ok.step(FolioOps.folioMarkDirty(F)).step(FolioOps.folioUnlock(F)),
                                gone -> gone.step(FolioOps.folioUnlock(F)));   // VM_FAULT_NOPAGE: retry the fault
            } else {
                b.step(FolioOps.folioMarkDirty(F));
            }
            b.step(FolioOps.folioPut(F));              // the fault path drops its reference
        });

        Procedure truncate = mm.thread("truncate");    // truncate_inode_pages_range
        Local ref = truncate.local("ref", 0, 1);
        truncate.body(b -> b
                .step(FolioOps.folioTryGet(F, ref))
                .ifLocal(e -> e.local(ref) == 1, found -> found
                        .step(FolioOps.folioLock(F))
                        .step(FolioOps.folioWaitWriteback(F))
                        .step(FolioOps.filemapRemoveFolio(F))
                        .step(FolioOps.folioUnlock(F))
                        .step(FolioOps.folioPut(F))));
        m.goal("dirtied-in-cache", v -> v.isSet(f.dirty) && v.isSet(f.inCache));
        return m.build();
    }
}
