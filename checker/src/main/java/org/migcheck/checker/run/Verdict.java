package org.migcheck.checker.run;

/** The verdict kinds of a check, each with its own process exit code (documented in the README). */
public enum Verdict {
    /** Exhaustive within the model's bounds: no rule broken, no deadlock, no stuck thread. */
    HOLDS(0),
    /** An assertion, invariant, step rule or lock-order rule is broken. */
    VIOLATED(1),
    /** A reachable state where nothing can move and some thread is neither finished nor idle. */
    DEADLOCK(2),
    /** A thread waits for something no live thread will ever provide, while others may still run. */
    STUCK(3),
    /** A budget (states, depth, time, memory) ended the run before the state space was exhausted. */
    INCOMPLETE(4),
    /** The model is malformed (overflow, unlock of a lock not held, bad reference); the message names the element. */
    MODEL_ERROR(5);

    private final int exitCode;

    Verdict(int exitCode) { this.exitCode = exitCode; }

    public int exitCode() { return exitCode; }

    /** Exit code for command-line usage errors. */
    public static final int USAGE_EXIT = 64;

    /** Exit code of {@code check --all} when some variant's verdict differs from its expectation. */
    public static final int MISMATCH_EXIT = 10;

    public String lower() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
}
