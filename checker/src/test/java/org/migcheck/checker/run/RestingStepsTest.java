package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.zoo.Zoo;

/** The deadlock report's line on where the waiting threads stopped, by hand on schedules of abba's t1 (0) and t2 (1). */
class RestingStepsTest {
    private final Model abba = Zoo.abbaModel(false, false);

    private static int[] schedule(int... threads) {
        int[] s = new int[threads.length];
        for (int i = 0; i < threads.length; i++) {
            s[i] = Trace.label(threads[i], 0);
        }
        return s;
    }

    @Test
    void namesTheStepAfterWhichTheWaitingThreadsStopped() {
        // t2 waits; its last step is step 2; steps 3 and 4 are t1's
        assertEquals("after step 2 the cycle's threads take no further step; steps 3-4 are by t1",
                Checker.restingSteps(abba, schedule(0, 1, 0, 0), Set.of(1), true));
        // one later step, and blocked threads without a cycle
        assertEquals("after step 2 the blocked threads take no further step; step 3 is by t1",
                Checker.restingSteps(abba, schedule(0, 1, 0), Set.of(1), false));
        // a thread with several later steps is named once
        assertEquals("after step 1 the cycle's threads take no further step; steps 2-4 are by t1",
                Checker.restingSteps(abba, schedule(1, 0, 0, 0), Set.of(1), true));
    }

    @Test
    void saysNothingWhenAWaitingThreadTakesTheLastStep() {
        assertNull(Checker.restingSteps(abba, schedule(0, 1), Set.of(0, 1), true));
        assertNull(Checker.restingSteps(abba, schedule(0, 1), Set.of(1), true));
        assertNull(Checker.restingSteps(abba, new int[0], Set.of(0), true));
    }
}
