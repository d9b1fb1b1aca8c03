package org.migcheck.checker.run;

import java.io.PrintStream;
import org.migcheck.checker.engine.RandomSearch;
import org.migcheck.checker.engine.SearchObserver;
import org.migcheck.checker.engine.Stats;
import org.migcheck.model.lang.Model;
import org.migcheck.checker.engine.Words;

/**
 * Progress lines on stderr: a start line with the model's size, then every few seconds the states
 * so far, the rate since the previous line (not the average), the frontier and the heap in use;
 * for random walks, the walks done instead of the frontier.
 */
final class ProgressPrinter implements SearchObserver, RandomSearch.Progress {
    private final PrintStream out;
    private final String name;
    private long lastCount;
    private long lastNanos;

    ProgressPrinter(PrintStream out, Model model) {
        this.out = out;
        this.name = model.name();
    }

    /** The start line: threads, locks, state variables and the state vector's slots. */
    void start(Model model, Options opts) {
        out.printf(java.util.Locale.ROOT, "start %s: %s, %s, %s, %d-slot state vector; %s%s, heap limit %d MiB%n",
                name, Words.count(model.threadCount(), "thread"), Words.count(model.locks().size(), "lock"),
                Words.count(model.vars().size(), "shared variable"), model.stateSize(),
                opts.strategy().name().toLowerCase(java.util.Locale.ROOT) + (opts.strategy() == org.migcheck.checker.engine.Strategy.RANDOM
                        ? " (seed " + opts.seed() + ", " + Words.count(opts.walks(), "walk") + ")" : ""),
                opts.compress() ? ", visited set tree-compressed" : "",
                Runtime.getRuntime().maxMemory() >> 20);
    }

    @Override public boolean observesStates() { return false; }

    @Override public boolean observesTransitions() { return false; }

    @Override
    public void onProgress(Stats s, long frontier) {
        out.printf(java.util.Locale.ROOT, "progress %s: %d distinct, %d generated, depth %d, %.0f s; now %.0f states/s; frontier %d; heap %d MiB%n",
                name, s.distinct(), s.generated(), s.maxDepth(), s.seconds(), rate(s.distinct(), s.nanos()), frontier, heapMiB());
    }

    @Override
    public void onProgress(Stats s, int walksDone, int walks) {
        out.printf(java.util.Locale.ROOT, "progress %s: walk %d of %d, %d distinct seen, %d steps, deepest %d, %.0f s; now %.0f steps/s; heap %d MiB%n",
                name, walksDone, walks, s.distinct(), s.generated(), s.maxDepth(), s.seconds(), rate(s.generated(), s.nanos()), heapMiB());
    }

    /** Per second since the previous line ({@code count} is distinct states or, for walks, steps). */
    private double rate(long count, long nanos) {
        double secs = (nanos - lastNanos) / 1e9;
        double r = secs <= 0 ? 0 : (count - lastCount) / secs;
        lastCount = count;
        lastNanos = nanos;
        return r;
    }

    private static long heapMiB() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
