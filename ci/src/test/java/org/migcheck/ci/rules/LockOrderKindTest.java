package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.ci.rules.Runs.check;
import static org.migcheck.ci.rules.Runs.expect;
import static org.migcheck.ci.rules.Runs.expectViolated;
import static org.migcheck.ci.rules.Runs.labels;
import static org.migcheck.ci.rules.Runs.lastRow;
import static org.migcheck.ci.rules.Runs.report;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.LockHierarchy;
import org.migcheck.properties.RuleSet;

/**
 * Lock order, both ways the checker knows it: the lockdep-style dependency graph (a cycle is a
 * violation even where no interleaving deadlocks) and the declared mm hierarchy (a step rule).
 */
class LockOrderKindTest {

    /**
     * abba-gated: t1 takes G, A, B; t2 takes G, B, A; G serialises them, so no deadlock exists, but
     * lockdep records A -> B (t1) and B -> A (t2). States by hand: each thread has 7 positions (6
     * steps, finished) and at most one is inside G (positions 1..5): 7 * 7 - 5 * 5 = 24.
     */
    @Test
    void gatedAbbaIsALockOrderCycleWithTwoWitnesses() {
        Model m = Zoo.abbaModel(false, true);
        CheckResult r = expectViolated(check(m), RuleSet.LOCK_CYCLE);
        assertTrue(r.message().contains("A -> B -> A"), r.message());
        assertEquals(24, r.stats().distinct(), "the cycle is reported after the exhaustive search");
        assertEquals(2, r.witnesses().size(), report(r));

        CheckResult.Witness ab = r.witnesses().get(0);
        Trace t1 = ab.trace(m);
        assertEquals(List.of("mutex_lock(G)", "mutex_lock(A)", "mutex_lock(B)"), labels(t1), ab.title());
        assertEquals(m.threadIndex("t1"), lastRow(t1).thread());
        assertEquals(List.of("B: held by t1"), lastRow(t1).changes());
        assertTrue(ab.title().contains("t1 takes B while holding A"), ab.title());

        CheckResult.Witness ba = r.witnesses().get(1);
        Trace t2 = ba.trace(m);
        assertEquals(List.of("mutex_lock(G)", "mutex_lock(B)", "mutex_lock(A)"), labels(t2), ba.title());
        assertEquals(m.threadIndex("t2"), lastRow(t2).thread());
        assertEquals(List.of("A: held by t2"), lastRow(t2).changes());
        assertTrue(ba.title().contains("t2 takes A while holding B"), ba.title());

        // the main counterexample is the first witness
        assertEquals(labels(t1), labels(r.trace()));
    }

    @Test
    void gatedAbbaWithoutLockdepHolds() {
        CheckResult r = expect(check(Zoo.abbaModel(false, true), RuleSet.empty()), Verdict.HOLDS);
        assertEquals(24, r.stats().distinct(), "deadlock freedom is exhaustive over the same 24 states");
    }

    @Test
    void sameOrderIsNoCycle() {
        expect(check(Zoo.abbaModel(true, false)), Verdict.HOLDS);
    }

    // ---------------------------------------------------------------- declared hierarchy

    /**
     * truncate takes mapping0.i_pages (spinlock, class i_pages) and folio0's lock (class folio_lock)
     * in the given order, then releases both. The mm order puts folio_lock outside i_pages.
     */
    static Model twoLocks(boolean iPagesFirst) {
        Model.Builder b = Model.builder(iPagesFirst ? "i_pages-then-folio_lock" : "folio_lock-then-i_pages");
        Mm mm = new Mm(b);
        Mapping mapping = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Folio f = mm.folio("folio0", mapping);
        FolioRef f0 = FolioRef.fixed(f);
        Lock ip = mapping.iPages;
        b.thread("truncate", body -> {
            if (iPagesFirst) {
                body.step(Steps.lock("xa_lock", ip)).step(FolioOps.folioLock(f0))
                        .step(FolioOps.folioUnlock(f0)).step(Steps.unlock("xa_unlock", ip));
            } else {
                body.step(FolioOps.folioLock(f0)).step(Steps.lock("xa_lock", ip))
                        .step(Steps.unlock("xa_unlock", ip)).step(FolioOps.folioUnlock(f0));
            }
        });
        return b.build();
    }

    static RuleSet hierarchyOnly() { return RuleSet.of(List.of(LockHierarchy.mm()), false); }

    @Test
    void folioLockUnderIPagesBreaksTheHierarchy() {
        Model m = twoLocks(true);
        CheckResult r = expectViolated(check(m, hierarchyOnly()), LockHierarchy.ID);
        for (String name : List.of("truncate", "folio0", "folio_lock", "mapping0.i_pages", "i_pages")) {
            assertTrue(r.message().contains(name), name + " in " + r.message());
        }
        assertEquals(2, r.schedule().length, report(r));
        assertEquals("folio_lock(folio0)", lastRow(r.trace()).label());
    }

    /** With every kernel rule, the same step is first an atomic sleep (atomic.sleep precedes the hierarchy). */
    @Test
    void withAllKernelRulesTheSameStepIsReportedAsAtomicSleep() {
        CheckResult r = expectViolated(check(twoLocks(true)), "atomic.sleep");
        assertEquals("folio_lock(folio0)", lastRow(r.trace()).label());
        assertTrue(r.message().contains("mapping0.i_pages"), r.message());
    }

    @Test
    void iPagesUnderFolioLockFollowsTheHierarchy() {
        Model m = twoLocks(false);
        expect(check(m, hierarchyOnly()), Verdict.HOLDS);
        CheckResult r = expect(check(m, KernelRules.all()), Verdict.HOLDS);
        assertEquals(5, r.stats().distinct(), "one thread, four steps");
    }

    /**
     * The balloon pattern (the mm lock-ordering comments in mm/rmap.c and mm/filemap.c): truncate takes folio_lock then i_pages, balloon
     * takes i_pages then only trylocks the folio. A trylock cannot wait, so neither lockdep nor the
     * hierarchy records balloon's order, and no interleaving deadlocks: every kernel rule holds.
     */
    @Test
    void reverseOrderWithTrylockIsNoCycle() {
        Model.Builder b = Model.builder("trylock-reverse");
        Mm mm = new Mm(b);
        Mapping mapping = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        FolioRef f0 = FolioRef.fixed(mm.folio("folio0", mapping));
        Lock ip = mapping.iPages;
        b.thread("truncate", body -> body.step(FolioOps.folioLock(f0)).step(Steps.lock("xa_lock", ip))
                .step(Steps.unlock("xa_unlock", ip)).step(FolioOps.folioUnlock(f0)));
        Procedure balloon = b.thread("balloon");
        Local ok = balloon.local("ok", 0, 1);
        balloon.body(body -> body.step(Steps.lock("spin_lock", ip)).step(FolioOps.folioTrylock(f0, ok))
                .ifLocal(e -> e.local(ok) == 1, got -> got.step(FolioOps.folioUnlock(f0)))
                .step(Steps.unlock("spin_unlock", ip)));
        CheckResult r = expect(check(b.build()), Verdict.HOLDS);
        assertTrue(r.witnesses().isEmpty());
    }
}
