package org.migcheck.ci.guide;

import java.util.Map;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioEvent;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Scenario;

/**
 * The worked example of docs/modelling.md, built from a commit message: 073861ed77b6 "mm: fix
 * VM_BUG_ON(PageTail) and BUG_ON(PageWriteback)" (Hugh Dickins, v5.10). "PageWriteback is not
 * accompanied by a page reference ...: as soon as TestClearPageWriteback has been done, that page
 * could be removed from page cache, freed, and reused for something else by the time that
 * wake_up_page() is reached." The fix: end_page_writeback takes a reference before the clear and
 * drops it after the wake-up.
 *
 * <p>Every step is written here by hand (nothing reuses FolioOps.folioEndWriteback, which folds the
 * fix in). Simplifications: the reuse of the freed page (its new writeback, the woken waiter's
 * BUG_ON) is not modelled: touching the freed folio is already the bug; one folio.
 */
public final class EndWritebackExample {
    private EndWritebackExample() {}

    /** Reachable in both kernels: truncation removed the page while the completion was still running. */
    public static final String GOAL = "truncated-during-completion";

    /** @param tempRef the fix: end_page_writeback holds a reference across the clear and the wake-up */
    public static Model build(boolean tempRef) {
        Model.Builder m = Model.builder(tempRef ? "end-writeback-tempref" : "end-writeback-noref");
        Mm mm = new Mm(m);
        Mapping mapping = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        // The page cache holds the only reference; the I/O in flight holds none (the commit's point).
        Folio page = mm.folio("page0", mapping, new Folio.Init().writeback(true));
        FolioRef P = FolioRef.fixed(page);

        Procedure io = mm.thread("bio-completion");   // e.g. ext4_finish_bio -> end_page_writeback
        io.body(b -> {
            if (tempRef) {
                b.step(FolioOps.folioGet(P));        // get_page(page)
            }
            b.step(Step.named("test_clear_page_writeback")
                            .args("page0")
                            .provides(FolioOps.PG_WRITEBACK)       // what truncate's wait waits for
                            .does(e -> {
                                e.emit(new FolioEvent.Accessed(page, "test_clear_page_writeback"));
                                e.set(page.writeback, false);
                                e.emit(new FolioEvent.WritebackEnded(page));
                            })
                            .build())
                    .step(Step.named("wake_up_page")
                            .args("page0, PG_writeback")
                            .does(e -> e.emit(new FolioEvent.Accessed(page, "wake_up_page")))
                            .build());
            if (tempRef) {
                b.step(FolioOps.folioPut(P));        // put_page(page)
            }
        });

        Procedure truncate = mm.thread("truncate");   // truncate_inode_pages_range, one page
        truncate.body(b -> b
                .step(FolioOps.folioLock(P))
                .step(FolioOps.folioWaitWriteback(P))  // wait_on_page_writeback
                .step(FolioOps.filemapRemoveFolio(P))  // delete_from_page_cache: drops the cache's reference
                .step(FolioOps.folioUnlock(P)));

        // the commit's window: PG_writeback clear, the page out of the cache, the completion not done yet
        m.goal(GOAL, v -> !v.finished(0) && !v.isSet(page.writeback) && !v.isSet(page.inCache));
        return m.build();
    }

    /** The example as a scenario, so `migcheck` can list, check and replay it. */
    public static Scenario scenario() {
        return BaseScenario.builder("guide-end-writeback")
                .title("end_page_writeback's wake-up after truncation freed the page (073861ed77b6)")
                .reference("docs/modelling.md worked example; mm/filemap.c end_page_writeback")
                .knob(Knob.bool("tempRef", true, "end_page_writeback holds a reference across the clear and the wake-up"))
                .model(k -> build(k.flag("tempRef")))
                .variant("v5.9", Map.of("tempRef", "false"), Expect.violated("folio.use-after-free"),
                        "shipped v5.8-v5.9: no reference, the wake-up touches a freed page")
                .variant("v5.10", Map.of("tempRef", "true"), Expect.holds().reach(GOAL, true),
                        "shipped v5.10 (073861ed77b6): get_page / put_page around it")
                .build();
    }
}
