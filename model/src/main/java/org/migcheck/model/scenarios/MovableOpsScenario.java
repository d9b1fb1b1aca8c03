package org.migcheck.model.scenarios;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.mm.Balloon;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Migrate;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.MovableOps;
import org.migcheck.model.mm.Task;
import org.migcheck.model.mm.TaskOps;
import org.migcheck.model.mm.VirtioBalloon;

/**
 * docs/scenarios/movable-ops.md: the 2015 "mobile page" proposal and what was merged (non-LRU movable pages, today
 * movable_ops). Two compaction scanners C1 and C2 race to isolate the same balloon page, migrate it
 * or put it back, while the balloon driver inflates the page, deflates one page and releases it with
 * the final put.
 *
 * <p>Threads (each an {@link Mm#thread} with its task context):
 * <ul>
 *   <li>{@code C1}, {@code C2}: compact_zone (mm/compaction.c): isolate_migratepages_block's lockless
 *       pre-check, isolate_movable_ops_page, migrate_pages (into their own free page {@code new1} /
 *       {@code new2}), putback_movable_pages on failure;</li>
 *   <li>{@code balloon}: the virtio_balloon driver: fill_balloon -> balloon_page_enqueue(page0), then
 *       leak_balloon -> balloon_page_dequeue and put_page of the deflated page (the final put, which
 *       frees it, so isolation can race with it), each under vb->balloon_lock, which the compactors'
 *       virtballoon_migratepage only trylocks (-EAGAIN when the driver holds it).</li>
 * </ul>
 */
public final class MovableOpsScenario {
    private MovableOpsScenario() {}

    public static final String ID = "movable-ops";

    /** The catalogue's number of compactors (knob compactors). */
    static final int DEFAULT_COMPACTORS = 2;

    /** Reachability goal: some compactor migrated page0 into a new balloon page. */
    public static final String GOAL_MIGRATED = "migrated";
    /** Reachability goal: a compactor isolated page0 (the model is not vacuous). */
    public static final String GOAL_ISOLATED = "isolated";

    /**
     * The mutants of the merged variant that survive (migcheck mutate movable-ops --variant merged),
     * each with the reason the rules need not notice it here.
     */
    static Expect mergedSurvivors(Expect e, int compactors) {
        String privatePage = "the inflated page is private to the driver until balloon_page_insert publishes it"
                + " (page_has_movable_ops is clear before), so nothing contends for it or for pages_lock then";
        String bugCheck = "model limitation, not a kernel fact: the model's balloon_page_isolate does list_del and"
                + " isolated_pages++ in one step, so the BUG() check in the second pages_lock section never sees the list"
                + " emptied before isolated_pages counts the page; in the kernel they are two stores, and without the lock"
                + " that check could BUG() on a balloon that lost nothing";
        String balloonLock = "vb->balloon_lock guards the driver's pfn array and num_pages, which are not modelled"
                + " (VirtioBalloon simplification), and the host acknowledges at once";
        String preCheck = "isolate_migratepages_block's lockless pre-check: isolate_movable_ops_page re-tests under the page"
                + " lock (\"Isolation code will deal with any races\"), and the other compactor still reaches the goals";
        String preCheckTrue = "isolate_migratepages_block's lockless pre-check: isolate_movable_ops_page re-tests under the page"
                + " lock (\"Isolation code will deal with any races\")";
        // declared for every compactor of the model (they run the same code): forcing a pre-check true is harmless for
        // each; forcing it false stops that compactor, which only another one can make up for
        for (int i = 1; i <= compactors; i++) {
            e = e.survives("test-true C" + i + ": *", compactors >= 2 ? preCheck : preCheckTrue);
            if (compactors >= 2) {
                e = e.survives("test-false C" + i + ": *", preCheck);
            }
        }
        if (compactors >= 2) {
            // the migration's trylock of page0 fails only while another compactor holds its lock: with one compactor
            // these branches are never taken (mutate reports their mutants unreached)
            e = e.survives("test-true migrate_folio_unmap/compaction_alloc: if current->flags & PF_MEMALLOC",
                            "the forced PF_MEMALLOC path only trylocks the source (direct compaction's legal path)")
                    .survives("test-false migrate_folio_unmap/compaction_alloc: if folio_test_uptodate",
                            "reached only after a failed trylock in SYNC_LIGHT: giving up with -EAGAIN is legal, other attempts migrate");
        }
        return e
                .survives("swap balloon_page_enqueue: spin_lock_irqsave <> trylock_page", privatePage)
                .survives("swap balloon_page_enqueue: balloon_page_insert <> unlock_page", privatePage)
                .survives("no-lock balloon_page_dequeue: spin_lock_irqsave #2", bugCheck)
                .survives("swap balloon_page_dequeue: spin_lock_irqsave <> assert", bugCheck)
                .survives("swap balloon_page_dequeue: assert <> spin_unlock_irqrestore", bugCheck)
                .survives("no-lock virtballoon_migratepage: mutex_trylock", balloonLock)
                .survives("swap virtballoon_migratepage: tell_host <> mutex_unlock", balloonLock)
                .survives("no-lock fill_balloon: mutex_lock", balloonLock)
                .survives("swap fill_balloon: tell_host <> mutex_unlock", balloonLock)
                .survives("no-lock leak_balloon: mutex_lock", balloonLock)
                .survives("swap migrate_folio_move: folio_put <> folio_unlock",
                        "this put is never the last reference here, so dropping it before the unlock is not observable");
    }

