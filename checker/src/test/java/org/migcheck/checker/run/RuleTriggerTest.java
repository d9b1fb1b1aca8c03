package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Fingerprint;
import org.migcheck.checker.engine.Search;
import org.migcheck.checker.engine.SearchResult;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.Rule;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;
import org.migcheck.properties.StepView;
import org.junit.jupiter.api.Test;

/**
 * Step rules with {@link StepRule#triggers() triggers} are evaluated only on transitions that emit
 * one of their event types, rules that {@link StepRule#watches watch} variables only on
 * transitions that change one, and rules {@link StepRule#vacuous vacuous} on a model not at all.
 * The same rules with these promises hidden (so every rule runs on every
 * transition, as before either existed) must give the same search on every catalogue variant and
 * on seeded random models: same status, failure, schedule, state and transition counts.
 */
class RuleTriggerTest {

    /** {@code rules} with every rule wrapped so that it declares no triggers, watches nothing and is never vacuous. */
    static RuleSet everyRuleEverywhere(RuleSet rules) {
        List<Rule> all = new ArrayList<>();
        for (Invariant inv : rules.invariants()) {
            all.add(Invariant.of(inv.id(), inv.statement(), inv.kernelRef(), inv::check));
        }
        for (StepRule r : rules.stepRules()) {
            all.add(new StepRule() {
                @Override public String id() { return r.id(); }
                @Override public String statement() { return r.statement(); }
                @Override public String kernelRef() { return r.kernelRef(); }
                @Override public Check check(StepView step) { return r.check(step); }
            });
        }
        return RuleSet.of(all, rules.lockdep());
    }

    private static SearchResult search(Model m, RuleSet rules) {
        return new Search(new ModelSystem(m, rules, false), Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4,
                1, Fingerprint.DEFAULT).run();
    }

    private static void same(String what, SearchResult a, SearchResult b) {
        assertEquals(a.status(), b.status(), what);
        assertEquals(a.failure() == null ? null : a.failure().summary(), b.failure() == null ? null : b.failure().summary(), what);
        assertArrayEquals(a.schedule(), b.schedule(), what);
        assertEquals(a.stats().distinct(), b.stats().distinct(), what);
        assertEquals(a.stats().generated(), b.stats().generated(), what);
    }

    @Test
    void kernelRulesDeclareTriggersAndTheHierarchyToo() {
        long withTriggers = KernelRules.all().stepRules().stream().filter(r -> !r.triggers().isEmpty()).count();
        assertTrue(withTriggers >= 10, withTriggers + " kernel step rules with triggers");
        // rules that compare variables before and after every step cannot have triggers; they watch variables instead
        assertTrue(KernelRules.BALLOON_PAGES_LOCK.triggers().isEmpty());
        long watching = KernelRules.all().stepRules().stream().filter(r -> r.watches((Model) EngineDifferentialTest.catalogue().get(0)[1]) != null).count();
        assertEquals(3, watching, "balloon.pages-lock, movable-ops.isolated-under-lock and dirty.clear-under-lock watch variables");
        assertFalse(org.migcheck.properties.LockHierarchy.mm().triggers().isEmpty());
    }

    private static Model variant(String name) {
        return (Model) EngineDifferentialTest.catalogue().stream().filter(c -> c[0].equals(name)).findFirst().orElseThrow()[1];
    }

    @Test
    void vacuityFollowsWhatTheModelHas() {
        List<StepRule> sleepers = List.of(KernelRules.ATOMIC_SLEEP, KernelRules.MEMALLOC_FOLIO_LOCK, KernelRules.RECLAIM_FOLIO_LOCK,
                org.migcheck.properties.LockHierarchy.mm());
        // the philosophers have mutexes of class "fork" only: no spinlock, no task, no class of the mm hierarchy
        Model phil = variant("philosophers/ordered");
        for (StepRule r : sleepers) {
            assertTrue(r.vacuous(phil), r.id() + " on the philosophers");
        }
        // the FUSE model has spinlocks (i_pages), tasks and folio locks
        Model fuse = variant("fuse-writeback-memcg/legacy-no-flag");
        for (StepRule r : sleepers) {
            assertFalse(r.vacuous(fuse), r.id() + " on " + fuse.name());
        }
        long neverVacuous = KernelRules.all().stepRules().stream().filter(r -> !r.vacuous(phil)).count();
        assertEquals(KernelRules.all().stepRules().size() - sleepers.size(), neverVacuous, "only the four rules declare vacuity");
        // the one kernel invariant is about folios: vacuous without them
        assertTrue(KernelRules.ISOLATED_REF.vacuous(phil));
        assertFalse(KernelRules.ISOLATED_REF.vacuous(fuse));
    }

    /** A rule that would fail at its first chance but declares itself vacuous is never asked: the promise is honoured. */
    @Test
    void aVacuousRuleIsNotEvaluated() {
        Model phil = variant("philosophers/ordered");
        StepRule always = new StepRule() {
            @Override public String id() { return "test.always-fails"; }
            @Override public String statement() { return "fails on every step"; }
            @Override public String kernelRef() { return "none"; }
            @Override public Check check(StepView step) { return Check.violated("step " + step.thread()); }
        };
        StepRule claimed = new StepRule() {
            @Override public String id() { return always.id(); }
            @Override public String statement() { return always.statement(); }
            @Override public String kernelRef() { return always.kernelRef(); }
            @Override public boolean vacuous(Model m) { return true; }
            @Override public Check check(StepView step) { return always.check(step); }
        };
        assertEquals(SearchResult.Status.FAILED, search(phil, RuleSet.of(List.of(always), false)).status());
        SearchResult r = search(phil, RuleSet.of(List.of(KernelRules.ATOMIC_SLEEP, claimed, KernelRules.MEMALLOC_FOLIO_LOCK), false));
        assertEquals(SearchResult.Status.COMPLETE, r.status());
        assertEquals(search(phil, RuleSet.of(List.of(), false)).stats().distinct(), r.stats().distinct());
    }

    @Test
    void catalogueVariantsGiveTheSameSearchWithoutTriggers() {
        RuleSet rules = KernelRules.all();
        RuleSet plain = everyRuleEverywhere(rules);
        int failed = 0;
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            Model m = (Model) c[1];
            SearchResult a = search(m, rules);
            same((String) c[0], a, search(m, plain));
            failed += a.status() == SearchResult.Status.FAILED ? 1 : 0;
        }
        assertTrue(failed >= 10, failed + " catalogue variants fail a rule");
    }

    @Test
    void randomModelsGiveTheSameSearchWithoutTriggers() {
        int withTriggers = 0;
        for (long seed = 1; seed <= 300; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            same("seed " + seed, search(c.model(), c.rules()), search(c.model(), everyRuleEverywhere(c.rules())));
            withTriggers += c.rules().stepRules().stream().anyMatch(r -> !r.triggers().isEmpty() || r.watches(c.model()) != null) ? 1 : 0; // null: no promise
        }
        // else the comparison would be of two identical rule sets (the random rules promise watched variables)
        assertTrue(withTriggers >= 10, withTriggers + " of 300 random models have a step rule with triggers or watched variables");
    }
}
