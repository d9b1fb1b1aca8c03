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
     * {@code text} (a message or statement of a model's or rule's code) as one report line: each run of control
     * characters (C0, DEL, C1, the line and paragraph separators) with the spaces around it becomes one space.
     */
    public static String oneLine(String text) {
        if (text == null || text.chars().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
            return text;
        }
        return text.replaceAll("[ ]*[\\x00-\\x1F\\x7F-\\x9F\\u2028\\u2029][\\x00-\\x1F\\x7F-\\x9F\\u2028\\u2029 ]*", " ");
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
