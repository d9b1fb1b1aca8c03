package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;

/**
 * The switch for the kernel before 073861ed77b6 (v5.10): end_page_writeback without its temporary
 * reference. Writeback holds no folio reference; truncation waits for PG_writeback, removes the folio
 * and drops the last reference. Before the fix, the wake-up after the clear touches a freed folio.
 */
class PreFixSwitchTest {

    static Model model(boolean beforeV5_10) {
        Model.Builder m = Model.builder(beforeV5_10 ? "end-writeback-v5.9" : "end-writeback-v6.19");
        Mm mm = new Mm(m);
        Mapping map = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Folio f = mm.folio("folio0", map, new Folio.Init().writeback(true));   // I/O in flight, no reference of its own
        FolioRef F = FolioRef.fixed(f);
        mm.thread("bio-completion").body(b -> {
            if (beforeV5_10) {
                FolioOps.folioEndWritebackBeforeV5_10(F).accept(b);
            } else {
                b.step(FolioOps.folioEndWriteback(F));
            }
        });
        mm.thread("truncate").body(b -> b
                .step(FolioOps.folioLock(F))
                .step(FolioOps.folioWaitWriteback(F))
                .step(FolioOps.filemapRemoveFolio(F))          // drops the page cache's (last) reference
                .step(FolioOps.folioUnlock(F)));
        return m.build();
    }

    @Test
    void theFoldedInFixHolds() {
        Migcheck.assertHolds(model(false));
    }

    @Test
    void beforeTheFixTheWakeUpTouchesAFreedFolio() {
        CheckResult r = Migcheck.assertViolates(model(true), "folio.use-after-free");
        List<String> steps = r.trace().rows().stream().map(Trace.Row::label).toList();
        // by hand: truncate locks (1), the completion clears PG_writeback (2), truncate's wait returns and
        // it removes the folio, freeing it (3, 4), the completion's wake-up touches it (5)
        assertEquals(5, r.schedule().length, steps.toString());
        assertEquals("wake_up_page(folio0, PG_writeback)", steps.get(4));
        assertTrue(r.message().contains("after folio0 was freed"), r.message());
    }
}
