package org.migcheck.model.mm;

import java.util.List;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.LockEvent;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Sleep;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;

/**
 * Large-folio readahead into a block-backed mapping (mm/readahead.c page_cache_ra_order,
 * ra_alloc_folio, ractl_alloc_folio, read_pages; fs/mpage.c mpage_readahead, do_mpage_readpage,
 * mpage_read_end_io; v6.19). The property that matters for docs/scenarios/source-locked-alloc.md: every folio of the batch
 * is added to the page cache and the LRU <em>locked</em> and not uptodate, and stays locked until its
 * read completes; the read is submitted only after the whole batch is allocated, so the allocation of
 * a later folio (an order-{@code order} filemap_alloc_folio, which may enter direct compaction) runs
 * while the earlier folios are locked.
 *
 * <p>With {@code nofsScope} (page_cache_ra_order since 30153e446664 "mm: use memalloc_nofs_save() in
 * page_cache_ra_order()", 2024; page_cache_ra_unbounded since v5.8, f2c817bed58d) the batch is
 * built and read inside memalloc_nofs_save(): current_gfp_context clears __GFP_FS from every allocation
 * in it, and isolate_migratepages_block then isolates no folio that has a mapping (only anonymous
 * ones), so direct compaction entered from readahead never picks a page-cache folio. Without it the
 * model is v6.19's path with that scope removed (large-folio readahead from v5.18 to the 2024 fix;
 * order-0 readahead before v5.8).
 *
 * <p>{@link #pageCacheRaOrder()} runs the whole readahead of the given folios in the calling thread;
 * {@link #endIoThread(String)} declares the I/O completion (mpage_read_end_io, in interrupt context)
 * that marks the folios of the submitted bio uptodate and unlocks them.
 *
 * <p>Simplifications (each also stated at its code): the folios are contiguous on disk, so one bio
 * carries them all; the batch's first folio comes from the free lists; filemap_invalidate_lock_shared,
 * read_pages' blk_plug and the order-0 fallback after a failed allocation are not modelled.
 *
 * <p>Kernel version: v6.19 (mm/readahead.c page_cache_ra_order, fs/mpage.c). Folds in the readahead
 * NOFS scope of page_cache_ra_order (30153e446664, 2024, switchable). That fix's report shows direct
 * compaction from page_cache_ra_order sleeping in folio_lock directly under migrate_pages_batch; we
 * take it to be the lock of try_split_folio (large folio, -ENOMEM from get_new_folio, non-ASYNC mode),
 * which has no PF_MEMALLOC check, but the trace does not name it (our inference, not checked);
 * {@link Migrate} does not model try_split_folio. Before v5.8 readahead allocated its pages
 * before locking them, which
 * the scenarios that switch the scope off state as a simplification.
 */
public final class Readahead {
    /** Resource provided by submit_bio to the I/O completion. */
    public static final String BIO = "bio";

    private final Mm mm;
    private final Model.Builder b;
    private final PageAlloc alloc;
    private final List<Folio> folios;
    private final int node;
    private final int order;
    private final int gfp;
    private final boolean nofsScope;
    /** The read bio has been submitted (submit_bio) with this many folios (0: not submitted). */
    public final Var bioSubmitted;
    private Procedure raOrder;
    private Procedure readPages;
    private Procedure mpageReadahead;
    private Procedure raAllocFolio;

    /**
     * @param folios     the folios of one readahead batch, in index order (initially free: not allocated yet)
     * @param node       the node their memory comes from (whose zone direct compaction works on)
     * @param order      the folios' order (ra->order)
     * @param gfp        readahead_gfp_mask(mapping): the mapping's gfp | __GFP_NORETRY | __GFP_NOWARN
     * @param nofsScope  page_cache_ra_order runs inside memalloc_nofs_save() (30153e446664, 2024); the calling task
     *                   needs {@link PageAlloc#declareNofsScope}
     */
    public Readahead(Mm mm, PageAlloc alloc, List<Folio> folios, int node, int order, int gfp, boolean nofsScope) {
        this.mm = mm;
        this.b = mm.builder();
        this.alloc = alloc;
        this.folios = List.copyOf(folios);
        this.node = node;
        this.order = order;
        this.gfp = gfp;
        this.nofsScope = nofsScope;
        if (folios.isEmpty()) {
            throw new ModelError("readahead", "Readahead needs at least one folio");
        }
        int n = folios.size();
        this.bioSubmitted = b.var("bio.submitted", 0, n, 0, v -> v == 0 ? "no" : "yes (" + names(v) + ")", true);
    }

