package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.ci.ScenarioTestSupport.assertSmallAndFast;
import static org.migcheck.ci.ScenarioTestSupport.labels;
import static org.migcheck.ci.ScenarioTestSupport.lastRow;
import static org.migcheck.ci.ScenarioTestSupport.model;
import static org.migcheck.ci.ScenarioTestSupport.report;
import static org.migcheck.ci.ScenarioTestSupport.schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.Gfp;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Memcg;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.Task;
import org.migcheck.model.mm.TaskOps;
import org.migcheck.model.mm.Vmscan;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.FuseWritebackScenario;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.KernelRules;

/**
 * docs/scenarios/fuse-writeback-memcg.md / README: The scenario catalogue rows "fuse writeback vs memcg reclaim (5)": every variant's
 * verdict and the kernel facts of its counterexample, a sweep of the knobs against the expectation
 * the scenario derives from docs/scenarios/fuse-writeback-memcg.md, and mutants that must break a rule.
 */
class FuseWritebackScenarioTest {

    private static final Scenario S = FuseWritebackScenario.scenario();
    private static final String WAIT_STACK =
            "[shrink_folio_list <- shrink_node <- try_to_free_mem_cgroup_pages <- try_charge_memcg <- fuse-server]";

    /** Checks the variant (or knob settings) and asserts that it meets the scenario's expectation. */
    private static ScenarioRunner.Outcome run(String variant, Map<String, String> sets) {
        ScenarioRunner.Outcome o = ScenarioTestSupport.run(S, variant, sets);
        assertTrue(o.matches(), () -> "expected " + o.expected().describe() + ", got " + o.actual() + "\n" + report(o));
        return o;
    }

    private static ScenarioRunner.Outcome run(String variant) { return run(variant, Map.of()); }

    @Test
    void registeredWithEveryDesignRow() {
        assertNotNull(Catalogue.find(FuseWritebackScenario.ID));
        assertEquals(List.of("legacy-no-flag", "legacy-no-flag-no-kswapd", "legacy-flag", "v2-cgroup-writeback", "v2-no-cgroup-writeback",
                        "legacy-gfp-nofs", "legacy-temp-pages", "migrate-sync-no-reply", "no-wbc-shared-mmap-legacy"),
                S.variants().stream().map(v -> v.name()).toList());
    }

    /** The deadlock explanation in kernel terms: the server waits in case 3 on writeback only its own reply ends. */
    /**
     * The label of shrink_folio_list's PG_reclaim test where case 2's other terms are decided without a
     * step: the trace names them, with why writeback throttling is not sane for this memcg ({@code why}).
     */
    private static String reclaimTest(boolean outcome, String why) {
        return "folio_test_reclaim(folio0) -> " + outcome + " [case 2's other terms are false: cgroup reclaim, writeback_throttling_sane"
                + " false (" + why + "), may_enter_fs true, mapping_writeback_may_deadlock_on_reclaim false]";
    }

