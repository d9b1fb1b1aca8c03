package org.migcheck.checker.run;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.migcheck.checker.engine.Budget;

/**
 * The time limit's last resort. Budgets are read between states, so a guard, effect or rule of the
 * model that never returns would keep a check running past {@code --time-limit} for ever. A check
 * with a time limit is watched: when it has not returned a grace period after the limit, the
 * overrun action is told why, naming the first frame of the user's code the search threads are in.
 * The command line's action prints that and ends the process with INCOMPLETE (exit 4); the default
 * (the Java API, where ending the process is not ours to do) prints it to standard error.
 */
public final class Overrun {
    private Overrun() {}

    /** Limits of a day or more are the default budget's "none". */
    private static final Duration WATCHED_BELOW = Duration.ofDays(1);
    /** 30 s; the system property {@code migcheck.overrunGraceMillis} changes it (for tests that run the command line in a process). */
    private static volatile long graceMillis = Long.getLong("migcheck.overrunGraceMillis", 30_000);
    private static volatile Consumer<String> action = message -> System.err.println("migcheck: " + message);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "migcheck-overrun");
        t.setDaemon(true);
        return t;
    });

    /** A watch on one check; closing it (the check returned) cancels it. */
    public interface Watch extends AutoCloseable {
        @Override void close();
    }

    /** What happens when a check overruns: {@code onOverrun} gets the one-line reason. */
    public static void onOverrun(Consumer<String> onOverrun) { action = onOverrun; }

    /** The grace after the time limit (tests shorten it). */
    static void graceMillis(long millis) { graceMillis = millis; }

    /**
     * Watches a check with budget {@code b}. A grace period after the limit, and after every further
     * grace period, the search threads are looked at twice, a tenth of the grace apart: only when both
     * looks find them in the user's code (not migcheck's own, which may still be finishing a search
     * stopped at the limit: a liveness pass, a shortest trace) is the overrun reported.
     */
    static Watch watch(Budget b) {
        if (b.timeLimit().compareTo(WATCHED_BELOW) >= 0) {
            return () -> { };
        }
        long grace = graceMillis;
        // this check's threads: the caller's and the workers it starts (not another check's, in the same JVM)
        Thread owner = Thread.currentThread();
        String tag = org.migcheck.checker.engine.SearchThreads.tag();
        java.util.function.Predicate<Thread> ours = t -> t == owner || org.migcheck.checker.engine.SearchThreads.worksFor(t, tag);
        java.util.concurrent.atomic.AtomicReference<ScheduledFuture<?>> next = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable[] look = new Runnable[1];
        look[0] = () -> {
            if (closed.get()) {
                return;
            }
            String first = culprit(ours);
            if (first != null) {
                sleep(Math.max(1, grace / 10));
                String second = culprit(ours);
                if (second != null && !closed.get()) {
                    action.accept(message(b.statedLimit() != null ? b.statedLimit() : b.timeLimit(), grace, second)); // a re-check: the limit given
                    return;
                }
            }
            next.set(TIMER.schedule(look[0], grace, TimeUnit.MILLISECONDS));
        };
        next.set(TIMER.schedule(look[0], b.timeLimit().toMillis() + grace, TimeUnit.MILLISECONDS));
        return () -> {
            org.migcheck.checker.engine.SearchThreads.untag(tag);
            closed.set(true);
            ScheduledFuture<?> f = next.get();
            if (f != null) {
                f.cancel(false);
            }
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String message(Duration limit, long grace, String where) {
        return "the search is still running " + seconds(grace) + " or more past its time limit of " + seconds(limit.toMillis())
                + ", in code of the model or of a rule that does not return (" + where + "); no verdict (INCOMPLETE)";
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /**
     * "at my.Rule.check(Rule.java:12)": for a thread of migcheck's search whose innermost frame outside
     * the JDK is the user's code (the model's lambda, a rule plugin), that frame; null when no search
     * thread is in the user's code now (a thread merely waiting for a check, as a test's is, has
     * migcheck's or the JDK's frames innermost). Only the threads {@code ours} accepts are looked at.
     */
    static String culprit(java.util.function.Predicate<Thread> ours) {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (!ours.test(e.getKey())) {
                continue;
            }
            StackTraceElement[] stack = e.getValue();
            StackTraceElement innermost = null;
            boolean searching = false;
            for (StackTraceElement f : stack) {
                String c = f.getClassName();
                if (innermost == null && !c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
                    innermost = f;
                }
                searching |= c.startsWith("org.migcheck.checker.engine.") || c.startsWith("org.migcheck.checker.run.ModelSystem");
            }
            if (searching && innermost != null && !innermost.getClassName().startsWith("org.migcheck.")) {
                // class, method, file and line only (StackTraceElement.toString adds the class loader's name: "app//")
                return "at " + innermost.getClassName() + "." + innermost.getMethodName() + "(" + innermost.getFileName() + ":"
                        + innermost.getLineNumber() + ")";
            }
        }
        return null;
    }
}
