package org.migcheck.properties;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.StateView;

/** A thread's locking context in a state, derived from the lock holder variables. */
public final class Context {
    private Context() {}

    /**
     * A free lock's holder reads as -1, so asking for thread -1 (what {@code Model.threadIndex} returns
     * for a name the model does not have) would list every free lock: the rule's error, named.
     */
    private static void thread(StateView s, int t) {
        if (t < 0 || t >= s.model().threadCount()) {
            throw new org.migcheck.model.lang.ModelError(String.valueOf(t), "no thread " + t + " in model " + s.model().name()
                    + (t == -1 ? " (Model.threadIndex returns -1 for a thread name the model does not have)" : ""));
        }
    }

    /** Locks that thread {@code t} holds in {@code s}, in declaration order. */
    public static List<Lock> held(StateView s, int t) {
        thread(s, t);
        List<Lock> out = new ArrayList<>();
        for (Lock l : s.model().locks()) {
            if (s.holder(l) == t) {
                out.add(l);
            }
        }
        return out;
    }

    /** The first spinlock {@code t} holds (which makes its context atomic), or null. */
    public static Lock atomicBecause(StateView s, int t) {
        thread(s, t);
        for (Lock l : s.model().locks()) {
            if (l.kind() == Lock.Kind.SPINLOCK && s.holder(l) == t) {
                return l;
            }
        }
        return null;
    }
}
