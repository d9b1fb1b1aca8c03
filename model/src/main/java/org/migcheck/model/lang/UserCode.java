package org.migcheck.model.lang;

/**
 * Where the checker calls code of a model or of a rule (steps, guards, invariants, goals, a rule's
 * metadata), whatever that code throws is its failure, named as the model's error: an unchecked
 * exception, an {@link Error} of its own, or a checked exception thrown past the compiler. Only the
 * JVM's own failures end the check as such: running out of heap (a budget: INCOMPLETE) and the
 * virtual machine's internal errors. A stack overflow is the code's (its recursion), so it stays the
 * model's error.
 */
public final class UserCode {
    private UserCode() {}

    /**
     * Throws {@code t} again when it is the JVM's failure rather than the user code's, or the checker's own
     * {@link Passing} signal; returns otherwise.
     */
    public static void rethrowJvmFailure(Throwable t) {
        if (t instanceof VirtualMachineError v && !(t instanceof StackOverflowError)) {
            throw v;
        }
        if (t instanceof Passing p) {
            throw p;
        }
    }

    /**
     * A signal of the checker's that passes through the user's code on purpose (the footprint tables stop a
     * run that reads a slot not fixed yet): never the code's failure. For the checker's own use: a model or
     * rule that throws one ends the check as an internal error.
     */
    public abstract static class Passing extends Error {
        private static final long serialVersionUID = 1L;

        protected Passing() { super(null, null, false, false); }
    }
}
