package org.migcheck.checker.run;

import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Search;
import org.migcheck.checker.engine.SearchObserver;
import org.migcheck.checker.engine.SearchResult;
import org.migcheck.checker.engine.Stats;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.checker.reduce.ReducedSystem;
import org.migcheck.checker.trace.Trace;
import org.migcheck.checker.reduce.SymmetricGraph;
import org.migcheck.checker.reduce.Unpermute;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.ModelViolation;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.StateView;
import org.migcheck.model.lang.Symmetry;
import org.migcheck.properties.RuleSet;
import org.migcheck.checker.engine.Words;

/**
 * Runs one check: the search with the safety rules, then (when the search was exhaustive and found
 * nothing) the lockdep cycle check and the stuck-thread analysis; reachability goals are tracked
 * throughout.
 */
public final class Checker {
    private Checker() {}

    /** The most threads a model may have: each is a bit of the thread masks the analyses keep. */
    public static final int MAX_THREADS = 31;

    /** A model error when {@code model} has more threads than {@link #MAX_THREADS} (check and export refuse it alike). */
    public static void refuseTooManyThreads(Model model) {
        if (model.threadCount() > MAX_THREADS) {
            throw new ModelError(model.name(), "model " + model.name() + " has " + model.threadCount() + " threads: migcheck checks at most "
                    + MAX_THREADS + " (a bit each in the thread masks of its analyses)");
        }
    }

    public static CheckResult check(Model model, RuleSet rules, Options opts) {
        return check(model, rules, opts, new Footprint());
    }

    /** As {@link #check(Model, RuleSet, Options)}, recording the memory of the search structures in {@code footprint}. */
    public static CheckResult check(Model model, RuleSet rules, Options opts, Footprint footprint) {
        // a Java API user's null is named here, not met as a NullPointerException inside the search
        if (model == null || rules == null || opts == null) {
            throw new IllegalArgumentException("check needs a model, a rule set and options (RuleSet.empty(), Options.defaults()"
                    + " for none): " + (model == null ? "model" : rules == null ? "rules" : "options") + " is null");
        }
        return withRuleText(checked(model, rules, opts, footprint), rules);
    }

    /**
     * {@code r} with the text of the rule it broke, from {@code rules}: reports rendered later, or beside another
     * check, print this one's (also a result a member process sent back, which carries the rule's id only).
     */
    public static CheckResult withRuleText(CheckResult r, RuleSet rules) {
        return r.ruleId() == null ? r : r.withRule(org.migcheck.checker.trace.RuleInfo.of(rules, r.ruleId()));
    }

    private static CheckResult checked(Model model, RuleSet rules, Options opts, Footprint footprint) {
        if (model != null) {
            Trace.forget(model);
        }
        long started = System.nanoTime();
        String[] reductions = {null};
        CheckResult r;
        ReducedSystem.SymmetryRefused refused = null;
        Overrun.Watch watch = Overrun.watch(opts.budget());
        try {
            r = check(model, rules, opts, footprint, reductions);
        } catch (ReducedSystem.SymmetryRefused e) {
            // found after the search (rebuilding a trace in the real model): the reduced result cannot stand
            refused = e;
            r = null;
        } catch (ModelError e) {
            // the model's own code refused outside the search (local code of a thread's first instructions reading
            // shared state, say): a report like any model error's, not an abort of the command
            return modelError(model, e.getMessage());
        } catch (org.migcheck.checker.engine.Transport.Lost lost) {
            // a member lost while the schedules were read from the owners after the search
            return new CheckResult(model, Verdict.INCOMPLETE, null, "stopped at " + lost.getMessage() + " before exhausting the state space",
                    new int[0], List.of(), List.of(), Map.of(), new Stats(0, 0, 0, 0), lost.getMessage(), List.of());
        } finally {
            watch.close();
            if (footprint.close != null) {
                footprint.close.run();
                footprint.close = null;
            }
        }
        if (refused != null) {
            CheckResult plain = check(model, rules, timeLeft(opts, started).withSymmetry(Options.Switch.OFF), footprint);
            return withNote(plain, "symmetry refused: " + refused.getMessage() + "; checked without symmetry reduction");
        }
        r = replaysOrNotDeterministic(r, rules);
        if (opts.strategy() == org.migcheck.checker.engine.Strategy.DFS && r.model() != null && r.schedule().length > 0) {
            r = withNote(r, DFS_NOT_SHORTEST);
        }
        return reductions[0] == null || r.reductions() != null ? r : r.withReductions(reductions[0]);
    }

    /**
     * The partial-order reduction's step footprints come from tables that run every transition once
     * per combination of the values it reads (docs/reductions.md); on small models that costs more
     * than the search. With {@code --por} left at its default they are computed only when a search
     * has stored {@value #FOOTPRINT_SLOT_STATES} slots' worth of states (states times the state
     * vector's slots, a proxy for the search's own cost: 134,000 states of a 1,490-slot kernel model,
     * 4.2 million of the 48-slot philosophers-12), at least {@value #FOOTPRINTS_MIN_FROM} states, and
     * used from there on; {@code --por on} uses them from the initial state. Both are functions of
     * state ids, which the search gives in the same order for every number of workers, so the reduced
     * state count does not depend on the workers.
     */
    static final long FOOTPRINT_SLOT_STATES = 200_000_000;
    static final long FOOTPRINTS_MIN_FROM = 50_000;

    /** The id from which states use footprints with the default {@code --por}. */
    static long footprintsFrom(Model model) {
        return Math.max(FOOTPRINTS_MIN_FROM, FOOTPRINT_SLOT_STATES / Math.max(1, model.stateSize()));
    }

    /**
     * Work (probes plus comparisons of control tuples) the footprints' tables may take before the
     * reduction falls back to inert steps and says why: under a second on the project's machine by
     * default, more when {@code --por on} asks for the reduction explicitly.
     */
    static final long FOOTPRINT_WORK_AUTO = 250_000;
    static final long FOOTPRINT_WORK_ON = 3_000_000;

    /**
     * A stuck thread or lock-order cycle found with partial-order reduction: the same check without
     * it, so that the printed trace is the shortest one (the reduced search finds the same verdict,
     * but its first witness can lie deeper); null when that check ends INCOMPLETE (a budget that
     * only the reduced search fitted in), and the reduced result stands.
     */
    private static final String SHORTEST_UNKNOWN = "this was found with partial-order reduction; the check without it, for a"
            + " shortest trace, did not finish within the budget, so the trace may not be a shortest one";

    /**
     * {@code opts} with what is left of its time limit after a search that began at {@code started}
     * (System.nanoTime): a re-check after a reduced search shares the run's limit instead of getting
     * it anew. With nothing left, a nanosecond: the re-check stops at once (INCOMPLETE) and the reduced
     * result stands, with its note.
     */
    static Options timeLeft(Options opts, long started) {
        java.time.Duration left = opts.budget().timeLimit().minusNanos(System.nanoTime() - started);
        return opts.withBudget(opts.budget().withTimeLeft(left.isNegative() || left.isZero() ? java.time.Duration.ofNanos(1) : left));
    }

    /**
     * The start of the note of a failure reported by a search a budget stopped before it had checked all it needed:
     * a counterexample's level, or the whole state space behind a lock-order cycle.
     */
    static final String STOPPED_NOTE = "the search was stopped (";

    private static CheckResult withoutPor(Model model, RuleSet rules, Options opts, String what, Footprint footprint) {
        Footprint own = footprint.forRecheck();
        CheckResult plain = check(model, rules, opts.withPor(Options.Switch.OFF).withProgress(null), own);
        if (plain.verdict() == Verdict.INCOMPLETE) {
            return null; // the reduced search's own result stands, with its trace (and its figures)
        }
        footprint.takeFrom(own); // the counts reported are this search's: so are the bytes
        boolean bfs = opts.strategy() == org.migcheck.checker.engine.Strategy.BFS;
        // a failure that search met before its own budget stopped it: real, not known to be shortest
        boolean stopped = plain.notes().stream().anyMatch(n -> n.startsWith(STOPPED_NOTE));
        return plain.withReductions((plain.reductions() == null ? "" : plain.reductions() + "; ") + what
                + " found with partial-order reduction; the trace comes from a " + (bfs ? "breadth-first" : "depth-first")
                + " search without it" + (bfs && !stopped ? ", so it is a shortest one" : stopped ? ", which a budget stopped"
                        : " (not necessarily a shortest one)"));
    }

