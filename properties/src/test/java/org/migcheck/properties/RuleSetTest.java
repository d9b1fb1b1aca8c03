package org.migcheck.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The markers that make reports say which rules a run checked survive adding and removing rules. */
class RuleSetTest {
    private static List<String> ids(RuleSet rules) {
        return rules.rules().stream().map(Rule::id).toList();
    }

    /** A rule of the caller's: its id only matters here. */
    private static Invariant own(String id) {
        return Invariant.of(id, "a rule of the test", "none", state -> Check.OK);
    }

    @Test
    void withKeepsASelectionAndNamesTheAddedRule() {
        RuleSet all = KernelRules.all();
        RuleSet chosen = RuleSet.of(List.of(all.rules().get(0)), false).selected(List.of(all.rules().get(0).id()));
        RuleSet more = chosen.with(own("mine.x"));
        assertEquals(List.of(all.rules().get(0).id(), "mine.x"), more.selection());
        assertEquals(List.of(all.rules().get(0).id(), "mine.x"), ids(more));
        // an unmarked set stays unmarked
        assertNull(all.with(own("mine.x")).selection());
        assertNull(all.with(own("mine.x")).skipped());
        // ids stay unique
        assertThrows(IllegalArgumentException.class, () -> more.with(own("mine.x")));
    }

    /** A class that is both kinds: a set keeps each rule in one list, so it is refused rather than half checked. */
    private static final class Both implements Invariant, StepRule {
        @Override public String id() { return "mine.both"; }
        @Override public String statement() { return "both kinds at once"; }
        @Override public String kernelRef() { return "none"; }
        @Override public Check check(org.migcheck.model.lang.StateView state) { return Check.OK; }
        @Override public Check check(StepView step) { return Check.violated("the step half"); }
    }

    @Test
    void aRuleOfBothKindsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuleSet.of(List.of(new Both()), false));
        assertTrue(e.getMessage().startsWith("rule mine.both (class " + Both.class.getName() + ") is both an invariant and a step rule"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelRules.all().with(new Both()));
    }

    @Test
    void skippedRulesStayLeftOutAndMarked() {
        RuleSet all = KernelRules.all();
        String first = all.rules().get(0).id();
        RuleSet skipping = all.skipping(List.of(first, RuleSet.LOCK_CYCLE));
        RuleSet more = skipping.with(own("mine.x")).without(all.rules().get(1).id());
        assertEquals(List.of(first, RuleSet.LOCK_CYCLE), more.skipped());
        assertTrue(!more.lockdep());
        assertTrue(!ids(more).contains(first) && !ids(more).contains(all.rules().get(1).id()) && ids(more).contains("mine.x"));
        assertEquals(all.rules().size() - 2 + 1, more.rules().size());
        // a left-out rule added back is checked, so it is no longer marked as left out
        RuleSet back = all.skipping(List.of(first)).with(all.rules().get(0));
        assertNull(back.skipped());
        assertTrue(ids(back).contains(first));
    }

    @Test
    void withoutNarrowsASelection() {
        RuleSet all = KernelRules.all();
        String a = all.rules().get(0).id();
        String b = all.rules().get(1).id();
        RuleSet chosen = RuleSet.of(all.rules().subList(0, 2), true).selected(List.of(a, b));
        RuleSet one = chosen.without(b);
        assertEquals(List.of(a), one.selection());
        assertEquals(List.of(a), ids(one));
        assertTrue(one.lockdep());
        assertEquals(false, chosen.without(RuleSet.LOCK_CYCLE).lockdep());
        // a typo is refused, naming the rules there are (it left the rule in without a word)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> all.without("atomic.slep"));
        assertTrue(e.getMessage().startsWith("RuleSet.without: no rule atomic.slep in this set; rules: " + a + ", "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> one.without(b));
    }
}
