package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.mm.BufferMigrate;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.Gfp;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Memcg;
import org.migcheck.model.mm.Migrate;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.PageAlloc;
import org.migcheck.model.mm.Readahead;
import org.migcheck.model.mm.Vmscan;
import org.migcheck.properties.KernelRules;

/**
 * The allocation context the building blocks pass on, where the kernel changes it on the way:
 * memcg reclaim applies current_gfp_context (a charge inside memalloc_nofs_save() reclaims without
 * __GFP_FS), and a costly __GFP_NORETRY allocation keeps its second direct compaction asynchronous.
 * Each case is checked against its twin without the kernel's rule, which must behave differently.
 */
class GfpContextTest {

    /**
     * A legacy (v1) memcg G at its limit, its one folio under writeback with PG_reclaim (nobody will end
     * the writeback), and a task that charges a page to G with GFP_KERNEL: shrink_folio_list takes case 3
     * (folio_wait_writeback) with __GFP_FS, case 2 (activate) without it. With {@code nofsScope} the
     * charge runs inside memalloc_nofs_save().
     */
    private static Model charge(boolean nofsScope) {
        Model.Builder b = Model.builder("memcg-charge-" + (nofsScope ? "nofs-scope" : "plain"));
        Mm mm = new Mm(b);
        Mapping m = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Folio f = mm.folio("folio0", m, new Folio.Init().writeback(true).reclaim(true));
        Memcg.Controller memcgs = new Memcg.Controller(mm, Memcg.Hierarchy.V1, true);
        Memcg g = memcgs.create("G", 1, 1);
        memcgs.charged(g, f);
        Vmscan vmscan = new Vmscan(mm, memcgs);
        PageAlloc pa = new PageAlloc(mm, new Migrate(mm, Migrate.Rules.v6_19()), List.of(), Migrate.MIGRATE_SYNC_LIGHT, false);
        Procedure charge = memcgs.tryChargeMemcg(vmscan);
        Procedure t = mm.thread("charger");
        if (nofsScope) {
            pa.declareNofsScope(mm.task("charger"));
            t.body(x -> x.step(pa.memallocNofsSave()).call(charge, IntExpr.of(g.id()), e -> Gfp.KERNEL).step(pa.memallocNofsRestore()));
        } else {
            t.body(x -> x.call(charge, IntExpr.of(g.id()), e -> Gfp.KERNEL));
        }
        return b.build();
    }

    @Test
    void memcgReclaimInsideANofsScopeDoesNotWaitOnWriteback() {
        CheckResult plain = Migcheck.check(charge(false), KernelRules.all()).result();
        assertEquals(Verdict.DEADLOCK, plain.verdict(), plain.message());
        assertTrue(Trace.replay(plain.model(), plain.schedule()).rows().stream()
                .anyMatch(r -> r.label().startsWith("folio_unlock(folio0)")), "case 3 unlocks before it waits");
        CheckResult scoped = Migcheck.check(charge(true), KernelRules.all()).result();
        assertEquals(Verdict.HOLDS, scoped.verdict(), scoped.message());
    }

    /**
     * Readahead of {@code order}-{@code raOrder} folios whose allocation compacts a zone holding the
     * readahead's own first folio, locked and not yet read (the v2.6.38-era deadlock of
     * source-locked-alloc's readahead-compaction-sleeps): compaction without the PF_MEMALLOC rule and
     * without the SYNC_LIGHT I/O check, at MIGRATE_SYNC_LIGHT in the retry loop.
     */
    private static Model readahead(int raOrder, int gfp) {
        Model.Builder b = Model.builder("readahead-order" + raOrder + "-" + Gfp.describe(gfp));
        Mm mm = new Mm(b);
        Mapping file = mm.mapping("blkfs", Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO, false, false);
        Folio f0 = mm.folio("F0", file);
        List<Folio> ra = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            ra.add(mm.folio("F" + i, file, new Folio.Init().ref(0).inCache(false).lru(false).uptodate(false)));
        }
        Folio free0 = mm.folio("free0", null, new Folio.Init().ref(0).inCache(false).lru(false));
        List<Folio> lru = new ArrayList<>(List.of(f0));
        lru.addAll(ra);
        Migrate mig = new Migrate(mm, new Migrate.Rules(false, false, false, true));
        new BufferMigrate(mig, file);
        PageAlloc pa = new PageAlloc(mm, mig, List.of(new PageAlloc.Zone(0, lru, free0)), Migrate.MIGRATE_SYNC_LIGHT, false);
        Readahead rd = new Readahead(mm, pa, ra, 0, raOrder, gfp, false);
        mm.thread("readahead").body(x -> x.call(rd.pageCacheRaOrder()));
        rd.endIoThread("irq");
        return b.build();
    }

    @Test
    void aCostlyNoretryAllocationCompactsAsynchronouslyOnItsRetry() {
        // order 2 (not costly): the retry's compaction is SYNC_LIGHT and sleeps in folio_lock on F1
        CheckResult small = Migcheck.check(readahead(2, Gfp.KERNEL | Gfp.NORETRY), KernelRules.all()).result();
        assertEquals(Verdict.DEADLOCK, small.verdict(), small.message());
        // order 4 without __GFP_NORETRY: costly, but compact_priority stays DEF_COMPACT_PRIORITY: the same sleep
        CheckResult costly = Migcheck.check(readahead(4, Gfp.KERNEL), KernelRules.all()).result();
        assertEquals(Verdict.DEADLOCK, costly.verdict(), costly.message());
        // order 4 with __GFP_NORETRY (readahead_gfp_mask): INIT_COMPACT_PRIORITY, MIGRATE_ASYNC: folio_trylock, no sleep
        CheckResult noretry = Migcheck.check(readahead(4, Gfp.KERNEL | Gfp.NORETRY), KernelRules.all()).result();
        assertEquals(Verdict.HOLDS, noretry.verdict(), noretry.message());
    }
}
