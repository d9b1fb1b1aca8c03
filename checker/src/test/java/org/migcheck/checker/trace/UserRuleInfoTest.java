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
        Model m = incrementer();
        Var x = m.vars().get(0);
        Invariant mine = Invariant.of("user.x-stays-zero", "x is never incremented by anyone", "mm/example.c example_inc",
                s -> s.get(x) == 0 ? Check.ok() : Check.violated("x is " + s.get(x)));
        assertEquals(new RuleInfo("user.never-checked", null, null), RuleInfo.of("user.never-checked"));

        CheckResult r = Checker.check(m, RuleSet.of(List.of(mine), false), Options.defaults());

        assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
        assertEquals("user.x-stays-zero", r.ruleId());
        RuleInfo info = RuleInfo.of(r);
        assertEquals("x is never incremented by anyone", info.statement());
        assertEquals("mm/example.c example_inc", info.kernelRef());
        String text = TextRenderer.render("user-rule", r, null, null);
        assertTrue(text.contains("x is never incremented by anyone") && text.contains("mm/example.c example_inc"), text);
    }

    /**
     * Two checks whose rules share an id (generic ids such as test.rule in two test classes of one JVM): each report
     * prints its own rule's text, also when rendered after the other check ran. A review saw the first report print
     * the second rule's statement and reference, which a process-wide table by id had kept.
     */
    @Test
    void twoRulesOfOneIdKeepTheirOwnText() {
        Model m = incrementer();
        Var x = m.vars().get(0);
        Invariant one = Invariant.of("test.rule", "STATEMENT ONE", "ref-one", s -> s.get(x) == 0 ? Check.ok() : Check.violated("one"));
        Invariant two = Invariant.of("test.rule", "STATEMENT TWO", "ref-two", s -> s.get(x) == 0 ? Check.ok() : Check.violated("two"));
        org.migcheck.checker.junit.Migcheck.Result first = org.migcheck.checker.junit.Migcheck.check(m, RuleSet.of(List.of(one), false), Options.defaults());
        org.migcheck.checker.junit.Migcheck.Result second = org.migcheck.checker.junit.Migcheck.check(m, RuleSet.of(List.of(two), false), Options.defaults());
        for (org.migcheck.checker.junit.Migcheck.Result r : List.of(first, second)) {
            String own = r == first ? "ONE" : "TWO";
            String other = r == first ? "TWO" : "ONE";
            String text = r.report();
            assertTrue(text.contains("rule test.rule: STATEMENT " + own + "   [ref-" + own.toLowerCase(java.util.Locale.ROOT) + "]"), text);
            assertTrue(!text.contains("STATEMENT " + other), text);
            String json = r.json();
            assertTrue(json.contains("\"statement\" : \"STATEMENT " + own + "\"") && !json.contains("STATEMENT " + other), json);
        }
        // the kernel's rules and the lock-order rule are known by id alone, a model's assertion by its id only
        assertEquals(null, RuleInfo.of(RuleSet.of(List.of(one), false), "user.none"));
        Invariant silent = Invariant.of("test.silent", null, null, s -> Check.ok());
        assertEquals("test.silent: (its statement() returned null)", RuleInfo.of(RuleSet.of(List.of(silent), false), "test.silent").line());
        assertEquals("STATEMENT ONE", RuleInfo.of(RuleSet.of(List.of(one), false), "test.rule").statement());
    }

    /** One thread increments x once. */
    private static Model incrementer() {
        Model.Builder b = Model.builder("user-rule");
        Var x = b.var("x", 0, 2, 0);
        b.thread("t", body -> body.step(Step.named("inc").does(e -> e.add(x, 1)).build()));
        return b.build();
    }
}
