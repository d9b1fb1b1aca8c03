package org.migcheck.model.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;

/**
 * A FUSE connection (fs/fuse/file.c, fs/fuse/dev.c, v6.19; with or without writeback_cache, which in this
 * model decides only whether its mappings carry AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM): the kernel's
 * writeback of a dirty folio into a FUSE_WRITE request (actor K of docs/scenarios/fuse-writeback-memcg.md), the request
 * queue ({@code fc->iq.pending}, then the processing list once the server has read it), the
 * userspace server that reads requests with {@code fuse_dev_do_read} and replies with
 * {@code fuse_dev_do_write} (actor S), and the end of writeback that the reply triggers (actor E:
 * {@code fuse_writepage_end} -> {@code fuse_writepage_finish} -> {@code iomap_finish_folio_write} ->
 * {@code folio_end_writeback}).
 *
 * <p>Two generations of FUSE writeback:
 * <ul>
 *   <li>without temp pages (v6.16+, 0c58a97f919c "fuse: remove tmp folio for writebacks and internal
 *       rb tree"): the request points at the page-cache folio, whose PG_writeback stays set until the
 *       server replies;</li>
 *   <li>with temp pages (before v6.16): {@code fuse_writepages_fill} copies the folio into a
 *       temporary folio (NR_WRITEBACK_TEMP), and {@code fuse_writepages_send} ends writeback of the
 *       page-cache folio as soon as the request is queued; the reply only frees the temporary folio.</li>
 * </ul>
 *
 * <p>Construct it after every folio is declared; it adds one request-state variable per folio.
 * Simplifications: one FUSE_WRITE request per folio; the server takes pending requests lowest folio
 * first (the kernel's list is FIFO); background-request accounting (max_background,
 * congestion_threshold), fi->lock and the request timeout / connection abort are not modelled;
 * the temporary folio is not modelled (it is on no LRU, so reclaim never sees it).
 * Simplification: the flusher's allocations while it holds a folio lock (the temporary folio, GFP_NOFS, before
 * v6.16; the request's own) are not modelled, so no reclaim or compaction is entered under that lock here.
 * Simplification: the block assumes that nothing truncates the file and that its flusher is the file's only
 * writer (folio_prepare_writeback's checks are not steps): combined with Truncate or a second flusher it
 * explores fewer interleavings than the kernel has.
 * Simplification: the request's I/O reference on a page-cache folio is dropped when the server reads the request
 * (fuse_dev_do_read); the kernel keeps ap->folios[] until the reply (fuse_writepage_finish -> iomap_finish_folio_write).
 *
 * <p><b>Kernel:</b> v6.19 for the default ({@code tempPages=false}); {@code tempPages=true} is the
 * writeback of kernels before v6.16 (the switch for the protocol that 0c58a97f919c changed). The v6.16
 * mapping flag AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM is a separate switch on the {@link Mapping}, so a
 * model can combine them (the scenario labels the combinations no kernel shipped as hypothetical).
 */
public final class Fuse {

    /** Resource class provided by queueing a request, waited for by fuse_dev_do_read. */
    public static final String REQUEST = "fuse_request";

    /** Request state: no request for the folio. */
    public static final int NONE = 0;
    /** Request state: on fc->iq.pending, not yet read by the server. */
    public static final int PENDING = 1;
    /** Request state: read by the server (fpq->processing), waiting for its reply. */
    public static final int PROCESSING = 2;

    /** Deliberate defects for mutation tests; NONE is the kernel. */
    public enum Mutation {
        NONE,
        /** The flusher sets PG_writeback without holding the folio lock (no folio_lock/folio_unlock around it). */
        START_WRITEBACK_UNLOCKED
    }

    private final Mm mm;
    private final boolean tempPages;
    private final Mutation mutation;
    private final List<Folio> folios;
    private final List<Var> request = new ArrayList<>();
    private Procedure writepages;
    private Procedure devDoWrite;
    private Procedure writepageEnd;

