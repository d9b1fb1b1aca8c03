package org.migcheck.checker.run;

import java.io.PrintStream;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.RandomSearch;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.engine.Transport;

/**
 * How to run one check.
 *
 * @param strategy       BFS (shortest counterexamples) or DFS
 * @param budget         state, depth, time and memory limits
 * @param liveness       run the stuck-thread analysis (needs the state graph in memory)
 * @param maxGraphEdges  optional cap on the liveness graph (default none: the memory budget bounds it); beyond it the
 *                       result is INCOMPLETE
 * @param progress       where progress lines go every few seconds (null: nowhere)
 * @param seed           seed of the random strategy (printed with its results)
 * @param walks          number of random walks
 * @param workers        worker threads of the breadth-first search (results do not depend on it)
 * @param decideGoals    when a counterexample stops the search before every reachability goal is decided,
 *                       search on (ignoring rule violations) until each goal is reached or the space is exhausted
 * @param symmetry       symmetry reduction: ON, OFF, or AUTO (on when the model declares symmetric sets)
 * @param por            partial-order reduction: ON (step footprints from the first state), OFF, AUTO (footprints once
 *                       the search is large) or INERT (inert steps only, no footprints: for models whose code records
 *                       what it is run on, such as mutants, which the footprints' tables would run on unreachable states)
 * @param cluster        where the breadth-first search's visited-set partitions live (default: in this process)
 * @param swarm          who runs the random strategy's walks (null: this process; see {@link RandomSearch.Swarm})
 * @param compress       the breadth-first search stores visited vectors tree-compressed (shared subtrees) instead of
 *                       packed: less memory on wide vectors, slower; same results. Not with a spread {@code cluster}.
 * @param determinism    run every state's steps twice and compare what they give (a model whose code reads something
 *                       other than the state is the model's error, not a verdict): ON, OFF, or AUTO (on for scenarios
 *                       that are not bundled, the users' own code; off for a bare model)
 */
public record Options(Strategy strategy, Budget budget, boolean liveness, long maxGraphEdges, PrintStream progress,
                      long seed, int walks, int workers, boolean decideGoals, Switch symmetry, Switch por,
                      Transport.Factory cluster, RandomSearch.Swarm swarm, boolean compress, Switch determinism) {

    /**
     * A reduction switch; AUTO means on wherever it is sound for the model and the rules. INERT is for
     * the partial-order reduction only: inert steps alone, never the step footprints.
     */
    public enum Switch { ON, OFF, AUTO, INERT }

    public Options {
        // a Java API user's mistake is named here, not read by the search as something else (a null strategy searched
        // as no strategy at all and reported ABBA's deadlock as a livelock)
        if (strategy == null || budget == null || symmetry == null || por == null) {
            throw new IllegalArgumentException("strategy, budget, symmetry and por must not be null (" + (strategy == null ? "strategy"
                    : budget == null ? "budget" : symmetry == null ? "symmetry" : "por") + " is)");
        }
        if (walks < 1) {
            throw new IllegalArgumentException("walks must be at least 1, not " + walks);
        }
        if (maxGraphEdges < 0) {
            throw new IllegalArgumentException("maxGraphEdges must be at least 0, not " + maxGraphEdges);
        }
        if (cluster == null) {
            throw new IllegalArgumentException("cluster must not be null (Transport.IN_PROCESS for none)");
        }
        if (determinism == null || determinism == Switch.INERT) {
            throw new IllegalArgumentException("determinism must be ON, OFF or AUTO, not " + determinism);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, not " + workers);
        }
    }

    /** All available cores; goals left undecided when a counterexample stops the search; reductions AUTO. */
    public Options(Strategy strategy, Budget budget, boolean liveness, long maxGraphEdges, PrintStream progress,
                   long seed, int walks) {
        this(strategy, budget, liveness, maxGraphEdges, progress, seed, walks, Runtime.getRuntime().availableProcessors(), false,
                Switch.AUTO, Switch.AUTO, Transport.IN_PROCESS, null, false, Switch.AUTO);
    }

    /** Steps per random walk when no max depth is given. */
    public static final int DEFAULT_WALK_DEPTH = 1000;

    public static Options defaults() {
        return new Options(Strategy.BFS, Budget.unlimited(), true, Long.MAX_VALUE, null, 1L, 10_000);
    }

    public Options withStrategy(Strategy s) { return new Options(s, budget, liveness, maxGraphEdges, progress, seed, walks, workers, decideGoals, symmetry, por, cluster, swarm, compress, determinism); }
    public Options withBudget(Budget b) { return new Options(strategy, b, liveness, maxGraphEdges, progress, seed, walks, workers, decideGoals, symmetry, por, cluster, swarm, compress, determinism); }
    public Options withLiveness(boolean on) { return new Options(strategy, budget, on, maxGraphEdges, progress, seed, walks, workers, decideGoals, symmetry, por, cluster, swarm, compress, determinism); }
    public Options withMaxGraphEdges(long n) { return new Options(strategy, budget, liveness, n, progress, seed, walks, workers, decideGoals, symmetry, por, cluster, swarm, compress, determinism); }
    public Options withProgress(PrintStream p) { return new Options(strategy, budget, liveness, maxGraphEdges, p, seed, walks, workers, decideGoals, symmetry, por, cluster, swarm, compress, determinism); }
    public Options withWorkers(int n) { return new Options(strategy, budget, liveness, maxGraphEdges, progress, seed, walks, n, decideGoals, symmetry, por, cluster, swarm, compress, determinism); }
    public Options withDecideGoals(boolean on) { return new Options(strategy, budget, liveness, maxGraphEdges, progress, seed, walks, workers, on, symmetry, por, cluster, swarm, compress, determinism); }
    public Options withSymmetry(Switch on) { return new Options(strategy, budget, liveness, maxGraphEdges, progress, seed, walks, workers, decideGoals, on, por, cluster, swarm, compress, determinism); }
    public Options withPor(Switch on) { return new Options(strategy, budget, liveness, maxGraphEdges, progress, seed, walks, workers, decideGoals, symmetry, on, cluster, swarm, compress, determinism); }
    public Options withCluster(Transport.Factory c) { return new Options(strategy, budget, liveness, maxGraphEdges, progress, seed, walks, workers, decideGoals, symmetry, por, c, swarm, compress, determinism); }
    public Options withSwarm(RandomSearch.Swarm w) { return new Options(strategy, budget, liveness, maxGraphEdges, progress, seed, walks, workers, decideGoals, symmetry, por, cluster, w, compress, determinism); }
    public Options withCompress(boolean on) { return new Options(strategy, budget, liveness, maxGraphEdges, progress, seed, walks, workers, decideGoals, symmetry, por, cluster, swarm, on, determinism); }
    public Options withDeterminism(Switch on) { return new Options(strategy, budget, liveness, maxGraphEdges, progress, seed, walks, workers, decideGoals, symmetry, por, cluster, swarm, compress, on); }
    /** Both reductions off: the plain search the reductions are tested against. */
    public Options unreduced() { return withSymmetry(Switch.OFF).withPor(Switch.OFF); }
    public Options withRandom(long s, int w) { return new Options(Strategy.RANDOM, budget, liveness, maxGraphEdges, progress, s, w, workers, decideGoals, symmetry, por, cluster, swarm, compress, determinism); }
}
