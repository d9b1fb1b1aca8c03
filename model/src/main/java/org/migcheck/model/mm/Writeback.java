package org.migcheck.model.mm;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;

/**
 * Data writeback of one mapping (v6.19; docs/scenarios/truncate-writeback.md) and its I/O completion:
 * mm/page-writeback.c {@code writeback_iter} / {@code writeback_get_folio} /
 * {@code folio_prepare_writeback}, driven by a block filesystem's {@code ->writepages} that is
 * fs/mpage.c {@code mpage_writepages} (ext2), whose per-folio step {@code mpage_write_folio} (called
 * {@code __mpage_writepage} before Christoph Hellwig's 2025 "fs: use writeback_iter directly in
 * mpage_writepages", which came before v6.19; the release it entered is not confirmed here) sets
 * PG_writeback under the folio lock, unlocks, and submits the bio; the bio's completion
 * ({@code mpage_write_end_io}) calls {@code folio_end_writeback}.
 *
 * <p>Writeback owns no folio reference: the only references WB holds are those of
 * its folio batch ({@code filemap_get_folios_tag}), dropped by {@code folio_batch_release} once the
 * folios are submitted, while their I/O may still be in flight.
 *
 * <p>Construct it after every folio of the mapping is declared; it adds one "bio in flight" variable
 * per folio and the procedures {@code folio_prepare_writeback}, {@code mpage_write_folio} and
 * {@code mpage_writepages}.
 *
 * <p><b>Kernel:</b> v6.19 ({@code writeback_iter}; older kernels ran the same per-folio protocol in
 * {@code write_cache_pages}'s loop: lock, re-check the mapping, wait for or skip writeback, clear
 * dirty for I/O, start writeback under the lock, unlock). Fixes folded in: the end of writeback is
 * {@link FolioOps#folioEndWriteback}, which folds in 073861ed77b6 (v5.10), and the WB_SYNC_ALL wait is
 * {@link FolioOps#folioWaitWriteback}'s loop, which folds in c2407cf7d22d (v5.11; before it one wake-up
 * ended the wait); see {@link FolioOps}.
 */
public final class Writeback {

    /** {@code wbc->sync_mode} (include/linux/writeback.h). */
    public enum SyncMode {
        /** Background / kupdate writeback: a folio already under writeback is skipped. */
        WB_SYNC_NONE,
        /** Data-integrity writeback (fsync, sync): waits for a folio's previous writeback. */
        WB_SYNC_ALL
    }

    /** Where {@code mpage_write_folio} sets PG_writeback relative to unlocking the folio. */
    public enum Order {
        /** fs/mpage.c: folio_start_writeback, then folio_unlock, then submit (long-standing; which release introduced it is not checked). */
        KERNEL,
        /** The forbidden order (the wb-after-unlock mutation): folio_unlock, then folio_start_writeback. */
        WRITEBACK_AFTER_UNLOCK
    }

    /** Resource class provided by bio submission, waited for by the completion thread. */
    public static final String BIO = "bio";

    private final Mm mm;
    private final Mapping mapping;
    private final List<Folio> folios = new ArrayList<>();
    private final List<Var> bio = new ArrayList<>();
    private final SyncMode syncMode;
    private final Order order;

    /** {@code folio_prepare_writeback(mapping, wbc, folio)}: 1 when the locked folio is to be written. */
    public final Procedure folioPrepareWriteback;
    /** {@code mpage_write_folio(folio, wbc, mpd)}: called with the folio locked; returns with it unlocked. */
    public final Procedure mpageWritepage;
    /** {@code mpage_writepages(mapping, wbc, get_block)}: the {@code writeback_iter} loop. */
    public final Procedure mpageWritepages;

    public Writeback(Mm mm, Mapping mapping, SyncMode syncMode, Order order) {
        this.mm = mm;
        this.mapping = mapping;
        this.syncMode = syncMode;
        this.order = order;
        Model.Builder b = mm.builder();
        for (Folio f : mm.folios()) {
            if (f.mapping() == mapping) {
                folios.add(f);
                // A folio that starts under writeback has its bio in flight already.
                bio.add(b.flag(f.name() + ".bio", f.writeback.initial() != 0));
            }
        }
        if (folios.isEmpty()) {
            throw new ModelError(mapping.name(), "Writeback for " + mapping.name() + ": the mapping has no folios (declare them first)");
        }
        mapping.walkedBy("writeback_iter");
        if (folios.size() > 4) {
            throw new ModelError(mapping.name(), "Writeback models at most 4 folios of a mapping, " + mapping.name() + " has " + folios.size());
        }
        this.folioPrepareWriteback = definePrepareWriteback(b);
        this.mpageWritepage = defineMpageWritepage(b);
        this.mpageWritepages = defineMpageWritepages(b);
    }

