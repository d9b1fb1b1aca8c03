package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.Truncate;
import org.migcheck.properties.KernelRules;

/**
 * Truncate walks its mapping's declared folios by index: a folio that migration moved into one of their
 * slots (a destination declared without a mapping) is not followed. A kernel-fidelity review found that
 * truncation then left the destination cached and its own truncate.range-empty check passed (a false
 * HOLDS); the walk now stops with a model error naming the destination.
 */
class MigratedSlotTest {

    private static Model model(boolean migrate) {
        Model.Builder b = Model.builder("truncate-after-migration-" + migrate);
        Mm mm = new Mm(b);
        Mapping m = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Folio src = mm.folio("folio0", m);
        Folio dst = mm.folio("dst", null, new Folio.Init().ref(1).inCache(false).lru(false));
        Truncate t = new Truncate(mm, m, true);
        mm.thread("truncate").body(x -> {
            if (migrate) {
                // the slot switch of __folio_migrate_mapping, done before truncation starts
                x.step(Step.named("__folio_migrate_mapping").args("folio0 -> dst")
                        .does(e -> { e.set(src.inCache, false); e.set(dst.inCache, true); }).build());
            }
            x.call(t.truncateInodePagesRange());
        });
        return b.build();
    }

    @Test
    void truncationAfterAMigrationIntoTheMappingIsRefused() {
        CheckResult r = Migcheck.check(model(true), KernelRules.all()).result();
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertTrue(r.message().startsWith("dst took a page-cache slot by migration"), r.message());
        CheckResult plain = Migcheck.check(model(false), KernelRules.all()).result();
        assertEquals(Verdict.HOLDS, plain.verdict(), plain.message());
    }
}