    private static CheckResult check(Model model, RuleSet rules, Options opts, Footprint footprint, String[] reductionsOut) {
        long started = System.nanoTime();
        ModelSystem sys;
        try {
            sys = new ModelSystem(model, rules, opts.liveness());
        } catch (ModelError e) {
            return modelError(model, e.getMessage());
        }
        sys.checkDeterminism(opts.determinism() == Options.Switch.ON);
        if (opts.strategy() == org.migcheck.checker.engine.Strategy.RANDOM) {
            return random(model, sys, opts);
        }
        // ---- reductions (checker.reduce): which run, and the decorator the search sees
        Symmetry symmetry = null;
        String refused = null;
        if (opts.symmetry() != Options.Switch.OFF && !model.symmetricSets().isEmpty()) {
            try {
                symmetry = new Symmetry(model);
                String classes = rules.lockdep() ? symmetry.memberLockClassesDiffer() : null;
                if (classes != null) {
                    // lock order is recorded from canonical states: an order between two members' locks would be seen one way only
                    symmetry = null;
                    refused = "symmetry refused: " + classes + ", and lock order is checked on classes: a search over one"
                            + " arrangement of the members would see an order between two members' locks one way only; checked"
                            + " without symmetry reduction (give the members' corresponding locks one class to keep it)";
                }
            } catch (ModelError e) {
                // e.g. a mutant that changed one member's code: the members are no longer interchangeable
                refused = "symmetry refused: " + e.getMessage() + "; checked without symmetry reduction";
            }
        }
        // no partial-order reduction under a depth limit: a reordered path may be longer than the limit, which
        // would turn a violation within it into INCOMPLETE (the bounded re-shortening runs without it anyway)
        boolean depthLimited = opts.budget().maxDepth() != Integer.MAX_VALUE;
        boolean por = opts.por() != Options.Switch.OFF && !depthLimited;
        // no footprints with symmetry or for INERT
        java.util.function.Supplier<org.migcheck.checker.export.Footprints> footprints = por && symmetry == null
                && opts.por() != Options.Switch.INERT
                ? () -> org.migcheck.checker.export.Footprints.compute(model, rules,
                        opts.por() == Options.Switch.ON ? FOOTPRINT_WORK_ON : FOOTPRINT_WORK_AUTO) : null;
        long footprintsFrom = opts.por() == Options.Switch.ON ? 0 : footprintsFrom(model);
        ReducedSystem reduced = symmetry == null && !por ? null
                : new ReducedSystem(sys, sys.semantics(), symmetry, por, footprints, footprintsFrom, !sys.judgesInertSteps(),
                        goalAsymmetry(model, sys),
                        ruleAsymmetry());
        TransitionSystem ts = reduced == null ? sys : reduced;
        boolean permutedLiveness = symmetry != null && opts.liveness();
        Search search = new Search(ts, opts.strategy(), opts.budget()).withWorkers(opts.workers()).withTransport(opts.cluster())
                .withCompression(opts.compress());
        String localOnly = opts.cluster() != org.migcheck.checker.engine.Transport.IN_PROCESS && !search.distributes()
                ? "searched in this process only (only the breadth-first search is distributed)" : null;
        StateGraph graph = opts.liveness() && !permutedLiveness ? new StateGraph(opts.maxGraphEdges()) : null;
        SymmetricGraph symGraph = permutedLiveness ? new SymmetricGraph(reduced, model.threadCount(), opts.maxGraphEdges()) : null;
        if (graph != null) {
            search.observe(graph);
        }
        if (symGraph != null) {
            search.observe(symGraph);
        }
        GoalTracker goals = new GoalTracker(model, sys.semantics());
        search.observe(goals);
        if (opts.progress() != null) {
            ProgressPrinter p = new ProgressPrinter(opts.progress(), model);
            p.start(model, opts);
            search.observe(p);
        }
        SearchResult r;
        long heapBefore = 0;
        if (footprint.probeHeap) {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            heapBefore = rt.totalMemory() - rt.freeMemory();
        }
        footprint.close = search::close;
        try {
            r = search.run();
        } catch (ReducedSystem.SymmetryRefused e) {
            Footprint own = footprint.forRecheck();
            CheckResult plain = check(model, rules, timeLeft(opts, started).withSymmetry(Options.Switch.OFF), own);
            footprint.takeFrom(own);
            return withNote(plain, "symmetry refused: " + e.getMessage() + "; checked without symmetry reduction");
        } catch (org.migcheck.checker.export.Footprints.Uncovered e) {
            // the tables missed a reachable program counter: their footprints are not to be trusted, nor any
            // reduction made with them so far
            Footprint own = footprint.forRecheck();
            CheckResult plain = check(model, rules, timeLeft(opts, started).withPor(Options.Switch.INERT), own);
            footprint.takeFrom(own);
            return withNote(plain, "step footprints abandoned: " + e.getMessage() + "; checked with partial-order reduction"
                    + " on inert steps only (please report this: the footprints' tables should cover every reachable step)");
        } catch (GoalThrew e) {
            List<String> found = List.of();
            if (symmetry != null || por) {
                // the reduced search's path may be canonical or not a shortest one: find the state without reductions
                CheckResult again = check(model, rules, timeLeft(opts, started).unreduced(), footprint, new String[1]);
                if (again.verdict() != Verdict.INCOMPLETE) {
                    return again;
                }
                // that search met a budget first: the error stands, with the reduced path when it is a real one
                found = List.of("found with " + (symmetry != null ? "symmetry" : "partial-order") + " reduction; the search"
                        + " without it, for " + (symmetry != null ? "a path in the real model" : "a shortest path") + ", stopped at "
                        + again.limit());
            }
            // under symmetry the reduced path is canonical, no real one: no trace and no replay token (without a model
            // the reports show the error alone; an empty schedule read as "the initial state fails")
            int[] schedule = symmetry == null ? search.scheduleTo(e.id) : new int[0];
            return new CheckResult(symmetry == null ? model : null, Verdict.MODEL_ERROR, null, e.getMessage(), schedule, List.of(),
                    List.of(), Map.of(), search.statsSoFar(), null, found);
        } catch (ModelError e) {
            if (org.migcheck.checker.engine.Search.NOT_DETERMINISTIC.equals(e.element())) {
                // found while a path was rebuilt, after the search had stored states: keep its counts
                return notDeterministic(e.getMessage(), search.statsSoFar(), List.of());
            }
            return modelError(model, e.getMessage());
        } catch (ModelViolation e) {
            return new CheckResult(model, Verdict.VIOLATED, e.ruleId(), e.getMessage() + " (in the initial state)", new int[0],
                    List.of(), List.of(), Map.of(), new Stats(0, 0, 0, 0), null, List.of());
        }
        footprint.storeBytes = search.storeBytes();
        footprint.retainedPeakBytes = search.retainedPeakBytes();
        footprint.retainedBoundBytes = search.retainedBoundBytes();
        footprint.ownedBytes = search.ownedBytes();
        footprint.vectorBytes = search.vectorBytes();
        if (footprint.probeHeap) {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            footprint.heapAfterGc = rt.totalMemory() - rt.freeMemory() - heapBefore;
        }
        footprint.graphBytes = graph != null ? graph.bytes() : symGraph != null ? symGraph.bytes() : 0;
        footprint.maskBytes = sys.maskBytes();
        List<String> notes = new ArrayList<>();
        if (localOnly != null) {
            notes.add(localOnly);
        } else if (search.distributes()) {
            notes.add("visited set spread over " + opts.cluster().describe());
        }
        if (refused != null) {
            notes.add(refused);
        }
        if (depthLimited && opts.por() == Options.Switch.ON) {
            notes.add("partial-order reduction not run: --max-depth is set (a reordered path may be longer than the limit)");
        }
        if (opts.compress() && !search.compresses()) {
            notes.add("visited set not compressed: only the breadth-first search has the tree-compressed store");
        }
        if (reduced != null) {
            reductionsOut[0] = reductionLine(symmetry, por, reduced)
                    + (opts.symmetry() == Options.Switch.ON && symmetry == null && model.symmetricSets().isEmpty() ? ", no symmetry (the model declares no interchangeable members)" : "");
        }
        Unpermute real = symmetry == null ? null : new Unpermute(sys, symmetry);
        // BFS reaches every goal state first at its distance; symmetry keeps distances, partial-order reduction does not
        boolean porReduced = por && reduced.reducedStates() > 0;
        Map<String, CheckResult.GoalResult> goalResults = goals.results(search, r.status(),
                opts.strategy() == org.migcheck.checker.engine.Strategy.BFS && !porReduced);
        if (real != null) {
            goalResults = unpermuteGoals(real, goalResults);
        }
        switch (r.status()) {
            case FAILED -> {
                if (!r.failure().reproducible()) {
                    return notDeterministic(r.failure(), r.stats(), notes);
                }
                if (r.limit() != null) {
                    notes.add(STOPPED_NOTE + r.limit() + ") before it had checked every state that could hold a"
                            + " shorter failure, or one as short that comes first: this counterexample is real, but may not be the"
                            + " one an unbudgeted search prints, and a shorter failure of another kind may exist (the counts depend"
                            + " on when the search stopped)");
                }
                if (porReduced && r.schedule().length > 0) {
                    // a shortest counterexample: an unreduced BFS bounded by the length of the one found
                    // one start line per check: the bounded re-search is part of this one; goals are decided below, with
                    // the check's own budget, not the bound
                    Options bounded = opts.withPor(Options.Switch.OFF).withBudget(timeLeft(opts, started).budget().withMaxDepth(r.schedule().length))
                            .withProgress(null).withDecideGoals(false);
                    Footprint own = footprint.forRecheck();
                    CheckResult shortest = check(model, rules, bounded, own);
                    if (shortest.verdict() != Verdict.INCOMPLETE) {
                        footprint.takeFrom(own); // the counts reported are the bounded search's: so are the bytes
                        List<String> more = new ArrayList<>(shortest.notes());
                        shortest = shortest.withGoals(decideGoalsIfAsked(model, timeLeft(opts, started), shortest.goals(), more), more);
                        return shortest.withReductions((shortest.reductions() == null ? "" : shortest.reductions() + "; ")
                                + "counterexample found with partial-order reduction at length " + r.schedule().length
                                + ", re-shortened by a " + (opts.strategy() == org.migcheck.checker.engine.Strategy.DFS ? "depth-first search" : "BFS")
                                + " without it bounded by that length");
                    }
                    notes.add(SHORTEST_UNKNOWN);
                }
                if (real != null) {
                    boolean failingLast = r.failureState() < 0 || r.schedule().length > search.depth(r.failureState());
                    Unpermute.Real rr = real.map(r.schedule(), failingLast, Checker::sameFailure);
                    if (rr.failure() == null) {
                        throw new ReducedSystem.SymmetryRefused("the real state the reduced search's path leads to does not fail"
                                + " as its canonical form does: the declared members are not interchangeable (found when the"
                                + " trace was rebuilt)");
                    }
                    SearchResult mapped = new SearchResult(r.status(), rr.failure(), rr.schedule(), -1, r.stats(), null);
                    goalResults = decideGoalsIfAsked(model, timeLeft(opts, started), goalResults, notes);
                    return failed(model, sys, mapped, rr.last(), goalResults, notes);
                }
                goalResults = decideGoalsIfAsked(model, timeLeft(opts, started), goalResults, notes);
                // no state id: the heap ran out after a failing step was found and the store was let go; the step is the
                // schedule's last, and the state it starts from is where it failed
                int[] at = r.failureState() >= 0 ? search.state(r.failureState())
                        : org.migcheck.checker.trace.Trace.replay(model, java.util.Arrays.copyOf(r.schedule(), r.schedule().length - 1)).last();
                return failed(model, sys, r, at, goalResults, notes);
            }
            case INCOMPLETE -> {
                if (!(rules.lockdep() && search.keepsStates() && !sys.lockdep.cycle().isEmpty())) {
                    return new CheckResult(model, Verdict.INCOMPLETE, null, "stopped at " + r.limit() + " before exhausting the state space",
                            new int[0], List.of(), List.of(), goalResults, r.stats(), r.limit(), notes);
                }
                // the states explored already show a lock-order cycle: each of its paths is real, so the cycle is reported
                notes.add(STOPPED_NOTE + r.limit() + ") before it had explored every state; the lock-order cycle was"
                        + " seen on the states it did explore: its paths are real, but may not be the shortest, and a failure of"
                        + " another kind (a deadlock, a broken rule, a stuck thread) is not ruled out");
            }
            default -> { }
        }
        if (rules.lockdep()) {
            List<Lockdep.Witness> cycle = sys.lockdep.cycle();
            if (!cycle.isEmpty()) {
                CheckResult again = porReduced ? withoutPor(model, rules, timeLeft(opts, started), "lock-order cycle", footprint) : null;
                if (again != null) {
                    return again;
                }
                CheckResult lc = lockCycle(model, sys, search, cycle, goalResults, r.stats(), notes, r.status() == SearchResult.Status.COMPLETE);
                lc = real == null ? lc : unpermuteWitnesses(real, lc);
                return porReduced ? withNote(lc, SHORTEST_UNKNOWN) : lc;
            }
        }
        if (symGraph != null) {
            if (symGraph.overflow()) {
                String limit = "liveness graph over " + opts.maxGraphEdges() + " transitions";
                return new CheckResult(model, Verdict.INCOMPLETE, null, "safety explored exhaustively with no violation, but the "
                        + limit + ": stuck threads not checked", new int[0], List.of(), List.of(), goalResults, r.stats(), limit, notes);
            }
            int states = (int) r.stats().distinct();
            long[] reach = symGraph.reach(states, sys::enabledMask, sys::restMask);
            int[][] doomed = doomed(states, sys::blockedMask, s -> (int) reach[s], s -> (int) (reach[s] >>> 32), model.threadCount(),
                    ~daemons(model));
            int[] stuck = doomed[0];
            if ((stuck != null || doomed[1] != null) && porReduced) {
                CheckResult again = withoutPor(model, rules, timeLeft(opts, started), stuck != null ? "stuck thread" : "livelock", footprint);
                if (again != null) {
                    return again;
                }
                notes.add(SHORTEST_UNKNOWN);
            }
            if (stuck != null) {
                Unpermute.Real rr = real.map(search.scheduleTo(stuck[0]), false, Checker::sameFailure);
                int t = lowestReal(real, rr.last(), sys.blockedMask(stuck[0]) & ~(int) reach[stuck[0]] & allThreads(model.threadCount()));
                Semantics sem = sys.semantics();
                if (sem.blockReason(rr.last(), t) == null || sem.atIdlePoint(rr.last(), t)) {
                    throw doomedNotReal(model, t, "blocked outside an idle point");
                }
                return stuckResult(model, sys, rr.schedule(), rr.last(), t, goalResults, r.stats(), notes, opts.budget(), started);
            }
            int[] spin = doomed[1];
            if (spin != null) {
                Unpermute.Real rr = real.map(search.scheduleTo(spin[0]), false, Checker::sameFailure);
                int t = lowestReal(real, rr.last(), ~daemons(model) & ~(int) (reach[spin[0]] >>> 32) & allThreads(model.threadCount()));
                Semantics sem = sys.semantics();
                if (sem.finished(rr.last(), t) || sem.atIdlePoint(rr.last(), t)) {
                    throw doomedNotReal(model, t, "neither finished nor at an idle point");
                }
                return livelockResult(model, sys, rr.schedule(), rr.last(), t, goalResults, r.stats(), notes, opts.budget(), started);
            }
        } else if (graph != null) {
            if (graph.overflow()) {
                String limit = "liveness graph over the cap of " + opts.maxGraphEdges() + " transitions";
                return new CheckResult(model, Verdict.INCOMPLETE, null, "safety explored exhaustively with no violation, but the "
                        + limit + ": stuck threads not checked", new int[0], List.of(), List.of(), goalResults, r.stats(), limit, notes);
            }
            int[][] doomed;
            try {
                int all = allThreads(model.threadCount());
                int finish = ~daemons(model) & all;
                int states = (int) r.stats().distinct();
                graph.reach(states, sys.masks(), all, finish);
                doomed = doomed(states, sys::blockedMask, sys::canMoveMask, sys::canRestMask, model.threadCount(), finish);
            } catch (OutOfMemoryError oom) {
                String limit = "out of memory in the stuck-thread analysis";
                return new CheckResult(model, Verdict.INCOMPLETE, null, "safety explored exhaustively with no violation, but "
                        + limit + ": stuck threads not checked", new int[0], List.of(), List.of(), goalResults, r.stats(), limit, notes);
            }
            int[] stuck = doomed[0];
            if ((stuck != null || doomed[1] != null) && porReduced) {
                CheckResult again = withoutPor(model, rules, timeLeft(opts, started), stuck != null ? "stuck thread" : "livelock", footprint);
                if (again != null) {
                    return again;
                }
                notes.add(SHORTEST_UNKNOWN);
            }
            if (stuck != null) {
                return stuckResult(model, sys, search.scheduleTo(stuck[0]), search.state(stuck[0]), stuck[1], goalResults, r.stats(), notes, opts.budget(), started);
            }
            int[] spin = doomed[1];
            if (spin != null) {
                return livelockResult(model, sys, search.scheduleTo(spin[0]), search.state(spin[0]), spin[1], goalResults, r.stats(), notes, opts.budget(), started);
            }
        } else {
            notes.add("liveness not checked (disabled): stuck threads are not ruled out");
        }
        // a holding check prints its goal witnesses: shortest ones
        if (porReduced && opts.strategy() == org.migcheck.checker.engine.Strategy.BFS) {
            goalResults = shortestGoals(model, rules, opts, goalResults, r.stats().distinct(), started, notes);
        }
        return new CheckResult(model, Verdict.HOLDS, null, graph != null || symGraph != null
                ? "no rule broken, no deadlock, no stuck thread" : "no rule broken, no deadlock (stuck threads not checked)", new int[0],
                List.of(), List.of(), goalResults, r.stats(), null, notes, unreached(sys, symmetry), sys.saturations());
    }

