package org.migcheck.properties;

import java.util.function.Function;
import org.migcheck.model.lang.StateView;

/** A predicate every reachable state must satisfy; checked on each new state. */
public interface Invariant extends Rule {

    Check check(StateView state);

    /** An invariant in one expression. */
    static Invariant of(String id, String statement, String kernelRef, Function<StateView, Check> check) {
        return new Invariant() {
            @Override public String id() { return id; }
            @Override public String statement() { return statement; }
            @Override public String kernelRef() { return kernelRef; }
            @Override public Check check(StateView state) { return check.apply(state); }
        };
    }
}
