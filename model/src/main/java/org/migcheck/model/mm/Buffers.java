package org.migcheck.model.mm;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.ModelViolation;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;

/**
 * The ring of buffer heads of one block-device folio (include/linux/buffer_head.h, fs/buffer.c), the
 * BH_Migrate bit of its head buffer (v6.15+, 2d900efff915), this CPU's bh LRU, and the fs/buffer.c
 * procedures that use them: lock_buffer / trylock_buffer / unlock_buffer, get_bh / brelse,
 * invalidate_bh_lrus, try_to_free_buffers and the atomic lookup {@code __find_get_block}.
 *
 * <p>The ring is attached to folio X when X has PG_private ({@code folio_buffers(X)}); every buffer
 * head records in {@link Bh#folio} the folio its b_folio / b_data point into, which migration repoints
 * (folio_set_bh) and a freed buffer head has no folio (-1).
 *
 * <p>Simplification: every buffer is BH_Uptodate and BH_Mapped with its own block; BH_Dirty and b_assoc_map are not modelled.
 * Simplification: one CPU's bh LRU (bh_lrus) stands for all CPUs; each buffer has one slot in it.
 * Simplification: a lookup's caller gets buffer i for block i; free_buffer_head only marks the buffer freed (b_folio = -1).
 *
 * <p>Kernel version: v6.19 (fs/buffer.c, block/fops.c). Folds in the v6.15 series "fs/buffer: split
 * pagecache lookups into atomic or blocking" (merge 53f7eedd88d1): 7ffe3de53a88 (the sleeping slow path
 * takes the folio lock, the atomic one i_private_lock), 2814a7d3d2ff (the _nonatomic entry points such as
 * __find_get_block_nonatomic), 5b67d4397682 (bdev_getblk uses them) and 2d900efff915 (BH_Migrate, which
 * the atomic slow path tests).
 */
public final class Buffers {
    /** Largest b_count a model may reach; more is a model error (the bound is a model choice, not the kernel's). */
    public static final int MAX_COUNT = 6;

    /** Resource waited for by lookups that find a frozen folio (filemap_get_entry retries folio_try_get). */
    public static final String FOLIO_UNFROZEN = "folio_ref_unfreeze";

    /** One struct buffer_head of the ring. */
    public static final class Bh {
        private final String name;
        private final int index;
        /** BH_Lock: a sleeping bit lock without owner (fs/buffer.c __lock_buffer), lock class buffer_lock. */
        public final Lock lock;
        /** b_count: get_bh / put_bh references; a journal_head and a bh-LRU slot each hold one. */
        public final Var count;
        /** b_folio (and b_data): id of the folio whose memory this buffer describes, -1 once freed. */
        public final Var folio;
        /** This CPU's bh LRU holds the buffer, and with it one b_count reference (fs/buffer.c bh_lru_install). */
        public final Var inLru;

        Bh(Model.Builder b, String name, int index, int folioId, int maxFolio, int count, boolean inLru,
           java.util.function.IntFunction<String> folioName) {
            this.name = name;
            this.index = index;
            this.lock = b.lock(name + ".BH_Lock", "buffer_lock", Lock.Kind.BIT);
            this.count = b.counter(name + ".b_count", 0, MAX_COUNT, count);
            this.folio = b.var(name + ".b_folio", -1, maxFolio, folioId, v -> v < 0 ? "freed" : folioName.apply(v), true);
            this.inLru = b.var(name + ".in_bh_lru", 0, 1, inLru ? 1 : 0, v -> v != 0 ? "yes" : "no", true);
        }

        public String name() { return name; }

        public int index() { return index; }

        @Override public String toString() { return name; }
    }

    /** Which buffer head a step acts on: fixed, or indexed by a local (a loop counter). */
    @FunctionalInterface
    public interface BhRef {
        Bh of(Exec e);
    }

    private final Model.Builder b;
    private final Mapping mapping;
    private final List<Folio> folios;
    private final Bh[] ring;
    /**
     * BH_Migrate on the head buffer (include/linux/buffer_head.h, v6.15+): taken with
     * test_and_set_bit_lock, released with clear_bit_unlock; nobody waits for it (atomic lookups bail
     * when they see it), so it is a bit lock of class BH_Migrate that is only ever trylocked.
     */
    public final Lock bhMigrate;

