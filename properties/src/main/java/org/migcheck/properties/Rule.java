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
}
