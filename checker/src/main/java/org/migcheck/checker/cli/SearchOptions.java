package org.migcheck.checker.cli;

import java.time.Duration;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.run.Options;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Search options shared by check, suite, mutate and bench; every value is range-checked by its converter. */
public class SearchOptions {
    @Option(names = "--strategy", paramLabel = "S", converter = Args.StrategyName.class,
            description = "bfs (shortest counterexample, default), dfs, or random (seeded walks, shrunk counterexample, never exhaustive)")
    Strategy strategy = Strategy.BFS;

    @Option(names = "--seed", paramLabel = "N", converter = Args.AnyLong.class, description = "seed of --strategy random (default 1)")
    long seed = 1;

    @Option(names = "--walks", paramLabel = "N", converter = Args.PositiveInt.class,
            description = "number of random walks of --strategy random (default 10000); --max-depth bounds each walk (default 1000)")
    int walks = 10_000;

    @Option(names = "--max-states", paramLabel = "N", converter = Args.PositiveLong.class, description = "stop (incomplete) after this many distinct states (per search: each variant, combination or mutant)")
    long maxStates = Long.MAX_VALUE;

    @Option(names = "--max-depth", paramLabel = "N", converter = Args.Depth.class, description = "do not expand states deeper than this")
    int maxDepth = Integer.MAX_VALUE;

    @Option(names = "--time-limit", paramLabel = "SECONDS", converter = Args.Seconds.class, description = "stop (incomplete) after this many seconds (per search: each variant, combination or mutant of check --all, suite, mutate)")
    double timeLimit = 365 * 24 * 3600.0;

    @Option(names = "--max-memory", paramLabel = "MIB", converter = Args.HeapMiB.class,
            description = "stop (incomplete) when the heap in use exceeds this many MiB (default: 90%% of the heap limit; per search)")
    long maxMemoryMiB = Runtime.getRuntime().maxMemory() * 9 / 10 >> 20;

    @Option(names = "--no-liveness", description = "skip the stuck-thread analysis (saves the state graph)")
    boolean noLiveness;

    @Option(names = "--decide-goals", description = "when a counterexample stops the search, keep searching (ignoring the rules) until every reachability goal is decided")
    boolean decideGoals;

    @Option(names = "--quiet-progress", description = "no progress lines on stderr")
    boolean quietProgress;

    @Option(names = "--symmetry", paramLabel = "on|off", converter = Args.OnOff.class, description = "symmetry reduction over the model's interchangeable threads and folios (default: on where the model declares them)")
    Options.Switch symmetry = Options.Switch.AUTO;

    @Option(names = "--por", paramLabel = "on|off", converter = Args.OnOff.class, description = "partial-order reduction (default on; any number of workers). By default the step"
            + " footprints it needs are computed once a search is large (states x state-vector slots over 2e8) and used from"
            + " there on, inert steps only before; on: footprints from the first state; off: none")
    Options.Switch por = Options.Switch.AUTO;

    @Option(names = "--check-determinism", paramLabel = "on|off", converter = Args.OnOff.class,
            description = "run every state's steps twice and report a model whose two runs disagree (code that reads a static"
                    + " field, a Random, a counter) as MODEL_ERROR; the search takes up to twice as long (default: on for scenarios from"
                    + " --classpath, off for the bundled ones)")
    Options.Switch determinism = Options.Switch.AUTO;
    @Option(names = "--compress", description = "store the breadth-first search's visited set tree-compressed (shared subtrees):"
            + " less memory on wide state vectors, slower; same results (not with --strategy dfs/random, nor where the visited set is spread with --members)")
    boolean compress;

    @CommandLine.Mixin
    EngineOptions engine = new EngineOptions();

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    Options toOptions() {
        if (compress && strategy != Strategy.BFS) {
            throw Args.usage(mixee, "--compress applies to the breadth-first search, not --strategy " + strategy.name().toLowerCase(java.util.Locale.ROOT));
        }
        CommandLine.ParseResult parsed = mixee.commandLine() == null ? null : mixee.commandLine().getParseResult();
        if (strategy != Strategy.BFS && parsed != null && parsed.hasMatchedOption("--workers")) {
            // the default (all cores) is fine for any strategy; asking for workers the search will not use is a mistake
            throw Args.usage(mixee, "--workers applies to the breadth-first search, not --strategy " + strategy.name().toLowerCase(java.util.Locale.ROOT)
                    + " (it runs on one thread)");
        }
        if (strategy != Strategy.RANDOM && parsed != null) {
            for (String walkOnly : new String[] {"--walks", "--seed"}) {
                if (parsed.hasMatchedOption(walkOnly)) {
                    throw Args.usage(mixee, walkOnly + " applies to --strategy random only, not " + strategy.name().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        if (strategy == Strategy.RANDOM && parsed != null) {
            // random walks store no states: these budgets would be accepted and never looked at
            for (String stored : new String[] {"--max-states", "--max-memory"}) {
                if (parsed.hasMatchedOption(stored)) {
                    throw Args.usage(mixee, stored + " bounds the stored states of an exhaustive search; --strategy random stores"
                            + " none: bound it with --walks, --max-depth or --time-limit");
                }
            }
        }
        Budget b = new Budget(maxStates, maxDepth, Duration.ofNanos(Math.max(1, Math.round(Math.min(timeLimit, 9.2e9) * 1e9))), maxMemoryMiB << 20);
        return engine.apply(new Options(strategy, b, !noLiveness, Long.MAX_VALUE, quietProgress ? null : Main.Streams.err, seed, walks)
                .withDecideGoals(decideGoals)).withSymmetry(symmetry).withPor(por).withCompress(compress)
                .withDeterminism(determinism);
    }
}