    /** @param tempPages FUSE before v6.16 (writeback through temporary folios) */
    public Fuse(Mm mm, boolean tempPages) { this(mm, tempPages, Mutation.NONE); }

    public Fuse(Mm mm, boolean tempPages, Mutation mutation) {
        this.mm = mm;
        this.tempPages = tempPages;
        this.mutation = mutation;
        this.folios = mm.folios();
        if (folios.isEmpty()) {
            throw new ModelError("fuse", "Fuse: declare the folios first");
        }
        Model.Builder b = mm.builder();
        for (Folio f : folios) {
            request.add(b.var("fuse.FUSE_WRITE(" + f.name() + ")", NONE, PROCESSING, NONE,
                    v -> v == NONE ? "none" : v == PENDING ? "pending" : "processing", true));
        }
    }

    public boolean tempPages() { return tempPages; }

    /** The state of the FUSE_WRITE request of {@code f}: {@link #NONE}, {@link #PENDING} or {@link #PROCESSING}. */
    public Var request(Folio f) { return request.get(f.id()); }

    // ---------------------------------------------------------------- K: the flusher's writeback

    /**
     * fs/fuse/file.c fuse_writepages(mapping, wbc) for one dirty folio ({@code folio} parameter), as
     * the flusher runs it (wb_workfn -> ... -> do_writepages):
     * <pre>
     * v6.19 (iomap_writepages):                      before v6.16 (write_cache_pages):
     *   writeback_iter: filemap_get_folios_tag,        same lookup, folio_lock, folio_clear_dirty_for_io
     *     folio_lock, folio_clear_dirty_for_io         fuse_writepages_fill: folio_start_writeback,
     *   iomap_writeback_folio: folio_start_writeback,    folio_copy(tmp_folio, folio), folio_unlock
     *     fuse_iomap_writeback_range (request points   folio_batch_release
     *     at the folio), folio_unlock                  fuse_writepages_send: queue the request, then
     *   folio_batch_release                              folio_end_writeback(folio)
     *   fuse_iomap_writeback_submit ->
     *     fuse_writepages_send: queue the request
     * </pre>
     * Simplification: folio_prepare_writeback's checks (truncated meanwhile, already under writeback) are
     * not steps: nothing truncates the file and only this flusher writes it back.
     */
    public Procedure writepages() {
        if (writepages != null) {
            return writepages;
        }
        Procedure p = mm.builder().procedure("fuse_writepages");
        Local folio = p.param("folio", 0, folios.size() - 1);
        Local got = p.local("got", 0, 1);
        Local wasDirty = p.local("was_dirty", 0, 1);
        FolioRef f = mm.at(folio);
        p.body(body -> {
            body.step(filemapGetFoliosTag(f, got));
            body.ifLocal(e -> e.local(got) == 0, none -> none.ret());
            boolean locks = mutation != Mutation.START_WRITEBACK_UNLOCKED;
            if (locks) {
                body.step(FolioOps.folioLock(f));
            }
            body.step(FolioOps.folioClearDirtyForIo(f, wasDirty));
            body.ifLocal(e -> e.local(wasDirty) == 0, clean -> {
                if (locks) {
                    clean.step(FolioOps.folioUnlock(f));
                }
                clean.step(FolioOps.folioPut(f)).ret();
            });
            body.step(FolioOps.folioStartWriteback(f));
            if (tempPages) {
                body.step(folioCopyToTemp(f));
            } else {
                body.step(writebackRange(f));
            }
            if (locks) {
                body.step(FolioOps.folioUnlock(f));
            }
            body.step(Step.named("folio_batch_release").args(e -> f.of(e).name()).does(e -> FolioOps.put(e, f.of(e))).build());
            body.step(writepagesSend(f));
            if (tempPages) {
                // fuse_writepages_send (before v6.16): "for (i = 0; i < num_folios; i++) folio_end_writeback(data->orig_folios[i]);"
                body.step(FolioOps.folioEndWriteback(f));
            }
        });
        writepages = p;
        return p;
    }

