package org.migcheck.model.mm;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;

/**
 * The OOM killer and the OOM reaper (mm/oom_kill.c, v6.19; docs/scenarios/source-locked-alloc.md).
 *
 * <p>Each user task that owns an mm is declared with {@link #mmTask}; it gets the state the OOM code
 * reads: killed (SIGKILL sent and mark_oom_victim done: tsk_is_oom_victim, TIF_MEMDIE), MMF_OOM_SKIP
 * on its mm, whether its mm is gone (exit_mmap ran), and whether it is queued for the reaper.
 *
 * <p>Procedures and steps: {@code __alloc_pages_may_oom()} (oom_lock trylock, last-ditch
 * get_page_from_freelist, out_of_memory), {@code out_of_memory()} (select_bad_process,
 * oom_kill_process), {@link #waitForVictim()} (the allocator's retry loop while a victim lives),
 * {@link #exitMmap} (a task's exit), and the {@code oom_reaper} kthread ({@link #reaperThread()}).
 *
 * <p>Simplifications (each also stated at its code): SIGKILL comes only from the OOM killer; the
 * reaper's OOM_REAPER_DELAY (2 s) timer and its mmap_read_trylock retries are folded (the victim holds
 * mmap_lock at most for read, so the trylock succeeds); reaping or exiting always frees enough
 * memory for the pending allocation; oom_badness is unknown, so any eligible task may be chosen.
 *
 * <p>Kernel version: v6.19 (mm/oom_kill.c). Folds in the OOM reaper (v4.6 by its history, release not checked;
 * aac453635549 "mm, oom: introduce oom reaper", switchable: false models earlier kernels) and MMF_OOM_SKIP.
 */
public final class Oom {
    /** Resource provided by exit_mmap and oom_reap_task: MMF_OOM_SKIP set on a victim's mm ({@link #mmfOomSkip}). */
    public static final String MMF_OOM_SKIP = "MMF_OOM_SKIP";
    /** Resource provided by oom_kill_process (queue_oom_reaper) to the reaper kthread. */
    public static final String OOM_REAPER_LIST = "oom_reaper_list";

    /**
     * The OOM-relevant state of a task that owns an mm.
     *
     * @param thread      the model thread
     * @param name        its name
     * @param killed      SIGKILL pending and mark_oom_victim done (signal->oom_mm set, TIF_MEMDIE)
     * @param oomSkip     MMF_OOM_SKIP on its mm: the OOM killer may look for another victim
     * @param exited      exit_mmap ran: the task has no mm any more
     * @param reapQueued  on oom_reaper_list
     */
    public record MmTask(int thread, String name, Var killed, Var oomSkip, Var exited, Var reapQueued) {}

    private final Model.Builder b;
    private final Var zoneFree;
    private final boolean reaper;
    /** oom_lock (mm/oom_kill.c): taken with mutex_trylock by __alloc_pages_may_oom. */
    public final Lock oomLock;
    private final List<MmTask> tasks = new ArrayList<>();
    private Procedure mayOom;
    private Procedure outOfMemory;

    /**
     * @param zoneFree  the zone's "free page above the watermark" flag ({@link PageAlloc#zoneFree}), set
     *                  when a victim's memory is freed
     * @param reaper    the OOM reaper exists (v4.6+, CONFIG_MMU); false models older kernels
     */
    public Oom(Mm mm, Var zoneFree, boolean reaper) {
        this.b = mm.builder();
        if (zoneFree == null) {
            throw new ModelError("oom", "Oom needs a PageAlloc that tracks free memory");
        }
        this.zoneFree = zoneFree;
        this.reaper = reaper;
        this.oomLock = b.lock("oom_lock", "oom_lock", Lock.Kind.MUTEX);
    }

    public boolean reaper() { return reaper; }

    public List<MmTask> tasks() { return List.copyOf(tasks); }