    /**
     * The lowest real thread among those the canonical state's {@code canonicalMask} names, in the real state
     * {@code last}: the thread the unreduced analysis names there (it takes the lowest of that state), and the one
     * {@code replay} names.
     */
    private static int lowestReal(Unpermute real, int[] last, int canonicalMask) {
        int lowest = Integer.MAX_VALUE;
        for (int m = canonicalMask; m != 0; m &= m - 1) {
            lowest = Math.min(lowest, real.realThread(last, Integer.numberOfTrailingZeros(m)));
        }
        return lowest;
    }

    /**
     * The thread the stuck-thread analysis of the reduced graph names is not where its canonical counterpart is at the
     * end of the real path: what the analysis read from the canonical states does not hold of the real ones.
     */
    private static ReducedSystem.SymmetryRefused doomedNotReal(Model model, int t, String where) {
        return new ReducedSystem.SymmetryRefused("the stuck-thread analysis names " + model.thread(t).name() + ", which is not "
                + where + " at the end of the real path its canonical one stands for: the declared members are not"
                + " interchangeable (found when the trace was rebuilt)");
    }

    static CheckResult stuckResult(Model model, ModelSystem sys, int[] schedule, int[] state, int t,
                                           Map<String, CheckResult.GoalResult> goalResults, Stats stats, List<String> notes,
                                           Budget budget, long started) {
        Semantics sem = sys.semantics();
        BlockReason why = sem.blockReason(state, t);
        List<String> expl = new ArrayList<>();
        expl.add(blockedLine(sem, state, t, why));
        expl.addAll(providerLines(sem, state, why));
        // whoever could provide what it waits for never does from here, or it would move: say so, by name (a review read the
        // provider line as a server that may still reply)
        List<String> providers = new ArrayList<>();
        if (why.resource() != null) {
            sem.providers(state, why.resource()).forEach(p -> providers.add(model.thread(p).name()));
        }
        expl.add("no continuation from this state ever lets " + model.thread(t).name() + " move again" + (providers.isEmpty() ? ""
                : ": so " + String.join(" or ", providers) + " never " + (providers.size() == 1 ? "does" : "do") + " it (blocked for good,"
                        + " busy elsewhere forever, or finished: where each thread rests is under the trace)"));
        String msg = model.thread(t).name() + " " + why.describe(model) + " forever";
        Continuation c = continuation(sys, state, t, false, expl, budget, started);
        return new CheckResult(model, Verdict.STUCK, null, msg, schedule, expl, List.of(), goalResults, stats, null, notes).withContinuation(c);
    }

    static CheckResult livelockResult(Model model, ModelSystem sys, int[] schedule, int[] state, int t,
                                      Map<String, CheckResult.GoalResult> goalResults, Stats stats, List<String> notes,
                                      Budget budget, long started) {
        Semantics sem = sys.semantics();
        String name = model.thread(t).name();
        List<String> expl = new ArrayList<>();
        BlockReason why = sem.blockReason(state, t);
        if (why != null) {
            // blocked here, but woken again later (a thread blocked for good is reported as such before any livelock)
            expl.add(blockedLine(sem, state, t, why));
            expl.add("no continuation from this state lets " + name + " finish or rest at an idle point: it moves again, but"
                    + " only round a loop that cannot succeed (a livelock, e.g. a wait that is woken and entered again, or a"
                    + " retry that cannot succeed)");
        } else {
            List<String> stack = frames(sem, state, t);
            expl.add(name + " next runs " + sem.label(state, t, 0)
                    + (stack.size() > 1 ? "   [" + String.join(" <- ", stack) + "]" : ""));
            expl.add("no continuation from this state lets " + name + " finish or rest at an idle point: it keeps"
                    + " running without making progress (a livelock, e.g. a retry or polling loop that cannot succeed)");
        }
        expl.add("if " + name + " is meant to run forever, declare it a daemon (Procedure.daemon())");
        String msg = name + " can never finish (livelock)";
        Continuation c = continuation(sys, state, t, true, expl, budget, started);
        return new CheckResult(model, Verdict.STUCK, null, msg, schedule, expl, List.of(), goalResults, stats, null, notes).withContinuation(c);
    }

