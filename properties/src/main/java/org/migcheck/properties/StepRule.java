package org.migcheck.properties;

import java.util.List;
import java.util.function.Function;
import org.migcheck.model.lang.Event;

/** A predicate over a step and the state before it, with the thread's context; checked on every transition. */
public interface StepRule extends Rule {

    Check check(StepView step);

    /**
     * The event types of which a transition must emit at least one for this rule to be able to
     * fail on it; empty (the default) when it can fail on any transition. A non-empty answer is a
     * promise, {@code check(step)} is ok whenever {@code step} emits no event of these types, and
     * the checker relies on it: it evaluates the rule only on transitions that emit one (most
     * transitions of a model emit none of most rules' events). {@link #onEvents} keeps the promise
     * by construction.
     */
    default List<Class<? extends Event>> triggers() { return List.of(); }

    static StepRule of(String id, String statement, String kernelRef, Function<StepView, Check> check) {
        return new StepRule() {
            @Override public String id() { return id; }
            @Override public String statement() { return statement; }
            @Override public String kernelRef() { return kernelRef; }
            @Override public Check check(StepView step) { return check.apply(step); }
        };
    }

    /**
     * A rule about steps that emit events of {@code type}: {@code check} runs only on a transition
     * that emitted at least one such event; every other transition passes.
     */
    static StepRule onEvents(String id, String statement, String kernelRef, Class<? extends Event> type,
                             Function<StepView, Check> check) {
        List<Class<? extends Event>> triggers = List.of(type);
        return new StepRule() {
            @Override public String id() { return id; }
            @Override public String statement() { return statement; }
            @Override public String kernelRef() { return kernelRef; }
            @Override public List<Class<? extends Event>> triggers() { return triggers; }
            @Override public Check check(StepView step) { return step.emits(type) ? check.apply(step) : Check.ok(); }
        };
    }
}
