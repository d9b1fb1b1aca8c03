package org.migcheck.checker.engine;

/**
 * An observer of transitions that the breadth-first search can feed from its worker threads: once per
 * wave, on the searching thread, it makes room ({@link #grow}); then each worker writes the expanded
 * states and transitions of its blocks at the places they take in the sequential order. The result
 * is what {@link #onTransition(int, int, int, int)} and {@link #onExpanded} calls in that order would
 * have built, and an implementation must also accept those calls (the search falls back to them in
 * a wave it cannot merge in parallel, and other searches use only them).
 */
public interface WaveObserver extends SearchObserver {
    /**
     * Searching thread, before a wave is written: room for {@code states} more expanded states and
     * {@code edges} more transitions, after those recorded so far. Positions in the calls that follow
     * count from there.
     */
    void grow(long states, long edges);

    /**
     * Any worker thread, each {@code k} once: the {@code k}-th expanded state of the wave is {@code id},
     * with {@code successors} transitions (written by {@link #transition} at their places).
     */
    void expanded(long k, int id, int successors);

    /** Any worker thread, each {@code e} once: the wave's transition {@code e} goes to {@code to}. */
    void transition(long e, int to, int tag);
}
