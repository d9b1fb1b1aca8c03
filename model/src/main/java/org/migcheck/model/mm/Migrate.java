package org.migcheck.model.mm;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Bound;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Sleep;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;

/**
 * The migration core of mm/migrate.c as in v6.19, the one every scenario that migrates a folio uses.
 * Kernel version: v6.19. Folds in the batched migration of v6.3 (Huang Ying, 5dfab109d519
 * "migrate_pages: batch _unmap and _move", and the follow-ups of the same cycle that first try the
 * batch in MIGRATE_ASYNC and keep batching to that mode, migrate_pages_sync: 2ef7dbb26990 "migrate_pages:
 * try migrate in batch asynchronously firstly" and fb3592c41a44 "migrate_pages: fix deadlock in batched
 * migration", ids as later commits cite them; the release they landed in is not checked), the PF_MEMALLOC rule of v2.6.38
 * (see {@link Rules}), the SYNC_LIGHT !uptodate rule (posted 2023; the release it landed in is not checked), the movable_ops dispatch in
 * migrate_folio_move (2025), and the removal of the MIGRATEPAGE_* return codes before v6.19 (every
 * success is 0; v6.19 names none of them; the removal is dated to v6.18 by our review, not checked), and
 * fallback_migrate_folio without ->writepage (7ee3647243e5 "migrate: Remove call to ->writepage", 2025,
 * v6.16 by our reading, not checked against a release): a dirty folio is -EBUSY; before it, MIGRATE_SYNC
 * wrote a dirty folio out (folio_clear_dirty_for_io, ->writepage, which unlocks the folio, then
 * folio_lock again and -EAGAIN), which no switch of this class models: write those steps by hand for an
 * older kernel (docs/modelling.md, section 3).
 * <pre>
 * migrate_pages/&lt;get_new_folio&gt;(src.., dst.., mode)     a list of 1..3 isolated folios
 *   migrate_pages_batch(list, MIGRATE_ASYNC, 10)        MIGRATE_ASYNC: the only batch, nr_pass 10; other
 *                                                      modes go through migrate_pages_sync (below)
 *     migrate_folio_unmap/&lt;get_new_folio&gt;(src, dst, mode)  get_new_folio; lock src by the mode rules and
 *                                                      PF_MEMALLOC; writeback: SYNC waits, else -EBUSY;
 *                                                      folio_trylock(dst); earlier folios of the batch
 *                                                      stay locked meanwhile
 *     migrate_folio_move(src, dst, mode, put_new_folio)  movable_ops page: migrate_movable_ops_page;
 *       move_to_new_folio(src, dst, mode)                else the mapping's ->migrate_folio (or
 *                                                      fallback_migrate_folio); folio_add_lru(dst);
 *                                                      unlock and put dst, unlock src, migrate_folio_done;
 *                                                      failure: migrate_folio_undo_src / _undo_dst
 *   migrate_pages_sync(list, mode)                       SYNC_LIGHT / SYNC:
 *     migrate_pages_batch(list, MIGRATE_ASYNC, 3)        first the whole list in one ASYNC batch, nr_pass 3
 *       (migrate_folio_unmap, migrate_folio_move as above)
 *     migrate_pages_batch([f], mode, 7)                  then each folio that failed it, alone, in the
 *                                                      caller's mode, nr_pass 7
 *   putback_movable_pages(src)                           the caller's putback of a folio that failed:
 *                                                      folio_putback_lru, or putback_movable_ops_page
 * </pre>
 * plus the generic {@code ->migrate_folio} implementations (migrate_folio, filemap_migrate_folio,
 * __migrate_folio with folio_mc_copy and __folio_migrate_mapping, fallback_migrate_folio with mm/filemap.c
 * filemap_release_folio) and compaction's side of migrate_pages (mm/compaction.c compaction_alloc,
 * compaction_free, isolate_migratepages_block for one folio).
 *
 * <p>Variation points (declare them before the first migration procedure is requested):
 * <ul>
 *   <li>get_new_folio: a procedure {@code (src, dst)} that returns 1 when {@code dst} was allocated
 *       ({@link #compactionAlloc()}, {@link #allocMigrationTarget}); one instance of the unmap (and
 *       migrate_pages) procedure exists per get_new_folio, because a procedure cannot take a procedure as
 *       a parameter and because the allocation inside one instance (alloc_pages -> direct compaction)
 *       calls the other (no recursion in the model's call graph, as in the kernel, where PF_MEMALLOC stops
 *       the allocator from compacting again). Its put_new_folio is compaction_free for compaction_alloc,
 *       NULL (folio_put) otherwise; it reaches migrate_folio_move as the parameter {@code put_new_folio};</li>
 *   <li>->migrate_folio per mapping ({@link Mapping#migrateFolio()}): filemap_migrate_folio and the
 *       fallback are here; buffer_migrate_folio[_norefs] are registered by {@link BufferMigrate}
 *       ({@link #aops}), which also supplies try_to_free_buffers for filemap_release_folio;</li>
 *   <li>movable_ops pages: {@link MovableOps} registers itself ({@link #movableOps}) with its pages,
 *       migrate_movable_ops_page and putback_movable_ops_page;</li>
 *   <li>{@link Rules}: the kernel's source-lock rules, or an older kernel, the 2019/2020 proposal, a mutation;</li>
 *   <li>{@link #largeFolio}: sources whose folio_mc_copy calls cond_resched between pages.</li>
 * </ul>
 *
 * <p>Simplification: sources are unmapped page-cache folios or movable_ops pages (no try_to_migrate / remove_migration_ptes, no anon_vma, so try_to_unmap_flush has nothing to do).
 * Simplification: one pass per migrate_pages_batch by default, a declared model bound ({@link #PASSES}; see {@link #migratePagesBatch}): a batch that stops there with an -EAGAIN folio undoes the pair as after the kernel's last pass and saturates the bound; migrate_pages_sync's one-by-one retry in the caller's mode is modelled.
 * Simplification: the "folio_ref_count(src) == 1: freed from under us" shortcut of migrate_pages_batch is not modelled (every modelled source keeps a reference besides the isolation one, and a balloon owner cannot release an isolated page).
 * Simplification: a large folio's refcounts are counted as for one page; only folio_mc_copy's per-page loop depends on its size.
 * Simplification: no try_split_folio: a large folio whose get_new_folio fails (or that is partially mapped, or a THP without THP migration) is not split; in the kernel that split takes folio_lock in non-ASYNC modes with no PF_MEMALLOC check (the deadlock reported with 30153e446664).
 */
public final class Migrate {
    /** include/linux/migrate_mode.h: never block. */
    public static final int MIGRATE_ASYNC = 0;
    /** Block on most things, not on long I/O. */
    public static final int MIGRATE_SYNC_LIGHT = 1;
    /** May block. */
    public static final int MIGRATE_SYNC = 2;

    /**
     * 0: success. In v6.19 every step of the core returns plain 0 for success: migrate_folio_unmap
     * (src and dst locked, ready for migrate_folio_move), migrate_folio_move, move_to_new_folio and the
     * ->migrate_folio callbacks (v6.19's include/linux/migrate.h and mm/migrate.c name no MIGRATEPAGE_*
     * return code any more).
     */
    public static final int SUCCESS = 0;
    public static final int EAGAIN = -11;
    /** mm/migrate.c: passes of a MIGRATE_ASYNC caller's batch. */
    public static final int NR_MAX_MIGRATE_PAGES_RETRY = 10;
    /** mm/migrate.c: passes of migrate_pages_sync's first, MIGRATE_ASYNC batch. */
    public static final int NR_MAX_MIGRATE_ASYNC_RETRY = 3;
    /** mm/migrate.c: passes of each of migrate_pages_sync's one-folio retries. */
    public static final int NR_MAX_MIGRATE_SYNC_RETRY = NR_MAX_MIGRATE_PAGES_RETRY - NR_MAX_MIGRATE_ASYNC_RETRY;
    public static final int ENOMEM = -12;
    /** The model bound on migrate_pages_batch's retry passes ({@link #passes(int)}). */
    public static final String PASSES = "migrate_pages_batch passes";
    public static final int EBUSY = -16;

    /** Name of a migration mode as in include/linux/migrate_mode.h. */
    public static String modeName(int mode) {
        return switch (mode) {
            case MIGRATE_ASYNC -> "MIGRATE_ASYNC";
            case MIGRATE_SYNC_LIGHT -> "MIGRATE_SYNC_LIGHT";
            case MIGRATE_SYNC -> "MIGRATE_SYNC";
            default -> throw new ModelError("mode", "no migration mode " + mode);
        };
    }

    /** Mode by name: ASYNC, SYNC_LIGHT, SYNC (with or without the MIGRATE_ prefix). */
    public static int mode(String name) {
        return switch (name.replace("MIGRATE_", "")) {
            case "ASYNC" -> MIGRATE_ASYNC;
            case "SYNC_LIGHT" -> MIGRATE_SYNC_LIGHT;
            case "SYNC" -> MIGRATE_SYNC;
            default -> throw new ModelError(name, "no migration mode " + name + " (ASYNC, SYNC_LIGHT, SYNC)");
        };
    }