    private static void assertSelfDeadlock(CheckResult r, String notSane) {
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals("circular wait: fuse-server blocked", r.message());
        List<String> ex = r.explanation();
        assertEquals("fuse-server blocked in folio_wait_writeback(folio0)   " + WAIT_STACK
                + ": waits for PG_writeback on folio0 to clear", ex.get(0));
        assertEquals("    PG_writeback can come only from fuse-server (folio_end_writeback)", ex.get(1));
        assertEquals("cycle: fuse-server -> PG_writeback(folio0) -> fuse-server", ex.get(2));
        // shortest schedule, by hand: flusher 8 (filemap_get_folios_tag, folio_lock, folio_clear_dirty_for_io,
        // folio_start_writeback, fuse_iomap_writeback_range, folio_unlock, folio_batch_release,
        // fuse_writepages_send); kswapd0 10 (kswapd's PF_MEMALLOC, set_task_reclaim_state, isolate_lru_folios,
        // folio_trylock, two tests, folio_set_reclaim, folio_unlock, move_folios_to_lru, set_task_reclaim_state)
        // and it must finish for no thread to move; fuse-server 11 (fuse_dev_do_read, alloc_pages,
        // page_counter_try_charge, the PF_MEMALLOC test of try_charge_memcg, set_task_reclaim_state,
        // memalloc_noreclaim_save, isolate_lru_folios, folio_trylock, folio_test_writeback, folio_test_reclaim,
        // folio_unlock), then it blocks.
        assertEquals(29, r.schedule().length);
        Trace t = r.trace();
        List<String> server = labels(t, "fuse-server");
        assertEquals(List.of("fuse_dev_do_read(FUSE_WRITE folio0)", "alloc_pages(GFP_KERNEL_ACCOUNT)",
                "page_counter_try_charge(G.memory, usage 1/1)", "(current->flags & PF_MEMALLOC) on fuse-server -> false",
                "set_task_reclaim_state(current, &sc.reclaim_state)",
                "memalloc_noreclaim_save(current)", "isolate_lru_folios(folio0)", "folio_trylock(folio0)",
                "folio_test_writeback(folio0) -> true", reclaimTest(true, notSane), "folio_unlock(folio0)"), server);
        // PG_writeback was set by the flusher, and nothing but the server's reply can clear it
        assertTrue(labels(t, "flusher").contains("folio_start_writeback(folio0)"));
        assertFalse(labels(t, "flusher").contains("folio_end_writeback(folio0)"));
        Model m = t.model();
        Semantics sem = new Semantics(m);
        int[] last = t.last();
        int server0 = m.threadIndex("fuse-server");
        assertTrue(sem.finished(last, m.threadIndex("flusher")));
        assertTrue(sem.finished(last, m.threadIndex("kswapd0")));
        BlockReason why = sem.blockReason(last, server0);
        BlockReason.OnFlag flag = assertInstanceOf(BlockReason.OnFlag.class, why);
        assertEquals("PG_writeback", flag.flag());
        assertEquals(List.of("shrink_folio_list", "shrink_node", "try_to_free_mem_cgroup_pages",
                "try_charge_memcg", "fuse-server"), sem.callStack(last, server0));
    }

    @Test
    void legacyMemcgWithoutFlagDeadlocks() {
        assertSelfDeadlock(run("legacy-no-flag").result(), "memcg v1");
    }

    @Test
    void cgroupV2WithoutCgroupWritebackDeadlocks() {
        assertSelfDeadlock(run("v2-no-cgroup-writeback").result(), "no CONFIG_CGROUP_WRITEBACK");
    }

    /** The brief's case-2 ordering: kswapd marks folio0 while it is already under writeback; the same deadlock follows. */
    @Test
    void earlierCase2PassLeadsToTheSameDeadlock() {
        Model m = model(S, "legacy-no-flag", Map.of());
        int flusher = m.threadIndex("flusher");
        int kswapd = m.threadIndex("kswapd0");
        int server = m.threadIndex("fuse-server");
        // flusher 8 steps (up to fuse_writepages_send), then kswapd0's whole pass (11 steps: it took only
        // writeback folios, so shrink_node sets PGDAT_WRITEBACK), then the server's 11 steps
        Trace t = Trace.replay(m, schedule(flusher, 8, kswapd, 11, server, 11));
        assertEquals(List.of("kswapd(tsk->flags |= PF_MEMALLOC | PF_KSWAPD)", "set_task_reclaim_state(current, &sc.reclaim_state)",
                "isolate_lru_folios(folio0)", "folio_trylock(folio0)", "folio_test_writeback(folio0) -> true",
                "folio_test_reclaim(folio0) -> false", "folio_set_reclaim(folio0)", "folio_unlock(folio0)",
                "move_folios_to_lru(folio0)", "set_bit(PGDAT_WRITEBACK, &pgdat->flags)",
                "set_task_reclaim_state(current, NULL)"), labels(t, "kswapd0"));
        Semantics sem = new Semantics(m);
        int[] last = t.last();
        for (int th = 0; th < m.threadCount(); th++) {
            assertFalse(sem.enabled(last, th), m.thread(th).name() + " can still move");
        }
        assertFalse(sem.atIdlePoint(last, server));
        assertEquals("folio_wait_writeback(folio0)", sem.label(last, server, 0));
        assertEquals(List.of(server), List.copyOf(sem.providers(last, "PG_writeback")));
    }