    public static Scenario scenario() {
        return BaseScenario.builder(ID)
                .title("movable_ops (balloon) pages: concurrent isolation, migration, putback and the owner's final put")
                .reference("docs/scenarios/movable-ops.md; mm/migrate.c isolate_movable_ops_page, putback_movable_ops_page, "
                        + "migrate_movable_ops_page; mm/compaction.c isolate_migratepages_block; mm/balloon_compaction.c")
                .knob(Knob.choice("getRef", "try_get", "how isolation pins the page: folio_get_nontail_page "
                        + "(get-unless-zero), a plain get, or none (mutation)", "try_get", "plain", "none"))
                .knob(Knob.bool("checkIsolated", true, "isolation tests PG_movable_ops_isolated under the page lock"))
                .knob(Knob.bool("isolateLock", true, "isolation trylocks the page (false: mutation without the lock)"))
                .knob(Knob.choice("putback", "unlocked-caller", "who calls the (sleeping-lock) putback after a failed "
                        + "migration: a caller that dropped the page lock (v6.19) or one that still holds it (hypothetical caller)",
                        "unlocked-caller", "page-locked-caller"))
                .knob(Knob.choice("deflateLock", "trylock", "how balloon deflate locks each page under pages_lock",
                        "trylock", "sleeping"))
                .knob(Knob.choice("compaction", "kcompactd", "who compacts: kcompactd, or direct compaction under "
                        + "PF_MEMALLOC (memalloc_noreclaim_save)", "kcompactd", "direct"))
                .knob(Knob.choice("migrateMode", "SYNC_LIGHT", "migrate_mode of the compactors", "SYNC_LIGHT", "ASYNC"))
                .knob(Knob.range("compactors", 1, 8, DEFAULT_COMPACTORS, "compaction scanners racing for page0, each with its own free "
                        + "page (C1..CN into new1..newN); they run the same code and are declared interchangeable"))
                .model(MovableOpsScenario::build)
                .expect(MovableOpsScenario::expect)
                .variant("merged", Map.of(), mergedSurvivors(Expect.holds().reach(GOAL_MIGRATED, true).reach(GOAL_ISOLATED, true), DEFAULT_COMPACTORS).withinBounds(),
                        "shipped v6.19: get-unless-zero reference, trylock, PG_movable_ops_isolated tested and set "
                                + "under the page lock, putback from a caller without the page lock, deflate trylocks")
                .variant("plain-ref", Map.of("getRef", "plain"), Expect.violated("ref.get-unless-zero"),
                        "mutation: isolation takes a plain reference: it can resurrect the page the balloon driver just freed "
                                + "with its final put (use after free)")
                .variant("no-isolated-check", Map.of("checkIsolated", "false"), Expect.violated("list.integrity"),
                        "mutation: PG_movable_ops_isolated is not tested under the page lock: both scanners pass the lockless "
                                + "pre-check and the page is isolated twice; the second balloon_page_isolate list_dels a page "
                                + "already off the balloon list (with list.integrity off, isolate.single catches the second flag)")
                .variant("putback-under-page-lock", Map.of("putback", "page-locked-caller"), Expect.deadlock(),
                        "hypothetical: a putback that takes the sleeping page lock itself (the shape of the 2015 proposal's "
                                + "putback_mobilepage: lock_page; putbackpage; unlock; put) called from a migration failure "
                                + "path that still holds the page lock; no kernel, then or since, called putback with the "
                                + "page lock held: the compactor waits for itself")
                .variant("deflate-sleeping-lock", Map.of("deflateLock", "sleeping"), Expect.violated("atomic.sleep"),
                        "mutation: balloon deflate takes a sleeping page lock while holding the pages_lock spinlock")
                .build();
    }

