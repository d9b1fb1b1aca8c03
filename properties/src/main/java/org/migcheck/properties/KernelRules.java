package org.migcheck.properties;

import java.util.List;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Sleep;
import org.migcheck.model.lang.StateView;
import org.migcheck.model.lang.Var;
import org.migcheck.model.lang.WaitQueue;
import org.migcheck.model.mm.Balloon;
import org.migcheck.model.mm.Data;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioEvent;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Task;

/**
 * The kernel rule set (the rules sections of docs/scenarios/*.md and the mm lock-ordering comments). Every rule
 * reads only the events steps emit and the state before/after the step, so it applies to every
 * model and is vacuous where the model has no such objects.
 */
public final class KernelRules {
    private KernelRules() {}

    private static Task task(StateView s, int thread) {
        for (Task t : s.model().objects(Task.class)) {
            if (t.thread() == thread) {
                return t;
            }
        }
        return null;
    }

    /** A model without a spinlock has no atomic context ({@link Context#atomicBecause} is always null). */
    private static boolean noSpinlock(org.migcheck.model.lang.Model m) {
        return m.locks().stream().noneMatch(l -> l.kind() == Lock.Kind.SPINLOCK);
    }

    /** A model without a task: {@link #task} is always null. */
    private static boolean noTask(org.migcheck.model.lang.Model m) {
        return m.objects(Task.class).isEmpty();
    }

    private static String holderText(StateView s, Lock l) {
        int h = s.holder(l);
        return h < 0 ? "unlocked" : "locked by " + s.model().thread(h).name();
    }

    public static final StepRule ATOMIC_SLEEP = StepRule.onEvents("atomic.sleep",
            "no sleeping in atomic context (while a spinlock is held)",
            "include/linux/kernel.h might_sleep; kernel/sched/core.c __might_sleep (CONFIG_DEBUG_ATOMIC_SLEEP)",
            Sleep.class, KernelRules::noSpinlock,
            v -> {
                for (Sleep s : v.events(Sleep.class)) {
                    Lock l = Context.atomicBecause(v.before(), v.thread());
                    if (l != null) {
                        return Check.violated(v.threadName() + " may sleep in " + s.what()
                                + (s.onObject().isEmpty() ? "" : "(" + s.onObject() + ")") + " while holding spinlock " + l.name());
                    }
                }
                return Check.ok();
            });

    public static final StepRule MEMALLOC_FOLIO_LOCK = StepRule.onEvents("memalloc.folio-lock",
            "under PF_MEMALLOC, migrate_folio_unmap never sleeps on the source folio lock (direct compaction only trylocks "
                    + "there; v6.19's try_split_folio, not modelled, may sleep on it)",
            "mm/migrate.c migrate_folio_unmap (PF_MEMALLOC comment: readahead holds folios locked while allocating)",
            Sleep.class, KernelRules::noTask,
            v -> {
                Task t = task(v.before(), v.thread());
                if (t == null || !v.before().isSet(t.pfMemalloc())) {
                    return Check.ok();
                }
                for (Sleep s : v.events(Sleep.class)) {
                    if (s.kind() == Sleep.Kind.FOLIO_LOCK && locksMigrationSource(v)) {
                        return Check.violated(v.threadName() + " sleeps in " + s.what() + "(" + s.onObject()
                                + ") on a migration source with PF_MEMALLOC set"
                                + (v.callStack().isEmpty() ? "" : ", in " + org.migcheck.model.lang.Procedure.kernelFunction(v.callStack().get(0))));
                    }
                }
                return Check.ok();
            });

    /**
     * The step runs directly in the procedure that locks migration sources: migrate_folio_unmap, or
     * migrate_pages where a model folds the unmap stage into it. Other folio-lock sleeps under
     * PF_MEMALLOC are the kernel's own choice (putback_movable_ops_page from direct compaction,
     * handle_write_error from reclaim) and are not covered by this rule.
     */
    private static boolean locksMigrationSource(StepView v) {
        List<String> stack = v.callStack();
        if (stack.isEmpty()) {
            return true;
        }
        String inner = stack.get(0);
        return inner.startsWith("migrate_folio_unmap") || inner.equals("migrate_pages");
    }