    /**
     * One way the model goes on from a stuck report's last state ({@link Continuation}), or null with a line
     * in {@code expl} saying why none is shown.
     */
    private static Continuation continuation(ModelSystem sys, int[] state, int t, boolean livelock, List<String> expl,
                                             Budget budget, long started) {
        // it illustrates a verdict the search has settled: whatever stops it leaves the verdict as it is, and says so
        String none = "how it goes on from here is not shown: ";
        try {
            Continuation c = Continuation.find(sys, state, t, livelock, Continuation.LIMIT, budget, started);
            if (c == null) {
                expl.add(none + "more than " + String.format(java.util.Locale.ROOT, "%,d", Continuation.LIMIT)
                        + " states follow this one");
            }
            return c;
        } catch (OutOfMemoryError e) {
            expl.add(none + "out of memory while looking for it");
        } catch (Continuation.Stopped e) {
            // the check's budget holds for it too (it ran on past --time-limit), and a signal stops it as it stops a search
            expl.add(none + "the search for it was stopped (" + e.getMessage() + ")");
        } catch (Continuation.Diverged e) {
            // a failure the search would have reported: the model's code answered otherwise when the search ran (a
            // guard, effect or rule that reads something besides the state)
            expl.add(none + "the states that follow this one differ from those the search met (" + e.getMessage() + ", which"
                    + " the search did not meet): is the model's code a function of the state?");
        } catch (ModelError e) {
            // the model's own code failed in a state that follows (one a budgeted re-check without reductions had not
            // reached, or code that answers differently from run to run): its message says where
            expl.add(none + "the model's code failed in a state that follows this one: " + e.getMessage());
        }
        return null;
    }

    // ---- reductions: notes, symmetry refusal, unpermuted schedules

    private static String reductionLine(Symmetry symmetry, boolean por, ReducedSystem reduced) {
        List<String> on = new ArrayList<>();
        if (symmetry != null) {
            // a declaration is checked against the model's transitions on the stored states, up to a sample: say how far
            on.add("symmetry over " + String.join(", ", symmetry.describe()) + (reduced.declarationCheckedEverywhere()
                    ? " (declaration checked by rotation on every stored state)"
                    : " (declaration checked by rotation on the first " + String.format(java.util.Locale.ROOT, "%,d", ReducedSystem.declarationSample())
                            + " stored states, then trusted)"));
        }
        if (por) {
            String how = reduced.usedFootprints()
                    ? " by step footprints" + (reduced.footprintsFrom() > 0 ? " from state " + reduced.footprintsFrom() + " on" : "")
                    : reduced.footprintsMissing() == null ? ""
                    : reduced.movesInertSteps() ? " on inert steps only (" + reduced.footprintsMissing() + ")"
                    : " of nothing (" + reduced.footprintsMissing() + "; inert steps do not move alone either: a step rule"
                            + " runs on every step)";
            on.add("partial-order reduction" + how + " (" + Words.count(reduced.reducedStates(), "state") + " expanded by "
                    + (reduced.usedFootprints() ? "one thread's transitions)" : "one transition)"));
        }
        return String.join(", ", on);
    }

    /** Given a state and its canonical form: a message when a goal answers differently, else null. */
    private static java.util.function.BiFunction<int[], int[], String> goalAsymmetry(Model model, ModelSystem sys) {
        Semantics sem = sys.semantics();
        return (s, c) -> {
            for (Map.Entry<String, Predicate<StateView>> g : model.goals().entrySet()) {
                boolean a;
                boolean b;
                try {
                    a = ModelSystem.reached(g.getKey(), g.getValue(), sem.view(s));
                    b = ModelSystem.reached(g.getKey(), g.getValue(), sem.view(c));
                } catch (ModelSystem.GoalFailed err) {
                    // the model's error: the search without symmetry meets it and reports it at its state
                    return "goal " + g.getKey() + " threw on a reachable state (" + err.getCause() + ")";
                }
                if (a != b) {
                    return "goal " + g.getKey() + " tells members of a symmetric set apart (" + String.join(", ",
                            model.symmetricSets().stream().map(Model.SymmetricSet::name).toList()) + ")";
                }
            }
            return null;
        };
    }

    /** Given the invariants' answers on a state and on a permutation of it: a message when they differ, else null. */
    private static java.util.function.BiFunction<org.migcheck.checker.engine.Failure, org.migcheck.checker.engine.Failure, String> ruleAsymmetry() {
        return (a, b) -> {
            if ((a == null) != (b == null) || (a != null && !sameFailure(a, b))) {
                return describe(a != null ? a : b) + " tells members of a symmetric set apart";
            }
            return null;
        };
    }

    /** What failed on one side of a symmetry comparison: a rule by its id, or a model error (an invariant that throws) by its element. */
    private static String describe(org.migcheck.checker.engine.Failure f) {
        if (f instanceof Problem.RuleBroken rb) {
            return "rule " + rb.ruleId();
        }
        if (f instanceof Problem.ModelFault mf) {
            return "a model error of " + mf.element() + " (" + mf.message() + ")";
        }
        return f.getClass().getSimpleName();
    }

    private static boolean sameFailure(org.migcheck.checker.engine.Failure a, org.migcheck.checker.engine.Failure b) {
        if (a instanceof Problem.RuleBroken x && b instanceof Problem.RuleBroken y) {
            return x.ruleId().equals(y.ruleId());
        }
        return a.getClass() == b.getClass();
    }

    private static Map<String, CheckResult.GoalResult> unpermuteGoals(Unpermute real, Map<String, CheckResult.GoalResult> in) {
        Map<String, CheckResult.GoalResult> out = new LinkedHashMap<>();
        in.forEach((g, res) -> out.put(g, res.witness() == null || res.witness().length == 0 ? res
                : new CheckResult.GoalResult(res.answer(), real.map(res.witness(), false, Checker::sameFailure).schedule(), res.shortest())));
        return out;
    }

    /**
     * The lock-order witnesses of a search over canonical states, in the real model: each path mapped,
     * and its title and edge naming the real thread and locks that play the canonical ones' parts in
     * the state before the acquisition (the lock classes are the same: the check refuses symmetry for
     * members whose corresponding locks differ in class).
     */
    private static CheckResult unpermuteWitnesses(Unpermute real, CheckResult r) {
        Model model = r.model();
        List<CheckResult.Witness> ws = new ArrayList<>();
        List<String> expl = new ArrayList<>(r.explanation());
        for (CheckResult.Witness w : r.witnesses()) {
            Unpermute.Real mapped = real.map(w.schedule(), false, Checker::sameFailure);
            int[] path = mapped.schedule();
            CheckResult.LockEdge e = w.edge();
            if (e == null || path.length == 0) {
                ws.add(new CheckResult.Witness(w.title(), path, e));
                continue;
            }
            int[] before = mapped.beforeLast();
            int thread = real.realThread(before, e.thread());
            String held = real.realLock(before, e.held());
            String acquired = real.realLock(before, e.acquired());
            String title = model.thread(thread).name() + " takes " + acquired + " while holding " + held
                    + " (" + e.fromClass() + " -> " + e.toClass() + ")";
            expl.replaceAll(line -> line.equals(w.title()) ? title : line);
            ws.add(new CheckResult.Witness(title, path, new CheckResult.LockEdge(e.fromClass(), e.toClass(), thread, held, acquired)));
        }
        int[] first = ws.isEmpty() ? r.schedule() : ws.get(0).schedule();
        return new CheckResult(model, r.verdict(), r.ruleId(), r.message(), first, expl, ws, r.goals(), r.stats(),
                r.limit(), r.notes(), r.unreached(), r.saturated(), r.reductions());
    }

    static CheckResult withNote(CheckResult r, String note) {
        List<String> notes = new ArrayList<>(r.notes());
        notes.add(0, note);
        return new CheckResult(r.model(), r.verdict(), r.ruleId(), r.message(), r.schedule(), r.explanation(), r.witnesses(),
                r.goals(), r.stats(), r.limit(), notes, r.unreached(), r.saturated(), r.reductions(), r.rule(), r.continuation());
    }


    /** The bits of a model's threads (at most 31 of them). */
    static int allThreads(int threads) { return threads >= 32 ? ~0 : (1 << threads) - 1; }

    /**
     * The answer of the stuck-thread analysis from its reachability bits ({@link StateGraph#reach},
     * {@link SymmetricGraph#reach}: {@code canMove}, "can move again", and {@code canRest}, "can come
     * to rest", per state id): {stuck, never}. {@code stuck} is the smallest state id (the shallowest
     * state, with BFS) in which some thread is blocked (not at an idle point) and can never move
     * again, as {state, thread}, or null; only when there is none, {@code never} is the smallest state
     * id from which a thread of {@code finishMask} can never finish or come to rest at an idle point,
     * whether it is blocked or keeps running (a retry or polling loop that cannot succeed), or null.
     * {@code canRest} of a state includes the threads at rest in it (the fixpoint starts from them),
     * so a thread at rest is never reported.
     */
    static int[][] doomed(int states, IntUnaryOperator blocked, IntUnaryOperator canMove, IntUnaryOperator canRest, int threads,
            int finishMask) {
        int all = allThreads(threads);
        for (int s = 0; s < states; s++) {
            int bad = blocked.applyAsInt(s) & all & ~canMove.applyAsInt(s);
            if (bad != 0) {
                return new int[][] {{s, Integer.numberOfTrailingZeros(bad)}, null};
            }
        }
        int finish = finishMask & all;
        for (int s = 0; s < states; s++) {
            int bad = finish & ~canRest.applyAsInt(s);
            if (bad != 0) {
                return new int[][] {null, {s, Integer.numberOfTrailingZeros(bad)}};
            }
        }
        return new int[][] {null, null};
    }