    /**
     * Behaviour switches of mm/migrate.c; {@link #v6_19()} is the kernel.
     *
     * @param memallocRule      migrate_folio_unmap gives up instead of sleeping on the source lock when
     *                          the task has PF_MEMALLOC (direct compaction), from "mm: compaction: Avoid a
     *                          potential deadlock due to lock_page() during direct compaction" (2011, folded
     *                          into 3e7d34497067 for v2.6.38; no commit of its own found); false models the
     *                          -mm patch before that fix, where direct compaction could call lock_page
     * @param syncLightIoCheck  MIGRATE_SYNC_LIGHT gives up on a locked source that is not uptodate (read I/O
     *                          in flight), from "migrate_pages: avoid blocking for IO in MIGRATE_SYNC_LIGHT" (2023)
     * @param deferAlloc        the "mm/migrate: Defer allocating new page until needed" proposal (2019/2020,
     *                          not merged): get_new_folio runs after the source is locked and its writeback
     *                          waited for, instead of first
     * @param lockDst           migrate_folio_unmap trylocks dst (kernel); false is a mutation that migrates
     *                          into an unlocked destination
     */
    public record Rules(boolean memallocRule, boolean syncLightIoCheck, boolean deferAlloc, boolean lockDst) {
        public static Rules v6_19() { return new Rules(true, true, false, true); }
    }

    /** The put_new_folio callback that goes with a get_new_folio (include/linux/migrate.h free_folio_t). */
    public enum PutNewFolio {
        /** NULL: an unused destination is released with folio_put (alloc_migration_target's callers). */
        NONE,
        /** compaction_free: the destination goes back to compaction's free list. */
        COMPACTION_FREE
    }

    private final Mm mm;
    private final Model.Builder b;
    private final Rules rules;
    private final int nFolios;
    private final Set<Integer> large = new HashSet<>();
    private final Map<Mapping, Procedure> aops = new LinkedHashMap<>();
    private final Map<Mapping, Procedure> tryToFreeBuffers = new LinkedHashMap<>();
    private final Map<Procedure, PutNewFolio> putNewFolio = new LinkedHashMap<>();
    private final Map<Procedure, Procedure> unmaps = new LinkedHashMap<>();
    private final Map<String, Procedure> migratePages = new LinkedHashMap<>();
    private MovableOps movable;
    /** The model's bound on migrate_pages_batch's passes (the kernel's nr_pass is 3, 7 or 10). */
    private int maxPasses = 1;
    /** {@link #PASSES}, declared by the first migrate_pages_batch built. */
    private Bound passBound;
    /** The zone's free-memory flag ({@link PageAlloc#zoneFree}) of alloc_migration_target's allocator, or null. */
    private org.migcheck.model.lang.Var freeMemory;
    private Procedure move;
    private Procedure moveToNewFolio;
    private Procedure putback;
    private Procedure compactionAlloc;
    private Procedure allocMigrationTarget;
    private Procedure folioMigrateMapping;
    private Procedure migrateFolioCore;
    private Procedure migrateFolio;
    private Procedure filemapMigrateFolio;
    private Procedure fallbackMigrateFolio;
    private Procedure filemapReleaseFolio;

    /** Migration for the folios declared so far on {@code mm}. */
    public Migrate(Mm mm, Rules rules) {
        this.mm = mm;
        this.b = mm.builder();
        this.rules = rules;
        this.nFolios = mm.folios().size();
        if (nFolios == 0) {
            throw new ModelError("migrate", "Migrate: declare the folios first");
        }
    }

    public Mm mm() { return mm; }

    /**
     * Bounds migrate_pages_batch's retry passes at {@code n} (default 1): each call makes
     * min(n, nr_pass) passes, nr_pass being the kernel's NR_MAX_MIGRATE_PAGES_RETRY (10) for MIGRATE_ASYNC
     * callers, NR_MAX_MIGRATE_ASYNC_RETRY (3) for migrate_pages_sync's batch and NR_MAX_MIGRATE_SYNC_RETRY
     * (7) for its one-folio retries. It is the model bound {@link #PASSES}: a verdict that holds for n is a
     * fact for n passes only, and a run that saturates it says so.
     */
    public Migrate passes(int n) {
        if (n < 1 || n > NR_MAX_MIGRATE_PAGES_RETRY) {
            throw new ModelError("passes", "Migrate.passes: 1 to " + NR_MAX_MIGRATE_PAGES_RETRY + ", not " + n);
        }
        beforeDispatch("passes");
        maxPasses = n;
        return this;
    }

    public Rules rules() { return rules; }

    /**
     * The model bound on migrate_pages_batch's passes, declared once: a batch whose last allowed pass
     * still has an -EAGAIN folio (unmap) or pair (move) saturates it when the kernel's nr_pass would
     * have allowed another pass, so a HOLDS lists it and {@code check --bounds +K} re-checks with K
     * more passes. Public for callers that drive {@link #unmap} themselves and retry an -EAGAIN under the
     * same bound.
     */
    public Bound passBound() {
        if (passBound == null) {
            passBound = b.bound(PASSES, maxPasses, "migrate_pages_batch makes at most " + maxPasses
                    + (maxPasses == 1 ? " pass" : " passes") + " of its unmap loop (over the from list) and of its move loop"
                    + " (over unmap_folios); the kernel makes up to nr_pass passes of each while a folio is -EAGAIN"
                    + " (NR_MAX_MIGRATE_PAGES_RETRY = " + NR_MAX_MIGRATE_PAGES_RETRY
                    + ", NR_MAX_MIGRATE_ASYNC_RETRY = " + NR_MAX_MIGRATE_ASYNC_RETRY + ", NR_MAX_MIGRATE_SYNC_RETRY = "
                    + NR_MAX_MIGRATE_SYNC_RETRY + ", mm/migrate.c)", NR_MAX_MIGRATE_PAGES_RETRY);
        }
        return passBound;
    }

    // ---------------------------------------------------------------- variation points

    /** {@code f} has more than one page: folio_mc_copy calls cond_resched between its pages. */
    public Migrate largeFolio(Folio f) {
        large.add(f.id());
        return this;
    }

    /**
     * Registers {@code migrateFolio} (a procedure {@code (src, dst, mode)} returning 0
     * or an error) as {@code mapping->a_ops->migrate_folio}; the buffer-head implementations come from
     * {@link BufferMigrate}.
     */
    public void aops(Mapping mapping, Procedure migrateFolio) {
        beforeDispatch(mapping.name());
        aops.put(mapping, migrateFolio);
    }

    /** try_to_free_buffers {@code (folio) -> 0|1} of the buffer heads of {@code mapping}'s folios, for filemap_release_folio. */
    public void tryToFreeBuffers(Mapping mapping, Procedure tryToFree) {
        beforeDispatch(mapping.name());
        tryToFreeBuffers.put(mapping, tryToFree);
    }

    /** The movable_ops side of the core (its pages, migrate_movable_ops_page, putback_movable_ops_page). */
    void movableOps(MovableOps m) {
        beforeDispatch("movable_ops");
        if (movable != null) {
            throw new ModelError("movable_ops", "Migrate: one MovableOps per model");
        }
        movable = m;
    }

    private void beforeDispatch(String what) {
        if (moveToNewFolio != null || move != null || putback != null || !migratePages.isEmpty()) {
            throw new ModelError(what, "Migrate: register " + what + " before the first migration procedure is built");
        }
    }

    /**
     * include/linux/page-flags.h page_has_movable_ops(&amp;src->page).
     * Simplification: the page type is fixed when the model is built (it is sticky until the page is freed, and an isolated page cannot be freed), so the test costs no step.
     */
    private boolean movableOpsPage(int folioId) {
        return movable != null && movable.owns(folioId);
    }

    private Folio folio(int id) { return mm.folios().get(id); }

    // ---------------------------------------------------------------- tests and small steps

    /**
     * include/linux/page-flags.h folio_test_uptodate: read I/O has completed. On a movable_ops page the
     * bit is PG_movable_ops (the flags alias), so typed pages always pass (docs/scenarios/movable-ops.md).
     */
    private static Cond folioTestUptodate(FolioRef f) {
        return Cond.of("folio_test_uptodate", e -> f.of(e).name(),
                e -> e.isSet(f.of(e).uptodate) || e.isSet(f.of(e).movableOps));
    }

    /** include/linux/page-flags.h folio_test_writeback. */
    private static Cond folioTestWriteback(FolioRef f) {
        return Cond.of("folio_test_writeback", e -> f.of(e).name(), e -> e.isSet(f.of(e).writeback));
    }

    /** mm/migrate.c migrate_folio_unmap: {@code if (current->flags & PF_MEMALLOC)}. */
    private static Cond currentPfMemalloc() {
        return Cond.of("current->flags & PF_MEMALLOC", e -> e.threadName(e.self()),
                e -> e.isSet(PageAlloc.current(e).pfMemalloc()));
    }