    /** Declares that thread {@code threadName} (already declared) is a user task with an mm: an OOM candidate. */
    public MmTask mmTask(String threadName) {
        int t = b.threadIndex(threadName);
        MmTask m = new MmTask(t, threadName,
                b.var(threadName + ".oom_victim", 0, 1, 0, v -> v == 0 ? "no" : "SIGKILL, TIF_MEMDIE", true),
                b.var(threadName + ".MMF_OOM_SKIP", 0, 1, 0, v -> v == 0 ? "clear" : "set", true),
                b.var(threadName + ".mm_exited", 0, 1, 0, v -> v == 0 ? "no" : "yes", true),
                b.var(threadName + ".oom_reaper_list", 0, 1, 0, v -> v == 0 ? "no" : "queued", false));
        tasks.add(m);
        return b.register(m);
    }

    private MmTask current(Exec e) {
        for (MmTask m : tasks) {
            if (m.thread() == e.self()) {
                return m;
            }
        }
        return null;
    }

    /** A victim that is alive and not yet MMF_OOM_SKIP: the OOM killer waits for it. */
    private static boolean pending(Exec e, MmTask m) {
        return e.isSet(m.killed()) && !e.isSet(m.oomSkip());
    }

    private String pendingNames(Exec e) {
        List<String> out = new ArrayList<>();
        for (MmTask m : tasks) {
            if (pending(e, m)) {
                out.add(m.name());
            }
        }
        return String.join(", ", out);
    }

    // ---------------------------------------------------------------- tests and steps

    /** include/linux/oom.h tsk_is_oom_victim(current). */
    public Cond tskIsOomVictim() {
        return Cond.of("tsk_is_oom_victim", e -> e.threadName(e.self()), e -> {
            MmTask m = current(e);
            return m != null && e.isSet(m.killed());
        });
    }

    /** include/linux/sched/signal.h fatal_signal_pending(current). Simplification: SIGKILL comes only from the OOM killer. */
    public Cond fatalSignalPending() {
        return Cond.of("fatal_signal_pending", e -> e.threadName(e.self()), e -> {
            MmTask m = current(e);
            return m != null && e.isSet(m.killed());
        });
    }

    /**
     * The allocator's retry loop after an OOM kill, for a task that is not the victim: reclaim fails,
     * __alloc_pages_may_oom -> out_of_memory -> select_bad_process -> oom_evaluate_task sees a victim
     * (tsk_is_oom_victim) whose mm lacks MMF_OOM_SKIP and aborts ("wait for the current victim"), and
     * the slow path goes round again.
     * Simplification: the loop is one blocking step that can go on once every victim has exited or been reaped.
     */
    public Step waitForVictim() {
        return Step.named("out_of_memory")
                .args(e -> {
                    String p = pendingNames(e);
                    // the kernel does not sleep here: out_of_memory returns and the slow path goes round again (a livelock)
                    return p.isEmpty() ? "no victim pending" : "select_bad_process aborts: victim " + p + " without MMF_OOM_SKIP;"
                            + " the slow path retries, modelled as a wait";
                })
                .when(e -> pendingNames(e).isEmpty())
                .blockedBy(e -> new BlockReason.OnCondition("OOM victim " + pendingNames(e)
                        + " to exit or be reaped (MMF_OOM_SKIP); until then oom_evaluate_task aborts every selection",
                        mmfOomSkip(pendingNames(e).split(", ")[0])))
                .build();
    }

    /** The resource a waiter for victim {@code name} needs: MMF_OOM_SKIP on that task's mm. */
    public static String mmfOomSkip(String name) { return MMF_OOM_SKIP + "(" + name + ")"; }