    public static final StepRule RECLAIM_FOLIO_LOCK = StepRule.onEvents("reclaim.folio-lock",
            "page reclaim never sleeps on a folio lock (it trylocks), except handle_write_error",
            "mm/vmscan.c shrink_folio_list (folio_trylock; only handle_write_error may sleep)",
            Sleep.class, KernelRules::noTask,
            v -> {
                Task t = task(v.before(), v.thread());
                if (t == null || v.before().get(t.inReclaim()) == 0 || v.inside("handle_write_error")) {
                    return Check.ok();
                }
                for (Sleep s : v.events(Sleep.class)) {
                    if (s.kind() == Sleep.Kind.FOLIO_LOCK) {
                        return Check.violated(v.threadName() + " sleeps in " + s.what() + "(" + s.onObject() + ") inside page reclaim");
                    }
                }
                return Check.ok();
            });

    public static final StepRule WRITEBACK_SET_UNDER_LOCK = StepRule.onEvents("writeback.set-under-lock",
            "PG_writeback is set only by the folio lock holder, and only when it is clear",
            "mm/page-writeback.c __folio_start_writeback (VM_BUG_ON_FOLIO(!folio_test_locked), folio_test_set_writeback)",
            FolioEvent.WritebackStarted.class,
            v -> {
                for (FolioEvent.WritebackStarted w : v.events(FolioEvent.WritebackStarted.class)) {
                    Folio f = w.folio();
                    if (v.before().holder(f.lock) != v.thread()) {
                        return Check.violated(v.threadName() + " sets PG_writeback on " + f.name() + " while the folio is "
                                + holderText(v.before(), f.lock));
                    }
                    if (v.before().isSet(f.writeback)) {
                        return Check.violated(v.threadName() + " sets PG_writeback on " + f.name() + ", already under writeback");
                    }
                }
                return Check.ok();
            });

    public static final StepRule CACHE_REMOVE = StepRule.onEvents("cache.remove-locked-no-writeback",
            "a folio leaves the page cache only while locked and not under writeback",
            "mm/filemap.c __filemap_remove_folio callers; mm/truncate.c truncate_inode_folio (lock, wait for writeback)",
            FolioEvent.RemovedFromCache.class,
            v -> {
                for (FolioEvent.RemovedFromCache r : v.events(FolioEvent.RemovedFromCache.class)) {
                    Folio f = r.folio();
                    if (v.before().holder(f.lock) < 0) {
                        return Check.violated(v.threadName() + " removes " + f.name() + " from the page cache while it is unlocked");
                    }
                    if (v.before().isSet(f.writeback)) {
                        return Check.violated(v.threadName() + " removes " + f.name() + " from the page cache while its writeback is in flight");
                    }
                }
                return Check.ok();
            });

    public static final StepRule FREE_BUSY = StepRule.onEvents("folio.free-busy",
            "no folio is freed while under writeback, isolated, or referenced by in-flight I/O",
            "mm/filemap.c folio_end_writeback (PG_writeback pins no reference of its own: a path that frees the folio first waits for"
                    + " writeback); fs/jbd2/journal.c",
            FolioEvent.Freed.class,
            v -> {
                for (FolioEvent.Freed fr : v.events(FolioEvent.Freed.class)) {
                    Folio f = fr.folio();
                    StateView a = v.after();
                    if (a.isSet(f.writeback)) {
                        return Check.violated(f.name() + " is freed (last reference dropped by " + v.threadName() + ") while under writeback");
                    }
                    if (a.isSet(f.isolated)) {
                        return Check.violated(f.name() + " is freed (by " + v.threadName() + ") while isolated for migration");
                    }
                    if (a.get(f.ioRefs) > 0) {
                        return Check.violated(f.name() + " is freed (by " + v.threadName() + ") while in-flight I/O still references its memory");
                    }
                }
                return Check.ok();
            });

    public static final StepRule GET_UNLESS_ZERO = StepRule.onEvents("ref.get-unless-zero",
            "a plain folio reference is never taken on a refcount of zero (use folio_try_get)",
            "include/linux/page_ref.h folio_try_get; mm/migrate.c isolate_movable_ops_page (folio_get_nontail_page)",
            FolioEvent.RefTaken.class,
            v -> {
                for (FolioEvent.RefTaken t : v.events(FolioEvent.RefTaken.class)) {
                    if (!t.unlessZero() && v.before().get(t.folio().ref) == 0) {
                        return Check.violated(v.threadName() + " takes a plain reference on " + t.folio().name()
                                + " whose refcount is 0: it resurrects a freed folio");
                    }
                }
                return Check.ok();
            });