    static int daemons(Model model) {
        int daemons = 0;
        for (int t = 0; t < model.threadCount(); t++) {
            if (model.thread(t).daemon()) {
                daemons |= 1 << t;
            }
        }
        return daemons;
    }

    private static Map<String, CheckResult.GoalResult> decideGoalsIfAsked(Model model, Options opts,
                                                                        Map<String, CheckResult.GoalResult> goalResults, List<String> notes) {
        if (opts.decideGoals() && goalResults.values().stream().anyMatch(g -> g.answer() == CheckResult.GoalResult.Answer.UNDECIDED)) {
            return decideGoals(model, opts, goalResults, notes);
        }
        return goalResults;
    }

    /**
     * Decides the goals a counterexample left undecided: a second search of the same model without
     * rules, in which a transition that breaks the model (a failed assertion, a lock misuse) has no
     * successor and a deadlocked state is just a state without successors. BFS keeps the witnesses
     * shortest; the budget is the same as the first search's (its time limit shared: what is left of it), and
     * running out of it leaves the goal unknown.
     */
    private static Map<String, CheckResult.GoalResult> decideGoals(Model model, Options opts, Map<String, CheckResult.GoalResult> first,
                                                                  List<String> notes) {
        ModelSystem plain = new ModelSystem(model, RuleSet.empty(), false);
        org.migcheck.checker.engine.Strategy strategy = opts.strategy() == org.migcheck.checker.engine.Strategy.DFS
                ? org.migcheck.checker.engine.Strategy.DFS : org.migcheck.checker.engine.Strategy.BFS;
        GoalSearch gs;
        try {
            gs = goalSearch(model, withoutFailures(plain), plain, strategy, opts.budget(), opts);
        } catch (ModelError | GoalThrew e) {
            notes.add("goals not decided: " + e.getMessage());
            return first;
        }
        SearchResult r = gs.result();
        Map<String, CheckResult.GoalResult> out = new LinkedHashMap<>(first);
        Map<String, CheckResult.GoalResult> second = gs.goals().results(gs.search(), r.status(), strategy == org.migcheck.checker.engine.Strategy.BFS);
        first.forEach((g, a) -> {
            if (a.answer() == CheckResult.GoalResult.Answer.UNDECIDED) {
                out.put(g, second.get(g));
            }
        });
        notes.add("goals decided by a second search that ignores rule violations (" + Words.count(r.stats().distinct(), "state")
                + (r.status() == SearchResult.Status.INCOMPLETE ? ", stopped at " + r.limit() : "") + ")");
        return out;
    }

    /** "reachable(a), reachable(b)". */
    private static String reachable(java.util.Collection<String> goals) {
        return String.join(", ", goals.stream().map(g -> "reachable(" + g + ")").toList());
    }

    /** A finished search that tracked the model's goals. */
    private record GoalSearch(Search search, SearchResult result, GoalTracker goals) {}

    /** Runs {@code ts} (built on {@code sys}) with a goal tracker; a goal or step that throws is a {@link ModelError}. */
    private static GoalSearch goalSearch(Model model, TransitionSystem ts, ModelSystem sys, org.migcheck.checker.engine.Strategy strategy,
                                         org.migcheck.checker.engine.Budget budget, Options opts) {
        Search search = new Search(ts, strategy, budget).withWorkers(opts.workers()).withCompression(opts.compress());
        GoalTracker goals = new GoalTracker(model, sys.semantics());
        search.observe(goals);
        return new GoalSearch(search, search.run(), goals);
    }

    /** The system with every failing transition and failing state left without successors. */
    private static TransitionSystem withoutFailures(ModelSystem plain) {
        return withoutFailures(plain, s -> false);
    }

    /** {@link #withoutFailures(ModelSystem)} in which the states {@code deadEnd} accepts have no successors either. */
    static TransitionSystem withoutFailures(ModelSystem plain, java.util.function.Predicate<int[]> deadEnd) {
        return new TransitionSystem() {
            @Override public int[] slotMin() { return plain.slotMin(); }
            @Override public int[] slotMax() { return plain.slotMax(); }
            @Override public int[] initialState() { return plain.initialState(); }
            @Override public int actorOf(int label) { return plain.actorOf(label); }
            @Override public org.migcheck.checker.engine.Failure checkState(int[] state) { return null; }
            @Override public void expand(int id, int[] state, Successors out) {
                if (deadEnd.test(state)) {
                    return;
                }
                plain.expand(id, state, new Successors() {
                    @Override public void successor(int label, int[] next) { out.successor(label, next); }
                    @Override public void failure(int label, org.migcheck.checker.engine.Failure f) { }
                    @Override public void stateFailure(org.migcheck.checker.engine.Failure f) { }
                });
            }
        };
    }

    /** The re-shortening search of goal witnesses stores at most this many states, or four times the reduced search's. */
    static final long GOAL_SHORTENING_MIN_STATES = 1_000_000;

    /**
     * Goal witnesses of a holding check found with partial-order reduction, which may be longer than
     * the shortest path to a goal state (a thread that moved alone first): a BFS without the
     * reduction, bounded by the longest such witness, finds each goal at its distance. Its budget is
     * what is left of the check's time limit, and at most max({@link #GOAL_SHORTENING_MIN_STATES}, 4 x
     * the reduced search's states); it runs in this process (a spread check's coordinator), not over {@code --members}. A goal
     * it does not reach keeps the reduced witness, marked as not necessarily shortest, with a note.
     * The check holds, so no failure is reachable: one that this search meets is a fault of the
     * reduction, reported as an internal error rather than passed over.
     */
    private static Map<String, CheckResult.GoalResult> shortestGoals(Model model, RuleSet rules, Options opts,
                                                                    Map<String, CheckResult.GoalResult> in, long reducedStates,
                                                                    long started, List<String> notes) {
        Set<String> wanted = new LinkedHashSet<>();
        int longest = 0;
        for (Map.Entry<String, CheckResult.GoalResult> e : in.entrySet()) {
            CheckResult.GoalResult g = e.getValue();
            if (g.answer() == CheckResult.GoalResult.Answer.REACHABLE && !g.shortest() && g.witness() != null && g.witness().length > 0) {
                wanted.add(e.getKey());
                longest = Math.max(longest, g.witness().length);
            }
        }
        if (wanted.isEmpty()) {
            return in;
        }
        java.time.Duration left = opts.budget().timeLimit().minusNanos(System.nanoTime() - started);
        // a spread check re-shortens them in the coordinator, under the same bounds, so that its witnesses are those of
        // one process (it said "not necessarily a shortest one" where one process said "shortest")
        String skipped = left.isNegative() || left.isZero() ? "no time was left" : null;
        if (skipped != null) {
            notes.add("the witness of " + reachable(wanted) + " comes from the search with partial-order reduction and may"
                    + " not be a shortest one (" + skipped + ")");
            return in;
        }
        ModelSystem plain = new ModelSystem(model, rules, false);
        long cap = Math.min(opts.budget().maxStates(), Math.max(GOAL_SHORTENING_MIN_STATES, 4 * reducedStates));
        GoalSearch gs;
        try {
            gs = goalSearch(model, plain, plain, org.migcheck.checker.engine.Strategy.BFS,
                    opts.budget().withMaxDepth(longest).withMaxStates(cap).withTimeLeft(left), opts);
        } catch (ModelError | GoalThrew e) {
            // e.g. a goal that throws on a state the reduced search did not need to visit
            notes.add("the witness of " + reachable(wanted) + " comes from the search with partial-order reduction and may"
                    + " not be a shortest one (the BFS without it stopped: " + e.getMessage() + ")");
            return in;
        }
        SearchResult r = gs.result();
        if (r.status() == SearchResult.Status.FAILED) {
            throw new IllegalStateException("partial-order reduction missed a failure of model " + model.name() + " within "
                    + longest + " steps, which the unreduced search for shortest goal witnesses found: " + r.failure().summary());
        }
        // a level-synchronous BFS meets each goal first at its distance, even if a budget stops it later
        Map<String, CheckResult.GoalResult> second = gs.goals().results(gs.search(), r.status(), true);
        Map<String, CheckResult.GoalResult> out = new LinkedHashMap<>();
        List<String> shortened = new ArrayList<>();
        List<String> unconfirmed = new ArrayList<>();
        in.forEach((g, a) -> {
            CheckResult.GoalResult b = second.get(g);
            if (!wanted.contains(g)) {
                out.put(g, a);
            } else if (b.answer() == CheckResult.GoalResult.Answer.REACHABLE && b.shortest()) {
                out.put(g, b);
                if (b.witness().length < a.witness().length) {
                    shortened.add("reachable(" + g + ") " + a.witness().length + " -> " + b.witness().length + " steps");
                }
            } else {
                out.put(g, a);
                unconfirmed.add(g);
            }
        });
        if (!shortened.isEmpty()) {
            notes.add("goal witnesses found with partial-order reduction, re-shortened by a BFS without it: "
                    + String.join(", ", shortened));
        }
        if (!unconfirmed.isEmpty()) {
            notes.add("the witness of " + reachable(unconfirmed) + " comes from the search with partial-order reduction"
                    + " and may not be a shortest one (the BFS without it stopped at " + r.limit() + ", "
                    + Words.count(r.stats().distinct(), "state") + ")");
        }
        return out;
    }

