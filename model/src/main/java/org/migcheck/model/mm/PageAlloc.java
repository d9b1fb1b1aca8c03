package org.migcheck.model.mm;

import java.util.List;
import java.util.function.Consumer;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Sleep;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;

/**
 * The page allocator's slow path as a scenario wires it (mm/page_alloc.c, v6.19), with the direct
 * compaction it may enter (mm/compaction.c) and the OOM killer it may reach ({@link Oom}).
 *
 * <p>Procedures (folio ids as in {@link Folio#id()}):
 * <ul>
 *   <li>{@code alloc_pages(order, node, gfp, page)}: {@code order} 0 or 1 (= any order > 0),
 *       {@code gfp} in {@link Gfp} bits ({@link Gfp#NO_OOM} summarises __GFP_NORETRY,
 *       __GFP_RETRY_MAYFAIL, __GFP_THISNODE and costly orders), {@code page} the folio that a
 *       successful allocation hands out, or -1 when the page is not modelled (a slab page); returns
 *       1 on success, 0 for NULL;</li>
 *   <li>{@code __alloc_pages_direct_compact(node, mode)}: PF_MEMALLOC around {@code compact_zone};
 *       returns 1 when compaction migrated a folio;</li>
 *   <li>{@code compact_zone(node, mode)}: isolates one LRU folio of the node and migrates it into the
 *       node's free page with {@code migrate_pages/compaction_alloc};</li>
 *   <li>{@code compaction_alloc(src, dst)}: the get_new_folio of compaction.</li>
 * </ul>
 *
 * <p>Memory is modelled only as far as the scenario needs it: with {@code trackFree} the zone has a
 * flag "above the watermark" ({@link #zoneFree}) that exiting or reaped OOM victims set; without it
 * the zone stays under pressure and the fast path always fails.
 * Simplifications (each also stated at its code): direct reclaim never makes progress (it only
 * trylocks folios, so it neither waits on nor frees the scenario's locked folios); one direct
 * compaction attempt at the mode the scenario gives (the slow path escalates from
 * COMPACT_PRIO_ASYNC to SYNC_LIGHT over retries); compaction isolates one folio per run.
 */
public final class PageAlloc {

    /**
     * What direct compaction sees of one node: its LRU folios (candidates of the migrate scanner,
     * in pfn order) and the free page the free scanner isolates for it.
     */
    public record Zone(int node, List<Folio> lru, Folio freePage) {}

    private final Mm mm;
    private final Model.Builder b;
    private final Migrate migrate;
    private final List<Zone> zones;
    private final int compactMode;
    private final int nFolios;
    private final int nNodes;
    /** The zone is above its watermark (a free page exists); null when the scenario does not track memory. */
    public final Var zoneFree;
    private Oom oom;

    private Procedure allocPages;
    private Procedure directCompact;
    private Procedure compactZone;

    /**
     * @param zones        the nodes direct compaction can work on (empty: no compaction)
     * @param compactMode  the migration mode of the modelled direct compaction attempt
     * @param trackFree    model "free memory" as a flag that starts clear (under pressure)
     */
    public PageAlloc(Mm mm, Migrate migrate, List<Zone> zones, int compactMode, boolean trackFree) {
        this.mm = mm;
        this.b = mm.builder();
        this.migrate = migrate;
        this.zones = List.copyOf(zones);
        this.compactMode = compactMode;
        this.nFolios = mm.folios().size();
        this.nNodes = zones.stream().mapToInt(Zone::node).max().orElse(0) + 1;
        this.zoneFree = trackFree ? b.var("zone.free_above_wmark", 0, 1, 0, v -> v == 0 ? "no" : "yes", true) : null;
    }

    /** Wires the OOM killer into the slow path (only order-0 allocations without {@link Gfp#NO_OOM} reach it). */
    public PageAlloc withOom(Oom o) {
        this.oom = o;
        return this;
    }

    /** The task context of the running thread (declared with {@link Mm#thread}). */
    static Task current(Exec e) {
        for (Task t : e.model().objects(Task.class)) {
            if (t.thread() == e.self()) {
                return t;
            }
        }
        throw new ModelError(e.threadName(e.self()), "thread " + e.threadName(e.self())
                + " allocates memory but has no task context (declare it with Mm.thread)");
    }

    // ---------------------------------------------------------------- steps

    /** include/linux/sched/mm.h memalloc_noreclaim_save, on the running task. */
    static Step memallocNoreclaimSave() {
        return Step.named("memalloc_noreclaim_save").args(e -> e.threadName(e.self()))
                .does(e -> e.set(current(e).pfMemalloc(), true)).build();
    }

    /** include/linux/sched/mm.h memalloc_noreclaim_restore, on the running task. */
    static Step memallocNoreclaimRestore() {
        return Step.named("memalloc_noreclaim_restore").args(e -> e.threadName(e.self()))
                .does(e -> e.set(current(e).pfMemalloc(), false)).build();
    }

