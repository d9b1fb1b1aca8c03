package org.migcheck.model.lang;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A kernel wait queue ({@code wait_queue_head_t}, kernel/sched/wait.c) with its protocol:
 * {@code prepare_to_wait} (enqueue the task, set its state to TASK_UNINTERRUPTIBLE),
 * {@code schedule} (sleep until a wake-up sets the task running again; returns at once when a wake
 * already came), {@code wake_up} / {@code wake_up_all} (wake the non-exclusive waiters and up to one,
 * or all, exclusive ones; {@code autoremove_wake_function} takes a woken entry off the queue) and
 * {@code finish_wait} (task running, entry off the queue). The condition is re-tested after every
 * wake-up by the caller's loop, {@link #waitEvent}, exactly as {@code ___wait_event} does; a waiter
 * written without that loop can be modelled too, and a {@link Returned} event from
 * {@link #finishWait} lets a rule see a waiter proceeding while its condition is false.
 *
 * <p>State: four bit masks over thread indices (on the queue, queued exclusive, task state not
 * running, returned from schedule without re-testing). Simplifications: a wake-up is one atomic step under the queue's spinlock (the kernel holds
 * {@code wq_head->lock} for the whole walk); exclusive waiters are woken in thread-index order, where
 * the kernel wakes them in the FIFO order in which they called {@code prepare_to_wait_exclusive}; all
 * waits are uninterruptible (no signals, no timeouts).
 */
public final class WaitQueue {
    private final String name;
    private final int maxThreads;
    /** Whether a step queues an exclusive waiter: those are woken in thread-index order (see the class comment). */
    private boolean exclusiveWaiters;
    /** Threads whose entry is on the queue. */
    public final Var queued;
    /** Threads queued with WQ_FLAG_EXCLUSIVE. */
    public final Var exclusive;
    /** Threads whose task state is TASK_UNINTERRUPTIBLE (set by prepare_to_wait, cleared by a wake-up). */
    public final Var sleeping;
    /**
     * Threads that returned from schedule() and have not gone round the wait loop since (no
     * prepare_to_wait, hence no re-test of the condition): what the rule "wait.condition" watches.
     */
    public final Var woken;

    private WaitQueue(Model.Builder b, String name, int maxThreads) {
        if (maxThreads < 1 || maxThreads > 30) {
            throw new ModelError(name, "wait queue " + name + " needs 1..30 threads, not " + maxThreads);
        }
        this.name = name;
        this.maxThreads = maxThreads;
        int all = (1 << maxThreads) - 1;
        this.queued = b.var(name + ".queued", 0, all, 0, m -> threads(b, m), true).markThreadMask();
        this.exclusive = b.var(name + ".exclusive", 0, all, 0, m -> threads(b, m), false).markThreadMask();
        this.sleeping = b.var(name + ".sleeping", 0, all, 0, m -> threads(b, m), true).markThreadMask();
        this.woken = b.var(name + ".woken", 0, all, 0, m -> threads(b, m), false).markThreadMask();
    }

    /** A wait queue for threads with index below {@code maxThreads} (the domain of its masks). */
    public static WaitQueue declare(Model.Builder b, String name, int maxThreads) {
        return b.register(new WaitQueue(b, name, maxThreads));
    }

    /** A wait queue for up to 8 threads. */
    public static WaitQueue declare(Model.Builder b, String name) { return declare(b, name, 8); }

    private static String threads(Model.Builder b, int mask) {
        if (mask == 0) {
            return "{}";
        }
        StringBuilder s = new StringBuilder("{");
        for (int t = 0; t < 31; t++) {
            if ((mask & (1 << t)) != 0) {
                s.append(s.length() > 1 ? "," : "").append(t < b.threadCount() ? b.threadName(t) : "thread" + t);
            }
        }
        return s.append('}').toString();
    }

    public String name() { return name; }

    /**
     * Whether some step of the model queues an exclusive waiter here. Those are woken in thread-index
     * order, a simplification that a permutation of the threads does not preserve: a symmetry over
     * threads is refused for such a queue.
     */
    public boolean wakesExclusiveWaitersInIndexOrder() { return exclusiveWaiters; }

    /** The resource waiters of this queue wait for: the steps that wake it provide it. */
    public String resource() { return "wake_up(" + name + ")"; }

    private int bit(Exec e, int t) {
        if (t >= maxThreads) {
            throw new ModelError(name, "thread " + e.threadName(t) + " (index " + t + ") uses wait queue " + name
                    + ", declared for " + maxThreads + (maxThreads == 1 ? " thread" : " threads"));
        }
        return 1 << t;
    }

    /** Whether thread {@code t} is on the queue in state {@code s}. */
    public boolean isQueued(StateView s, int t) { return (s.get(queued) & (1 << t)) != 0; }

    /** Whether thread {@code t}'s task state is not running (it prepared to wait and was not woken since). */
    public boolean isSleeping(StateView s, int t) { return (s.get(sleeping) & (1 << t)) != 0; }

    /** prepare_to_wait (or prepare_to_wait_exclusive): enqueue unless queued, set TASK_UNINTERRUPTIBLE. */
    public Step prepareToWait(boolean exclusiveWaiter) {
        exclusiveWaiters |= exclusiveWaiter;
        String fn = exclusiveWaiter ? "prepare_to_wait_exclusive" : "prepare_to_wait";
        return Step.named(fn)
                .args(name)
                .does(e -> {
                    int me = bit(e, e.self());
                    if ((e.get(queued) & me) == 0) {
                        e.set(queued, e.get(queued) | me);
                        e.set(exclusive, exclusiveWaiter ? e.get(exclusive) | me : e.get(exclusive) & ~me);
                    }
                    e.set(sleeping, e.get(sleeping) | me);
                    e.set(woken, e.get(woken) & ~me);
                })
                .build();
    }

