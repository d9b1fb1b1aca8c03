package org.migcheck.model.mm;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;

/**
 * The movable_ops parts of mm/migrate.c (v6.19; docs/scenarios/movable-ops.md): {@code isolate_movable_ops_page},
 * {@code migrate_movable_ops_page} and {@code putback_movable_ops_page}. Constructing a MovableOps
 * registers them with the migration core ({@link Migrate}), whose migrate_folio_unmap locks a
 * movable_ops source like any folio, whose migrate_folio_move calls migrate_movable_ops_page for it,
 * and whose putback_movable_pages calls putback_movable_ops_page.
 *
 * <p>A movable_ops page is a {@link Folio} without mapping ({@code inCache=false, lru=false});
 * PG_movable_ops is {@link Folio#movableOps} and PG_movable_ops_isolated is {@link Folio#isolated}.
 * The page owner's callbacks ({@code struct movable_operations}, include/linux/migrate.h) come in as
 * {@link Operations}.
 *
 * <p>Return-value conventions of the procedures: isolate returns 1 (true) / 0 (false);
 * migrate_movable_ops_page returns 0 / -EAGAIN.
 *
 * <p>Kernel version: v6.19. Folds in the 2025 movable_ops rework (PG_movable_ops and
 * PG_movable_ops_isolated page flags, the dispatch moved to migrate_folio_move by "mm/migrate: move
 * movable_ops page handling out of move_to_new_folio()"), and the rules merged in v4.8 for non-LRU
 * movable pages (get-unless-zero reference, trylock, isolated flag under the page lock); the putback
 * under the page lock is a hypothetical caller, no kernel's.
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
        /** Mutation: a plain get, which resurrects a page whose last reference is gone. */
        PLAIN,
        /** Mutation: no reference at all (the isolated page is not pinned). */
        NONE
    }

    /**
     * Behaviour switches of the core, the kernel's being {@code (TRY_GET, true, true, false)}.
     *
     * @param getRef                how isolation takes its reference
     * @param checkIsolated         isolation tests PG_movable_ops_isolated under the page lock
     * @param lockForIsolation      isolation trylocks the page (false: a mutation without the lock)
     * @param putbackUnderPageLock  a hypothetical caller (no kernel did this): a failed migration puts the page back
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
    private final Set<Integer> pages = new HashSet<>();

    /** isolate_movable_ops_page(page) -> 1 when isolated (the core then holds a reference). */
    public final Procedure isolate;
    /** putback_movable_ops_page(page). */
    public final Procedure putback;
    /** migrate_movable_ops_page(dst, src, mode) -> 0 or -EAGAIN. */
    public final Procedure migrateMovableOpsPage;

    /**
     * The movable_ops side of {@code core} for {@code pages}, the folios that are (or may become) pages
     * of the owner's type.
     */
    public MovableOps(Migrate core, Operations ops, Config cfg, List<Folio> pages) {
        this.mm = core.mm();
        this.ops = ops;
        this.cfg = cfg;
        this.nFolios = mm.folios().size();
        for (Folio f : pages) {
            this.pages.add(f.id());
        }
        Model.Builder b = mm.builder();
        this.isolate = declareIsolate(b);
        this.putback = declarePutback(b);
        this.migrateMovableOpsPage = declareMigrateMovableOpsPage(b);
        core.movableOps(this);
    }

    /** page_has_movable_ops for folio {@code id}: one of the owner's pages. */
    boolean owns(int id) { return pages.contains(id); }

    /** isolate_movable_ops_page keeps a reference, which migrate_folio_done or the putback drops (false: the NONE mutation). */
    boolean isolationHoldsRef() { return cfg.getRef() != GetRef.NONE; }

    /** The hypothetical caller: migrate_folio_move's failure path puts the page back while it holds the page lock. */
    boolean putbackUnderPageLock() { return cfg.putbackUnderPageLock(); }

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
        Local page = p.param("page", 0, nFolios - 1).markObjectRef();
        Local ok = p.local("ok", 0, 1);
        Local isolated = p.local("isolated", 0, 1);
        FolioRef f = mm.at(page);
        boolean ref = cfg.getRef() != GetRef.NONE;
        boolean lock = cfg.lockForIsolation();
        return p.body(body -> {
            switch (cfg.getRef()) {
                case TRY_GET -> {
                    body.step(FolioOps.folioTryGet("folio_get_nontail_page", f, ok));
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
        Local page = p.param("page", 0, nFolios - 1).markObjectRef();
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
     * migrate_movable_ops_page(dst, src, mode) (mm/migrate.c), called by migrate_folio_move with both
     * pages locked: rc = ops->migrate_page(dst, src, mode); on 0 ClearPageMovableOpsIsolated(src) (owner
     * of src and dst swapped); on failure src stays isolated and ownership is unchanged. Returns
     * 0 or -EAGAIN.
     */
    private Procedure declareMigrateMovableOpsPage(Model.Builder b) {
        Procedure p = b.procedure("migrate_movable_ops_page");
        Local dst = p.param("dst", 0, nFolios - 1).markObjectRef();
        Local src = p.param("src", 0, nFolios - 1).markObjectRef();
        p.param("mode", Migrate.MIGRATE_ASYNC, Migrate.MIGRATE_SYNC);
        Local rc = p.local("rc", 0, 1);
        FolioRef s = mm.at(src);
        // Simplification: the owner's migrate_page callback takes no mode (the balloon ignores it).
        return p.body(body -> body
                .callInto(rc, ops.migratePage(), e -> e.local(dst), e -> e.local(src))
                .ifLocal(e -> e.local(rc) != 0, failed -> failed.ret(e -> Migrate.EAGAIN))
                .step(clearPageMovableOpsIsolated(s))
                .ret(e -> Migrate.SUCCESS));
    }
}
