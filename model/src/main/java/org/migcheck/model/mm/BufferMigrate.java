package org.migcheck.model.mm;

import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Sleep;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;

/**
 * Migration of one block-device page-cache folio with buffer heads (mm/migrate.c, v6.19):
 * buffer_migrate_folio, buffer_migrate_folio_norefs (__buffer_migrate_folio with check_refs),
 * fallback_migrate_folio, filemap_migrate_folio / migrate_folio (__migrate_folio), folio_mc_copy and
 * __folio_migrate_mapping; and the migration core they run in (compaction's
 * isolate_migratepages_block, migrate_folio_unmap, migrate_folio_move, move_to_new_folio,
 * migrate_folio_done, putback_movable_pages), SCENARIOS.md 1.4 steps 1-16.
 *
 * <p>Folios are passed as folio ids (procedure parameters); the migrate_mode, the i_private_lock
 * scheme and the folio size are build-time constants of the model (one migrator), so testing them
 * costs no step.
 *
 * <p>Simplification: one folio, one attempt: no retry passes of migrate_pages_batch (-EAGAIN undoes at once).
 * Simplification: the source folio is not mapped in any page table (no try_to_migrate / remove_migration_ptes).
 * Simplification: a large folio's refcounts are counted as for one page; only folio_mc_copy's per-page loop depends on its size.
 */
public final class BufferMigrate {

    /** enum migrate_mode (include/linux/migrate_mode.h, v6.19). */
    public enum Mode { ASYNC, SYNC_LIGHT, SYNC }

    /** MIGRATEPAGE_SUCCESS. */
    public static final int SUCCESS = 0;
    /** -EAGAIN. */
    public static final int EAGAIN = 1;
    /** -EBUSY. */
    public static final int EBUSY = 2;

    private static final String[] RC = {"MIGRATEPAGE_SUCCESS", "-EAGAIN", "-EBUSY"};

    /** The name of a return code, for labels. */
    public static String rc(int rc) { return RC[rc]; }

    private final Model.Builder b;
    private final Mapping mapping;
    private final Buffers ring;
    private final Task task;
    private final Mode mode;
    private final boolean bhMigrate;
    private final boolean largeFolio;
    private final int maxFolio;

    /** buffer_migrate_lock_buffers(head, mode): returns 1 when every buffer is locked. */
    public final Procedure lockBuffers;
    /** __folio_migrate_mapping(mapping, dst, src, expected): returns MIGRATEPAGE_SUCCESS or -EAGAIN. */
    public final Procedure folioMigrateMapping;
    /** __migrate_folio(mapping, dst, src, src_private, mode). */
    public final Procedure migrateFolioCore;
    /** migrate_folio(mapping, dst, src, mode): __migrate_folio without private data. */
    public final Procedure migrateFolio;
    /** filemap_migrate_folio(mapping, dst, src, mode): __migrate_folio with folio_get_private(src). */
    public final Procedure filemapMigrateFolio;
    /** __buffer_migrate_folio(mapping, dst, src, mode, check_refs). */
    public final Procedure bufferMigrateCore;
    /** buffer_migrate_folio: __buffer_migrate_folio with check_refs = false. */
    public final Procedure bufferMigrateFolio;
    /** buffer_migrate_folio_norefs: __buffer_migrate_folio with check_refs = true. */
    public final Procedure bufferMigrateFolioNorefs;
    /** filemap_release_folio(folio, GFP_KERNEL) (mm/filemap.c): returns 1 when private data is gone. */
    public final Procedure filemapReleaseFolio;
    /** fallback_migrate_folio(mapping, dst, src, mode). */
    public final Procedure fallbackMigrateFolio;
    /** move_to_new_folio(dst, src, mode): the mapping's ->migrate_folio, or the fallback. */
    public final Procedure moveToNewFolio;
    /** migrate_folio_unmap: allocate dst, lock src (per mode), writeback check, lock dst. */
    public final Procedure migrateFolioUnmap;
    /** migrate_folio_move: move_to_new_folio and the success or undo tail. */
    public final Procedure migrateFolioMove;

