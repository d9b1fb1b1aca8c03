package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.migcheck.checker.run.BoundSensitivity;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.mm.Memcg;
import org.migcheck.model.mm.Migrate;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;

/**
 * README: Bounds, Mutation analysis, bound sensitivity: every holding kernel variant is re-checked with its model bounds
 * raised by one pass, and must still hold; a HOLDS that saturated a bound is only trusted after that.
 */
class BoundSensitivityTest {

    private static ScenarioRunner.Outcome run(String scenario, String variant, Map<String, String> sets) {
        return ScenarioRunner.run(Catalogue.find(scenario), variant, sets, KernelRules.all(), Options.defaults());
    }

    @TestFactory
    Stream<DynamicTest> everyHoldingKernelVariantHoldsAtBoundPlusOne() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario s : Catalogue.kernel()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() != Expect.Kind.HOLDS) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(s.id() + " / " + v.name(), () -> {
                    ScenarioRunner.Outcome o = run(s.id(), v.name(), Map.of());
                    assertEquals(Verdict.HOLDS, o.result().verdict(), o.title());
                    BoundSensitivity b = BoundSensitivity.check(s.build(o.knobs()), o.result(), KernelRules.all(), Options.defaults(), 1);
                    assertEquals(Verdict.HOLDS, b.result().verdict(), () -> o.title() + ": " + b.summary() + "\n" + b.result().message());
                    assertFalse(b.changed(), () -> o.title() + ": " + b.summary());
                }));
            }
        }
        return tests.stream();
    }

    /**
     * migrate_pages_batch's passes are a model bound (one pass by default): a holding variant whose search
     * ends a batch with an -EAGAIN folio at that bound depends on it. Raised to the kernel's largest nr_pass
     * (NR_MAX_MIGRATE_PAGES_RETRY, 10 passes: +9), every such batch stops at the kernel's own nr_pass or by
     * itself, so the bound must no longer be reached, and the variant must still hold.
     */
    @TestFactory
    Stream<DynamicTest> holdingMigrationVariantsHoldAtTheKernelsRetryLimit() {
        List<DynamicTest> tests = new ArrayList<>();
        int toKernel = Migrate.NR_MAX_MIGRATE_PAGES_RETRY - 1;
        List<String> reaching = new ArrayList<>();
        for (Scenario s : Catalogue.kernel()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() != Expect.Kind.HOLDS) {
                    continue;
                }
                ScenarioRunner.Outcome o = run(s.id(), v.name(), Map.of());
                if (o.result().saturated().stream().noneMatch(x -> x.bound().equals(Migrate.PASSES))) {
                    continue;
                }
                reaching.add(s.id() + "/" + v.name());
                tests.add(DynamicTest.dynamicTest(s.id() + " / " + v.name(), () -> {
                    BoundSensitivity b = BoundSensitivity.check(s.build(o.knobs()), o.result(), KernelRules.all(), Options.defaults(), toKernel);
                    assertEquals(Verdict.HOLDS, b.result().verdict(), () -> o.title() + ": " + b.summary());
                    assertTrue(b.result().saturated().stream().noneMatch(x -> x.bound().equals(Migrate.PASSES)), () -> o.title() + ": " + b.summary());
                    assertTrue(b.result().stats().distinct() > o.result().stats().distinct(),
                            () -> o.title() + ": the retries add no state: " + b.result().stats().distinct());
                }));
            }
        }
        // the variants whose batches end with an -EAGAIN folio in each migrating scenario must be among them, or the
        // checks above could all be skipped: movable-ops' compaction, bdev-jbd2's, and the oom workload's 2-folio batch
        tests.add(DynamicTest.dynamicTest("the bound is reached where batches retry", () -> {
            for (String v : List.of("movable-ops/merged", "bdev-jbd2/norefs", "source-locked-alloc/oom-batch-reaper")) {
                assertTrue(reaching.contains(v), v + " not among " + reaching);
            }
        }));
        return tests.stream();
    }

    /** movable-ops's kernel variant ends a compaction batch with an -EAGAIN folio at one pass: it reaches the bound, in its unmap or move loop. */
    @Test
    void asyncCompactionReachesThePassBound() {
        ScenarioRunner.Outcome o = run("movable-ops", "merged", Map.of());
        assertTrue(o.result().saturated().stream().anyMatch(x -> x.bound().equals(Migrate.PASSES)
                && x.procedure().startsWith("migrate_pages_batch/")
                && (x.procedure().endsWith(" (unmap loop)") || x.procedure().endsWith(" (move loop)"))), () -> o.result().saturated().toString());
    }

    private static final Map<String, String> NO_FLAG_NO_KSWAPD =
            Map.of("memcg", "v1", "mappingFlag", "false", "earlierReclaim", "false");

    /** The kernel's retry loop (the default): the charge's second pass waits on writeback only the server can end. */
    @Test
    void memcgRetryAtTheKernelsBoundDeadlocks() {
        ScenarioRunner.Outcome o = run("fuse-writeback-memcg", null, NO_FLAG_NO_KSWAPD);
        assertEquals(Verdict.DEADLOCK, o.result().verdict(), o.title());
    }

    /**
     * Issue 9's first acceptance line on its own configuration, with the reclaim passes cut to one by the
     * {@code reclaimPasses} model bound: legacy memcg, no mapping flag, no earlier kswapd pass. The charge's
     * only pass marks folio0 PG_reclaim (case 2) and gives up, so nothing waits; one more pass waits (case 3)
     * on writeback only the server can end.
     *
     * <p>State counts by hand: the state graph is one chain (every state has exactly one enabled step).
     * The server is idle in fuse_dev_do_read until the FUSE_WRITE is sent, and the flusher has finished
     * once it is: flusher 8 steps (filemap_get_folios_tag, folio_lock, folio_clear_dirty_for_io,
     * folio_start_writeback, fuse_iomap_writeback_range, folio_unlock, folio_batch_release,
     * fuse_writepages_send), then the server: fuse_dev_do_read, alloc_pages, and one pass of
     * try_charge_memcg in 15 steps (page_counter_try_charge, the PF_MEMALLOC test, set_task_reclaim_state,
     * memalloc_noreclaim_save, isolate_lru_folios, folio_trylock, folio_test_writeback, folio_test_reclaim,
     * folio_set_reclaim, folio_unlock, move_folios_to_lru, memalloc_noreclaim_restore,
     * set_task_reclaim_state, mem_cgroup_margin, drain_all_stock, whose "goto retry" hits the bound).
     * With one pass: then alloc_pages' return, fuse_dev_do_write, folio_end_writeback: 8 + 2 + 15 + 3 = 28
     * steps, 29 states, and the bound is saturated in exactly one of them. With two passes the second pass
     * runs page_counter_try_charge .. folio_test_reclaim (8 steps, now true) and folio_unlock, then blocks
     * in folio_wait_writeback: 8 + 2 + 15 + 9 = 34 steps, 35 states, a deadlock at depth 34.
     */
    @Test
    void onePassModelBoundHoldsAndOneMorePassDeadlocks() {
        Map<String, String> sets = new java.util.HashMap<>(NO_FLAG_NO_KSWAPD);
        sets.put("reclaimPasses", "1");
        ScenarioRunner.Outcome o = run("fuse-writeback-memcg", null, sets);
        CheckResult r = o.result();
        assertEquals(Verdict.HOLDS, r.verdict(), o.title());
        assertEquals(29, r.stats().distinct());
        List<CheckResult.Saturation> sat = r.saturated();
        assertEquals(1, sat.size(), () -> sat.toString());
        assertEquals(Memcg.RECLAIM_PASSES, sat.get(0).bound());
        assertEquals("try_charge_memcg", sat.get(0).procedure());
        assertEquals(1, sat.get(0).limit());
        assertEquals(1, sat.get(0).states());
        BoundSensitivity b = BoundSensitivity.check(Catalogue.find("fuse-writeback-memcg").build(o.knobs()), r,
                KernelRules.all(), Options.defaults(), 1);
        assertTrue(b.changed(), b.summary());
        assertEquals(Verdict.DEADLOCK, b.result().verdict(), b.summary());
        assertEquals(35, b.result().stats().distinct());
        assertEquals(34, b.result().schedule().length);
        assertEquals(List.of(Memcg.RECLAIM_PASSES + ": 1 -> 2"), b.raised());
        // and the knob at two passes is the raised model: the same deadlock without --bounds
        sets.put("reclaimPasses", "2");
        ScenarioRunner.Outcome two = run("fuse-writeback-memcg", null, sets);
        assertEquals(Verdict.DEADLOCK, two.result().verdict(), two.title());
        assertEquals(35, two.result().stats().distinct());
    }
}