    /**
     * schedule(): sleeps while the task state is TASK_UNINTERRUPTIBLE; a wake-up (before or during the
     * sleep) sets it running. The thread is blocked waiting for a {@code wake_up} of this queue.
     */
    public Step schedule() {
        return Step.named("schedule")
                .args(name)
                .when(e -> (e.get(sleeping) & bit(e, e.self())) == 0)
                .blockedBy(e -> new BlockReason.OnCondition("a wake_up on " + name, resource()))
                .does(e -> {
                    e.emit(new Sleep("schedule", name, Sleep.Kind.OTHER));
                    e.set(woken, e.get(woken) | bit(e, e.self()));
                })
                .build();
    }

    /**
     * finish_wait: task running, entry off the queue. {@code condition} is what the waiter waited for
     * (null: none declared). When the waiter comes here straight from schedule(), without going round
     * its loop to re-test, the step reports whether the condition holds now in a {@link Returned}
     * event: a waiter that proceeds after a wake-up while its condition is false again is what the
     * rule "wait.condition" reports. (A waiter that tested the condition true and left the loop is not
     * judged here: the condition may change after that test, as in the kernel.)
     */
    public Step finishWait(Predicate<Exec> condition, String conditionText) {
        return Step.named("finish_wait")
                .args(name)
                .does(e -> {
                    int me = bit(e, e.self());
                    boolean straightFromSchedule = (e.get(woken) & me) != 0;
                    e.set(queued, e.get(queued) & ~me);
                    e.set(exclusive, e.get(exclusive) & ~me);
                    e.set(sleeping, e.get(sleeping) & ~me);
                    e.set(woken, e.get(woken) & ~me);
                    if (condition != null && straightFromSchedule) {
                        e.emit(new Returned(this, e.self(), conditionText, condition.test(e)));
                    }
                })
                .build();
    }

    /** wake_up (one exclusive waiter) or wake_up_all (every waiter): see {@link #wake}. */
    public Step wakeUp(boolean all) { return wakeUp(all ? "wake_up_all" : "wake_up", all ? 0 : 1); }

    /**
     * __wake_up(wq, TASK_NORMAL, nrExclusive) under the queue lock: every queued non-exclusive
     * sleeper is woken and taken off the queue; exclusive sleepers too, until {@code nrExclusive} of
     * them are woken (0: all). An entry whose task is already running is not woken, stays queued and
     * does not count ({@code try_to_wake_up} returns 0 for it).
     */
    public Step wakeUp(String function, int nrExclusive) {
        return Step.named(function)
                .args(name)
                .provides(resource())
                .does(e -> {
                    int woken = wake(e, nrExclusive);
                    e.emit(new Woken(this, e.self(), woken));
                })
                .build();
    }

    /** The wake-up inside a larger step (e.g. folio_end_writeback's folio_wake_bit); returns the mask woken. */
    public int wake(Exec e, int nrExclusive) {
        int q = e.get(queued);
        int ex = e.get(exclusive);
        int sl = e.get(sleeping);
        int woken = 0;
        int left = nrExclusive;
        for (int t = 0; t < maxThreads; t++) {            // non-exclusive entries sit at the head
            int b = 1 << t;
            if ((q & b) != 0 && (ex & b) == 0 && (sl & b) != 0) {
                woken |= b;
            }
        }
        for (int t = 0; t < maxThreads; t++) {            // then the exclusive ones, in order
            int b = 1 << t;
            if ((q & b) != 0 && (ex & b) != 0 && (sl & b) != 0) {
                woken |= b;
                if (nrExclusive > 0 && --left == 0) {
                    break;
                }
            }
        }
        e.set(sleeping, sl & ~woken);
        e.set(queued, q & ~woken);
        e.set(exclusive, ex & ~woken);
        return woken;
    }

    /**
     * wait_event(wq, condition) as {@code ___wait_event} expands it: {@code for (;;) { prepare_to_wait;
     * if (condition) break; schedule(); } finish_wait}. The condition is a shared test (a step of its
     * own), re-tested after every wake-up.
     */
    public Consumer<Body> waitEvent(Cond condition, Predicate<Exec> holds, String conditionText, boolean exclusiveWaiter) {
        return b -> b
                .forever(loop -> loop
                        .step(prepareToWait(exclusiveWaiter))
                        .ifThen(condition, Body::breakLoop)
                        .step(schedule()))
                .step(finishWait(holds, conditionText));
    }

    @Override public String toString() { return name; }

    /** A wake-up on {@code queue} by {@code waker} woke the threads in {@code wokenMask}. */
    public record Woken(WaitQueue queue, int waker, int wokenMask) implements Event {
        @Override public String describe() { return "wake_up(" + queue.name + ") woke mask " + wokenMask; }
    }

    /** Thread {@code thread} left a wait on {@code queue}; {@code conditionHolds} says whether its condition is true now. */
    public record Returned(WaitQueue queue, int thread, String condition, boolean conditionHolds) implements Event {
        @Override public String describe() {
            return "finish_wait(" + queue.name + "): " + condition + (conditionHolds ? " holds" : " does not hold");
        }
    }
}
