package org.migcheck.model.mm;

import java.util.List;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.LockEvent;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;

/**
 * Readahead into a block-backed mapping (mm/readahead.c page_cache_ra_unbounded, read_pages;
 * fs/mpage.c mpage_readahead, do_mpage_readpage, mpage_read_end_io; v6.19). The property that
 * matters for SCENARIOS.md 4.2: every folio of the batch is added to the page cache and the LRU
 * <em>locked</em> and not uptodate, and stays locked until its read completes; the bio for them is
 * allocated while they are locked.
 *
 * <p>{@code page_cache_ra_unbounded()} runs the whole readahead of the given folios in the calling
 * thread; {@link #endIoThread(String)} declares the I/O completion (mpage_read_end_io, in interrupt
 * context) that marks them uptodate and unlocks them once the bio is submitted.
 *
 * <p>Simplifications (each also stated at its code): the folios are contiguous on disk, so one bio
 * carries them all and is allocated once, for the first folio; filemap_alloc_folio always succeeds
 * (the memory pressure explored is the bio's); read_pages' blk_plug is not modelled.
 */
public final class Readahead {
    /** Resource provided by submit_bio to the I/O completion. */
    public static final String BIO = "bio";

    private final Model.Builder b;
    private final PageAlloc alloc;
    private final List<Folio> folios;
    private final int node;
    private final int gfp;
    /** The read bio has been submitted (submit_bio), so the device will complete it. */
    public final Var bioSubmitted;
    private Procedure unbounded;
    private Procedure mpageReadahead;
    private Procedure bioAlloc;

    /**
     * @param folios  the folios of one readahead batch (initially free: not allocated yet)
     * @param node    the node the bio's memory comes from (whose zone direct compaction works on)
     * @param gfp     readahead_gfp_mask(mapping): the mapping's gfp | __GFP_NORETRY | __GFP_NOWARN
     */
    public Readahead(Mm mm, PageAlloc alloc, List<Folio> folios, int node, int gfp) {
        this.b = mm.builder();
        this.alloc = alloc;
        this.folios = List.copyOf(folios);
        this.node = node;
        this.gfp = gfp;
        if (folios.isEmpty()) {
            throw new ModelError("readahead", "Readahead needs at least one folio");
        }
        this.bioSubmitted = b.var("bio.submitted", 0, 1, 0, v -> v == 0 ? "no" : "yes", true);
    }

    /**
     * include/linux/pagemap.h filemap_alloc_folio(gfp, order).
     * Simplification: it always succeeds (order 0; the pressure the model explores is the bio allocation's).
     */
    private static Step filemapAllocFolio(Folio f) {
        return Step.named("filemap_alloc_folio").args(f.name())
                .does(e -> PageAlloc.postAllocHook(e, f)).build();
    }

    /**
     * mm/filemap.c filemap_add_folio: __folio_set_locked (non-atomic: nobody else can see the folio
     * yet), __filemap_add_folio (the page cache takes a reference), folio_add_lru. The folio is not
     * uptodate: read I/O has yet to fill it.
     * Simplification: folio_add_lru sets PG_lru at once (compact_zone's lru_add_drain would drain this CPU's batch anyway).
     */
    private static Step filemapAddFolio(Folio f) {
        return Step.named("filemap_add_folio").args(f.name())
                .does(e -> {
                    if (e.holder(f.lock) >= 0) {
                        throw new ModelError(f.name(), "filemap_add_folio on " + f.name() + ", which is locked");
                    }
                    e.set(f.lock.holderVar(), e.self() + 1);
                    e.emit(new LockEvent.Acquired(f.lock, e.self(), true));
                    e.set(f.uptodate, false);
                    e.set(f.inCache, true);
                    e.add(f.ref, 1);
                    e.set(f.lru, true);
                })
                .build();
    }

    /**
     * include/linux/pagemap.h readahead_folio: hands the next folio of the batch to the filesystem
     * and drops readahead's reference (the page cache keeps its own).
     */
    private static Step readaheadFolio(Folio f) {
        return Step.named("readahead_folio").args(f.name())
                .does(e -> FolioOps.put(e, f)).build();
    }