    /**
     * folio_expected_ref_count(src) + 1 (include/linux/mm.h, mm/migrate.c): one reference from the page
     * cache, one for PG_private, none from page tables (not mapped), plus the migrator's isolation reference.
     */
    public static int expectedRefs(Exec e, Folio f) {
        return (e.isSet(f.inCache) ? 1 : 0) + (e.isSet(f.private_) ? 1 : 0) + 1;
    }

    /** mm/swap.c folio_add_lru: dst joins the LRU. Simplification: PG_lru is set at once (no per-CPU batch). */
    private static Step folioAddLru(FolioRef d) {
        return Step.named("folio_add_lru")
                .args(e -> d.of(e).name())
                .does(e -> {
                    e.emit(new FolioEvent.Accessed(d.of(e), "folio_add_lru"));
                    e.set(d.of(e).lru, true);
                })
                .build();
    }

    /**
     * mm/migrate.c migrate_folio_done: the migrated source loses its isolation (NR_ISOLATED_*; a movable_ops
     * page was already un-isolated by migrate_movable_ops_page) and the migrator's reference, the last
     * one: it returns to the allocator.
     */
    private Step migrateFolioDone(FolioRef s) {
        return Step.named("migrate_folio_done")
                .args(e -> s.of(e).name() + (noIsolationRef(s.of(e)) ? " (no reference to drop)" : ""))
                .does(e -> {
                    Folio x = s.of(e);
                    e.set(x.isolated, false);
                    if (!noIsolationRef(x)) {
                        FolioOps.put(e, x);
                        returnToFreeLists(e, x);
                    }
                })
                .build();
    }

    /** The MovableOps mutation whose isolation takes no reference (so there is none to drop). */
    private boolean noIsolationRef(Folio f) {
        return movableOpsPage(f.id()) && !movable.isolationHoldsRef();
    }

    /**
     * mm/migrate.c putback_movable_pages -> folio_putback_lru (mm/vmscan.c): an unmigrated source goes
     * back on its LRU and the isolation reference is dropped.
     */
    public static Step folioPutbackLru(FolioRef s) {
        return Step.named("folio_putback_lru")
                .args(e -> s.of(e).name())
                .does(e -> {
                    Folio x = s.of(e);
                    e.emit(new FolioEvent.Accessed(x, "folio_putback_lru"));
                    e.set(x.isolated, false);
                    e.set(x.lru, true);
                    FolioOps.put(e, x);
                })
                .build();
    }

    /**
     * mm/migrate.c migrate_folio_undo_src: {@code if (locked) folio_unlock(src)}; the source moves to the
     * ret list for the caller's putback (no step).
     */
    public void migrateFolioUndoSrc(Body x, FolioRef s) {
        x.step(FolioOps.folioUnlock(s));
    }

    /**
     * mm/migrate.c migrate_folio_undo_dst(dst, locked, put_new_folio, private): {@code if (locked)
     * folio_unlock(dst)}; then put_new_folio (compaction_free), or folio_put when it is NULL.
     */
    public void migrateFolioUndoDst(Body x, FolioRef d, boolean locked, PutNewFolio put) {
        if (locked) {
            x.step(FolioOps.folioUnlock(d));
        }
        x.step(put == PutNewFolio.COMPACTION_FREE ? compactionFree(d) : folioPutToAllocator(d));
    }

    /** A freed folio's page goes back to the free lists of a tracked zone (the allocator's zone.free_above_wmark). */
    private void returnToFreeLists(Exec e, Folio x) {
        if (freeMemory != null && e.isSet(x.freed)) {
            e.set(freeMemory, 1);
        }
    }

    /** folio_put of an unused destination; when it frees the page, the page returns to the allocator's free lists. */
    private Step folioPutToAllocator(FolioRef d) {
        return Step.named("folio_put")
                .args(e -> d.of(e).name())
                .does(e -> {
                    FolioOps.put(e, d.of(e));
                    returnToFreeLists(e, d.of(e));
                })
                .build();
    }

    // ---------------------------------------------------------------- get_new_folio / put_new_folio

    /**
     * A get_new_folio that hands out {@code dst} if it is free (post_alloc_hook) and returns 1, else 0
     * (NULL): one step named {@code function}.
     */
    private Procedure freePageAllocator(String function) {
        Procedure p = b.procedure(function);
        p.param("src", 0, nFolios - 1).markObjectRef();
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local ok = p.local("ok", 0, 1);
        FolioRef d = mm.at(dst);
        p.body(x -> x
                .step(Step.named(function).args(e -> d.of(e).name())
                        .does(e -> {
                            Folio f = d.of(e);
                            if (e.isSet(f.freed)) {
                                PageAlloc.postAllocHook(e, f);
                                e.setLocal(ok, 1);
                            } else {
                                e.setLocal(ok, 0);
                            }
                        }).build())
                .ret(e -> e.local(ok)));
        return p;
    }

    /**
     * mm/compaction.c compaction_alloc(src, data), the get_new_folio of compaction: take the page the free
     * scanner isolated (cc->freepages); its put_new_folio is compaction_free.
     * Simplification: each compactor (or node) has one free page, the destination it is given; when it is in use compaction_alloc returns NULL; the free scanner is not modelled.
     */
    public Procedure compactionAlloc() {
        if (compactionAlloc == null) {
            compactionAlloc = freePageAllocator("compaction_alloc");
            putNewFolio.put(compactionAlloc, PutNewFolio.COMPACTION_FREE);
        }
        return compactionAlloc;
    }

    /**
     * mm/compaction.c compaction_free(dst, data), put_new_folio: the unused destination goes back to
     * compaction's free list when folio_put_testzero drops its last reference.
     */
    public static Step compactionFree(FolioRef dst) {
        return Step.named("compaction_free")
                .args(e -> dst.of(e).name())
                .does(e -> FolioOps.put(e, dst.of(e)))
                .build();
    }

    /**
     * mm/migrate.c alloc_migration_target(src, private): the get_new_folio of mbind, move_pages, memory
     * hot-unplug, alloc_contig_range and FOLL_LONGTERM pin migration: alloc_pages on the target node with
     * the caller's gfp (mtc->gfp_mask; GFP_TRANSHUGE bits for a large source). Returns 1 when {@code dst}
     * was allocated. put_new_folio is NULL.
     *
     * @param order   the allocation order (folio_order(src): 0, or e.g. HPAGE_PMD_ORDER for a large source)
     * @param gfp     {@link Gfp} bits of mtc->gfp_mask
     * @param nodeOf  the node of each folio id (the target node is dst's)
     */
    public Procedure allocMigrationTarget(PageAlloc pa, int order, int gfp, int[] nodeOf) {
        if (nodeOf.length != nFolios) {
            throw new ModelError("alloc_migration_target", "nodeOf must give the node of each of the " + nFolios + " folios");
        }
        Procedure ap = pa.allocPages();
        if (pa.zoneFree != null) {
            beforeDispatch("alloc_migration_target");
            freeMemory = pa.zoneFree;
        }
        Procedure p = b.procedure("alloc_migration_target");
        p.param("src", 0, nFolios - 1).markObjectRef();
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local ok = p.local("ok", 0, 1);
        p.body(x -> x
                .callInto(ok, ap, e -> order, e -> nodeOf[e.local(dst)], e -> gfp, e -> e.local(dst))
                .ret(e -> e.local(ok)));
        return p;
    }

    /**
     * mm/migrate.c alloc_migration_target(src, private) for a target node with a free page: alloc_pages
     * takes it from the free list at once. put_new_folio is NULL.
     * Simplification: the allocation is one step that hands out the free {@code dst} (no watermarks, reclaim or OOM).
     */
    public Procedure allocMigrationTarget() {
        if (allocMigrationTarget == null) {
            allocMigrationTarget = freePageAllocator("alloc_migration_target");
        }
        return allocMigrationTarget;
    }

    private PutNewFolio putNewFolioOf(Procedure getNewFolio) {
        return putNewFolio.getOrDefault(getNewFolio, PutNewFolio.NONE);
    }

    // ---------------------------------------------------------------- compaction's isolation

