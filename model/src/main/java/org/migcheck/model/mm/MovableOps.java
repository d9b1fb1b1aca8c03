package org.migcheck.model.mm;

import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;

/**
 * movable_ops page isolation, migration and putback in the migration core (mm/migrate.c, v6.19;
 * SCENARIOS.md 3.3-3.4): {@code isolate_movable_ops_page}, {@code migrate_movable_ops_page},
 * {@code putback_movable_ops_page}, and the single-page path of {@code migrate_pages} for a
 * movable_ops source ({@code migrate_folio_unmap} + {@code migrate_folio_move}).
 *
 * <p>A movable_ops page is a {@link Folio} without mapping ({@code inCache=false, lru=false});
 * PG_movable_ops is {@link Folio#movableOps} and PG_movable_ops_isolated is {@link Folio#isolated}.
 * The page owner's callbacks ({@code struct movable_operations}, include/linux/migrate.h) come in as
 * {@link Operations}.
 *
 * <p>Return-value conventions of the procedures: isolate returns 1 (true) / 0 (false); migrate
 * returns 0 (MIGRATEPAGE_SUCCESS) / 1 (-EAGAIN or another error); migrate_pages returns the number
 * of pages that failed and still need a putback (0 or 1).
 */
public final class MovableOps {

    /**
     * struct movable_operations of a page type: {@code isolatePage(page) -> 0|1},
     * {@code migratePage(dst, src) -> 0|1}, {@code putbackPage(page)}.
     */
    public record Operations(String owner, Procedure isolatePage, Procedure migratePage, Procedure putbackPage) {}

    /** How isolate_movable_ops_page takes its reference. */
    public enum GetRef {
        /** v6.19: folio_get_nontail_page = get-unless-zero; fails on a page being freed. */
        TRY_GET,
        /** Bad variant: a plain get, which resurrects a page whose last reference is gone. */
        PLAIN,
        /** Mutation: no reference at all (the isolated page is not pinned). */
        NONE
    }

    /** migrate_mode (include/linux/migrate_mode.h), as the value of the mode parameter. */
    public static final int MIGRATE_ASYNC = 0;
    public static final int MIGRATE_SYNC_LIGHT = 1;
    public static final int MIGRATE_SYNC = 2;

    /**
     * Behaviour switches of the core, the kernel's being {@code (TRY_GET, true, true, false)}.
     *
     * @param getRef                how isolation takes its reference
     * @param checkIsolated         isolation tests PG_movable_ops_isolated under the page lock
     * @param lockForIsolation      isolation trylocks the page (false: a mutation without the lock)
     * @param putbackUnderPageLock  the 2015 proposal's shape: a failed migration puts the page back
     *                              (putback takes the sleeping page lock) while the caller still holds
     *                              the source page lock
     */
    public record Config(GetRef getRef, boolean checkIsolated, boolean lockForIsolation, boolean putbackUnderPageLock) {
        public static Config kernel() { return new Config(GetRef.TRY_GET, true, true, false); }
    }

    private final Mm mm;
    private final Operations ops;
    private final Config cfg;
    private final int nFolios;

    /** isolate_movable_ops_page(page) -> 1 when isolated (the core then holds a reference). */
    public final Procedure isolate;
    /** putback_movable_ops_page(page). */
    public final Procedure putback;
    /** migrate_movable_ops_page(dst, src) -> 0 on success. */
    public final Procedure migrateMovableOpsPage;
    /** migrate_pages(src, dst, mode) for one isolated movable_ops page -> pages left to put back. */
    public final Procedure migratePages;

    public MovableOps(Mm mm, Operations ops, Config cfg) {
        this.mm = mm;
        this.ops = ops;
        this.cfg = cfg;
        this.nFolios = mm.folios().size();
        Model.Builder b = mm.builder();
        this.isolate = declareIsolate(b);
        this.putback = declarePutback(b);
        this.migrateMovableOpsPage = declareMigrateMovableOpsPage(b);
        this.migratePages = declareMigratePages(b);
    }

