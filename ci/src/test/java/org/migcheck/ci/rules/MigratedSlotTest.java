package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Migrate;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.Truncate;
import org.migcheck.properties.KernelRules;

/**
 * Truncate walks its mapping's declared folios by index and does not follow a folio that migration
 * moved into a destination without a mapping. A kernel-fidelity review found that truncation then left
 * the destination cached and its own truncate.range-empty check passed (a false HOLDS). Migration now
 * refuses, with a model error naming both, to move a folio of a mapping that such a walk looks up;
 * migration in another mapping than the one truncated goes on (a review of the first guard found it
 * refused that too).
 */
class MigratedSlotTest {

    /** A migrator moves folio0 of mapping0 into D; a truncator truncates mapping0, or with {@code other} a second mapping. */
    private static Model model(boolean other) {
        Model.Builder b = Model.builder("truncate-and-migrate-" + (other ? "two-mappings" : "one-mapping"));
        Mm mm = new Mm(b);
        Mapping m0 = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Mapping m1 = mm.mapping("mapping1", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Folio src = mm.folio("folio0", m0);
        mm.folio("folio1", m1);
        Folio dst = mm.folio("D", null, new Folio.Init().ref(0).inCache(false).lru(false));
        Migrate mig = new Migrate(mm, Migrate.Rules.v6_19());
        Procedure migrate = mig.migratePages(mig.allocMigrationTarget());
        Truncate t = new Truncate(mm, other ? m1 : m0, true);
        Procedure migrator = mm.thread("migrator");
        Local isolated = migrator.local("isolated", 0, 1);
        Local rc = migrator.local("rc", -100, 100);
        migrator.body(x -> x.step(mig.isolateMigratepagesBlock(src, isolated, Migrate.MIGRATE_SYNC))
                .ifLocal(e -> e.local(isolated) == 1, y -> y.callInto(rc, migrate, IntExpr.of(src.id()), IntExpr.of(dst.id()),
                        e -> Migrate.MIGRATE_SYNC)));
        mm.thread("truncate").body(x -> x.call(t.truncateInodePagesRange()));
        return b.build();
    }

    @Test
    void migrationOfAFolioThatTruncationWalksIsRefused() {
        CheckResult r = Migcheck.check(model(false), KernelRules.all()).result();
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertTrue(r.message().startsWith("migration moves folio0 of mapping0 into D, a folio without a mapping, and"
                + " truncate_inode_pages_range, find_get_entry, filemap_get_entry look up mapping0's declared folios only"), r.message());
        CheckResult other = Migcheck.check(model(true), KernelRules.all()).result();
        assertNotEquals(Verdict.MODEL_ERROR, other.verdict(), other.message());
    }
}