    /**
     * mm/filemap.c filemap_get_folios_tag (from writeback_iter): folio_try_get on the dirty-tagged folio.
     * Simplification: the xarray walk is one step; the folio is tagged dirty iff it is cached and PG_dirty.
     */
    private static Step filemapGetFoliosTag(FolioRef f, Local got) {
        return Step.named("filemap_get_folios_tag")
                .args(e -> f.of(e).name() + ", PAGECACHE_TAG_DIRTY")
                .does(e -> {
                    Folio x = f.of(e);
                    if (e.isSet(x.inCache) && e.isSet(x.dirty) && e.get(x.ref) > 0) {
                        e.emit(new FolioEvent.RefTaken(x, true));
                        e.add(x.ref, 1);
                        e.setLocal(got, 1);
                    } else {
                        e.setLocal(got, 0);
                    }
                })
                .build();
    }

    /**
     * fs/fuse/file.c fuse_iomap_writeback_range (v6.16+): the folio goes into the request's page array
     * (fuse_writepage_args_page_fill) without a copy; the request now points at the folio's memory,
     * which only PG_writeback keeps alive (modelled as an I/O reference, ioRefs).
     */
    private static Step writebackRange(FolioRef f) {
        return Step.named("fuse_iomap_writeback_range")
                .args(e -> f.of(e).name())
                .does(e -> {
                    Folio x = f.of(e);
                    e.emit(new FolioEvent.Accessed(x, "fuse_iomap_writeback_range"));
                    e.add(x.ioRefs, 1);
                })
                .build();
    }

    /**
     * fs/fuse/file.c fuse_writepages_fill (before v6.16): folio_copy(tmp_folio, folio) and
     * node_stat_add_folio(tmp_folio, NR_WRITEBACK_TEMP); the request carries the temporary folio.
     */
    private static Step folioCopyToTemp(FolioRef f) {
        return Step.named("folio_copy")
                .args(e -> "tmp_folio, " + f.of(e).name())
                .does(e -> e.emit(new FolioEvent.Accessed(f.of(e), "folio_copy to the temporary folio")))
                .build();
    }

    /**
     * fs/fuse/file.c fuse_writepages_send -> fuse_flush_writepages -> fuse_send_writepage ->
     * fuse_simple_background; fs/fuse/dev.c queue_request_and_unlock: the FUSE_WRITE request goes on
     * fc->iq.pending and the server is woken.
     */
    private Step writepagesSend(FolioRef f) {
        return Step.named("fuse_writepages_send")
                .args(e -> "FUSE_WRITE " + f.of(e).name())
                .provides(REQUEST)
                .does(e -> {
                    Folio x = f.of(e);
                    Var r = request(x);
                    if (e.get(r) != NONE) {
                        throw new ModelError(r.name(), "a second FUSE_WRITE for " + x.name() + " while one is in flight");
                    }
                    e.set(r, PENDING);
                })
                .build();
    }

    // ---------------------------------------------------------------- S: the server

    /**
     * fs/fuse/dev.c fuse_dev_do_read: sleeps (wait_event_interruptible_exclusive on fiq->waitq) until
     * a request is pending, moves it to the processing list and copies its arguments to the server
     * (fuse_copy_args: for FUSE_WRITE without temp pages, the folio's data). Stores the folio of the
     * request in {@code into}. An idle point: a server waiting for requests is a valid end.
     */
    public Step devDoRead(Local into) {
        return Step.named("fuse_dev_do_read")
                .args(e -> {
                    for (Folio x : folios) {
                        if (e.get(request(x)) == PENDING) {
                            return "FUSE_WRITE " + x.name();
                        }
                    }
                    return "fc->iq.pending";
                })
                .when(e -> {
                    for (Folio x : folios) {
                        if (e.get(request(x)) == PENDING) {
                            return true;
                        }
                    }
                    return false;
                })
                .blockedBy(e -> new BlockReason.OnCondition("a request on fc->iq.pending", REQUEST))
                .idle()
                .does(e -> {
                    for (Folio x : folios) {
                        if (e.get(request(x)) == PENDING) {
                            e.set(request(x), PROCESSING);
                            if (!tempPages) {
                                // fuse_copy_args -> fuse_copy_folio reads the page-cache folio itself
                                e.emit(new FolioEvent.Accessed(x, "fuse_copy_args"));
                                e.add(x.ioRefs, -1);
                            }
                            e.setLocal(into, x.id());
                            return;
                        }
                    }
                })
                .build();
    }