    /**
     * Declares the migration procedures for folios of {@code mapping} whose buffers are {@code ring},
     * run by the thread whose context is {@code task}.
     *
     * @param bhMigrate   v6.15+ (2d900efff915): BH_Migrate is set on the head buffer and i_private_lock
     *                    covers only the b_count scan; false: the pre-2d900efff915 scheme, where
     *                    i_private_lock is held from the scan to the unlock of the buffers, across the copy
     * @param largeFolio  the source folio has more than one page: folio_mc_copy calls cond_resched between pages
     */
    public BufferMigrate(Mm mm, Mapping mapping, Buffers ring, Task task, Mode mode, boolean bhMigrate, boolean largeFolio) {
        this.b = mm.builder();
        this.mapping = mapping;
        this.ring = ring;
        this.task = task;
        this.mode = mode;
        this.bhMigrate = bhMigrate;
        this.largeFolio = largeFolio;
        this.maxFolio = mm.folios().size() - 1;
        this.lockBuffers = declareLockBuffers();
        this.folioMigrateMapping = declareFolioMigrateMapping();
        this.migrateFolioCore = declareMigrateFolioCore();
        this.migrateFolio = wrapper("migrate_folio", migrateFolioCore, 0);
        this.filemapMigrateFolio = wrapper("filemap_migrate_folio", migrateFolioCore, 1);
        this.bufferMigrateCore = declareBufferMigrateCore();
        this.bufferMigrateFolio = wrapper("buffer_migrate_folio", bufferMigrateCore, 0);
        this.bufferMigrateFolioNorefs = wrapper("buffer_migrate_folio_norefs", bufferMigrateCore, 1);
        this.filemapReleaseFolio = declareFilemapReleaseFolio(ring.tryToFreeBuffers());
        this.fallbackMigrateFolio = declareFallbackMigrateFolio();
        this.moveToNewFolio = declareMoveToNewFolio();
        this.migrateFolioUnmap = declareMigrateFolioUnmap();
        this.migrateFolioMove = declareMigrateFolioMove();
    }

    public Mode mode() { return mode; }

    private Folio folio(int id) { return ring.folio(id); }

    private FolioRef ref(Local l) { return e -> folio(e.local(l)); }

    /**
     * folio_expected_ref_count(src) + 1 (include/linux/mm.h, mm/migrate.c): one reference from the page
     * cache, one for PG_private, none from page tables (not mapped), plus the migrator's isolation reference.
     */
    public static int expectedRefs(Exec e, Folio f) {
        return (e.isSet(f.inCache) ? 1 : 0) + (e.isSet(f.private_) ? 1 : 0) + 1;
    }

    /** A kernel wrapper {@code name(src, dst)} that returns {@code callee(src, dst, flag)}. */
    private Procedure wrapper(String name, Procedure callee, int flag) {
        Procedure p = b.procedure(name);
        Local src = p.param("src", 0, maxFolio);
        Local dst = p.param("dst", 0, maxFolio);
        Local rc = p.local("rc", 0, 2);
        p.body(c -> c.callInto(rc, callee, e -> e.local(src), e -> e.local(dst), e -> flag).ret(e -> e.local(rc)));
        return p;
    }

    // ---------------------------------------------------------------- buffer locking

    /**
     * buffer_migrate_lock_buffers (mm/migrate.c): trylock every buffer; on failure ASYNC gives up,
     * SYNC_LIGHT gives up on a !buffer_uptodate buffer (every modelled buffer is uptodate), otherwise
     * lock_buffer sleeps. Giving up unlocks the buffers locked so far.
     */
    private Procedure declareLockBuffers() {
        Procedure p = b.procedure("buffer_migrate_lock_buffers");
        Local i = p.local("i", 0, ring.size());
        Local j = p.local("j", 0, ring.size());
        Local ok = p.local("ok", 0, 1);
        Local failed = p.local("failed", 0, 1);
        Buffers.BhRef bh = ring.at(i);
        p.body(c -> c
                .forRange(i, 0, ring.size(), each -> each
                        .step(Buffers.trylockBuffer(bh, ok))
                        .ifLocal(e -> e.local(ok) == 0, busy -> {
                            if (mode == Mode.ASYNC) {
                                busy.assign(failed, e -> 1).breakLoop();
                            } else {
                                busy.step(Buffers.lockBuffer(bh));
                            }
                        }))
                .ifLocal(e -> e.local(failed) == 1, undo -> undo
                        .assign(j, e -> 0)
                        .whileLocal(e -> e.local(j) < e.local(i), w -> w
                                .step(Buffers.unlockBuffer(ring.at(j)))
                                .assign(j, e -> e.local(j) + 1))
                        .ret(e -> 0))
                .ret(e -> 1));
        return p;
    }

