package org.migcheck.properties;

/**
 * A named locking rule. Every rule has an id (used by scenario expectations and exit reports), a
 * one-line statement, and the kernel source it encodes.
 */
public interface Rule {
    String id();

    String statement();

    /** Kernel file (and function or comment) the rule comes from. */
    String kernelRef();

    /**
     * Whether this rule can never fail on {@code model} because the model has none of what the rule
     * is about (no spinlock for a rule about atomic context, no task for a rule about a task's flags,
     * no folio for a rule about folios, no lock of a class a hierarchy orders). A promise the checker
     * relies on: when true, the rule is not evaluated on that model at all. False by default.
     */
    default boolean vacuous(org.migcheck.model.lang.Model model) { return false; }
}