    /**
     * kernel/exit.c do_exit -> exit_mm -> mmput -> exit_mmap (mm/mmap.c), run by task {@code m}
     * itself: its memory is freed and its mm gets MMF_OOM_SKIP (v6.19 sets it on every mm; before "mm: drop oom code
     * from exit_mmap", 2022, release not checked, exit_mmap reaped an OOM victim's mm first).
     * Simplification: the model sets MMF_OOM_SKIP for a killed task only; nothing reads it on another task's mm.
     */
    public Step exitMmap(MmTask m) {
        return Step.named("exit_mmap")
                .args(m.name())
                .provides(mmfOomSkip(m.name()))
                .does(e -> {
                    if (e.self() != m.thread()) {
                        throw new ModelError(m.name(), e.threadName(e.self()) + " runs the exit of " + m.name());
                    }
                    e.set(m.exited(), 1);
                    e.set(zoneFree, 1);
                    if (e.isSet(m.killed())) {
                        e.set(m.oomSkip(), 1);
                    }
                })
                .build();
    }

    /**
     * mm/oom_kill.c select_bad_process -> oom_evaluate_task for every task: skip tasks without an mm
     * (oom_badness: find_lock_task_mm fails) and victims whose mm has MMF_OOM_SKIP; abort the whole
     * selection (chosen = -1UL) while a victim without MMF_OOM_SKIP exists; otherwise the task with the
     * highest oom_badness.
     * Simplification: badness (RSS, swap, page tables) is not modelled: any eligible task may be chosen.
     * {@code chosen} = task index among {@link #tasks()}, -2 for abort, -1 when nobody is killable.
     */
    private Step selectBadProcess(Local chosen) {
        List<MmTask> ts = tasks;
        return Step.named("select_bad_process")
                .choice(ts.size(), i -> ts.get(i).name())
                .does(e -> {
                    for (MmTask m : ts) {
                        if (pending(e, m) && !e.isSet(m.exited())) {
                            e.setLocal(chosen, -2);
                            return;
                        }
                    }
                    int pick = -1;
                    for (int k = 0; k < ts.size(); k++) {
                        int i = (e.choice() + k) % ts.size();
                        MmTask m = ts.get(i);
                        if (!e.isSet(m.exited()) && !e.isSet(m.oomSkip())) {
                            pick = i;
                            break;
                        }
                    }
                    e.setLocal(chosen, pick);
                })
                .build();
    }

    /**
     * mm/oom_kill.c oom_kill_process -> __oom_kill_process: SIGKILL, mark_oom_victim (oom_mm,
     * TIF_MEMDIE, access to reserves), queue_oom_reaper. A chosen task whose mm is gone by now
     * (find_lock_task_mm fails: "already exiting. Skip killing the task") is not killed.
     * Simplification: queue_oom_reaper's OOM_REAPER_DELAY timer is folded: the victim is queued at once.
     */
    private Step oomKillProcess(Local chosen) {
        List<MmTask> ts = tasks;
        return Step.named("oom_kill_process")
                .args(e -> ts.get(e.local(chosen)).name())
                .provides(OOM_REAPER_LIST)
                .does(e -> {
                    MmTask m = ts.get(e.local(chosen));
                    if (e.isSet(m.exited())) {
                        return;
                    }
                    e.set(m.killed(), 1);
                    if (reaper) {
                        e.set(m.reapQueued(), 1);
                    }
                })
                .build();
    }

    /**
     * mm/oom_kill.c out_of_memory: select_bad_process, then oom_kill_process; returns 1 ("progress")
     * when it killed or aborted for a pending victim, 0 when nobody is killable (the kernel panics).
     * Simplification: the task_will_free_mem(current) shortcut and the !__GFP_FS early return are omitted (the allocator is not dying when it gets here; its gfp has __GFP_FS).
     */
    public Procedure outOfMemory() {
        if (outOfMemory != null) {
            return outOfMemory;
        }
        if (tasks.isEmpty()) {
            throw new ModelError("out_of_memory", "Oom: declare the mm tasks (Oom.mmTask) before the procedures");
        }
        Procedure p = b.procedure("out_of_memory");
        Local chosen = p.local("chosen", -2, tasks.size() - 1);
        p.body(x -> x
                .step(selectBadProcess(chosen))
                .ifLocal(e -> e.local(chosen) == -2, y -> y.ret(e -> 1))
                .ifLocal(e -> e.local(chosen) == -1, y -> y.ret(e -> 0))
                .step(oomKillProcess(chosen))
                .ret(e -> 1));
        outOfMemory = p;
        return p;
    }

