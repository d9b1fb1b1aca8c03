package org.migcheck.checker.testing;

import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Steps;

/** The tests' commonest thread: it takes locks in the order given (mutex_lock), then releases them in the reverse order. */
public final class Nested {
    private Nested() {}

    /** Adds to {@code body} the acquisition of {@code locks} in order and their release in reverse; returns {@code body}. */
    public static Body locks(Body body, Lock... locks) {
        for (Lock l : locks) {
            body.step(Steps.lock("mutex_lock", l));
        }
        for (int i = locks.length - 1; i >= 0; i--) {
            body.step(Steps.unlock("mutex_unlock", locks[i]));
        }
        return body;
    }
}
