package org.migcheck.model.mm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.LockEvent;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;

/**
 * Folio migration core (mm/migrate.c, v6.19): {@code migrate_folio_unmap} with the source-lock rules
 * per migration mode and PF_MEMALLOC (SCENARIOS.md 4.2, 6.3), {@code migrate_folio_move}, and a
 * one-folio {@code migrate_pages}.
 *
 * <p>Procedures (folio ids as in {@link Folio#id()}, modes {@link #MIGRATE_ASYNC},
 * {@link #MIGRATE_SYNC_LIGHT}, {@link #MIGRATE_SYNC}):
 * <ul>
 *   <li>{@code migrate_folio_unmap/<get_new_folio>(src, dst, mode)}: allocates {@code dst} with the
 *       caller's {@code get_new_folio} procedure (parameters {@code (src, dst)}, returns 1 when
 *       {@code dst} was allocated), locks {@code src} by the mode rules, handles writeback, trylocks
 *       {@code dst}; returns {@link #MIGRATEPAGE_UNMAP} with both folios locked, or an error with
 *       everything undone except the isolation of {@code src};</li>
 *   <li>{@code migrate_folio_move(src, dst, mode)}: switches the mapping under a refcount freeze,
 *       unlocks, frees {@code src}; returns {@link #MIGRATEPAGE_SUCCESS} or {@link #EAGAIN} (undone);</li>
 *   <li>{@code migrate_pages/<get_new_folio>(src, dst, mode)}: unmap, move, and put an unmigrated
 *       source back on the LRU; returns the rc.</li>
 * </ul>
 * One instance of the unmap procedure exists per get_new_folio callback, because a procedure cannot
 * take a procedure as a parameter and because the allocation inside one instance (alloc_pages ->
 * direct compaction) calls the other (no recursion in the model's call graph, as in the kernel,
 * where PF_MEMALLOC stops the allocator from compacting again).
 *
 * <p>Simplifications (each also stated at its code): sources are unmapped page-cache folios
 * (no try_to_migrate / remove_migration_ptes, no anon_vma); one folio per migrate_pages call and
 * one attempt (no batch, no retry passes, so migrate_pages_sync's preliminary ASYNC pass is folded
 * away); the i_pages xa_lock section of the mapping switch is one atomic step.
 */
public final class Migrate {
    /** include/linux/migrate_mode.h: never block. */
    public static final int MIGRATE_ASYNC = 0;
    /** Block on most things, not on long I/O. */
    public static final int MIGRATE_SYNC_LIGHT = 1;
    /** May block. */
    public static final int MIGRATE_SYNC = 2;

    /** include/linux/migrate.h: migration done. */
    public static final int MIGRATEPAGE_SUCCESS = 0;
    /** migrate_folio_unmap succeeded: src and dst locked, ready for migrate_folio_move. */
    public static final int MIGRATEPAGE_UNMAP = 1;
    public static final int EAGAIN = -11;
    public static final int ENOMEM = -12;
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
     *                          the task has PF_MEMALLOC (direct compaction); false models kernels before
     *                          that rule, where direct compaction could call lock_page
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

    private final Mm mm;
    private final Model.Builder b;
    private final Rules rules;
    private final int nFolios;
    private Procedure move;
    private final Map<Procedure, Procedure> unmaps = new LinkedHashMap<>();
    private final Map<String, Procedure> migratePages = new LinkedHashMap<>();

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

    public Rules rules() { return rules; }

    // ---------------------------------------------------------------- steps

