package org.migcheck.model.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Bound;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;

/**
 * A memory cgroup (mm/memcontrol.c, include/linux/memcontrol.h, v6.19): its page counter
 * ({@code memcg->memory}: usage against a limit) and the folios charged to it. A charge that would
 * exceed the limit reclaims from the memcg ({@code try_charge_memcg} ->
 * {@code try_to_free_mem_cgroup_pages}, mm/vmscan.c, see {@link Vmscan}).
 *
 * <p>The machine-wide memory-controller setup that reclaim reads lives in {@link Controller}: the
 * hierarchy the memory controller is mounted on (v1 legacy, needs CONFIG_MEMCG_V1; v2 default) and
 * CONFIG_CGROUP_WRITEBACK (docs/scenarios/fuse-writeback-memcg.md).
 *
 * <p>Simplifications: one page per folio; no hierarchy of memcgs (each memcg is its own limit); per-cpu
 * charge stocks are not modelled; a force charge may take a memcg at most {@link #MAX_OVER} pages over its
 * limit (more is a model error).
 * <p>Simplification: which folio is charged to which memcg is fixed when the model is built
 * ({@link Controller#charged}): migration does not move a charge to the destination (the kernel's
 * mem_cgroup_migrate in the migration core does, so memcg reclaim here never scans a migrated
 * destination), and only reclaim's free_unref_folios uncharges (a charged folio freed by truncation or
 * a last folio_put keeps its page charged, where the kernel uncharges it when it is freed). Usage is
 * right where a charged folio migrates (the kernel moves the charge, the total does not change); a
 * model that frees charged folios other than by reclaim and then charges again sees a higher usage than
 * the kernel's, so more reclaim passes and -ENOMEM. The bundled scenarios do neither.
 *
 * <p><b>Kernel:</b> v6.19 {@code try_charge_memcg}: a task under PF_MEMALLOC is force-charged instead
 * of reclaiming; legacy (v1) and default (v2) hierarchies are a {@link Controller} setting, so both
 * eras are one switch. Fixes folded in that changed the locking protocol: none known to us.
 */
public final class Memcg {

    /** Which cgroup hierarchy the memory controller is on ({@code cgroup_subsys_on_dfl(memory_cgrp_subsys)}). */
    public enum Hierarchy {
        /** Legacy memory controller (cgroup v1, CONFIG_MEMCG_V1). */
        V1,
        /** Default hierarchy (cgroup v2). */
        V2
    }

    /** {@code try_charge_memcg} result: charged. */
    public static final int CHARGED = 0;
    /** {@code try_charge_memcg} result: -ENOMEM. */
    public static final int ENOMEM = 1;
    /**
     * mm/internal.h MAX_RECLAIM_RETRIES (16, v6.19): the retries try_charge_memcg makes after its first
     * reclaim pass and the drain_all_stock pass before it gives up on reclaim: the kernel's bound up to
     * mem_cgroup_oom, which, when the OOM killer makes progress, resets the count and retries (not modelled:
     * the model's charge fails with -ENOMEM there).
     */
    public static final int MAX_RECLAIM_RETRIES = 16;
    /**
     * The name of the optional model bound on {@link Controller#tryChargeMemcg}'s passes
     * ({@link Controller#modelReclaimPasses}). By default none is declared: the loop is the kernel's, ended
     * by {@link #MAX_RECLAIM_RETRIES} (the kernel's own constant) or by a charge that fits.
     */
    public static final String RECLAIM_PASSES = "try_charge_memcg reclaim passes";
    /** How far force charges (PF_MEMALLOC) may take usage over the limit in a model; a model bound, not the kernel's. */
    public static final int MAX_OVER = 2;

    private final String name;
    private final int id;
    private final int limit;
    /** {@code page_counter_read(&memcg->memory)}: pages charged. */
    public final Var usage;

    private Memcg(Model.Builder b, String name, int id, int limit, int usage) {
        this.name = name;
        this.id = id;
        this.limit = limit;
        this.usage = b.counter(name + ".usage", 0, limit + MAX_OVER, usage);
    }

    public String name() { return name; }

    /** The value procedures pass as a memcg parameter: index + 1 (0 means "no memcg": global reclaim). */
    public int id() { return id; }

    /** {@code memory.max} (v2) / {@code memory.limit_in_bytes} (v1), in pages. */
    public int limit() { return limit; }

    @Override public String toString() { return name; }

