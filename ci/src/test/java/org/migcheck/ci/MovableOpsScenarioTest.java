package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.ci.ScenarioTestSupport.assertExhaustiveHold;
import static org.migcheck.ci.ScenarioTestSupport.folio;
import static org.migcheck.ci.ScenarioTestSupport.labels;
import static org.migcheck.ci.ScenarioTestSupport.lastRow;
import static org.migcheck.ci.ScenarioTestSupport.lastRowIndex;
import static org.migcheck.ci.ScenarioTestSupport.model;
import static org.migcheck.ci.ScenarioTestSupport.run;
import static org.migcheck.ci.ScenarioTestSupport.schedule;
import static org.migcheck.ci.ScenarioTestSupport.var;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.StateView;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.MovableOpsScenario;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.KernelRules;

/**
 * docs/scenarios/movable-ops.md / README: The scenario catalogue "movable_ops isolate/putback": each variant's verdict, rule and the
 * facts of its shortest counterexample, derived by hand from the model (threads C1 = 0, C2 = 1,
 * balloon = 2).
 */
class MovableOpsScenarioTest {
    private static final int C1 = 0;
    private static final int C2 = 1;
    private static final int BALLOON = 2;

    /** balloon_page_enqueue: spin_lock, trylock_page, balloon_page_insert, unlock_page, spin_unlock. */
    private static final int ENQUEUE_STEPS = 5;
    /** fill_balloon: mutex_lock(balloon_lock), balloon_page_enqueue, tell_host(inflate_vq), mutex_unlock. */
    private static final int FILL_STEPS = 1 + ENQUEUE_STEPS + 2;
    /**
     * leak_balloon when page0 is on the list: mutex_lock; balloon_page_dequeue: spin_lock,
     * list_for_each_entry(page0), trylock_page, balloon_page_finalize, unlock_page, spin_unlock; then
     * tell_host(deflate_vq), put_page (release_pages_balloon: the driver's final put).
     */
    private static final int LEAK_TO_PUT_STEPS = 1 + 6 + 2;
    /**
     * Compactor up to an isolated page: page_has_movable_ops, !PageMovableOpsIsolated (lockless
     * pre-check), folio_get_nontail_page, !page_has_movable_ops re-test, folio_trylock,
     * PageMovableOpsIsolated, !balloon_page_device, spin_lock, list_del, spin_unlock,
     * SetPageMovableOpsIsolated (then folio_unlock).
     */
    private static final int ISOLATE_STEPS_TO_SET_FLAG = 11;

    private final Scenario scenario = MovableOpsScenario.scenario();

    @Test
    void registeredInTheCatalogueWithEveryDesignRow() {
        assertNotNull(Catalogue.find(MovableOpsScenario.ID));
        assertEquals(List.of("merged", "plain-ref", "no-isolated-check", "putback-under-page-lock", "deflate-sleeping-lock"),
                scenario.variants().stream().map(v -> v.name()).toList());
    }

