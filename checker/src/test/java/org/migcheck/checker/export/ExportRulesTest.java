package org.migcheck.checker.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;

/** The export runs the rules the search runs on a model, and refuses what its tables cannot hold with a message. */
class ExportRulesTest {

    static Model mutexes() {
        Model.Builder m = Model.builder("two-mutexes");
        Lock a = m.mutex("a");
        m.thread("p", b -> b.step(Steps.lock("mutex_lock", a)).step(Steps.unlock("mutex_unlock", a)));
        m.thread("q", b -> b.step(Steps.lock("mutex_lock", a)).step(Steps.unlock("mutex_unlock", a)));
        return m.build();
    }

    @Test
    void rulesVacuousOnTheModelAreNotExported() {
        // a user's rules that read a variable this model lacks, and say so: the search never asks them; the export
        // asked them, and their exception became assert(model_error), which pan reported at depth 0 (a reviewer's model)
        Invariant inv = Invariant.of("user.freed", "x", "-", model -> true, s -> {
            throw new IllegalStateException("no variable obj.freed here");
        });
        StepRule step = StepRule.onEvents("user.step", "x", "-", org.migcheck.model.lang.Event.class, model -> true, v -> {
            throw new IllegalStateException("no variable obj.freed here");
        });
        RuleSet rules = RuleSet.of(List.of(inv, step), false);
        Model model = mutexes();
        CheckResult r = Checker.check(model, rules, Options.defaults());
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        String promela = PromelaExport.export(model, rules, "t").promela();
        assertFalse(promela.contains("user.freed") || promela.contains("user_freed") || promela.contains("user.step"), promela);
        // the same program as without the rules (the unlocks' model errors on states no path reaches stay)
        assertEquals(PromelaExport.export(model, RuleSet.empty(), "t").promela(), promela);
        // the same rules, not vacuous: their exception is the model's error in both
        Invariant live = Invariant.of("user.freed", "x", "-", model2 -> false, s -> {
            throw new IllegalStateException("no variable obj.freed here");
        });
        RuleSet liveRules = RuleSet.of(List.of(live), false);
        assertEquals(Verdict.MODEL_ERROR, Checker.check(model, liveRules, Options.defaults()).verdict());
        assertTrue(PromelaExport.export(model, liveRules, "t").promela().replaceAll("\\s+", " ").contains("/* invariant user.freed */ d_step { (1) -> assert(model_error) }"));
    }

    static Model huge() {
        Model.Builder m = Model.builder("huge");
        Var h = m.var("h", Integer.MIN_VALUE, Integer.MAX_VALUE, 0);
        m.thread("t", b -> b.step(Step.named("inc").does(e -> e.set(h, e.get(h) + 1)).build()));
        m.thread("u", b -> b.step(Step.named("dec").does(e -> e.set(h, e.get(h) - 1)).build()));
        return m.build();
    }

    @Test
    void aDomainTooWideForTheTablesIsNamed() {
        // checked as any model; the tables (export, step footprints) index values from the minimum in an int, which
        // overflowed: an internal error (exit 70) in export, and in check --por on
        Model model = huge();
        NotExpressible e = assertThrows(NotExpressible.class, () -> PromelaExport.export(model, RuleSet.empty(), "t"));
        assertTrue(e.getMessage().startsWith("variable h of model huge has a domain of 4,294,967,296 values"), e.getMessage());
        CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults().withPor(Options.Switch.ON));
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(4, r.stats().distinct());
        assertTrue(r.reductions().contains("partial-order reduction on inert steps only (variable h of model huge"), r.reductions());
    }
    /**
     * The same for a procedure's local (a review: a local of the whole int range ended export in an internal error,
     * exit 70, "bitIndex < 0", and --por on's note gave that message).
     */
    @Test
    void aLocalTooWideForTheTablesIsNamed() {
        Model.Builder m = Model.builder("wide-local");
        for (String t : new String[] {"t", "u"}) {
            org.migcheck.model.lang.Procedure p = m.thread(t);
            org.migcheck.model.lang.Local l = p.local("l", Integer.MIN_VALUE, Integer.MAX_VALUE);
            p.body(b -> b.step(Step.named("low").does(e -> e.setLocal(l, Integer.MIN_VALUE)).build())
                    .step(Step.named("high").does(e -> e.setLocal(l, Integer.MAX_VALUE)).build()));
        }
        Model model = m.build();
        NotExpressible e = assertThrows(NotExpressible.class, () -> PromelaExport.export(model, RuleSet.empty(), "t"));
        assertTrue(e.getMessage().startsWith("local t.frame0.local0 of model wide-local has a domain of 4,294,967,296 values"), e.getMessage());
        CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults().withPor(Options.Switch.ON));
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(9, r.stats().distinct(), "two threads of three places each, by hand");
        assertTrue(r.reductions().contains("partial-order reduction on inert steps only (local t.frame0.local0 of model wide-local"), r.reductions());
    }
}