    /**
     * Transitions of the model that the exhaustive search never took, as "procedure: function". A procedure
     * with several steps of one description (a step written once per object or per outcome) numbers them in
     * code order, "[i/n]", so that an unreached copy does not read as if no copy ran.
     */
    private static List<CheckResult.Unreached> unreached(ModelSystem sys, Symmetry symmetry) {
        Semantics sem = sys.semantics();
        Map<String, Integer> copies = new LinkedHashMap<>();
        for (int pc = 0; pc < sem.codeSize(); pc++) {
            if (sem.isTransition(pc)) {
                copies.merge(sem.describe(pc), 1, Integer::sum);
            }
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<CheckResult.Unreached> out = new ArrayList<>();
        for (int pc = 0; pc < sem.codeSize(); pc++) {
            if (!sem.isTransition(pc)) {
                continue;
            }
            String d = sem.describe(pc);
            int n = copies.get(d);
            int i = seen.merge(d, 1, Integer::sum);
            if (!executed(sys, symmetry, pc)) {
                out.add(new CheckResult.Unreached(pc, d, i, n));
            }
        }
        return out;
    }

    /**
     * Whether some explored transition ran {@code pc}. Under symmetry the search runs from canonical
     * states only, where one member may always play a part (the first to take a token, say): a step of
     * a member's thread ran when it or the same step of another member's thread did.
     */
    private static boolean executed(ModelSystem sys, Symmetry symmetry, int pc) {
        if (symmetry == null) {
            return sys.executed(pc);
        }
        for (int other : symmetry.counterparts(pc)) {
            if (sys.executed(other)) {
                return true;
            }
        }
        return false;
    }

    /** The random strategy: walks, then the shrunk counterexample explained as for BFS. */
    private static org.migcheck.checker.engine.RandomSearch randomSearch(ModelSystem sys, Options opts) {
        int depth = opts.budget().maxDepth() == Integer.MAX_VALUE ? Options.DEFAULT_WALK_DEPTH : opts.budget().maxDepth();
        return new org.migcheck.checker.engine.RandomSearch(sys, opts.seed(), opts.walks(), depth, opts.budget());
    }

    /**
     * A member's share of a random search spread over processes: walks {@code [from, to)} of the search
     * {@link #check} would run on {@code model} with {@code opts} (same system, seed, depth and budget).
     */
    public static org.migcheck.checker.engine.RandomSearch.Chunk walks(Model model, RuleSet rules, Options opts, int from, int to) {
        ModelSystem sys = new ModelSystem(model, rules, opts.liveness());
        sys.checkDeterminism(opts.determinism() == Options.Switch.ON);
        return randomSearch(sys, opts).walk(from, to);
    }

    private static CheckResult random(Model model, ModelSystem sys, Options opts) {
        int depth = opts.budget().maxDepth() == Integer.MAX_VALUE ? Options.DEFAULT_WALK_DEPTH : opts.budget().maxDepth();
        org.migcheck.checker.engine.RandomSearch rs = randomSearch(sys, opts).spread(opts.swarm());
        if (opts.progress() != null) {
            ProgressPrinter p = new ProgressPrinter(opts.progress(), model);
            p.start(model, opts);
            rs.observe(p, 3_000_000_000L);
        }
        SearchResult r;
        long walkStart = System.nanoTime();
        try {
            r = rs.run();
        } catch (ModelError | GoalThrew e) {
            return modelError(model, e.getMessage());
        } catch (org.migcheck.checker.engine.Transport.Lost lost) {
            // a member running walks was lost: the walks are gathered only at the end, so none is counted
            return new CheckResult(model, Verdict.INCOMPLETE, null, "stopped at " + lost.getMessage() + " before the walks ended",
                    new int[0], List.of(), List.of(), Map.of(), new Stats(0, 0, 0, System.nanoTime() - walkStart), lost.getMessage(),
                    List.of("random search, seed " + opts.seed() + ", " + Words.count(opts.walks(), "walk") + " of at most "
                            + Words.count(depth, "step") + ", spread over members; the walks done before the loss are not counted"));
        }
        List<String> notes = new ArrayList<>();
        notes.add("random search, seed " + opts.seed() + ", " + Words.count(opts.walks(), "walk") + " of at most " + Words.count(depth, "step")
                + "; the counterexample is shrunk by delta debugging, not necessarily a shortest one; nothing is claimed exhaustively;"
                + " distinct counts the states"
                + " the walks visited (by 64-bit fingerprint)");
        if (r.status() != SearchResult.Status.FAILED) {
            CheckResult cycle = walkedLockCycle(model, sys, rs, r.stats(), notes, r.limit());
            if (cycle != null) {
                return cycle;
            }
            return new CheckResult(model, Verdict.INCOMPLETE, null, r.limit(), new int[0], List.of(), List.of(), Map.of(),
                    r.stats(), r.limit(), notes);
        }
        if (!r.failure().reproducible()) {
            return notDeterministic(r.failure(), r.stats(), notes);
        }
        // the state the failure happened in: the bad state, or the one the failing step started from (a step rule's
        // failure comes after the step, which a trace replays: the state after it would name the thread's next step)
        int[] schedule = r.schedule();
        if (schedule.length > 0 && rs.replay(schedule).onStep()) {
            schedule = Arrays.copyOf(schedule, schedule.length - 1);
        }
        int[] at;
        try {
            at = org.migcheck.checker.trace.Trace.replay(model, schedule).last();
        } catch (IllegalArgumentException | IllegalStateException | ModelError e) {
            // the walks' replays passed, this one does not: the model answers differently from run to run
            return notDeterministic(new org.migcheck.checker.engine.Failure.NotReproducible("the counterexample of random walks does"
                    + " not replay (" + e.getMessage() + ")"), r.stats(), notes);
        }
        return failed(model, sys, r, at, Map.of(), notes);
    }

    /**
     * The lock order random walks saw, when no walk failed: each class edge's first acquisition in walk order ({@code
     * marks}, with the walk's path to it) goes to the model's lockdep graph numbered in that order, so that the graph and
     * its first cycle are those of one process running every walk. A cycle is reported as the exhaustive search reports
     * one (VIOLATED lock-order.cycle, a replayable path per edge, each shrunk by delta debugging); none: null.
     */
    private static CheckResult walkedLockCycle(Model model, ModelSystem sys, org.migcheck.checker.engine.RandomSearch rs,
                                               Stats stats, List<String> notes, String limit) {
        List<org.migcheck.checker.engine.RandomSearch.Mark> marks = rs.marks();
        if (!sys.rules().lockdep() || marks.isEmpty()) {
            return null;
        }
        Semantics sem = sys.semantics();
        List<int[]> paths = new ArrayList<>(); // numbered in walk order: the "state id" of each lockdep witness
        for (org.migcheck.checker.engine.RandomSearch.Mark m : marks) {
            int[] path = m.path();
            if (!paths.isEmpty() && Arrays.equals(path, paths.get(paths.size() - 1))) {
                continue; // one step that showed several edges: recorded once, all of them
            }
            PathEnd end;
            try {
                end = pathEnd(model, sem, path);
            } catch (IllegalArgumentException | IllegalStateException | ModelError e) {
                return notDeterministic(new org.migcheck.checker.engine.Failure.NotReproducible("a path of random walks to a lock"
                        + " acquisition does not replay (" + e.getMessage() + ")"), stats, notes);
            }
            paths.add(path);
            for (org.migcheck.model.lang.Event e : end.events()) {
                if (e instanceof org.migcheck.model.lang.LockEvent.Acquired a && !a.trylock()) {
                    sys.lockdep.record(a.lock(), end.held(), paths.size() - 1, path[path.length - 1], end.thread());
                }
            }
        }
        List<Lockdep.Witness> cycle = sys.lockdep.cycle();
        if (cycle.isEmpty()) {
            return null;
        }
        // a walk wanders: the path to each edge of the cycle, shrunk to what still takes that step showing that edge (and
        // every other edge of the cycle the same step showed), every state on the way free of failures as the walk's were
        Map<Integer, int[]> shrunk = new HashMap<>();
        for (Lockdep.Witness w : cycle) {
            if (shrunk.containsKey(w.stateId())) {
                continue;
            }
            List<Lockdep.Witness> sameStep = cycle.stream().filter(x -> x.stateId() == w.stateId()).toList();
            int[] small = org.migcheck.checker.engine.RandomSearch.ddmin(paths.get(w.stateId()),
                    cand -> showsEdges(model, sem, rs, cand, sameStep));
            shrunk.put(w.stateId(), Arrays.copyOf(small, small.length - 1));
        }
        notes.add("each path of the lock-order cycle is the walks' first to its acquisition, shrunk by delta debugging (not"
                + " necessarily a shortest one)");
        if (rs.stopped()) {
            // as a stopped exhaustive search's cycle: real paths, and the reader is told the walks did not all run
            notes.add("the walks were stopped before they all ran (" + limit + "): the cycle is in the walks that did");
        }
        return lockCycle(model, shrunk::get, cycle, Map.of(), stats, notes, CycleSeen.RANDOM_WALKS);
    }

    /**
     * Whether {@code path} replays with no failure on the way (nor in the state it ends in) and its last step is {@code
     * edges}' thread taking, with a blocking acquisition, each edge's acquired lock while holding its held one.
     */
    private static boolean showsEdges(Model model, Semantics sem, org.migcheck.checker.engine.RandomSearch rs, int[] path,
                                      List<Lockdep.Witness> edges) {
        int label = edges.get(0).label();
        if (path.length == 0 || path[path.length - 1] != label) {
            return false;
        }
        org.migcheck.checker.engine.RandomSearch.Replay r = rs.replay(path);
        if (!r.valid() || r.failure() != null) {
            return false;
        }
        PathEnd end;
        try {
            end = pathEnd(model, sem, path);
        } catch (IllegalArgumentException | IllegalStateException | ModelError e) {
            return false;
        }
        // the same locks as the witness names, not only their classes: the report's title and its lockdep lines name them
        Set<String> heldLocks = new HashSet<>();
        end.held().forEach(h -> heldLocks.add(h.name()));
        for (Lockdep.Witness w : edges) {
            boolean shown = false;
            for (org.migcheck.model.lang.Event e : end.events()) {
                if (e instanceof org.migcheck.model.lang.LockEvent.Acquired a && !a.trylock()
                        && a.lock().name().equals(w.acquired()) && heldLocks.contains(w.held())) {
                    shown = true;
                }
            }
            if (!shown) {
                return false;
            }
        }
        return true;
    }

    /** The last step of a path, seen from the state before it: its thread, its events, and the locks that thread holds. */
    private record PathEnd(int thread, List<org.migcheck.model.lang.Event> events, List<org.migcheck.model.lang.Lock> held) {}

    /** {@code path}'s last step (throws as {@link Trace#replay} does for a path that does not run). */
    private static PathEnd pathEnd(Model model, Semantics sem, int[] path) {
        int label = path[path.length - 1];
        int t = ModelSystem.thread(label);
        int[] before = Trace.replay(model, Arrays.copyOf(path, path.length - 1)).last();
        return new PathEnd(t, sem.fire(before, t, ModelSystem.alt(label)).events(),
                org.migcheck.properties.Context.held(sem.view(before), t));
    }

    /**
     * The result for a failed search, BFS/DFS or random: the problem explained in state {@code at}
     * (the deadlocked state, or the state the failing step started from).
     */
    private static CheckResult failed(Model model, ModelSystem sys, SearchResult r, int[] at,
                                      Map<String, CheckResult.GoalResult> goals, List<String> notes) {
        Problem p = (Problem) r.failure();
        List<String> expl = new ArrayList<>();
        String rule = null;
        String msg;
        if (p instanceof Problem.Deadlock d) {
            msg = explainDeadlock(sys.semantics(), at, d.blocked(), r.schedule(), expl);
        } else if (p instanceof Problem.RuleBroken b) {
            rule = b.ruleId();
            msg = b.message();
        } else {
            Problem.ModelFault f = (Problem.ModelFault) p;
            msg = f.message() + (f.thread() >= 0 ? " (thread " + model.thread(f.thread()).name() + ", step "
                    + sys.semantics().label(at, f.thread(), f.alternative()) + ")" : "");
        }
        return new CheckResult(model, p.verdict(), rule, msg, r.schedule(), expl, List.of(), goals, r.stats(), null, notes);
    }

    /**
     * MODEL_ERROR for a failure whose path is no evidence, the model's code not being deterministic (the determinism
     * check's, or a random walk's failure that its replay does not reach): the search's counts, no trace and no token
     * (its steps would not replay the same; reports without a model show the error alone).
     */
    private static CheckResult notDeterministic(org.migcheck.checker.engine.Failure f, Stats stats, List<String> notes) {
        return notDeterministic(f instanceof Problem.ModelFault m ? m.message()
                : "the model is not deterministic: " + f.summary() + NOT_DETERMINISTIC_WHY, stats, notes);
    }

    /** As {@link #notDeterministic(org.migcheck.checker.engine.Failure, Stats, List)} with the message {@code message}. */
    private static CheckResult notDeterministic(String message, Stats stats, List<String> notes) {
        return new CheckResult(null, Verdict.MODEL_ERROR, null, message, new int[0], List.of(), List.of(), Map.of(), stats, null, notes);
    }

    /**
     * {@code r}, when its counterexample and witnesses replay in its model (every report replays them) and end where the
     * search said: the counterexample of a broken rule or a deadlock in that failure (replayed under
     * {@code rules} by {@link Replayer}, as the replay command does), each goal's witness in a state that meets the goal.
     * Else the model's code answered differently when the report's path was rebuilt (the search's own rebuild passed):
     * MODEL_ERROR without a trace, rather than a report that fails to render or a trace that does not show its failure.
     * A stuck thread's counterexample, a lock-order cycle's paths and a model error's path are replayed, not re-decided.
     */
    private static CheckResult replaysOrNotDeterministic(CheckResult r, RuleSet rules) {
        if (r.model() == null) {
            return r;
        }
        String differs;
        try {
            differs = endsElsewhere(r, rules);
        } catch (IllegalArgumentException | IllegalStateException | ModelError e) {
            differs = "a path the search found does not replay (" + e.getMessage() + ")";
        }
        if (differs == null) {
            return r;
        }
        List<String> notes = new ArrayList<>(r.notes());
        notes.add("the search's verdict was " + r.verdict() + (r.message() == null ? "" : ": " + r.message()));
        return notDeterministic("the model is not deterministic: " + differs + NOT_DETERMINISTIC_WHY, r.stats(), notes);
    }

    /**
     * Null when {@code r}'s counterexample, its lock-order paths and its goal witnesses replay, the counterexample ends in
     * its failure and each goal witness in its goal (or there is nothing to re-decide cheaply); else what the replay found
     * instead. Throws as {@link Trace#replay} and {@link Replayer#replay} do for a path that does not run or fails before
     * its end.
     */
    private static String endsElsewhere(CheckResult r, RuleSet rules) {
        Model model = r.model();
        // every path replays: a label the state does not offer, a thread blocked there, or code before the first step
        // that now throws, throws here
        if (r.hasCounterexample()) {
            Trace.replay(model, r.schedule());
        }
        r.witnesses().forEach(w -> Trace.replay(model, w.schedule()));
        // a broken rule or a deadlock: the replay decides it from the path alone, as the search did. Not a model error: the
        // search asks goals before a state's deadlock or stuck threads, and a goal that throws there is the check's model
        // error where a replay sees the deadlock first (a review's false report); nor a replay within a replay (a replay
        // that checks the model again for a lock order, whose check would replay again)
        boolean decidable = r.verdict() == Verdict.DEADLOCK
                || (r.verdict() == Verdict.VIOLATED && !RuleSet.LOCK_CYCLE.equals(r.ruleId()));
        if (decidable && r.hasCounterexample() && !REDECIDING.get()) {
            Replayer.Ending end;
            REDECIDING.set(true);
            try {
                // a search that reported this failure did not see a goal throw there (it had met the goal on another path,
                // or it does not throw): the goals are not asked again
                end = Replayer.replay(model, rules, r.schedule(), false);
            } finally {
                REDECIDING.set(false);
            }
            if (end.verdict() != r.verdict() || !java.util.Objects.equals(end.ruleId(), r.ruleId())) {
                return "the counterexample, replayed, ends in " + (end.verdict() == null ? "no failure" : end.verdict()
                        + (end.ruleId() == null ? "" : " of " + end.ruleId())) + " (" + end.message() + "), not in " + r.verdict()
                        + (r.ruleId() == null ? "" : " of " + r.ruleId());
            }
        }
        for (Map.Entry<String, CheckResult.GoalResult> g : r.goals().entrySet()) {
            int[] w = g.getValue().witness();
            if (w == null) {
                continue;
            }
            int[] last = Trace.replay(model, w).last();
            Predicate<StateView> goal = model.goals().get(g.getKey());
            if (goal == null) {
                continue;
            }
            boolean met;
            try {
                met = ModelSystem.reached(g.getKey(), goal, new Semantics(model).view(last));
            } catch (ModelSystem.GoalFailed e) {
                met = false;
            }
            if (!met) {
                return "the witness of goal " + g.getKey() + ", replayed, ends in a state that does not meet it";
            }
        }
        return null;
    }

    /** Whether this thread is re-deciding a counterexample's end (a check inside it does not re-decide its own). */
    private static final ThreadLocal<Boolean> REDECIDING = ThreadLocal.withInitial(() -> false);

    /** The note on a depth-first search's counterexample (breadth-first ones are shortest). */
    static final String DFS_NOT_SHORTEST = "depth-first search: the counterexample is a real path but not necessarily a shortest one"
            + " (the default breadth-first search gives a shortest one)";

    /** What code that is not deterministic does, for the messages that report it. */
    static final String NOT_DETERMINISTIC_WHY = Search.NOT_DETERMINISTIC_WHY;

    /** INCOMPLETE: the heap ran out outside the search, while {@code doing}. */
    static CheckResult outOfMemory(Model model, String doing) {
        return noVerdict(model, "no verdict: out of memory while " + doing + "; give the JVM more heap (MIGCHECK_JAVA_OPTS=-Xmx...)"
                + " or lower a knob", "the JVM's heap limit (out of memory) while " + doing);
    }

    /** An INCOMPLETE result with nothing explored: {@code message} says why, {@code limit} names what stopped it. */
    public static CheckResult noVerdict(Model model, String message, String limit) {
        return new CheckResult(model, Verdict.INCOMPLETE, null, message, new int[0], List.of(), List.of(), Map.of(),
                new Stats(0, 0, 0, 0), limit, List.of());
    }

    /** A MODEL_ERROR result with nothing explored ({@code model} null when it did not build). */
    static CheckResult modelError(Model model, String message) {
        Model shown = model;
        if (model != null) {
            try {
                Trace.replay(model, new int[0]);
            } catch (RuntimeException e) {
                // no initial state to show (the model's code refuses it): report the error as for a model that does not
                // build, without a trace, so that no report re-runs the failing code (check --all aborted, exit 5)
                shown = null;
            }
        }
        return new CheckResult(shown, Verdict.MODEL_ERROR, null, message, new int[0], List.of(), List.of(), Map.of(),
                new Stats(0, 0, 0, 0), null, List.of());
    }

    private static CheckResult lockCycle(Model model, ModelSystem sys, Search search, List<Lockdep.Witness> cycle,
                                         Map<String, CheckResult.GoalResult> goals, Stats stats, List<String> notes, boolean complete) {
        return lockCycle(model, search::scheduleTo, cycle, goals, stats, notes, complete ? CycleSeen.EXHAUSTIVE : CycleSeen.STOPPED);
    }

    /** How much of the model the search that saw a lock-order cycle explored. */
    private enum CycleSeen { EXHAUSTIVE, STOPPED, RANDOM_WALKS }

    /** As above, each witness's path to its state from {@code prefixOf} (a state id, or the number of a random walks' mark). */
    private static CheckResult lockCycle(Model model, java.util.function.IntFunction<int[]> prefixOf, List<Lockdep.Witness> cycle,
                                         Map<String, CheckResult.GoalResult> goals, Stats stats, List<String> notes, CycleSeen seen) {
        boolean complete = seen == CycleSeen.EXHAUSTIVE;
        List<String> expl = new ArrayList<>();
        List<CheckResult.Witness> witnesses = new ArrayList<>();
        StringBuilder chain = new StringBuilder();
        for (Lockdep.Witness w : cycle) {
            int[] prefix = prefixOf.apply(w.stateId());
            int[] sched = java.util.Arrays.copyOf(prefix, prefix.length + 1);
            sched[prefix.length] = w.label();
            String title = model.thread(w.thread()).name() + " takes " + w.acquired() + " while holding " + w.held()
                    + " (" + w.fromClass() + " -> " + w.toClass() + ")";
            expl.add(title);
            witnesses.add(new CheckResult.Witness(title, sched,
                    new CheckResult.LockEdge(w.fromClass(), w.toClass(), w.thread(), w.held(), w.acquired())));
            if (chain.length() == 0) {
                chain.append(w.fromClass());
            }
            chain.append(" -> ").append(w.toClass());
        }
        expl.add("cycle: " + chain);
        String paths = cycle.size() == 2 ? "the two paths" : "the " + cycle.size() + " paths";
        expl.add(complete
                ? "no deadlock is reachable in this model (" + Words.count(stats.distinct(), "state") + " explored exhaustively); the"
                        + " order is inverted all the same: where " + paths + " run at once on the same locks (lockdep's classes may"
                        + " stand for several locks), they can deadlock"
                : (seen == CycleSeen.RANDOM_WALKS ? "random walks took these steps (they explore no model exhaustively): the paths"
                        + " are real" : "the search was stopped before it had explored every state: the paths are real") + "; where "
                        + paths + " run at once on the same locks (lockdep's classes may stand for several locks), they can deadlock");
        String msg = "possible circular locking dependency: " + chain;
        int[] first = witnesses.get(0).schedule();
        return new CheckResult(model, Verdict.VIOLATED, RuleSet.LOCK_CYCLE, msg, first, expl, witnesses, goals, stats, null, notes);
    }

    /**
     * A call stack as a kernel developer reads it, innermost first: each frame is its procedure's kernel
     * function ({@link Procedure#kernelFunction}, the name up to its first '/'); the thread's own body, the
     * outermost frame, keeps its whole name, which may contain '/' (kworker/u16:3).
     */
    public static List<String> frames(Semantics sem, int[] state, int t) {
        String body = sem.model().thread(t).main().name();
        return sem.callStack(state, t).stream().map(f -> f.equals(body) ? f : Procedure.kernelFunction(f)).toList();
    }

    static String blockedLine(Semantics sem, int[] state, int t, BlockReason why) {
        List<String> stack = frames(sem, state, t);
        String where = stack.size() > 1 ? "   [" + String.join(" <- ", stack) + "]" : "";
        return sem.model().thread(t).name() + " blocked in " + sem.label(state, t, 0) + where + ": " + why.describe(sem.model());
    }

    private static List<String> providerLines(Semantics sem, int[] state, BlockReason why) {
        List<String> out = new ArrayList<>();
        Model m = sem.model();
        if (why instanceof BlockReason.OnLock l && l.holder() >= 0 && sem.finished(state, l.holder())) {
            out.add(l.lock().name() + " is held by " + m.thread(l.holder()).name() + ", which has exited: the lock is leaked");
        }
        String resource = why.resource();
        if (resource != null) {
            Set<Integer> who = sem.providers(state, resource);
            if (who.isEmpty()) {
                out.add("no live thread can provide " + resource);
            } else {
                List<String> names = new ArrayList<>();
                for (int p : who) {
                    names.add(m.thread(p).name() + " (" + String.join(", ", sem.providerSteps(p, resource)) + ")");
                }
                out.add(resource + " can come only from " + String.join(", ", names));
            }
        }
        return out;
    }

    /**
     * Fills {@code out} with one line per blocked thread, provider lines, the wait-for cycle or chain
     * ({@link WaitFor}) and, when the threads of the cycle (of the blocked ones, without a cycle) take
     * their last step before the end of {@code schedule}, which later steps are by other threads.
     */
    static String explainDeadlock(Semantics sem, int[] state, List<Problem.Blocked> blocked, int[] schedule, List<String> out) {
        Model m = sem.model();
        for (Problem.Blocked b : blocked) {
            out.add(blockedLine(sem, state, b.thread(), b.reason()));
            for (String p : providerLines(sem, state, b.reason())) {
                out.add("    " + p);
            }
        }
        WaitFor g = WaitFor.of(m, state);
        List<Integer> cycle = g.cycle();
        if (!cycle.isEmpty()) {
            StringBuilder sb = new StringBuilder("cycle: ");
            for (int i = 0; i < cycle.size(); i++) {
                int t = cycle.get(i);
                sb.append(m.thread(t).name()).append(" -> ").append(g.via(t, cycle.get((i + 1) % cycle.size()))).append(" -> ");
            }
            sb.append(m.thread(cycle.get(0)).name());
            out.add(sb.toString());
        } else {
            for (Problem.Blocked b : blocked) {
                out.add("chain: " + g.chain(sem, state, b.thread()).describe(m));
            }
        }
        Set<Integer> waiting = new LinkedHashSet<>(cycle);
        if (waiting.isEmpty()) {
            blocked.forEach(b -> waiting.add(b.thread()));
        }
        String rest = restingSteps(m, schedule, waiting, !cycle.isEmpty());
        if (rest != null) {
            out.add(rest);
        }
        List<String> names = blocked.stream().map(b -> m.thread(b.thread()).name()).toList();
        if (cycle.isEmpty()) {
            return "no thread can move: " + String.join(", ", names) + " blocked";
        }
        // the threads of the cycle; others blocked (on its members, or on what nobody provides) are named apart
        List<String> inCycle = blocked.stream().filter(b -> cycle.contains(b.thread())).map(b -> m.thread(b.thread()).name()).toList();
        List<String> others = blocked.stream().filter(b -> !cycle.contains(b.thread())).map(b -> m.thread(b.thread()).name()).toList();
        return "circular wait: " + String.join(", ", inCycle) + " blocked"
                + (others.isEmpty() ? "" : " (also blocked, outside the cycle: " + String.join(", ", others) + ")");
    }

    /**
     * "after step N the cycle's threads take no further step; steps N+1-M are by T, U": a shortest
     * trace to a deadlock runs until no thread can move, so other threads often run on after the waiting
     * ones stopped (to their end, or into what completes a wait); this line says where the waiting threads
     * stopped. Null when one of them takes the last step.
     */
    static String restingSteps(Model m, int[] schedule, Set<Integer> waiting, boolean cycle) {
        int last = 0;
        for (int i = 0; i < schedule.length; i++) {
            if (waiting.contains(org.migcheck.checker.trace.Trace.thread(schedule[i]))) {
                last = i + 1;
            }
        }
        if (last == 0 || last == schedule.length) {
            return null;
        }
        Set<String> others = new LinkedHashSet<>();
        for (int i = last; i < schedule.length; i++) {
            others.add(m.thread(org.migcheck.checker.trace.Trace.thread(schedule[i])).name());
        }
        String steps = last + 1 == schedule.length ? "step " + schedule.length : "steps " + (last + 1) + "-" + schedule.length;
        return "after step " + last + " the " + (cycle ? "cycle's" : "blocked") + " threads take no further step; " + steps
                + (schedule.length - last == 1 ? " is by " : " are by ") + String.join(", ", others);
    }

    /** A goal's predicate threw on stored state {@code id}: the model's error, reported with the path to that state. */
    static final class GoalThrew extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int id;

        GoalThrew(int id, ModelSystem.GoalFailed failed) {
            super(failed.getMessage(), failed.getCause(), false, false);
            this.id = id;
        }
    }

