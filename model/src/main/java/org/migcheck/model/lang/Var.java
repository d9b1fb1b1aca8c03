package org.migcheck.model.lang;

import java.util.function.IntFunction;

/**
 * A shared state variable: one slot of the state vector with a finite, declared domain
 * {@code [min, max]}. Writing a value outside the domain is a model error that names this variable
 * and the step that wrote it (counters: overflow/underflow).
 *
 * <p>Variables are created only through {@link Model.Builder}; their {@link #slot()} is their index in
 * the state vector.
 */
public final class Var {
    private final int slot;
    private final String name;
    private final int min;
    private final int max;
    private final int initial;
    private final IntFunction<String> format;
    private final boolean shown;
    /** The builder that declared this variable: a variable is valid only in that builder's model. */
    final Model.Builder origin;
    /** Whether the value is a bit mask over thread indices (bit t: thread t), see {@link #markThreadMask()}. */
    private boolean threadMask;

    Var(Model.Builder origin, int slot, String name, int min, int max, int initial, IntFunction<String> format, boolean shown) {
        this.origin = origin;
        this.slot = slot;
        this.name = name;
        this.min = min;
        this.max = max;
        this.initial = initial;
        this.format = format;
        this.shown = shown;
    }

    /**
     * Marks this variable as a bit mask over thread indices (bit t stands for thread t), as a wait
     * queue's masks are: a symmetry reduction that permutes threads then moves its bits with them
     * (a mask left in place would hand one thread's wait to another). Returns this variable.
     */
    public Var markThreadMask() {
        if (min < 0) {
            throw new ModelError(name, "variable " + name + " cannot be a thread mask: its domain [" + min + ", " + max + "] has negative values");
        }
        threadMask = true;
        return this;
    }

    /** Whether this variable is a bit mask over thread indices ({@link #markThreadMask()}). */
    public boolean threadMask() { return threadMask; }

    public int slot() { return slot; }
    public String name() { return name; }
    public int min() { return min; }
    public int max() { return max; }
    public int initial() { return initial; }

    /** Whether traces show changes of this variable (internal bookkeeping variables are hidden). */
    public boolean shown() { return shown; }

    /**
     * Renders a value of this variable for traces, e.g. a lock owner as a thread name. How traces show {@code value}; the model's format function is the model's code, so one that throws
     * or gives null shows the number and says so rather than ending a finished check's report.
     */
    public String format(int value) {
        try {
            String shown = format.apply(value);
            return shown != null ? UserCode.oneLine(shown) : value + " (its format gave null)";
        } catch (Throwable e) {
            UserCode.rethrowJvmFailure(e);
            return value + " (its format threw " + e.getClass().getSimpleName() + ")";
        }
    }

    /** The name of the model (builder) that declared this variable. */
    public String modelName() { return origin.name(); }

    @Override public String toString() { return name; }
}