    /**
     * isolate_migratepages_block (mm/compaction.c) for one LRU folio {@code f}, the candidate the
     * migrate scanner is at: skip a folio not on the LRU, or whose refcount is 0
     * (folio_get_nontail_page); with !__GFP_FS in {@code gfpMask} (cc->gfp_mask) skip every folio with
     * a mapping ("Only allow to migrate anonymous pages in GFP_NOFS context because those do not
     * depend on fs locks"); with {@code asyncIsolate} (ISOLATE_ASYNC_MIGRATE) skip folios under
     * writeback, and dirty folios that folio_trylock fails on or whose mapping has no ->migrate_folio;
     * then take the reference and clear PG_lru (folio_test_clear_lru), so a folio isolated by someone
     * else is skipped, and isolate it (the reference stays). Returns whether {@code f} was isolated.
     * A locked clean folio is isolated like any other: the folio lock matters only to migrate_folio_unmap.
     * The caller's step chooses the candidate ({@link #isolateMigratepagesBlock(Folio, Local, int)}:
     * one given folio; PageAlloc's compact_zone: any LRU folio of the zone) and the isolate mode.
     * Simplification: the ASYNC dirty check's folio_trylock/folio_unlock pair is folded into the step (no lock events).
     * Simplification: folio_mapping() is the folio's declared mapping, so a swap-cache anon folio (whose folio_mapping is the swap space) is not modelled.
     * A large folio is skipped first ({@link #skipIsolationOnOrder}) unless {@code orderFilter} is off
     * (hypothetical: no kernel isolates a compound folio that is not smaller than the request).
     */
    static boolean isolateLruFolio(Exec e, Folio f, boolean asyncIsolate, int gfpMask, int ccOrder, boolean orderFilter) {
        if (orderFilter && f.order() > 0 && skipIsolationOnOrder(f.order(), ccOrder)) {
            return false; // PageCompound(page) && !cc->alloc_contig && skip_isolation_on_order(): goto isolate_fail
        }
        boolean take = e.isSet(f.lru) && e.get(f.ref) > 0;
        if (take && (gfpMask & Gfp.FS) == 0 && f.mapping() != null) {
            take = false; // !(cc->gfp_mask & __GFP_FS) && mapping: goto isolate_fail_put
        }
        if (take && asyncIsolate && e.isSet(f.writeback)) {
            take = false;
        }
        if (take && asyncIsolate && e.isSet(f.dirty)) {
            boolean migrateDirty = f.mapping() == null || f.mapping().migrateFolio() != Mapping.MigrateFolio.FALLBACK;
            take = e.holder(f.lock) < 0 && migrateDirty;
        }
        if (take) {
            // mm/compaction.c isolate_migratepages_block: folio_get_nontail_page, then folio_test_clear_lru
            e.emit(new FolioEvent.RefTaken(f, true, "folio_get_nontail_page"));
            e.add(f.ref, 1);
            e.set(f.lru, false);
            e.emit(new FolioEvent.Isolated(f));
            e.set(f.isolated, true);
        }
        return take;
    }

    /** include/linux/pageblock-flags.h pageblock_order on x86-64 (HPAGE_PMD_ORDER). */
    public static final int PAGEBLOCK_ORDER = 9;

    /**
     * mm/compaction.c skip_isolation_on_order (ee6f62fd34f0, 2024, v6.9 by our reading, not checked: "mm/compaction: enable compacting >0 order
     * folios"): a compound folio is skipped when its order is at least cc->order (unless cc->order is
     * -1, global compaction: is_via_compact_memory) or at least pageblock_order. Earlier kernels skipped
     * every compound page outside alloc_contig: every folio the v6.19 filter skips was skipped
     * then as well.
     */
    static boolean skipIsolationOnOrder(int order, int ccOrder) {
        return (ccOrder != -1 && order >= ccOrder) || order >= PAGEBLOCK_ORDER;
    }

    /**
     * isolate_migratepages_block (mm/compaction.c) when the migrate scanner looks at the one folio
     * {@code f}, for a compactor with cc->gfp_mask GFP_KERNEL, cc->order -1 (proactive compaction by
     * kcompactd, or /proc/sys/vm/compact_memory) and cc->mode {@code mode}
     * (ISOLATE_ASYNC_MIGRATE in every mode but SYNC): {@link #isolateLruFolio}; {@code isolated} = 1 when taken.
     * Simplification: one step; lru_lock and the NR_ISOLATED accounting are not modelled.
     */
    public Step isolateMigratepagesBlock(Folio f, Local isolated, int mode) {
        boolean asyncIsolate = mode != MIGRATE_SYNC;
        return Step.named("isolate_migratepages_block")
                .args(f.name())
                .does(e -> e.setLocal(isolated, isolateLruFolio(e, f, asyncIsolate, Gfp.KERNEL, -1, true) ? 1 : 0))
                .build();
    }

    // ---------------------------------------------------------------- generic ->migrate_folio

    /**
     * __folio_migrate_mapping (mm/migrate.c): under the i_pages lock, folio_ref_freeze(src, expected)
     * or -EAGAIN; dst takes index, mapping and the page-cache reference; PG_dirty moves from src to dst
     * while the refs are frozen; the xarray slot now holds dst; src is unfrozen to expected - 1.
     *
     * <p>The frozen refcount is invisible to other threads: RCU lookups that see it retry until the slot points to dst.
     * Simplification: folio_ref_freeze, the slot switch and folio_ref_unfreeze are one step (inside the modelled xa_lock section).
     */
    private Procedure folioMigrateMapping() {
        if (folioMigrateMapping != null) {
            return folioMigrateMapping;
        }
        Procedure p = b.procedure("__folio_migrate_mapping");
        Local src = p.param("src", 0, nFolios - 1).markObjectRef();
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local ok = p.local("frozen", 0, 1);
        FolioRef s = mm.at(src);
        FolioRef d = mm.at(dst);
        java.util.function.Function<Exec, org.migcheck.model.lang.Lock> iPages = e -> {
            Mapping m = s.of(e).mapping();
            if (m == null) {
                throw new ModelError(s.of(e).name(), "__folio_migrate_mapping of " + s.of(e).name()
                        + ", which has no mapping (anonymous migration is not modelled)");
            }
            return m.iPages;
        };
        p.body(c -> c
                .step(Steps.lock("xas_lock_irq", iPages))
                // one step for the frozen section: the label names what it folds in, as its changes show them
                .step(Step.named("folio_ref_freeze")
                        .args(e -> s.of(e).name() + ", " + expectedRefs(e, s.of(e)) + "; if frozen: folio_ref_add(" + d.of(e).name()
                                + "), xas_store(" + d.of(e).name() + "), folio_ref_unfreeze(" + s.of(e).name() + ")")
                        .does(e -> {
                            Folio f = s.of(e);
                            Folio t = d.of(e);
                            int expected = expectedRefs(e, f);
                            if (e.get(f.ref) != expected) {
                                e.setLocal(ok, 0);
                                return;
                            }
                            e.setLocal(ok, 1);
                            e.emit(new FolioEvent.Accessed(f, "__folio_migrate_mapping"));
                            e.emit(new FolioEvent.Accessed(t, "__folio_migrate_mapping"));
                            // folio_ref_add(newfolio, nr): the page cache's reference moves to dst
                            e.add(t.ref, 1);
                            // move dirty while folio refs frozen and newfolio not yet exposed
                            if (e.isSet(f.dirty)) {
                                e.set(f.dirty, false);
                                e.set(t.dirty, true);
                            }
                            // xas_store(&xas, newfolio)
                            if (t.mapping() == null && f.mapping() != null && !f.mapping().walkers().isEmpty()) {
                                throw new ModelError(t.name(), "migration moves " + f.name() + " of " + f.mapping().name() + " into "
                                        + t.name() + ", a folio without a mapping, and " + String.join(", ", f.mapping().walkers())
                                        + (f.mapping().walkers().size() > 1 ? " look up " : " looks up ") + f.mapping().name()
                                        + "'s declared folios only: a lookup that follows"
                                        + " a migrated folio is not modelled (model migration and those lookups of one mapping"
                                        + " in separate models)");
                            }
                            e.set(f.inCache, false);
                            e.emit(new FolioEvent.RemovedFromCache(f));
                            e.set(t.inCache, true);
                            e.emit(new FolioEvent.Migrated(f, t));
                            // folio_ref_unfreeze(folio, expected_count - nr)
                            e.set(f.ref, expected - 1);
                        })
                        .build())
                .ifLocal(e -> e.local(ok) == 0, busy -> busy
                        .step(Steps.unlock("xas_unlock_irq", iPages))
                        .ret(e -> EAGAIN))
                .step(Steps.unlock("xas_unlock", iPages))
                .ret(e -> SUCCESS));
        folioMigrateMapping = p;
        return p;
    }

    /**
     * folio_mc_copy (mm/util.c): copy_mc_highpage for each page, with cond_resched() between pages
     * of a large folio.
     */
    private Step folioMcCopy(FolioRef dst, FolioRef src, Local srcPrivate) {
        return Step.named("folio_mc_copy")
                .args(e -> dst.of(e).name() + ", " + src.of(e).name() + (large.contains(src.of(e).id()) ? " [large]" : ""))
                .does(e -> {
                    if (!e.isSet(src.of(e).private_)) {
                        e.setLocal(srcPrivate, 0);
                    }
                    e.emit(new FolioEvent.Accessed(src.of(e), "folio_mc_copy reads"));
                    e.emit(new FolioEvent.Accessed(dst.of(e), "folio_mc_copy writes"));
                    if (large.contains(src.of(e).id())) {
                        e.emit(new Sleep("cond_resched", "", Sleep.Kind.RESCHED));
                    }
                })
                .build();
    }

