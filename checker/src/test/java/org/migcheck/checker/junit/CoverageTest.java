package org.migcheck.checker.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.RuleSet;

/** Unreached code: after an exhaustive search, the steps no interleaving executed are listed. */
class CoverageTest {

    @Test
    void everyStepOfABBAOrderedRuns() {
        CheckResult r = Checker.check(Zoo.abbaModel(true, false), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.HOLDS, r.verdict());
        assertEquals(List.of(), r.unreached());
    }

    @Test
    void aBranchThatCanNeverBeTakenIsReported() {
        Model.Builder m = Model.builder("dead-branch");
        Var x = m.var("x", 0, 1, 0);
        m.thread("t", b -> b.ifThenElse(Cond.of("READ_ONCE", "x", e -> e.get(x) == 1),
                then -> then.step(Step.named("never_called").args("x").build()),
                otherwise -> otherwise.step(Step.named("always_called").args("x").build())));
        CheckResult r = Checker.check(m.build(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.HOLDS, r.verdict());
        // by hand: the test of x and always_called run; never_called cannot (x stays 0)
        assertEquals(List.of("t: never_called"), r.unreached().stream().map(u -> u.step()).toList());
    }

    @Test
    void copiesOfOneStepAreNumberedSoThatOneUnreachedCopyDoesNotHideTheOthers() {
        // t: put(a) unconditionally; if (x == 1) { put(b); put(c) }: three "t: put" steps, the last two never run
        Model.Builder m = Model.builder("copies");
        Var x = m.var("x", 0, 1, 0);
        m.thread("t", b -> b
                .step(Step.named("put").args("a").build())
                .ifThen(Cond.of("READ_ONCE", "x", e -> e.get(x) == 1), then -> then
                        .step(Step.named("put").args("b").build())
                        .step(Step.named("put").args("c").build())));
        CheckResult r = Checker.check(m.build(), RuleSet.empty(), Options.defaults());
        assertEquals(List.of("t: put [2/3]", "t: put [3/3]"), r.unreached().stream().map(u -> u.step()).toList());
        String text = org.migcheck.checker.trace.TextRenderer.render("copies", r, null, null);
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("unreached in this variant (2 steps never executed): t: put [2, 3 of 3]"), text);

        // all copies unreached: "[all n]"
        Model.Builder all = Model.builder("all-copies");
        Var y = all.var("y", 0, 1, 0);
        all.thread("t", b -> b.ifThen(Cond.of("READ_ONCE", "y", e -> e.get(y) == 1), then -> then
                .step(Step.named("put").args("b").build())
                .step(Step.named("put").args("c").build())));
        CheckResult none = Checker.check(all.build(), RuleSet.empty(), Options.defaults());
        String t2 = org.migcheck.checker.trace.TextRenderer.render("all-copies", none, null, null);
        org.junit.jupiter.api.Assertions.assertTrue(t2.contains("(2 steps never executed): t: put [all 2]"), t2);
    }
}