    /** mm/page_alloc.c get_page_from_freelist: is a page free above the watermark? */
    private Cond getPageFromFreelist(String wmark) {
        return Cond.of("get_page_from_freelist", wmark, e -> e.isSet(zoneFree));
    }

    // ---------------------------------------------------------------- compaction (mm/compaction.c)

    /** mm/compaction.c compaction_alloc, the get_new_folio of compaction: {@link Migrate#compactionAlloc()}. */
    public Procedure compactionAlloc() {
        return migrate.compactionAlloc();
    }

    /** mm/page_alloc.c post_alloc_hook / set_page_refcounted: a free page gets its first reference. */
    static void postAllocHook(Exec e, Folio f) {
        if (!e.isSet(f.freed)) {
            throw new ModelError(f.name(), "allocation hands out " + f.name() + ", which is in use");
        }
        e.set(f.freed, false);
        e.set(f.ref, 1);
        e.set(f.inCache, false);
        e.set(f.lru, false);
        e.set(f.isolated, false);
    }

    /**
     * mm/compaction.c isolate_migratepages_block for the zone of {@code z}: take a reference
     * (folio_get_nontail_page) and clear PG_lru (folio_test_clear_lru), so a folio already isolated by
     * someone else, or not on the LRU, is skipped. Locked folios are isolated like others: only dirty
     * folios are trylocked here (to check the mapping), and the scenario's folios are clean.
     * Simplification: one folio per scan, chosen nondeterministically (the kernel isolates a pfn-ordered batch); the writeback/dirty/!__GFP_FS/pin filters never apply to the scenario's clean folios.
     */
    private static Step isolateMigratepagesBlock(Zone z, Local src) {
        List<Folio> lru = z.lru();
        return Step.named("isolate_migratepages_block")
                .args("node" + z.node())
                .choice(lru.size(), i -> lru.get(i).name())
                .does(e -> {
                    Folio f = lru.get(e.choice());
                    if (e.isSet(f.lru) && e.get(f.ref) > 0) {
                        e.emit(new FolioEvent.RefTaken(f, true));
                        e.add(f.ref, 1);
                        e.set(f.lru, false);
                        e.emit(new FolioEvent.Isolated(f));
                        e.set(f.isolated, true);
                        e.setLocal(src, f.id());
                    } else {
                        e.setLocal(src, -1);
                    }
                })
                .build();
    }

    /**
     * mm/compaction.c try_to_compact_pages -> compact_zone_order -> compact_zone: isolate migration
     * sources (isolate_migratepages), migrate_pages(&cc->migratepages, compaction_alloc,
     * compaction_free, cc, cc->mode, MR_COMPACTION). Returns 1 when a folio was migrated (a free
     * page of the requested order was made).
     */
    public Procedure compactZone() {
        if (compactZone != null) {
            return compactZone;
        }
        Procedure migratePages = migrate.migratePages(compactionAlloc());
        Procedure p = b.procedure("compact_zone");
        Local node = p.param("node", 0, nNodes - 1);
        Local mode = p.param("mode", Migrate.MIGRATE_ASYNC, Migrate.MIGRATE_SYNC);
        Local src = p.local("src", -1, nFolios - 1);
        Local rc = p.local("rc", Migrate.EBUSY, Migrate.MIGRATEPAGE_UNMAP);
        int[] freeOf = new int[nNodes];
        for (Zone z : zones) {
            freeOf[z.node()] = z.freePage().id();
        }
        p.body(x -> {
            x.assign(src, e -> -1);
            for (Zone z : zones) {
                if (!z.lru().isEmpty()) {
                    x.ifLocal(e -> e.local(node) == z.node(), y -> y.step(isolateMigratepagesBlock(z, src)));
                }
            }
            x.ifLocal(e -> e.local(src) < 0, y -> y.ret(e -> 0)); // nothing isolated: COMPACT_SKIPPED
            x.callInto(rc, migratePages, e -> e.local(src), e -> freeOf[e.local(node)], e -> e.local(mode));
            x.ret(e -> e.local(rc) == Migrate.MIGRATEPAGE_SUCCESS ? 1 : 0);
        });
        compactZone = p;
        return p;
    }

    /**
     * mm/page_alloc.c __alloc_pages_direct_compact: noreclaim_flag = memalloc_noreclaim_save();
     * try_to_compact_pages(); memalloc_noreclaim_restore(). PF_MEMALLOC is what makes
     * migrate_folio_unmap give up instead of sleeping on a source lock (SCENARIOS.md 4.2).
     */
    public Procedure directCompact() {
        if (directCompact != null) {
            return directCompact;
        }
        Procedure cz = compactZone();
        Procedure p = b.procedure("__alloc_pages_direct_compact");
        Local node = p.param("node", 0, nNodes - 1);
        Local mode = p.param("mode", Migrate.MIGRATE_ASYNC, Migrate.MIGRATE_SYNC);
        Local r = p.local("progress", 0, 1);
        p.body(x -> x
                .step(memallocNoreclaimSave())
                .callInto(r, cz, e -> e.local(node), e -> e.local(mode))
                .step(memallocNoreclaimRestore())
                .ret(e -> e.local(r)));
        directCompact = p;
        return p;
    }