    /** SetPageMovableOpsIsolated: only the migration core sets it, under the page lock. */
    static Step setPageMovableOpsIsolated(FolioRef page) {
        return Step.named("SetPageMovableOpsIsolated")
                .args(e -> page.of(e).name())
                .does(e -> {
                    Folio f = page.of(e);
                    e.emit(new FolioEvent.Isolated(f));
                    e.set(f.isolated, true);
                })
                .build();
    }

    /** ClearPageMovableOpsIsolated. */
    static Step clearPageMovableOpsIsolated(FolioRef page) {
        return Step.named("ClearPageMovableOpsIsolated")
                .args(e -> page.of(e).name())
                .does(e -> {
                    Folio f = page.of(e);
                    e.emit(new FolioEvent.Accessed(f, "ClearPageMovableOpsIsolated"));
                    e.set(f.isolated, false);
                })
                .build();
    }

    /**
     * isolate_movable_ops_page (mm/migrate.c): folio_get_nontail_page (get-unless-zero; fails when
     * the page is being freed, and if we win the race with the final put our later put frees it);
     * re-test page_has_movable_ops (sticky until free); folio_trylock (never sleeps); under the lock:
     * already PG_movable_ops_isolated -> fail; ops->isolate_page() false -> fail;
     * SetPageMovableOpsIsolated; folio_unlock; return true keeping the reference. Failure paths:
     * out_no_isolated: folio_unlock; out_putfolio: folio_put.
     */
    private Procedure declareIsolate(Model.Builder b) {
        Procedure p = b.procedure("isolate_movable_ops_page");
        Local page = p.param("page", 0, nFolios - 1);
        Local ok = p.local("ok", 0, 1);
        Local isolated = p.local("isolated", 0, 1);
        FolioRef f = mm.at(page);
        boolean ref = cfg.getRef() != GetRef.NONE;
        boolean lock = cfg.lockForIsolation();
        return p.body(body -> {
            switch (cfg.getRef()) {
                case TRY_GET -> {
                    body.step(Step.named("folio_get_nontail_page")
                            .args(e -> f.of(e).name())
                            .does(e -> {
                                Folio x = f.of(e);
                                if (e.get(x.ref) > 0) {
                                    e.emit(new FolioEvent.RefTaken(x, true));
                                    e.add(x.ref, 1);
                                    e.setLocal(ok, 1);
                                } else {
                                    e.setLocal(ok, 0);
                                }
                            })
                            .build());
                    body.ifLocal(e -> e.local(ok) == 0, freed -> freed.ret(e -> 0));
                }
                // the bad variant: a plain get_page, as if the page could not be going away
                case PLAIN -> body.step(FolioOps.folioGet(f));
                // Simplification: the NONE mutation just skips the reference (and the puts that would drop it).
                case NONE -> { }
            }
            body.ifThen(Cond.of("!page_has_movable_ops", e -> f.of(e).name(), e -> !e.isSet(f.of(e).movableOps)),
                    notMovable -> outPutFolio(notMovable, f, ref));
            if (lock) {
                body.step(FolioOps.folioTrylock(f, ok));
                body.ifLocal(e -> e.local(ok) == 0, busy -> outPutFolio(busy, f, ref));
            }
            if (cfg.checkIsolated()) {
                body.ifThen(Cond.of("PageMovableOpsIsolated", e -> f.of(e).name(), e -> e.isSet(f.of(e).isolated)),
                        already -> outNoIsolated(already, f, ref, lock));
            }
            // mops = page_movable_ops(page); the ops are found by the sticky page type, not page->mapping
            body.callInto(isolated, ops.isolatePage(), e -> e.local(page));
            body.ifLocal(e -> e.local(isolated) == 0, refused -> outNoIsolated(refused, f, ref, lock));
            body.step(setPageMovableOpsIsolated(f));
            if (lock) {
                body.step(FolioOps.folioUnlock(f));
            }
            body.ret(e -> 1);
        });
    }

