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
 *   <li>{@code alloc_pages(order, node, gfp, page)}: {@code order} 0 .. {@link #MAX_PAGE_ORDER}
 *       (costly above {@link #PAGE_ALLOC_COSTLY_ORDER}), {@code gfp} in {@link Gfp} bits
 *       (__GFP_NORETRY, __GFP_RETRY_MAYFAIL and __GFP_THISNODE keep it from the OOM killer),
 *       {@code page} the folio that a successful allocation hands out, or -1 when the page is not
 *       modelled; returns 1 on success, 0 for NULL. The task's memalloc scope applies first
 *       (current_gfp_context: PF_MEMALLOC_NOFS clears __GFP_FS, see {@link #declareNofsScope});</li>
 *   <li>{@code __alloc_pages_direct_compact(order, node, mode, gfp)}: PF_MEMALLOC around try_to_compact_pages
 *       ({@code compact_zone}); returns 1 when compaction migrated a folio;</li>
 *   <li>{@code compact_zone(order, node, mode, gfp)}: isolates one LRU folio of the node (skipping large folios by order) and migrates it into
 *       the node's free page with {@code migrate_pages/compaction_alloc};</li>
 *   <li>{@code compaction_alloc(src, dst)}: the get_new_folio of compaction.</li>
 * </ul>
 *
 * <p>Memory is modelled only as far as the scenario needs it: with {@code trackFree} the zone has a
 * flag "above the watermark" ({@link #zoneFree}) that exiting or reaped OOM victims set; without it
 * the zone stays under pressure and the fast path always fails.
 * Simplifications (each also stated at its code): direct reclaim never makes progress (it only
 * trylocks folios, so it neither waits on nor frees the scenario's locked folios); the retry loop
 * runs once (should_reclaim_retry / should_compact_retry are not modelled); every allocation is
 * movable; compaction isolates one folio per run.
 *
 * <p>Kernel version: v6.19 (mm/page_alloc.c, mm/compaction.c). Folds in the PF_MEMALLOC around direct
 * compaction (v2.6.38, with the migrate_folio_unmap rule, see {@link Migrate.Rules}), SYNC_LIGHT
 * direct compaction (v3.3, "mm: compaction: introduce sync-light migration for use by compaction";
 * MIGRATE_SYNC models earlier kernels), the !__GFP_FS filter of isolate_migratepages_block (73e64c51afc5, Michal Hocko,
 * December 2016, so v4.10 by a reviewer's reading of blame, not checked; before it try_to_compact_pages did not
 * compact for an allocation without __GFP_FS at all), and
 * current_gfp_context's NOFS scope.
 */
public final class PageAlloc {

    /** include/linux/mmzone.h: orders above it are "costly" (no OOM kill, compaction first). */
    public static final int PAGE_ALLOC_COSTLY_ORDER = 3;
    /** include/linux/mmzone.h MAX_PAGE_ORDER (x86-64 default): the largest order a model may request. */
    public static final int MAX_PAGE_ORDER = 10;

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
    /** isolate_migratepages_block's skip_isolation_on_order; off only in hypothetical variants ({@link #withoutOrderFilter}). */
    private boolean orderFilter = true;

    private Procedure allocPages;
    private Procedure directCompact;
    private Procedure compactZone;

    /**
     * @param zones        the nodes direct compaction can work on (empty: no compaction)
     * @param compactMode  the migration mode of the retry loop's direct compaction (v6.19:
     *                     DEF_COMPACT_PRIORITY, MIGRATE_SYNC_LIGHT; MIGRATE_SYNC models the synchronous
     *                     direct compaction of kernels before v3.3); the initial attempt for costly
     *                     orders is always COMPACT_PRIO_ASYNC (MIGRATE_ASYNC)
     * @param trackFree    model "free memory" as a flag that starts clear (under pressure)
     */
    public PageAlloc(Mm mm, Migrate migrate, List<Zone> zones, int compactMode, boolean trackFree) {
        this(mm, migrate, zones, compactMode, trackFree, false);
    }

    /**
     * As {@link #PageAlloc(Mm, Migrate, List, int, boolean)}; with {@code oneFreePage} (and
     * {@code trackFree}) the zone starts with one page above the watermark, which the first allocation
     * that gets it from the free list takes (the flag clears).
     */
    public PageAlloc(Mm mm, Migrate migrate, List<Zone> zones, int compactMode, boolean trackFree, boolean oneFreePage) {
        this.mm = mm;
        this.b = mm.builder();
        this.migrate = migrate;
        this.zones = List.copyOf(zones);
        this.compactMode = compactMode;
        this.nFolios = mm.folios().size();
        this.nNodes = zones.stream().mapToInt(Zone::node).max().orElse(0) + 1;
        this.zoneFree = trackFree ? b.var("zone.free_above_wmark", 0, 1, oneFreePage ? 1 : 0, v -> v == 0 ? "no" : "yes", true) : null;
    }

    /**
     * Hypothetical compaction whose migrate scanner isolates large folios whatever the request's order
     * (no kernel we know of: isolate_migratepages_block skips compound pages outside alloc_contig, since
     * v6.9 those not smaller than the request, {@link Migrate#skipIsolationOnOrder}). Must be called before any procedure is built.
     */
    public PageAlloc withoutOrderFilter() {
        if (compactZone != null) {
            throw new IllegalStateException("withoutOrderFilter after compact_zone was built");
        }
        this.orderFilter = false;
        return this;
    }

    /** Wires the OOM killer into the slow path (only non-costly allocations without {@link Gfp#NO_OOM_KILL} bits reach it). */
    public PageAlloc withOom(Oom o) {
        this.oom = o;
        return this;
    }

    /**
     * Declares PF_MEMALLOC_NOFS ({@code <task>.PF_MEMALLOC_NOFS}) for a task that calls
     * {@link #memallocNofsSave()}; returns the flag.
     */
    public Var declareNofsScope(Task t) {
        return mm.declareNofsScope(t);
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

    private Var nofsFlag(Exec e) {
        Var v = mm.nofsFlag(e.self());
        if (v == null) {
            throw new ModelError(e.threadName(e.self()), "thread " + e.threadName(e.self())
                    + " enters a NOFS scope but has no PF_MEMALLOC_NOFS flag (declare it with PageAlloc.declareNofsScope)");
        }
        return v;
    }

    /** include/linux/sched/mm.h current_gfp_context(flags): {@link Mm#currentGfpContext}. */
    public int currentGfpContext(Exec e, int gfp) {
        return mm.currentGfpContext(e, gfp);
    }

    // ---------------------------------------------------------------- steps

    /**
     * include/linux/sched/mm.h memalloc_noreclaim_save, on the running task; its restore clears
     * PF_MEMALLOC, so a task that has it set already is refused ({@link TaskOps#refuseNesting}; the
     * allocator never compacts under PF_MEMALLOC, so only a model's own nesting reaches it).
     */
    static Step memallocNoreclaimSave() {
        return Step.named("memalloc_noreclaim_save").args(e -> e.threadName(e.self()))
                .does(e -> {
                    TaskOps.refuseNesting(e, current(e));
                    e.set(current(e).pfMemalloc(), true);
                }).build();
    }

    /** include/linux/sched/mm.h memalloc_noreclaim_restore, on the running task. */
    static Step memallocNoreclaimRestore() {
        return Step.named("memalloc_noreclaim_restore").args(e -> e.threadName(e.self()))
                .does(e -> e.set(current(e).pfMemalloc(), false)).build();
    }

    /**
     * include/linux/sched/mm.h memalloc_nofs_save, on the running task: sets PF_MEMALLOC_NOFS, so every
     * allocation until memalloc_nofs_restore behaves as GFP_NOFS (current_gfp_context).
     * Simplification: scopes do not nest (the saved flag is not kept; no modelled caller nests them).
     */
    public Step memallocNofsSave() {
        return Step.named("memalloc_nofs_save").args(e -> e.threadName(e.self()))
                .does(e -> e.set(nofsFlag(e), true)).build();
    }

    /** include/linux/sched/mm.h memalloc_nofs_restore, on the running task. */
    public Step memallocNofsRestore() {
        return Step.named("memalloc_nofs_restore").args(e -> e.threadName(e.self()))
                .does(e -> e.set(nofsFlag(e), false)).build();
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
     * mm/compaction.c isolate_migratepages_block for the zone of {@code z} (cc->gfp_mask = the
     * allocation's gfp, cc->order = its order, cc->mode = {@code mode}): the migrate scanner stops at one of the zone's LRU
     * folios, and {@link Migrate#isolateLruFolio} filters and isolates it; {@code src} = its id, or -1.
     * Simplification: one folio per scan, chosen nondeterministically (the kernel isolates a pfn-ordered batch).
     */
    private static Step isolateMigratepagesBlock(Zone z, Local src, Local order, Local mode, Local gfp, boolean orderFilter) {
        List<Folio> lru = z.lru();
        return Step.named("isolate_migratepages_block")
                .args("node" + z.node())
                .choice(lru.size(), i -> lru.get(i).name())
                .does(e -> {
                    Folio f = lru.get(e.choice());
                    // mm/compaction.c isolate_migratepages: ISOLATE_ASYNC_MIGRATE for every mode but MIGRATE_SYNC
                    boolean asyncIsolate = e.local(mode) != Migrate.MIGRATE_SYNC;
                    e.setLocal(src, Migrate.isolateLruFolio(e, f, asyncIsolate, e.local(gfp), e.local(order), orderFilter)
                            ? f.id() : -1);
                })
                .build();
    }

    /**
     * mm/compaction.c compact_zone_order -> compact_zone: isolate migration sources
     * (isolate_migratepages), migrate_pages(&amp;cc->migratepages, compaction_alloc, compaction_free, cc,
     * cc->mode, MR_COMPACTION). Returns 1 when a folio was migrated (a free page of the requested
     * order was made).
     */
    public Procedure compactZone() {
        if (compactZone != null) {
            return compactZone;
        }
        Procedure migratePages = migrate.migratePages(compactionAlloc());
        Procedure p = b.procedure("compact_zone");
        Local order = p.param("order", 0, MAX_PAGE_ORDER);
        Local node = p.param("node", 0, nNodes - 1);
        Local mode = p.param("mode", Migrate.MIGRATE_ASYNC, Migrate.MIGRATE_SYNC);
        Local gfp = p.param("gfp", 0, Gfp.MAX);
        Local src = p.local("src", -1, nFolios - 1);
        Local rc = p.local("rc", Migrate.EBUSY, 1);
        int[] freeOf = new int[nNodes];
        for (Zone z : zones) {
            freeOf[z.node()] = z.freePage().id();
        }
        p.body(x -> {
            x.assign(src, e -> -1);
            for (Zone z : zones) {
                if (!z.lru().isEmpty()) {
                    x.ifLocal(e -> e.local(node) == z.node(), y -> y.step(isolateMigratepagesBlock(z, src, order, mode, gfp, orderFilter)));
                }
            }
            x.ifLocal(e -> e.local(src) < 0, y -> y.ret(e -> 0)); // nothing isolated: COMPACT_SKIPPED
            x.callInto(rc, migratePages, e -> e.local(src), e -> freeOf[e.local(node)], e -> e.local(mode));
            x.ret(e -> e.local(rc) == 0 ? 1 : 0);
        });
        compactZone = p;
        return p;
    }

    /**
     * mm/page_alloc.c __alloc_pages_direct_compact: noreclaim_flag = memalloc_noreclaim_save();
     * try_to_compact_pages(), which returns COMPACT_SKIPPED at once unless gfp_compaction_allowed
     * (__GFP_IO), and passes cc->mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT
     * to compact_zone_order; memalloc_noreclaim_restore(). PF_MEMALLOC is what makes
     * migrate_folio_unmap give up instead of sleeping on a source lock (docs/scenarios/source-locked-alloc.md).
     */
    public Procedure directCompact() {
        if (directCompact != null) {
            return directCompact;
        }
        Procedure cz = compactZone();
        Procedure p = b.procedure("__alloc_pages_direct_compact");
        Local order = p.param("order", 0, MAX_PAGE_ORDER);
        Local node = p.param("node", 0, nNodes - 1);
        Local mode = p.param("mode", Migrate.MIGRATE_ASYNC, Migrate.MIGRATE_SYNC);
        Local gfp = p.param("gfp", 0, Gfp.MAX);
        Local r = p.local("progress", 0, 1);
        p.body(x -> x
                .step(memallocNoreclaimSave())
                .assign(r, e -> 0)
                .ifLocal(e -> (e.local(gfp) & Gfp.IO) != 0, // try_to_compact_pages: gfp_compaction_allowed()
                        y -> y.callInto(r, cz, e -> e.local(order), e -> e.local(node), e -> e.local(mode), e -> e.local(gfp)))
                .step(memallocNoreclaimRestore())
                .ret(e -> e.local(r)));
        directCompact = p;
        return p;
    }

    // ---------------------------------------------------------------- the slow path

    /**
     * Return of alloc_pages: the page (post_alloc_hook) or NULL; the task's gfp is cleared. With
     * {@code fromFreelist} the page came from get_page_from_freelist and the zone's free page is taken.
     * Simplification: the zone holds at most one free page above the watermark (a flag), which a freelist allocation takes; pages freed back (exit_mmap, the OOM reaper, {@link Migrate}'s freed sources and unused destinations) set it again.
     */
    private Step allocReturn(Local page, boolean success, boolean fromFreelist) {
        List<Folio> folios = mm.folios();
        return Step.named("alloc_pages")
                .args(e -> success ? "return " + (e.local(page) < 0 ? "page" : folios.get(e.local(page)).name())
                        : "return NULL")
                .does(e -> {
                    e.set(current(e).gfp(), 0);
                    if (fromFreelist && zoneFree != null) {
                        e.set(zoneFree, 0);
                    }
                    if (success && e.local(page) >= 0) {
                        postAllocHook(e, folios.get(e.local(page)));
                    }
                })
                .build();
    }

    /**
     * mm/page_alloc.c __alloc_pages -> __alloc_frozen_pages: gfp = current_gfp_context(gfp); get_page_from_freelist,
     * else __alloc_pages_slowpath: for costly orders the initial direct compaction at
     * INIT_COMPACT_PRIORITY (MIGRATE_ASYNC) unless the task may use the reserves (PF_MEMALLOC);
     * retry: a PF_MEMALLOC task gives up ("Avoid recursion of direct reclaim"), direct reclaim, direct
     * compaction at compact_priority (DEF_COMPACT_PRIORITY: MIGRATE_SYNC_LIGHT); __GFP_NORETRY and costly
     * orders without __GFP_RETRY_MAYFAIL fail here; then __alloc_pages_may_oom (which skips costly orders,
     * __GFP_RETRY_MAYFAIL and __GFP_THISNODE) and, after a kill, the retry loop: an OOM victim allocates
     * from the reserves (ALLOC_OOM); anyone else retries until memory is freed.
     * Simplification: direct reclaim is one step that never makes progress (it only trylocks folios; PF_MEMALLOC is set and cleared inside it).
     * Simplification: the retry loop runs once (should_reclaim_retry / should_compact_retry, which loop while reclaim or compaction make progress, and their priority escalation are not modelled).
     * Simplification: every allocation is movable (ac->migratetype == MIGRATE_MOVABLE), so order 1..PAGE_ALLOC_COSTLY_ORDER gets no initial compaction.
     * A costly __GFP_NORETRY request whose first compaction failed keeps compact_priority =
     * INIT_COMPACT_PRIORITY, so its second direct compaction is MIGRATE_ASYNC too (readahead_gfp_mask
     * carries __GFP_NORETRY; checked in the v5.x-v6.x slow-path text, v6.19's not re-read).
     * Simplification: that request's goto nopage on a first compaction that returned COMPACT_SKIPPED or COMPACT_DEFERRED is not modelled (the model's compaction only succeeds or fails): it always goes on to direct reclaim, as after COMPACT_COMPLETE.
     */
    public Procedure allocPages() {
        if (allocPages != null) {
            return allocPages;
        }
        Procedure dc = zones.isEmpty() ? null : directCompact();
        Procedure mayOom = oom == null ? null : oom.mayOom();
        Procedure p = b.procedure("alloc_pages");
        Local order = p.param("order", 0, MAX_PAGE_ORDER);
        Local node = p.param("node", 0, nNodes - 1);
        Local gfp = p.param("gfp", 0, Gfp.MAX);
        Local page = p.param("page", -1, nFolios - 1);
        Local pfmemalloc = p.local("pf_memalloc", 0, 1);
        Local r = p.local("r", 0, 1);
        Consumer<Body> success = x -> x.step(allocReturn(page, true, false)).ret(e -> 1);
        Consumer<Body> freelist = x -> x.step(allocReturn(page, true, true)).ret(e -> 1);
        Consumer<Body> fail = x -> x.step(allocReturn(page, false, false)).ret(e -> 0);
        java.util.function.Predicate<Exec> costly = e -> e.local(order) > PAGE_ALLOC_COSTLY_ORDER;
        p.body(x -> {
            x.step(Step.named("__alloc_pages")
                    .args(e -> Gfp.describe(currentGfpContext(e, e.local(gfp))) + ", order " + e.local(order)
                            + ", node" + e.local(node))
                    .does(e -> {
                        int g = currentGfpContext(e, e.local(gfp)); // gfp = current_gfp_context(gfp)
                        e.setLocal(gfp, g);
                        e.set(current(e).gfp(), g);
                        // only the task itself changes its PF_MEMALLOC, so reading it here is reading it in the slow path
                        e.setLocal(pfmemalloc, e.isSet(current(e).pfMemalloc()) ? 1 : 0);
                        if ((g & Gfp.DIRECT_RECLAIM) != 0) {
                            e.emit(new Sleep("alloc_pages", Gfp.describe(g), Sleep.Kind.ALLOC));
                        }
                    }).build());
            if (zoneFree != null) {
                x.ifThen(getPageFromFreelist("low wmark"), freelist);
            }
            // __alloc_pages_slowpath.
            // Simplification: wake_all_kswapds is not modelled (no kswapd thread).
            // Simplification: the slow path's get_page_from_freelist attempts before direct reclaim are folded into the one after it.
            x.ifLocal(e -> (e.local(gfp) & Gfp.DIRECT_RECLAIM) == 0, fail); // !can_direct_reclaim -> nopage
            if (dc != null) {
                // if (can_direct_reclaim && can_compact && (costly_order || (order > 0 && !movable))
                //     && !gfp_pfmemalloc_allowed(gfp_mask)) __alloc_pages_direct_compact(..., INIT_COMPACT_PRIORITY)
                // Simplification: gfp_pfmemalloc_allowed is PF_MEMALLOC only (an OOM victim's ALLOC_OOM also skips this attempt; no modelled victim makes a costly request).
                x.ifLocal(e -> costly.test(e) && (e.local(gfp) & Gfp.IO) != 0 && e.local(pfmemalloc) == 0, y -> y
                        .callInto(r, dc, e -> e.local(order), e -> e.local(node), e -> Migrate.MIGRATE_ASYNC, e -> e.local(gfp))
                        .ifLocal(e -> e.local(r) == 1, success));
            }
            // retry: "Avoid recursion of direct reclaim".
            // Simplification: a PF_MEMALLOC task's ALLOC_NO_WATERMARKS attempt on the reserves is not modelled (no modelled PF_MEMALLOC task allocates).
            x.ifLocal(e -> e.local(pfmemalloc) == 1, fail);
            x.step(Step.named("__alloc_pages_direct_reclaim").args("no progress")
                    .does(e -> { }).build());
            if (zoneFree != null) {
                x.ifThen(getPageFromFreelist("min wmark"), freelist);
            }
            if (dc != null) {
                // __alloc_pages_direct_compact(..., compact_priority): returns at once for order 0; a costly
                // __GFP_NORETRY request set compact_priority = INIT_COMPACT_PRIORITY (async) after its first attempt
                x.ifLocal(e -> e.local(order) > 0, y -> y
                        .callInto(r, dc, e -> e.local(order), e -> e.local(node),
                                e -> costly.test(e) && (e.local(gfp) & Gfp.NORETRY) != 0 ? Migrate.MIGRATE_ASYNC : compactMode,
                                e -> e.local(gfp))
                        .ifLocal(e -> e.local(r) == 1, success));
            }
            // __GFP_NORETRY -> nopage; costly orders without __GFP_RETRY_MAYFAIL -> nopage; __alloc_pages_may_oom
            // skips costly orders, __GFP_RETRY_MAYFAIL and __GFP_THISNODE.
            // Simplification: all are checked here, before oom_lock (those inside __alloc_pages_may_oom come after its last get_page_from_freelist).
            x.ifLocal(e -> costly.test(e) || (e.local(gfp) & Gfp.NO_OOM_KILL) != 0, fail);
            if (mayOom != null) {
                // Simplification: out_of_memory's !__GFP_FS return (progress without a kill, so the allocation keeps retrying) is not modelled; no modelled allocation reaches it.
                x.ifLocal(e -> (e.local(gfp) & Gfp.FS) == 0, y -> y.step(Step.named("out_of_memory")
                        .args(e -> Gfp.describe(e.local(gfp)))
                        .does(e -> {
                            throw new ModelError("out_of_memory", "a !__GFP_FS allocation reaches the OOM killer, "
                                    + "which only reports progress for it: not modelled");
                        }).build()));
                x.callInto(r, mayOom);
                x.ifLocal(e -> e.local(r) == 0, fail);
                // did_some_progress: goto retry.
                x.ifThen(oom.tskIsOomVictim(), success); // ALLOC_OOM: the victim may use the reserves
                x.step(oom.waitForVictim());
                x.ifThen(getPageFromFreelist("min wmark"), freelist);
            }
            fail.accept(x);
        });
        allocPages = p;
        return p;
    }
}