    // ---------------------------------------------------------------- the mapping switch and the copy

    /**
     * __folio_migrate_mapping (mm/migrate.c): under the i_pages lock, folio_ref_freeze(src, expected)
     * or -EAGAIN; dst takes index, mapping and the page-cache reference; PG_dirty moves from src to dst
     * while the refs are frozen; the xarray slot now holds dst; src is unfrozen to expected - 1.
     *
     * <p>The frozen refcount is invisible to other threads: RCU lookups that see it retry until the slot points to dst.
     * Simplification: folio_ref_freeze, the slot switch and folio_ref_unfreeze are one step.
     */
    private Procedure declareFolioMigrateMapping() {
        Procedure p = b.procedure("__folio_migrate_mapping");
        Local src = p.param("src", 0, maxFolio);
        Local dst = p.param("dst", 0, maxFolio);
        Local ok = p.local("frozen", 0, 1);
        FolioRef s = ref(src);
        FolioRef d = ref(dst);
        p.body(c -> c
                .step(Steps.lock("xas_lock_irq", Model.fixed(mapping.iPages)))
                .step(Step.named("folio_ref_freeze")
                        .args(e -> s.of(e).name() + ", " + expectedRefs(e, s.of(e)))
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
                            e.set(f.inCache, false);
                            e.emit(new FolioEvent.RemovedFromCache(f));
                            e.set(t.inCache, true);
                            e.emit(new FolioEvent.Migrated(f, t));
                            // folio_ref_unfreeze(folio, expected_count - nr)
                            e.set(f.ref, expected - 1);
                        })
                        .build())
                .ifLocal(e -> e.local(ok) == 0, busy -> busy
                        .step(Steps.unlock("xas_unlock_irq", Model.fixed(mapping.iPages)))
                        .ret(e -> EAGAIN))
                .step(Steps.unlock("xas_unlock", Model.fixed(mapping.iPages)))
                .ret(e -> SUCCESS));
        return p;
    }

    /**
     * folio_mc_copy (mm/util.c): copy_mc_highpage for each page, with cond_resched() between pages
     * of a large folio.
     */
    private Step folioMcCopy(FolioRef dst, FolioRef src) {
        return Step.named("folio_mc_copy")
                .args(e -> dst.of(e).name() + ", " + src.of(e).name() + (largeFolio ? " [large]" : ""))
                .does(e -> {
                    e.emit(new FolioEvent.Accessed(src.of(e), "folio_mc_copy reads"));
                    e.emit(new FolioEvent.Accessed(dst.of(e), "folio_mc_copy writes"));
                    if (largeFolio) {
                        e.emit(new Sleep("cond_resched", "", Sleep.Kind.RESCHED));
                    }
                })
                .build();
    }

    /**
     * __migrate_folio (mm/migrate.c): recheck the refcount, folio_mc_copy, __folio_migrate_mapping,
     * then (src_private) folio_attach_private(dst, folio_detach_private(src)) and folio_migrate_flags.
     */
    private Procedure declareMigrateFolioCore() {
        Procedure p = b.procedure("__migrate_folio");
        Local src = p.param("src", 0, maxFolio);
        Local dst = p.param("dst", 0, maxFolio);
        Local srcPrivate = p.param("src_private", 0, 1);
        Local rc = p.local("rc", 0, 2);
        FolioRef s = ref(src);
        FolioRef d = ref(dst);
        p.body(c -> c
                .ifThen(Cond.of("folio_ref_count", e -> s.of(e).name() + ") != (expected " + expectedRefs(e, s.of(e)),
                        e -> e.get(s.of(e).ref) != expectedRefs(e, s.of(e))), busy -> busy.ret(e -> EAGAIN))
                .step(folioMcCopy(d, s))
                .callInto(rc, folioMigrateMapping, e -> e.local(src), e -> e.local(dst))
                .ifLocal(e -> e.local(rc) != SUCCESS, fail -> fail.ret(e -> e.local(rc)))
                // src_private = folio_get_private(src), read in the step: the folio lock keeps it stable
                .ifLocal(e -> e.local(srcPrivate) == 1, priv -> priv.step(folioAttachPrivate(d, s)))
                .step(folioMigrateFlags(d, s))
                .ret(e -> SUCCESS));
        return p;
    }

    /** folio_attach_private(dst, folio_detach_private(src)) (include/linux/pagemap.h): PG_private and its reference move. */
    private Step folioAttachPrivate(FolioRef dst, FolioRef src) {
        return Step.named("folio_attach_private")
                .args(e -> dst.of(e).name() + ", folio_detach_private(" + src.of(e).name() + ")")
                .does(e -> {
                    Folio f = src.of(e);
                    Folio t = dst.of(e);
                    if (!e.isSet(f.private_)) {
                        return;
                    }
                    e.emit(new FolioEvent.Accessed(f, "folio_detach_private"));
                    e.set(f.private_, false);
                    FolioOps.put(e, f);
                    e.set(t.private_, true);
                    e.add(t.ref, 1);
                })
                .build();
    }

    /** folio_migrate_flags (mm/migrate.c): PG_uptodate and the other page flags move to dst. */
    private Step folioMigrateFlags(FolioRef dst, FolioRef src) {
        return Step.named("folio_migrate_flags")
                .args(e -> dst.of(e).name() + ", " + src.of(e).name())
                .does(e -> {
                    e.emit(new FolioEvent.Accessed(src.of(e), "folio_migrate_flags"));
                    e.set(dst.of(e).uptodate, e.get(src.of(e).uptodate));
                })
                .build();
    }

    // ---------------------------------------------------------------- ->migrate_folio implementations

    /**
     * __buffer_migrate_folio (mm/migrate.c, v6.19; {@code bhMigrate == false}: before 2d900efff915).
     * SCENARIOS.md 1.4 steps 6-15: no buffers -> migrate_folio; refcount != expected -> -EAGAIN; lock
     * all buffers; with check_refs: set BH_Migrate, scan b_count under i_private_lock, once
     * invalidate_bh_lrus and rescan, still busy -> -EAGAIN; filemap_migrate_folio; repoint every
     * buffer at dst; clear BH_Migrate; unlock the buffers.
     */
    private Procedure declareBufferMigrateCore() {
        Procedure p = b.procedure("__buffer_migrate_folio");
        Local src = p.param("src", 0, maxFolio);
        Local dst = p.param("dst", 0, maxFolio);
        Local checkRefs = p.param("check_refs", 0, 1);
        Local rc = p.local("rc", 0, 2);
        Local ok = p.local("locked", 0, 1);
        Local busy = p.local("busy", 0, 1);
        Local invalidated = p.local("invalidated", 0, 1);
        Local recheck = p.local("recheck", 0, 1);
        Local i = p.local("i", 0, ring.size());
        FolioRef s = ref(src);
        FolioRef d = ref(dst);
        Buffers.BhRef bh = ring.at(i);
        p.body(c -> c
                .ifThen(Cond.of("!folio_buffers", e -> s.of(e).name(), e -> !ring.attachedTo(e, s.of(e))),
                        none -> none.callInto(rc, migrateFolio, e -> e.local(src), e -> e.local(dst)).ret(e -> e.local(rc)))
                // check whether the folio has no extra refs before doing more work
                .ifThen(Cond.of("folio_ref_count", e -> s.of(e).name() + ") != (expected " + expectedRefs(e, s.of(e)),
                        e -> e.get(s.of(e).ref) != expectedRefs(e, s.of(e))), busyRef -> busyRef.ret(e -> EAGAIN))
                .callInto(ok, lockBuffers)
                .ifLocal(e -> e.local(ok) == 0, fail -> fail.ret(e -> EAGAIN))
                .assign(rc, e -> SUCCESS)
                .ifLocal(e -> e.local(checkRefs) == 1, refs -> {
                    if (bhMigrate) {
                        refs.step(ring.testAndSetBhMigrate());
                    }
                    refs.assign(recheck, e -> 1).whileLocal(e -> e.local(recheck) == 1, loop -> {
                        // recheck_buffers:
                        loop.assign(recheck, e -> 0)
                                .assign(busy, e -> 0)
                                .step(Steps.lock("spin_lock", Model.fixed(mapping.iPrivate)))
                                .forRange(i, 0, ring.size(), scan -> scan
                                        .step(Buffers.readCount(bh, busy))
                                        .ifLocal(e -> e.local(busy) == 1, found -> found.breakLoop()));
                        if (bhMigrate) {
                            loop.step(Steps.unlock("spin_unlock", Model.fixed(mapping.iPrivate)));
                        }
                        loop.ifLocal(e -> e.local(busy) == 1, isBusy -> isBusy.ifLocalElse(e -> e.local(invalidated) == 1,
                                giveUp -> giveUp.assign(rc, e -> EAGAIN),
                                retry -> {
                                    if (!bhMigrate) {
                                        retry.step(Steps.unlock("spin_unlock", Model.fixed(mapping.iPrivate)));
                                    }
                                    retry.step(ring.invalidateBhLrus())
                                            .assign(invalidated, e -> 1)
                                            .assign(recheck, e -> 1);
                                }));
                    });
                })
                .ifLocal(e -> e.local(rc) == SUCCESS, go -> go
                        .callInto(rc, filemapMigrateFolio, e -> e.local(src), e -> e.local(dst))
                        .ifLocal(e -> e.local(rc) == SUCCESS, moved -> moved
                                .forRange(i, 0, ring.size(), each -> each.step(ring.folioSetBh(bh, d)))))
                // unlock_buffers:
                .ifLocal(e -> e.local(checkRefs) == 1, refs -> {
                    if (bhMigrate) {
                        refs.step(ring.clearBhMigrate());
                    } else {
                        refs.step(Steps.unlock("spin_unlock", Model.fixed(mapping.iPrivate)));
                    }
                })
                .forRange(i, 0, ring.size(), each -> each.step(Buffers.unlockBuffer(bh)))
                .ret(e -> e.local(rc)));
        return p;
    }

    /**
     * filemap_release_folio(folio, GFP_KERNEL) (mm/filemap.c): nothing to release -> true; under
     * writeback -> false; the bdev aops have no ->release_folio, so try_to_free_buffers.
     */
    private Procedure declareFilemapReleaseFolio(Procedure tryToFreeBuffers) {
        Procedure p = b.procedure("filemap_release_folio");
        Local f = p.param("folio", 0, maxFolio);
        Local ok = p.local("ok", 0, 1);
        FolioRef x = ref(f);
        p.body(c -> c
                .ifThen(Cond.of("!folio_needs_release", e -> x.of(e).name(), e -> !e.isSet(x.of(e).private_)),
                        nothing -> nothing.ret(e -> 1))
                .ifThen(Cond.of("folio_test_writeback", e -> x.of(e).name(), e -> e.isSet(x.of(e).writeback)),
                        wb -> wb.ret(e -> 0))
                .callInto(ok, tryToFreeBuffers, e -> e.local(f))
                .ret(e -> e.local(ok)));
        return p;
    }

    /**
     * fallback_migrate_folio (mm/migrate.c, v6.16+ without ->writepage): a dirty folio -> -EBUSY in
     * every mode; private data that filemap_release_folio cannot drop -> -EAGAIN in SYNC, else -EBUSY;
     * otherwise migrate_folio.
     */
    private Procedure declareFallbackMigrateFolio() {
        Procedure p = b.procedure("fallback_migrate_folio");
        Local src = p.param("src", 0, maxFolio);
        Local dst = p.param("dst", 0, maxFolio);
        Local ok = p.local("released", 0, 1);
        Local rc = p.local("rc", 0, 2);
        FolioRef s = ref(src);
        int cannotRelease = mode == Mode.SYNC ? EAGAIN : EBUSY;
        p.body(c -> c
                .ifThen(Cond.of("folio_test_dirty", e -> s.of(e).name(), e -> e.isSet(s.of(e).dirty)), dirty -> dirty.ret(e -> EBUSY))
                .callInto(ok, filemapReleaseFolio, e -> e.local(src))
                .ifLocal(e -> e.local(ok) == 0, kept -> kept.ret(e -> cannotRelease))
                .callInto(rc, migrateFolio, e -> e.local(src), e -> e.local(dst))
                .ret(e -> e.local(rc)));
        return p;
    }

    // ---------------------------------------------------------------- migration core

    /** move_to_new_folio (mm/migrate.c): the mapping's ->migrate_folio, or fallback_migrate_folio when it has none. */
    private Procedure declareMoveToNewFolio() {
        Procedure p = b.procedure("move_to_new_folio");
        Local src = p.param("src", 0, maxFolio);
        Local dst = p.param("dst", 0, maxFolio);
        Local rc = p.local("rc", 0, 2);
        Procedure aop = switch (mapping.migrateFolio()) {
            case BUFFER_MIGRATE_FOLIO -> bufferMigrateFolio;
            case BUFFER_MIGRATE_FOLIO_NOREFS -> bufferMigrateFolioNorefs;
            case FILEMAP_MIGRATE_FOLIO -> filemapMigrateFolio;
            case FALLBACK -> fallbackMigrateFolio;
        };
        p.body(c -> c.callInto(rc, aop, e -> e.local(src), e -> e.local(dst)).ret(e -> e.local(rc)));
        return p;
    }

    /**
     * isolate_migratepages_block (mm/compaction.c) for one folio: folio_try_get, then with
     * ISOLATE_ASYNC_MIGRATE (every mode but SYNC) skip folios under writeback, and dirty folios of a
     * mapping without ->migrate_folio; folio_test_clear_lru and isolate (the reference stays).
     * {@code isolated} = 1 when taken.
     * Simplification: one step; lru_lock and the NR_ISOLATED accounting are not modelled.
     */
    public Step isolateMigratepagesBlock(Folio f, Local isolated) {
        boolean asyncIsolate = mode != Mode.SYNC;
        boolean hasMigrateFolio = mapping.migrateFolio() != Mapping.MigrateFolio.FALLBACK;
        return Step.named("isolate_migratepages_block")
                .args(f.name())
                .does(e -> {
                    e.setLocal(isolated, 0);
                    if (!e.isSet(f.lru) || e.get(f.ref) == 0) {
                        return;
                    }
                    if (asyncIsolate && (e.isSet(f.writeback) || (e.isSet(f.dirty) && !hasMigrateFolio))) {
                        return;
                    }
                    e.emit(new FolioEvent.RefTaken(f, true));
                    e.add(f.ref, 1);
                    e.set(f.lru, false);
                    e.set(f.isolated, true);
                    e.emit(new FolioEvent.Isolated(f));
                    e.setLocal(isolated, 1);
                })
                .build();
    }

    /**
     * compaction_alloc (mm/compaction.c), get_new_folio of migrate_pages: the destination comes off
     * compaction's free list with refcount 1.
     */
    private Step compactionAlloc(FolioRef dst) {
        return Step.named("compaction_alloc")
                .args(e -> dst.of(e).name())
                .does(e -> {
                    Folio t = dst.of(e);
                    e.set(t.ref, 1);
                    e.set(t.freed, false);
                })
                .build();
    }

    /**
     * compaction_free (mm/compaction.c), put_new_folio: the unused destination goes back to
     * compaction's free list when folio_put_testzero drops its last reference.
     */
    public static Step compactionFree(FolioRef dst) {
        return Step.named("compaction_free")
                .args(e -> dst.of(e).name())
                .does(e -> FolioOps.put(e, dst.of(e)))
                .build();
    }

    /** folio_add_lru (mm/swap.c): the migrated destination goes onto the LRU (through the per-CPU batch). */
    public static Step folioAddLru(FolioRef f) {
        return Step.named("folio_add_lru")
                .args(e -> f.of(e).name())
                .does(e -> e.set(f.of(e).lru, true))
                .build();
    }

    /**
     * migrate_folio_unmap (mm/migrate.c), SCENARIOS.md 1.4 steps 2-5: get_new_folio; folio_trylock(src),
     * else ASYNC / PF_MEMALLOC / (SYNC_LIGHT and !uptodate) give up and otherwise folio_lock; under
     * writeback SYNC waits, other modes -EBUSY; folio_trylock(dst). On failure src is unlocked again;
     * the caller puts dst back and src on the LRU.
     */
    private Procedure declareMigrateFolioUnmap() {
        Procedure p = b.procedure("migrate_folio_unmap");
        Local src = p.param("src", 0, maxFolio);
        Local dst = p.param("dst", 0, maxFolio);
        Local ok = p.local("ok", 0, 1);
        FolioRef s = ref(src);
        FolioRef d = ref(dst);
        p.body(c -> c
                .step(compactionAlloc(d))
                .step(FolioOps.folioTrylock(s, ok))
                .ifLocal(e -> e.local(ok) == 0, contended -> {
                    if (mode == Mode.ASYNC) {
                        contended.ret(e -> EAGAIN);
                        return;
                    }
                    // it is not safe for direct compaction to call lock_page
                    contended.ifThen(Cond.of("PF_MEMALLOC", "current=" + task.name(), e -> e.isSet(task.pfMemalloc())),
                            direct -> direct.ret(e -> EAGAIN));
                    if (mode == Mode.SYNC_LIGHT) {
                        contended.ifThen(Cond.of("!folio_test_uptodate", e -> s.of(e).name(), e -> !e.isSet(s.of(e).uptodate)),
                                io -> io.ret(e -> EAGAIN));
                    }
                    contended.step(FolioOps.folioLock(s));
                })
                .ifThen(Cond.of("folio_test_writeback", e -> s.of(e).name(), e -> e.isSet(s.of(e).writeback)), wb -> {
                    if (mode == Mode.SYNC) {
                        wb.step(FolioOps.folioWaitWriteback(s));
                    } else {
                        wb.step(FolioOps.folioUnlock(s)).ret(e -> EBUSY);
                    }
                })
                .step(FolioOps.folioTrylock(d, ok))
                .ifLocal(e -> e.local(ok) == 0, dstBusy -> dstBusy.step(FolioOps.folioUnlock(s)).ret(e -> EAGAIN))
                .ret(e -> SUCCESS));
        return p;
    }

    /**
     * migrate_folio_move (mm/migrate.c), SCENARIOS.md 1.4 step 16: move_to_new_folio; on success
     * folio_add_lru(dst), unlock and put dst, unlock src, migrate_folio_done(src) drops the isolation
     * reference and frees src. On failure (migrate_pages_batch's cleanup, migrate_folio_undo_src /
     * migrate_folio_undo_dst) both folios are unlocked and dst goes back to compaction.
     */
    private Procedure declareMigrateFolioMove() {
        Procedure p = b.procedure("migrate_folio_move");
        Local src = p.param("src", 0, maxFolio);
        Local dst = p.param("dst", 0, maxFolio);
        Local rc = p.local("rc", 0, 2);
        FolioRef s = ref(src);
        FolioRef d = ref(dst);
        p.body(c -> c
                .callInto(rc, moveToNewFolio, e -> e.local(src), e -> e.local(dst))
                .ifLocalElse(e -> e.local(rc) == SUCCESS, moved -> moved
                        .step(folioAddLru(d))
                        .step(FolioOps.folioUnlock(d))
                        .step(FolioOps.folioPut(d))
                        .step(FolioOps.folioUnlock(s))
                        .step(migrateFolioDone(s)),
                        failed -> failed
                                .step(FolioOps.folioUnlock(s))
                                .step(FolioOps.folioUnlock(d))
                                .step(compactionFree(d)))
                .ret(e -> e.local(rc)));
        return p;
    }

    /**
     * migrate_folio_done (mm/migrate.c) after list_del(&src->lru): the migrated source leaves the
     * isolation list and folio_put drops the migrator's reference, the last one: src is freed.
     */
    private Step migrateFolioDone(FolioRef src) {
        return Step.named("migrate_folio_done")
                .args(e -> src.of(e).name())
                .does(e -> {
                    Folio f = src.of(e);
                    e.set(f.isolated, false);
                    FolioOps.put(e, f);
                })
                .build();
    }

    /**
     * putback_movable_pages (mm/migrate.c) -> folio_putback_lru: a folio that was not migrated goes
     * back to the LRU and the isolation reference is dropped.
     */
    public Step putbackMovablePages(Folio f) {
        return Step.named("putback_movable_pages")
                .args(f.name())
                .does(e -> {
                    e.set(f.isolated, false);
                    e.set(f.lru, true);
                    FolioOps.put(e, f);
                })
                .build();
    }

    /**
     * The migrator's program (compact_zone -> isolate_migratepages_block -> migrate_pages ->
     * migrate_pages_batch for one folio): isolate {@code src}; migrate_folio_unmap; migrate_folio_move;
     * on failure put dst back and src on the LRU.
     */
    public void compactOne(Procedure thread, Folio src, Folio dst) {
        Local isolated = thread.local("isolated", 0, 1);
        Local rc = thread.local("rc", 0, 2);
        thread.body(c -> c
                .step(isolateMigratepagesBlock(src, isolated))
                .ifLocal(e -> e.local(isolated) == 1, go -> go
                        .callInto(rc, migrateFolioUnmap, e -> src.id(), e -> dst.id())
                        .ifLocalElse(e -> e.local(rc) == SUCCESS,
                                locked -> locked.callInto(rc, migrateFolioMove, e -> src.id(), e -> dst.id()),
                                notLocked -> notLocked.step(compactionFree(FolioRef.fixed(dst))))
                        .ifLocal(e -> e.local(rc) != SUCCESS, back -> back.step(putbackMovablePages(src)))));
    }
}
