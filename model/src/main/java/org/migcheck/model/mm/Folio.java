package org.migcheck.model.mm;

import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Var;

/**
 * A folio (include/linux/page-flags.h, include/linux/mm_types.h): its page flags, refcount, page-cache
 * membership and isolation state, each a state variable named {@code <folio>.<flag>}.
 *
 * <p>Simplifications: one folio stands for all its pages (nr_pages = 1 unless a scenario says
 * otherwise); PG_reclaim and PG_movable_ops_isolated, which share a bit in the kernel, are separate
 * variables so rules can name them; mapcount is folded into the refcount.
 *
 * <p><b>Kernel:</b> v6.19 page flags; PG_movable_ops_isolated is the flag of the 2025 movable_ops
 * rework in v6.19 (earlier kernels used PG_isolated on the page); the folio lock is a bit lock with no owner
 * in every kernel version. No fix is folded in here: the protocols live in the step classes.
 */
public final class Folio {
    /**
     * Default largest refcount a folio may reach; more is a model error (refcount overflow). A model whose
     * folio may be pinned by more threads at once raises it per folio ({@link Init#maxRef}): the bound is
     * part of the slot's domain, and a wider domain costs the Promela export larger tables.
     */
    public static final int MAX_REF = 7;

    private final String name;
    private final int id;
    private final Mapping mapping;
    /** folio_order(): fixed for the folio's life in these models (no split); only compaction's isolation reads it. */
    private final int order;
    /** PG_locked: a sleeping bit lock with no owner and no recursion (mm/filemap.c __folio_lock). */
    public final Lock lock;
    /** PG_writeback: set under the folio lock, cleared from any context by folio_end_writeback. */
    public final Var writeback;
    public final Var dirty;
    /** PG_reclaim: "reclaim me when writeback ends" (shares PG_readahead's bit in the kernel). */
    public final Var reclaim;
    /** PG_lru: on an LRU list (cleared when isolated from it). */
    public final Var lru;
    public final Var uptodate;
    /** PG_private: private data (buffer heads) attached. */
    public final Var private_;
    /** Refcount; reaching 0 frees the folio. */
    public final Var ref;
    /** In the mapping's page cache (folio->mapping set, xarray slot points here). */
    public final Var inCache;
    /** Returned to the page allocator. */
    public final Var freed;
    /** Isolated for migration (LRU isolation, or PG_movable_ops_isolated for movable_ops pages). */
    public final Var isolated;
    /** PG_movable_ops: a typed page migratable through movable_operations (sticky until freed). */
    public final Var movableOps;
    /**
     * References to this folio's memory held by in-flight I/O that take no folio reference (a jbd2
     * temporary buffer head pointing at the folio's data, fs/jbd2/journal.c).
     */
    public final Var ioRefs;

    Folio(Model.Builder b, int id, String name, Mapping mapping, Init init) {
        this.name = name;
        this.id = id;
        this.mapping = mapping;
        this.order = init.order;
        this.lock = b.lock(name + ".locked", "folio_lock", Lock.Kind.BIT);
        this.writeback = b.flag(name + ".writeback", init.writeback);
        this.dirty = b.flag(name + ".dirty", init.dirty);
        this.reclaim = b.flag(name + ".reclaim", init.reclaim);
        this.lru = b.flag(name + ".lru", init.lru);
        this.uptodate = b.flag(name + ".uptodate", init.uptodate);
        this.private_ = b.flag(name + ".private", init.privateData);
        this.ref = b.counter(name + ".ref", 0, init.maxRef, init.ref);
        this.inCache = b.flag(name + ".in_cache", init.inCache);
        this.freed = b.flag(name + ".freed", init.ref == 0);
        this.isolated = b.flag(name + ".isolated", init.isolated);
        this.movableOps = b.flag(name + ".movable_ops", init.movableOps);
        this.ioRefs = b.counter(name + ".io_refs", 0, 3, 0);
    }

    public String name() { return name; }

    /** Index among the model's folios (the value procedures pass around as a folio parameter). */
    public int id() { return id; }

    /** folio_order(): 0 for a small folio, 9 for a PMD-sized one (x86-64). */
    public int order() { return order; }

    /** The mapping whose page cache holds it, or null (anon, movable_ops, or a fresh destination). */
    public Mapping mapping() { return mapping; }

    @Override public String toString() { return name; }

    /**
     * Initial flags of a folio. Defaults: a clean, uptodate page-cache folio on the LRU, refcount 1
     * (the page cache's reference).
     */
    public static final class Init {
        boolean writeback;
        boolean dirty;
        boolean reclaim;
        boolean lru = true;
        boolean uptodate = true;
        boolean privateData;
        int ref = 1;
        int maxRef = MAX_REF;
        boolean inCache = true;
        boolean isolated;
        boolean movableOps;
        int order;

        public Init writeback(boolean v) { writeback = v; return this; }
        public Init dirty(boolean v) { dirty = v; return this; }
        public Init reclaim(boolean v) { reclaim = v; return this; }
        public Init lru(boolean v) { lru = v; return this; }
        public Init uptodate(boolean v) { uptodate = v; return this; }
        public Init privateData(boolean v) { privateData = v; return this; }
        public Init ref(int v) { ref = v; return this; }
        /** Largest refcount this folio may reach (default {@link Folio#MAX_REF}). */
        public Init maxRef(int v) { maxRef = v; return this; }
        public Init inCache(boolean v) { inCache = v; return this; }
        public Init isolated(boolean v) { isolated = v; return this; }
        public Init movableOps(boolean v) { movableOps = v; return this; }
        /** folio_order() (default 0). */
        public Init order(int v) {
            if (v < 0 || v > PageAlloc.MAX_PAGE_ORDER) {
                throw new IllegalArgumentException("folio order " + v + " is outside 0.." + PageAlloc.MAX_PAGE_ORDER);
            }
            order = v;
            return this;
        }
    }
}
