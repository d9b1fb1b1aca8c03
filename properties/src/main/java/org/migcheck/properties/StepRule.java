package org.migcheck.properties;

import java.util.function.Function;

/** A predicate over a step and the state before it, with the thread's context; checked on every transition. */
public interface StepRule extends Rule {

    Check check(StepView step);

    static StepRule of(String id, String statement, String kernelRef, Function<StepView, Check> check) {
        return new StepRule() {
            @Override public String id() { return id; }
            @Override public String statement() { return statement; }
            @Override public String kernelRef() { return kernelRef; }
            @Override public Check check(StepView step) { return check.apply(step); }
        };
    }
}