    /**
     * The memory controller of the machine: its hierarchy, CONFIG_CGROUP_WRITEBACK, its memcgs and
     * which memcg each folio is charged to.
     */
    public static final class Controller {
        private final Mm mm;
        private final Hierarchy hierarchy;
        private final boolean cgroupWriteback;
        private final List<Memcg> memcgs = new ArrayList<>();
        private final List<Memcg> chargeOf = new ArrayList<>();
        private Procedure tryChargeMemcg;
        private Bound reclaimPasses;

        /**
         * @param hierarchy        v1 (legacy) or v2
         * @param cgroupWriteback  CONFIG_CGROUP_WRITEBACK (needs MEMCG and BLK_CGROUP; init/Kconfig)
         */
        public Controller(Mm mm, Hierarchy hierarchy, boolean cgroupWriteback) {
            this.mm = mm;
            this.hierarchy = hierarchy;
            this.cgroupWriteback = cgroupWriteback;
        }

        public Hierarchy hierarchy() { return hierarchy; }

        public boolean cgroupWriteback() { return cgroupWriteback; }

        /**
         * The #ifdef CONFIG_CGROUP_WRITEBACK part of mm/vmscan.c {@code writeback_throttling_sane}:
         * cgroup reclaim may rely on dirty throttling only with cgroup writeback on the default
         * hierarchy.
         */
        public boolean cgroupReclaimThrottlingSane() {
            return cgroupWriteback && hierarchy == Hierarchy.V2;
        }

        /** Why cgroup reclaim's throttling is not sane here, for traces: "memcg v1", "no CONFIG_CGROUP_WRITEBACK"; null when it is. */
        public String throttlingNotSaneBecause() {
            return cgroupReclaimThrottlingSane() ? null
                    : hierarchy != Hierarchy.V2 ? "memcg v1" + (cgroupWriteback ? "" : ", no CONFIG_CGROUP_WRITEBACK")
                    : "no CONFIG_CGROUP_WRITEBACK";
        }

        /**
         * Makes {@link #tryChargeMemcg} stop after {@code passes} passes of its retry loop (each pass: one
         * page_counter_try_charge and at most one try_to_free_mem_cgroup_pages), as a declared <em>model</em>
         * bound {@link #RECLAIM_PASSES}. A simplification, not the kernel: the kernel goes on until
         * MAX_RECLAIM_RETRIES retries without progress are used up; one pass reproduces the one-pass model
         * of earlier migcheck versions. Call before {@link #tryChargeMemcg}.
         */
        public void modelReclaimPasses(int passes) {
            if (tryChargeMemcg != null) {
                throw new ModelError(RECLAIM_PASSES, "the reclaim-pass bound must be set before try_charge_memcg is built");
            }
            reclaimPasses = mm.builder().bound(RECLAIM_PASSES, passes, "try_charge_memcg gives up with -ENOMEM after "
                    + passes + (passes == 1 ? " pass" : " passes") + "; the kernel retries up to MAX_RECLAIM_RETRIES ("
                    + MAX_RECLAIM_RETRIES + ") times without progress (mm/memcontrol.c)");
        }

        /** A memcg with {@code limit} pages, of which {@code usage} are charged when the model starts. */
        public Memcg create(String name, int limit, int usage) {
            Memcg g = new Memcg(mm.builder(), name, memcgs.size() + 1, limit, usage);
            memcgs.add(g);
            return mm.builder().register(g);
        }

        /** Records that {@code f} is charged to {@code g} (its page is part of {@code g}'s initial usage). */
        public void charged(Memcg g, Folio f) {
            while (chargeOf.size() <= f.id()) {
                chargeOf.add(null);
            }
            if (chargeOf.get(f.id()) != null) {
                throw new ModelError(f.name(), f.name() + " is already charged to " + chargeOf.get(f.id()).name());
            }
            chargeOf.set(f.id(), g);
        }

        public List<Memcg> memcgs() { return List.copyOf(memcgs); }

        /** The memcg with id {@code id} (see {@link Memcg#id()}). */
        public Memcg byId(int id) {
            if (id < 1 || id > memcgs.size()) {
                throw new ModelError("memcg", "memcg id " + id + " is not a memcg (model has " + memcgs.size() + ")");
            }
            return memcgs.get(id - 1);
        }

        /** The id of the memcg folio {@code folioId} is charged to, or 0 (uncharged). A build-time fact. */
        public int memcgOf(int folioId) {
            Memcg g = folioId < chargeOf.size() ? chargeOf.get(folioId) : null;
            return g == null ? 0 : g.id();
        }

        /**
         * mm/memcontrol.c {@code mem_cgroup_uncharge_folios}: inside a step that frees {@code f}, gives
         * its page back to its memcg.
         */
        public void uncharge(Exec e, Folio f) {
            int g = memcgOf(f.id());
            if (g != 0) {
                e.add(byId(g).usage, -1);
            }
        }