    public static final StepRule USE_AFTER_FREE = StepRule.onEvents("folio.use-after-free",
            "no access to a folio after its last reference is gone",
            "include/linux/mm.h folio_put (the folio returns to the allocator at refcount 0)",
            FolioEvent.class,
            v -> {
                for (FolioEvent e : v.events(FolioEvent.class)) {
                    if (e instanceof FolioEvent.Freed) {
                        continue;
                    }
                    Folio f = e.folio();
                    if (v.before().isSet(f.freed)) {
                        return Check.violated(v.threadName() + ": " + e.describe() + " after " + f.name() + " was freed");
                    }
                    if (e instanceof FolioEvent.Migrated m && v.before().isSet(m.dst().freed)) {
                        return Check.violated(v.threadName() + ": migration into freed " + m.dst().name());
                    }
                }
                return Check.ok();
            });

    public static final Invariant ISOLATED_REF = Invariant.of("isolate.ref-held",
            "an isolated folio is kept alive by the isolator's reference",
            "mm/migrate.c isolate_movable_ops_page; mm/vmscan.c folio_isolate_lru",
            m -> m.objects(Folio.class).isEmpty(),
            s -> {
                for (Folio f : s.model().objects(Folio.class)) {
                    if (s.isSet(f.isolated) && s.get(f.ref) == 0) {
                        return Check.violated(f.name() + " is isolated but nobody holds a reference to it");
                    }
                }
                return Check.ok();
            });

    public static final StepRule ISOLATE_SINGLE = StepRule.onEvents("isolate.single",
            "a folio is isolated by at most one isolator at a time",
            "mm/migrate.c isolate_movable_ops_page (PG_movable_ops_isolated tested and set under the folio lock)",
            FolioEvent.Isolated.class,
            v -> {
                for (FolioEvent.Isolated i : v.events(FolioEvent.Isolated.class)) {
                    if (v.before().isSet(i.folio().isolated)) {
                        return Check.violated(v.threadName() + " isolates " + i.folio().name() + ", which is already isolated");
                    }
                }
                return Check.ok();
            });

    public static final StepRule MIGRATE_LOCKED = StepRule.onEvents("migrate.both-locked",
            "->migrate_folio and movable_ops migrate_page run with both folios locked",
            "Documentation/filesystems/locking.rst (migrate_folio); include/linux/migrate.h struct movable_operations",
            FolioEvent.Migrated.class,
            v -> {
                for (FolioEvent.Migrated m : v.events(FolioEvent.Migrated.class)) {
                    if (v.before().holder(m.folio().lock) < 0) {
                        return Check.violated(v.threadName() + " migrates " + m.folio().name() + " while the source is unlocked");
                    }
                    if (v.before().holder(m.dst().lock) < 0) {
                        return Check.violated(v.threadName() + " migrates into " + m.dst().name() + " while the destination is unlocked");
                    }
                }
                return Check.ok();
            });

    /**
     * Found by mutation analysis: without it, removing pages_lock around the balloon list operations
     * survived (one list_del racing a list_add went unnoticed as long as no page was lost).
     */
    public static final StepRule BALLOON_PAGES_LOCK = StepRule.onChange("balloon.pages-lock",
            "the balloon page list and isolated_pages change only under b_dev_info->pages_lock",
            "mm/balloon_compaction.c balloon_page_enqueue, balloon_page_list_dequeue, balloon_page_isolate, balloon_page_putback (pages_lock around list_add, list_del, isolated_pages)",
            model -> {
                List<Var> vars = new java.util.ArrayList<>();
                for (Balloon b : model.objects(Balloon.class)) {
                    vars.addAll(b.protectedByPagesLock());
                }
                return vars;
            },
            v -> {
                for (Balloon b : v.before().model().objects(Balloon.class)) {
                    if (v.before().holder(b.pagesLock) == v.thread()) {
                        continue;
                    }
                    for (Var x : b.protectedByPagesLock()) {
                        if (v.before().get(x) != v.after().get(x)) {
                            return Check.violated(v.threadName() + " changes " + x.name() + " without holding " + b.pagesLock.name()
                                    + " (" + holderText(v.before(), b.pagesLock) + ")");
                        }
                    }
                }
                return Check.ok();
            });