    @Test
    void mergedRulesHoldExhaustivelyAndTheModelIsNotVacuous() {
        ScenarioRunner.Outcome o = run(scenario, "merged");
        assertExhaustiveHold(o);
        CheckResult r = o.result();
        // a compactor isolates page0, and migration into a new balloon page completes
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, r.goals().get(MovableOpsScenario.GOAL_ISOLATED).answer());
        CheckResult.GoalResult migrated = r.goals().get(MovableOpsScenario.GOAL_MIGRATED);
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, migrated.answer());
        Trace w = Trace.replay(r.model(), migrated.witness());
        List<String> c1 = labels(w, C1);
        // balloon_page_migrate -> virtballoon_migratepage: trylock balloon_lock, inflate new1, tell the host
        // about both pages, then finalize page0 and drop the balloon's reference on it
        int from = c1.indexOf("mutex_trylock(vb.balloon_lock)");
        assertTrue(from >= 0, c1.toString());
        assertEquals(List.of("mutex_trylock(vb.balloon_lock)", "get_page(new1)", "spin_lock_irqsave(balloon.pages_lock)",
                        "balloon_page_insert(new1)", "spin_unlock_irqrestore(balloon.pages_lock)",
                        "tell_host(vb->inflate_vq, new1)", "tell_host(vb->deflate_vq, page0)",
                        "mutex_unlock(vb.balloon_lock)", "balloon_page_finalize(page0)", "put_page(page0)",
                        "ClearPageMovableOpsIsolated(page0)"),
                c1.subList(from, from + 11));
        // migrate_folio_done drops the isolation reference, the last one: page0 is freed
        assertEquals("migrate_folio_done(page0)", lastRow(w).label());
        // the failure path is exercised too: virtballoon_migratepage's mutex_trylock fails while the driver
        // holds balloon_lock (the only -EAGAIN source here), and the page is put back
        assertTrue(r.unreached().stream().noneMatch(u -> u.step().startsWith("putback_movable_ops_page")
                || u.step().startsWith("balloon_page_putback") || u.step().startsWith("virtballoon_migratepage")),
                r.unreached().toString());
    }

    @Test
    void mergedRulesAlsoHoldInAsyncMode() {
        ScenarioRunner.Outcome o = run(scenario, null, Map.of("migrateMode", "ASYNC"));
        assertEquals(Verdict.HOLDS, o.result().verdict(), o.actual());
    }

    /**
     * isolation wins the race with the owner's final put: folio_get_nontail_page succeeds just before
     * the balloon driver's put_page, the isolate_page callback refuses the deflated page
     * (balloon_page_device == NULL), and the compactor's own folio_put frees the page ("if we win a
     * race with the final put, our later put frees it - no leak"), without any rule broken.
     */
    @Test
    void isolationThatWinsTheRaceWithTheFinalPutFreesThePageItself() {
        Model m = model(scenario, null, Map.of());
        Trace t = Trace.replay(m, schedule(
                BALLOON, FILL_STEPS,
                // C1: page_has_movable_ops, !PageMovableOpsIsolated, folio_get_nontail_page
                C1, 3,
                // balloon: leak_balloon up to put_page (the driver's final put: refcount 2 -> 1)
                BALLOON, LEAK_TO_PUT_STEPS,
                // C1: re-test, folio_trylock, PageMovableOpsIsolated, !balloon_page_device -> true, folio_unlock, folio_put
                C1, 6));
        assertEquals("put_page(page0)", t.rows().get(FILL_STEPS + 3 + LEAK_TO_PUT_STEPS - 1).label());
        assertEquals("!balloon_page_device(page0) -> true", t.rows().get(t.rows().size() - 3).label());
        Trace.Row last = lastRow(t);
        assertEquals(C1, last.thread());
        assertEquals("folio_put(page0)", last.label());
        Folio page = folio(m, "page0");
        StateView end = new Semantics(m).view(t.last());
        assertTrue(end.isSet(page.freed));
        assertEquals(0, end.get(page.ref));
        assertTrue(!end.isSet(page.isolated));
        // and the exhaustive check of the same model found no rule broken on this path
        CheckResult r = Checker.check(m, KernelRules.all(), Options.defaults());
        assertEquals(Verdict.HOLDS, r.verdict());
    }

    /**
     * The plain reference resurrects the page the balloon driver just freed. The step folio_get(page0)
     * breaks two rules at once: ref.get-unless-zero (refcount 0 before the step) and
     * folio.use-after-free (RefTaken on a folio whose freed flag is set). KernelRules.list() checks
     * ref.get-unless-zero first, so that is the rule reported; without it, the same shortest schedule
     * is reported as folio.use-after-free.
     */
    @Test
    void plainReferenceResurrectsTheFreedPage() {
        ScenarioRunner.Outcome o = run(scenario, "plain-ref");
        CheckResult r = o.result();
        assertTrue(o.matches(), o.actual());
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("ref.get-unless-zero", r.ruleId());
        // fill_balloon 8 + C1 pre-check 2 + leak_balloon up to its put_page 9 + C1 folio_get 1 (leak_balloon
        // needs balloon_lock, so fill_balloon's mutex_unlock comes first)
        assertEquals(FILL_STEPS + 2 + LEAK_TO_PUT_STEPS + 1, r.schedule().length);
        assertEquals(20, r.schedule().length);
        Trace t = r.trace();
        Trace.Row last = lastRow(t);
        assertEquals(C1, last.thread());
        assertEquals("folio_get(page0)", last.label());
        List<String> balloon = labels(t, BALLOON);
        assertEquals("put_page(page0)", balloon.get(balloon.size() - 1));
        Folio page = folio(r.model(), "page0");
        StateView before = new Semantics(r.model()).view(t.states().get(t.states().size() - 2));
        assertEquals(0, before.get(page.ref));
        assertTrue(before.isSet(page.freed));
        // C1 passed the lockless pre-check while page0 was still a balloon page
        assertEquals("page_has_movable_ops(page0) -> true", labels(t, C1).get(0));

        CheckResult uaf = run(scenario, "plain-ref", Map.of(), KernelRules.all().without("ref.get-unless-zero")).result();
        assertEquals(Verdict.VIOLATED, uaf.verdict());
        assertEquals("folio.use-after-free", uaf.ruleId());
        assertEquals(20, uaf.schedule().length);
        assertEquals("folio_get(page0)", lastRow(uaf.trace()).label());
    }

    @Test
    void withoutTheIsolatedCheckThePageIsIsolatedTwice() {
        ScenarioRunner.Outcome o = run(scenario, "no-isolated-check");
        assertTrue(o.matches(), o.actual());
        // the first thing that breaks: the second isolator's balloon_page_isolate list_dels page0, which the first
        // one already took off the balloon list; its SetPageMovableOpsIsolated comes two steps later (after
        // spin_unlock_irqrestore), and that is where isolate.single sees the double isolation with list.integrity off
        CheckResult corrupt = o.result();
        assertEquals("list.integrity", corrupt.ruleId());
        assertEquals("list_del(page0)", lastRow(corrupt.trace()).label());
        CheckResult r = run(scenario, "no-isolated-check", Map.of(), KernelRules.all().without("list.integrity")).result();
        assertEquals("isolate.single", r.ruleId());
        assertEquals(r.schedule().length - 2, corrupt.schedule().length);
        // fill_balloon's mutex_lock and enqueue (1 + 5: page0 is then on the list, unlocked, pages_lock free);
        // each isolator takes ISOLATE_STEPS_TO_SET_FLAG - 1 steps (no PageMovableOpsIsolated test under the
        // lock), and the first one also unlocks the page before the second can trylock it
        int isolate = ISOLATE_STEPS_TO_SET_FLAG - 1;
        assertEquals(1 + ENQUEUE_STEPS + (isolate + 1) + isolate, r.schedule().length);
        assertEquals(27, r.schedule().length);
        Trace t = r.trace();
        Trace.Row last = lastRow(t);
        assertEquals("SetPageMovableOpsIsolated(page0)", last.label());
        int second = last.thread();
        int first = second == C1 ? C2 : C1;
        // both passed the lockless pre-check before the first one set PG_movable_ops_isolated
        assertTrue(labels(t, first).contains("SetPageMovableOpsIsolated(page0)"));
        assertTrue(labels(t, second).contains("!PageMovableOpsIsolated(page0) -> true"));
        assertTrue(labels(t, first).contains("!PageMovableOpsIsolated(page0) -> true"));
        StateView end = new Semantics(r.model()).view(t.last());
        assertEquals(2, end.get(var(r.model(), "balloon.isolated_pages")));
    }

    @Test
    void putbackWithASleepingLockFromAPageLockedCallerDeadlocksOnItself() {
        ScenarioRunner.Outcome o = run(scenario, "putback-under-page-lock");
        CheckResult r = o.result();
        assertTrue(o.matches(), o.actual());
        assertEquals(Verdict.DEADLOCK, r.verdict());
        String expl = String.join("\n", r.explanation());
        assertTrue(expl.contains("waits for page0.locked, which it holds itself (self-deadlock)"), expl);
        Model m = r.model();
        Semantics sem = new Semantics(m);
        int[] end = r.trace().last();
        List<Integer> blocked = new ArrayList<>();
        for (int t = 0; t < m.threadCount(); t++) {
            if (!sem.finished(end, t)) {
                blocked.add(t);
            }
        }
        assertEquals(1, blocked.size(), "only the compactor that holds the page lock is left");
        int c = blocked.get(0);
        assertTrue(c == C1 || c == C2);
        assertEquals("folio_lock(page0)", sem.label(end, c, 0));
        assertEquals(List.of("putback_movable_ops_page", "migrate_folio_move", "migrate_pages_batch/compaction_alloc", "migrate_pages_sync/compaction_alloc", "migrate_pages/compaction_alloc",
                m.thread(c).name()),
                sem.callStack(end, c));
        assertEquals(c + 1, end[folio(m, "page0").lock.holderVar().slot()], "page0 is locked by the waiter itself");
        // the migration failed because virtballoon_migratepage's mutex_trylock found balloon_lock held by the driver
        List<String> mine = labels(r.trace(), c);
        assertEquals("mutex_trylock(vb.balloon_lock)", mine.get(mine.size() - 1), mine.toString());
        Trace t = r.trace();
        int tryRow = lastRowIndex(t, c, "mutex_trylock(vb.balloon_lock)");
        assertEquals("mutex_trylock(vb.balloon_lock)", t.rows().get(tryRow).label());
        assertTrue(t.rows().get(tryRow).changes().isEmpty(), "the trylock fails");
        assertEquals(BALLOON + 1, t.states().get(tryRow)[var(m, "vb.balloon_lock").slot()], "the driver holds balloon_lock");
        // fill_balloon 8; isolate 11 + folio_unlock; migrate_pages: migrate_folio_unmap (compaction_alloc,
        // folio_trylock(src), folio_test_writeback(src), folio_trylock(dst)), migrate_folio_move ->
        // migrate_movable_ops_page -> balloon_page_migrate (WARN_ON_ONCE) -> virtballoon_migratepage
        // (mutex_trylock) = 6; the other compactor's pre-check 1; leak_balloon finds no page: mutex_lock;
        // balloon_page_dequeue: spin_lock, one list_for_each_entry step that finds the list empty, spin_unlock,
        // spin_lock, BUG check, spin_unlock; mutex_unlock = 8
        assertEquals(FILL_STEPS + ISOLATE_STEPS_TO_SET_FLAG + 1 + 6 + 1 + 8, r.schedule().length);
        assertEquals(35, r.schedule().length);
    }

    @Test
    void sleepingPageLockUnderThePagesLockSpinlock() {
        ScenarioRunner.Outcome o = run(scenario, "deflate-sleeping-lock");
        CheckResult r = o.result();
        assertTrue(o.matches(), o.actual());
        assertEquals("atomic.sleep", r.ruleId());
        assertTrue(r.message().contains("balloon.pages_lock"), r.message());
        // fill_balloon 8, then leak_balloon: mutex_lock, spin_lock, list_for_each_entry(page0), lock_page
        assertEquals(FILL_STEPS + 4, r.schedule().length);
        Trace.Row last = lastRow(r.trace());
        assertEquals(BALLOON, last.thread());
        assertEquals("lock_page(page0.locked)", last.label());
    }

    /**
     * Mutation: removing the page lock from isolation lets two isolators both see "not isolated". The
     * first isolation already sets the flag without the page lock (movable-ops.isolated-under-lock);
     * without that rule, the double isolation itself is caught.
     */
    @Test
    void mutationWithoutTheIsolationTrylockBreaksIsolateSingle() {
        CheckResult first = run(scenario, null, Map.of("isolateLock", "false")).result();
        assertEquals(Verdict.VIOLATED, first.verdict());
        assertEquals("movable-ops.isolated-under-lock", first.ruleId());
        assertEquals("SetPageMovableOpsIsolated(page0)", lastRow(first.trace()).label());
        CheckResult r = run(scenario, null, Map.of("isolateLock", "false"),
                org.migcheck.properties.KernelRules.all().without("movable-ops.isolated-under-lock").without("list.integrity")).result();
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("isolate.single", r.ruleId());
        assertTrue(r.trace().rows().stream().noneMatch(row -> row.label().equals("folio_trylock(page0)")));
        assertEquals("SetPageMovableOpsIsolated(page0)", lastRow(r.trace()).label());
    }

    /** Mutation: without the isolation reference, the owner's put in balloon_page_migrate frees an isolated page. */
    @Test
    void mutationWithoutTheIsolationReferenceFreesAnIsolatedPage() {
        CheckResult r = run(scenario, null, Map.of("getRef", "none")).result();
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("folio.free-busy", r.ruleId());
        assertTrue(r.message().contains("page0") && r.message().contains("isolated"), r.message());
        assertEquals("put_page(page0)", lastRow(r.trace()).label());
    }

    /**
     * Observation for the rule set: v6.19 direct compaction calls putback_movable_pages under
     * PF_MEMALLOC, and putback_movable_ops_page takes the sleeping folio lock. memalloc.folio-lock as
     * stated ("no sleeping folio lock under PF_MEMALLOC") flags this kernel path; the kernel's own
     * PF_MEMALLOC rule (mm/migrate.c migrate_folio_unmap) covers only the source lock of migration.
     * The test pins down where the rule fires, so a narrowing of the rule shows up here.
     */
    @Test
    void directCompactionPutbackIsWhereMemallocFolioLockFires() {
        CheckResult r = run(scenario, null, Map.of("compaction", "direct")).result();
        if (r.verdict() == Verdict.HOLDS) {
            return; // the rule was narrowed to the migration source lock
        }
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("memalloc.folio-lock", r.ruleId());
        Trace t = r.trace();
        Trace.Row last = lastRow(t);
        assertEquals("folio_lock(page0)", last.label());
        Semantics sem = new Semantics(r.model());
        int[] before = t.states().get(t.states().size() - 2);
        assertEquals("putback_movable_ops_page", sem.callStack(before, last.thread()).get(0));
    }
}
