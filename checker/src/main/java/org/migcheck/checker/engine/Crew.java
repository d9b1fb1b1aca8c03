package org.migcheck.checker.engine;

import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntUnaryOperator;

/**
 * The threads of one search's parallel phases, each bound to one worker slot for the whole search
 * (the caller is slot 0). A phase hands out indices [0, count): each index has a home slot, which
 * takes its home indices first and then helps the others (so the load still balances). Giving a
 * block of a wave the same home in every phase keeps the block's arrays in one core's cache: with
 * indices handed out first come, first served, a block's candidate arrays moved between the cores
 * from one phase to the next, and every write to them had to take the line from the other core.
 *
 * <p>Not reentrant; one phase at a time, always from the thread that created the crew.
 */
final class Crew implements AutoCloseable {
    /** One index's work, run on worker slot {@code worker}. */
    interface Task {
        void run(int worker, int index);
    }

    private final int n;
    private final Phaser phaser;
    private volatile boolean closed;
    private volatile boolean abort;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** The current phase: its task and, per slot, the indices whose home it is and a claim cursor over them. */
    private Task task;
    private int[][] homes;
    private final int[] homeCount;
    private final AtomicInteger[] cursor;

    /** {@code n} slots: the caller and {@code n - 1} daemon threads named {@code name}. */
    Crew(int n, String name) {
        if (n < 1) {
            throw new IllegalArgumentException("a crew of " + n);
        }
        this.n = n;
        this.phaser = new Phaser(n);
        this.homes = new int[n][64];
        this.homeCount = new int[n];
        this.cursor = new AtomicInteger[n];
        for (int k = 0; k < n; k++) {
            cursor[k] = new AtomicInteger();
        }
        for (int k = 1; k < n; k++) {
            final int slot = k;
            Thread t = new Thread(() -> serve(slot), name);
            t.setDaemon(true);
            t.start();
        }
    }

    int size() { return n; }

    private void serve(int slot) {
        while (true) {
            phaser.arriveAndAwaitAdvance(); // a phase starts, or the crew closes
            if (closed) {
                return;
            }
            share(slot);
            phaser.arriveAndAwaitAdvance(); // every slot is done
        }
    }

    /**
     * Runs {@code task} for every index in [0, count), index i first offered to slot
     * {@code home(i) % size()}; returns when all are done and rethrows the first failure (after
     * which no further index is started).
     */
    void run(int count, IntUnaryOperator home, Task task) {
        if (n == 1 || count == 1) {
            for (int i = 0; i < count; i++) {
                task.run(0, i);
            }
            return;
        }
        if (homes[0].length < count) {
            homes = new int[n][Math.max(count, 2 * homes[0].length)];
        }
        java.util.Arrays.fill(homeCount, 0);
        for (int i = 0; i < count; i++) {
            int k = Math.floorMod(home.applyAsInt(i), n);
            homes[k][homeCount[k]++] = i;
        }
        for (AtomicInteger c : cursor) {
            c.set(0);
        }
        this.task = task;
        abort = false;
        failure.set(null);
        phaser.arriveAndAwaitAdvance(); // publishes the phase to the slots (a Phaser advance orders memory)
        share(0);
        phaser.arriveAndAwaitAdvance();
        this.task = null;
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error er) {
            throw er;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    /** Slot {@code slot}'s part of a phase: its home indices, then whatever the other slots have not claimed. */
    private void share(int slot) {
        try {
            for (int d = 0; d < n && !abort; d++) {
                int m = (slot + d) % n;
                int[] mine = homes[m];
                int count = homeCount[m];
                for (int c = cursor[m].getAndIncrement(); c < count && !abort; c = cursor[m].getAndIncrement()) {
                    task.run(slot, mine[c]);
                }
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            abort = true;
        }
    }

    /** Ends the threads (they wait for the next phase); call between phases, from the creating thread. */
    @Override public void close() {
        if (n > 1 && !closed) {
            closed = true;
            phaser.arriveAndAwaitAdvance();
        }
    }
}
