package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * DESIGN.md 11: removing a lock, a wait or a flag test, or moving a step out of a critical section,
 * in a kernel variant should make some rule fail. This test runs mutation analysis on every holding
 * kernel variant, writes every survivor to {@code target/mutation-survivors.txt}, fails when a
 * variant that declares its survivors has an undeclared or a stale one, and pins the kills the
 * scenarios exist to show.
 */
class MutationReportTest {

    private static List<Mutations.Mutant> mutants(String scenario, String variant) {
        Scenario s = Catalogue.find(scenario);
        ScenarioRunner.Outcome base = ScenarioRunner.run(s, variant, Map.of(), KernelRules.all(), Options.defaults());
        assertEquals(Verdict.HOLDS, base.result().verdict(), base.title());
        return Mutations.run(s.build(base.knobs()), base.result(), KernelRules.all(), Options.defaults(),
                base.expected().survivors(), base.expected().goals());
    }

    private static Mutations.Mutant find(List<Mutations.Mutant> ms, String id) {
        List<Mutations.Mutant> hits = ms.stream().filter(m -> m.id().equals(id)).toList();
        assertEquals(1, hits.size(), () -> "mutants named " + id + ": " + ms.stream().map(Mutations.Mutant::id).toList());
        return hits.get(0);
    }

    @Test
    void truncateMustWaitForWriteback() {
        // with one folio, the folio at index 0 is always truncated by the partial-folio step between the passes
        // (__filemap_get_folio(lstart >> PAGE_SHIFT, FGP_LOCK) + truncate_inode_partial_folio), whose wait this is
        Mutations.Mutant m = find(mutants("truncate-writeback", "kernel"), "no-wait truncate_inode_partial_folio: folio_wait_writeback");
        assertEquals(Mutations.Fate.KILLED, m.fate());
        assertEquals("cache.remove-locked-no-writeback", m.result().ruleId());
    }

    @Test
    void writebackMustBeStartedUnderTheFolioLock() {
        Mutations.Mutant m = find(mutants("fuse-writeback-memcg", "legacy-flag"), "no-wait fuse_writepages: folio_lock");
        assertEquals(Mutations.Fate.KILLED, m.fate());
        assertEquals("writeback.set-under-lock", m.result().ruleId());
    }

    /** Without i_private_lock, migration and the atomic lookup race on the buffers: the lookup reads a freed folio. */
    @Test
    void bdevNorefsNeedsThePrivateLockOnBothSides() {
        List<Mutations.Mutant> ms = mutants("bdev-jbd2", "norefs");
        for (String id : List.of("no-lock __buffer_migrate_folio: spin_lock", "no-lock __find_get_block_slow: spin_lock")) {
            Mutations.Mutant m = find(ms, id);
            assertEquals(Mutations.Fate.KILLED, m.fate(), id);
            assertEquals("folio.use-after-free", m.result().ruleId(), id);
        }
        // removing the wait alone leaves an unlock of a lock another thread holds: a malformed mutant, not a kill
        assertEquals(Mutations.Fate.NOT_EVALUATED, find(ms, "no-wait __buffer_migrate_folio: spin_lock").fate());
    }

    /** The page-lock protocol of movable_ops isolation and putback, and the balloon's pages_lock. */
    @Test
    void movableOpsNeedsThePageLockAndPagesLock() {
        List<Mutations.Mutant> ms = mutants("movable-ops", "merged");
        Map<String, String> killedBy = Map.of(
                "no-lock isolate_movable_ops_page: folio_trylock", "movable-ops.isolated-under-lock",
                "no-lock putback_movable_ops_page: folio_lock", "movable-ops.isolated-under-lock",
                "no-lock migrate_folio_unmap/compaction_alloc: folio_lock", "migrate.both-locked",
                "no-lock balloon_page_isolate: spin_lock_irqsave", "balloon.pages-lock",
                "no-lock balloon_page_putback: spin_lock_irqsave", "balloon.pages-lock",
                "no-lock balloon_page_enqueue: spin_lock_irqsave", "balloon.pages-lock");
        killedBy.forEach((id, rule) -> {
            Mutations.Mutant m = find(ms, id);
            assertEquals(Mutations.Fate.KILLED, m.fate(), id);
            assertEquals(rule, m.result().ruleId(), id);
        });
        // forcing isolation's PageMovableOpsIsolated test to "isolated" holds but never migrates: killed by the goal
        Mutations.Mutant bail = find(ms, "test-true isolate_movable_ops_page: if PageMovableOpsIsolated");
        assertEquals(Mutations.Fate.KILLED, bail.fate());
        assertEquals(Verdict.HOLDS, bail.result().verdict());
        assertTrue(bail.lostGoal().contains("migrated"), bail.lostGoal());
    }

    @Test
    void reportEveryHoldingKernelVariant() throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int total = 0;
        int killed = 0;
        int survived = 0;
        for (Scenario s : Catalogue.kernel()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() != Expect.Kind.HOLDS) {
                    continue;
                }
                List<Mutations.Mutant> ms = mutants(s.id(), v.name());
                lines.add(s.id() + " / " + v.name() + ": " + Mutations.summary(ms));
                for (Mutations.Mutant m : ms) {
                    total++;
                    assertNotEquals(Mutations.Fate.INCOMPLETE, m.fate(), m.id());
                    if (m.fate() == Mutations.Fate.KILLED) {
                        killed++;
                    } else if (m.fate() == Mutations.Fate.SURVIVED) {
                        survived++;
                        lines.add("  survived " + m.id() + (m.explanation() == null ? "   (no declared reason)" : "   -- " + m.explanation()));
                    }
                }
                // a variant that declares its survivors is held to them: nothing new survives, nothing declared is stale
                if (!v.expect().survivors().isEmpty()) {
                    ms.stream().filter(Mutations.Mutant::unexplained).forEach(m -> problems.add(s.id() + "/" + v.name() + ": undeclared survivor " + m.id()));
                    Mutations.stale(ms, v.expect().survivors()).forEach(x -> problems.add(s.id() + "/" + v.name() + ": stale declaration " + x));
                }
            }
        }
        lines.add(0, "mutation analysis: " + total + " mutants of holding kernel variants, " + killed + " killed, " + survived + " survived");
        Path out = Path.of("target", "mutation-survivors.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines, StandardCharsets.UTF_8);
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        assertTrue(killed > 0);
    }
}
