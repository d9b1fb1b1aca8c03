package org.migcheck.model.mm;

import java.util.List;
import java.util.function.Consumer;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.LockEvent;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;

/**
 * Page reclaim (mm/vmscan.c, v6.19) on the classic LRU: {@code shrink_folio_list} with its
 * writeback branch (the three cases, {@code writeback_throttling_sane}, {@code may_enter_fs}; see
 * docs/scenarios/fuse-writeback-memcg.md), {@code shrink_node} (isolate, shrink, put back), memcg limit reclaim
 * ({@code try_to_free_mem_cgroup_pages}) and one kswapd pass ({@code balance_pgdat}).
 *
 * <p>Procedures and their parameters (ids as in {@link Folio#id()} and {@link Memcg#id()};
 * {@code target_mem_cgroup} 0 means global reclaim, i.e. {@code sc->target_mem_cgroup == NULL}):
 * <ul>
 *   <li>{@code shrink_folio_list(folio, target_mem_cgroup, gfp_mask, current_is_kswapd)} for one
 *       isolated folio; returns {@link #KEEP}, {@link #RECLAIMED}, {@link #ACTIVATE} or
 *       {@link #ACTIVATE_WRITEBACK};</li>
 *   <li>{@code shrink_node(target_mem_cgroup, gfp_mask, current_is_kswapd)}: returns nr_reclaimed;</li>
 *   <li>{@code try_to_free_mem_cgroup_pages(memcg, gfp_mask)}: sets PF_MEMALLOC and the task's
 *       reclaim state around {@code shrink_node}; returns nr_reclaimed;</li>
 *   <li>{@code balance_pgdat()}: one kswapd pass (global reclaim, GFP_KERNEL).</li>
 * </ul>
 * Steps that change the running thread's task context (PF_MEMALLOC, in_reclaim) act on the
 * {@link Task} of the thread that runs them, so any thread declared with {@link Mm#thread} can call
 * these procedures.
 *
 * <p>Fixes folded in (all in v6.19): 0c4f8ed498ce "mm: skip folio reclaim in legacy memcg contexts for
 * deadlockable mappings" (v6.16: the mapping flag term of case 2); "mm: vmscan: simplify the logic for
 * activating dirty file folios" (every dirty file folio gets PG_reclaim and is activated, no PGDAT_DIRTY;
 * in the mm tree in 2025 next to "filter out the dirty file folios for node_reclaim()"; present in our v6.19
 * reading, its commit id and first release not checked);
 * the removal of ->writepage (6b0dfabb3555 "fs: Remove aops->writepage", v6.16 by our reading of its
 * merge, release tag not checked: reclaim writes no file folio).
 *
 * <p>Construct it after every folio is declared. Simplifications (each also stated at its code): one
 * node; folios are isolated and shrunk one at a time (the kernel batches up to SWAP_CLUSTER_MAX);
 * active and inactive lists are not distinguished (an activated folio is put back and may be
 * isolated again, i.e. shrink_active_list's deactivation is folded in); MGLRU is off; page-cache
 * folios of regular files only (file LRU: no anon or shmem folios, no swap cache, no mapped folios,
 * no private data).
 *
 * <p><b>Kernel:</b> v6.19. Folded in: reclaim never writes a dirty file folio itself (it sets
 * PG_reclaim and activates it; the flushers write it), the v6.19 dirty branch; kswapd and direct
 * reclaim run under PF_MEMALLOC ({@code memalloc_noreclaim_save}); case 2 of {@code shrink_folio_list}'s
 * writeback handling includes AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM (v6.16) among its conditions, so a folio
 * of a mapping with the flag is marked PG_reclaim and kept rather than waited on in case 3, the bare else
 * ({@link Mapping#writebackMayDeadlockOnReclaim()}: false models the kernel before v6.16).
 */
public final class Vmscan {