    /**
     * fs/fuse/dev.c fuse_dev_do_write: the server's reply to the FUSE_WRITE of {@code folio} (a
     * parameter) ends the request: fuse_request_end -> args->end = fuse_writepage_end.
     */
    public Procedure devDoWrite() {
        if (devDoWrite != null) {
            return devDoWrite;
        }
        Procedure p = mm.builder().procedure("fuse_dev_do_write");
        Local folio = p.param("folio", 0, folios.size() - 1);
        FolioRef f = mm.at(folio);
        Procedure end = writepageEnd();
        p.body(body -> body
                // the reply is copied in and the request ended: fuse_dev_do_write -> fuse_request_end
                .step(Step.named("fuse_dev_do_write")
                        .args(e -> "FUSE_WRITE reply, " + f.of(e).name())
                        .does(e -> {
                            Var r = request(f.of(e));
                            if (e.get(r) != PROCESSING) {
                                throw new ModelError(r.name(), "reply to a FUSE_WRITE that the server has not read");
                            }
                            e.set(r, NONE);
                        })
                        .build())
                .call(end, IntExpr.of(folio)));
        devDoWrite = p;
        return p;
    }

    /**
     * fs/fuse/file.c fuse_writepage_end -> fuse_writepage_finish: without temp pages,
     * iomap_finish_folio_write -> folio_end_writeback on the page-cache folio (PG_writeback clears
     * only here); with temp pages, only the temporary folio is released (NR_WRITEBACK_TEMP).
     */
    private Procedure writepageEnd() {
        if (writepageEnd != null) {
            return writepageEnd;
        }
        Procedure p = mm.builder().procedure("fuse_writepage_end");
        Local folio = p.param("folio", 0, folios.size() - 1);
        FolioRef f = mm.at(folio);
        p.body(body -> {
            if (tempPages) {
                body.step(Step.named("fuse_writepage_finish").args("tmp_folio: dec NR_WRITEBACK_TEMP").build());
            } else {
                body.step(FolioOps.folioEndWriteback(f));
            }
        });
        writepageEnd = p;
        return p;
    }

    /**
     * A server thread (a daemon): {@code for (;;) { fuse_dev_do_read; serve the request; reply }}.
     * {@code serve} adds what the server does to handle the FUSE_WRITE whose folio id is in the given
     * local (e.g. allocate memory). A server that does not reply ({@code replies == false}) keeps the
     * request and goes on serving other requests forever, as a slow or malicious server may.
     */
    public Procedure server(String name, boolean replies, BiConsumer<Body, Local> serve) {
        Procedure t = mm.thread(name);
        if (!replies) {
            t.daemon(); // a server that never replies still serves other requests forever: it is meant not to finish
        }
        Local req = t.local("req", 0, folios.size() - 1);
        Procedure reply = devDoWrite();
        t.body(body -> body.forever(loop -> {
            loop.step(devDoRead(req));
            serve.accept(loop, req);
            loop.ifLocal(e -> !replies, holds -> holds.forever(others -> others
                    // Simplification: the other requests (e.g. FUSE_GETATTR from other tasks) are always available.
                    .step(Step.named("fuse_dev_do_read").args("FUSE_GETATTR (another request)").build())
                    .step(Step.named("fuse_dev_do_write").args("FUSE_GETATTR reply").build())));
            loop.call(reply, IntExpr.of(req));
        }));
        return t;
    }
}