    static Model build(Knobs k) {
        Model.Builder b = Model.builder(ID);
        Mm mm = new Mm(b);
        // balloon_page_alloc: the driver's page, refcount 1; a movable_ops page has no mapping and is not on an LRU
        int n = k.integer("compactors");
        // page0's refcount bound: the balloon's reference plus one scan reference per compactor
        // (folio_get_nontail_page), with room to spare: 1 + 2N, at least the default 7, which keeps the
        // Promela tables of the catalogue's two compactors small; more would be a model error, never silent
        Folio page = mm.folio("page0", null, new Folio.Init().lru(false).inCache(false).uptodate(false).ref(1)
                .maxRef(Math.max(Folio.MAX_REF, 1 + 2 * n)));
        // the compactors' free pages (cc->freepages): refcount 0 until compaction_alloc
        List<Folio> dsts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            dsts.add(mm.folio("new" + i, null, new Folio.Init().lru(false).inCache(false).uptodate(false).ref(0)));
        }
        List<Folio> pages = new ArrayList<>();
        pages.add(page);
        pages.addAll(dsts);
        Balloon balloon = new Balloon(mm, pages,
                k.is("deflateLock", "sleeping") ? Balloon.DeflateLock.SLEEPING : Balloon.DeflateLock.TRYLOCK);
        // the driver: vb->balloon_lock, fill/leak_balloon, and virtballoon_migratepage as b_dev_info->migratepage
        VirtioBalloon vb = new VirtioBalloon(mm, balloon);
        MovableOps.GetRef getRef = switch (k.get("getRef")) {
            case "plain" -> MovableOps.GetRef.PLAIN;
            case "none" -> MovableOps.GetRef.NONE;
            default -> MovableOps.GetRef.TRY_GET;
        };
        Migrate core = new Migrate(mm, Migrate.Rules.v6_19());
        MovableOps movable = new MovableOps(core, balloon.operations(), new MovableOps.Config(getRef,
                k.flag("checkIsolated"), k.flag("isolateLock"), k.is("putback", "page-locked-caller")), pages);
        boolean direct = k.is("compaction", "direct");
        int mode = k.is("migrateMode", "ASYNC") ? Migrate.MIGRATE_ASYNC : Migrate.MIGRATE_SYNC_LIGHT;