    private static void outNoIsolated(org.migcheck.model.lang.Body b, FolioRef f, boolean ref, boolean lock) {
        if (lock) {
            b.step(FolioOps.folioUnlock(f));
        }
        outPutFolio(b, f, ref);
    }

    private static void outPutFolio(org.migcheck.model.lang.Body b, FolioRef f, boolean ref) {
        if (ref) {
            b.step(FolioOps.folioPut(f));
        }
        b.ret(e -> 0);
    }

    /**
     * putback_movable_ops_page (mm/migrate.c): folio_lock (sleeping); ops->putback_page();
     * ClearPageMovableOpsIsolated; folio_unlock; folio_put (the page may be freed right away).
     * The same shape as the 2015 proposal's putback_mobilepage (lock_page; putbackpage; unlock; put).
     */
    private Procedure declarePutback(Model.Builder b) {
        Procedure p = b.procedure("putback_movable_ops_page");
        Local page = p.param("page", 0, nFolios - 1);
        FolioRef f = mm.at(page);
        return p.body(body -> {
            body.step(FolioOps.folioLock(f));
            body.call(ops.putbackPage(), e -> e.local(page));
            body.step(clearPageMovableOpsIsolated(f));
            body.step(FolioOps.folioUnlock(f));
            if (cfg.getRef() != GetRef.NONE) {
                body.step(FolioOps.folioPut(f));
            }
        });
    }

    /**
     * migrate_movable_ops_page (mm/migrate.c): rc = ops->migrate_page(dst, src, mode) with both pages
     * locked by the caller; on 0 ClearPageMovableOpsIsolated(src) (owner of src and dst swapped); on
     * failure src stays isolated and ownership is unchanged.
     */
    private Procedure declareMigrateMovableOpsPage(Model.Builder b) {
        Procedure p = b.procedure("migrate_movable_ops_page");
        Local dst = p.param("dst", 0, nFolios - 1);
        Local src = p.param("src", 0, nFolios - 1);
        Local rc = p.local("rc", 0, 1);
        FolioRef s = mm.at(src);
        return p.body(body -> body
                .callInto(rc, ops.migratePage(), e -> e.local(dst), e -> e.local(src))
                .ifLocal(e -> e.local(rc) == 0, ok -> ok.step(clearPageMovableOpsIsolated(s)))
                .ret(e -> e.local(rc)));
    }

