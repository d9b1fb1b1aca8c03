package org.migcheck.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;

/**
 * Drives one interleaving of a model by hand with {@link Semantics}: {@link #run} fires a thread's
 * next step and moves on; {@link #step} fires it and returns the {@link StepView} a step rule sees
 * (thread, trace label, emitted events, state before and after), built exactly as the checker would.
 */
final class StepDriver {
    final Model model;
    final Semantics sem;
    int[] state;

    StepDriver(Model model) {
        this.model = model;
        this.sem = new Semantics(model);
        this.state = sem.initialState();
    }

    private int thread(String name) {
        int t = model.threadIndex(name);
        assertTrue(t >= 0, "model " + model.name() + " has no thread " + name);
        return t;
    }

    /** Fires the next step of {@code thread} (alternative 0) without checking anything. */
    StepDriver run(String thread) {
        state = sem.fire(state, thread(thread), 0).next();
        return this;
    }

    /** Fires the next step of {@code thread} and returns the view a step rule gets for it. */
    StepView step(String thread) {
        int t = thread(thread);
        int[] before = state;
        String label = sem.label(before, t, 0);
        Semantics.Fired f = sem.fire(before, t, 0);
        state = f.next();
        return new StepView(model, t, label, f.events(), sem.view(before), sem.view(f.next()));
    }

    /** Asserts that the next step of {@code thread} is labelled {@code label}, then returns its view. */
    StepView step(String thread, String label) {
        assertEquals(label, sem.label(state, thread(thread), 0), "next step of " + thread);
        return step(thread);
    }

    static void assertOk(Check c) {
        assertEquals(Check.ok(), c, () -> "expected Ok, got " + c);
    }

    /** Asserts a violation whose message contains every one of {@code names}; returns the message. */
    static String assertViolated(Check c, String... names) {
        Check.Violated v = assertInstanceOf(Check.Violated.class, c, "expected a violation");
        for (String n : names) {
            assertTrue(v.message().contains(n), () -> "message should name " + n + ": " + v.message());
        }
        return v.message();
    }
}
