package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * README: Bounds, Mutation analysis: removing a lock, a wait or a flag test, or moving a step out of a critical section,
 * in a kernel variant should make some rule fail. This test runs mutation analysis on every holding
 * kernel variant, writes every survivor to {@code target/mutation-survivors.txt}, fails when a
 * variant that declares its survivors has an undeclared or a stale one, and pins the kills the
 * scenarios exist to show.
 */
class MutationReportTest {

    /** Mutation results of every holding kernel variant, computed once for all tests of this class. */
    private static Map<String, List<Mutations.Mutant>> all;

    /** The results hold every mutant's model; later test classes of the same JVM do not need them. */
    @AfterAll
    static synchronized void release() {
        all = null;
        BASE_STATES.clear();
    }

    private static synchronized Map<String, List<Mutations.Mutant>> all() throws Exception {
        if (all != null) {
            return all;
        }
        List<String[]> holding = new ArrayList<>();
        for (Scenario s : Catalogue.kernel()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() == Expect.Kind.HOLDS) {
                    holding.add(new String[] {s.id(), v.name()});
                }
            }
        }
        // variants in parallel, one search thread each: the mutants are small models, for which whole searches
        // side by side use the cores better than one search's workers
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), holding.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Mutations.Mutant>>> futures = new ArrayList<>();
            for (String[] sv : holding) {
                futures.add(pool.submit(() -> compute(sv[0], sv[1])));
            }
            Map<String, List<Mutations.Mutant>> out = new LinkedHashMap<>();
            for (int i = 0; i < holding.size(); i++) {
                out.put(holding.get(i)[0] + "/" + holding.get(i)[1], futures.get(i).get());
            }
            all = out;
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Distinct states of each holding variant without symmetry reduction (as mutants are checked). */
    private static final Map<String, Long> BASE_STATES = new java.util.concurrent.ConcurrentHashMap<>();

    private static List<Mutations.Mutant> compute(String scenario, String variant) {
        Scenario s = Catalogue.find(scenario);
        Options opts = Options.defaults().withWorkers(1);
        ScenarioRunner.Outcome base = ScenarioRunner.run(s, variant, Map.of(), KernelRules.all(), opts);
        assertEquals(Verdict.HOLDS, base.result().verdict(), base.title());
        Model model = s.build(base.knobs());
        BASE_STATES.put(scenario + "/" + variant, org.migcheck.checker.run.Checker.check(model, KernelRules.all(),
                opts.withSymmetry(Options.Switch.OFF)).stats().distinct());
        return Mutations.run(model, base.result(), KernelRules.all(), opts,
                base.expected().survivors(), base.expected().goals());
    }

    /**
     * A variant moved along a size knob is judged by the scenario's derived expectation, which declares the
     * survivors at that size (before, mutate of compactors=3, folios=2 or three migrators reported every survivor
     * of the moved variant as undeclared, and compactors=1 reported the second compactor's as stale). The sizes
     * whose mutants are quick enough for the test; FUSE at two folios is the whole model's states 23 times.
     */
    @Test
    void scaledVariantsDeclareTheirSurvivorsAtOtherSizes() throws Exception {
        String[][] cases = {
            {"movable-ops", "merged", "compactors=1"}, {"movable-ops", "merged", "compactors=3"},
            {"truncate-writeback", "kernel", "folios=2"}, {"truncate-writeback", "kernel", "folios=3"},
            {"truncate-writeback", null, "syncMode=ALL", "folios=1"}, {"truncate-writeback", null, "syncMode=ALL", "folios=3"},
            {"source-locked-alloc", "two-migrators-order-filter", "migrators=3"},
            {"source-locked-alloc", "two-migrators-isolated", "migrators=3"},
            {"fuse-writeback-memcg", "v2-cgroup-writeback", "folios=2"}};
        List<java.util.concurrent.Callable<List<String>>> jobs = new ArrayList<>();
        for (String[] c : cases) {
            jobs.add(() -> {
                Map<String, String> sets = new LinkedHashMap<>();
                for (int i = 2; i < c.length; i++) {
                    sets.put(c[i].split("=")[0], c[i].split("=")[1]);
                }
                Scenario s = Catalogue.find(c[0]);
                Options opts = Options.defaults().withWorkers(1);
                ScenarioRunner.Outcome base = ScenarioRunner.run(s, c[1], sets, KernelRules.all(), opts);
                String what = base.title();
                List<String> problems = new ArrayList<>();
                if (base.result().verdict() != Verdict.HOLDS || base.expected() == null || base.expected().survivors().isEmpty()) {
                    problems.add(what + ": " + base.result().verdict() + ", expected " + base.expected());
                    return problems;
                }
                List<Mutations.Mutant> ms = Mutations.run(s.build(base.knobs()), base.result(), KernelRules.all(), opts,
                        base.expected().survivors(), base.expected().goals());
                for (Mutations.Mutant m : ms) {
                    if (m.unexplained() || m.fate() == Mutations.Fate.INCOMPLETE) {
                        problems.add(what + ": " + m.fate() + " " + m.id() + (m.unexplained() ? " (no declared reason)" : ""));
                    }
                }
                Mutations.stale(ms, base.expected().survivors()).forEach(x -> problems.add(what + ": stale declaration " + x));
                if (Mutations.count(ms, Mutations.Fate.SURVIVED) == 0) {
                    problems.add(what + ": no survivor at all, nothing was judged");
                }
                return problems;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            List<String> problems = new ArrayList<>();
            for (Future<List<String>> f : pool.invokeAll(jobs)) {
                problems.addAll(f.get());
            }
            assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Checks the mutant {@code id} of the variant's model against {@code rules}. */
    private static CheckResult recheck(String scenario, String variant, String id, RuleSet rules) {
        Scenario s = Catalogue.find(scenario);
        ScenarioRunner.Outcome base = ScenarioRunner.run(s, variant, Map.of(), KernelRules.all(), Options.defaults());
        Model.Mutant m = s.build(base.knobs()).mutants().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        return org.migcheck.checker.run.Checker.check(m.model(), rules, Options.defaults().withSymmetry(Options.Switch.OFF));
    }

    private static RuleSet kernelRulesWithout(String ruleId) {
        return RuleSet.of(KernelRules.list().stream().filter(r -> !r.id().equals(ruleId)).toList(), true);
    }

    /**
     * The rules mutation survivors showed missing (list.integrity: a review of a survivor's stated reason): each kills its mutants, which hold without it (so the
     * rule, not something else, notices them), while the real variants hold with it (CatalogueTest).
     */
    @Test
    void rulesAddedForSurvivorsKillThem() throws Exception {
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("no-lock __folio_migrate_mapping: xas_lock_irq", new String[] {"bdev-jbd2", "norefs", "cache.replace-under-xa-lock"});
        cases.put("swap __folio_migrate_mapping: xas_lock_irq <> folio_ref_freeze",
                new String[] {"bdev-jbd2", "norefs", "cache.replace-under-xa-lock"});
        cases.put("swap fuse_writepages: folio_lock <> folio_clear_dirty_for_io",
                new String[] {"fuse-writeback-memcg", "legacy-flag", "dirty.clear-under-lock"});
        // deflate without its trylock_page, or finalizing after unlock_page: it takes the page off the balloon list
        // while an isolator, holding the page lock, has read balloon_page_device and goes on to list_del it again
        cases.put("no-lock balloon_page_dequeue: trylock_page", new String[] {"movable-ops", "merged", "list.integrity"});
        cases.put("swap balloon_page_dequeue: balloon_page_finalize <> unlock_page", new String[] {"movable-ops", "merged", "list.integrity"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String id = c.getKey();
            String[] sv = c.getValue();
            Mutations.Mutant m = find(mutants(sv[0], sv[1]), id);
            assertEquals(Mutations.Fate.KILLED, m.fate(), id);
            assertEquals(sv[2], m.result().ruleId(), id);
            CheckResult without = recheck(sv[0], sv[1], id, kernelRulesWithout(sv[2]));
            assertEquals(Verdict.HOLDS, without.verdict(), () -> id + " without " + sv[2] + ": " + without.message());
        }
        // the migration variants of source-locked-alloc meet the xa_lock rule too
        assertEquals("cache.replace-under-xa-lock",
                find(mutants("source-locked-alloc", "readahead-memalloc-rule"), "no-lock __folio_migrate_mapping: xas_lock_irq").result().ruleId());
    }

    /**
     * Soundness of the equivalent no-wait mutants, checked: a removed wait that never ran where it would have
     * waited leaves the reachable graph as it was, so every such mutant has exactly its variant's distinct states.
     */
    @Test
    void equivalentNoWaitMutantsHaveTheVariantsStates() throws Exception {
        int n = 0;
        for (Map.Entry<String, List<Mutations.Mutant>> e : all().entrySet()) {
            for (Mutations.Mutant m : e.getValue()) {
                if (m.kind() == Model.MutantKind.NO_WAIT && m.fate() == Mutations.Fate.EQUIVALENT) {
                    n++;
                    assertEquals(BASE_STATES.get(e.getKey()), m.result().stats().distinct(), e.getKey() + ": " + m.id());
                }
            }
        }
        assertTrue(n > 0, "no equivalent no-wait mutant in the catalogue");
        // a wait that matters is not equivalent: truncate's wait for writeback is killed
        assertEquals(Mutations.Fate.KILLED,
                find(mutants("truncate-writeback", "kernel"), "no-wait truncate_inode_partial_folio: folio_wait_writeback").fate());
    }

    private static List<Mutations.Mutant> mutants(String scenario, String variant) throws Exception {
        List<Mutations.Mutant> ms = all().get(scenario + "/" + variant);
        assertNotNull(ms, () -> scenario + "/" + variant + " is not a holding kernel variant");
        return ms;
    }

    private static Mutations.Mutant find(List<Mutations.Mutant> ms, String id) {
        List<Mutations.Mutant> hits = ms.stream().filter(m -> m.id().equals(id)).toList();
        assertEquals(1, hits.size(), () -> "mutants named " + id + ": " + ms.stream().map(Mutations.Mutant::id).toList());
        return hits.get(0);
    }

    /**
     * ttm_backup_drop waits for the backup's handle: without that order, shmem_truncate_range removes folio0 between
     * ttm_backup_backup_page's lookup and its folio_lock, and shmem_writeout dereferences the removed folio's NULL
     * mapping (a kernel-source review showed the survivor's old reason, "truncate locks and waits", was wrong).
     */
    @Test
    void ttmDropMustWaitForTheBackupHandle() throws Exception {
        Mutations.Mutant m = find(mutants("truncate-writeback", "activate-unlocked"), "no-wait ttm-drop: ttm_backup_drop");
        assertEquals(Mutations.Fate.KILLED, m.fate());
        assertEquals("shmem.writeout-truncated", m.result().ruleId());
    }

    @Test
    void truncateMustWaitForWriteback() throws Exception {
        // with one folio, the folio at index 0 is always truncated by the partial-folio step between the passes
        // (__filemap_get_folio(lstart >> PAGE_SHIFT, FGP_LOCK) + truncate_inode_partial_folio), whose wait this is
        Mutations.Mutant m = find(mutants("truncate-writeback", "kernel"), "no-wait truncate_inode_partial_folio: folio_wait_writeback");
        assertEquals(Mutations.Fate.KILLED, m.fate());
        assertEquals("cache.remove-locked-no-writeback", m.result().ruleId());
    }

    @Test
    void writebackMustBeStartedUnderTheFolioLock() throws Exception {
        String id = "no-wait fuse_writepages: folio_lock";
        Mutations.Mutant m = find(mutants("fuse-writeback-memcg", "legacy-flag"), id);
        assertEquals(Mutations.Fate.KILLED, m.fate());
        // the flusher's first write without the lock is folio_clear_dirty_for_io; without that rule, folio_start_writeback
        assertEquals("dirty.clear-under-lock", m.result().ruleId());
        assertEquals("writeback.set-under-lock",
                recheck("fuse-writeback-memcg", "legacy-flag", id, kernelRulesWithout("dirty.clear-under-lock")).ruleId());
    }

    /** Without i_private_lock, migration and the atomic lookup race on the buffers: the lookup reads a freed folio. */
    @Test
    void bdevNorefsNeedsThePrivateLockOnBothSides() throws Exception {
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
    void movableOpsNeedsThePageLockAndPagesLock() throws Exception {
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

    /**
     * Every holding kernel variant: no survivor without a declared reason, no declaration that no longer
     * survives (or names no mutant), no model error counted as a kill, no budget-stopped mutant. Writes the
     * survivors with their reasons to {@code target/mutation-survivors.txt}.
     */
    @Test
    void everyHoldingKernelVariantExplainsItsSurvivors() throws Exception {
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long[] totals = new long[Mutations.Fate.values().length];
        int total = 0;
        for (Map.Entry<String, List<Mutations.Mutant>> e : all().entrySet()) {
            String sv = e.getKey();
            List<Mutations.Mutant> ms = e.getValue();
            String[] parts = sv.split("/", 2);
            Map<String, String> declared = Catalogue.find(parts[0]).variants().stream()
                    .filter(v -> v.name().equals(parts[1])).findFirst().orElseThrow().expect().survivors();
            lines.add(sv + ": " + Mutations.summary(ms));
            for (Mutations.Mutant m : ms) {
                total++;
                totals[m.fate().ordinal()]++;
                if (m.fate() == Mutations.Fate.INCOMPLETE) {
                    problems.add(sv + ": mutant " + m.id() + " stopped by a budget");
                }
                if (m.reached() && m.result().verdict() == Verdict.MODEL_ERROR && m.fate() != Mutations.Fate.NOT_EVALUATED) {
                    problems.add(sv + ": mutant " + m.id() + " is a model error but counted " + m.fate());
                }
                if (m.fate() == Mutations.Fate.KILLED && m.result().verdict() == Verdict.MODEL_ERROR) {
                    problems.add(sv + ": model error counted as a kill: " + m.id());
                }
                if (m.fate() == Mutations.Fate.SURVIVED) {
                    lines.add("  survived " + m.id() + (m.explanation() == null ? "   (no declared reason)" : "   -- " + m.explanation()));
                }
                if (m.unexplained()) {
                    problems.add(sv + ": undeclared survivor " + m.id());
                }
            }
            Mutations.stale(ms, declared).forEach(x -> problems.add(sv + ": stale declaration " + x));
        }
        lines.add(0, "mutation analysis: " + all().size() + " holding kernel variants, " + total + " mutants, "
                + totals[Mutations.Fate.KILLED.ordinal()] + " killed, " + totals[Mutations.Fate.SURVIVED.ordinal()]
                + " survived (all declared), " + totals[Mutations.Fate.EQUIVALENT.ordinal()] + " equivalent, "
                + totals[Mutations.Fate.NOT_EVALUATED.ordinal()] + " not evaluated, " + totals[Mutations.Fate.UNREACHED.ordinal()]
                + " unreached");
        Path out = Path.of("target", "mutation-survivors.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines, StandardCharsets.UTF_8);
        System.out.println(lines.get(0));
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        assertTrue(totals[Mutations.Fate.KILLED.ordinal()] > 0);
        Map<String, List<Mutations.Mutant>> variants = all();
        assertTrue(variants.size() >= 20, () -> "holding kernel variants: " + variants.keySet());
    }

    /**
     * Every mutant whose check failed carries the replay of its failing path ({@code replay --mutant 'ID' TOKEN}), and that
     * replay ends in the same verdict and rule (a reviewer could not read a kill without writing a scenario of their own).
     */
    @Test
    void everyFailedMutantReplaysToItsFailure() throws Exception {
        int replayed = 0;
        for (String sv : List.of("movable-ops/merged", "truncate-writeback/kernel", "bdev-jbd2/norefs")) {
            String[] p = sv.split("/");
            ScenarioRunner.Outcome base = ScenarioRunner.run(Catalogue.find(p[0]), p[1], Map.of(), KernelRules.all(), Options.defaults());
            for (Mutations.Mutant m : mutants(p[0], p[1])) {
                String args = Mutations.replayArgs(base, m);
                Verdict v = m.result().verdict();
                boolean failed = m.reached() && m.result().schedule().length > 0
                        && (v == Verdict.VIOLATED || v == Verdict.DEADLOCK || v == Verdict.STUCK || v == Verdict.MODEL_ERROR);
                assertEquals(failed, args != null, m.id());
                if (args == null) {
                    continue;
                }
                String id = args.substring("--mutant '".length(), args.lastIndexOf("' "));
                String token = args.substring(args.lastIndexOf("' ") + 2);
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                int code = org.migcheck.checker.cli.Main.run(new String[] {"replay", "--mutant", id.replace("'\\''", "'"), token},
                        new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                        new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
                String text = out.toString(StandardCharsets.UTF_8);
                assertEquals(v.exitCode(), code, m.id() + "\n" + text);
                assertTrue(text.contains("ends in: " + v.name() + (m.result().ruleId() == null || v == Verdict.MODEL_ERROR ? "" : " " + m.result().ruleId())),
                        m.id() + "\n" + text);
                replayed++;
            }
        }
        assertTrue(replayed > 40, "replayed " + replayed);
    }
}
