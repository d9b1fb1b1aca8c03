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

    /**
     * The same, with the tag the system attached to the transition
     * ({@link TransitionSystem.Successors#successor(int, int[], int)}; 0 when none). The search calls
     * this one; by default it forwards to {@link #onTransition(int, int, int)}.
     */
    default void onTransition(int from, int label, int to, int tag) { onTransition(from, label, to); }

    /** A state was expanded; {@code successors} transitions left it. */
    default void onExpanded(int id, int successors) {}

    /**
     * Whether {@link #onNewState} does anything (the search then skips unpacking states for it). The
     * breadth-first search asks again before each wave, so an observer may turn this off once it
     * has seen what it needs; it then receives no more states.
     */
    default boolean observesStates() { return true; }

    /** Whether {@link #onTransition} and {@link #onExpanded} do anything (the search may skip both when not). */
    default boolean observesTransitions() { return true; }

    /** Called every few seconds on long runs. */
    default void onProgress(Stats stats, long frontier) {}
}
