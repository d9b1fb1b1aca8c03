package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioEvent;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mm;

/**
 * The rule kinds (README: Add a rule), each run end to end through {@code Checker.check} with
 * {@code KernelRules.all()} on a model written here: an invariant and a step rule, one violating and
 * one satisfying model each. Lock order, reachability and stuck threads have their own classes
 * ({@link LockOrderKindTest}, {@link ReachabilityKindTest}, {@link StuckKindTest}).
 */
class RuleKindsTest {

    // ---------------------------------------------------------------- (a) invariant isolate.ref-held

    /** folio_isolate_lru without the Isolated-folio bookkeeping a rule could see as use-after-free. */
    static Step isolate(Folio f) {
        return Step.named("folio_isolate_lru").args(f.name()).does(e -> {
            e.emit(new FolioEvent.Isolated(f));
            e.set(f.isolated, true);
            e.set(f.lru, false);
        }).build();
    }

    static Step putback(Folio f) {
        return Step.named("folio_putback_lru").args(f.name()).does(e -> {
            e.emit(new FolioEvent.Accessed(f, "folio_putback_lru"));
            e.set(f.isolated, false);
            e.set(f.lru, true);
        }).build();
    }

    /** folio_ref_sub (include/linux/page_ref.h): drops a reference with no "last one frees" check. */
    static Step refSub(Folio f) {
        return Step.named("folio_ref_sub").args(f.name() + ", 1").does(e -> e.add(f.ref, -1)).build();
    }

    /**
     * migrator isolates folio0 leaning on the page cache's reference; with {@code ownRef} it first
     * takes its own (folio_get) and puts the folio back before dropping one. Without it, folio_ref_sub
     * leaves an isolated folio with refcount 0: no step rule sees it (no event), the invariant does.
     */
    static Model isolateModel(boolean ownRef) {
        Model.Builder b = Model.builder(ownRef ? "isolate-with-ref" : "isolate-without-ref");
        Folio f = new Mm(b).folio("folio0", null);
        FolioRef f0 = FolioRef.fixed(f);
        b.thread("migrator", body -> {
            if (ownRef) {
                body.step(FolioOps.folioGet(f0));
            }
            body.step(isolate(f));
            if (ownRef) {
                body.step(putback(f));
            }
            body.step(refSub(f));
        });
        return b.build();
    }

    @Test
    void invariantBrokenByTheStepThatDropsTheLastReferenceOfAnIsolatedFolio() {
        CheckResult r = expectViolated(check(isolateModel(false)), "isolate.ref-held");
        assertTrue(r.message().contains("folio0"), r.message());
        // the state after the second step is the first bad one: isolate, then folio_ref_sub
        assertEquals(2, r.schedule().length, report(r));
        Trace t = r.trace();
        assertEquals(List.of("folio_isolate_lru(folio0)", "folio_ref_sub(folio0, 1)"), labels(t));
        assertNull(lastRow(t).failure(), "an invariant is broken by the state, not by a failing step");
        assertTrue(lastRow(t).changes().contains("folio0.ref: 0"), lastRow(t).changes().toString());
    }

    @Test
    void invariantHoldsWhenTheIsolatorOwnsAReference() {
        CheckResult r = expect(check(isolateModel(true)), Verdict.HOLDS);
        // one thread, four steps: a line of 5 states
        assertEquals(5, r.stats().distinct());
    }

    @Test
    void invariantBrokenInTheInitialStateHasAnEmptyCounterexample() {
        Model.Builder b = Model.builder("isolated-at-start");
        new Mm(b).folio("folio0", null, new Folio.Init().isolated(true).ref(0));
        b.thread("idle", body -> body.step(Step.named("cond_resched").build()));
        CheckResult r = expectViolated(check(b.build()), "isolate.ref-held");
        assertEquals(0, r.schedule().length);
        assertEquals(1, r.stats().distinct());
    }

    // ---------------------------------------------------------------- (b) step rule atomic.sleep

    /**
     * balloon: spin_lock(pages_lock) [spin_unlock] folio_lock(folio0) folio_unlock(folio0) [spin_unlock],
     * the balloon-deflate shape (mm/balloon_compaction.c); reader: folio_lock(folio0) folio_unlock(folio0).
     */
    static Model balloonModel(boolean unlockFirst) {
        Model.Builder b = Model.builder(unlockFirst ? "balloon-unlock-first" : "balloon-sleep-under-spinlock");
        Folio f = new Mm(b).folio("folio0", null);
        FolioRef f0 = FolioRef.fixed(f);
        Lock pages = b.spinlock("pages_lock");
        b.thread("balloon", body -> {
            body.step(Steps.lock("spin_lock", pages));
            if (unlockFirst) {
                body.step(Steps.unlock("spin_unlock", pages));
            }
            body.step(FolioOps.folioLock(f0)).step(FolioOps.folioUnlock(f0));
            if (!unlockFirst) {
                body.step(Steps.unlock("spin_unlock", pages));
            }
        });
        b.thread("reader", body -> body.step(FolioOps.folioLock(f0)).step(FolioOps.folioUnlock(f0)));
        return b.build();
    }

    @Test
    void sleepingFolioLockUnderASpinlockIsReportedAtThatStep() {
        Model m = balloonModel(false);
        CheckResult r = expectViolated(check(m), "atomic.sleep");
        assertTrue(r.message().contains("pages_lock"), r.message());
        assertTrue(r.message().contains("balloon") && r.message().contains("folio0"), r.message());
        // shortest: balloon's spin_lock, then its folio_lock; the reader need not move
        assertEquals(2, r.schedule().length, report(r));
        Trace t = r.trace();
        Trace.Row last = lastRow(t);
        assertEquals("folio_lock(folio0)", last.label());
        assertEquals(m.threadIndex("balloon"), last.thread());
        assertEquals(List.of("spin_lock(pages_lock)", "folio_lock(folio0)"), labels(t));
    }

    /**
     * Unlocking first, nothing is broken. States by hand: balloon has 5 positions (before each of its
     * 4 steps, finished), reader 3; every pair is reachable except "both hold folio0" (balloon before
     * folio_unlock and reader before folio_unlock): 5 * 3 - 1 = 14.
     */
    @Test
    void folioLockAfterSpinUnlockHolds() {
        Model m = balloonModel(true);
        CheckResult r = expect(check(m), Verdict.HOLDS);
        assertEquals(14, r.stats().distinct());
        assertEquals(14, Runs.reachableStates(m));
    }
}
