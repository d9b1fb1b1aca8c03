package org.migcheck.checker.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Explicit-state search over a {@link TransitionSystem}.
 *
 * <p>Ordering contract: a state is stored (and so has a schedule) before its invariants are checked;
 * a state's transitions are reported in the order the system produces them. BFS ({@link LevelSearch},
 * on any number of workers) reports a counterexample with the fewest steps over all failure kinds
 * (bad states and failing transitions), with a fixed tie-break; DFS (here, one thread) reports the
 * first failure its depth-first order meets.
 */
public final class Search {
    /** The element of the {@code ModelError} a path that does not rebuild throws: the model's code is not deterministic. */
    public static final String NOT_DETERMINISTIC = "model (not deterministic)";

    /** What code that is not deterministic does, for every message that reports it (the engine's and the checker's). */
    public static final String NOT_DETERMINISTIC_WHY = ": a guard, test or effect reads something other than the state (a static field, a"
            + " Random, a counter kept in a lambda, a HashSet's order)";

    private final TransitionSystem system;
    private final Strategy strategy;
    private final Budget budget;
    private final List<SearchObserver> observers = new ArrayList<>();
    private final LongSupplier clock;
    private final long progressEveryNanos;
    private final int workers;
    private final Fingerprint fingerprint;
    private StateStore store;
    private LevelSearch bfs;

    public Search(TransitionSystem system, Strategy strategy, Budget budget) {
        this(system, strategy, budget, System::nanoTime, 5_000_000_000L);
    }

    /** With an explicit clock and progress interval (tests use a fake clock). */
    public Search(TransitionSystem system, Strategy strategy, Budget budget, LongSupplier clock, long progressEveryNanos) {
        this(system, strategy, budget, clock, progressEveryNanos, 1, Fingerprint.DEFAULT);
    }