    /**
     * include/linux/pagemap.h filemap_alloc_folio(gfp, order) for the batch's first folio.
     * Simplification: the first folio comes from the free lists at once (no readahead folio is locked yet, so its slow path is not the question).
     */
    private static Step filemapAllocFolioFast(FolioRef f) {
        return Step.named("filemap_alloc_folio").args(e -> f.of(e).name())
                .does(e -> PageAlloc.postAllocHook(e, f.of(e))).build();
    }

    /**
     * mm/filemap.c filemap_add_folio: __folio_set_locked (non-atomic: nobody else can see the folio
     * yet), __filemap_add_folio (the page cache takes a reference), folio_add_lru. The folio is not
     * uptodate: read I/O has yet to fill it.
     * Simplification: folio_add_lru sets PG_lru at once (compact_zone's lru_add_drain would drain this CPU's batch anyway).
     * Simplification: the xarray node allocation of __filemap_add_folio (xas_nomem, a slab object) is not modelled.
     * Simplification: filemap_add_folio's mem_cgroup_charge (before __folio_set_locked, while the batch's earlier folios
     * are locked) is not modelled: a model with a Memcg does not enter memcg reclaim here, where the kernel may.
     * Simplification: page_cache_ra_unbounded's filemap_invalidate_lock_shared is not modelled, so nothing here
     * excludes a truncation or hole punch of the mapping (Truncate, Shmem) that the kernel's invalidate_lock would.
     */
    private static Step filemapAddFolio(FolioRef r) {
        return Step.named("filemap_add_folio").args(e -> r.of(e).name())
                .does(e -> {
                    Folio f = r.of(e);
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
     * mm/readahead.c ra_alloc_folio(ractl, index, mark, order, gfp): folio = ractl_alloc_folio() ->
     * filemap_alloc_folio(gfp, order) -> alloc_pages; NULL -> -ENOMEM; filemap_add_folio. Returns 1
     * when the folio was added, 0 for -ENOMEM.
     */
    public Procedure raAllocFolio() {
        if (raAllocFolio != null) {
            return raAllocFolio;
        }
        Procedure ap = alloc.allocPages();
        Procedure p = b.procedure("ra_alloc_folio");
        Local folio = p.param("folio", 0, mm.folios().size() - 1);
        Local ok = p.local("folio_allocated", 0, 1);
        FolioRef f = mm.at(folio);
        int first = folios.get(0).id();
        p.body(x -> x
                .ifLocalElse(e -> e.local(folio) == first,
                        y -> y.step(filemapAllocFolioFast(f)).assign(ok, e -> 1),
                        y -> y.callInto(ok, ap, e -> order, e -> node, e -> gfp, e -> e.local(folio)))
                .ifLocal(e -> e.local(ok) == 0, y -> y.ret(e -> 0)) // if (!folio) return -ENOMEM;
                .step(filemapAddFolio(f))
                .ret(e -> 1));
        raAllocFolio = p;
        return p;
    }

    /**
     * block/bio.c bio_alloc(bdev, nr_vecs, opf, gfp) for do_mpage_readpage (gfp: the mapping's, with
     * __GFP_NORETRY for readahead, under the task's memalloc scope). It cannot reach direct compaction:
     * mempool_alloc's first pass clears __GFP_DIRECT_RECLAIM and __GFP_IO (mempool_adjust_gfp) and
     * takes a reserved element when the slab has none; only with the pool empty does it retry with the
     * caller's gfp, and then the slab's high-order attempt drops __GFP_RECLAIM (mm/slub.c
     * allocate_slab) and bvec_alloc's slab attempts clear __GFP_DIRECT_RECLAIM (bvec_alloc_gfp), so an
     * allocation that may reclaim is order 0 (no compaction) and direct reclaim only trylocks folios.
     * Simplification: one step that may sleep (might_alloc) and always gets the bio; the allocator is not entered.
     */
    private Step bioAlloc() {
        return Step.named("bio_alloc")
                .args(e -> Gfp.describe(alloc.currentGfpContext(e, gfp)))
                .does(e -> e.emit(new Sleep("bio_alloc", Gfp.describe(alloc.currentGfpContext(e, gfp)), Sleep.Kind.ALLOC)))
                .build();
    }

    /**
     * fs/mpage.c mpage_readahead(rac, get_block) for the first {@code nr} folios of the batch: for each
     * (readahead_folio), do_mpage_readpage maps its blocks and adds it to the current bio, allocating
     * the bio first if there is none; at the end mpage_bio_submit_read submits the bio.
     * Simplification: the folios are contiguous on disk, so one bio carries them all.
     */
    public Procedure mpageReadahead() {
        if (mpageReadahead != null) {
            return mpageReadahead;
        }
        Procedure p = b.procedure("mpage_readahead");
        Local nr = p.param("nr", 1, folios.size());
        Local bio = p.local("bio", 0, 1);
        p.body(x -> {
            for (int i = 0; i < folios.size(); i++) {
                Folio f = folios.get(i);
                int index = i;
                x.ifLocal(e -> index < e.local(nr), y -> y
                        .step(readaheadFolio(f))
                        // do_mpage_readpage: if (!args->bio) args->bio = bio_alloc(...); bio_add_folio(...)
                        .ifLocal(e -> e.local(bio) == 0, z -> z.step(bioAlloc()).assign(bio, e -> 1)));
            }
            x.step(Step.named("submit_bio").args(e -> "read " + names(e.local(nr)))
                    .provides(BIO)
                    .does(e -> e.set(bioSubmitted, e.local(nr))).build());
        });
        mpageReadahead = p;
        return p;
    }

    /**
     * mm/readahead.c read_pages(rac): nothing to do without folios (readahead_count); else
     * aops->readahead(rac) (mpage_readahead), which consumes every folio.
     * Simplification: blk_start_plug/blk_finish_plug and the psi accounting are not modelled.
     */
    public Procedure readPages() {
        if (readPages != null) {
            return readPages;
        }
        Procedure mr = mpageReadahead();
        Procedure p = b.procedure("read_pages");
        Local nr = p.param("nr", 0, folios.size());
        p.body(x -> x.ifLocal(e -> e.local(nr) > 0, y -> y.call(mr, e -> e.local(nr))));
        readPages = p;
        return p;
    }

    /**
     * mm/readahead.c page_cache_ra_order: nofs = memalloc_nofs_save() (the "Partway through the
     * readahead operation, we will have added locked pages to the page cache, but will not yet have
     * submitted them for I/O" comment of page_cache_ra_unbounded); for each index ra_alloc_folio, which
     * stops the batch at the first -ENOMEM; read_pages(ractl); memalloc_nofs_restore(nofs).
     * Simplification: filemap_invalidate_lock_shared/unlock_shared (v5.15+) are not modelled: no modelled thread takes invalidate_lock.
     * Simplification: the order-0 fallback (do_page_cache_ra) for the indices left after an -ENOMEM is not modelled.
     */
    public Procedure pageCacheRaOrder() {
        if (raOrder != null) {
            return raOrder;
        }
        Procedure rp = readPages();
        Procedure ra = raAllocFolio();
        Procedure p = b.procedure("page_cache_ra_order");
        Local nr = p.local("nr_folios", 0, folios.size());
        Local ok = p.local("ok", 0, 1);
        p.body(x -> {
            if (nofsScope) {
                x.step(alloc.memallocNofsSave());
            }
            x.assign(ok, e -> 1);
            for (Folio f : folios) {
                x.ifLocal(e -> e.local(ok) == 1, y -> y
                        .callInto(ok, ra, e -> f.id())
                        .ifLocal(e -> e.local(ok) == 1, z -> z.assign(nr, e -> e.local(nr) + 1)));
            }
            x.call(rp, e -> e.local(nr));
            if (nofsScope) {
                x.step(alloc.memallocNofsRestore());
            }
        });
        raOrder = p;
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
        Local n = t.local("bio_folios", 0, folios.size());
        t.body(x -> {
            x.step(Step.named("bio_endio").args(e -> e.get(bioSubmitted) == 0 ? "read" : "read " + names(e.get(bioSubmitted)))
                    .idle()
                    .when(e -> e.get(bioSubmitted) > 0)
                    .blockedBy(e -> new BlockReason.OnCondition("a submitted read bio", BIO))
                    .does(e -> e.setLocal(n, e.get(bioSubmitted)))
                    .build());
            for (int i = 0; i < folios.size(); i++) {
                Folio f = folios.get(i);
                int index = i;
                x.ifLocal(e -> index < e.local(n), y -> y.step(Step.named("folio_end_read").args(f.name() + ", success")
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
                        .build()));
            }
        });
    }

    /** The names of the first {@code n} folios of the batch. */
    private String names(int n) {
        return String.join(", ", folios.subList(0, Math.max(0, Math.min(n, folios.size()))).stream().map(Folio::name).toList());
    }
}