    /** folio_attach_private(dst, folio_detach_private(src)) (include/linux/pagemap.h): PG_private and its reference move. */
    private static Step folioAttachPrivate(FolioRef dst, FolioRef src) {
        return Step.named("folio_attach_private")
                .args(e -> dst.of(e).name() + ", folio_detach_private(" + src.of(e).name() + ")")
                .does(e -> {
                    Folio f = src.of(e);
                    Folio t = dst.of(e);
                    e.emit(new FolioEvent.Accessed(f, "folio_detach_private"));
                    e.set(f.private_, false);
                    FolioOps.put(e, f);
                    e.set(t.private_, true);
                    e.add(t.ref, 1);
                })
                .build();
    }

    /** folio_migrate_flags (mm/migrate.c): PG_uptodate and the other page flags move to dst. */
    private static Step folioMigrateFlags(FolioRef dst, FolioRef src) {
        return Step.named("folio_migrate_flags")
                .args(e -> dst.of(e).name() + ", " + src.of(e).name())
                .does(e -> {
                    e.emit(new FolioEvent.Accessed(src.of(e), "folio_migrate_flags"));
                    e.set(dst.of(e).uptodate, e.get(src.of(e).uptodate));
                })
                .build();
    }

    /**
     * __migrate_folio(mapping, dst, src, src_private, mode) (mm/migrate.c): recheck the refcount,
     * folio_mc_copy (before the switch: a failed copy leaves src untouched),
     * __folio_migrate_mapping, then (src_private) folio_attach_private(dst, folio_detach_private(src)) and
     * folio_migrate_flags.
     */
    private Procedure migrateFolioCore() {
        if (migrateFolioCore != null) {
            return migrateFolioCore;
        }
        Procedure fmm = folioMigrateMapping();
        Procedure p = b.procedure("__migrate_folio");
        Local src = p.param("src", 0, nFolios - 1).markObjectRef();
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local srcPrivate = p.param("src_private", 0, 1);
        p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local rc = rc(p);
        FolioRef s = mm.at(src);
        FolioRef d = mm.at(dst);
        p.body(c -> c
                .ifThen(Cond.of("folio_ref_count", e -> s.of(e).name() + ") != (expected " + expectedRefs(e, s.of(e)),
                        e -> e.get(s.of(e).ref) != expectedRefs(e, s.of(e))), busy -> busy.ret(e -> EAGAIN))
                // src_private = folio_get_private(src) (NULL without private data), the argument of filemap_migrate_folio:
                // PG_private is stable under the folio lock, so the copy step reads it
                .step(folioMcCopy(d, s, srcPrivate))
                .callInto(rc, fmm, e -> e.local(src), e -> e.local(dst))
                .ifLocal(e -> e.local(rc) != SUCCESS, fail -> fail.ret(e -> e.local(rc)))
                .ifLocal(e -> e.local(srcPrivate) == 1, priv -> priv.step(folioAttachPrivate(d, s)))
                .step(folioMigrateFlags(d, s))
                .ret(e -> SUCCESS));
        migrateFolioCore = p;
        return p;
    }

    private static Local rc(Procedure p) {
        return p.local("rc", EBUSY, SUCCESS);
    }

    /** A kernel wrapper {@code name(src, dst, mode)} that returns {@code callee(src, dst, flag, mode)}. */
    Procedure wrapper(String name, Procedure callee, int flag) {
        Procedure p = b.procedure(name);
        Local src = p.param("src", 0, nFolios - 1).markObjectRef();
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local mode = p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local rc = rc(p);
        p.body(c -> c.callInto(rc, callee, e -> e.local(src), e -> e.local(dst), e -> flag, e -> e.local(mode))
                .ret(e -> e.local(rc)));
        return p;
    }

    /** migrate_folio(mapping, dst, src, mode) (mm/migrate.c): __migrate_folio without private data. */
    public Procedure migrateFolio() {
        if (migrateFolio == null) {
            migrateFolio = wrapper("migrate_folio", migrateFolioCore(), 0);
        }
        return migrateFolio;
    }

    /** filemap_migrate_folio(mapping, dst, src, mode) (mm/migrate.c): __migrate_folio with folio_get_private(src). */
    public Procedure filemapMigrateFolio() {
        if (filemapMigrateFolio == null) {
            filemapMigrateFolio = wrapper("filemap_migrate_folio", migrateFolioCore(), 1);
        }
        return filemapMigrateFolio;
    }

    /**
     * filemap_release_folio(folio, GFP_KERNEL) (mm/filemap.c): nothing to release -> true; under
     * writeback -> false; mappings without ->release_folio (the bdev aops) use try_to_free_buffers.
     */
    private Procedure filemapReleaseFolio() {
        if (filemapReleaseFolio != null) {
            return filemapReleaseFolio;
        }
        Procedure p = b.procedure("filemap_release_folio");
        Local f = p.param("folio", 0, nFolios - 1).markObjectRef();
        Local ok = p.local("ok", 0, 1);
        FolioRef x = mm.at(f);
        p.body(c -> {
            c.ifThen(Cond.of("!folio_needs_release", e -> x.of(e).name(), e -> !e.isSet(x.of(e).private_)),
                            nothing -> nothing.ret(e -> 1))
                    .ifThen(Cond.of("folio_test_writeback", e -> x.of(e).name(), e -> e.isSet(x.of(e).writeback)),
                            wb -> wb.ret(e -> 0));
            // the mapping's try_to_free_buffers; when every fallback mapping has one, the last needs no test
            List<Map.Entry<Mapping, Procedure>> byMapping = List.copyOf(tryToFreeBuffers.entrySet());
            boolean covered = !byMapping.isEmpty() && mm.folios().subList(0, nFolios).stream()
                    .allMatch(g -> g.mapping() == null || g.mapping().migrateFolio() != Mapping.MigrateFolio.FALLBACK
                            || tryToFreeBuffers.containsKey(g.mapping()));
            for (int i = 0; i < byMapping.size(); i++) {
                Map.Entry<Mapping, Procedure> m = byMapping.get(i);
                Consumer<Body> call = y -> y.callInto(ok, m.getValue(), e -> e.local(f)).ret(e -> e.local(ok));
                if (covered && i == byMapping.size() - 1) {
                    call.accept(c);
                } else {
                    c.ifLocal(e -> folio(e.local(f)).mapping() == m.getKey(), call);
                }
            }
            if (!covered) {
                c.step(Step.named("try_to_free_buffers").args(e -> x.of(e).name())
                        .does(e -> {
                            throw new ModelError(x.of(e).name(), x.of(e).name() + " has private data but its mapping has no "
                                    + "buffer heads modelled (register try_to_free_buffers with Migrate.tryToFreeBuffers)");
                        }).build());
            }
        });
        filemapReleaseFolio = p;
        return p;
    }

    /**
     * fallback_migrate_folio (mm/migrate.c, v6.16+ without ->writepage): a dirty folio -> -EBUSY in
     * every mode; private data that filemap_release_folio cannot drop -> -EAGAIN in SYNC, else -EBUSY;
     * otherwise migrate_folio.
     */
    public Procedure fallbackMigrateFolio() {
        if (fallbackMigrateFolio != null) {
            return fallbackMigrateFolio;
        }
        Procedure release = filemapReleaseFolio();
        Procedure mf = migrateFolio();
        Procedure p = b.procedure("fallback_migrate_folio");
        Local src = p.param("src", 0, nFolios - 1).markObjectRef();
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local mode = p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local ok = p.local("released", 0, 1);
        Local rc = rc(p);
        FolioRef s = mm.at(src);
        p.body(c -> c
                .ifThen(Cond.of("folio_test_dirty", e -> s.of(e).name(), e -> e.isSet(s.of(e).dirty)), dirty -> dirty.ret(e -> EBUSY))
                .callInto(ok, release, e -> e.local(src))
                .ifLocal(e -> e.local(ok) == 0, kept -> kept.ret(e -> e.local(mode) == MIGRATE_SYNC ? EAGAIN : EBUSY))
                .callInto(rc, mf, e -> e.local(src), e -> e.local(dst), e -> e.local(mode))
                .ret(e -> e.local(rc)));
        fallbackMigrateFolio = p;
        return p;
    }

    /** The ->migrate_folio of {@code m}: registered, filemap_migrate_folio, or fallback_migrate_folio when it has none. */
    private Procedure migrateFolioOf(Mapping m) {
        Procedure registered = aops.get(m);
        if (registered != null) {
            return registered;
        }
        return switch (m.migrateFolio()) {
            case FILEMAP_MIGRATE_FOLIO -> filemapMigrateFolio();
            case FALLBACK -> fallbackMigrateFolio();
            case BUFFER_MIGRATE_FOLIO, BUFFER_MIGRATE_FOLIO_NOREFS -> throw new ModelError(m.name(), "mapping " + m.name()
                    + " uses " + m.migrateFolio() + ": declare its BufferMigrate before the migration procedures");
        };
    }

    // ---------------------------------------------------------------- the core

