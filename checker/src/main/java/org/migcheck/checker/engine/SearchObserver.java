package org.migcheck.checker.engine;

/**
 * Watches a search without changing it: state graphs for liveness analysis, goal tracking, progress.
 * Callbacks run on the searching thread in a deterministic order, the same for every worker count.
 */
public interface SearchObserver {
    /** State {@code id} was stored for the first time. */
    default void onNewState(int id, int[] state) {}

    /** Transition {@code label} leads from {@code from} to {@code to} (new or already seen). */
    default void onTransition(int from, int label, int to) {}

    /** A state was expanded; {@code successors} transitions left it. */
    default void onExpanded(int id, int successors) {}

    /** Whether {@link #onNewState} does anything (the search then skips unpacking states for it). */
    default boolean observesStates() { return true; }

    /** Whether {@link #onTransition} does anything. */
    default boolean observesTransitions() { return true; }

    /** Called every few seconds on long runs. */
    default void onProgress(Stats stats, long frontier) {}
}
