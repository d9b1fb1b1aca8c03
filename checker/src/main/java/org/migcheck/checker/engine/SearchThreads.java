package org.migcheck.checker.engine;

/**
 * Which threads work for one check: the thread that called it and the workers its searches start, whose names end
 * in the check's tag. The time limit's watchdog looks only at these, so that another check running in the same JVM
 * (tests in parallel) is never named as this one's culprit.
 */
public final class SearchThreads {
    private SearchThreads() {}

    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
    private static final ThreadLocal<String> TAG = new ThreadLocal<>();

    /**
     * Tags the check this thread now runs, within the one it was running if any (a re-check inside a check: the
     * outer check's workers are its own, the inner's are both); returns the new tag, for {@link #untag}.
     */
    public static String tag() {
        String outer = TAG.get();
        String tag = (outer == null ? "check-" : outer + ".") + IDS.incrementAndGet();
        TAG.set(tag);
        return tag;
    }

    /** Ends {@code tag}, which {@link #tag} returned (the check returned): this thread is back in the check around it, if any. */
    public static void untag(String tag) {
        int dot = tag.lastIndexOf('.');
        if (dot < 0) {
            TAG.remove();
        } else {
            TAG.set(tag.substring(0, dot));
        }
    }

    /**
     * A search thread's name: {@code base}, and the tag of the check that starts it, if any. Every thread that runs a
     * check's model or rule code other than the caller's gets its name here, on the calling thread: the searches'
     * workers, and the local share of the walks or checks spread over member processes.
     */
    public static String name(String base) {
        String tag = TAG.get();
        return tag == null ? base : base + " " + tag;
    }

    /** Whether {@code t} is a worker started for the check tagged {@code tag}, or for a check inside it. */
    public static boolean worksFor(Thread t, String tag) {
        String n = t.getName();
        return n.endsWith(" " + tag) || n.contains(" " + tag + ".");
    }
}