    /**
     * mm/migrate.c move_to_new_folio(dst, src, mode) for a folio that is not a movable_ops page:
     * folio_mapping(src) NULL -> migrate_folio; else mapping->a_ops->migrate_folio, or
     * fallback_migrate_folio when the aops have none (Mapping.MigrateFolio.FALLBACK). On success the kernel
     * clears src->mapping (the page cache slot already points to dst in the model).
     * Simplification: folio_mapping(src) is the folio's declared mapping (a locked folio keeps it), so the dispatch costs no step.
     */
    public Procedure moveToNewFolio() {
        if (moveToNewFolio != null) {
            return moveToNewFolio;
        }
        Map<Mapping, Procedure> byMapping = new LinkedHashMap<>();
        boolean anon = false;
        for (Folio f : mm.folios().subList(0, nFolios)) {
            if (movableOpsPage(f.id())) {
                continue;
            }
            if (f.mapping() == null) {
                anon = true;
            } else {
                byMapping.computeIfAbsent(f.mapping(), this::migrateFolioOf);
            }
        }
        Procedure anonMigrate = anon ? migrateFolio() : null;
        Procedure p = b.procedure("move_to_new_folio");
        Local src = p.param("src", 0, nFolios - 1).markObjectRef();
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local mode = p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local rc = rc(p);
        p.body(c -> {
            for (Map.Entry<Mapping, Procedure> m : byMapping.entrySet()) {
                c.ifLocal(e -> folio(e.local(src)).mapping() == m.getKey(), y -> y
                        .callInto(rc, m.getValue(), e -> e.local(src), e -> e.local(dst), e -> e.local(mode))
                        .ret(e -> e.local(rc)));
            }
            if (anonMigrate != null) {
                c.callInto(rc, anonMigrate, e -> e.local(src), e -> e.local(dst), e -> e.local(mode));
            }
            c.ret(e -> e.local(rc));
        });
        moveToNewFolio = p;
        return p;
    }

    /**
     * mm/migrate.c migrate_folio_unmap(get_new_folio, put_new_folio, private, src, dstp, mode, ret).
     * v6.19 order: dst = get_new_folio() (NULL -> -ENOMEM); folio_trylock(src), else by mode: ASYNC
     * gives up, PF_MEMALLOC gives up (the readahead comment: direct compaction must never lock_page),
     * SYNC_LIGHT gives up on a !uptodate src, otherwise folio_lock(src); writeback: SYNC waits, others
     * -EBUSY; folio_trylock(dst) (fail -> -EAGAIN); a movable_ops page returns 0 right
     * there, other folios after try_to_migrate. Failure ("out"): unlock src if locked, then
     * migrate_folio_undo_dst. With {@link Rules#deferAlloc} get_new_folio moves after the writeback
     * handling, i.e. runs with src locked (the 2019/2020 proposal).
     */
    public Procedure unmap(Procedure getNewFolio) {
        return unmaps.computeIfAbsent(getNewFolio, this::buildUnmap);
    }

    private Procedure buildUnmap(Procedure getNewFolio) {
        PutNewFolio put = putNewFolioOf(getNewFolio);
        Procedure p = b.procedure("migrate_folio_unmap/" + getNewFolio.name());
        Local src = p.param("src", 0, nFolios - 1).markObjectRef();
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local mode = p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local rc = rc(p);
        Local allocated = p.local("dst_allocated", 0, 1);
        Local locked = p.local("locked", 0, 1);
        Local dstLocked = p.local("dst_locked", 0, 1);
        Local giveUp = p.local("give_up", 0, 1);
        FolioRef s = mm.at(src);
        FolioRef d = mm.at(dst);
        // rc stays 0 until a failure, which skips the rest ("goto out")
        Predicate<Exec> going = e -> e.local(rc) == SUCCESS;
        Consumer<Body> getNew = x -> x
                .callInto(allocated, getNewFolio, e -> e.local(src), e -> e.local(dst))
                .ifLocal(e -> e.local(allocated) == 0, y -> y.assign(rc, e -> ENOMEM));
        p.body(x -> {
            x.assign(rc, e -> SUCCESS);
            if (!rules.deferAlloc()) {
                getNew.accept(x); // dst = get_new_folio(src, private); if (!dst) return -ENOMEM;
            }
            x.ifLocal(going, y -> y
                    .step(FolioOps.folioTrylock(s, locked))
                    .ifLocal(e -> e.local(locked) == 0, z -> {
                        z.ifLocal(e -> e.local(mode) == MIGRATE_ASYNC, w -> w.assign(giveUp, e -> 1));
                        if (rules.memallocRule()) {
                            // "It's not safe for direct compaction to call lock_page": readahead holds folios
                            // locked across an allocation that may compact (docs/scenarios/source-locked-alloc.md).
                            z.ifLocal(e -> e.local(giveUp) == 0, w -> w.ifThen(currentPfMemalloc(), v -> v.assign(giveUp, e -> 1)));
                        }
                        if (rules.syncLightIoCheck()) {
                            // "In light mode we can wait for transient locks, but it's not worth waiting for I/O."
                            z.ifLocal(e -> e.local(giveUp) == 0 && e.local(mode) == MIGRATE_SYNC_LIGHT,
                                    w -> w.ifThenElse(folioTestUptodate(s), v -> { }, v -> v.assign(giveUp, e -> 1)));
                        }
                        z.ifLocalElse(e -> e.local(giveUp) == 1,
                                w -> w.assign(rc, e -> EAGAIN),
                                w -> w.step(FolioOps.folioLock(s)).assign(locked, e -> 1));
                    }));
            // "Only in the case of a full synchronous migration is it necessary to wait for PageWriteback."
            x.ifLocal(going, y -> y.ifThen(folioTestWriteback(s), z -> z.ifLocalElse(e -> e.local(mode) != MIGRATE_SYNC,
                    w -> w.assign(rc, e -> EBUSY),
                    w -> w.step(FolioOps.folioWaitWriteback(s)))));
            if (rules.deferAlloc()) {
                x.ifLocal(going, getNew); // the proposal: allocate only now, with src locked
            }
            if (rules.lockDst()) {
                x.ifLocal(going, y -> y
                        .step(FolioOps.folioTrylock(d, dstLocked))
                        .ifLocal(e -> e.local(dstLocked) == 0, z -> z.assign(rc, e -> EAGAIN)));
            }
            // page_has_movable_ops(src): return 0 at once; other sources are unmapped page-cache
            // folios, so try_to_migrate (migration entries) has nothing to do (see the class Simplification).
            x.ifLocal(going, y -> y.ret(e -> SUCCESS));
            // out: if (locked) folio_unlock(src); migrate_folio_undo_dst(dst, dst_locked, put_new_folio, private):
            // dst_locked is false on every modelled failure (nothing fails after folio_trylock(dst) succeeds)
            x.ifLocal(e -> e.local(locked) == 1, y -> y.step(FolioOps.folioUnlock(s)));
            x.ifLocal(e -> e.local(allocated) == 1, y -> migrateFolioUndoDst(y, d, false, put));
            x.ret(e -> e.local(rc));
        });
        return p;
    }

    /**
     * mm/migrate.c migrate_folio_move(put_new_folio, private, src, dst, mode, reason, ret): a movable_ops
     * page goes to migrate_movable_ops_page (and skips the LRU; this dispatch moved here from
     * move_to_new_folio in 2025, "mm/migrate: move movable_ops page handling out of move_to_new_folio()"),
     * other folios to move_to_new_folio, then
     * folio_add_lru(dst); out_unlock_both: folio_unlock(dst), folio_put(dst), folio_unlock(src),
     * migrate_folio_done(src). On -EAGAIN the pair stays locked for the next pass (migrate_pages_batch
     * undoes it after the last one); other errors are undone here (migrate_folio_undo_src,
     * migrate_folio_undo_dst).
     * {@code put_new_folio}: 1 = compaction_free, 0 = NULL (folio_put).
     */
    public Procedure move() {
        if (move != null) {
            return move;
        }
        Procedure mtnf = moveToNewFolio();
        Procedure p = b.procedure("migrate_folio_move");
        Local src = p.param("src", 0, nFolios - 1).markObjectRef();
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local mode = p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local put = p.param("put_new_folio", 0, 1);
        Local rc = rc(p);
        FolioRef s = mm.at(src);
        FolioRef d = mm.at(dst);
        Predicate<Exec> movableSrc = e -> movableOpsPage(e.local(src));
        p.body(x -> {
            Consumer<Body> lru = y -> y
                    .callInto(rc, mtnf, e -> e.local(src), e -> e.local(dst), e -> e.local(mode))
                    .ifLocal(e -> e.local(rc) == SUCCESS, z -> z.step(folioAddLru(d)));
            if (movable == null) {
                lru.accept(x);
            } else {
                x.ifLocalElse(movableSrc, ops -> ops.callInto(rc, movable.migrateMovableOpsPage,
                        e -> e.local(dst), e -> e.local(src), e -> e.local(mode)), lru);
            }
            boolean putBackByMove = movable != null && movable.putbackUnderPageLock();
            // -EAGAIN: the pair stays locked on the unmap list for the next pass ("if (rc == -EAGAIN) { list_add(&dst->lru, prev); ...
            // return rc; }"); migrate_pages_batch undoes what is left after its last pass
            x.ifLocal(e -> e.local(rc) == EAGAIN && !(putBackByMove && movableOpsPage(e.local(src))), y -> y.ret(e -> EAGAIN));
            x.ifLocal(e -> e.local(rc) != SUCCESS, y -> {
                if (putBackByMove) {
                    // a hypothetical failure path: the putback runs while the source page is still locked
                    y.ifLocal(movableSrc, z -> z.call(movable.putback, e -> e.local(src)));
                }
                migrateFolioUndoSrc(y, s);
                // migrate_folio_undo_dst(dst, true, put_new_folio, private), put_new_folio being a parameter
                if (rules.lockDst()) {
                    y.step(FolioOps.folioUnlock(d));
                }
                y.ifLocalElse(e -> e.local(put) == 1, z -> migrateFolioUndoDst(z, d, false, PutNewFolio.COMPACTION_FREE),
                        z -> migrateFolioUndoDst(z, d, false, PutNewFolio.NONE));
                y.ret(e -> e.local(rc));
            });
            // out_unlock_both:
            if (rules.lockDst()) {
                x.step(FolioOps.folioUnlock(d));
            }
            x.step(FolioOps.folioPut(d));
            x.step(FolioOps.folioUnlock(s));
            x.step(migrateFolioDone(s));
            x.ret(e -> SUCCESS);
        });
        move = p;
        return p;
    }