    /** shrink_folio_list outcome: {@code keep} / {@code keep_locked}: back to the LRU. */
    public static final int KEEP = 0;
    /** shrink_folio_list outcome: {@code free_it}: freed (counted in nr_reclaimed). */
    public static final int RECLAIMED = 1;
    /** shrink_folio_list outcome: {@code activate_locked} (dirty file folio, or case 1). */
    public static final int ACTIVATE = 2;
    /** shrink_folio_list outcome: {@code activate_locked} from case 2 (counted in nr_writeback). */
    public static final int ACTIVATE_WRITEBACK = 3;

    /** Deliberate defects for mutation tests; NONE is the kernel. */
    public enum Mutation {
        NONE,
        /** shrink_folio_list without its folio_test_writeback branch: reclaim goes on to __remove_mapping. */
        IGNORE_WRITEBACK
    }

    private final Mm mm;
    private final Model.Builder b;
    private final Memcg.Controller memcg;
    private final List<Folio> folios;
    private final Mutation mutation;
    /**
     * PGDAT_WRITEBACK of the (one) node: set by kswapd's shrink_node when every folio it took was under
     * writeback; cleared by clear_pgdat_congested (prepare_kswapd_sleep, once the node is balanced).
     * Simplification: never cleared (one kswapd pass, no kswapd sleep).
     */
    public final Var pgdatWriteback;
    /** Hidden bookkeeping for reachability goals: some reclaimer took case 3 (waited on PG_writeback). */
    public final Var waitedOnWriteback;

    private Procedure shrinkFolioList;
    private Procedure shrinkNode;
    private Procedure tryToFreeMemCgroupPages;
    private Procedure balancePgdat;

    /** Reclaim for the folios declared so far; {@code memcg} may be null (no memory controller). */
    public Vmscan(Mm mm, Memcg.Controller memcg) { this(mm, memcg, Mutation.NONE); }

    public Vmscan(Mm mm, Memcg.Controller memcg, Mutation mutation) {
        this.mm = mm;
        this.b = mm.builder();
        this.memcg = memcg;
        this.folios = mm.folios();
        this.mutation = mutation;
        if (folios.isEmpty()) {
            throw new ModelError("vmscan", "Vmscan: declare the folios first");
        }
        this.pgdatWriteback = b.flag("pgdat.PGDAT_WRITEBACK", false);
        this.waitedOnWriteback = b.var("vmscan.case3_waited", 0, 1, 0, v -> v == 0 ? "no" : "yes", false);
    }

    private int nFolios() { return folios.size(); }

    private int nMemcgs() { return memcg == null ? 0 : memcg.memcgs().size(); }

    /** The task context of the running thread (declared with {@link Mm#thread}). */
    static Task current(Exec e) {
        for (Task t : e.model().objects(Task.class)) {
            if (t.thread() == e.self()) {
                return t;
            }
        }
        throw new ModelError(e.threadName(e.self()), "thread " + e.threadName(e.self())
                + " runs reclaim but has no task context (declare it with Mm.thread)");
    }

    // ---------------------------------------------------------------- the predicates of case 2

    /**
     * mm/vmscan.c writeback_throttling_sane(sc): true for global reclaim (!cgroup_reclaim(sc)); for
     * cgroup reclaim only with CONFIG_CGROUP_WRITEBACK and the memory controller on the default (v2)
     * hierarchy.
     */
    public boolean writebackThrottlingSane(int targetMemcg) {
        if (targetMemcg == 0) {
            return true;
        }
        return memcg != null && memcg.cgroupReclaimThrottlingSane();
    }

    /**
     * mm/vmscan.c may_enter_fs(folio, gfp_mask): __GFP_FS.
     * Simplification: page-cache folios only, so the swap-cache clause (__GFP_IO and not SWP_FS_OPS) never applies.
     */
    public static boolean mayEnterFs(int gfp) {
        return (gfp & Gfp.FS) != 0;
    }

    /**
     * include/linux/mm_inline.h folio_is_file_lru(folio): !folio_test_swapbacked. A build-time fact.
     * Simplification: the model has no swap-backed folios; every folio with a page-cache mapping is a
     * regular file's (file LRU), a folio without one would be anon (swap-backed).
     */
    private boolean folioIsFileLru(int folioId) {
        return folios.get(folioId).mapping() != null;
    }

