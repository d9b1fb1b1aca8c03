package org.migcheck.checker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class CrewTest {
    /** Every index of every phase runs exactly once, on a slot of the crew, whatever its home. */
    @Test
    void everyIndexRunsOnceOnSomeSlot() {
        for (int n : new int[] {1, 2, 3, 4}) {
            try (Crew crew = new Crew(n, "crew-test")) {
                for (int phase = 0; phase < 200; phase++) {
                    int count = 1 + phase % 70;
                    AtomicIntegerArray runs = new AtomicIntegerArray(count);
                    AtomicInteger badSlot = new AtomicInteger();
                    int shift = phase;
                    crew.run(count, i -> i + shift, (k, i) -> {
                        if (k < 0 || k >= n) {
                            badSlot.incrementAndGet();
                        }
                        runs.incrementAndGet(i);
                    });
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, runs.get(i), "n=" + n + " phase " + phase + " index " + i);
                    }
                    assertEquals(0, badSlot.get());
                }
            }
        }
    }

    /** Slot k always runs on the same thread: the caller is slot 0, the others keep theirs for the crew's life. */
    @Test
    void aSlotKeepsItsThread() {
        try (Crew crew = new Crew(3, "crew-test")) {
            Thread[] seen = new Thread[3];
            AtomicInteger moved = new AtomicInteger();
            for (int phase = 0; phase < 100; phase++) {
                crew.run(30, i -> i, (k, i) -> {
                    synchronized (seen) {
                        if (seen[k] == null) {
                            seen[k] = Thread.currentThread();
                        } else if (seen[k] != Thread.currentThread()) {
                            moved.incrementAndGet();
                        }
                    }
                });
            }
            assertEquals(0, moved.get());
            assertSame(Thread.currentThread(), seen[0]);
        }
    }

    /** A failure on any slot stops the phase from starting more indices and is rethrown to the caller; the crew stays usable. */
    @Test
    void aFailureIsRethrownAndStopsThePhase() {
        try (Crew crew = new Crew(2, "crew-test")) {
            for (int failing : new int[] {0, 1, 57}) {
                AtomicInteger started = new AtomicInteger();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> crew.run(100_000, i -> i, (k, i) -> {
                    started.incrementAndGet();
                    if (i == failing) {
                        throw new IllegalStateException("index " + i);
                    }
                }));
                assertEquals("index " + failing, e.getMessage());
                assertTrue(started.get() < 100_000, "the phase stopped early: " + started.get());
                AtomicInteger after = new AtomicInteger();
                crew.run(10, i -> i, (k, i) -> after.incrementAndGet());
                assertEquals(10, after.get());
            }
            assertThrows(OutOfMemoryError.class, () -> crew.run(4, i -> i, (k, i) -> {
                if (i == 3) {
                    throw new OutOfMemoryError("test");
                }
            }));
        }
    }

    /** Closing ends the crew's threads. */
    @Test
    void closeEndsTheThreads() throws InterruptedException {
        Thread[] worker = new Thread[1];
        Crew crew = new Crew(2, "crew-test-close");
        crew.run(2, i -> i, (k, i) -> {
            if (k == 1) {
                worker[0] = Thread.currentThread();
            }
        });
        if (worker[0] == null) { // slot 0 may have taken both indices: make slot 1 show itself
            for (int tries = 0; tries < 1000 && worker[0] == null; tries++) {
                crew.run(64, i -> i, (k, i) -> {
                    if (k == 1) {
                        worker[0] = Thread.currentThread();
                    }
                    Thread.onSpinWait();
                });
            }
        }
        assertTrue(worker[0] != null && worker[0].isAlive());
        crew.close();
        worker[0].join(10_000);
        assertFalse(worker[0].isAlive());
    }
}