    @Test
    void mappingFlagHolds() {
        CheckResult r = run("legacy-flag").result();
        assertEquals(Verdict.HOLDS, r.verdict());
        assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, r.goals().get(FuseWritebackScenario.GOAL_CASE3).answer());
        assertTrue(r.notes().stream().allMatch(n -> n.startsWith(ScenarioRunner.SIZES_NOTE)), r.notes().toString());
        assertTrue(r.stats().distinct() < 100_000);
    }

    @Test
    void cgroupV2WithCgroupWritebackHolds() {
        CheckResult r = run("v2-cgroup-writeback").result();
        assertEquals(Verdict.HOLDS, r.verdict());
        assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, r.goals().get(FuseWritebackScenario.GOAL_CASE3).answer());
        assertTrue(r.notes().stream().allMatch(n -> n.startsWith(ScenarioRunner.SIZES_NOTE)), r.notes().toString());
    }

    @Test
    void gfpNofsHolds() {
        CheckResult r = run("legacy-gfp-nofs").result();
        assertEquals(Verdict.HOLDS, r.verdict());
        assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, r.goals().get(FuseWritebackScenario.GOAL_CASE3).answer());
    }

    /** With temp pages the server does take case 3, but the flusher, not the server, ends the writeback. */
    @Test
    void tempPagesHoldAlthoughTheServerWaits() {
        CheckResult r = run("legacy-temp-pages").result();
        assertEquals(Verdict.HOLDS, r.verdict());
        assertTrue(r.notes().stream().allMatch(n -> n.startsWith(ScenarioRunner.SIZES_NOTE)), r.notes().toString());
        CheckResult.GoalResult g = r.goals().get(FuseWritebackScenario.GOAL_CASE3);
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, g.answer());
        // shortest witness by hand: flusher 8 (up to fuse_writepages_send, before its folio_end_writeback),
        // kswapd0 9 (its pass up to move_folios_to_lru), fuse-server 11 (up to the folio_unlock of case 3)
        assertEquals(28, g.witness().length);
        Trace t = Trace.replay(r.model(), g.witness());
        List<String> flusher = labels(t, "flusher");
        assertTrue(flusher.contains("folio_copy(tmp_folio, folio0)"));
        assertEquals("fuse_writepages_send(FUSE_WRITE folio0)", flusher.get(flusher.size() - 1));
        // the server's wait is provided by the flusher too, so it is not a self-deadlock
        Semantics sem = new Semantics(r.model());
        assertTrue(sem.providers(t.last(), "PG_writeback").contains(r.model().threadIndex("flusher")));
    }

    @Test
    void migrateSyncWithoutReplyIsStuck() {
        CheckResult r = run("migrate-sync-no-reply").result();
        assertEquals(Verdict.STUCK, r.verdict());
        assertEquals("migrator waits for PG_writeback on folio0 to clear forever", r.message());
        assertEquals("migrator blocked in folio_wait_writeback(folio0)   [migrate_folio_unmap <- migrator]: "
                + "waits for PG_writeback on folio0 to clear", r.explanation().get(0));
        assertEquals("PG_writeback can come only from fuse-server (folio_end_writeback)", r.explanation().get(1));
        // shallowest stuck state, by hand: flusher 6 (get, lock, clear dirty, start writeback, writeback_range, unlock),
        // migrator 4 (folio_isolate_lru; migrate_folio_unmap: get_new_folio = alloc_migration_target first, then
        // folio_trylock, folio_test_writeback -> true)
        assertEquals(10, r.schedule().length);
        Trace t = r.trace();
        assertEquals(List.of("folio_isolate_lru(folio0)", "alloc_migration_target(D)", "folio_trylock(folio0)",
                        "folio_test_writeback(folio0) -> true"),
                labels(t, "migrator"));
        // no deadlock state exists: the server keeps serving other requests
        Semantics sem = new Semantics(r.model());
        assertEquals("folio_wait_writeback(folio0)", sem.label(t.last(), r.model().threadIndex("migrator"), 0));
    }

    @Test
    void migrationWaitsOnlyInSyncModeAndOnlyWhileTheServerHoldsTheReply() {
        // the server replies: the MIGRATE_SYNC wait ends
        run(null, Map.of("migrate", "SYNC"));
        // ASYNC and SYNC_LIGHT return -EBUSY for a folio under writeback, even if the server never replies
        for (String mode : List.of("ASYNC", "SYNC_LIGHT")) {
            ScenarioRunner.Outcome o = run(null, Map.of("migrate", mode, "serverReplies", "false"));
            assertEquals(Verdict.HOLDS, o.result().verdict(), mode);
        }
        // temp pages: the flusher ends writeback, so even MIGRATE_SYNC with a silent server finishes
        assertEquals(Verdict.HOLDS, run(null, Map.of("migrate", "SYNC", "serverReplies", "false", "tempPages", "true"))
                .result().verdict());
    }

    /**
     * mm/memcontrol.c try_charge_memcg: a PF_MEMALLOC task (one already inside reclaim or compaction)
     * that hits the memcg limit goes to "force": it is charged over the limit and never recurses into
     * try_to_free_mem_cgroup_pages. The same charge without PF_MEMALLOC reclaims (the clean folio0 is
     * freed and uncharged) and then fits.
     */
    @Test
    void pfMemallocTaskIsForceChargedAndNeverRecursesIntoMemcgReclaim() {
        for (boolean memalloc : List.of(true, false)) {
            Model.Builder b = Model.builder("memcg-force");
            Mm mm = new Mm(b);
            Mapping mapping = mm.mapping("file.i_data", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
            Folio folio = mm.folio("folio0", mapping, new Folio.Init());
            Memcg.Controller memcgs = new Memcg.Controller(mm, Memcg.Hierarchy.V1, false);
            Memcg g = memcgs.create("G", 1, 1);
            memcgs.charged(g, folio);
            Vmscan vmscan = new Vmscan(mm, memcgs);
            Procedure charge = memcgs.tryChargeMemcg(vmscan);
            Procedure thread = mm.thread("charger");
            Task task = mm.task("charger");
            Local rc = thread.local("rc", Memcg.CHARGED, Memcg.ENOMEM);
            thread.body(body -> {
                if (memalloc) {
                    body.step(TaskOps.memallocNoreclaimSave(task));
                }
                body.callInto(rc, charge, IntExpr.of(g.id()), IntExpr.of(Gfp.KERNEL))
                        .assertThat("test.charged", "try_charge_memcg returned 0", e -> e.local(rc) == Memcg.CHARGED);
            });
            b.goal("over-limit", st -> st.get(g.usage) > g.limit());
            Model m = b.build();
            CheckResult r = Checker.check(m, KernelRules.all(), Options.defaults());
            assertEquals(Verdict.HOLDS, r.verdict(), memalloc + ": " + r.message());
            List<String> unreached = r.unreached().stream().map(CheckResult.Unreached::step).toList();
            boolean reclaimed = unreached.stream().noneMatch(u -> u.startsWith("try_to_free_mem_cgroup_pages:"));
            boolean forced = unreached.stream().noneMatch(u -> u.equals("try_charge_memcg: page_counter_charge")
                    || u.startsWith("try_charge_memcg: page_counter_charge ["));
            assertEquals(!memalloc, reclaimed, unreached.toString());
            assertEquals(memalloc, forced, unreached.toString());
            assertEquals(memalloc ? CheckResult.GoalResult.Answer.REACHABLE : CheckResult.GoalResult.Answer.UNREACHABLE,
                    r.goals().get("over-limit").answer());
        }
    }

    /**
     * Issue 10's acceptance: without kswapd0's earlier pass the server deadlocks all the same, because
     * try_charge_memcg reclaims more than once: its first pass finds folio0 under writeback without
     * PG_reclaim and marks it (case 2), mem_cgroup_margin still says no room, drain_all_stock, and the
     * second pass finds PG_reclaim set and waits (case 3).
     */
    @Test
    void withoutEarlierReclaimTheChargesOwnRetryDeadlocks() {
        ScenarioRunner.Outcome o = run("legacy-no-flag-no-kswapd");
        assertEquals(o.result().verdict(), run(null, Map.of("memcg", "v1", "mappingFlag", "false", "earlierReclaim", "false"))
                .result().verdict());
        CheckResult r = o.result();
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals("cycle: fuse-server -> PG_writeback(folio0) -> fuse-server", r.explanation().get(2));
        // by hand: flusher 8 (as above); fuse-server: fuse_dev_do_read, alloc_pages, page_counter_try_charge, the
        // PF_MEMALLOC test; pass 1 (set_task_reclaim_state, memalloc_noreclaim_save, isolate_lru_folios, folio_trylock,
        // folio_test_writeback, folio_test_reclaim -> false, folio_set_reclaim, folio_unlock, move_folios_to_lru,
        // memalloc_noreclaim_restore, set_task_reclaim_state); mem_cgroup_margin, drain_all_stock,
        // page_counter_try_charge, the PF_MEMALLOC test; pass 2 up to case 3's folio_unlock (7 steps)
        assertEquals(8 + 4 + 11 + 4 + 7, r.schedule().length);
        List<String> server = labels(r.trace(), "fuse-server");
        // false: case 2 by !folio_test_reclaim, though its other terms are false
        assertEquals(List.of("folio_test_writeback(folio0) -> true", reclaimTest(false, "memcg v1"),
                "folio_set_reclaim(folio0)"), server.subList(8, 11));
        assertEquals(List.of("mem_cgroup_margin(G, usage 1/1)", "drain_all_stock(G)"), server.subList(15, 17));
        assertEquals(List.of(reclaimTest(true, "memcg v1"), "folio_unlock(folio0)"),
                server.subList(server.size() - 2, server.size()));
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, r.goals().get(FuseWritebackScenario.GOAL_CASE3).answer());
    }

    /**
     * fs/fuse/file.c fuse_init_file_inode sets AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM only for writeback_cache
     * connections: with legacy memcg, only the kernel with the flag and a writeback_cache mount holds.
     */
    @Test
    void theFlagFollowsWritebackCache() {
        for (String flag : List.of("false", "true")) {
            for (String wbc : List.of("false", "true")) {
                Map<String, String> sets = Map.of("memcg", "v1", "mappingFlag", flag, "writebackCache", wbc);
                if (wbc.equals("false") && flag.equals("false")) {
                    // without writeback_cache the model does not read mappingFlag: setting it is refused
                    assertThrows(org.migcheck.model.lang.ModelError.class, () -> run(null, sets));
                    continue;
                }
                ScenarioRunner.Outcome o = run(null, sets);
                Verdict want = flag.equals("true") && wbc.equals("true") ? Verdict.HOLDS : Verdict.DEADLOCK;
                assertEquals(want, o.result().verdict(), "mappingFlag=" + flag + " writebackCache=" + wbc);
            }
        }
        assertEquals(Expect.Kind.DEADLOCK, S.variant("no-wbc-shared-mmap-legacy").expect().kind());
    }

    /**
     * try_charge_memcg's bound is the kernel's: with the flag, every pass takes case 2, so a charge that
     * never fits makes 1 + 1 (after drain_all_stock) + MAX_RECLAIM_RETRIES (16, mm/internal.h) reclaim
     * passes and then fails with -ENOMEM.
     */
    @Test
    void chargeGivesUpAfterTheKernelsRetries() {
        assertEquals(16, Memcg.MAX_RECLAIM_RETRIES);
        Model.Builder b = Model.builder("memcg-retries");
        Mm mm = new Mm(b);
        Mapping mapping = mm.mapping("fuse.i_data", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, true, true);
        // under writeback that nobody ends: no pass can free it
        Folio folio = mm.folio("folio0", mapping, new Folio.Init().writeback(true));
        Memcg.Controller memcgs = new Memcg.Controller(mm, Memcg.Hierarchy.V1, false);
        Memcg g = memcgs.create("G", 1, 1);
        memcgs.charged(g, folio);
        Vmscan vmscan = new Vmscan(mm, memcgs);
        Procedure charge = memcgs.tryChargeMemcg(vmscan);
        Procedure thread = mm.thread("charger");
        Local rc = thread.local("rc", Memcg.CHARGED, Memcg.ENOMEM);
        org.migcheck.model.lang.Var failed = b.flag("charge_failed", false);
        thread.body(body -> body
                .callInto(rc, charge, IntExpr.of(g.id()), IntExpr.of(Gfp.KERNEL | Gfp.ACCOUNT))
                .ifLocal(e -> e.local(rc) == Memcg.ENOMEM, nomem -> nomem.step(
                        org.migcheck.model.lang.Step.named("return -ENOMEM").does(e -> e.set(failed, true)).build())));
        b.goal("enomem", st -> st.isSet(failed));
        Model m = b.build();
        CheckResult r = Checker.check(m, KernelRules.all(), Options.defaults());
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        CheckResult.GoalResult g0 = r.goals().get("enomem");
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, g0.answer());
        // one thread: the witness is its whole run
        List<String> steps = labels(Trace.replay(m, g0.witness()), "charger");
        assertEquals(2 + Memcg.MAX_RECLAIM_RETRIES, steps.stream().filter(l -> l.equals("isolate_lru_folios(folio0)")).count());
        assertEquals(2 + Memcg.MAX_RECLAIM_RETRIES, steps.stream().filter(l -> l.equals("folio_set_reclaim(folio0)")).count());
        assertEquals(1, steps.stream().filter(l -> l.equals("drain_all_stock(G)")).count());
        assertEquals("return -ENOMEM()", steps.get(steps.size() - 1));
    }

    /**
     * Every combination of the reclaim knobs (and of the migration knobs on the v6.19 configuration)
     * meets the expectation the scenario derives from docs/scenarios/fuse-writeback-memcg.md.
     */
    @Test
    void knobSweepMatchesTheRulesOfSection5() {
        int deadlocks = 0;
        int combos = 0;
        for (String memcg : List.of("v1", "v2")) {
            for (String cgwb : List.of("false", "true")) {
                for (String flag : List.of("false", "true")) {
                    for (String gfp : List.of("KERNEL", "NOFS")) {
                        for (String temp : List.of("false", "true")) {
                            for (String earlier : List.of("false", "true")) {
                                if (memcg.equals("v1") && cgwb.equals("false")) {
                                    continue; // cgroupWriteback applies to v2 only (the model reads it there only)
                                }
                                Map<String, String> sets = new LinkedHashMap<>();
                                sets.put("memcg", memcg);
                                sets.put("cgroupWriteback", cgwb);
                                sets.put("mappingFlag", flag);
                                sets.put("gfp", gfp);
                                sets.put("tempPages", temp);
                                sets.put("earlierReclaim", earlier);
                                ScenarioRunner.Outcome o = run(null, sets);
                                combos++;
                                if (o.result().verdict() == Verdict.DEADLOCK) {
                                    deadlocks++;
                                }
                            }
                        }
                    }
                }
            }
        }
        // deadlock iff !sane && !flag && KERNEL && !temp, whatever earlierReclaim (the charge retries reclaim): sane
        // is false for v1 and for v2 without cgwb, i.e. 2 of the 3 (memcg, cgwb) pairs, times 2 values of
        // earlierReclaim; 3 pairs x 2^4 combinations
        assertEquals(48, combos);
        assertEquals(4, deadlocks);
        for (String migrate : List.of("none", "ASYNC", "SYNC_LIGHT", "SYNC")) {
            for (String replies : List.of("false", "true")) {
                for (String temp : List.of("false", "true")) {
                    ScenarioRunner.Outcome o = run(null, Map.of("migrate", migrate, "serverReplies", replies, "tempPages", temp));
                    Expect.Kind want = migrate.equals("SYNC") && replies.equals("false") && temp.equals("false")
                            ? Expect.Kind.STUCK : Expect.Kind.HOLDS;
                    assertEquals(want, o.expected().kind(), o.title());
                }
            }
        }
    }

    /** Mutant: shrink_folio_list without its writeback branch removes a folio whose writeback is in flight. */
    @Test
    void reclaimIgnoringWritebackBreaksCacheRemoval() {
        ScenarioRunner.Outcome o = run("legacy-flag", Map.of("mutant", "reclaim-ignores-writeback"));
        CheckResult r = o.result();
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("cache.remove-locked-no-writeback", r.ruleId());
        assertTrue(r.message().contains("folio0 from the page cache while its writeback is in flight"), r.message());
        Trace t = r.trace();
        assertEquals("__remove_mapping(folio0)", lastRow(t).label());
    }

    /** Mutant: the flusher sets PG_writeback without holding the folio lock. */
    @Test
    void writebackWithoutFolioLockBreaksTheLockRule() {
        ScenarioRunner.Outcome o = run(null, Map.of("mutant", "writeback-without-folio-lock"));
        CheckResult r = o.result();
        assertEquals(Verdict.VIOLATED, r.verdict());
        // the first unlocked write: filemap_get_folios_tag, folio_clear_dirty_for_io
        assertEquals("dirty.clear-under-lock", r.ruleId());
        assertEquals("folio_clear_dirty_for_io(folio0)", lastRow(r.trace()).label());
        assertEquals(2, r.schedule().length);
        // without that rule, the unlocked folio_start_writeback: filemap_get_folios_tag, folio_clear_dirty_for_io,
        // folio_start_writeback
        org.migcheck.properties.RuleSet rules = org.migcheck.properties.RuleSet.of(KernelRules.list().stream()
                .filter(x -> !x.id().equals("dirty.clear-under-lock")).toList(), true);
        CheckResult w = ScenarioRunner.run(S, null, Map.of("mutant", "writeback-without-folio-lock"), rules,
                org.migcheck.checker.run.Options.defaults()).result();
        assertEquals(Verdict.VIOLATED, w.verdict());
        assertEquals("writeback.set-under-lock", w.ruleId());
        Trace t = w.trace();
        Trace.Row last = lastRow(t);
        assertEquals("folio_start_writeback(folio0)", last.label());
        assertEquals(t.model().threadIndex("flusher"), last.thread());
        assertEquals(3, w.schedule().length);
    }

    @Test
    void everyVariantIsSmallAndFast() {
        for (var v : S.variants()) {
            ScenarioRunner.Outcome o = run(v.name());
            assertSmallAndFast(v.name(), o.result());
        }
    }
}
