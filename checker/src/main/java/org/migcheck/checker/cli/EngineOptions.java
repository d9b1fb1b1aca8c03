package org.migcheck.checker.cli;

import org.migcheck.checker.run.Options;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Engine options shared by check, suite, mutate and bench: the number of search workers. */
public final class EngineOptions {
    /** More workers than this is a typing mistake, not a machine. */
    static final int MAX_WORKERS = 1024;

    @Option(names = "--workers", paramLabel = "N", converter = Workers.class,
            description = "worker threads of the breadth-first search, 1.." + MAX_WORKERS
                    + " (default: all cores, here ${DEFAULT-VALUE}); every N gives the same results")
    int workers = Runtime.getRuntime().availableProcessors();

    Options apply(Options o) { return o.withWorkers(workers); }

    /** 1 .. {@link #MAX_WORKERS}. */
    public static final class Workers implements ITypeConverter<Integer> {
        @Override public Integer convert(String s) { return (int) Args.inRange(s, 1, MAX_WORKERS); }
    }
}
