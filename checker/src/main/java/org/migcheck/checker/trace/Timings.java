package org.migcheck.checker.trace;

/**
 * Whether reports print how long a search took (its seconds and states per second): the only parts of a report that
 * differ between two runs of the same check (every worker count gives the same verdict, counts and counterexample).
 * {@code --no-timings} leaves them out of every format, so that a CI job can keep a report as a golden file and diff
 * it: text and HTML drop them, JSON gives null, JUnit XML gives {@code time="0.000"}. The command line's switch is the
 * process's for the length of its run (in-process command lines run one at a time); {@link #without} is one thread's.
 */
public final class Timings {
    private static volatile boolean shown = true;

    /** Reports rendered on this thread inside {@link #without}: a Java API user's golden file, whatever else the JVM runs. */
    private static final ThreadLocal<Boolean> HIDDEN_HERE = ThreadLocal.withInitial(() -> false);

    private Timings() {}

    /** Whether reports print run times (true unless {@code --no-timings}, or inside {@link #without} on this thread). */
    public static boolean shown() { return shown && !HIDDEN_HERE.get(); }

    /** The process's switch alone, whatever {@link #without} says on this thread (for the command line to restore it). */
    public static boolean processWide() { return shown; }

    /** Sets whether reports print run times (the command line, for the length of one run). */
    public static void show(boolean show) { shown = show; }

    /**
     * {@code render} with no run times in the reports it renders on this thread: as {@code --no-timings} does for the
     * command line, for a report of the Java API kept as a golden file, e.g. {@code Timings.without(result::json)}.
     * Other threads are not affected.
     */
    public static <T> T without(java.util.function.Supplier<T> render) {
        boolean was = HIDDEN_HERE.get();
        HIDDEN_HERE.set(true);
        try {
            return render.get();
        } finally {
            HIDDEN_HERE.set(was);
        }
    }
}
