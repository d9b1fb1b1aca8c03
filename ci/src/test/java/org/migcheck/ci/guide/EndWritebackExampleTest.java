package org.migcheck.ci.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.lang.Model;

/** docs/modelling.md's worked example, kept honest: the verdicts and the trace the guide shows. */
class EndWritebackExampleTest {

    @Test
    void beforeTheFixTheWakeUpTouchesTheFreedPage() {
        CheckResult r = Migcheck.assertViolates(EndWritebackExample.build(false), "folio.use-after-free");
        List<String> steps = r.trace().rows().stream().map(Trace.Row::label).toList();
        // the commit message's interleaving, by hand: the completion clears PG_writeback (1); truncate
        // locks the page, its wait returns at once, it removes the page and the last put frees it (2-4);
        // the completion's wake_up_page touches the freed page (5). (Locking first is as short; BFS
        // tries the lower-numbered thread first.)
        assertEquals(List.of("test_clear_page_writeback(page0)", "folio_lock(page0)", "folio_wait_writeback(page0)",
                "filemap_remove_folio(page0)", "wake_up_page(page0, PG_writeback)"), steps);
        assertTrue(r.message().contains("wake_up_page on page0 after page0 was freed"), r.message());
    }

    @Test
    void theTemporaryReferenceFixesIt() {
        Migcheck.assertHolds(EndWritebackExample.build(true));
        // and the race the commit describes is still explored: truncation completes during the completion
        Migcheck.assertReachable(EndWritebackExample.build(true), EndWritebackExample.GOAL);
    }

    @Test
    void asDeclaredAsAScenario() {
        Migcheck.assertAsDeclared(EndWritebackExample.scenario(), "v5.9");
        Migcheck.assertAsDeclared(EndWritebackExample.scenario(), "v5.10");
    }

    /** The pitfall the guide warns about: reusing the v6.19 building block folds the fix in and hides the bug. */
    @Test
    void reusingTheFoldedInBuildingBlockHidesTheBug() {
        Model.Builder m = Model.builder("end-writeback-reused-block");
        Mm mm = new Mm(m);
        Mapping mapping = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Folio page = mm.folio("page0", mapping, new Folio.Init().writeback(true));
        FolioRef P = FolioRef.fixed(page);
        mm.thread("bio-completion").body(b -> b.step(FolioOps.folioEndWriteback(P)));
        mm.thread("truncate").body(b -> b.step(FolioOps.folioLock(P)).step(FolioOps.folioWaitWriteback(P))
                .step(FolioOps.filemapRemoveFolio(P)).step(FolioOps.folioUnlock(P)));
        Migcheck.assertHolds(m.build());
    }
}