    /**
     * mm/migrate.c putback_movable_pages(l) for one folio: a movable_ops page -> putback_movable_ops_page,
     * else folio_putback_lru (the NR_ISOLATED accounting folded in).
     */
    public Procedure putbackMovablePages() {
        if (putback != null) {
            return putback;
        }
        Procedure p = b.procedure("putback_movable_pages");
        Local f = p.param("folio", 0, nFolios - 1).markObjectRef();
        FolioRef x = mm.at(f);
        p.body(c -> {
            if (movable == null) {
                c.step(folioPutbackLru(x));
            } else {
                c.ifLocalElse(e -> movableOpsPage(e.local(f)),
                        ops -> ops.call(movable.putback, e -> e.local(f)),
                        lru -> lru.step(folioPutbackLru(x)));
            }
        });
        putback = p;
        return p;
    }

    /**
     * mm/migrate.c migrate_pages(from, get_new_folio, put_new_folio, private, mode, reason) for a list
     * of one isolated folio, params {@code (src, dst, mode)}; see {@link #migratePages(Procedure, int, boolean)}.
     */
    public Procedure migratePages(Procedure getNewFolio) {
        return migratePages(getNewFolio, 1, true);
    }

    /** As {@link #migratePages(Procedure)}, with {@code callerIsolated} as in {@link #migratePages(Procedure, int, boolean)}. */
    public Procedure migratePages(Procedure getNewFolio, boolean callerIsolated) {
        return migratePages(getNewFolio, 1, callerIsolated);
    }

    /** The parameters of a procedure over a list of folios: src0, dst0, src1, dst1, ... (src, dst for one folio), then mode. */
    private record ListParams(Local[] src, Local[] dst, Local mode) {}