    // ---------------------------------------------------------------- the slow path

    /** Return of alloc_pages: the page (post_alloc_hook) or NULL; the task's gfp is cleared. */
    private Step allocReturn(Local page, boolean success) {
        List<Folio> folios = mm.folios();
        return Step.named("alloc_pages")
                .args(e -> success ? "return " + (e.local(page) < 0 ? "page" : folios.get(e.local(page)).name())
                        : "return NULL")
                .does(e -> {
                    e.set(current(e).gfp(), 0);
                    if (success && e.local(page) >= 0) {
                        postAllocHook(e, folios.get(e.local(page)));
                    }
                })
                .build();
    }

    /**
     * mm/page_alloc.c __alloc_pages -> get_page_from_freelist, else __alloc_pages_slowpath:
     * direct compaction first for order > 0 (the initial COMPACT_PRIO_ASYNC attempt for costly or
     * unmovable requests; the mode is the scenario's), direct reclaim, then for order-0 requests that
     * may fail only by OOM: __alloc_pages_may_oom and, after a kill, the retry loop: an OOM victim
     * allocates from the reserves (ALLOC_OOM); anyone else retries until memory is freed.
     * Simplification: direct reclaim is one step that never makes progress (it only trylocks folios; PF_MEMALLOC is set and cleared inside it).
     */
    public Procedure allocPages() {
        if (allocPages != null) {
            return allocPages;
        }
        Procedure dc = zones.isEmpty() ? null : directCompact();
        Procedure mayOom = oom == null ? null : oom.mayOom();
        Procedure p = b.procedure("alloc_pages");
        Local order = p.param("order", 0, 1);
        Local node = p.param("node", 0, nNodes - 1);
        Local gfp = p.param("gfp", 0, Gfp.MAX);
        Local page = p.param("page", -1, nFolios - 1);
        Local r = p.local("r", 0, 1);
        Consumer<Body> success = x -> x.step(allocReturn(page, true)).ret(e -> 1);
        Consumer<Body> fail = x -> x.step(allocReturn(page, false)).ret(e -> 0);
        p.body(x -> {
            x.step(Step.named("__alloc_pages")
                    .args(e -> "order " + (e.local(order) == 0 ? "0" : ">0") + ", node" + e.local(node) + ", " + Gfp.describe(e.local(gfp)))
                    .does(e -> {
                        int g = e.local(gfp);
                        e.set(current(e).gfp(), g);
                        if ((g & Gfp.DIRECT_RECLAIM) != 0) {
                            e.emit(new Sleep("alloc_pages", Gfp.describe(g), Sleep.Kind.ALLOC));
                        }
                    }).build());
            if (zoneFree != null) {
                x.ifThen(getPageFromFreelist("low wmark"), success);
            }
            // Simplification: __alloc_pages_slowpath's wake_all_kswapds is not modelled (no kswapd thread).
            x.ifLocal(e -> (e.local(gfp) & Gfp.DIRECT_RECLAIM) == 0, fail); // !can_direct_reclaim -> nopage
            if (dc != null) {
                // Direct compaction only for order > 0 (__alloc_pages_direct_compact returns at once for order 0).
                x.ifLocal(e -> e.local(order) > 0, y -> y
                        .callInto(r, dc, e -> e.local(node), e -> compactMode)
                        .ifLocal(e -> e.local(r) == 1, success));
            }
            x.step(Step.named("__alloc_pages_direct_reclaim").args("no progress")
                    .does(e -> { }).build());
            if (zoneFree != null) {
                x.ifThen(getPageFromFreelist("min wmark"), success);
            }
            // No OOM kill for __GFP_NORETRY (goto nopage in the slow path) nor, inside __alloc_pages_may_oom,
            // for costly orders, __GFP_RETRY_MAYFAIL or __GFP_THISNODE. Simplification: all are checked here, before oom_lock.
            x.ifLocal(e -> e.local(order) > 0 || (e.local(gfp) & Gfp.NO_OOM) != 0, fail);
            if (mayOom != null) {
                x.callInto(r, mayOom);
                x.ifLocal(e -> e.local(r) == 0, fail);
                // did_some_progress: goto retry.
                x.ifThen(oom.tskIsOomVictim(), success); // ALLOC_OOM: the victim may use the reserves
                x.step(oom.waitForVictim());
                x.ifThen(getPageFromFreelist("min wmark"), success);
            }
            fail.accept(x);
        });
        allocPages = p;
        return p;
    }
}
