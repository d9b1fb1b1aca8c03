package org.migcheck.properties;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.StateView;

/** A thread's locking context in a state, derived from the lock holder variables. */
public final class Context {
    private Context() {}

    /** Locks that thread {@code t} holds in {@code s}, in declaration order. */
    public static List<Lock> held(StateView s, int t) {
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
        for (Lock l : s.model().locks()) {
            if (l.kind() == Lock.Kind.SPINLOCK && s.holder(l) == t) {
                return l;
            }
        }
        return null;
    }
}
