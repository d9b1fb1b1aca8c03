package org.migcheck.properties;

import java.util.function.Function;
import org.migcheck.model.lang.StateView;

/** A predicate every reachable state must satisfy; checked on each new state. */
public interface Invariant extends Rule {

    Check check(StateView state);

    /** An invariant in one expression. */
    static Invariant of(String id, String statement, String kernelRef, Function<StateView, Check> check) {
        return of(id, statement, kernelRef, model -> false, check);
    }

    /**
     * The same for an invariant that is {@link #vacuous} on the models where {@code vacuousOn} answers
     * true: {@code check} must pass every state of such a model (the caller's promise).
     */
    static Invariant of(String id, String statement, String kernelRef, java.util.function.Predicate<org.migcheck.model.lang.Model> vacuousOn,
                        Function<StateView, Check> check) {
        java.util.Objects.requireNonNull(id, "Invariant.of needs an id");
        return new Invariant() {
            @Override public boolean vacuous(org.migcheck.model.lang.Model model) { return vacuousOn.test(model); }
            @Override public String id() { return id; }
            @Override public String statement() { return statement; }
            @Override public String kernelRef() { return kernelRef; }
            @Override public Check check(StateView state) { return check.apply(state); }
        };
    }
}
