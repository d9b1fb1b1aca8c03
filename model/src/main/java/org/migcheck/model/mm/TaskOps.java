package org.migcheck.model.mm;

import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Step;

/**
 * Steps that change a task's context flags.
 *
 * <p><b>Kernel:</b> v6.19 include/linux/sched/mm.h: {@code memalloc_noreclaim_save}/{@code _restore}
 * (PF_MEMALLOC); the NOFS scope of the scoped gfp API (since v4.12) is {@link PageAlloc#memallocNofsSave()}.
 * The semantics the rules read have not changed across the versions the catalogue names.
 */
public final class TaskOps {
    private TaskOps() {}

    /**
     * memalloc_noreclaim_save (include/linux/sched/mm.h): set PF_MEMALLOC, in a scope that does not nest:
     * its {@link #memallocNoreclaimRestore(Task)} clears the flag, so a save while PF_MEMALLOC is already
     * set (kswapd, an enclosing scope) is a model error; nested scopes use
     * {@link #memallocNoreclaimSave(Task, Local)}, which keeps the flag as the kernel's does.
     */
    public static Step memallocNoreclaimSave(Task t) {
        return Step.named("memalloc_noreclaim_save").args(t.name()).does(e -> {
            refuseNesting(e, t);
            e.set(t.pfMemalloc(), true);
        }).build();
    }

    /**
     * {@code saved = memalloc_noreclaim_save()}: the task's PF_MEMALLOC before the call goes to
     * {@code saved} (0 or 1), and PF_MEMALLOC is set; {@link #memallocNoreclaimRestore(Task, Local)} puts
     * the saved value back, as the kernel's restore does ("current->flags = (current->flags &amp; ~PF_MEMALLOC) | flags").
     */
    public static Step memallocNoreclaimSave(Task t, Local saved) {
        return Step.named("memalloc_noreclaim_save").args(t.name()).does(e -> {
            e.setLocal(saved, e.isSet(t.pfMemalloc()) ? 1 : 0);
            e.set(t.pfMemalloc(), true);
        }).build();
    }

    /** memalloc_noreclaim_restore(saved): PF_MEMALLOC as {@link #memallocNoreclaimSave(Task, Local)} found it. */
    public static Step memallocNoreclaimRestore(Task t, Local saved) {
        return Step.named("memalloc_noreclaim_restore").args(t.name()).does(e -> e.set(t.pfMemalloc(), e.local(saved) != 0)).build();
    }

    /**
     * A save of the non-nesting form while PF_MEMALLOC is set: its restore would clear the flag the
     * enclosing scope (or kswapd) set, where the kernel restores it.
     */
    static void refuseNesting(Exec e, Task t) {
        if (e.isSet(t.pfMemalloc())) {
            throw new ModelError(t.name(), t.name() + " enters memalloc_noreclaim_save with PF_MEMALLOC already set; this"
                    + " scope's restore would clear it where the kernel restores the saved flag: use"
                    + " TaskOps.memallocNoreclaimSave(task, savedLocal) and memallocNoreclaimRestore(task, savedLocal)");
        }
    }

    /**
     * mm/vmscan.c kswapd(): "tsk->flags |= PF_MEMALLOC | PF_KSWAPD" at the start of the kthread, for its
     * whole life (kswapd does not use memalloc_noreclaim_save).
     */
    public static Step kswapdSetsPfMemalloc(Task t) {
        return Step.named("kswapd").args("tsk->flags |= PF_MEMALLOC | PF_KSWAPD").does(e -> e.set(t.pfMemalloc(), true)).build();
    }

    /** memalloc_noreclaim_restore of a scope that does not nest ({@link #memallocNoreclaimSave(Task)}): clear PF_MEMALLOC. */
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
