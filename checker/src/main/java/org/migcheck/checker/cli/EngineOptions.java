package org.migcheck.checker.cli;

import org.migcheck.checker.run.Options;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Engine options shared by check, suite, mutate and bench: the number of search workers. */
final class EngineOptions {
    /** More workers than this is a typing mistake, not a machine. */
    static final int MAX_WORKERS = 1024;

    @Option(names = "--workers", paramLabel = "N",
            description = "worker threads of the breadth-first search (default: all cores, here ${DEFAULT-VALUE}); "
                    + "results are the same for every N")
    int workers = Runtime.getRuntime().availableProcessors();

    Options apply(Options o, CommandLine.Model.CommandSpec spec) {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--workers takes a number from 1 to " + MAX_WORKERS + ", not " + workers);
        }
        return o.withWorkers(workers);
    }
}