    /**
     * migrate_pages -> migrate_pages_batch for one movable_ops source (mm/migrate.c):
     * migrate_folio_unmap: dst = get_new_folio() (compaction_alloc); folio_trylock(src), else fail in
     * MIGRATE_ASYNC or under PF_MEMALLOC, else folio_lock(src) (SYNC_LIGHT's "not uptodate" bail-out
     * never applies: PG_uptodate is PG_movable_ops's bit); folio_trylock(dst), else give up.
     * migrate_folio_move: migrate_movable_ops_page; success: folio_unlock(dst), folio_put(dst),
     * folio_unlock(src), migrate_folio_done -> folio_put(src); failure: migrate_folio_undo_src
     * (folio_unlock(src), page to the ret list), migrate_folio_undo_dst (folio_unlock(dst),
     * put_new_folio = compaction_free).
     *
     * <p>Simplification: no retry passes (NR_MAX_MIGRATE_PAGES_RETRY): -EAGAIN and permanent errors both
     * end the attempt, and the caller puts the page back, as it does after the last pass.
     * Simplification: the "folio_ref_count(src) == 1: freed from under us" shortcut is not modelled
     * (a balloon owner cannot release an isolated page).
     */
    private Procedure declareMigratePages(Model.Builder b) {
        Procedure p = b.procedure("migrate_pages");
        Local src = p.param("src", 0, nFolios - 1);
        Local dst = p.param("dst", 0, nFolios - 1);
        Local mode = p.param("mode", MIGRATE_ASYNC, MIGRATE_SYNC);
        Local ok = p.local("ok", 0, 1);
        Local rc = p.local("rc", 0, 1);
        FolioRef s = mm.at(src);
        FolioRef d = mm.at(dst);
        return p.body(body -> {
            // migrate_folio_unmap
            body.step(compactionAlloc(d));
            body.step(FolioOps.folioTrylock(s, ok));
            body.ifLocal(e -> e.local(ok) == 0, contended -> {
                contended.ifLocal(e -> e.local(mode) == MIGRATE_ASYNC, async -> async
                        .step(compactionFree(d)).ret(e -> 1));
                // "It's not safe for direct compaction to call lock_page" (SCENARIOS.md 4.2)
                contended.ifThen(Cond.of("current->flags & PF_MEMALLOC", "",
                        e -> {
                            Task t = Mm.taskOf(e.model().objects(Task.class), e.self());
                            return t != null && e.isSet(t.pfMemalloc());
                        }), memalloc -> memalloc.step(compactionFree(d)).ret(e -> 1));
                contended.step(FolioOps.folioLock(s));
            });
            body.step(FolioOps.folioTrylock(d, ok));
            body.ifLocal(e -> e.local(ok) == 0, busy -> busy
                    .step(FolioOps.folioUnlock(s))
                    .step(compactionFree(d))
                    .ret(e -> 1));
            // migrate_folio_move: page_has_movable_ops(src)
            body.callInto(rc, migrateMovableOpsPage, e -> e.local(dst), e -> e.local(src));
            body.ifLocal(e -> e.local(rc) == 0, done -> done
                    .step(FolioOps.folioUnlock(d))
                    .step(FolioOps.folioPut(d))
                    .step(FolioOps.folioUnlock(s))
                    // migrate_folio_done: drop the isolation reference; the old page is freed
                    .step(cfg.getRef() != GetRef.NONE ? FolioOps.folioPut(s) : noop("migrate_folio_done", s))
                    .ret(e -> 0));
            if (cfg.putbackUnderPageLock()) {
                // 2015 shape: the failure path puts the page back while it still holds the page lock
                body.call(putback, e -> e.local(src));
                body.step(FolioOps.folioUnlock(s));
                body.step(FolioOps.folioUnlock(d));
                body.step(compactionFree(d));
                body.ret(e -> 0);
            } else {
                // migrate_folio_undo_src, migrate_folio_undo_dst
                body.step(FolioOps.folioUnlock(s));
                body.step(FolioOps.folioUnlock(d));
                body.step(compactionFree(d));
                body.ret(e -> 1);
            }
        });
    }

    private static Step noop(String function, FolioRef f) {
        return Step.named(function).args(e -> f.of(e).name() + " (no reference to drop)").build();
    }

    /**
     * compaction_alloc (mm/compaction.c), the get_new_folio of compaction: takes a free page from
     * cc->freepages and makes it a referenced page.
     * Simplification: the destination is a fixed free folio per compactor; the free scanner is not modelled.
     */
    public static Step compactionAlloc(FolioRef dst) {
        return Step.named("compaction_alloc")
                .args(e -> dst.of(e).name())
                .does(e -> {
                    Folio x = dst.of(e);
                    if (e.get(x.ref) != 0) {
                        throw new org.migcheck.model.lang.ModelError(x.ref.name(), "compaction_alloc of " + x.name()
                                + ", which is in use (refcount " + e.get(x.ref) + ")");
                    }
                    e.set(x.ref, 1);
                    e.set(x.freed, false);
                })
                .build();
    }

    /** compaction_free (mm/compaction.c), the put_new_folio of compaction: the unused destination goes back. */
    public static Step compactionFree(FolioRef dst) {
        return Step.named("compaction_free")
                .args(e -> dst.of(e).name())
                .does(e -> FolioOps.put(e, dst.of(e)))
                .build();
    }
}