    /** include/linux/pagemap.h folio_test_uptodate: read I/O has completed. */
    private static Cond folioTestUptodate(FolioRef f) {
        return Cond.of("folio_test_uptodate", e -> f.of(e).name(), e -> e.isSet(f.of(e).uptodate));
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
     * mm/migrate.c migrate_folio_undo_dst: unlock dst if locked, then put_new_folio (compaction_free)
     * or folio_put: the destination goes back to where it came from.
     */
    private static Step undoDst(FolioRef d, Predicate<Exec> dstLocked) {
        return Step.named("migrate_folio_undo_dst")
                .args(e -> d.of(e).name())
                .does(e -> {
                    Folio x = d.of(e);
                    if (dstLocked.test(e)) {
                        e.set(x.lock.holderVar(), 0);
                        e.emit(new LockEvent.Released(x.lock, e.self()));
                    }
                    FolioOps.put(e, x);
                })
                .build();
    }

    /**
     * mm/migrate.c move_to_new_folio -> mapping->a_ops->migrate_folio (filemap_migrate_folio ->
     * __migrate_folio): folio_mc_copy, then __folio_migrate_mapping, which under the i_pages xa_lock
     * freezes src's refcount at the expected value (page cache + the isolation reference,
     * folio_expected_ref_count + 1) and moves the page-cache slot and its reference to dst; a
     * mismatch (another task holds a reference) is -EAGAIN with src untouched.
     * Simplification: the xa_lock section (freeze, slot switch, unfreeze) and the copy are one atomic step.
     */
    private static Step moveToNewFolio(FolioRef s, FolioRef d, Local rc) {
        return Step.named("move_to_new_folio")
                .args(e -> s.of(e).name() + " -> " + d.of(e).name())
                .does(e -> {
                    Folio src = s.of(e);
                    Folio dst = d.of(e);
                    e.emit(new FolioEvent.Accessed(src, "folio_mc_copy"));
                    e.emit(new FolioEvent.Accessed(dst, "folio_mc_copy"));
                    int expected = (e.isSet(src.inCache) ? 1 : 0) + 1;
                    if (e.get(src.ref) != expected) {
                        e.setLocal(rc, EAGAIN);
                        return;
                    }
                    e.emit(new FolioEvent.Migrated(src, dst));
                    if (e.isSet(src.inCache)) {
                        e.emit(new FolioEvent.RemovedFromCache(src));
                        e.set(src.inCache, false);
                        e.add(src.ref, -1);
                        e.set(dst.inCache, true);
                        e.add(dst.ref, 1);
                    }
                    e.set(dst.uptodate, e.get(src.uptodate));
                    e.set(dst.dirty, e.get(src.dirty));
                    e.set(src.dirty, false);
                    e.setLocal(rc, MIGRATEPAGE_SUCCESS);
                })
                .build();
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
     * mm/migrate.c migrate_folio_done: the migrated source loses its isolation (NR_ISOLATED_*) and
     * its last reference; it returns to the allocator.
     */
    private static Step migrateFolioDone(FolioRef s) {
        return Step.named("migrate_folio_done")
                .args(e -> s.of(e).name())
                .does(e -> {
                    Folio x = s.of(e);
                    e.set(x.isolated, false);
                    FolioOps.put(e, x);
                })
                .build();
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

    // ---------------------------------------------------------------- procedures

    /**
     * mm/migrate.c migrate_folio_unmap(get_new_folio, put_new_folio, private, src, dstp, mode, ret).
     * v6.19 order: dst = get_new_folio(); folio_trylock(src), else by mode: ASYNC gives up,
     * PF_MEMALLOC gives up (the readahead comment: direct compaction must never lock_page),
     * SYNC_LIGHT gives up on a !uptodate src, otherwise folio_lock(src); writeback: SYNC waits,
     * others -EBUSY; folio_trylock(dst). With {@link Rules#deferAlloc} get_new_folio moves after the
     * writeback handling, i.e. runs with src locked (the 2019/2020 proposal).
     */
    public Procedure unmap(Procedure getNewFolio) {
        return unmaps.computeIfAbsent(getNewFolio, this::buildUnmap);
    }

    private Procedure buildUnmap(Procedure getNewFolio) {
        Procedure p = b.procedure("migrate_folio_unmap/" + getNewFolio.name());
        Local src = p.param("src", 0, nFolios - 1);
        Local dst = p.param("dst", 0, nFolios - 1);
        Local mode = p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local allocated = p.local("dst_allocated", 0, 1);
        Local locked = p.local("locked", 0, 1);
        Local dstLocked = p.local("dst_locked", 0, 1);
        Local giveUp = p.local("give_up", 0, 1);
        FolioRef s = mm.at(src);
        FolioRef d = mm.at(dst);
        // "goto out": unlock src if locked, undo dst if allocated (migrate_folio_undo_dst), return rc.
        BiConsumer<Body, Integer> out = (x, rc) -> x
                .ifLocal(e -> e.local(locked) == 1, y -> y.step(FolioOps.folioUnlock(s)))
                .ifLocal(e -> e.local(allocated) == 1, y -> y.step(undoDst(d, e -> e.local(dstLocked) == 1)))
                .ret(e -> rc);
        Consumer<Body> getNew = x -> x
                .callInto(allocated, getNewFolio, e -> e.local(src), e -> e.local(dst))
                .ifLocal(e -> e.local(allocated) == 0, y -> out.accept(y, ENOMEM));
        p.body(x -> {
            if (!rules.deferAlloc()) {
                getNew.accept(x); // dst = get_new_folio(src, private); if (!dst) return -ENOMEM;
            }
            x.step(FolioOps.folioTrylock(s, locked));
            x.ifLocal(e -> e.local(locked) == 0, y -> {
                y.ifLocal(e -> e.local(mode) == MIGRATE_ASYNC, z -> z.assign(giveUp, e -> 1));
                if (rules.memallocRule()) {
                    // "It's not safe for direct compaction to call lock_page": readahead holds folios
                    // locked across an allocation that may compact (SCENARIOS.md 4.2).
                    y.ifLocal(e -> e.local(giveUp) == 0, z -> z.ifThen(currentPfMemalloc(), w -> w.assign(giveUp, e -> 1)));
                }
                if (rules.syncLightIoCheck()) {
                    // "In light mode we can wait for transient locks, but it's not worth waiting for I/O."
                    y.ifLocal(e -> e.local(giveUp) == 0 && e.local(mode) == MIGRATE_SYNC_LIGHT,
                            z -> z.ifThenElse(folioTestUptodate(s), w -> { }, w -> w.assign(giveUp, e -> 1)));
                }
                y.ifLocalElse(e -> e.local(giveUp) == 1,
                        z -> out.accept(z, EAGAIN),
                        z -> z.step(FolioOps.folioLock(s)).assign(locked, e -> 1));
            });
            x.ifThen(folioTestWriteback(s), y -> y
                    .ifLocal(e -> e.local(mode) != MIGRATE_SYNC, z -> out.accept(z, EBUSY))
                    .step(FolioOps.folioWaitWriteback(s)));
            if (rules.deferAlloc()) {
                getNew.accept(x); // the proposal: allocate only now, with src locked
            }
            if (rules.lockDst()) {
                x.step(FolioOps.folioTrylock(d, dstLocked));
                x.ifLocal(e -> e.local(dstLocked) == 0, y -> out.accept(y, EAGAIN));
            }
            // Simplification: src is an unmapped page-cache folio, so try_to_migrate (migration entries) is not needed.
            x.ret(e -> MIGRATEPAGE_UNMAP);
        });
        return p;
    }

    /**
     * mm/migrate.c migrate_folio_move: move_to_new_folio, folio_add_lru(dst), unlock dst and src,
     * migrate_folio_done(src), folio_put(dst). On -EAGAIN the kernel keeps dst for the next pass.
     * Simplification: one pass, so a failed move undoes dst and src at once (migrate_folio_undo_dst/_src).
     */
    public Procedure move() {
        if (move != null) {
            return move;
        }
        Procedure p = b.procedure("migrate_folio_move");
        Local src = p.param("src", 0, nFolios - 1);
        Local dst = p.param("dst", 0, nFolios - 1);
        p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local rc = p.local("rc", EBUSY, MIGRATEPAGE_UNMAP);
        FolioRef s = mm.at(src);
        FolioRef d = mm.at(dst);
        p.body(x -> {
            x.step(moveToNewFolio(s, d, rc));
            x.ifLocal(e -> e.local(rc) != MIGRATEPAGE_SUCCESS, y -> y
                    .step(undoDst(d, e -> rules.lockDst()))
                    .step(FolioOps.folioUnlock(s))
                    .ret(e -> e.local(rc)));
            x.step(folioAddLru(d));
            if (rules.lockDst()) {
                x.step(FolioOps.folioUnlock(d));
            }
            x.step(FolioOps.folioUnlock(s));
            x.step(migrateFolioDone(s));
            x.step(FolioOps.folioPut(d));
            x.ret(e -> MIGRATEPAGE_SUCCESS);
        });
        move = p;
        return p;
    }

    /**
     * mm/migrate.c migrate_pages(from, get_new_folio, put_new_folio, private, mode, reason) for a list
     * of one isolated folio: migrate_folio_unmap, then migrate_folio_move; the caller's
     * putback_movable_pages of what failed is folded in. Returns the last rc.
     * Simplification: one folio, one attempt (the kernel retries up to NR_MAX_MIGRATE_PAGES_RETRY times).
     */
    public Procedure migratePages(Procedure getNewFolio) {
        return migratePages(getNewFolio, true);
    }

    /**
     * As {@link #migratePages(Procedure)}; with {@code callerIsolated} false the caller holds only a
     * plain reference on a source it left on the LRU (a hypothetical caller: every kernel caller
     * isolates first), so a failed source is released with folio_put instead of folio_putback_lru.
     */
    public Procedure migratePages(Procedure getNewFolio, boolean callerIsolated) {
        String name = "migrate_pages/" + getNewFolio.name() + (callerIsolated ? "" : "/unisolated");
        Procedure existing = migratePages.get(name);
        if (existing != null) {
            return existing;
        }
        Procedure unmap = unmap(getNewFolio);
        Procedure mv = move();
        Procedure p = b.procedure(name);
        Local src = p.param("src", 0, nFolios - 1);
        Local dst = p.param("dst", 0, nFolios - 1);
        Local mode = p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local rc = p.local("rc", EBUSY, MIGRATEPAGE_UNMAP);
        FolioRef s = mm.at(src);
        p.body(x -> x
                .callInto(rc, unmap, e -> e.local(src), e -> e.local(dst), e -> e.local(mode))
                .ifLocal(e -> e.local(rc) == MIGRATEPAGE_UNMAP,
                        y -> y.callInto(rc, mv, e -> e.local(src), e -> e.local(dst), e -> e.local(mode)))
                .ifLocal(e -> e.local(rc) != MIGRATEPAGE_SUCCESS,
                        y -> y.step(callerIsolated ? folioPutbackLru(s) : FolioOps.folioPut(s)))
                .ret(e -> e.local(rc)));
        migratePages.put(name, p);
        return p;
    }

    /**
     * mm/migrate.c alloc_migration_target(src, private): the get_new_folio of mbind, move_pages,
     * memory hot-unplug and FOLL_LONGTERM pin migration: alloc_pages on the target node with the
     * caller's gfp (mtc->gfp_mask; GFP_TRANSHUGE bits for a large source). Returns 1 when {@code dst}
     * was allocated.
     *
     * @param order   0, or 1 for any order > 0 (a large source)
     * @param gfp     {@link Gfp} bits of mtc->gfp_mask
     * @param nodeOf  the node of each folio id (the target node is dst's)
     */
    public Procedure allocMigrationTarget(PageAlloc pa, int order, int gfp, int[] nodeOf) {
        if (nodeOf.length != nFolios) {
            throw new ModelError("alloc_migration_target", "nodeOf must give the node of each of the " + nFolios + " folios");
        }
        Procedure ap = pa.allocPages();
        Procedure p = b.procedure("alloc_migration_target");
        p.param("src", 0, nFolios - 1);
        Local dst = p.param("dst", 0, nFolios - 1);
        Local ok = p.local("ok", 0, 1);
        p.body(x -> x
                .callInto(ok, ap, e -> order, e -> nodeOf[e.local(dst)], e -> gfp, e -> e.local(dst))
                .ret(e -> e.local(ok)));
        return p;
    }

    /** The unmap procedures built so far (for tests and documentation). */
    public List<Procedure> unmapProcedures() { return List.copyOf(unmaps.values()); }
}
