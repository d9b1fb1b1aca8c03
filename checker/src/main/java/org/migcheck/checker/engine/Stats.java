package org.migcheck.checker.engine;

/**
 * Search statistics, as TLC prints them.
 *
 * @param generated  transitions taken (successor states generated, duplicates included)
 * @param distinct   distinct states stored
 * @param maxDepth   deepest state reached (the initial state has depth 0)
 * @param nanos      wall-clock duration
 */
public record Stats(long generated, long distinct, int maxDepth, long nanos) {

    public double seconds() { return nanos / 1e9; }

    /** Distinct states per second. */
    public double statesPerSecond() { return nanos == 0 ? 0 : distinct / seconds(); }

    public String line() {
        return String.format("%d states generated, %d distinct, depth %d, %.2f s, %.0f states/s",
                generated, distinct, maxDepth, seconds(), statesPerSecond());
    }
}