    /**
     * block/bio.c bio_alloc(bdev, nr_vecs, opf, gfp) for do_mpage_readpage: a bio_vec array of up to
     * 256 entries (4 KiB) from the biovec-256 slab, through mempool_alloc, whose second pass keeps
     * __GFP_DIRECT_RECLAIM; the slab refills with an order-3 page, so the allocation can enter direct
     * compaction. If it fails, mempool_alloc hands out a reserved element.
     * Simplification: the slab page is not a modelled folio; the bio is obtained whatever the page allocator returns (mempool reserve).
     */
    public Procedure bioAlloc() {
        if (bioAlloc != null) {
            return bioAlloc;
        }
        Procedure ap = alloc.allocPages();
        Procedure p = b.procedure("bio_alloc");
        Local ok = p.local("slab_page", 0, 1);
        p.body(x -> x.callInto(ok, ap, e -> 1, e -> node, e -> gfp, e -> -1));
        bioAlloc = p;
        return p;
    }

    /**
     * fs/mpage.c mpage_readahead: for each folio of the batch (readahead_folio), do_mpage_readpage maps
     * its blocks and adds it to the current bio, allocating the bio first if there is none; at the end
     * mpage_bio_submit submits the bio.
     * Simplification: the folios are contiguous on disk, so one bio carries them all.
     */
    public Procedure mpageReadahead() {
        if (mpageReadahead != null) {
            return mpageReadahead;
        }
        Procedure ba = bioAlloc();
        Procedure p = b.procedure("mpage_readahead");
        Local bio = p.local("bio", 0, 1);
        p.body(x -> {
            for (Folio f : folios) {
                x.step(readaheadFolio(f));
                // do_mpage_readpage: if (!args->bio) args->bio = bio_alloc(...); bio_add_folio(...)
                x.ifLocal(e -> e.local(bio) == 0, y -> y.call(ba).assign(bio, e -> 1));
            }
            x.step(Step.named("submit_bio").args("read " + names())
                    .provides(BIO)
                    .does(e -> e.set(bioSubmitted, 1)).build());
        });
        mpageReadahead = p;
        return p;
    }

    /**
     * mm/readahead.c page_cache_ra_unbounded: for each index, filemap_alloc_folio and
     * filemap_add_folio (locked, in the page cache, on the LRU); then read_pages ->
     * aops->readahead (mpage_readahead).
     */
    public Procedure pageCacheRaUnbounded() {
        if (unbounded != null) {
            return unbounded;
        }
        Procedure mr = mpageReadahead();
        Procedure p = b.procedure("page_cache_ra_unbounded");
        p.body(x -> {
            for (Folio f : folios) {
                x.step(filemapAllocFolio(f));
                x.step(filemapAddFolio(f));
            }
            x.call(mr); // read_pages(ractl) -> aops->readahead(rac)
        });
        unbounded = p;
        return p;
    }

    /**
     * The read completion: the block layer calls bio_endio -> mpage_read_end_io, which ends the read of
     * every folio in the bio with folio_end_read(folio, true): PG_uptodate set and PG_locked cleared
     * in one atomic operation, waking waiters. Its wait for the bio is a declared idle point (a device
     * with nothing submitted).
     */
    public void endIoThread(String name) {
        Procedure t = b.thread(name);
        t.body(x -> {
            x.step(Step.named("bio_endio").args("read " + names())
                    .idle()
                    .when(e -> e.isSet(bioSubmitted))
                    .blockedBy(e -> new BlockReason.OnCondition("a submitted read bio", BIO))
                    .build());
            for (Folio f : folios) {
                x.step(Step.named("folio_end_read").args(f.name() + ", success")
                        .provides("lock")
                        .does(e -> {
                            if (e.holder(f.lock) < 0) {
                                throw new ModelError(f.name(), "folio_end_read on " + f.name() + ", which is not locked");
                            }
                            e.emit(new FolioEvent.Accessed(f, "folio_end_read"));
                            e.set(f.uptodate, true);
                            e.set(f.lock.holderVar(), 0);
                            e.emit(new LockEvent.Released(f.lock, e.self()));
                        })
                        .build());
            }
        });
    }

    private String names() {
        return String.join(", ", folios.stream().map(Folio::name).toList());
    }
}
