package org.migcheck.checker.engine;

/**
 * Search statistics, as TLC prints them.
 *
 * @param generated   transitions taken (successor states generated, duplicates included)
 * @param distinct    distinct states stored
 * @param maxDepth    deepest state reached (the initial state has depth 0)
 * @param nanos       wall-clock duration
 * @param store       how the breadth-first visited set stored its vectors ("packed" or "tree"), or null
 *                    when no such store ran (depth-first or random search, a spread result)
 * @param storeBytes  bytes that visited set held (vectors, parent links, tables; allocated capacity), or -1
 */
public record Stats(long generated, long distinct, int maxDepth, long nanos, String store, long storeBytes) {

    /** Statistics without a visited-set figure. */
    public Stats(long generated, long distinct, int maxDepth, long nanos) {
        this(generated, distinct, maxDepth, nanos, null, -1);
    }

    public double seconds() { return nanos / 1e9; }

    /** Distinct states per second. */
    public double statesPerSecond() { return nanos == 0 ? 0 : distinct / seconds(); }

    /** Visited-set bytes per distinct state, or -1 when unknown. */
    public double bytesPerState() { return storeBytes < 0 || distinct == 0 ? -1 : (double) storeBytes / distinct; }

    public String line() {
        return line(true);
    }

    /** As {@link #line()}; without {@code timings}, without the seconds and the rate (the parts that differ from run to run). */
    public String line(boolean timings) {
        // transitions, not "states generated": with the initial state, the distinct states can outnumber them
        return timings ? String.format(java.util.Locale.ROOT, "%s, %s, depth %d, %.2f s, %.0f states/s",
                Words.count(distinct, "distinct state"), Words.count(generated, "transition"), maxDepth, seconds(), statesPerSecond())
                : String.format(java.util.Locale.ROOT, "%s, %s, depth %d", Words.count(distinct, "distinct state"),
                        Words.count(generated, "transition"), maxDepth);
    }

    /** "visited set MODE, B bytes per state", or null when there is no figure. */
    public String storeLine() {
        return store == null || distinct == 0 ? null : String.format(java.util.Locale.ROOT, "visited set %s, %.1f bytes per state", store, bytesPerState());
    }
}