    /**
     * Declares the ring of {@code n} buffer heads attached to {@code folio} of {@code mapping}.
     * Declare every folio of the model before the ring (buffer heads store folio ids).
     *
     * @param counts  initial b_count of each buffer (a journal_head holds one, a bh-LRU slot one)
     * @param inLru   which buffers this CPU's bh LRU holds at the start (their counts include the slot)
     */
    public Buffers(Mm mm, String name, Mapping mapping, Folio folio, int n, int[] counts, boolean[] inLru) {
        if (n < 1 || counts.length != n || inLru.length != n) {
            throw new ModelError(name, "buffer ring " + name + " needs n >= 1 buffers and one count and LRU flag per buffer");
        }
        this.b = mm.builder();
        this.mapping = mapping;
        this.folios = mm.folios();
        this.ring = new Bh[n];
        for (int i = 0; i < n; i++) {
            if (inLru[i] && counts[i] < 1) {
                throw new ModelError(name, "buffer " + name + i + " is in the bh LRU, so its b_count is at least 1");
            }
            ring[i] = new Bh(b, name + i, i, folio.id(), folios.size() - 1, counts[i], inLru[i], mm::folioName);
        }
        this.bhMigrate = b.lock(name + "0.BH_Migrate", "BH_Migrate", Lock.Kind.BIT);
    }

    public int size() { return ring.length; }

    public Bh bh(int i) { return ring[i]; }

    public Bh head() { return ring[0]; }

    public Mapping mapping() { return mapping; }

    /** The buffer whose index is in local {@code i}. */
    public BhRef at(Local i) {
        return e -> {
            int k = e.local(i);
            if (k < 0 || k >= ring.length) {
                throw new ModelError(i.toString(), "local " + i + " = " + k + " is not a buffer index (ring has " + ring.length + ")");
            }
            return ring[k];
        };
    }

    public static BhRef fixed(Bh bh) { return e -> bh; }

    /** The folio with id {@code id}. */
    public Folio folio(int id) {
        if (id < 0 || id >= folios.size()) {
            throw new ModelError("folio#" + id, "no folio with id " + id);
        }
        return folios.get(id);
    }

    /** The folio the buffer's b_data points into; a freed buffer head is a model error. */
    public Folio dataFolio(Exec e, Bh bh) {
        int id = e.get(bh.folio);
        if (id < 0) {
            throw new ModelError(bh.folio.name(), "use of buffer head " + bh.name() + " after free_buffer_head");
        }
        return folios.get(id);
    }

    /** folio_buffers(f): the ring is attached to {@code f} (PG_private set and the head points into it). */
    public boolean attachedTo(Exec e, Folio f) {
        return e.isSet(f.private_) && e.get(head().folio) == f.id();
    }

