package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;

/**
 * DESIGN.md 11: removing a lock or wait step from a kernel variant should make some rule fail. This
 * test runs mutation analysis on every holding kernel variant, prints which mutants survive (the
 * places where the rule set or the model does not need that synchronisation), and pins the kills
 * the scenarios exist to show.
 */
class MutationReportTest {

    private static List<Mutations.Mutant> mutants(String scenario, String variant) {
        Scenario s = Catalogue.find(scenario);
        ScenarioRunner.Outcome base = ScenarioRunner.run(s, variant, Map.of(), KernelRules.all(), Options.defaults());
        assertEquals(Verdict.HOLDS, base.result().verdict(), base.title());
        return Mutations.run(s.build(base.knobs()), base.result(), KernelRules.all(), Options.defaults());
    }

    private static Mutations.Mutant find(List<Mutations.Mutant> ms, String step) {
        List<Mutations.Mutant> hits = ms.stream().filter(m -> m.step().equals(step)).toList();
        assertEquals(1, hits.size(), () -> "mutation points named " + step + ": " + ms.stream().map(Mutations.Mutant::step).toList());
        return hits.get(0);
    }

    @Test
    void truncateMustWaitForWriteback() {
        // with one folio, the folio at index 0 is always truncated by the partial-folio step between the passes
        // (__filemap_get_folio(lstart >> PAGE_SHIFT, FGP_LOCK) + truncate_inode_partial_folio), whose wait this is
        Mutations.Mutant m = find(mutants("truncate-writeback", "kernel"), "truncate_inode_partial_folio: folio_wait_writeback");
        assertEquals(Mutations.Fate.KILLED, m.fate());
        assertEquals("cache.remove-locked-no-writeback", m.result().ruleId());
    }

    @Test
    void writebackMustBeStartedUnderTheFolioLock() {
        Mutations.Mutant m = find(mutants("fuse-writeback-memcg", "legacy-flag"), "fuse_writepages: folio_lock");
        assertEquals(Mutations.Fate.KILLED, m.fate());
        assertEquals("writeback.set-under-lock", m.result().ruleId());
    }

    @Test
    void reportEveryHoldingKernelVariant() {
        List<String> survivors = new ArrayList<>();
        int total = 0;
        int killed = 0;
        for (Scenario s : Catalogue.kernel()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() != Expect.Kind.HOLDS) {
                    continue;
                }
                for (Mutations.Mutant m : mutants(s.id(), v.name())) {
                    total++;
                    assertNotEquals(Mutations.Fate.INCOMPLETE, m.fate(), m.step());
                    if (m.fate() == Mutations.Fate.KILLED) {
                        killed++;
                    } else if (m.fate() == Mutations.Fate.SURVIVED) {
                        survivors.add(s.id() + "/" + v.name() + ": " + m.step());
                    }
                }
            }
        }
        System.out.println("mutation analysis: " + total + " mutants of holding kernel variants, " + killed + " killed, "
                + survivors.size() + " survived:");
        survivors.forEach(x -> System.out.println("  survived " + x));
        assertTrue(killed > 0);
    }
}