    public SyncMode syncMode() { return syncMode; }

    public Order order() { return order; }

    /** The "bio in flight" flag of {@code f}: set by submission, cleared by {@code bio_endio}. */
    public Var bio(Folio f) {
        int i = folios.indexOf(f);
        if (i < 0) {
            throw new ModelError(f.name(), f.name() + " is not a folio of " + mapping.name());
        }
        return bio.get(i);
    }

    /** The folios of the mapping, in page-cache index order. */
    public List<Folio> folios() { return List.copyOf(folios); }

    private Procedure definePrepareWriteback(Model.Builder b) {
        // mm/page-writeback.c folio_prepare_writeback: called with the folio locked by writeback_get_folio.
        Procedure p = b.procedure("folio_prepare_writeback");
        Local f = p.param("folio", 0, mm.folios().size() - 1);
        Local wasDirty = p.local("was_dirty", 0, 1);
        FolioRef F = mm.at(f);
        p.body(body -> {
            // Folio truncated or invalidated meanwhile: skip it, even for data integrity.
            body.ifThen(Cond.of("folio->mapping != mapping", e -> F.of(e).name(), e -> !e.isSet(F.of(e).inCache)),
                    gone -> gone.ret(IntExpr.of(0)));
            // Did somebody else write it for us?
            body.ifThen(Cond.of("!folio_test_dirty", e -> F.of(e).name(), e -> !e.isSet(F.of(e).dirty)),
                    clean -> clean.ret(IntExpr.of(0)));
            body.ifThen(Cond.of("folio_test_writeback", e -> F.of(e).name(), e -> e.isSet(F.of(e).writeback)), wb -> {
                if (syncMode == SyncMode.WB_SYNC_NONE) {
                    wb.ret(IntExpr.of(0));
                } else {
                    wb.step(FolioOps.folioWaitWriteback(F));
                }
            });
            // Simplification: BUG_ON(folio_test_writeback(folio)) after the wait is not a step (WB holds the lock, so nobody can set it).
            body.step(FolioOps.folioClearDirtyForIo(F, wasDirty));
            body.ifLocal(e -> e.local(wasDirty) == 0, lost -> lost.ret(IntExpr.of(0)));
            body.ret(IntExpr.of(1));
        });
        return p;
    }

    private Procedure defineMpageWritepage(Model.Builder b) {
        // fs/mpage.c mpage_write_folio: maps the blocks, adds the folio to the bio, then
        // "folio_start_writeback(folio); folio_unlock(folio);" and submits at a boundary.
        Procedure p = b.procedure("mpage_write_folio");
        Local f = p.param("folio", 0, mm.folios().size() - 1);
        FolioRef F = mm.at(f);
        // Simplification: every folio is a boundary, so each gets its own bio, submitted right after the unlock.
        p.body(body -> {
            if (order == Order.KERNEL) {
                body.step(FolioOps.folioStartWriteback(F));
                body.step(FolioOps.folioUnlock(F));
            } else {
                body.step(FolioOps.folioUnlock(F));
                body.step(FolioOps.folioStartWriteback(F));
            }
            body.step(submitBio(F));
        });
        return p;
    }

    /** fs/mpage.c mpage_bio_submit_write -> submit_bio: the bio now points at the folio's memory. */
    private Step submitBio(FolioRef F) {
        return Step.named("mpage_bio_submit_write")
                .args(e -> F.of(e).name())
                .provides(BIO)
                .does(e -> {
                    Folio x = F.of(e);
                    e.emit(new FolioEvent.Accessed(x, "submit_bio (write I/O reads the folio)"));
                    e.set(bio(x), true);
                })
                .build();
    }

