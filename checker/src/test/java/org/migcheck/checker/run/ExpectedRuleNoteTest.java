package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * A variant that expects a rule no active rule defines (a rule class left out of the services file, or
 * switched off) says so beside its mismatch; a matching result, or a rule that is active, adds no note.
 */
class ExpectedRuleNoteTest {
    private static final String RULE = "cache.remove-locked-no-writeback";

    private static boolean noted(ScenarioRunner.Outcome o) {
        return o.result().notes().stream().anyMatch(n -> n.startsWith("the expected rule " + RULE + " is none of the"));
    }

    @Test
    void anExpectedRuleThatIsNotActiveIsNamed() {
        RuleSet without = KernelRules.all().without(RULE);
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("truncate-writeback"), "truncate-no-wait", Map.of(), without,
                Options.defaults());
        assertFalse(o.matches(), o.actual());
        assertTrue(noted(o), o.result().notes().toString());
        assertTrue(o.result().notes().stream().anyMatch(n -> n.contains("META-INF/services/org.migcheck.properties.Rule")));
    }

    /** A rule chosen with --rule that is vacuous on the model is named: a HOLDS says nothing of it (a review). */
    @Test
    void aChosenRuleThatIsVacuousOnTheModelIsNamed() {
        RuleSet chosen = KernelRules.all().selected(java.util.List.of("memalloc.folio-lock"));
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("abba-ordered"), null, Map.of(), chosen, Options.defaults());
        assertEquals(Verdict.HOLDS, o.result().verdict());
        assertTrue(o.result().notes().stream().anyMatch(n -> n.startsWith("chosen with --rule but vacuous on this model")
                && n.endsWith("so not run: memalloc.folio-lock")), o.result().notes().toString());
        // on a model with tasks it runs, and no such note
        ScenarioRunner.Outcome runs = ScenarioRunner.run(Catalogue.find("source-locked-alloc"), "readahead-writer-io-check-only", Map.of(),
                chosen, Options.defaults());
        assertTrue(runs.result().notes().stream().noneMatch(n -> n.startsWith("chosen with --rule but vacuous")), runs.result().notes().toString());
    }

    /**
     * A --set that moves a variant to a knob combination the scenario declares nothing for says so
     * (a user review saw a bare "HOLDS" under the variant's name, its expectation gone without a word).
     */
    @Test
    void aVariantMovedToAnUndeclaredCombinationSaysSo() {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("source-locked-alloc"), "two-migrators-memalloc-rule",
                Map.of("migrators", "3"), KernelRules.all(), Options.defaults());
        assertEquals(null, o.expected());
        assertTrue(o.result().notes().stream().anyMatch(n -> n.equals("variant two-migrators-memalloc-rule declares holds"
                + " at its own knobs; with migrators=3 the scenario declares no expectation, so this"
                + " verdict is compared with none")), o.result().notes().toString());
        ScenarioRunner.Outcome own = ScenarioRunner.run(Catalogue.find("source-locked-alloc"), "two-migrators-memalloc-rule",
                Map.of("migrators", "2"), KernelRules.all(), Options.defaults());
        assertTrue(own.result().notes().stream().noneMatch(n -> n.startsWith("variant ")), own.result().notes().toString());
    }

    @Test
    void noNoteWhenTheRuleIsActiveOrTheResultMatches() {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("truncate-writeback"), "truncate-no-wait", Map.of(), KernelRules.all(),
                Options.defaults());
        assertTrue(o.matches(), o.actual());
        assertFalse(noted(o), o.result().notes().toString());
        // a mismatch whose expected rule is active is an ordinary mismatch: the engine's lock checks and active rules are known
        ScenarioRunner.Outcome holds = ScenarioRunner.run(Catalogue.find("truncate-writeback"), "kernel", Map.of(), KernelRules.all(),
                Options.defaults());
        assertEquals(Verdict.HOLDS, holds.result().verdict());
        org.migcheck.model.scenarios.Expect wrong = org.migcheck.model.scenarios.Expect.violated(RULE);
        assertEquals(null, ScenarioRunner.unknownExpectedRule(wrong, holds.result(), KernelRules.all()));
        assertEquals(RULE, ScenarioRunner.unknownExpectedRule(wrong, holds.result(), KernelRules.all().without(RULE)));
        assertEquals(null, ScenarioRunner.unknownExpectedRule(org.migcheck.model.scenarios.Expect.violated("lock-order.cycle"),
                holds.result(), RuleSet.empty()));
        assertNotEquals(null, ScenarioRunner.unknownExpectedRule(org.migcheck.model.scenarios.Expect.violated("userfs.x"),
                holds.result(), KernelRules.all()));
    }

    /** A variant expecting a goal its model does not declare (a misspelt name) says so beside its mismatch. */
    @Test
    void anExpectedGoalThatTheModelDoesNotDeclareIsNamed() {
        org.migcheck.model.scenarios.Scenario s = org.migcheck.model.scenarios.BaseScenario.builder("goal-typo")
                .title("t").reference("r")
                .model(k -> {
                    org.migcheck.model.lang.Model.Builder b = org.migcheck.model.lang.Model.builder("goal-typo");
                    org.migcheck.model.lang.Var f = b.flag("f", false);
                    b.thread("t", x -> x.step(org.migcheck.model.lang.Step.named("set").does(e -> e.set(f, true)).build()));
                    b.goal("flag-set", st -> st.get(f) == 1);
                    return b.build();
                })
                .variant("typo", Map.of(), org.migcheck.model.scenarios.Expect.holds().reach("flag-sett", true), "mutation: x")
                .build();
        ScenarioRunner.Outcome o = ScenarioRunner.run(s, "typo", Map.of(), RuleSet.empty(), Options.defaults());
        assertFalse(o.matches());
        assertTrue(o.result().notes().contains("the expected goal flag-sett is not declared by model goal-typo (its goals: flag-set)"),
                o.result().notes().toString());
    }
}