    /**
     * Found by mutation analysis: without it, putback_movable_ops_page without its folio_lock survived,
     * because the clear is putback's last write and nothing stated who may change the flag.
     */
    public static final StepRule MOVABLE_OPS_ISOLATED_LOCKED = StepRule.onChange("movable-ops.isolated-under-lock",
            "PG_movable_ops_isolated is set and cleared only by the holder of the page lock",
            "mm/migrate.c isolate_movable_ops_page (folio_trylock before the test and SetPageMovableOpsIsolated), "
                    + "putback_movable_ops_page (folio_lock around ClearPageMovableOpsIsolated), migrate_movable_ops_page (src locked)",
            model -> model.objects(Folio.class).stream().map(f -> f.isolated).toList(),
            v -> {
                for (Folio f : v.before().model().objects(Folio.class)) {
                    if (!v.before().isSet(f.movableOps) || v.before().get(f.isolated) == v.after().get(f.isolated)) {
                        continue;
                    }
                    if (v.before().holder(f.lock) != v.thread()) {
                        return Check.violated(v.threadName() + (v.after().isSet(f.isolated) ? " sets" : " clears")
                                + " PG_movable_ops_isolated on " + f.name() + " without its page lock (" + holderText(v.before(), f.lock) + ")");
                    }
                }
                return Check.ok();
            });

    /**
     * Found by mutation analysis: without it, __folio_migrate_mapping without its xas_lock_irq (or with
     * folio_ref_freeze and the slot switch moved before it) survived in every migration variant, because
     * the model's other page-cache writers (filemap_remove_folio, __remove_mapping, truncate's batch
     * delete) are single steps, so nothing contends on i_pages; the kernel relies on the lock to order
     * the slot switch against them.
     */
    public static final StepRule CACHE_REPLACE_XA_LOCK = StepRule.onEvents("cache.replace-under-xa-lock",
            "migration switches a page-cache slot to the new folio only under the mapping's i_pages lock",
            "mm/migrate.c __folio_migrate_mapping (xas_lock_irq before folio_ref_freeze and xas_store, xas_unlock after the unfreeze)",
            FolioEvent.Migrated.class, v -> {
                for (FolioEvent.Migrated m : v.events(FolioEvent.Migrated.class)) {
                    Mapping mapping = m.folio().mapping();
                    if (mapping == null) {
                        continue; // movable_ops pages (balloon) have no page-cache slot
                    }
                    if (v.before().holder(mapping.iPages) != v.thread()) {
                        return Check.violated(v.threadName() + " switches " + mapping.name() + "'s slot from " + m.folio().name()
                                + " to " + m.dst().name() + " without holding " + mapping.iPages.name() + " ("
                                + holderText(v.before(), mapping.iPages) + ")");
                    }
                }
                return Check.ok();
            });

    /**
     * Found by mutation analysis: without it, fuse_writepages with folio_clear_dirty_for_io moved before
     * its folio_lock survived, since reclaim, the only other reader of PG_dirty there, tests it under the
     * folio lock and keeps the folio either way.
     */
    public static final StepRule DIRTY_CLEAR_LOCKED = StepRule.onChange("dirty.clear-under-lock",
            "PG_dirty of a page-cache folio is cleared only by the holder of its folio lock",
            "mm/page-writeback.c folio_clear_dirty_for_io (VM_BUG_ON_FOLIO(!folio_test_locked(folio))); "
                    + "mm/truncate.c folio_cancel_dirty callers; mm/migrate.c __folio_migrate_mapping (source locked)",
            model -> model.objects(Folio.class).stream().map(f -> f.dirty).toList(),
            v -> {
                for (Folio f : v.before().model().objects(Folio.class)) {
                    if (f.mapping() == null || !v.before().isSet(f.dirty) || v.after().isSet(f.dirty)) {
                        continue;
                    }
                    if (v.before().holder(f.lock) != v.thread()) {
                        return Check.violated(v.threadName() + " clears PG_dirty on " + f.name() + " without its folio lock ("
                                + holderText(v.before(), f.lock) + ")");
                    }
                }
                return Check.ok();
            });

    private static Data data(StateView s) {
        List<Data> d = s.model().objects(Data.class);
        return d.isEmpty() ? null : d.get(0);
    }

