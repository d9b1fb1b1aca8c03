package org.migcheck.checker.engine;

/** Whatever a {@link TransitionSystem} reports as bad; the engine only records where it happened. */
public interface Failure {
    /** One line for logs. */
    String summary();

    /**
     * Whether replaying the schedule that reached this failure reaches it again. False for a failure that says the
     * model's own code is not deterministic: its path is no evidence, so searches neither shrink nor replay it.
     */
    default boolean reproducible() { return true; }

    /** A failure a random walk reached that a replay of the same schedule does not reach: the model is not deterministic. */
    record NotReproducible(String summary) implements Failure {
        @Override public boolean reproducible() { return false; }
    }
}