    /** Records the first state satisfying each goal; BFS makes its schedule a shortest one. */
    private static final class GoalTracker implements SearchObserver {
        private final Model model;
        private final Semantics sem;
        private final Map<String, Integer> found = new LinkedHashMap<>();

        GoalTracker(Model model, Semantics sem) {
            this.model = model;
            this.sem = sem;
        }

        /** Until every goal has its shallowest witness (the first state found, in BFS order). */
        @Override public boolean observesStates() { return found.size() < model.goals().size(); }

        @Override public boolean observesTransitions() { return false; }

        @Override public void onNewState(int id, int[] state) {
            if (found.size() == model.goals().size()) {
                return;
            }
            StateView v = sem.view(state);
            for (Map.Entry<String, Predicate<StateView>> g : model.goals().entrySet()) {
                boolean reached;
                try {
                    reached = !found.containsKey(g.getKey()) && ModelSystem.reached(g.getKey(), g.getValue(), v);
                } catch (ModelSystem.GoalFailed failed) {
                    // with the state it threw on, so that the report shows the path there (it showed the initial state)
                    throw new GoalThrew(id, failed);
                }
                if (reached) {
                    found.put(g.getKey(), id);
                }
            }
        }

        /** {@code shortest}: whether the search meets every state first at its distance (BFS without partial-order reduction). */
        Map<String, CheckResult.GoalResult> results(Search search, SearchResult.Status status, boolean shortest) {
            boolean exhaustive = status == SearchResult.Status.COMPLETE;
            com.google.common.collect.ImmutableMap.Builder<String, CheckResult.GoalResult> out = com.google.common.collect.ImmutableMap.builder();
            for (String g : model.goals().keySet()) {
                Integer id = found.get(g);
                int[] witness = id == null ? null : search.scheduleTo(id);
                if (id != null && witness == null) {
                    // reached, but the search ran out of memory and dropped the paths
                    out.put(g, new CheckResult.GoalResult(CheckResult.GoalResult.Answer.REACHABLE, new int[0], false));
                } else if (id != null) {
                    out.put(g, new CheckResult.GoalResult(CheckResult.GoalResult.Answer.REACHABLE, witness, shortest || witness.length == 0));
                } else {
                    out.put(g, new CheckResult.GoalResult(exhaustive ? CheckResult.GoalResult.Answer.UNREACHABLE
                            : status == SearchResult.Status.FAILED ? CheckResult.GoalResult.Answer.UNDECIDED
                            : CheckResult.GoalResult.Answer.UNKNOWN, null, false));
                }
            }
            return out.buildOrThrow();
        }
    }
}