    private Procedure defineMpageWritepages(Model.Builder b) {
        // fs/mpage.c mpage_writepages: while ((folio = writeback_iter(mapping, wbc, folio, &error)))
        //     error = mpage_write_folio(wbc, folio, &mpd);
        Procedure p = b.procedure("mpage_writepages");
        int all = (1 << folios.size()) - 1;
        Local batch = p.local("fbatch", 0, all);
        Local ok = p.local("ok", 0, 1);
        p.body(body -> {
            // writeback_iter -> writeback_get_folio: the batch is empty, so look up tagged folios.
            body.step(filemapGetFoliosTag(batch));
            for (int i = 0; i < folios.size(); i++) {
                int bit = 1 << i;
                Folio x = folios.get(i);
                FolioRef X = FolioRef.fixed(x);
                body.ifLocal(e -> (e.local(batch) & bit) != 0, one -> one
                        // writeback_get_folio: folio_lock, then folio_prepare_writeback
                        .step(FolioOps.folioLock(X))
                        .callInto(ok, folioPrepareWriteback, IntExpr.of(x.id()))
                        .ifLocalElse(e -> e.local(ok) == 0,
                                skip -> skip.step(FolioOps.folioUnlock(X)),          // "folio_unlock(folio); goto retry;"
                                write -> write.call(mpageWritepage, IntExpr.of(x.id()))));
            }
            // writeback_get_folio: the batch is exhausted -> folio_batch_release; the next lookup finds
            // nothing tagged, so writeback_iter returns NULL.
            // Simplification: one lookup batch holds every tagged folio; the (empty) second lookup is not a step.
            body.step(folioBatchRelease("folio_batch_release", folios, batch));
        });
        return p;
    }

    /**
     * mm/filemap.c filemap_get_folios_tag: takes a reference (folio_try_get) on every folio tagged
     * DIRTY (WB_SYNC_NONE) or TOWRITE (WB_SYNC_ALL, after tag_pages_for_writeback).
     */
    private Step filemapGetFoliosTag(Local batch) {
        String tag = syncMode == SyncMode.WB_SYNC_ALL ? "PAGECACHE_TAG_TOWRITE" : "PAGECACHE_TAG_DIRTY";
        // Simplification: the xarray walk under RCU is one step, and a folio carries the DIRTY/TOWRITE tag iff it is cached and PG_dirty.
        // (The kernel clears the tag only in __folio_start_writeback, so a second writer of the mapping finds a folio whose
        // PG_dirty another writer cleared under the folio lock and sleeps in folio_lock; here it skips it, so a model
        // with two writers of one mapping misses that wait.)
        // Simplification: a folio whose refcount is frozen (a migration's folio_ref_freeze as a step of its own) is skipped;
        // the kernel's find_get_entry retries until the slot changes (the bundled migration freezes and switches in one step).
        return Step.named("filemap_get_folios_tag")
                .args(mapping.name() + ", " + tag)
                .does(e -> {
                    int mask = 0;
                    for (int i = 0; i < folios.size(); i++) {
                        Folio x = folios.get(i);
                        if (e.isSet(x.inCache) && e.isSet(x.dirty) && e.get(x.ref) > 0) {
                            e.emit(new FolioEvent.RefTaken(x, true));
                            e.add(x.ref, 1);
                            mask |= 1 << i;
                        }
                    }
                    e.setLocal(batch, mask);
                })
                .build();
    }

    /** mm/swap.c folio_batch_release: drops the batch's references; a last reference frees the folio. */
    static Step folioBatchRelease(String function, List<Folio> folios, Local batch) {
        return Step.named(function)
                .args(e -> {
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < folios.size(); i++) {
                        if ((e.local(batch) & (1 << i)) != 0) {
                            names.add(folios.get(i).name());
                        }
                    }
                    return String.join(", ", names);
                })
                .does(e -> {
                    for (int i = 0; i < folios.size(); i++) {
                        if ((e.local(batch) & (1 << i)) != 0) {
                            FolioOps.put(e, folios.get(i));
                        }
                    }
                })
                .build();
    }

    /**
     * The I/O completion of {@code f}'s write bio (actor IO), as a daemon's endless loop:
     * block/bio.c {@code bio_endio} -> fs/mpage.c {@code mpage_write_end_io} ->
     * {@code folio_end_writeback}. It rests (idle) while no bio of {@code f} is in flight.
     */
    public void bioCompletion(Body b, Folio f) {
        Var inFlight = bio(f);
        FolioRef F = FolioRef.fixed(f);
        b.forever(loop -> loop
                .step(Step.named("bio_endio")
                        .args(f.name())
                        .when(e -> e.isSet(inFlight))
                        .blockedBy(e -> new BlockReason.OnCondition("a write bio of " + f.name() + " to complete", BIO))
                        .idle()
                        .does(e -> {
                            e.emit(new FolioEvent.Accessed(f, "bio_endio"));
                            e.set(inFlight, false);
                        })
                        .build())
                // mpage_write_end_io: bio_for_each_folio_all -> folio_end_writeback
                .step(FolioOps.folioEndWriteback(F)));
    }
}