        /**
         * mm/memcontrol.c {@code try_charge_memcg(memcg, gfp_mask, nr_pages)} for one page (v6.19): returns
         * {@link #CHARGED} or {@link #ENOMEM}. Parameters: {@code memcg} (an id), {@code gfp_mask}. The
         * kernel's retry loop, step by step:
         *
         * <pre>
         * retry:
         *     if (page_counter_try_charge(&amp;memcg-&gt;memory, ...)) goto done_restock;
         *     if (unlikely(current-&gt;flags &amp; PF_MEMALLOC)) goto force;   // no recursion into reclaim
         *     if (unlikely(task_in_memcg_oom(current))) goto nomem;
         *     if (!gfpflags_allow_blocking(gfp_mask)) goto nomem;
         *     nr_reclaimed = try_to_free_mem_cgroup_pages(mem_over_limit, nr_pages, gfp_mask, ...);
         *     if (mem_cgroup_margin(mem_over_limit) &gt;= nr_pages) goto retry;
         *     if (!drained) { drain_all_stock(mem_over_limit); drained = true; goto retry; }
         *     if (gfp_mask &amp; __GFP_NORETRY) goto nomem;
         *     if (nr_reclaimed &amp;&amp; nr_pages &lt;= (1 &lt;&lt; PAGE_ALLOC_COSTLY_ORDER)) goto retry;
         *     if (nr_retries--) goto retry;                 // nr_retries starts at MAX_RECLAIM_RETRIES
         *     if (gfp_mask &amp; __GFP_RETRY_MAYFAIL) goto nomem;
         *     ... mem_cgroup_oom() ...
         * nomem:
         *     if (!(gfp_mask &amp; (__GFP_NOFAIL | __GFP_HIGH))) return -ENOMEM;
         * force:
         *     page_counter_charge(&amp;memcg-&gt;memory, nr_pages);   // over the limit
         *     return 0;
         * </pre>
         *
         * So a charge that reclaims without success makes at least two reclaim passes (the first, and the
         * one after drain_all_stock) and, without __GFP_NORETRY, up to {@link #MAX_RECLAIM_RETRIES} more:
         * shrink_folio_list may mark a folio under writeback PG_reclaim on one pass (case 2) and wait
         * for it on a later one (case 3). The loop is modelled with the kernel's count, without the retries
         * that a successful memcg OOM kill adds (mem_cgroup_oom is not modelled).
         * A task with PF_MEMALLOC (inside reclaim or compaction, kswapd) is force-charged over the limit
         * and never recurses into memcg reclaim; the test is repeated on every retry, as in the kernel.
         * Simplification: task_in_memcg_oom(current) is always false, and mem_cgroup_oom is not modelled:
         * when the retries are used up the charge fails with -ENOMEM, as when the memcg OOM killer cannot
         * make progress.
         * Simplification: the nomem path's force charge for __GFP_NOFAIL | __GFP_HIGH is not modelled ({@link Gfp} has neither bit).
         * Simplification: per-cpu charge stocks are not modelled, so consume_stock never succeeds and
         * drain_all_stock changes nothing (it is a step only so that the trace shows the second pass's cause).
         * Simplification: the charge batch (MEMCG_CHARGE_BATCH) is one page, so the "batch &gt; nr_pages" retry never runs.
         */
        public Procedure tryChargeMemcg(Vmscan vmscan) {
            if (tryChargeMemcg != null) {
                return tryChargeMemcg;
            }
            Procedure p = mm.builder().procedure("try_charge_memcg");
            Local memcg = p.param("memcg", 1, Math.max(1, memcgs.size()));
            Local gfp = p.param("gfp_mask", 0, Gfp.MAX);
            Local ok = p.local("charged", 0, 1);
            Local reclaimed = p.local("nr_reclaimed", 0, Math.max(1, mm.folios().size()));
            Local retries = p.local("nr_retries", 0, MAX_RECLAIM_RETRIES);
            Local drained = p.local("drained", 0, 1);
            Local margin = p.local("margin_ok", 0, 1);
            Procedure reclaim = vmscan.tryToFreeMemCgroupPages();
            Consumer<Body> pass = retry -> retry
                            .step(pageCounterTryCharge(memcg, ok))
                            .ifLocal(e -> e.local(ok) == 1, done -> done.ret(IntExpr.of(CHARGED)))
                            // "Prevent unbounded recursion when reclaim operations need to allocate memory."
                            .ifThen(Cond.of("current->flags & PF_MEMALLOC", e -> e.threadName(e.self()),
                                            e -> e.isSet(Vmscan.current(e).pfMemalloc())),
                                    force -> force
                                            .step(pageCounterCharge(memcg))
                                            .ret(IntExpr.of(CHARGED)))
                            // !gfpflags_allow_blocking(gfp_mask)
                            .ifLocal(e -> (e.local(gfp) & Gfp.DIRECT_RECLAIM) == 0, nomem -> nomem.ret(IntExpr.of(ENOMEM)))
                            .callInto(reclaimed, reclaim, IntExpr.of(memcg), IntExpr.of(gfp))
                            .step(memCgroupMargin(memcg, margin))
                            .ifLocal(e -> e.local(margin) == 1, fits -> fits.continueLoop())
                            .ifLocal(e -> e.local(drained) == 0, drain -> drain
                                    .step(drainAllStock(memcg))
                                    .assign(drained, e -> 1)
                                    .continueLoop())
                            .ifLocal(e -> (e.local(gfp) & Gfp.NORETRY) != 0, nomem -> nomem.ret(IntExpr.of(ENOMEM)))
                            // one page is never more than 1 << PAGE_ALLOC_COSTLY_ORDER
                            .ifLocal(e -> e.local(reclaimed) > 0, progress -> progress.continueLoop())
                            .ifLocal(e -> e.local(retries) > 0, again -> again
                                    .assign(retries, e -> e.local(retries) - 1)
                                    .continueLoop())
                            // __GFP_RETRY_MAYFAIL -> nomem; otherwise mem_cgroup_oom (not modelled) -> nomem
                            .ret(IntExpr.of(ENOMEM));
            Bound bound = reclaimPasses;
            p.body(body -> {
                body.assign(retries, e -> MAX_RECLAIM_RETRIES).assign(drained, e -> 0);
                if (bound == null) {
                    body.whileLocal(e -> true, pass);
                } else {
                    // the model bound: the pass that wants another beyond it ends the loop; the charge fails
                    body.retry(bound, pass).ret(IntExpr.of(ENOMEM));
                }
            });
            tryChargeMemcg = p;
            return p;
        }