    /**
     * With {@code workers} threads for BFS (DFS runs on one) and a fingerprint function; tests pass a
     * colliding one to show that distinct states are never merged.
     */
    public Search(TransitionSystem system, Strategy strategy, Budget budget, LongSupplier clock, long progressEveryNanos,
                  int workers, Fingerprint fingerprint) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, not " + workers);
        }
        this.system = system;
        this.strategy = strategy;
        this.budget = budget;
        this.clock = clock;
        this.progressEveryNanos = progressEveryNanos;
        this.workers = workers;
        this.fingerprint = fingerprint;
    }

    /** The same search on {@code n} worker threads. */
    public Search withWorkers(int n) {
        Search s = new Search(system, strategy, budget, clock, progressEveryNanos, n, fingerprint);
        s.observers.addAll(observers);
        s.transports = transports;
        s.compress = compress;
        return s;
    }

    private boolean sequential;
    private boolean compress;

    /**
     * Whether the breadth-first search stores its visited vectors tree-compressed ({@link TreeStore}:
     * shared subtrees, less memory on wide vectors, slower) instead of packed; same results either way.
     * DFS and {@link #sequential()} keep their own store. Not with a spread {@link #withTransport transport}.
     */
    public Search withCompression(boolean on) {
        compress = on;
        return this;
    }

    /** Whether a run of this search stores its visited set tree-compressed (BFS on the level search with compression asked). */
    public boolean compresses() {
        return compress && strategy == Strategy.BFS && !sequential;
    }
    private Transport.Factory transports = Transport.IN_PROCESS;

    /**
     * Where the visited set's partitions live during the breadth-first search (default: all in this
     * process). DFS and {@link #sequential()} always run in this process.
     */
    public Search withTransport(Transport.Factory t) {
        transports = t;
        return this;
    }

    /** Whether a run of this search uses {@link #withTransport the transport} (BFS on the level search). */
    public boolean distributes() {
        return transports != Transport.IN_PROCESS && strategy == Strategy.BFS && !sequential;
    }

    /**
     * BFS on this thread with the original one-state-at-a-time loop instead of {@link LevelSearch},
     * for observers that must run right after each expansion. Same states, shortest lengths; ties
     * between failures of equal length may break differently. (The symmetric liveness graph needed
     * it until the thread permutation travelled as the transition's tag; nothing in the checker
     * uses it now.)
     */
    public Search sequential() {
        sequential = true;
        return this;
    }

    public Search observe(SearchObserver o) {
        observers.add(o);
        return this;
    }

    /**
     * Labels from the initial state to stored state {@code id}; valid after {@link #run()}, or null
     * when the store was dropped because memory ran out.
     */
    public int[] scheduleTo(int id) {
        if (bfs != null) {
            return bfs.store() == null ? null : bfs.scheduleTo(id);
        }
        return store == null ? null : store.scheduleTo(id);
    }

    /** The stored state {@code id}. */
    public int[] state(int id) { return bfs != null ? bfs.state(id) : store.get(id); }

    /**
     * A search spread over processes keeps its older states at their owners until this is called:
     * call it once the schedules and states needed are read. Nothing to do otherwise; idempotent.
     */
    public void close() {
        if (bfs != null) {
            bfs.close();
        }
    }

    /**
     * Spread search: the most bytes of packed vectors and parent links this process's store held at
     * once (-1 when the search was not spread). Bounded by {@link #retainedBoundBytes()}.
     */
    public long retainedPeakBytes() { return bfs != null && bfs.spread() ? bfs.retainedPeakBytes() : -1; }

    /** Bytes of packed vectors and parent links the BFS store holds after the run (a spread search: its last window); 0 otherwise. */
    public long vectorBytes() { return bfs != null && bfs.store() != null ? bfs.store().pageBytes() : 0; }

    /** Spread search: bytes of this process's own share of the visited set (its partitions); 0 otherwise. */
    public long ownedBytes() { return bfs != null ? bfs.ownedBytes() : 0; }

    /** (widest two consecutive BFS levels + 2 pages) x bytes per state, after a BFS run; 0 otherwise. */
    public long retainedBoundBytes() { return bfs != null ? bfs.retainedBoundBytes() : 0; }

    public int depth(int id) { return bfs != null ? bfs.depth(id) : store.depth(id); }

    /** Bytes held by the visited set after {@link #run()} (packed vectors, links, hash table). */
    public long storeBytes() {
        if (bfs != null) {
            return bfs.store() == null ? 0 : bfs.store().bytes();
        }
        return store == null ? 0 : store.bytes();
    }

    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        Stop() { super(null, null, false, false); }
    }

    /** A state beyond the max-states budget was discovered. */
    private static final class OverBudget extends RuntimeException {
        private static final long serialVersionUID = 1L;
        OverBudget() { super(null, null, false, false); }
    }

    private long generated;
    private int maxDepth;
    private Failure failure;
    private int[] failureSchedule;
    private int failureState = -1;

    public SearchResult run() {
        if (strategy == Strategy.BFS && !sequential) {
            if (compress && distributes()) {
                throw new IllegalArgumentException("the tree-compressed visited set is not spread over processes");
            }
            bfs = new LevelSearch(system, budget, observers, clock, progressEveryNanos, workers, fingerprint, transports, compress);
            return bfs.run();
        }
        long start = clock.getAsLong();
        startedAt = start;
        long nextProgress = start + progressEveryNanos;
        store = new StateStore(system.slotMin(), system.slotMax());
        StateStore visited = store;
        system.attach(visited::contains); // reduction seam (checker.reduce): cycle proviso
        generated = 0;
        maxDepth = 0;
        failure = null;
        String limit = null;
        int[] init = system.initialState();
        int root = store.addIfAbsent(init, -1, -1, 0);
        Failure f0;
        try {
            f0 = initialState(system, observers, root, init);
        } catch (OutOfMemoryError oom) {
            // the model's or a rule's own allocation on the initial state: INCOMPLETE, as on any later state
            storedBeforeOom = store.size();
            store = null;
            return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1, stats(start), StoreFull.limitText(oom));
        }
        if (f0 != null) {
            return new SearchResult(SearchResult.Status.FAILED, f0, new int[0], root, stats(start), null);
        }
        int[] stack = new int[1024];
        int sp = 0;
        int cursor = 0;
        if (strategy == Strategy.DFS) {
            stack[sp++] = root;
        }
        Runtime rt = Runtime.getRuntime();
        long budgetCheck = 0;
        try {
            while (true) {
                int id;
                if (strategy == Strategy.BFS) {
                    if (cursor >= store.size()) {
                        break;
                    }
                    id = cursor++;
                } else {
                    if (sp == 0) {
                        break;
                    }
                    id = stack[--sp];
                }
                int d = store.depth(id);
                if (d >= budget.maxDepth()) {
                    if (hasSuccessor(id)) {
                        limit = "max depth " + budget.maxDepth();
                    }
                    continue;
                }
                int before = store.size();
                int[] counted = expand(id, d);
                if (strategy == Strategy.DFS) {
                    // push new successors so that the first-generated one is explored first
                    int added = store.size() - before;
                    if (sp + added > stack.length) {
                        stack = Arrays.copyOf(stack, Math.max(stack.length * 2, sp + added));
                    }
                    for (int k = store.size() - 1; k >= before; k--) {
                        stack[sp++] = k;
                    }
                }
                for (SearchObserver o : observers) {
                    o.onExpanded(id, counted[0]);
                }
                if (++budgetCheck % 256 == 0) {
                    long now = clock.getAsLong();
                    if (now - start > budget.timeLimit().toNanos()) {
                        limit = budget.timeLimitText();
                        break;
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        limit = LevelSearch.INTERRUPTED;
                        break;
                    }
                    if (Budget.stoppedAll() != null) {
                        limit = Budget.stoppedAll();
                        break;
                    }
                    if (rt.totalMemory() - rt.freeMemory() > budget.maxMemory()) {
                        System.gc();
                        if (rt.totalMemory() - rt.freeMemory() > budget.maxMemory()) {
                            limit = budget.memoryLimitText();
                            break;
                        }
                    }
                    if (now >= nextProgress) {
                        nextProgress = now + progressEveryNanos;
                        Stats s = stats(start);
                        long frontier = strategy == Strategy.BFS ? store.size() - cursor : sp;
                        for (SearchObserver o : observers) {
                            o.onProgress(s, frontier);
                        }
                    }
                }
            }
        } catch (Stop stop) {
            return new SearchResult(SearchResult.Status.FAILED, failure, failureSchedule, failureState, stats(start), null);
        } catch (OverBudget over) {
            limit = "max states " + budget.maxStates();
        } catch (OutOfMemoryError oom) {
            storedBeforeOom = store == null ? 0 : store.size(); // the count the report gives, once the store is let go
            store = null;
            limit = StoreFull.limitText(oom);
        }
        if (limit != null) {
            Stats s = stats(start);
            if (store != null && store.size() > budget.maxStates()) {
                // the state that went over the budget was stored by the lookup that found it new: not counted
                s = new Stats(s.generated(), budget.maxStates(), s.maxDepth(), s.nanos());
            }
            return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1, s, limit);
        }
        return new SearchResult(SearchResult.Status.COMPLETE, null, new int[0], -1, stats(start), null);
    }

    private boolean hasSuccessor(int id) {
        boolean[] any = {false};
        system.expand(id, store.get(id), new TransitionSystem.Successors() {
            @Override public void successor(int label, int[] next) { any[0] = true; }
            @Override public void failure(int label, Failure f) { any[0] = true; }
            @Override public void stateFailure(Failure f) { fail(f, store.scheduleTo(id), id); }
        });
        return any[0];
    }

    private int[] expand(int id, int d) {
        int[] state = store.get(id);
        int[] counted = {0};
        system.expand(id, state, new TransitionSystem.Successors() {
            @Override public void successor(int label, int[] next) {
                successor(label, next, 0);
            }

            @Override public void successor(int label, int[] next, int tag) {
                generated++;
                counted[0]++;
                int r = store.addIfAbsent(next, id, label, d + 1);
                int to = r >= 0 ? r : -r - 1;
                for (SearchObserver o : observers) {
                    o.onTransition(id, label, to, tag);
                }
                if (r >= 0) {
                    if (store.size() > budget.maxStates()) {
                        throw new OverBudget();
                    }
                    maxDepth = Math.max(maxDepth, d + 1);
                    for (SearchObserver o : observers) {
                        o.onNewState(r, next);
                    }
                    Failure f = system.checkState(r, next);
                    if (f != null) {
                        fail(f, store.scheduleTo(r), r);
                    }
                }
            }

            @Override public void failure(int label, Failure f) {
                generated++;
                int[] prefix = store.scheduleTo(id);
                int[] sched = Arrays.copyOf(prefix, prefix.length + 1);
                sched[prefix.length] = label;
                fail(f, sched, id);
            }

            @Override public void stateFailure(Failure f) {
                fail(f, store.scheduleTo(id), id);
            }
        });
        return counted;
    }

    private void fail(Failure f, int[] schedule, int at) {
        failure = f;
        failureSchedule = schedule;
        failureState = at;
        throw new Stop();
    }

    /** Distinct states stored when the heap ran out and the store was dropped (to free memory for the report). */
    private long storedBeforeOom;

    private long startedAt;

    /** Whether the visited set is still held after {@link #run()} (it is let go when the heap ran out). */
    public boolean keepsStates() { return bfs != null ? bfs.store() != null : store != null; }

    /** The figures so far: for a search that ended by an exception of the model's (a goal that threw). */
    public Stats statsSoFar() { return bfs != null ? bfs.statsSoFar() : stats(startedAt); }

    /**
     * The initial state told to the observers (which ask goals of it) and checked: its failure, or null. The model's own
     * code may run out of heap in either; the caller ends the search INCOMPLETE then, as on any later state.
     */
    static Failure initialState(TransitionSystem system, List<SearchObserver> observers, int root, int[] init) {
        for (SearchObserver o : observers) {
            o.onNewState(root, init);
        }
        return system.checkState(0, init);
    }

    private Stats stats(long start) {
        return new Stats(generated, store == null ? storedBeforeOom : store.size(), maxDepth, clock.getAsLong() - start);
    }
}
