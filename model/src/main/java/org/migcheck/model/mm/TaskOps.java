package org.migcheck.model.mm;

import org.migcheck.model.lang.Step;

/**
 * Steps that change a task's context flags.
 *
 * <p><b>Kernel:</b> v6.19 include/linux/sched/mm.h: {@code memalloc_noreclaim_save}/{@code _restore}
 * (PF_MEMALLOC) and {@code memalloc_nofs_save} (the scoped gfp API, since v4.12); the semantics the
 * rules read have not changed across the versions the catalogue names.
 */
public final class TaskOps {
    private TaskOps() {}

    /** memalloc_noreclaim_save (include/linux/sched/mm.h): set PF_MEMALLOC. */
    public static Step memallocNoreclaimSave(Task t) {
        return Step.named("memalloc_noreclaim_save").args(t.name()).does(e -> e.set(t.pfMemalloc(), true)).build();
    }

    /**
     * mm/vmscan.c kswapd(): "tsk->flags |= PF_MEMALLOC | PF_KSWAPD" at the start of the kthread, for its
     * whole life (kswapd does not use memalloc_noreclaim_save).
     */
    public static Step kswapdSetsPfMemalloc(Task t) {
        return Step.named("kswapd").args("tsk->flags |= PF_MEMALLOC | PF_KSWAPD").does(e -> e.set(t.pfMemalloc(), true)).build();
    }

    /** memalloc_noreclaim_restore: clear PF_MEMALLOC. */
    public static Step memallocNoreclaimRestore(Task t) {
        return Step.named("memalloc_noreclaim_restore").args(t.name()).does(e -> e.set(t.pfMemalloc(), false)).build();
    }

    /**
     * Enter an allocation with {@code gfp} (the gfp mask rules read while it is in progress). The
     * step stands for the entry of {@code function} (alloc_pages, kmalloc, ...).
     */
    public static Step allocEnter(Task t, String function, int gfp) {
        return Step.named(function).args(Gfp.describe(gfp)).does(e -> {
            e.set(t.gfp(), gfp);
            if ((gfp & Gfp.DIRECT_RECLAIM) != 0) {
                e.emit(new org.migcheck.model.lang.Sleep(function, Gfp.describe(gfp), org.migcheck.model.lang.Sleep.Kind.ALLOC));
            }
        }).build();
    }

    /** Leave the allocation: gfp back to none. */
    public static Step allocExit(Task t, String function) {
        return Step.named(function).args("return").does(e -> e.set(t.gfp(), 0)).build();
    }

    /** Mark entry into page reclaim (shrink_folio_list and callers). */
    public static Step reclaimEnter(Task t, String function) {
        return Step.named(function).args(t.name()).does(e -> e.set(t.inReclaim(), 1)).build();
    }

    public static Step reclaimExit(Task t, String function) {
        return Step.named(function).args("return").does(e -> e.set(t.inReclaim(), 0)).build();
    }
}