    /** include/linux/pagemap.h mapping_writeback_may_deadlock_on_reclaim(folio_mapping(folio)). */
    private boolean mappingMayDeadlock(int folioId) {
        Mapping m = folios.get(folioId).mapping();
        return m != null && m.writebackMayDeadlockOnReclaim();
    }

    // ---------------------------------------------------------------- steps

    /**
     * Isolation of {@code f} from its LRU, as mm/vmscan.c isolate_lru_folios (scanning: folio_try_get,
     * then folio_test_clear_lru) or folio_isolate_lru (migration, whose caller holds a reference:
     * folio_test_clear_lru, then a plain folio_get) do it; {@code ok} = 1 when this thread isolated it.
     * Simplification: folio_isolate_lru on a folio with refcount 0 does not isolate it (the kernel's
     * VM_BUG_ON_FOLIO(!folio_ref_count(folio)) would fire; callers hold a reference, so no model reaches it).
     * Simplification: the lru_lock critical section is one atomic step.
     */
    public Step isolateLru(String function, FolioRef f, Local ok) {
        return Step.named(function)
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    if (e.isSet(x.lru) && e.get(x.ref) > 0) {
                        boolean scan = !function.equals("folio_isolate_lru");
                        e.emit(new FolioEvent.RefTaken(x, scan, scan ? "folio_try_get" : "folio_get"));
                        e.add(x.ref, 1);
                        e.set(x.lru, false);
                        e.emit(new FolioEvent.Isolated(x));
                        e.set(x.isolated, true);
                        e.setLocal(ok, 1);
                    } else {
                        e.setLocal(ok, 0);
                    }
                })
                .build();
    }

    /**
     * Return of an isolated folio to its LRU and drop of the isolation reference: mm/vmscan.c
     * move_folios_to_lru (after shrink_folio_list) or folio_putback_lru (migration).
     */
    public Step putbackLru(String function, FolioRef f) {
        return Step.named(function)
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.emit(new FolioEvent.Accessed(x, function));
                    e.set(x.isolated, false);
                    e.set(x.lru, true);
                    FolioOps.put(e, x);
                })
                .build();
    }

    /** include/linux/page-flags.h folio_set_reclaim: "reclaim me when writeback ends". */
    private static Step folioSetReclaim(FolioRef f) {
        return Step.named("folio_set_reclaim")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.emit(new FolioEvent.Accessed(x, "folio_set_reclaim"));
                    e.set(x.reclaim, true);
                })
                .build();
    }

    /**
     * folio_unlock before case 3's wait (mm/filemap.c), which also records for the reachability goal
     * that a reclaimer went into case 3.
     */
    private Step case3Unlock(FolioRef f) {
        return Step.named("folio_unlock")
                .args(e -> f.of(e).name())
                .provides("lock")
                .does(e -> {
                    Lock l = f.of(e).lock;
                    if (e.holder(l) < 0) {
                        throw new ModelError(l.name(), "unlock of " + l.name() + ", which is not held");
                    }
                    e.set(l.holderVar(), 0);
                    e.emit(new LockEvent.Released(l, e.self()));
                    e.set(waitedOnWriteback, 1);
                })
                .build();
    }

    /**
     * mm/vmscan.c __remove_mapping(mapping, folio, reclaimed=true, target_memcg):
     * xa_lock_irq(&amp;mapping->i_pages); folio_ref_freeze(folio, 1 + nr_pages) (the page cache's and
     * the isolation reference); a folio dirtied meanwhile is unfrozen and kept; else
     * __filemap_remove_folio; xa_unlock_irq. {@code ok} = 1 when the folio left the page cache.
     * Simplification: the xa_lock_irq critical section is one atomic step; it reports the i_pages
     * acquisition to the lock-order rules; no shadow entry.
     */
    private static Step removeMapping(FolioRef f, Local ok) {
        return Step.named("__remove_mapping")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    Mapping m = x.mapping();
                    e.emit(new LockEvent.Acquired(m.iPages, e.self(), false));
                    e.emit(new FolioEvent.Accessed(x, "__remove_mapping"));
                    if (e.get(x.ref) == 2 && !e.isSet(x.dirty)) {
                        // folio_ref_freeze(folio, 2): nobody else holds a reference
                        e.set(x.ref, 0);
                        e.set(x.isolated, false);
                        e.set(x.inCache, false);
                        e.emit(new FolioEvent.RemovedFromCache(x));
                        e.setLocal(ok, 1);
                    } else {
                        e.setLocal(ok, 0);
                    }
                    e.emit(new LockEvent.Released(m.iPages, e.self()));
                })
                .build();
    }

    /**
     * End of mm/vmscan.c shrink_folio_list: mem_cgroup_uncharge_folios(&amp;free_folios);
     * free_unref_folios(&amp;free_folios): the folio (refcount frozen at 0) returns to the allocator
     * and its page to its memcg.
     */
    private Step freeUnrefFolios(FolioRef f) {
        return Step.named("free_unref_folios")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    if (e.get(x.ref) != 0) {
                        throw new ModelError(x.ref.name(), "free_unref_folios on " + x.name() + " with refcount " + e.get(x.ref));
                    }
                    if (memcg != null) {
                        memcg.uncharge(e, x);
                    }
                    e.set(x.freed, true);
                    e.set(x.lru, false);
                    e.emit(new FolioEvent.Freed(x));
                })
                .build();
    }

    /** mm/vmscan.c set_task_reclaim_state(current, rs): marks the running task as inside page reclaim (or not). */
    private static Step setTaskReclaimState(boolean enter) {
        return Step.named("set_task_reclaim_state")
                .args(enter ? "current, &sc.reclaim_state" : "current, NULL")
                .does(e -> e.set(current(e).inReclaim(), enter ? 1 : 0))
                .build();
    }

    /** include/linux/sched/mm.h memalloc_noreclaim_save / _restore on the running task: PF_MEMALLOC. */
    private static Step memallocNoreclaim(boolean save) {
        // try_charge_memcg force-charges a PF_MEMALLOC task before it reclaims, so no modelled caller nests; a model
        // that does is refused (the restore below clears PF_MEMALLOC where the kernel restores the saved flag)
        return Step.named(save ? "memalloc_noreclaim_save" : "memalloc_noreclaim_restore")
                .args("current")
                .does(e -> {
                    if (save) {
                        TaskOps.refuseNesting(e, current(e));
                    }
                    e.set(current(e).pfMemalloc(), save);
                })
                .build();
    }

    // ---------------------------------------------------------------- procedures

    /**
     * mm/vmscan.c shrink_folio_list for one isolated folio (its folio_list holds just this folio).
     * A dirty file-LRU folio is never written from reclaim (v6.19: PG_reclaim and activate, the
     * flushers write it); only swap-backed (anon, shmem) dirty folios go to pageout().
     * Simplification: folio_check_references (always "reclaim"), unmapping, pageout() and
     * release of private data are not modelled: the folio is an unmapped page-cache folio without
     * buffers.
     */
    public Procedure shrinkFolioList() {
        if (shrinkFolioList != null) {
            return shrinkFolioList;
        }
        Procedure p = b.procedure("shrink_folio_list");
        Local folio = p.param("folio", 0, nFolios() - 1);
        Local target = p.param("target_mem_cgroup", 0, nMemcgs());
        Local gfp = p.param("gfp_mask", 0, Gfp.MAX);
        Local kswapd = p.param("current_is_kswapd", 0, 1);
        Local locked = p.local("locked", 0, 1);
        Local freeable = p.local("freeable", 0, 1);
        Local retry = p.local("retry", 0, 1);
        FolioRef f = mm.at(folio);

        // Case 2: "folio_set_reclaim(folio); stat->nr_writeback += nr_pages; goto activate_locked;"
        // activate_locked -> keep_locked: folio_unlock; keep: list_add(&folio->lru, &ret_folios)
        Consumer<Body> case2 = c2 -> c2
                .step(folioSetReclaim(f))
                .step(FolioOps.folioUnlock(f))
                .ret(IntExpr.of(ACTIVATE_WRITEBACK));
        // Case 3: "folio_unlock(folio); folio_wait_writeback(folio); list_add_tail(&folio->lru, folio_list); continue;"
        Consumer<Body> case3 = c3 -> c3
                .step(case3Unlock(f))
                .step(FolioOps.folioWaitWriteback(f))
                .assign(retry, e -> 1)
                .continueLoop();

        p.body(body -> body
                .assign(retry, e -> 1)
                .whileLocal(e -> e.local(retry) == 1, loop -> {
                    loop.assign(retry, e -> 0);
                    // "if (!folio_trylock(folio)) goto keep;"
                    loop.step(FolioOps.folioTrylock(f, locked));
                    loop.ifLocal(e -> e.local(locked) == 0, keep -> keep.ret(IntExpr.of(KEEP)));
                    if (mutation != Mutation.IGNORE_WRITEBACK) {
                        loop.ifThen(Cond.of("folio_test_writeback", e -> f.of(e).name(), e -> e.isSet(f.of(e).writeback)), wb -> {
                            // Case 1: current_is_kswapd() && folio_test_reclaim(folio) && test_bit(PGDAT_WRITEBACK, &pgdat->flags)
                            //   -> stat->nr_immediate += nr_pages; goto activate_locked;
                            // Simplification: kswapd's later reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK) (a HZ/10 timed sleep) is not modelled.
                            wb.ifLocal(e -> e.local(kswapd) == 1, k -> k.ifThen(
                                    Cond.of("folio_test_reclaim", e -> f.of(e).name(), e -> e.isSet(f.of(e).reclaim)),
                                    r -> r.ifThen(Cond.of("test_bit", "PGDAT_WRITEBACK, &pgdat->flags", e -> e.isSet(pgdatWriteback)),
                                            c1 -> c1.step(FolioOps.folioUnlock(f)).ret(IntExpr.of(ACTIVATE)))));
                            // Case 2: writeback_throttling_sane(sc) || !folio_test_reclaim(folio) ||
                            //   !may_enter_fs(folio, sc->gfp_mask) || (mapping && mapping_writeback_may_deadlock_on_reclaim(mapping))
                            // The three terms that do not read the folio are decided from the scan control and the mapping;
                            // only PG_reclaim is a test of shared state.
                            wb.ifLocalElse(e -> writebackThrottlingSane(e.local(target)) || !mayEnterFs(e.local(gfp))
                                            || mappingMayDeadlock(e.local(folio)),
                                    case2,
                                    legacy -> legacy.ifThenElse(
                                            // the trace says why case 2's other terms are false: they are decided without a step, so
                                            // this test alone chooses (true: case 3, the wait; false: case 2 by !folio_test_reclaim)
                                            Cond.of("folio_test_reclaim", e -> f.of(e).name(), e -> e.isSet(f.of(e).reclaim))
                                                    .noting(e -> "case 2's other terms are false: cgroup reclaim, writeback_throttling_sane"
                                                            + " false (" + (memcg == null ? "no memory controller" : memcg.throttlingNotSaneBecause())
                                                            + "), may_enter_fs true, mapping_writeback_may_deadlock_on_reclaim false"),
                                            case3,
                                            case2));
                        });
                    }
                    // "if (folio_test_dirty(folio)) { if (folio_is_file_lru(folio)) { node_stat_mod_folio(folio,
                    // NR_VMSCAN_IMMEDIATE, nr_pages); if (!folio_test_reclaim(folio)) folio_set_reclaim(folio);
                    // goto activate_locked; } ... pageout() ... }": "Immediately reclaim when written back".
                    // Simplification: the folio_test_reclaim test is folded into folio_set_reclaim (setting a set bit changes nothing); NR_VMSCAN_IMMEDIATE is not counted.
                    // Simplification: a dirty swap-backed folio (anon or shmem: not file LRU) would go on to may_enter_fs / pageout(); the model has none, and keeps such a folio (keep_locked).
                    loop.ifThen(Cond.of("folio_test_dirty", e -> f.of(e).name(), e -> e.isSet(f.of(e).dirty)), dirty -> dirty
                            .ifLocalElse(e -> folioIsFileLru(e.local(folio)),
                                    file -> file
                                            .step(folioSetReclaim(f))
                                            .step(FolioOps.folioUnlock(f))
                                            .ret(IntExpr.of(ACTIVATE)),
                                    swapBacked -> swapBacked
                                            .step(FolioOps.folioUnlock(f))
                                            .ret(IntExpr.of(KEEP))));
                    // "if (!mapping || !__remove_mapping(mapping, folio, true, sc->target_mem_cgroup)) goto keep_locked;"
                    loop.ifLocal(e -> folios.get(e.local(folio)).mapping() == null, anon -> anon
                            .step(FolioOps.folioUnlock(f))
                            .ret(IntExpr.of(KEEP)));
                    loop.step(removeMapping(f, freeable));
                    loop.ifLocal(e -> e.local(freeable) == 0, keep -> keep
                            .step(FolioOps.folioUnlock(f))
                            .ret(IntExpr.of(KEEP)));
                    // "folio_unlock(folio); free_it: ... list_add(&folio->lru, &free_folios);"
                    loop.step(FolioOps.folioUnlock(f));
                    loop.step(freeUnrefFolios(f));
                    loop.ret(IntExpr.of(RECLAIMED));
                }));
        shrinkFolioList = p;
        return p;
    }

    /**
     * mm/vmscan.c shrink_node -> shrink_node_memcgs -> shrink_lruvec -> shrink_inactive_list:
     * isolate_lru_folios, shrink_folio_list, move_folios_to_lru; for kswapd, PGDAT_WRITEBACK when
     * every folio taken was under writeback ("sc->nr.writeback &amp;&amp; sc->nr.writeback == sc->nr.taken").
     * Memcg reclaim scans only the LRUs of the target memcg (folios charged to it).
     * Simplification: one pass at one priority; folios are isolated and shrunk one at a time.
     */
    public Procedure shrinkNode() {
        if (shrinkNode != null) {
            return shrinkNode;
        }
        Procedure p = b.procedure("shrink_node");
        Local target = p.param("target_mem_cgroup", 0, nMemcgs());
        Local gfp = p.param("gfp_mask", 0, Gfp.MAX);
        Local kswapd = p.param("current_is_kswapd", 0, 1);
        Local i = p.local("i", 0, nFolios());
        Local taken = p.local("taken", 0, 1);
        Local outcome = p.local("outcome", 0, 3);
        Local nrTaken = p.local("nr_taken", 0, nFolios());
        Local nrReclaimed = p.local("nr_reclaimed", 0, nFolios());
        Local nrWriteback = p.local("nr_writeback", 0, nFolios());
        Procedure shrink = shrinkFolioList();
        FolioRef f = mm.at(i);
        p.body(body -> body
                .forRange(i, 0, nFolios(), loop -> loop
                        .ifLocal(e -> e.local(target) == 0 || memcg.memcgOf(e.local(i)) == e.local(target), lruvec -> lruvec
                                .step(isolateLru("isolate_lru_folios", f, taken))
                                .ifLocal(e -> e.local(taken) == 1, got -> got
                                        .assign(nrTaken, e -> e.local(nrTaken) + 1)
                                        .callInto(outcome, shrink, IntExpr.of(i), IntExpr.of(target), IntExpr.of(gfp), IntExpr.of(kswapd))
                                        .ifLocalElse(e -> e.local(outcome) == RECLAIMED,
                                                freed -> freed.assign(nrReclaimed, e -> e.local(nrReclaimed) + 1),
                                                kept -> kept
                                                        .ifLocal(e -> e.local(outcome) == ACTIVATE_WRITEBACK,
                                                                w -> w.assign(nrWriteback, e -> e.local(nrWriteback) + 1))
                                                        .step(putbackLru("move_folios_to_lru", f))))))
                .ifLocal(e -> e.local(kswapd) == 1 && e.local(nrWriteback) > 0 && e.local(nrWriteback) == e.local(nrTaken),
                        all -> all.step(Step.named("set_bit")
                                .args("PGDAT_WRITEBACK, &pgdat->flags")
                                .does(e -> e.set(pgdatWriteback, true))
                                .build()))
                .ret(IntExpr.of(nrReclaimed)));
        shrinkNode = p;
        return p;
    }

    /**
     * mm/vmscan.c try_to_free_mem_cgroup_pages(memcg, nr_pages, gfp_mask, ...):
     * set_task_reclaim_state; memalloc_noreclaim_save (PF_MEMALLOC); do_try_to_free_pages with
     * sc.target_mem_cgroup = memcg; memalloc_noreclaim_restore; set_task_reclaim_state(NULL).
     * sc.gfp_mask = current_gfp_context(gfp_mask) (a charge inside a memalloc_nofs_save() scope reclaims
     * without __GFP_FS: shrink_folio_list's may_enter_fs is false);
     * Simplification: do_try_to_free_pages -> shrink_zones is one shrink_node call (one node, one priority).
     * Simplification: sc.gfp_mask's non-reclaim bits (GFP_HIGHUSER_MOVABLE &amp; ~GFP_RECLAIM_MASK) are not kept; no modelled step reads them.
     */
    public Procedure tryToFreeMemCgroupPages() {
        if (tryToFreeMemCgroupPages != null) {
            return tryToFreeMemCgroupPages;
        }
        if (memcg == null) {
            throw new ModelError("try_to_free_mem_cgroup_pages", "memcg reclaim needs a Memcg.Controller");
        }
        Procedure p = b.procedure("try_to_free_mem_cgroup_pages");
        Local target = p.param("memcg", 1, Math.max(1, nMemcgs()));
        Local gfp = p.param("gfp_mask", 0, Gfp.MAX);
        Local nr = p.local("nr_reclaimed", 0, nFolios());
        Local scGfp = p.local("sc_gfp_mask", 0, Gfp.MAX);
        Procedure node = shrinkNode();
        // struct scan_control sc = { .gfp_mask = current_gfp_context(gfp_mask) ... }, set up with the first step
        // (the task's PF_MEMALLOC_NOFS is a variable of the model, which local code may not read)
        Step enter = Step.named("set_task_reclaim_state")
                .args("current, &sc.reclaim_state")
                .does(e -> {
                    e.setLocal(scGfp, mm.currentGfpContext(e, e.local(gfp)));
                    e.set(current(e).inReclaim(), 1);
                })
                .build();
        p.body(body -> body
                .step(enter)
                .step(memallocNoreclaim(true))
                .callInto(nr, node, IntExpr.of(target), IntExpr.of(scGfp), e -> 0)
                .step(memallocNoreclaim(false))
                .step(setTaskReclaimState(false))
                .ret(IntExpr.of(nr)));
        tryToFreeMemCgroupPages = p;
        return p;
    }

    /**
     * mm/vmscan.c balance_pgdat for one kswapd pass: set_task_reclaim_state, then kswapd_shrink_node
     * -> shrink_node with sc.gfp_mask = GFP_KERNEL and no target memcg (global reclaim). The caller is
     * kswapd, which has PF_MEMALLOC set for its whole life (mm/vmscan.c kswapd()).
     * Simplification: one pass at one priority; the watermark loop and kswapd's sleep are not modelled.
     */
    public Procedure balancePgdat() {
        if (balancePgdat != null) {
            return balancePgdat;
        }
        Procedure p = b.procedure("balance_pgdat");
        Local nr = p.local("nr_reclaimed", 0, nFolios());
        Procedure node = shrinkNode();
        p.body(body -> body
                .step(setTaskReclaimState(true))
                .callInto(nr, node, e -> 0, e -> Gfp.KERNEL, e -> 1)
                .step(setTaskReclaimState(false)));
        balancePgdat = p;
        return p;
    }
}
