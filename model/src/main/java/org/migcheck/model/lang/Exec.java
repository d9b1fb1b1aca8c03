package org.migcheck.model.lang;

/**
 * What a step's guard, effect and labels see: the state before the step, the running thread, its
 * locals, and (in effects only) writes and events. Guards and labels that try to write are model
 * errors: a guard must be a pure predicate.
 */
public interface Exec extends StateView {
    /** Index of the running thread. */
    int self();

    /** Name of thread {@code t}. */
    default String threadName(int t) { return model().thread(t).name(); }

    /** The alternative chosen for a nondeterministic step (0 for ordinary steps). */
    int choice();

    /** The value of a local of the running procedure. */
    int local(Local l);

    void setLocal(Local l, int value);

    /** Writes a shared variable; out-of-domain values are model errors naming {@code v}. */
    void set(Var v, int value);

    default void set(Var flag, boolean value) { set(flag, value ? 1 : 0); }

    /** Adds {@code delta} to a bounded counter; over- or underflow is a model error. */
    default void add(Var counter, int delta) {
        long next = (long) get(counter) + delta;
        if (next > counter.max()) {
            throw new ModelError(counter.name(), "counter " + counter.name() + " overflows its bound " + counter.max());
        }
        if (next < counter.min()) {
            throw new ModelError(counter.name(), "counter " + counter.name() + " underflows its bound " + counter.min());
        }
        set(counter, (int) next);
    }

    /** Records an event of this step for the step rules (lock acquisition, flag set, free, ...). */
    void emit(Event e);

    /** Fails the step with a violated rule (assertions and rules the model checks itself). */
    default ModelViolation violation(String ruleId, String message) {
        return new ModelViolation(ruleId, message);
    }
}