        List<Model.SymmetricMember> members = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            compactor(mm, core, movable, "C" + i, page, dsts.get(i - 1), direct, mode);
            members.add(new Model.SymmetricMember(List.of("C" + i), List.of(dsts.get(i - 1).name()), List.of(dsts.get(i - 1).id())));
        }
        // the compactors run the same code, each into its own free page: C_i with new_i is interchangeable with C_j with new_j
        b.symmetric("compactors", members);

        // the virtio_balloon driver (drivers/virtio/virtio_balloon.c): fill_balloon, then leak_balloon
        Procedure owner = mm.thread("balloon");
        Local got = owner.local("page", -1, mm.folios().size() - 1).markObjectRef();
        owner.body(body -> body
                // fill_balloon: balloon_page_alloc() gave page0 (initial state); balloon_page_enqueue under balloon_lock
                .call(vb.fillBalloon, e -> page.id())
                // leak_balloon: balloon_page_dequeue, then release_pages_balloon -> put_page (the final put)
                .callInto(got, vb.leakBalloon));

        b.goal(GOAL_MIGRATED, s -> s.isSet(page.freed) && dsts.stream().anyMatch(d -> s.isSet(balloon.onList(d))));
        b.goal(GOAL_ISOLATED, s -> s.isSet(page.isolated));
        return b.build();
    }

    /**
     * The expectation for any knob values: the variants' bugs at any number of compactors, except that
     * isolating page0 twice needs two of them.
     */
    static Expect expect(Knobs k) {
        int n = k.integer("compactors");
        if (k.is("getRef", "none") || !k.flag("isolateLock") || !k.is("compaction", "kcompactd") || !k.is("migrateMode", "SYNC_LIGHT")) {
            return null; // mutations of the isolation protocol and other settings: no declared expectation
        }
        int bugs = (k.is("getRef", "plain") ? 1 : 0) + (k.flag("checkIsolated") ? 0 : 1)
                + (k.is("deflateLock", "sleeping") ? 1 : 0) + (k.is("putback", "page-locked-caller") ? 1 : 0);
        if (bugs > 1) {
            return null; // which bug shows first is not declared
        }
        if (k.is("getRef", "plain")) {
            return Expect.violated("ref.get-unless-zero");
        }
        if (!k.flag("checkIsolated")) {
            // isolating page0 twice needs two scanners; one alone still migrates it
            return n >= 2 ? Expect.violated("list.integrity") : Expect.holds().reach(GOAL_MIGRATED, true).reach(GOAL_ISOLATED, true);
        }
        if (k.is("deflateLock", "sleeping")) {
            return Expect.violated("atomic.sleep");
        }
        if (k.is("putback", "page-locked-caller")) {
            return Expect.deadlock();
        }
        return mergedSurvivors(Expect.holds().reach(GOAL_MIGRATED, true).reach(GOAL_ISOLATED, true), n);
    }

    /**
     * One compactor: compact_zone (mm/compaction.c) for a pageblock holding {@code page}:
     * isolate_migratepages_block (non-LRU page: lockless "page_has_movable_ops &amp;&amp; !isolated"
     * pre-check, then isolate_movable_ops_page), migrate_pages(compaction_alloc, compaction_free) into
     * {@code dst}, with the putback_movable_pages of a page that failed.
     * Direct compaction runs under PF_MEMALLOC (mm/page_alloc.c __alloc_pages_direct_compact).
     * Simplification: the scanner looks at this one page only.
     */
    private static void compactor(Mm mm, Migrate core, MovableOps ops, String name, Folio page, Folio dst,
                                  boolean direct, int mode) {
        Procedure t = mm.thread(name);
        Local isolated = t.local("isolated", 0, 1);
        Procedure migratePages = core.migratePages(core.compactionAlloc());
        Task task = mm.task(name);
        FolioRef p = FolioRef.fixed(page);
        t.body(body -> {
            if (direct) {
                body.step(TaskOps.memallocNoreclaimSave(task));
            }
            // isolate_migratepages_block, !PageLRU(page): the lockless pre-check (two reads, "Isolation
            // code will deal with any races"), then isolate_movable_ops_page
            body.ifThen(Cond.of("page_has_movable_ops", e -> p.of(e).name(), e -> e.isSet(page.movableOps)), movable -> movable
                    .ifThen(Cond.of("!PageMovableOpsIsolated", e -> p.of(e).name(), e -> !e.isSet(page.isolated)), candidate -> candidate
                            .callInto(isolated, ops.isolate, e -> page.id())
                            .ifLocal(e -> e.local(isolated) == 1, isolatedOk -> isolatedOk
                                    .call(migratePages, e -> page.id(), e -> dst.id(), e -> mode))));
            if (direct) {
                body.step(TaskOps.memallocNoreclaimRestore(task));
            }
        });
    }
}