    /** Declares {@link ListParams} for a list of {@code k} folios on {@code p}. */
    private ListParams listParams(Procedure p, int k) {
        Local[] src = new Local[k];
        Local[] dst = new Local[k];
        for (int i = 0; i < k; i++) {
            src[i] = p.param("src" + (k > 1 ? i : ""), 0, nFolios - 1).markObjectRef();
            dst[i] = p.param("dst" + (k > 1 ? i : ""), 0, nFolios - 1).markObjectRef();
        }
        return new ListParams(src, dst, p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC));
    }

    /** The arguments (src0, dst0, ..., then {@code rest}) of a call to a list procedure, read from the caller's own list. */
    private static IntExpr[] listArgs(Local[] src, Local[] dst, IntExpr... rest) {
        int k = src.length;
        IntExpr[] args = new IntExpr[2 * k + rest.length];
        for (int i = 0; i < k; i++) {
            Local si = src[i];
            Local di = dst[i];
            args[2 * i] = e -> e.local(si);
            args[2 * i + 1] = e -> e.local(di);
        }
        System.arraycopy(rest, 0, args, 2 * k, rest.length);
        return args;
    }

    /** Bit of a {@link #migratePagesBatch} result: some migrate_folio_unmap returned -ENOMEM (rc &lt; 0). */
    private static int enomemBit(int k) { return 1 << k; }

    /**
     * mm/migrate.c migrate_pages(from, get_new_folio, put_new_folio, private, mode, reason) for a list
     * of {@code k} isolated folios, params {@code (src0, dst0, ..., src(k-1), dst(k-1), mode)}, where
     * {@code dst i} is the folio get_new_folio hands out for {@code src i}. v6.19:
     * <ul>
     *   <li>MIGRATE_ASYNC: migrate_pages_batch(from, MIGRATE_ASYNC), the whole list in one batch;</li>
     *   <li>MIGRATE_SYNC_LIGHT, MIGRATE_SYNC: migrate_pages_sync: the whole list first in one
     *       MIGRATE_ASYNC batch ("Try to migrate in batch with MIGRATE_ASYNC mode firstly"); unless that
     *       returned rc &lt; 0 (-ENOMEM), every folio that failed, -EAGAIN and permanent errors alike, is
     *       retried alone in the caller's mode (a batch of one folio), stopping at the first rc &lt; 0.</li>
     * </ul>
     * The caller's putback_movable_pages of every folio that was not migrated is folded in (compact_zone,
     * do_migrate_range, migrate_longterm_unpinnable_folios ... all do it after migrate_pages returns).
     * Returns -ENOMEM, or the number of folios not migrated (0: all migrated).
     * With {@code callerIsolated} false the caller holds only a plain reference on sources it left on the
     * LRU (a hypothetical caller: every kernel caller isolates first), so a failed source is released
     * with folio_put instead of putback_movable_pages.
     * Simplification: NR_MAX_BATCHED_MIGRATION (HPAGE_PMD_NR pages per batch) is never reached: a modelled list is one batch.
     * Simplification: the one-by-one retries go in list order (the kernel retries the folios left on the from list with -EAGAIN before those that failed permanently).
     */
    public Procedure migratePages(Procedure getNewFolio, int k, boolean callerIsolated) {
        if (k < 1 || k > 3) {
            throw new ModelError("migrate_pages", "migrate_pages: lists of 1 to 3 folios are modelled, not " + k);
        }
        String name = "migrate_pages/" + getNewFolio.name() + (k > 1 ? "/" + k + "folios" : "")
                + (callerIsolated ? "" : "/unisolated");
        Procedure existing = migratePages.get(name);
        if (existing != null) {
            return existing;
        }
        Procedure batch = migratePagesBatch(getNewFolio, k);
        Procedure sync = migratePagesSync(getNewFolio, k);
        Procedure pb = putbackMovablePages();
        Procedure p = b.procedure(name);
        ListParams lp = listParams(p, k);
        Local[] src = lp.src();
        Local mode = lp.mode();
        IntExpr[] all = listArgs(src, lp.dst(), e -> MIGRATE_ASYNC, e -> NR_MAX_MIGRATE_PAGES_RETRY);
        IntExpr[] list = listArgs(src, lp.dst(), e -> e.local(mode));
        Local failed = p.local("failed", 0, (enomemBit(k) << 1) - 1);
        int enomem = enomemBit(k);
        p.body(x -> {
            // if (mode == MIGRATE_ASYNC) rc = migrate_pages_batch(..., NR_MAX_MIGRATE_PAGES_RETRY); else rc = migrate_pages_sync(...)
            x.ifLocalElse(e -> e.local(mode) == MIGRATE_ASYNC,
                    y -> y.callInto(failed, batch, all),
                    y -> y.callInto(failed, sync, list));
            // the caller: if (migrate_pages(...)) putback_movable_pages(&list)
            for (int i = 0; i < k; i++) {
                int bit = 1 << i;
                FolioRef s = mm.at(src[i]);
                Local si = src[i];
                x.ifLocal(e -> (e.local(failed) & bit) != 0, y -> {
                    if (callerIsolated) {
                        y.call(pb, e -> e.local(si));
                    } else {
                        y.step(FolioOps.folioPut(s));
                    }
                });
            }
            x.ret(e -> (e.local(failed) & enomem) != 0 ? ENOMEM : Integer.bitCount(e.local(failed)));
        });
        migratePages.put(name, p);
        return p;
    }

    /**
     * mm/migrate.c migrate_pages_sync(from, get_new_folio, put_new_folio, private, mode, reason, ...) for a
     * list of {@code k} folios, params {@code (src0, dst0, ..., mode)}: the whole list first in one
     * migrate_pages_batch(MIGRATE_ASYNC, NR_MAX_MIGRATE_ASYNC_RETRY) ("Try to migrate in batch with
     * MIGRATE_ASYNC mode firstly"); unless that returned rc &lt; 0, every folio that failed is retried alone
     * in the caller's mode with NR_MAX_MIGRATE_SYNC_RETRY passes, stopping at the first rc &lt; 0. Returns
     * the mask of {@link #migratePagesBatch}.
     */
    private Procedure migratePagesSync(Procedure getNewFolio, int k) {
        String name = "migrate_pages_sync/" + getNewFolio.name() + (k > 1 ? "/" + k + "folios" : "");
        Procedure existing = migratePages.get(name);
        if (existing != null) {
            return existing;
        }
        Procedure batch = migratePagesBatch(getNewFolio, k);
        Procedure single = k == 1 ? batch : migratePagesBatch(getNewFolio, 1);
        Procedure p = b.procedure(name);
        ListParams lp = listParams(p, k);
        Local[] src = lp.src();
        Local[] dst = lp.dst();
        Local mode = lp.mode();
        Local failed = p.local("failed", 0, (enomemBit(k) << 1) - 1);
        Local r = p.local("rc_one", 0, (enomemBit(1) << 1) - 1);
        int enomem = enomemBit(k);
        IntExpr[] all = listArgs(src, dst, e -> MIGRATE_ASYNC, e -> NR_MAX_MIGRATE_ASYNC_RETRY);
        p.body(x -> {
            x.callInto(failed, batch, all);
            // "Fall back to migrate all failed folios one by one synchronously"
            for (int i = 0; i < k; i++) {
                int bit = 1 << i;
                Local si = src[i];
                Local di = dst[i];
                x.ifLocal(e -> (e.local(failed) & bit) != 0 && (e.local(failed) & enomem) == 0,
                        y -> y.callInto(r, single, e -> e.local(si), e -> e.local(di), e -> e.local(mode),
                                        e -> NR_MAX_MIGRATE_SYNC_RETRY)
                                .assign(failed, e -> (e.local(failed) & ~bit)
                                        | ((e.local(r) & 1) != 0 ? bit : 0)
                                        | ((e.local(r) & enomemBit(1)) != 0 ? enomem : 0))
                                // folded into failed: nothing reads it again, so it must not tell states apart
                                .assign(r, e -> 0));
            }
            x.ret(e -> e.local(failed));
        });
        migratePages.put(name, p);
        return p;
    }

    /**
     * mm/migrate.c migrate_pages_batch(from, get_new_folio, put_new_folio, private, mode, reason, ...,
     * nr_pass) for a list of {@code k} folios, params {@code (src0, dst0, ..., mode, nr_pass)}. Up to
     * nr_pass passes of migrate_folio_unmap over the folios still on the from list, in list order, so that
     * in a batch of several folios (MIGRATE_ASYNC only: "if mode != MIGRATE_ASYNC, the length of the from
     * list must be &lt;= 1") the unmapped folios stay locked, their destinations allocated and locked, while
     * get_new_folio runs for a later one (and while an -EAGAIN folio is retried in the next pass); -ENOMEM
     * stops the unmap loop ("move unmapped folios, then exit"); then up to nr_pass passes of
     * migrate_folio_move over the unmapped folios (an -EAGAIN pair stays locked for the next pass); then
     * migrate_folios_undo of the pairs still unmapped. Returns a mask: bit i = folio i was not migrated
     * (still isolated, for the caller), bit k = rc &lt; 0 (-ENOMEM).
     * Simplification: the passes are bounded by the model bound {@link #PASSES} ({@link #passes(int)}, default 1); a batch that stops there with an -EAGAIN folio saturates it.
     * Simplification: with two or more passes, the move and undo loops go in list order; the kernel goes in unmap_folios order, the order the folios were unmapped (a folio unmapped in a later pass comes last).
     * Simplification: the cond_resched() at the top of each folio in both loops is not a step (no Sleep event; get_new_folio in the unmap may sleep anyway).
     * Simplification: no large-folio split (try_split_folio), no hugetlb list, no deferred-split check.
     */
    public Procedure migratePagesBatch(Procedure getNewFolio, int k) {
        String name = "migrate_pages_batch/" + getNewFolio.name() + (k > 1 ? "/" + k + "folios" : "");
        Procedure existing = migratePages.get(name);
        if (existing != null) {
            return existing;
        }
        Procedure unmap = unmap(getNewFolio);
        Procedure mv = move();
        int put = putNewFolioOf(getNewFolio) == PutNewFolio.COMPACTION_FREE ? 1 : 0;
        // the hypothetical caller puts a failed movable_ops page back itself, under its lock: not the caller's any more
        boolean putBackByMove = movable != null && movable.putbackUnderPageLock();
        Bound bound = passBound();
        Procedure p = b.procedure(name);
        ListParams lp = listParams(p, k);
        Local[] src = lp.src();
        Local[] dst = lp.dst();
        Local mode = lp.mode();
        Local nrPass = p.param("nr_pass", 1, NR_MAX_MIGRATE_PAGES_RETRY);
        Local rc = rc(p);
        Local enomem = p.local("enomem", 0, 1);
        Local retry = p.local("retry", 0, 1);
        Local pass = p.local("pass", 0, NR_MAX_MIGRATE_PAGES_RETRY);
        // per folio: 0 on the from list (not tried, or -EAGAIN), 1 unmapped, 2 failed, 3 migrated (or put back by move)
        Local[] st = new Local[k];
        for (int i = 0; i < k; i++) {
            st[i] = p.local("state" + (k > 1 ? i : ""), 0, 3);
        }
        p.body(x -> {
            passLoop(x, bound, "unmap loop", pass, nrPass, retry, e -> e.local(enomem) == 1, y -> {
                for (int i = 0; i < k; i++) {
                    Local si = src[i];
                    Local di = dst[i];
                    Local sti = st[i];
                    y.ifLocal(e -> e.local(enomem) == 0 && e.local(sti) == 0, z -> z
                            .callInto(rc, unmap, e -> e.local(si), e -> e.local(di), e -> e.local(mode))
                            // 0: unmap list; -EAGAIN, -ENOMEM: stay on the from list; other errno: ret list
                            .assign(sti, e -> e.local(rc) == SUCCESS ? 1 : e.local(rc) == EAGAIN || e.local(rc) == ENOMEM ? 0 : 2)
                            .assign(retry, e -> e.local(rc) == EAGAIN ? 1 : e.local(retry))
                            .assign(enomem, e -> e.local(rc) == ENOMEM ? 1 : 0));
                }
            }); // -ENOMEM: "goto move"
            // move: (try_to_unmap_flush has nothing to flush: no modelled source is mapped)
            passLoop(x, bound, "move loop", pass, nrPass, retry, e -> false, y -> {
                for (int i = 0; i < k; i++) {
                    Local si = src[i];
                    Local di = dst[i];
                    Local sti = st[i];
                    y.ifLocal(e -> e.local(sti) == 1, z -> z
                            .callInto(rc, mv, e -> e.local(si), e -> e.local(di), e -> e.local(mode), e -> put)
                            .assign(sti, e -> e.local(rc) == SUCCESS || (putBackByMove && movableOpsPage(e.local(si))) ? 3
                                    : e.local(rc) == EAGAIN ? 1 : 2)
                            .assign(retry, e -> e.local(sti) == 1 ? 1 : e.local(retry)));
                }
            });
            x.assign(retry, e -> 0);
            // out: migrate_folios_undo: the pairs still unmapped go back, src to the caller's list
            for (int i = 0; i < k; i++) {
                Local sti = st[i];
                FolioRef s = mm.at(src[i]);
                FolioRef d = mm.at(dst[i]);
                x.ifLocal(e -> e.local(sti) == 1, y -> {
                    migrateFolioUndoSrc(y, s);
                    migrateFolioUndoDst(y, d, rules.lockDst(), put == 1 ? PutNewFolio.COMPACTION_FREE : PutNewFolio.NONE);
                    y.assign(sti, e -> 2);
                });
            }
            x.ret(e -> {
                int m = 0;
                for (int i = 0; i < k; i++) {
                    if (e.local(st[i]) != 3) {
                        m |= 1 << i;
                    }
                }
                return m | (e.local(enomem) == 1 ? enomemBit(k) : 0);
            });
        });
        migratePages.put(name, p);
        return p;
    }

    /**
     * One of migrate_pages_batch's pass loops, {@code for (pass = 0; pass < nr_pass && retry; pass++) { retry = 0;
     * body }}, also left when {@code stop} holds after a pass, under the model bound {@code bound} on top of
     * nr_pass: a pass that ends wanting another one ({@code retry}) at the model's bound saturates it. The
     * {@code pass} counter is 0 again afterwards.
     */
    private static void passLoop(Body x, Bound bound, String loop, Local pass, Local nrPass, Local retry,
                                 Predicate<Exec> stop, Consumer<Body> body) {
        x.retry(bound, loop, y -> {
            y.assign(retry, e -> 0);
            body.accept(y);
            y.assign(pass, e -> e.local(pass) + 1);
            y.ifLocal(e -> e.local(retry) == 0 || stop.test(e) || e.local(pass) >= e.local(nrPass), Body::breakLoop);
        });
        x.assign(pass, e -> 0);
    }

    /** The unmap procedures built so far (for tests and documentation). */
    public List<Procedure> unmapProcedures() { return List.copyOf(unmaps.values()); }
}