    /**
     * mm/page_alloc.c __alloc_pages_may_oom: mutex_trylock(&amp;oom_lock), else sleep a tick and retry;
     * a last get_page_from_freelist at the high watermark; out_of_memory; mutex_unlock. Returns 1 when
     * the allocation should be retried (page found, or OOM progress), 0 on failure.
     * Simplification: a failed trylock loops here; the kernel sleeps one tick, returns with did_some_progress
     * set, and the slow path goes round again (reclaim, compaction) before the next trylock.
     */
    public Procedure mayOom() {
        if (mayOom != null) {
            return mayOom;
        }
        Procedure oomProc = outOfMemory();
        Procedure p = b.procedure("__alloc_pages_may_oom");
        Local got = p.local("got_oom_lock", 0, 1);
        Local progress = p.local("progress", 0, 1);
        p.body(x -> x
                .whileLocal(e -> e.local(got) == 0, y -> y
                        .step(Steps.trylock("mutex_trylock", e -> oomLock, got))
                        .ifLocal(e -> e.local(got) == 0, z -> z.step(
                                Step.named("schedule_timeout_uninterruptible").args("1").build())))
                .ifThen(Cond.of("get_page_from_freelist", "high wmark", e -> e.isSet(zoneFree)), y -> y
                        .step(Steps.unlock("mutex_unlock", oomLock))
                        .ret(e -> 1))
                .callInto(progress, oomProc)
                .step(Steps.unlock("mutex_unlock", oomLock))
                .ret(e -> e.local(progress)));
        mayOom = p;
        return p;
    }

    /**
     * mm/oom_kill.c oom_reaper kthread: wait_event_freezable(oom_reaper_wait, oom_reaper_list), then
     * oom_reap_task: oom_reap_task_mm (mmap_read_trylock, __oom_reap_task_mm unmaps the victim's
     * anonymous and private memory without the victim running), then MMF_OOM_SKIP is set whether or
     * not it succeeded.
     * Simplification: mmap_read_trylock succeeds at once (the victim sleeps in a folio lock wait, holding mmap_lock at most for read).
     */
    public void reaperThread() {
        if (!reaper) {
            throw new ModelError("oom_reaper", "the OOM reaper is disabled in this model");
        }
        List<MmTask> ts = tasks;
        Procedure t = b.thread("oom_reaper");
        Local victim = t.local("tsk", 0, Math.max(0, ts.size() - 1));
        t.body(x -> x.forever(y -> y
                .step(Step.named("wait_event_freezable")
                        .args("oom_reaper_wait")
                        .idle()
                        .when(e -> ts.stream().anyMatch(m -> e.isSet(m.reapQueued())))
                        .blockedBy(e -> new BlockReason.OnCondition("a task on oom_reaper_list", OOM_REAPER_LIST))
                        .does(e -> {
                            for (int i = 0; i < ts.size(); i++) {
                                if (e.isSet(ts.get(i).reapQueued())) {
                                    e.set(ts.get(i).reapQueued(), 0);
                                    e.setLocal(victim, i);
                                    return;
                                }
                            }
                        })
                        .build())
                .step(reapTask(ts, victim))));
    }

    private Step reapTask(List<MmTask> ts, Local victim) {
        Step.Builder s = Step.named("oom_reap_task").args(e -> ts.get(e.local(victim)).name());
        for (MmTask m : ts) {
            s.provides(mmfOomSkip(m.name()));
        }
        return s.does(e -> {
            MmTask m = ts.get(e.local(victim));
            if (!e.isSet(m.exited())) {
                e.set(zoneFree, 1); // __oom_reap_task_mm freed the victim's anonymous memory
            }
            e.set(m.oomSkip(), 1);
        }).build();
    }
}
