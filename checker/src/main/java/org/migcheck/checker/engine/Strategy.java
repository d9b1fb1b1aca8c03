package org.migcheck.checker.engine;

/** Order of exploration. */
public enum Strategy {
    /** Breadth-first: the first counterexample found is a shortest one (default). */
    BFS,
    /** Depth-first with an explicit stack: less frontier memory, counterexamples not shortest. */
    DFS,
    /**
     * Seeded random walks with delta-debugging of the counterexample ({@link RandomSearch}); for
     * models too large to exhaust. Never exhaustive: finding nothing is INCOMPLETE.
     */
    RANDOM
}
