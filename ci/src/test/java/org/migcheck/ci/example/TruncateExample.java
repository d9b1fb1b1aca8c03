package org.migcheck.ci.example;

import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;

/** The README's model: a flusher writes a dirty folio back while truncate removes it. */
public final class TruncateExample {
    private TruncateExample() {}

    public static Model build(boolean truncateWaits) {
        Model.Builder m = Model.builder(truncateWaits ? "truncate-example" : "truncate-example-nowait");
        Mm mm = new Mm(m);
        Mapping map = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Folio f = mm.folio("folio0", map, new Folio.Init().dirty(true));
        FolioRef F = FolioRef.fixed(f);
        Cond inCache = Cond.of("folio->mapping == mapping", "folio0", e -> e.isSet(f.inCache));

        Procedure flusher = mm.thread("flusher");        // writeback_iter + ->writepages
        Local got = flusher.local("got", 0, 1);
        flusher.body(b -> b
                .step(FolioOps.folioTryGet(F, got))           // filemap_get_folios_tag: reference
                .ifLocal(e -> e.local(got) == 1, found -> found
                        .step(FolioOps.folioLock(F))          // folio_prepare_writeback
                        .ifThenElse(inCache, write -> write
                                .step(FolioOps.folioStartWriteback(F))
                                .step(FolioOps.folioUnlock(F))
                                .step(FolioOps.folioPut(F))
                                .step(FolioOps.folioEndWriteback(F)),   // bio completion
                            gone -> gone
                                .step(FolioOps.folioUnlock(F))
                                .step(FolioOps.folioPut(F)))));

        Procedure truncate = mm.thread("truncate");       // truncate_inode_pages_range, pass 2
        Local ref = truncate.local("ref", 0, 1);
        truncate.body(b -> b
                .step(FolioOps.folioTryGet(F, ref))
                .ifLocal(e -> e.local(ref) == 1, found -> {
                    found.step(FolioOps.folioLock(F));
                    if (truncateWaits) {
                        found.step(FolioOps.folioWaitWriteback(F));
                    }
                    found.step(FolioOps.filemapRemoveFolio(F))
                            .step(FolioOps.folioUnlock(F))
                            .step(FolioOps.folioPut(F));
                }));
        return m.build();
    }
}
