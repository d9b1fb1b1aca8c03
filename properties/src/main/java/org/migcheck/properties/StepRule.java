package org.migcheck.properties;

import java.util.List;
import java.util.function.Function;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Var;

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

    /**
     * The variables of {@code model} of which a transition must change at least one for this rule to
     * be able to fail on it, or null (the default) when the rule makes no such promise. Like
     * {@link #triggers()} it is a promise the checker relies on: {@code check(step)} is ok whenever the
     * step leaves every one of these variables as it was, so the rule is evaluated only on
     * transitions that change one. Rules that compare a few variables before and after every step
     * (who may change a flag) declare them; {@link #onChange} keeps the promise by construction. A
     * rule with both promises is evaluated only where both conditions hold.
     */
    default List<Var> watches(Model model) { return null; }

    static StepRule of(String id, String statement, String kernelRef, Function<StepView, Check> check) {
        return new StepRule() {
            @Override public String id() { return id; }
            @Override public String statement() { return statement; }
            @Override public String kernelRef() { return kernelRef; }
            @Override public Check check(StepView step) { return check.apply(step); }
        };
    }

    /**
     * A rule about steps that change one of the variables {@code watched} names for a model:
     * {@code check} runs only on a transition that changed at least one of them; every other
     * transition passes.
     */
    static StepRule onChange(String id, String statement, String kernelRef, Function<Model, List<Var>> watched,
                             Function<StepView, Check> check) {
        return new StepRule() {
            @Override public String id() { return id; }
            @Override public String statement() { return statement; }
            @Override public String kernelRef() { return kernelRef; }
            @Override public List<Var> watches(Model model) { return List.copyOf(watched.apply(model)); }
            @Override public Check check(StepView step) {
                for (Var x : watched.apply(step.model())) {
                    if (step.before().get(x) != step.after().get(x)) {
                        return check.apply(step);
                    }
                }
                return Check.ok();
            }
        };
    }

    /**
     * A rule about steps that emit events of {@code type}: {@code check} runs only on a transition
     * that emitted at least one such event; every other transition passes.
     */
    static StepRule onEvents(String id, String statement, String kernelRef, Class<? extends Event> type,
                             Function<StepView, Check> check) {
        return onEvents(id, statement, kernelRef, type, model -> false, check);
    }

    /**
     * The same for a rule that is {@link #vacuous} on the models where {@code vacuousOn} answers true:
     * {@code check} must pass every step of such a model (the caller's promise).
     */
    static StepRule onEvents(String id, String statement, String kernelRef, Class<? extends Event> type,
                             java.util.function.Predicate<Model> vacuousOn, Function<StepView, Check> check) {
        List<Class<? extends Event>> triggers = List.of(type);
        return new StepRule() {
            @Override public String id() { return id; }
            @Override public String statement() { return statement; }
            @Override public String kernelRef() { return kernelRef; }
            @Override public List<Class<? extends Event>> triggers() { return triggers; }
            @Override public boolean vacuous(Model model) { return vacuousOn.test(model); }
            @Override public Check check(StepView step) { return step.emits(type) ? check.apply(step) : Check.ok(); }
        };
    }
}