    /**
     * The folio in the mapping's page-cache slot of this block (the source before migration, the
     * destination after), or null when the slot is empty: a folio of this mapping, or one without a
     * mapping of its own (a migration destination takes the source's slot), never a folio of another
     * mapping. Simplification: a cached folio without a mapping is taken for this mapping's migrated
     * folio; a model whose other mappings also migrate into mapping-less destinations cannot tell them apart here.
     */
    public Folio cached(Exec e) {
        for (Folio f : folios) {
            if (e.isSet(f.inCache) && (f.mapping() == mapping || f.mapping() == null)) {
                return f;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- buffer lock and references

    /** lock_buffer (include/linux/buffer_head.h, fs/buffer.c __lock_buffer): sleep until BH_Lock can be taken. */
    public static Step lockBuffer(BhRef bh) {
        return Steps.lock("lock_buffer", e -> bh.of(e).lock);
    }

    /** trylock_buffer (include/linux/buffer_head.h): test_and_set_bit_lock(BH_Lock); {@code ok} = 1 when taken. */
    public static Step trylockBuffer(BhRef bh, Local ok) {
        return Steps.trylock("trylock_buffer", e -> bh.of(e).lock, ok);
    }

    /** unlock_buffer (fs/buffer.c): clear_bit_unlock(BH_Lock) and wake waiters. */
    public static Step unlockBuffer(BhRef bh) {
        return Steps.unlock("unlock_buffer", e -> bh.of(e).lock);
    }

    /** get_bh (include/linux/buffer_head.h): b_count++. */
    public static Step getBh(BhRef bh) {
        return Step.named("get_bh")
                .args(e -> bh.of(e).name())
                .does(e -> e.add(bh.of(e).count, 1))
                .build();
    }

    /** brelse / put_bh (include/linux/buffer_head.h): b_count--. */
    public static Step brelse(BhRef bh) {
        return Step.named("brelse")
                .args(e -> bh.of(e).name())
                .does(e -> {
                    Bh x = bh.of(e);
                    if (e.get(x.count) == 0) {
                        throw new ModelError(x.count.name(), "brelse of " + x.name() + " with b_count 0 (VFS: brelse: Trying to free free buffer)");
                    }
                    e.add(x.count, -1);
                })
                .build();
    }

    /**
     * atomic_read(&amp;bh->b_count) in the busy scan of __buffer_migrate_folio (mm/migrate.c): {@code busy}
     * = 1 when the buffer has a reference.
     */
    public static Step readCount(BhRef bh, Local busy) {
        return Step.named("atomic_read")
                .args(e -> bh.of(e).name() + "->b_count")
                .does(e -> e.setLocal(busy, e.get(bh.of(e).count) != 0 ? 1 : 0))
                .build();
    }

    /**
     * folio_set_bh (fs/buffer.c): point b_folio / b_data of the buffer at folio {@code to} (migration
     * repoints every buffer of the ring after the mapping switch, mm/migrate.c __buffer_migrate_folio).
     */
    public Step folioSetBh(BhRef bh, FolioRef to) {
        return Step.named("folio_set_bh")
                .args(e -> bh.of(e).name() + ", " + to.of(e).name())
                .does(e -> e.set(bh.of(e).folio, to.of(e).id()))
                .build();
    }

    // ---------------------------------------------------------------- BH_Migrate

    /**
     * test_and_set_bit_lock(BH_Migrate, &amp;head->b_state) in __buffer_migrate_folio (mm/migrate.c,
     * v6.15+). The kernel warns (VM_WARN_ON_ONCE) if it was already set; here that is rule
     * {@code buffer.bh-migrate-single}, which the folio lock makes impossible.
     */
    public Step testAndSetBhMigrate() {
        return Step.named("test_and_set_bit_lock")
                .args("BH_Migrate, " + head().name())
                .does(e -> {
                    if (e.holder(bhMigrate) >= 0) {
                        throw new ModelViolation("buffer.bh-migrate-single",
                                "BH_Migrate on " + head().name() + " is already set (VM_WARN_ON_ONCE(migrating))");
                    }
                    e.set(bhMigrate.holderVar(), e.self() + 1);
                    e.emit(new org.migcheck.model.lang.LockEvent.Acquired(bhMigrate, e.self(), true));
                })
                .build();
    }

    /** clear_bit_unlock(BH_Migrate, &amp;head->b_state) (mm/migrate.c __buffer_migrate_folio, release semantics). */
    public Step clearBhMigrate() {
        return Steps.unlock("clear_bit_unlock", e -> bhMigrate);
    }

    /** test_bit_acquire(BH_Migrate, &amp;head->b_state) (fs/buffer.c __find_get_block_slow). */
    public Cond testBhMigrate() {
        return Cond.of("test_bit_acquire", "BH_Migrate, " + head().name(), e -> e.holder(bhMigrate) >= 0);
    }

    // ---------------------------------------------------------------- per-CPU bh LRU

    /**
     * invalidate_bh_lrus (fs/buffer.c): drop every CPU's bh-LRU slot and its b_count reference
     * (on_each_cpu_cond -> invalidate_bh_lru with interrupts off, so one step).
     */
    public Step invalidateBhLrus() {
        return Step.named("invalidate_bh_lrus")
                .does(e -> {
                    for (Bh x : ring) {
                        if (e.isSet(x.inLru)) {
                            e.set(x.inLru, false);
                            e.add(x.count, -1);
                        }
                    }
                })
                .build();
    }

    /**
     * lookup_bh_lru (fs/buffer.c): with interrupts off, a hit takes a reference (get_bh) on the cached
     * buffer; {@code got} = 1 on a hit. Atomic against invalidate_bh_lrus, which runs by IPI.
     */
    public Step lookupBhLru(Bh bh, Local got) {
        return Step.named("lookup_bh_lru")
                .args(bh.name())
                .does(e -> {
                    if (e.isSet(bh.inLru)) {
                        e.add(bh.count, 1);
                        e.setLocal(got, 1);
                    } else {
                        e.setLocal(got, 0);
                    }
                })
                .build();
    }

    /** bh_lru_install (fs/buffer.c): the LRU slot takes its own reference (get_bh) unless it already holds the buffer. */
    public Step bhLruInstall(Bh bh) {
        return Step.named("bh_lru_install")
                .args(bh.name())
                .does(e -> {
                    if (!e.isSet(bh.inLru)) {
                        e.set(bh.inLru, true);
                        e.add(bh.count, 1);
                    }
                })
                .build();
    }

    // ---------------------------------------------------------------- lookups

    /**
     * {@code __find_get_block(bdev, block)} (fs/buffer.c find_get_block_common with atomic=true): this
     * CPU's bh LRU, else {@code __find_get_block_slow(atomic)} and bh_lru_install. Returns 1 when the
     * caller got a reference on {@code target}, 0 for NULL.
     *
     * @param checksBhMigrate  v6.15+ (2d900efff915): the slow path bails when BH_Migrate is set on the
     *                         head; false models a kernel (or a mutant) without the test
     */
    public Procedure findGetBlock(String suffix, Bh target, boolean checksBhMigrate) {
        Procedure slow = findGetBlockSlow(suffix, target, checksBhMigrate);
        Procedure p = b.procedure("__find_get_block" + suffix);
        Local got = p.local("got", 0, 1);
        p.body(c -> c
                .step(lookupBhLru(target, got))
                .ifLocal(e -> e.local(got) == 0, miss -> miss
                        .callInto(got, slow)
                        .ifLocal(e -> e.local(got) == 1, hit -> hit.step(bhLruInstall(target))))
                .ret(e -> e.local(got)));
        return p;
    }

    /**
     * {@code __find_get_block_slow(bdev, block, atomic=true)} (fs/buffer.c): find the folio in the bdev
     * page cache and take a reference; under i_private_lock look at its buffers; bail when BH_Migrate is
     * set (v6.15+); else get_bh on the buffer of the block; unlock; folio_put. Returns 1 with a buffer
     * reference, 0 for NULL.
     */
    private Procedure findGetBlockSlow(String suffix, Bh target, boolean checksBhMigrate) {
        Procedure p = b.procedure("__find_get_block_slow" + suffix);
        Local lf = p.local("folio", -1, folios.size() - 1);
        Local ret = p.local("ret", 0, 1);
        FolioRef theFolio = e -> folio(e.local(lf));
        p.body(c -> c
                .step(filemapGetFolio(lf))
                .ifLocal(e -> e.local(lf) < 0, none -> none.ret(e -> 0)) // IS_ERR(folio): goto out
                .step(Steps.lock("spin_lock", Model.fixed(mapping.iPrivate)))
                .ifThen(Cond.of("folio_buffers", e -> theFolio.of(e).name(), e -> attachedTo(e, theFolio.of(e))), has -> {
                    if (checksBhMigrate) {
                        has.ifThenElse(testBhMigrate(),
                                bail -> { },
                                ok -> ok.step(getBh(fixed(target))).assign(ret, e -> 1));
                    } else {
                        has.step(getBh(fixed(target))).assign(ret, e -> 1);
                    }
                })
                .step(Steps.unlock("spin_unlock", Model.fixed(mapping.iPrivate)))
                .step(FolioOps.folioPut(theFolio))
                .ret(e -> e.local(ret)));
        return p;
    }

    /**
     * {@code __find_get_block_nonatomic(bdev, block)} (fs/buffer.c find_get_block_common with
     * atomic=false), what bdev_getblk uses when the gfp allows blocking (sb_bread, sb_getblk): this CPU's
     * bh LRU, else the sleeping slow path ({@link #findGetBlockSlowNonatomic}) and bh_lru_install.
     * Returns 1 when the caller got a reference on {@code target}, 0 for NULL.
     */
    public Procedure findGetBlockNonatomic(String suffix, Bh target) {
        return findGetBlockNonatomic(suffix, target, got -> lookupBhLru(target, got));
    }

    /**
     * {@code __find_get_block_nonatomic(bdev, block)} by a task whose bh LRU misses: it looked the block up
     * on another CPU (it may sleep, and be migrated, between its lookups), so lookup_bh_lru finds nothing
     * and the sleeping slow path runs ({@link #findGetBlockSlowNonatomic}), then bh_lru_install. Returns 1
     * when the caller got a reference on {@code target}, 0 for NULL.
     * Simplification: one CPU's bh LRU stands for all CPUs, so a miss on another CPU is this explicit step.
     */
    public Procedure findGetBlockNonatomicOtherCpu(String suffix, Bh target) {
        // an inert step (no effect, so partial-order reduction may move it alone): got keeps its initial 0, a miss
        return findGetBlockNonatomic(suffix, target, got -> Step.named("lookup_bh_lru")
                .args(target.name() + ", miss: assumed, the task moved to another CPU")
                .build());
    }

    /** find_get_block_common(atomic=false) with {@code lru} as its lookup_bh_lru step ({@code got}: 1 on a hit, initially 0). */
    private Procedure findGetBlockNonatomic(String suffix, Bh target, Function<Local, Step> lru) {
        Procedure slow = findGetBlockSlowNonatomic(suffix, target);
        Procedure p = b.procedure("__find_get_block_nonatomic" + suffix);
        Local got = p.local("got", 0, 1);
        p.body(c -> c
                .step(lru.apply(got))
                .ifLocal(e -> e.local(got) == 0, miss -> miss
                        .callInto(got, slow)
                        .ifLocal(e -> e.local(got) == 1, hit -> hit.step(bhLruInstall(target))))
                .ret(e -> e.local(got)));
        return p;
    }

    /**
     * {@code __find_get_block_slow(bdev, block, atomic=false)} (fs/buffer.c, v6.15+): find the folio and
     * take a reference; {@code folio_lock} (sleeping: "Folio lock protects the buffers"); if it has
     * buffers, BH_Migrate cannot be set ("Upon a noref migration, the folio lock serializes here",
     * WARN_ON(!atomic) otherwise); get_bh on the buffer of the block; folio_unlock; folio_put.
     */
    private Procedure findGetBlockSlowNonatomic(String suffix, Bh target) {
        Procedure p = b.procedure("__find_get_block_slow/nonatomic" + suffix);
        Local lf = p.local("folio", -1, folios.size() - 1);
        Local ret = p.local("ret", 0, 1);
        FolioRef theFolio = e -> folio(e.local(lf));
        p.body(c -> c
                .step(filemapGetFolio(lf))
                .ifLocal(e -> e.local(lf) < 0, none -> none.ret(e -> 0)) // IS_ERR(folio): goto out
                .step(FolioOps.folioLock(theFolio))
                .ifThen(Cond.of("folio_buffers", e -> theFolio.of(e).name(), e -> attachedTo(e, theFolio.of(e))), has -> has
                        .ifThenElse(testBhMigrate(),
                                warn -> warn.assertThat("buffer.bh-migrate-nonatomic",
                                        "WARN_ON(!atomic): BH_Migrate is never seen under the folio lock (fs/buffer.c __find_get_block_slow)",
                                        e -> false),
                                ok -> ok.step(getBh(fixed(target))).assign(ret, e -> 1)))
                .step(FolioOps.folioUnlock(theFolio))
                .step(FolioOps.folioPut(theFolio))
                .ret(e -> e.local(ret)));
        return p;
    }

    // ---------------------------------------------------------------- block-device writeback

    /**
     * blkdev_writepages (block/fops.c) -> writeback_iter (mm/page-writeback.c) -> block_write_full_folio
     * -> __block_write_full_folio (fs/buffer.c) for the block's folio, WB_SYNC_NONE (background
     * writeback): the folio in the slot if it is tagged dirty, with a reference; folio_lock;
     * folio_prepare_writeback (another mapping, or under writeback: skip) and folio_clear_dirty_for_io
     * (clean: skip); for each buffer trylock_buffer (failure: folio_redirty_for_writepage, the buffer is
     * left out) and mark_buffer_async_write; folio_start_writeback; submit_bh_wbc; folio_unlock; then
     * the I/O: the device reads the folio (blk_mq_dispatch_rq_list), end_buffer_async_write unlocks each
     * buffer, and the last one ends the folio's writeback; with no buffer under I/O folio_end_writeback
     * runs at once. writeback_iter's reference is dropped after folio_unlock, before the I/O completes: from
     * then on PG_writeback alone protects the folio and its buffers, as __block_write_full_folio says.
     * Simplification: every buffer of a dirty folio is BH_Dirty (BH_Dirty is not modelled).
     * Simplification: the I/O completion (end_buffer_async_write, in interrupt context) runs as the writeback thread's last steps.
     * Simplification: folio_batch_release runs at the earliest point (the kernel may drop the reference later, which only delays migration).
     */
    public void blkdevWritepagesThread(Mm mm, String name) {
        blkdevWritepagesThread(mm, name, false);
    }

    /**
     * As {@link #blkdevWritepagesThread(Mm, String)}; with {@code syncAll} the write is WB_SYNC_ALL
     * (sync_blockdev -> filemap_write_and_wait), and __block_write_full_folio sleeps in lock_buffer
     * instead of trylock_buffer.
     * Simplification: writeback_iter's folio_wait_writeback for a folio already under writeback (WB_SYNC_ALL) is the WB_SYNC_NONE skip; the one flusher is the only writer, so no folio is under writeback when it starts.
     */
    public void blkdevWritepagesThread(Mm mm, String name, boolean syncAll) {
        Procedure t = mm.thread(name);
        Local lf = t.local("folio", -1, folios.size() - 1);
        Local wasDirty = t.local("was_dirty", 0, 1);
        Local[] async = new Local[ring.length];
        for (int i = 0; i < ring.length; i++) {
            async[i] = t.local("async_write" + i, 0, 1);
        }
        FolioRef theFolio = e -> folio(e.local(lf));
        t.body(c -> {
            c.step(Step.named("writeback_iter")
                    .args(e -> mapping.name() + ", PAGECACHE_TAG_DIRTY")
                    .does(e -> {
                        Folio f = cached(e);
                        if (f == null || !e.isSet(f.dirty) || e.get(f.ref) == 0) {
                            e.setLocal(lf, -1); // no dirty folio in the range (a frozen one is skipped by folio_try_get)
                            return;
                        }
                        e.emit(new FolioEvent.RefTaken(f, true));
                        e.add(f.ref, 1);
                        e.setLocal(lf, f.id());
                    }).build());
            c.ifLocal(e -> e.local(lf) < 0, none -> none.ret());
            c.step(FolioOps.folioLock(theFolio));
            Consumer<Body> skip = y -> y.step(FolioOps.folioUnlock(theFolio)).step(FolioOps.folioPut(theFolio)).ret();
            c.ifThen(Cond.of("folio->mapping != mapping", e -> theFolio.of(e).name(), e -> !e.isSet(theFolio.of(e).inCache)), skip);
            c.ifThen(Cond.of("folio_test_writeback", e -> theFolio.of(e).name(), e -> e.isSet(theFolio.of(e).writeback)), skip);
            c.step(FolioOps.folioClearDirtyForIo(theFolio, wasDirty));
            c.ifLocal(e -> e.local(wasDirty) == 0, skip);
            for (int i = 0; i < ring.length; i++) {
                Bh bh = ring[i];
                Local ai = async[i];
                if (syncAll) {
                    // __block_write_full_folio: "if (wbc->sync_mode != WB_SYNC_NONE) lock_buffer(bh);"
                    c.step(lockBuffer(fixed(bh))).assign(ai, e -> 1);
                } else {
                    c.step(trylockBuffer(fixed(bh), ai));
                }
                c.ifLocal(e -> e.local(ai) == 0, y -> y.step(Step.named("folio_redirty_for_writepage")
                        .args(e -> theFolio.of(e).name())
                        .does(e -> e.set(theFolio.of(e).dirty, true)).build()));
                c.ifLocal(e -> e.local(ai) == 1, y -> y.step(Step.named("mark_buffer_async_write_endio")
                        .args(bh.name() + ", end_buffer_async_write").build()));
            }
            Predicate<Exec> underway = e -> {
                for (Local ai : async) {
                    if (e.local(ai) == 1) {
                        return true;
                    }
                }
                return false;
            };
            c.step(FolioOps.folioStartWriteback(theFolio));
            c.ifLocal(underway, y -> y.step(Step.named("submit_bh_wbc")
                    .args(e -> "REQ_OP_WRITE, " + theFolio.of(e).name()).build()));
            c.step(FolioOps.folioUnlock(theFolio));
            // writeback_iter -> writeback_get_folio: folio_batch_release drops the batch's references once the
            // batch is used up, whether or not the I/O has completed ("protected by the writeback flag")
            c.step(FolioOps.folioPut(theFolio));
            c.ifLocal(underway, y -> {
                y.step(Step.named("blk_mq_dispatch_rq_list")
                        .args(e -> "bdev writeback reads " + theFolio.of(e).name())
                        .does(e -> e.emit(new FolioEvent.Accessed(theFolio.of(e), "bdev writeback I/O reads"))).build());
                for (int i = 0; i < ring.length; i++) {
                    Bh bh = ring[i];
                    Local ai = async[i];
                    y.ifLocal(e -> e.local(ai) == 1, z -> z.step(Steps.unlock("end_buffer_async_write", e -> bh.lock)));
                }
            });
            c.step(FolioOps.folioEndWriteback(theFolio));
        });
    }

    /**
     * __filemap_get_folio(mapping, index, FGP_ACCESSED, 0) (mm/filemap.c filemap_get_entry): the folio
     * in the slot, with a reference taken by folio_try_get; {@code into} = its id, or -1 when the slot
     * is empty (ERR_PTR(-ENOENT): the callers goto out). A folio whose refcount is frozen by a
     * migration makes the RCU lookup retry, so the step waits until the refcount is unfrozen.
     */
    private Step filemapGetFolio(Local into) {
        return Step.named("__filemap_get_folio")
                .args(e -> mapping.name() + ", block of " + head().name() + (cached(e) == null ? ": not in the page cache" : ""))
                .when(e -> cached(e) == null || e.get(cached(e).ref) > 0)
                .blockedBy(e -> new BlockReason.OnCondition("the page-cache folio's refcount to be unfrozen", FOLIO_UNFROZEN))
                .does(e -> {
                    Folio f = cached(e);
                    if (f == null) {
                        e.setLocal(into, -1);
                        return;
                    }
                    e.emit(new FolioEvent.RefTaken(f, true));
                    e.emit(new FolioEvent.Accessed(f, "__filemap_get_folio"));
                    e.add(f.ref, 1);
                    e.setLocal(into, f.id());
                })
                .build();
    }

    // ---------------------------------------------------------------- try_to_free_buffers

    /**
     * try_to_free_buffers(folio) (fs/buffer.c): with the folio locked and not under writeback, under
     * i_private_lock, drop_buffers fails if any buffer is busy (b_count, or BH_Lock held); else the
     * ring is detached (folio_detach_private drops the private reference), the folio's dirty bit is
     * cancelled and the buffer heads are freed. Returns 1 when the buffers were freed.
     */
    public Procedure tryToFreeBuffers() {
        Procedure p = b.procedure("try_to_free_buffers");
        Local f = p.param("folio", 0, folios.size() - 1);
        Local ok = p.local("ok", 0, 1);
        FolioRef folio = e -> folio(e.local(f));
        p.body(c -> c
                .ifThen(Cond.of("folio_test_writeback", e -> folio.of(e).name(), e -> e.isSet(folio.of(e).writeback)),
                        wb -> wb.ret(e -> 0))
                .step(Steps.lock("spin_lock", Model.fixed(mapping.iPrivate)))
                .step(dropBuffers(folio, ok))
                .step(Steps.unlock("spin_unlock", Model.fixed(mapping.iPrivate)))
                .ret(e -> e.local(ok)));
        return p;
    }

    /**
     * drop_buffers (fs/buffer.c) with folio_cancel_dirty and free_buffer_head folded in: buffer_busy
     * is b_count != 0 or BH_Lock (BH_Dirty is not modelled).
     */
    private Step dropBuffers(FolioRef folio, Local ok) {
        return Step.named("drop_buffers")
                .args(e -> folio.of(e).name())
                .does(e -> {
                    Folio x = folio.of(e);
                    for (Bh bh : ring) {
                        if (e.get(bh.count) != 0 || e.holder(bh.lock) >= 0) {
                            e.setLocal(ok, 0);
                            return;
                        }
                    }
                    e.emit(new FolioEvent.Accessed(x, "folio_detach_private"));
                    e.set(x.private_, false);
                    FolioOps.put(e, x);
                    e.set(x.dirty, false);
                    for (Bh bh : ring) {
                        e.set(bh.folio, -1);
                    }
                    e.setLocal(ok, 1);
                })
                .build();
    }
}
