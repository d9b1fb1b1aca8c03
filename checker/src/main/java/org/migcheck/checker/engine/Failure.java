package org.migcheck.checker.engine;

/** Whatever a {@link TransitionSystem} reports as bad; the engine only records where it happened. */
public interface Failure {
    /** One line for logs. */
    String summary();
}
