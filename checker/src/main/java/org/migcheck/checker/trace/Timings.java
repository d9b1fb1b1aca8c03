package org.migcheck.checker.trace;

/**
 * Whether reports print how long a search took (its seconds and states per second): the only parts of a report that
 * differ between two runs of the same check (every worker count gives the same verdict, counts and counterexample).
 * {@code --no-timings} leaves them out of every format, so that a CI job can keep a report as a golden file and diff
 * it: text and HTML drop them, JSON gives null, JUnit XML gives {@code time="0.000"}. Process-wide, as the command line
 * sets it once per run.
 */
public final class Timings {
    private static volatile boolean shown = true;

    private Timings() {}

    /** Whether reports print run times (true unless {@code --no-timings}). */
    public static boolean shown() { return shown; }

    /** Sets whether reports print run times (the command line, at each run). */
    public static void show(boolean show) { shown = show; }
}
