package org.migcheck.model.mm;

import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;

/**
 * The buffer-head {@code ->migrate_folio} implementations of mm/migrate.c (v6.19): buffer_migrate_folio
 * and buffer_migrate_folio_norefs (__buffer_migrate_folio with check_refs) with
 * buffer_migrate_lock_buffers (docs/scenarios/bdev-jbd2.md). The migration core around them
 * (migrate_folio_unmap, migrate_folio_move, move_to_new_folio, __migrate_folio, fallback_migrate_folio,
 * putback) is {@link Migrate}; constructing a BufferMigrate registers the mapping's buffer-head
 * ->migrate_folio and its try_to_free_buffers (for filemap_release_folio) with it.
 *
 * <p>Procedures take folio ids and the migrate_mode as parameters; the i_private_lock scheme is a
 * build-time constant of the model.
 *
 * <p>Kernel version: v6.19. Folds in: buffer_migrate_folio_norefs and its b_count scan with
 * invalidate_bh_lrus (v5.0, 89cb0888ca14 "mm: migrate: provide buffer_migrate_page_norefs()"), the SYNC_LIGHT !buffer_uptodate give-up in buffer_migrate_lock_buffers
 * (2023, "migrate_pages: avoid blocking for IO in MIGRATE_SYNC_LIGHT"), and the BH_Migrate scheme of
 * 2d900efff915 "mm/migrate: fix sleep in atomic for large folios and buffer heads" (v6.15), with the
 * pre-v6.15 scheme as a switch.
 */
public final class BufferMigrate {

    private final Migrate core;
    private final Model.Builder b;
    private final Mapping mapping;
    private final Buffers ring;
    private final boolean bhMigrate;
    private final int maxFolio;

    /** buffer_migrate_lock_buffers(head, mode): returns 1 when every buffer is locked; null without buffer heads. */
    public final Procedure lockBuffers;
    /** __buffer_migrate_folio(mapping, dst, src, mode, check_refs). */
    public final Procedure bufferMigrateCore;
    /** buffer_migrate_folio or buffer_migrate_folio_norefs, as the mapping's aops declare. */
    public final Procedure migrateFolio;

    /**
     * Declares the buffer-head ->migrate_folio of {@code ring.mapping()} (its aops must be
     * buffer_migrate_folio or buffer_migrate_folio_norefs, or have no ->migrate_folio at all, in which
     * case only try_to_free_buffers is registered for fallback_migrate_folio) for the folios the ring
     * of buffer heads {@code ring} can be attached to.
     *
     * @param bhMigrate   v6.15+ (2d900efff915): BH_Migrate is set on the head buffer and i_private_lock
     *                    covers only the b_count scan; false: the pre-2d900efff915 scheme, where
     *                    i_private_lock is held from the scan to the unlock of the buffers, across the copy
     */
    public BufferMigrate(Migrate core, Buffers ring, boolean bhMigrate) {
        this(core, ring.mapping(), ring, bhMigrate);
    }

    /**
     * buffer_migrate_folio[_norefs] of a block-based {@code mapping} whose folios carry no buffer heads in
     * the model (e.g. read by mpage_readahead in one bio): __buffer_migrate_folio always finds
     * {@code !folio_buffers(src)} and calls migrate_folio.
     */
    public BufferMigrate(Migrate core, Mapping mapping) {
        this(core, mapping, null, true);
    }

    private BufferMigrate(Migrate core, Mapping mapping, Buffers ring, boolean bhMigrate) {
        this.core = core;
        this.b = core.mm().builder();
        this.mapping = mapping;
        this.ring = ring;
        this.bhMigrate = bhMigrate;
        this.maxFolio = core.mm().folios().size() - 1;
        if (ring != null) {
            core.tryToFreeBuffers(mapping, ring.tryToFreeBuffers());
        }
        boolean norefs = mapping.migrateFolio() == Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO_NOREFS;
        if (norefs || mapping.migrateFolio() == Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO) {
            this.lockBuffers = ring == null ? null : declareLockBuffers();
            this.bufferMigrateCore = declareBufferMigrateCore();
            // buffer_migrate_folio: check_refs = false; buffer_migrate_folio_norefs: check_refs = true
            this.migrateFolio = core.wrapper(norefs ? "buffer_migrate_folio_norefs" : "buffer_migrate_folio",
                    bufferMigrateCore, norefs ? 1 : 0);
            core.aops(mapping, migrateFolio);
        } else if (ring == null) {
            throw new ModelError(mapping.name(), "BufferMigrate without buffer heads needs a buffer_migrate_folio mapping");
        } else {
            this.lockBuffers = null;
            this.bufferMigrateCore = null;
            this.migrateFolio = null;
        }
    }

    // ---------------------------------------------------------------- buffer locking

