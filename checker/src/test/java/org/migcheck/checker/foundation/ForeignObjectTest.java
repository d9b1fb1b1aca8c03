package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;

/**
 * No silent wrong answers (DESIGN.md 11): an object declared by another model's builder is refused
 * with a message naming the object and both models, and a rule, invariant or goal that throws is a
 * MODEL_ERROR naming it, never a raw exception or a verdict computed from the wrong slots.
 */
class ForeignObjectTest {

    private static CheckResult check(Model m, RuleSet rules) {
        return assertDoesNotThrow(() -> Checker.check(m, rules, Options.defaults()));
    }

    private static void assertNames(String msg, String... parts) {
        for (String p : parts) {
            assertTrue(msg.contains(p), () -> "'" + p + "' missing from: " + msg);
        }
    }

    @Test
    void flagOfAnotherBuilderIsRefused() {
        Model.Builder a = Model.builder("model-a");
        Var foreign = a.flag("done", false);
        Model.Builder b = Model.builder("model-b");
        Var mine = b.flag("mine", false);
        // without the check, the write lands in model-b's slot 0 ("mine") and the assertion passes
        b.thread("t", body -> body
                .step(Step.named("set_done").does(e -> e.set(foreign, true)).build())
                .assertThat("t.mine-clear", "mine is still clear", e -> !e.isSet(mine)));
        CheckResult r = check(b.build(), KernelRules.all());
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertNames(r.message(), "done", "model-a", "model-b");
    }

    @Test
    void lockOfAnotherBuilderIsRefused() {
        Model.Builder a = Model.builder("model-a");
        Lock foreign = a.mutex("other_lock");
        Model.Builder b = Model.builder("model-b");
        b.mutex("my_lock");
        b.thread("t", body -> body.step(Steps.lock("mutex_lock", foreign)).step(Steps.unlock("mutex_unlock", foreign)));
        b.thread("u", body -> body.step(Steps.lock("mutex_lock", foreign)).step(Steps.unlock("mutex_unlock", foreign)));
        // a fixed lock is known at build time
        ModelError e = assertThrows(ModelError.class, b::build);
        assertNames(e.getMessage(), "other_lock", "model-a", "model-b");
    }

    @Test
    void lockChosenByAStepFromAnotherBuilderIsRefusedWhenItRuns() {
        Model.Builder a = Model.builder("model-a");
        Lock foreign = a.mutex("other_lock");
        Model.Builder b = Model.builder("model-b");
        b.mutex("my_lock");
        b.thread("t", body -> body.step(Steps.lock("mutex_lock", e -> foreign)).step(Steps.unlock("mutex_unlock", e -> foreign)));
        b.thread("u", body -> body.step(Steps.lock("mutex_lock", e -> foreign)).step(Steps.unlock("mutex_unlock", e -> foreign)));
        CheckResult r = check(b.build(), KernelRules.all());
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertNames(r.message(), "other_lock", "model-a", "model-b");
    }

    @Test
    void folioOfAnotherBuilderIsRefused() {
        Mm ma = new Mm(Model.builder("model-a"));
        Folio foreign = ma.folio("folioA", ma.mapping("mapA", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false));
        Mm mb = new Mm(Model.builder("model-b"));
        Folio own = mb.folio("folioB", mb.mapping("mapB", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false));
        FolioRef a = e -> foreign;
        FolioRef b = e -> own;
        mb.thread("t").body(body -> body.step(FolioOps.folioLock(b)).step(FolioOps.folioLock(a)).step(FolioOps.folioUnlock(a))
                .step(FolioOps.folioUnlock(b)));
        CheckResult r = check(mb.builder().build(), KernelRules.all());
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertNames(r.message(), "folioA", "model-a", "model-b");
    }

    @Test
    void registeringAnObjectOfAnotherBuilderFailsAtBuildTime() {
        Mm ma = new Mm(Model.builder("model-a"));
        Folio foreign = ma.folio("folioA", ma.mapping("mapA", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false));
        Model.Builder b = Model.builder("model-b");
        ModelError e = assertThrows(ModelError.class, () -> b.register(foreign));
        assertNames(e.getMessage(), "folioA", "model-a", "model-b");
    }

    @Test
    void procedureOfAnotherBuilderFailsAtBuildTime() {
        Model.Builder a = Model.builder("model-a");
        Procedure helper = a.procedure("helper").body(body -> body.step(Step.named("work").build()));
        Model.Builder b = Model.builder("model-b");
        b.thread("t", body -> body.call(helper));
        ModelError e = assertThrows(ModelError.class, b::build);
        assertNames(e.getMessage(), "helper", "model-a", "model-b");
    }

    private static Model twoSteps(boolean badGoal) {
        Model.Builder b = Model.builder("plain");
        Var x = b.var("x", 0, 2, 0);
        b.thread("t", body -> body.step(Step.named("inc").does(e -> e.add(x, 1)).build()));
        b.goal(badGoal ? "x-is-one" : "x-is-two", badGoal ? s -> {
            if (s.get(x) == 1) {
                throw new IllegalStateException("goal bug");
            }
            return false;
        } : s -> s.get(x) == 2);
        return b.build();
    }

    @Test
    void throwingStepRuleIsAModelErrorNamingIt() {
        StepRule bad = StepRule.of("test.throws", "throws", "-", s -> {
            throw new IllegalStateException("rule bug");
        });
        CheckResult r = check(twoSteps(false), RuleSet.of(List.of(bad), false));
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertNames(r.message(), "test.throws", "rule bug");
    }

    @Test
    void throwingInvariantIsAModelErrorNamingIt() {
        Invariant bad = Invariant.of("test.inv-throws", "throws", "-", s -> {
            if (s.model().vars().get(0) != null && s.get(s.model().vars().get(0)) == 1) {
                throw new IllegalStateException("invariant bug");
            }
            return Check.ok();
        });
        CheckResult r = check(twoSteps(false), RuleSet.of(List.of(bad), false));
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertNames(r.message(), "test.inv-throws", "invariant bug");
    }

    @Test
    void throwingGoalIsAModelErrorNamingIt() {
        CheckResult r = check(twoSteps(true), RuleSet.of(List.of(), false));
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertNames(r.message(), "x-is-one", "goal bug");
    }
}
