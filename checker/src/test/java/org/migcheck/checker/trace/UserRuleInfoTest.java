package org.migcheck.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;

/** A rule of a user's own set is reported with its statement and kernel reference, not as an anonymous id. */
class UserRuleInfoTest {
    @Test
    void userRuleStatementReachesTheReport() {
        Model.Builder b = Model.builder("user-rule");
        Var x = b.var("x", 0, 2, 0);
        b.thread("t", body -> body.step(Step.named("inc").does(e -> e.add(x, 1)).build()));
        Model m = b.build();
        Invariant mine = Invariant.of("user.x-stays-zero", "x is never incremented by anyone", "mm/example.c example_inc",
                s -> s.get(x) == 0 ? Check.ok() : Check.violated("x is " + s.get(x)));
        assertEquals(new RuleInfo("user.never-checked", null, null), RuleInfo.of("user.never-checked"));

        CheckResult r = Checker.check(m, RuleSet.of(List.of(mine), false), Options.defaults());

        assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
        assertEquals("user.x-stays-zero", r.ruleId());
        RuleInfo info = RuleInfo.of(r.ruleId());
        assertEquals("x is never incremented by anyone", info.statement());
        assertEquals("mm/example.c example_inc", info.kernelRef());
        String text = TextRenderer.render("user-rule", r, null, null);
        assertTrue(text.contains("x is never incremented by anyone") && text.contains("mm/example.c example_inc"), text);
    }
}
