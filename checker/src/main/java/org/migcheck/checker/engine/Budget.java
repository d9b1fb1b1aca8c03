package org.migcheck.checker.engine;

import java.time.Duration;

/**
 * Limits of one search. Reaching any of them ends the run as {@link SearchResult.Status#INCOMPLETE},
 * never as "no violation".
 *
 * @param maxStates   most distinct states to store
 * @param maxDepth    states at this depth are not expanded (the run is then incomplete if any had successors)
 * @param timeLimit   wall-clock limit
 * @param maxMemory   bytes of Java heap in use at which the run stops
 */
public record Budget(long maxStates, int maxDepth, Duration timeLimit, long maxMemory) {
    /**
     * "time limit 60.0 s" as the reports say it; below a millisecond the seconds in full ("0.0001 s": milliseconds
     * printed a limit the option itself refuses, 0.0 s).
     */
    public String timeLimitText() {
        long ms = timeLimit.toMillis();
        String secs = ms >= 1 ? String.valueOf(ms / 1000.0)
                : java.math.BigDecimal.valueOf(timeLimit.toNanos(), 9).stripTrailingZeros().toPlainString();
        return "time limit " + secs + " s";
    }


    public static Budget unlimited() {
        return new Budget(Long.MAX_VALUE, Integer.MAX_VALUE, Duration.ofDays(365), (long) (Runtime.getRuntime().maxMemory() * 0.9));
    }

    public Budget withMaxStates(long n) { return new Budget(n, maxDepth, timeLimit, maxMemory); }
    public Budget withMaxDepth(int d) { return new Budget(maxStates, d, timeLimit, maxMemory); }
    public Budget withTimeLimit(Duration t) { return new Budget(maxStates, maxDepth, t, maxMemory); }
    public Budget withMaxMemory(long bytes) { return new Budget(maxStates, maxDepth, timeLimit, bytes); }
}
