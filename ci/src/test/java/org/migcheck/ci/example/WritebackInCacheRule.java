package org.migcheck.ci.example;

import org.migcheck.model.mm.Folio;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;

/** The README's "Add a rule" example: a new invariant in a few lines, with its kernel reference. */
public final class WritebackInCacheRule {
    private WritebackInCacheRule() {}

    public static final Invariant WRITEBACK_IN_CACHE = Invariant.of(
            "writeback.in-cache",
            "a page-cache folio under writeback is still in the page cache",
            "mm/truncate.c truncate_inode_folio (truncation waits for writeback before removal)",
            s -> {
                for (Folio f : s.model().objects(Folio.class)) {
                    if (f.mapping() != null && s.isSet(f.writeback) && !s.isSet(f.inCache)) {
                        return Check.violated(f.name() + " is under writeback but no longer in "
                                + f.mapping().name() + "'s page cache");
                    }
                }
                return Check.ok();
            });
}
