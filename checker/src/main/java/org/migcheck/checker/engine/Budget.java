package org.migcheck.checker.engine;

import java.time.Duration;

/**
 * Limits of one search. Reaching any of them ends the run as {@link SearchResult.Status#INCOMPLETE},
 * never as "no violation".
 *
 * @param maxStates   most distinct states to store
 * @param maxDepth    states at this depth are not expanded (the run is then incomplete if any had successors)
 * @param timeLimit   wall-clock limit
 * @param maxMemory   bytes of Java heap in use at which the run stops (the JVM's whole heap: see {@link #memoryLimitText()})
 * @param statedLimit the time limit the user gave, when {@code timeLimit} is what is left of it for a re-check
 *                    ({@link #withTimeLeft}); null when {@code timeLimit} is the limit given
 */
public record Budget(long maxStates, int maxDepth, Duration timeLimit, long maxMemory, Duration statedLimit) {
    /**
     * A budget the searches can keep: a Java API user's mistake is an {@link IllegalArgumentException} naming the value,
     * as the command line's is a usage error (a negative state limit ended a check INCOMPLETE "at max states -5", a
     * null time limit in a NullPointerException inside the search).
     */
    public Budget {
        if (maxStates < 1) {
            throw new IllegalArgumentException("maxStates must be at least 1, not " + maxStates);
        }
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must be at least 0, not " + maxDepth);
        }
        if (timeLimit == null || timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("timeLimit must be a positive duration, not " + timeLimit);
        }
        if (maxMemory < 1) {
            throw new IllegalArgumentException("maxMemory must be at least 1 byte, not " + maxMemory);
        }
        if (statedLimit != null && (statedLimit.isNegative() || statedLimit.isZero())) {
            throw new IllegalArgumentException("statedLimit must be a positive duration or null, not " + statedLimit);
        }
    }

    public Budget(long maxStates, int maxDepth, Duration timeLimit, long maxMemory) {
        this(maxStates, maxDepth, timeLimit, maxMemory, null);
    }

    /**
     * The limit a search reports when the heap in use stays above {@link #maxMemory} after a collection. Java measures
     * the heap of the whole JVM, not one search's share: other checks or other work in the same JVM (tests run in
     * parallel) count too, and the text says so (not how much was in use, which differs from run to run).
     */
    public String memoryLimitText() {
        return "memory limit " + (maxMemory >> 20) + " MiB (the heap the whole JVM uses: this search's and whatever else runs"
                + " in the same JVM)";
    }

    /**
     * "time limit 60.0 s" as the reports say it; below a millisecond the seconds in full ("0.0001 s": milliseconds
     * printed a limit the option itself refuses, 0.0 s). A re-check that had what was left of the limit names the
     * limit given (a check with --time-limit 10 said "time limit 0.73 s" when its re-check ran out).
     */
    public String timeLimitText() {
        Duration t = statedLimit != null ? statedLimit : timeLimit;
        long ms = t.toMillis();
        String secs = ms >= 1 ? String.valueOf(ms / 1000.0)
                : java.math.BigDecimal.valueOf(t.toNanos(), 9).stripTrailingZeros().toPlainString();
        return "time limit " + secs + " s";
    }

    /** Why every search of this process is to stop now (a signal to the command line), or null. */
    private static volatile String stopAll;

    /**
     * Stops every search of this process at its next budget check, as a budget does (INCOMPLETE, with {@code why} as the
     * limit reached), and every later one at its first: the command line's answer to SIGINT or SIGTERM, so that the
     * report is written with what was explored ({@code null}: no stop; tests that ask one in-process reset it so).
     */
    public static void stopAll(String why) { stopAll = why; }

    /** The reason given to {@link #stopAll}, or null when no stop was asked. */
    public static String stoppedAll() { return stopAll; }

    public static Budget unlimited() {
        return new Budget(Long.MAX_VALUE, Integer.MAX_VALUE, Duration.ofDays(365), (long) (Runtime.getRuntime().maxMemory() * 0.9));
    }

    public Budget withMaxStates(long n) { return new Budget(n, maxDepth, timeLimit, maxMemory, statedLimit); }
    public Budget withMaxDepth(int d) { return new Budget(maxStates, d, timeLimit, maxMemory, statedLimit); }
    /** A new time limit, its own (not what is left of another). */
    public Budget withTimeLimit(Duration t) { return new Budget(maxStates, maxDepth, t, maxMemory, null); }
    /** What is left ({@code left}) of this budget's time limit, for a re-check that shares it; reports still name the limit given. */
    public Budget withTimeLeft(Duration left) {
        return new Budget(maxStates, maxDepth, left, maxMemory, statedLimit != null ? statedLimit : timeLimit);
    }
    public Budget withMaxMemory(long bytes) { return new Budget(maxStates, maxDepth, timeLimit, bytes, statedLimit); }
}