    /**
     * buffer_migrate_lock_buffers (mm/migrate.c): trylock every buffer; on failure ASYNC gives up,
     * SYNC_LIGHT gives up on a !buffer_uptodate buffer (every modelled buffer is uptodate), otherwise
     * lock_buffer sleeps. Giving up unlocks the buffers locked so far.
     */
    private Procedure declareLockBuffers() {
        Procedure p = b.procedure("buffer_migrate_lock_buffers");
        Local mode = p.param("mode", Migrate.MIGRATE_ASYNC, Migrate.MIGRATE_SYNC);
        Local i = p.local("i", 0, ring.size());
        Local j = p.local("j", 0, ring.size());
        Local ok = p.local("ok", 0, 1);
        Local failed = p.local("failed", 0, 1);
        Buffers.BhRef bh = ring.at(i);
        p.body(c -> c
                .forRange(i, 0, ring.size(), each -> each
                        .step(Buffers.trylockBuffer(bh, ok))
                        .ifLocal(e -> e.local(ok) == 0, busy -> busy.ifLocalElse(e -> e.local(mode) == Migrate.MIGRATE_ASYNC,
                                async -> async.assign(failed, e -> 1).breakLoop(),
                                sleep -> sleep.step(Buffers.lockBuffer(bh)))))
                .ifLocal(e -> e.local(failed) == 1, undo -> undo
                        .assign(j, e -> 0)
                        .whileLocal(e -> e.local(j) < e.local(i), w -> w
                                .step(Buffers.unlockBuffer(ring.at(j)))
                                .assign(j, e -> e.local(j) + 1))
                        .ret(e -> 0))
                .ret(e -> 1));
        return p;
    }

    // ---------------------------------------------------------------- ->migrate_folio implementations

    /**
     * __buffer_migrate_folio (mm/migrate.c, v6.19; {@code bhMigrate == false}: before 2d900efff915).
     * no buffers -> migrate_folio; refcount != expected -> -EAGAIN; lock
     * all buffers; with check_refs: set BH_Migrate, scan b_count under i_private_lock, once
     * invalidate_bh_lrus and rescan, still busy -> -EAGAIN; filemap_migrate_folio; repoint every
     * buffer at dst; clear BH_Migrate; unlock the buffers.
     */
    private Procedure declareBufferMigrateCore() {
        Procedure migrateFolio = core.migrateFolio();
        Procedure p = b.procedure("__buffer_migrate_folio");
        Local src = p.param("src", 0, maxFolio);
        Local dst = p.param("dst", 0, maxFolio);
        Local checkRefs = p.param("check_refs", 0, 1);
        Local mode = p.param("mode", Migrate.MIGRATE_ASYNC, Migrate.MIGRATE_SYNC);
        Local rc = p.local("rc", Migrate.EBUSY, Migrate.SUCCESS);
        FolioRef s = core.mm().at(src);
        Cond noBuffers = Cond.of("!folio_buffers", e -> s.of(e).name(),
                e -> ring == null ? !e.isSet(s.of(e).private_) : !ring.attachedTo(e, s.of(e)));
        if (ring == null) {
            return p.body(c -> c
                    .ifThen(noBuffers, none -> none
                            .callInto(rc, migrateFolio, e -> e.local(src), e -> e.local(dst), e -> e.local(mode))
                            .ret(e -> e.local(rc)))
                    .step(Step.named("folio_buffers").args(e -> s.of(e).name()).does(e -> {
                        throw new ModelError(s.of(e).name(), s.of(e).name() + " has PG_private, but no buffer heads are modelled for "
                                + mapping.name());
                    }).build()));
        }
        Procedure filemapMigrateFolio = core.filemapMigrateFolio();
        Local ok = p.local("locked", 0, 1);
        Local busy = p.local("busy", 0, 1);
        Local invalidated = p.local("invalidated", 0, 1);
        Local recheck = p.local("recheck", 0, 1);
        Local i = p.local("i", 0, ring.size());
        FolioRef d = core.mm().at(dst);
        Buffers.BhRef bh = ring.at(i);
        return p.body(c -> c
                .ifThen(noBuffers, none -> none
                        .callInto(rc, migrateFolio, e -> e.local(src), e -> e.local(dst), e -> e.local(mode))
                        .ret(e -> e.local(rc)))
                // check whether the folio has no extra refs before doing more work
                .ifThen(Cond.of("folio_ref_count", e -> s.of(e).name() + ") != (expected " + Migrate.expectedRefs(e, s.of(e)),
                        e -> e.get(s.of(e).ref) != Migrate.expectedRefs(e, s.of(e))), busyRef -> busyRef.ret(e -> Migrate.EAGAIN))
                .callInto(ok, lockBuffers, e -> e.local(mode))
                .ifLocal(e -> e.local(ok) == 0, fail -> fail.ret(e -> Migrate.EAGAIN))
                .assign(rc, e -> Migrate.SUCCESS)
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
                                giveUp -> giveUp.assign(rc, e -> Migrate.EAGAIN),
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
                .ifLocal(e -> e.local(rc) == Migrate.SUCCESS, go -> go
                        .callInto(rc, filemapMigrateFolio, e -> e.local(src), e -> e.local(dst), e -> e.local(mode))
                        .ifLocal(e -> e.local(rc) == Migrate.SUCCESS, moved -> moved
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
    }
}
