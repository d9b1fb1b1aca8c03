package org.example.userfs;

import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioEvent;
import org.migcheck.properties.Check;
import org.migcheck.properties.StepRule;
import org.migcheck.properties.StepView;

/**
 * The project's own rule: a page-cache folio is dirtied only while it is still in its mapping's page
 * cache; otherwise writeback never sees it and the write is lost. Registered in
 * {@code META-INF/services/org.migcheck.properties.Rule}, so {@code migcheck --classpath} checks it too.
 */
public final class DirtyInCacheRule implements StepRule {
    public static final String ID = "userfs.dirty-in-cache";

    @Override public String id() { return ID; }

    @Override public String statement() { return "folio_mark_dirty on a page-cache folio finds it still in the page cache"; }

    @Override public String kernelRef() { return "mm/filemap.c filemap_page_mkwrite (folio->mapping re-check under the folio lock)"; }

    @Override
    public Check check(StepView step) {
        for (FolioEvent.Accessed a : step.events(FolioEvent.Accessed.class)) {
            Folio f = a.folio();
            if (a.how().equals("folio_mark_dirty") && f.mapping() != null && !step.before().isSet(f.inCache)) {
                return Check.violated(step.threadName() + " dirties " + f.name() + ", which truncate already removed from "
                        + f.mapping().name() + "'s page cache: the write is never written back");
            }
        }
        return Check.ok();
    }
}
