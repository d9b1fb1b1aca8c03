package org.migcheck.properties;

import static org.migcheck.properties.StepDriver.assertOk;
import static org.migcheck.properties.StepDriver.assertViolated;

import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.Mm;

/**
 * The invariant {@code isolate.ref-held}, evaluated with {@code semantics.view(state)} on the state
 * after a step that drops a reference without freeing (folio_ref_sub, include/linux/page_ref.h):
 * on an isolated folio whose only reference it drops, the invariant breaks; on a folio that is not
 * isolated, or that keeps another reference, it holds.
 */
class IsolatedRefInvariantTest {
    final Invariant rule = KernelRules.ISOLATED_REF;

    /** folio0 with the given isolation and refcount; thread "migrator" runs folio_ref_sub(folio0, 1). */
    static StepDriver refSub(boolean isolated, int ref) {
        Model.Builder b = Model.builder("isolate-ref");
        Mm mm = new Mm(b);
        Folio f = mm.folio("folio0", null, new Folio.Init().isolated(isolated).lru(!isolated).ref(ref).inCache(false));
        b.thread("migrator", body -> body.step(Step.named("folio_ref_sub").args(f.name() + ", 1")
                .does(e -> e.add(f.ref, -1)).build()));
        return new StepDriver(b.build());
    }

    @Test
    void droppingTheIsolatorsOnlyReferenceBreaksIt() {
        StepDriver d = refSub(true, 1);
        assertOk(rule.check(d.sem.view(d.state)));
        d.step("migrator", "folio_ref_sub(folio0, 1)");
        assertViolated(rule.check(d.sem.view(d.state)), "folio0");
    }

    @Test
    void droppingOneOfTwoReferencesKeepsIt() {
        StepDriver d = refSub(true, 2);
        d.step("migrator", "folio_ref_sub(folio0, 1)");
        assertOk(rule.check(d.sem.view(d.state)));
    }

    @Test
    void aFolioThatIsNotIsolatedMayReachZero() {
        StepDriver d = refSub(false, 1);
        d.step("migrator", "folio_ref_sub(folio0, 1)");
        assertOk(rule.check(d.sem.view(d.state)));
    }

    @Test
    void anIsolatedFolioWithoutReferenceBreaksItInTheInitialState() {
        Model.Builder b = Model.builder("isolate-ref-initial");
        Folio f = new Mm(b).folio("folio7", null, new Folio.Init().isolated(true).ref(0));
        b.thread("t", body -> body.step(Step.named("nop").build()));
        StepDriver e = new StepDriver(b.build());
        assertViolated(rule.check(e.sem.view(e.state)), f.name());
    }
}
