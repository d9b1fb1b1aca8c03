package org.example.userfs;

import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Sleep;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;

/**
 * A driver model with plain mutexes and no mm vocabulary: an ioctl flushes the device's work item
 * while the work function takes the same device mutex.
 *
 * <p>Kernel shape (a pattern lockdep reports through the workqueue's lockdep map, kernel/workqueue.c
 * {@code __flush_work}): {@code mutex_lock(&dev->lock); flush_work(&dev->work);} in the ioctl, and
 * {@code mutex_lock(&dev->lock)} inside the work function. If the work item runs after the ioctl took
 * the mutex, the worker waits for the mutex and the ioctl waits for the work: a deadlock. The usual
 * fix flushes before taking the mutex.
 *
 * <p>Simplifications: the work item is already queued (an interrupt queued it); one kworker runs it;
 * the device state is one counter.
 */
public final class FlushWorkModel {
    private FlushWorkModel() {}

    /** Resource class of the work item's completion, for deadlock reports. */
    static final String WORK_DONE = "dev->work done";

    /** @param flushUnderLock the ioctl calls flush_work with dev->lock held (the bug) */
    public static Model build(boolean flushUnderLock) {
        Model.Builder m = Model.builder(flushUnderLock ? "flush-work-under-lock" : "flush-work-unlocked");
        Lock devLock = m.mutex("dev->lock");
        Var pending = m.flag("dev->work.pending", true);
        Var state = m.counter("dev->state", 0, 2, 0);

        Step flushWork = Step.named("flush_work")
                .args("&dev->work")
                .when(e -> !e.isSet(pending))
                .blockedBy(e -> new BlockReason.OnCondition("dev->work to finish", WORK_DONE))
                .does(e -> e.emit(new Sleep("flush_work", "dev->work", Sleep.Kind.OTHER)))
                .build();
        Step update = Step.named("dev_update_state").args("dev").does(e -> e.add(state, 1)).build();

        m.thread("ioctl", b -> {
            if (!flushUnderLock) {
                b.step(flushWork);
            }
            b.step(Steps.lock("mutex_lock", devLock));
            if (flushUnderLock) {
                b.step(flushWork);
            }
            b.step(update).step(Steps.unlock("mutex_unlock", devLock));
        });
        m.thread("kworker", b -> b
                .step(Steps.lock("mutex_lock", devLock))          // the work function: dev_work_fn
                .step(update)
                .step(Steps.unlock("mutex_unlock", devLock))
                .step(Step.named("process_one_work: done").args("&dev->work").provides(WORK_DONE)
                        .does(e -> e.set(pending, false)).build()));
        m.goal("both-updated", v -> v.get(state) == 2);
        return m.build();
    }
}