        /** mm/memcontrol.c mem_cgroup_margin(memcg) &gt;= nr_pages: does one more page fit under the limit? */
        private Step memCgroupMargin(Local memcg, Local fits) {
            return Step.named("mem_cgroup_margin")
                    .args(e -> {
                        Memcg g = byId(e.local(memcg));
                        return g.name() + ", usage " + e.get(g.usage) + "/" + g.limit();
                    })
                    .does(e -> {
                        Memcg g = byId(e.local(memcg));
                        e.setLocal(fits, e.get(g.usage) < g.limit() ? 1 : 0);
                    })
                    .build();
        }

        /**
         * mm/memcontrol.c drain_all_stock(root_memcg): return the per-cpu charge stocks to the page
         * counters. Simplification: no stocks are modelled, so it changes nothing.
         */
        private Step drainAllStock(Local memcg) {
            return Step.named("drain_all_stock")
                    .args(e -> byId(e.local(memcg)).name())
                    .build();
        }

        /**
         * mm/page_counter.c {@code page_counter_charge}: charge one page regardless of the limit (the
         * force path of try_charge_memcg).
         */
        private Step pageCounterCharge(Local memcg) {
            return Step.named("page_counter_charge")
                    .args(e -> {
                        Memcg g = byId(e.local(memcg));
                        return g.name() + ".memory, usage " + e.get(g.usage) + "/" + g.limit();
                    })
                    .does(e -> {
                        Memcg g = byId(e.local(memcg));
                        if (e.get(g.usage) >= g.limit() + MAX_OVER) {
                            throw new ModelError(g.usage.name(), "force charge of " + g.name() + " beyond limit + "
                                    + MAX_OVER + " pages (the model's bound)");
                        }
                        e.add(g.usage, 1);
                    })
                    .build();
        }

        /** mm/page_counter.c {@code page_counter_try_charge}: charge one page unless that exceeds the limit. */
        private Step pageCounterTryCharge(Local memcg, Local ok) {
            return Step.named("page_counter_try_charge")
                    .args(e -> {
                        Memcg g = byId(e.local(memcg));
                        return g.name() + ".memory, usage " + e.get(g.usage) + "/" + g.limit();
                    })
                    .does(e -> {
                        Memcg g = byId(e.local(memcg));
                        if (e.get(g.usage) < g.limit()) {
                            e.add(g.usage, 1);
                            e.setLocal(ok, 1);
                        } else {
                            e.setLocal(ok, 0);
                        }
                    })
                    .build();
        }
    }
}