    public static final StepRule LOST_UPDATE = StepRule.onEvents("data.lost-update",
            "data is written only into the folio the page cache maps for it, never into one it has replaced",
            "mm/migrate.c __folio_migrate_mapping (after the slot switch the old folio's contents are no longer the file's)",
            FolioEvent.Written.class,
            v -> {
                for (FolioEvent.Written w : v.events(FolioEvent.Written.class)) {
                    Folio f = w.folio();
                    Data d = data(v.before());
                    Folio now = d == null ? null : d.current(v.before(), f);
                    if (now != null && now != f) {
                        return Check.violated(v.threadName() + " writes " + f.name() + (w.via().isEmpty() ? "" : " through " + w.via())
                                + ", but the page cache now maps " + now.name() + ": the update is lost");
                    }
                }
                return Check.ok();
            });

    public static final StepRule STALE_READ = StepRule.onEvents("data.stale-read",
            "data is read from the folio the page cache maps, or from a copy with the same contents",
            "mm/filemap.c filemap_read (reads go through the page cache's current folio); mm/migrate.c __folio_migrate_mapping",
            FolioEvent.Read.class,
            v -> {
                for (FolioEvent.Read r : v.events(FolioEvent.Read.class)) {
                    Folio f = r.folio();
                    if (v.before().isSet(f.freed)) {
                        return Check.violated(v.threadName() + " reads freed " + f.name());
                    }
                    Data d = data(v.before());
                    Folio now = d == null ? null : d.current(v.before(), f);
                    if (now != null && now != f && d.tracks(now) && d.version(v.before(), now) != r.version()) {
                        return Check.violated(v.threadName() + " reads " + f.name() + (r.via().isEmpty() ? "" : " through " + r.via())
                                + " (data v" + r.version() + ") while the page cache maps " + now.name() + " (data v"
                                + d.version(v.before(), now) + "): stale data");
                    }
                }
                return Check.ok();
            });

    public static final StepRule WAIT_CONDITION = StepRule.onEvents("wait.condition",
            "a task leaves an uninterruptible wait only when the condition it waited for holds",
            "include/linux/wait.h ___wait_event (the condition is re-tested after every wake-up)",
            WaitQueue.Returned.class,
            v -> {
                for (WaitQueue.Returned r : v.events(WaitQueue.Returned.class)) {
                    if (!r.conditionHolds()) {
                        return Check.violated(v.threadName() + " leaves its wait on " + r.queue().name() + " while "
                                + r.condition() + " is false (woken, but the condition changed again before it ran)");
                    }
                }
                return Check.ok();
            });

    public static final StepRule LIST_INTEGRITY = StepRule.onEvents("list.integrity",
            "an entry is deleted from a kernel list only while it is on it, and added only while it is off it",
            "include/linux/list.h list_del (poisons the entry: a second list_del dereferences LIST_POISON1); lib/list_debug.c"
                    + " __list_del_entry_valid, __list_add_valid (CONFIG_DEBUG_LIST)",
            FolioEvent.ListChanged.class,
            v -> {
                for (FolioEvent.ListChanged c : v.events(FolioEvent.ListChanged.class)) {
                    if (c.added() == c.wasOn()) {
                        return Check.violated(v.threadName() + (c.added() ? " adds " + c.folio().name() + " to " + c.list()
                                + ", but it is already on it (double list_add)" : " deletes " + c.folio().name() + " from " + c.list()
                                + ", but it is not on it (list_del of a deleted entry): list corruption"));
                    }
                }
                return Check.ok();
            });

    /** Every kernel rule, in the order they are checked (the first broken one is reported). */
    public static List<Rule> list() {
        return List.of(ISOLATED_REF, ATOMIC_SLEEP, MEMALLOC_FOLIO_LOCK, RECLAIM_FOLIO_LOCK, WRITEBACK_SET_UNDER_LOCK,
                CACHE_REMOVE, FREE_BUSY, GET_UNLESS_ZERO, USE_AFTER_FREE, LOST_UPDATE, STALE_READ, ISOLATE_SINGLE, MIGRATE_LOCKED,
                BALLOON_PAGES_LOCK, MOVABLE_OPS_ISOLATED_LOCKED, CACHE_REPLACE_XA_LOCK, DIRTY_CLEAR_LOCKED, WAIT_CONDITION, LIST_INTEGRITY, LockHierarchy.mm());
    }

    /** All kernel rules, with the lockdep dependency graph on. */
    public static RuleSet all() {
        return RuleSet.of(list(), true);
    }
}
