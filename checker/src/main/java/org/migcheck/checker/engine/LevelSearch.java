package org.migcheck.checker.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Breadth-first search on any number of worker threads, with results that do not depend on that
 * number: same verdict, same distinct-state count, same state ids, same counterexample.
 *
 * <p><b>Waves.</b> States get ids in the order a sequential BFS discovers them, so every BFS level is
 * a contiguous id range and the queue is just a cursor. The queue is consumed in waves of at most
 * {@link #WAVE} consecutive ids within one level, cut into blocks of {@link #BLOCK} states; the cut
 * depends only on ids, never on the worker count. A wave runs in four phases separated by barriers:
 * <ol>
 * <li><i>expand</i> (parallel over blocks): each state of a block has its invariants checked and is
 * expanded; every successor is packed (as a change of its parent's words, into the block's buffer)
 * and fingerprinted, and kept as a candidate in the block, in generation order;</li>
 * <li><i>own</i> (parallel over the {@link PackedStore#PARTITIONS} partitions): the worker owning a
 * partition walks the candidates whose fingerprint it owns, in (block, generation) order, looks
 * each up (stored already, or pending in this wave) and inserts it as pending otherwise (all
 * lookups of one partition in a row keep its table in cache); the first occurrence in that
 * order wins, which is the occurrence a sequential BFS would have seen first;</li>
 * <li><i>merge</i> (sequential, cheap): the blocks' transitions are walked in order; each winning
 * candidate gets the next id and its parent link, duplicates take their winner's id, and the
 * observers see states and transitions in exactly the sequential order;</li>
 * <li><i>resolve</i> (parallel over partitions): pending table entries become ids.</li>
 * </ol>
 * Partitions are owned by a function of the fingerprint only ({@link PackedStore#owner}), so the
 * same split spreads over processes: a partition the {@link Transport} reports as remote is decided
 * by its owner in the own round, from the same candidates in the same order, and learns the merge's
 * ids in the resolve round; nothing else in the wave changes, so neither do the results.
 *
 * <p><b>Shortest counterexample over all kinds.</b> A failure is either a bad state (an invariant,
 * a deadlock, a model error while explaining a block) whose schedule ends in it, or a failing
 * transition whose schedule ends with that transition. The search reports a failure with the
 * fewest steps, whatever its kind; among those, the one a sequential BFS meets first in the order of
 * its schedule: schedules compare by the position of each transition in the order the system
 * reports the transitions of its source state (so the first-reported transition sorts first), and
 * at the same state an invariant comes before a failure reported by expansion. Concretely a failing
 * transition found while expanding level d (length d + 1) is held until the states of level d + 1
 * discovered before it (ids below its cut-off) have been checked; a bad state among them wins.
 *
 * <p><b>Ordering contract.</b> A state is stored (and so has a schedule) before its invariants are
 * checked; observers run on the calling thread, in id order for states and in generation order for
 * transitions, whatever the worker count.
 */
final class LevelSearch {
    static final int BLOCK = 256;
    static final int WAVE = 32 * BLOCK;
    /**
     * The own and resolve phases hand out runs of this many consecutive partitions: a block's own
     * answers are grouped by partition, so two workers writing them share cache lines only where
     * their runs meet.
     */
    static final int RUN = 8;
    private static final int FAILING = Integer.MIN_VALUE;

    private final TransitionSystem system;
    private final Budget budget;
    private final List<SearchObserver> observers;
    private final LongSupplier clock;
    private final long progressEveryNanos;
    private final int workers;
    private final Fingerprint fingerprint;
    private final Transport.Factory transports;
    /** Store visited vectors as shared trees ({@link TreeStore}) instead of packed pages. */
    private final boolean compress;

    private PackedStore store;
    /** Open while the search runs; partitions it reports not {@link Transport#local} are decided by their owners. */
    private Transport transport;
    private Transport.Batch[] batches;
    /**
     * With remote owners: the partitions this process owns, held as a member holds its own, with
     * their batches. The store then keeps only a window of levels (see {@link #retainedPeakBytes}).
     */
    private PartitionOwner mine;
    private Transport.Batch[] mineBatches;
    private long retainedPeak;
    /** Spread search: states below this id are read from their owners (their pages may be freed already). */
    private int windowStart;
    private int[] levelStarts = new int[64];
    /** The own phase's count of new states per (partition, block) of the wave: [p * (WAVE / BLOCK) + block]. */
    private final int[] freshBy = new int[PackedStore.PARTITIONS * (WAVE / BLOCK)];
    private int levels;
    private long generated;
    private int maxDepth;
    /** Where {@link #own}'s reading pass leaves its result, so that the reads are not optimised away. */
    private volatile long touched;

    LevelSearch(TransitionSystem system, Budget budget, List<SearchObserver> observers, LongSupplier clock,
                long progressEveryNanos, int workers, Fingerprint fingerprint, Transport.Factory transports, boolean compress) {
        this.system = system;
        this.budget = budget;
        this.observers = observers;
        this.clock = clock;
        this.progressEveryNanos = progressEveryNanos;
        this.workers = workers;
        this.fingerprint = fingerprint;
        this.transports = transports;
        this.compress = compress;
    }

    /** One block of a wave: its states' transitions and the successors not yet in the visited set. */
    static class Block extends LinePadded {
        int first;
        int end;
        /** States [first, expandedEnd) were expanded; transitions of state first + i end at stateEnd[i]. */
        int expandedEnd;
        int[] stateEnd = new int[BLOCK];
        boolean[] limited = new boolean[BLOCK];
        int n;
        int[] label = new int[BLOCK * 4];
        /** The system's tag of each transition (0 for none). */
        int[] tag = new int[BLOCK * 4];
        /** Stored id, -(candidate + 1), or FAILING. */
        int[] target = new int[BLOCK * 4];
        int nc;
        long[] words;
        long[] fps = new long[BLOCK * 4];
        /** The id each candidate stands for, set by the merge (read by the resolve phase). */
        int[] candId = new int[BLOCK * 4];
        int[] partStart = new int[PackedStore.PARTITIONS + 1];
        /** The candidates grouped by owning partition: those of partition p at [partStart[p], partStart[p + 1]). */
        int[] partOrder = new int[BLOCK * 4];
        /** Each candidate's position in {@link #partOrder}. */
        int[] pos = new int[BLOCK * 4];
        /*
         * The own phase's answer for the candidate at each position of partOrder (so the worker owning a
         * partition writes one contiguous range of these arrays, never a cache line another worker
         * writes): 0 new (winner), 1 duplicate of (dupBlock, dupCand), 2 already stored (as stored id).
         */
        byte[] kind = new byte[BLOCK * 4];
        int[] stored = new int[BLOCK * 4];
        int[] dupBlock = new int[BLOCK * 4];
        int[] dupCand = new int[BLOCK * 4];
        long generated;
        /** Transitions of this block that fail (they have no target). */
        int failing;
        /** Expanded states of this block the observers hear of (not cut by the depth limit, not failing). */
        int expandedCount;
        /** Parallel merge: the id of this block's first new state, and the place of its first transition and expanded state in the graph order. */
        int idBase;
        long edgeBase;
        long expandedBase;
        /** Parallel merge: the new states this block stores before its failing transition transFailAt. */
        int freshBeforeFail;
        boolean limit;
        int stateFailId;
        Failure stateFail;
        int transFailAt;
        /** The state whose transition transFailAt fails (transitions do not record their source: it is the state whose stateEnd range holds them). */
        int transFailFrom;
        Failure transFail;

        Block(int words) { this.words = new long[BLOCK * 4 * words]; }

        /** Whether state {@code id} of this block counts as expanded for the observers (not cut by a limit, not failing). */
        boolean shown(int id) {
            return !limited[id - first] && id != stateFailId;
        }

        void reset(int first, int end) {
            this.first = first;
            this.end = end;
            expandedEnd = first;
            n = 0;
            nc = 0;
            generated = 0;
            failing = 0;
            expandedCount = 0;
            limit = false;
            stateFailId = -1;
            stateFail = null;
            transFailAt = -1;
            transFail = null;
            Arrays.fill(limited, false);
        }

        int addTransition(int l, int t, int tg) {
            if (n == label.length) {
                int m = n * 2;
                label = Arrays.copyOf(label, m);
                target = Arrays.copyOf(target, m);
                tag = Arrays.copyOf(tag, m);
            }
            label[n] = l;
            target[n] = t;
            tag[n] = tg;
            return n++;
        }

        void ensureCandidate(int words) {
            if (nc == fps.length) {
                int m = nc * 2;
                fps = Arrays.copyOf(fps, m);
                candId = Arrays.copyOf(candId, m);
                partOrder = Arrays.copyOf(partOrder, m);
                pos = Arrays.copyOf(pos, m);
                kind = Arrays.copyOf(kind, m);
                stored = Arrays.copyOf(stored, m);
                dupBlock = Arrays.copyOf(dupBlock, m);
                dupCand = Arrays.copyOf(dupCand, m);
            }
            if ((nc + 1) * words > this.words.length) {
                this.words = Arrays.copyOf(this.words, this.words.length * 2);
            }
        }
    }

    /** A {@link Block} with 64 bytes of padding after its fields (see {@link LinePadded}). */
    static final class PaddedBlock extends Block {
        long t0, t1, t2, t3, t4, t5, t6, t7;

        PaddedBlock(int words) { super(words); }
    }

    /** A {@link Worker} with 64 bytes of padding after its fields (see {@link LinePadded}). */
    private final class PaddedWorker extends Worker {
        long t0, t1, t2, t3, t4, t5, t6, t7;

        PaddedWorker(int slots, int words) { super(slots, words); }
    }

    /** Per-worker scratch space and the expansion callback. */
    private class Worker extends LinePadded implements TransitionSystem.Successors {
        final int[] state;
        /** A private copy of the state being expanded and its packed words: successors are packed as changes to them. */
        final int[] parent;
        final long[] stateWords;
        Block b;
        int from;
        boolean limitMode;

        Worker(int slots, int words) {
            this.state = new int[slots];
            this.parent = new int[slots];
            this.stateWords = new long[words];
        }

        @Override public boolean keepsVectors() { return false; } // packed at once

        @Override public void successor(int lbl, int[] next) {
            successor(lbl, next, 0);
        }

        @Override public void successor(int lbl, int[] next, int tg) {
            if (limitMode) {
                b.limit = true;
                return;
            }
            b.generated++;
            int w = store.words();
            b.ensureCandidate(w);
            int off = b.nc * w;
            store.packDelta(parent, stateWords, 0, next, b.words, off);
            // no lookup here: the own phase looks every candidate up in its partition, whose table
            // stays in cache while the partition is walked (a lookup here would miss on a random slot)
            b.fps[b.nc] = store.fingerprint(b.words, off);
            b.addTransition(lbl, -(b.nc + 1), tg);
            b.nc++;
        }

        @Override public void failure(int lbl, Failure f) {
            if (limitMode) {
                b.limit = true;
                return;
            }
            b.generated++;
            b.failing++;
            int idx = b.addTransition(lbl, FAILING, 0);
            if (b.transFailAt < 0) {
                b.transFailAt = idx;
                b.transFailFrom = from;
                b.transFail = f;
            }
        }

        @Override public void stateFailure(Failure f) {
            if (b.stateFailId < 0) {
                b.stateFailId = from;
                b.stateFail = f;
            }
        }

        void expandBlock(Block blk, int depth) {
            b = blk;
            for (int id = blk.first; id < blk.end; id++) {
                from = id;
                store.get(id, state);
                System.arraycopy(state, 0, parent, 0, state.length);
                store.words(id, stateWords, 0);
                if (id != 0) {
                    Failure f = system.checkState(id, state);
                    if (f != null) {
                        blk.stateFailId = id;
                        blk.stateFail = f;
                    }
                }
                if (blk.stateFailId < 0) {
                    limitMode = depth >= budget.maxDepth();
                    blk.limited[id - blk.first] = limitMode;
                    system.expand(id, state, this);
                    limitMode = false;
                }
                blk.stateEnd[id - blk.first] = blk.n;
                blk.expandedEnd = id + 1;
                if (blk.stateFailId >= 0) {
                    break;
                }
            }
            int shown = 0;
            for (int id = blk.first; id < blk.expandedEnd; id++) {
                if (blk.shown(id)) {
                    shown++;
                }
            }
            blk.expandedCount = shown;
            // candidates grouped by owning partition, generation order kept within each group
            int[] start = blk.partStart;
            Arrays.fill(start, 0);
            for (int c = 0; c < blk.nc; c++) {
                start[PackedStore.owner(blk.fps[c]) + 1]++;
            }
            for (int p = 0; p < PackedStore.PARTITIONS; p++) {
                start[p + 1] += start[p];
            }
            int[] fill = Arrays.copyOf(start, PackedStore.PARTITIONS);
            for (int c = 0; c < blk.nc; c++) {
                int k = fill[PackedStore.owner(blk.fps[c])]++;
                blk.partOrder[k] = c;
                blk.pos[c] = k;
            }
        }
    }

    private static final class OverBudget extends RuntimeException {
        private static final long serialVersionUID = 1L;
        OverBudget() { super(null, null, false, false); }
    }

    PackedStore store() { return store; }

    /** Whether the visited set was spread over processes (the store kept a window of levels only). */
    boolean spread() { return mine != null; }

    /**
     * Spread search: the most bytes of packed vectors and parent links the store held at once. It
     * keeps the level being expanded and the one being built, in pages of {@link PackedStore#PAGE}
     * states, so this is at most {@link #retainedBoundBytes}.
     */
    long retainedPeakBytes() { return retainedPeak; }

    /** Spread search: bytes of the partitions this process owns (vectors, ids, parents, tables); 0 otherwise. */
    long ownedBytes() { return mine == null ? 0 : mine.bytes(); }

    /** (the widest two consecutive levels + 2 pages) x bytes per state: the bound on {@link #retainedPeakBytes}. */
    long retainedBoundBytes() {
        if (store == null) {
            return 0;
        }
        int widest = 0;
        int size = store.size();
        for (int d = 0; d < levels; d++) {
            int end = d + 2 < levels ? levelStarts[d + 2] : size;
            widest = Math.max(widest, end - levelStarts[d]);
        }
        return ((long) widest + 2L * PackedStore.PAGE) * store.bytesPerState();
    }

    /** Ends a spread search on the owners (they keep the states until then, for schedules); idempotent. */
    void close() {
        if (transport != null) {
            transport.close();
            transport = null;
        }
    }

    /** The stored state {@code id}: from the store, or (a spread search's older levels) from its owner. */
    int[] state(int id) {
        int[] out = new int[store.slots()];
        long[] rec = record(id);
        store.unpack(rec, 1, out);
        return out;
    }

    /**
     * State {@code id} as {@code {parent, word 0, word 1, ...}}: from the store while it holds the
     * state; otherwise from the partition owner that stores it (this process's or a member's).
     */
    private long[] record(int id) {
        if (store.retains(id) && (mine == null || id >= windowStart)) {
            long[] rec = new long[store.words() + 1];
            rec[0] = store.parent(id);
            store.words(id, rec, 1);
            return rec;
        }
        long[] rec = mine == null ? null : mine.byId(id);
        if (rec == null && mine != null) {
            if (transport == null) {
                throw new Transport.Lost("state " + id + " is held by a member, and the search's members were released");
            }
            rec = transport.byId(id);
        }
        if (rec == null || rec.length != store.words() + 1) {
            throw new Transport.Lost("no owner stores state " + id);
        }
        return rec;
    }

    int depth(int id) {
        int lo = 0;
        int hi = levels - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (levelStarts[mid] <= id) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private void startLevel(int start) {
        if (levels == levelStarts.length) {
            levelStarts = Arrays.copyOf(levelStarts, levels * 2);
        }
        levelStarts[levels++] = start;
    }

    /**
     * Labels from the initial state to {@code id}: the path follows parent links (across owners in
     * a spread search) and each parent is re-expanded to find the transition.
     */
    int[] scheduleTo(int id) {
        int n = depth(id);
        long[][] path = new long[n + 1][];
        int cur = id;
        for (int i = n; i >= 0; i--) {
            if (cur < 0) {
                throw new Transport.Lost("the parent chain of state " + id + " ends early, at depth " + i);
            }
            path[i] = record(cur);
            cur = (int) path[i][0];
        }
        int[] out = new int[n];
        long[] have = new long[store.words()];
        for (int i = 0; i < n; i++) {
            long[] want = Arrays.copyOfRange(path[i + 1], 1, path[i + 1].length);
            int[] from = new int[store.slots()];
            store.unpack(path[i], 1, from);
            int[] found = {Integer.MIN_VALUE};
            system.expand(-1, from, new TransitionSystem.Successors() {
                @Override public boolean keepsVectors() { return false; }
                @Override public void successor(int label, int[] next) {
                    if (found[0] == Integer.MIN_VALUE) {
                        store.pack(next, have, 0);
                        if (Arrays.equals(want, have)) {
                            found[0] = label;
                        }
                    }
                }
                @Override public void failure(int label, Failure f) { }
                @Override public void stateFailure(Failure f) { }
            });
            if (found[0] == Integer.MIN_VALUE) {
                // the model's code answered differently for the same state (a static field, a Random, a counter in a
                // lambda): its verdict means nothing, and it is the model's fault, not the engine's
                throw new org.migcheck.model.lang.ModelError(Search.NOT_DETERMINISTIC, "the model is not deterministic: a state at depth " + (i + 1)
                        + " on the way to state " + id + " is no successor of its parent when expanded again" + Search.NOT_DETERMINISTIC_WHY);
            }
            out[i] = found[0];
        }
        return out;
    }

    /** Whether {@code s} is in the visited set, local or remote partition (the reductions' cycle proviso). */
    private boolean visited(int[] s) {
        long[] buf = new long[store.words()];
        store.pack(s, buf, 0);
        long fp = store.fingerprint(buf, 0);
        if (transport.local(PackedStore.owner(fp))) {
            return mine.contains(fp, buf);
        }
        return transport.contains(fp, buf);
    }

    /** The schedule to state {@code from}, then the failing transition {@code label}. */
    private int[] failingSchedule(int from, int label) {
        int[] prefix = scheduleTo(from);
        int[] sched = Arrays.copyOf(prefix, prefix.length + 1);
        sched[prefix.length] = label;
        return sched;
    }

    SearchResult run() {
        long start = clock.getAsLong();
        startedAt = start;
        try {
            return search(start);
        } catch (Transport.Lost lost) {
            close();
            return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1, stats(start), lost.getMessage());
        } finally {
            if (mine == null) {
                close(); // nothing lives at owners; a spread search is closed by its caller once the schedules are built
            }
        }
    }

    private SearchResult search(long start) {
        long nextProgress = start + progressEveryNanos;
        store = compress ? new TreeStore(system.slotMin(), system.slotMax(), fingerprint)
                : new PackedStore(system.slotMin(), system.slotMax(), fingerprint);
        transport = transports.open(store.words());
        batches = null;
        mine = null;
        mineBatches = null;
        retainedPeak = 0;
        windowStart = 0;
        for (int p = 0; p < PackedStore.PARTITIONS; p++) {
            if (!transport.local(p)) {
                if (compress) {
                    throw new IllegalStateException("the tree-compressed visited set is not spread over processes");
                }
                if (batches == null) {
                    batches = new Transport.Batch[PackedStore.PARTITIONS];
                }
                batches[p] = new Transport.Batch(p, store.words());
            }
        }
        if (batches != null) {
            // this process's partitions are held as a member holds its own: with vectors, ids and parents,
            // so the store needs only the levels being expanded and built
            boolean[] owned = new boolean[PackedStore.PARTITIONS];
            mineBatches = new Transport.Batch[PackedStore.PARTITIONS];
            for (int p = 0; p < PackedStore.PARTITIONS; p++) {
                if (transport.local(p)) {
                    owned[p] = true;
                    mineBatches[p] = new Transport.Batch(p, store.words());
                }
            }
            mine = new PartitionOwner(store.words(), owned);
        }
        if (batches == null) {
            PackedStore visited = store;
            system.attach(visited::contains); // reduction seam (checker.reduce): cycle proviso, read in the expand phase only
        } else {
            system.attach(this::visited);
        }
        generated = 0;
        maxDepth = 0;
        levels = 0;
        int[] init = system.initialState();
        long[] buf = new long[store.words()];
        store.pack(init, buf, 0);
        system.reserve(1);
        int root = store.append(buf, 0, -1);
        long rootFp = store.fingerprint(buf, 0);
        if (batches == null) {
            store.index(root, rootFp);
        } else {
            indexRemotely(root, rootFp, buf);
        }
        startLevel(0);
        Failure f0;
        try {
            f0 = Search.initialState(system, observers, root, init);
        } catch (OutOfMemoryError oom) {
            // the model's or a rule's own allocation on the initial state (a review: it escaped the check, where on any
            // later state it ends the search at the heap's limit): the same INCOMPLETE
            storedBeforeOom = store == null || mine != null ? 0 : store.size();
            store = null;
            return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1, stats(start), StoreFull.limitText(oom));
        }
        if (f0 != null) {
            return new SearchResult(SearchResult.Status.FAILED, f0, new int[0], root, stats(start), null);
        }
        List<SearchObserver> transitionObservers = new ArrayList<>();
        for (SearchObserver o : observers) {
            if (o.observesTransitions()) {
                transitionObservers.add(o);
            }
        }
        SearchObserver[] onTransitions = transitionObservers.toArray(new SearchObserver[0]);
        boolean wantTransitions = onTransitions.length > 0;
        // in a wave merged in parallel, wave observers are written by the workers, the others told in order
        WaveObserver[] waveObservers = transitionObservers.stream().filter(o -> o instanceof WaveObserver)
                .toArray(WaveObserver[]::new);
        SearchObserver[] serialTransitions = transitionObservers.stream().filter(o -> !(o instanceof WaveObserver))
                .toArray(SearchObserver[]::new);
        String workerName = SearchThreads.name("migcheck-worker");
        ExecutorService pool = workers > 1 ? Executors.newFixedThreadPool(workers - 1, r -> {
            Thread t = new Thread(r, workerName);
            t.setDaemon(true);
            return t;
        }) : null;
        Worker[] ws = new Worker[workers];
        for (int i = 0; i < workers; i++) {
            ws[i] = new PaddedWorker(store.slots(), store.words());
        }
        Block[] blocks = new Block[WAVE / BLOCK];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new PaddedBlock(store.words());
        }
        Runtime rt = Runtime.getRuntime();
        String limit = null;
        // the best failing transition so far: found at level tfLevel, it wins unless a bad state with id < tfCutoff exists
        Failure tf = null;
        int tfFrom = -1;
        int tfLabel = 0;
        int tfCutoff = -1;
        int tfLevel = -1;
        // states with ids below this have been checked (expandBlock checks each state before expanding it): after a
        // failing transition, the search needs only the checks up to its cut-off, so a budget that stops it later
        // skipped nothing the counterexample depends on
        int checkedTo = 0;
        // whether the failing transition was found after the budget had dropped new states: its cut-off then leaves out
        // states that came before it (a failure as short, which would win the tie-break, may be among them)
        boolean tfAfterDrop = false;
        // its schedule, taken when it is found (a local store only): the heap may run out while the level is finished,
        // and the store, which the schedule is read from, is let go then
        int[] tfSchedule = null;
        int depth = 0;
        int levelEnd = 1;
        startLevel(1);
        int cursor = 0;
        try {
            while (true) {
                if (cursor == levelEnd) {
                    if ((tf != null && tfLevel < depth) || store.size() == levelEnd) {
                        break;
                    }
                    depth++;
                    if (mine != null) {
                        windowStart = levelStarts[depth];
                        store.dropBefore(windowStart); // older levels live at their owners
                    }
                    levelEnd = store.size();
                    startLevel(levelEnd);
                }
                int hi = Math.min(levelEnd, cursor + WAVE);
                if (tf != null) {
                    hi = Math.min(hi, tfCutoff);
                    if (cursor >= hi) {
                        break;
                    }
                }
                // asked again before every wave: an observer may stop wanting states (all goals reached)
                boolean wantStates = false;
                for (SearchObserver o : observers) {
                    wantStates |= o.observesStates();
                }
                int nb = (hi - cursor + BLOCK - 1) / BLOCK;
                for (int i = 0; i < nb; i++) {
                    blocks[i].reset(cursor + i * BLOCK, Math.min(hi, cursor + (i + 1) * BLOCK));
                }
                system.reserve(hi);
                final int d = depth;
                parallel(pool, ws, nb, (w, i) -> w.expandBlock(blocks[i], d));
                checkedTo = hi;
                // own: insert candidates partition by partition
                parallel(pool, ws, PackedStore.PARTITIONS / RUN, (w, r) -> {
                    for (int p = r * RUN; p < (r + 1) * RUN; p++) {
                        if (batches == null) {
                            own(blocks, nb, p);
                        } else if (mineBatches[p] != null) {
                            Transport.Batch batch = mineBatches[p];
                            fill(batch, blocks, nb);
                            mine.own(p, batch.n, batch.fps, batch.words, 0, batch.result);
                        }
                    }
                });
                if (batches != null) {
                    ownRemotely(blocks, nb);
                }
                // merge: ids in the sequential order, observers told in that order
                Block badState = null;
                int sizeBefore = store.size();
                int fresh = 0;
                for (int bi = 0; bi < nb && batches == null; bi++) { // (a spread search's owners do not count)
                    int won = 0;
                    for (int p = 0; p < PackedStore.PARTITIONS; p++) {
                        won += freshBy[p * (WAVE / BLOCK) + bi];
                    }
                    blocks[bi].idBase = sizeBefore + fresh;
                    fresh += won;
                }
                if (batches == null && store.placesAnywhere() && (long) sizeBefore + fresh <= budget.maxStates()) {
                    // in parallel (no state over the budget): each block's new states get consecutive ids from
                    // its base and are stored, then the duplicates learn their winners' ids and the wave
                    // observers get each block's transitions at their places, while the partitions resolve
                    long edges = 0;
                    long shown = 0;
                    for (int bi = 0; bi < nb; bi++) {
                        Block b = blocks[bi];
                        b.edgeBase = edges;
                        b.expandedBase = shown;
                        edges += b.n - b.failing;
                        shown += b.expandedCount;
                    }
                    store.extend(fresh);
                    for (WaveObserver o : waveObservers) {
                        o.grow(shown, edges);
                    }
                    parallel(pool, ws, nb, (w, i) -> placeNew(blocks[i]));
                    parallel(pool, ws, nb + PackedStore.PARTITIONS / RUN, (w, i) -> {
                        if (i < nb) {
                            finishBlock(blocks, i, waveObservers);
                        } else {
                            resolveRun(i - nb, blocks);
                        }
                    });
                    for (int bi = 0; bi < nb; bi++) {
                        Block b = blocks[bi];
                        generated += b.generated;
                        if (b.limit) {
                            limit = "max depth " + budget.maxDepth();
                        }
                        if (tf == null && b.transFailAt >= 0 && badState == null) {
                            tf = b.transFail;
                            tfFrom = b.transFailFrom;
                            tfLabel = b.label[b.transFailAt];
                            tfCutoff = b.idBase + b.freshBeforeFail;
                            tfLevel = depth;
                            tfSchedule = mine == null ? failingSchedule(tfFrom, tfLabel) : null;
                        }
                        if (badState == null && b.stateFailId >= 0) {
                            badState = b;
                        }
                    }
                    if (fresh > 0) {
                        maxDepth = depth + 1;
                    }
                    if (wantStates || serialTransitions.length > 0) {
                        tellInOrder(blocks, nb, sizeBefore, wantStates, serialTransitions);
                    }
                } else {
                    // at the budget, new states are no longer stored, but the wave is still read to its end: a bad
                    // state or failing transition among the states already stored wins over the budget
                    boolean full = false;
                    for (int bi = 0; bi < nb; bi++) {
                        Block b = blocks[bi];
                        generated += b.generated;
                        if (b.limit) {
                            limit = "max depth " + budget.maxDepth();
                        }
                        int t = 0;
                        for (int id = b.first; id < b.expandedEnd; id++) {
                            int endT = b.stateEnd[id - b.first];
                            int successors = 0;
                            for (; t < endT; t++) {
                                int tg = b.target[t];
                                if (tg == FAILING) {
                                    if (tf == null && t == b.transFailAt && badState == null) {
                                        tf = b.transFail;
                                        tfFrom = id;
                                        tfLabel = b.label[t];
                                        tfCutoff = store.size();
                                        tfLevel = depth;
                                        // states dropped at the budget before it would have had ids below its cut-off
                                        tfAfterDrop = full;
                                        tfSchedule = mine == null ? failingSchedule(tfFrom, tfLabel) : null;
                                    }
                                    continue;
                                }
                                successors++;
                                if (full) {
                                    continue; // past the budget: only failures are still collected
                                }
                                if (tg < 0) {
                                    int c = -tg - 1;
                                    int k = b.pos[c];
                                    byte kind = b.kind[k];
                                    if (kind == 0) {
                                        if (store.size() >= budget.maxStates()) {
                                            full = true; // a new state beyond the budget: not stored, and nothing after it
                                            continue;
                                        }
                                        int nid = store.append(b.words, c * store.words(), id);
                                        b.candId[c] = nid;
                                        maxDepth = depth + 1;
                                        if (wantStates) {
                                            int[] s = new int[store.slots()];
                                            store.unpack(b.words, c * store.words(), s);
                                            for (SearchObserver o : observers) {
                                                o.onNewState(nid, s);
                                            }
                                        }
                                    } else if (kind == 1) {
                                        b.candId[c] = blocks[b.dupBlock[k]].candId[b.dupCand[k]];
                                    } else {
                                        b.candId[c] = b.stored[k];
                                    }
                                    tg = b.candId[c];
                                    b.target[t] = tg;
                                }
                                if (wantTransitions) {
                                    for (SearchObserver o : onTransitions) {
                                        o.onTransition(id, b.label[t], tg, b.tag[t]);
                                    }
                                }
                            }
                            if (b.shown(id)) {
                                for (SearchObserver o : onTransitions) {
                                    o.onExpanded(id, successors);
                                }
                            }
                        }
                        if (badState == null && b.stateFailId >= 0) {
                            badState = b;
                        }
                    }
                    if (full) {
                        if (badState == null) {
                            throw new OverBudget(); // a failing transition of this wave (tf) is still reported after the loop
                        }
                        // nothing to resolve: the wave's bad state ends the search just below
                    } else if (batches == null) {
                        parallel(pool, ws, PackedStore.PARTITIONS / RUN, (w, r) -> resolveRun(r, blocks));
                    } else {
                        resolveRemotely(blocks);
                        retainedPeak = Math.max(retainedPeak, store.pageBytes());
                    }
                }
                if (badState != null) {
                    // a bad state at this level: shorter than any failing transition found at this level,
                    // and below the cut-off of one found at the level before
                    return new SearchResult(SearchResult.Status.FAILED, badState.stateFail, scheduleTo(badState.stateFailId),
                            badState.stateFailId, stats(start), null);
                }
                cursor = hi;
                long now = clock.getAsLong();
                if (now - start > budget.timeLimit().toNanos()) {
                    limit = budget.timeLimitText();
                    break;
                }
                if (Thread.currentThread().isInterrupted()) {
                    // one worker (or a wave of one block) runs no phase that waits, so it looks here, once a wave;
                    // the flag stays set for the caller
                    limit = INTERRUPTED;
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
                    for (SearchObserver o : observers) {
                        o.onProgress(s, store.size() - cursor);
                    }
                }
            }
        } catch (OverBudget over) {
            limit = "max states " + budget.maxStates();
        } catch (Interrupted stop) {
            limit = INTERRUPTED;
        } catch (OutOfMemoryError oom) {
            storedBeforeOom = store == null || mine != null ? 0 : store.size(); // the count the report gives, once the store is let go
            store = null;
            limit = StoreFull.limitText(oom);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        if (tf != null && (store != null || tfSchedule != null)) {
            // a real counterexample; when a budget cut the level short it may not be a shortest one, and a shorter failure
            // (of another kind) may be left unchecked: the result carries the budget, which the report turns into a note.
            // After the heap ran out the store is gone: the schedule taken when it was found, and no state id
            int[] sched = tfSchedule != null ? tfSchedule : failingSchedule(tfFrom, tfLabel);
            return new SearchResult(SearchResult.Status.FAILED, tf, sched, store != null ? tfFrom : -1, stats(start),
                    limit != null && (checkedTo < tfCutoff || tfAfterDrop) ? limit : null);
        }
        if (limit != null) {
            return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1, stats(start), limit);
        }
        return new SearchResult(SearchResult.Status.COMPLETE, null, new int[0], -1, stats(start), null);
    }

    /** A spread search's root: its owner stores it as id 0 (an own round and a resolve round of one). */
    private void indexRemotely(int root, long fp, long[] buf) {
        for (Transport.Batch[] arr : new Transport.Batch[][] {batches, mineBatches}) {
            for (Transport.Batch b : arr) {
                if (b != null) {
                    b.clear();
                }
            }
        }
        int p = PackedStore.owner(fp);
        Transport.Batch b = batches[p] != null ? batches[p] : mineBatches[p];
        b.add(fp, buf, 0, store.words(), -1, -1);
        if (b == mineBatches[p]) {
            mine.own(p, 1, b.fps, b.words, 0, b.result);
        } else {
            transport.own(batches);
        }
        if (b.result[0] != Transport.Batch.NEW) {
            throw new Transport.Lost("the owner of the initial state's partition already stores state " + b.result[0]);
        }
        b.addFresh(0);
        b.ids[0] = root;
        b.parents[0] = -1;
        if (b == mineBatches[p]) {
            mine.resolve(p, 1, b.ids, b.parents, 0);
        } else {
            transport.resolve(batches);
        }
    }

    /** {@code batch} := its partition's candidates of this wave in (block, generation) order. */
    private void fill(Transport.Batch batch, Block[] blocks, int nb) {
        int w = store.words();
        batch.clear();
        int p = batch.partition;
        for (int bi = 0; bi < nb; bi++) {
            Block b = blocks[bi];
            for (int k = b.partStart[p]; k < b.partStart[p + 1]; k++) {
                int c = b.partOrder[k];
                batch.add(b.fps[c], b.words, c * w, w, bi, c);
            }
        }
    }

    /**
     * The own round of a spread search: remote partitions' candidates go to their owners (this
     * process's partitions were decided by {@link #mine} already); then every answer is applied.
     */
    private void ownRemotely(Block[] blocks, int nb) {
        for (Transport.Batch batch : batches) {
            if (batch != null) {
                fill(batch, blocks, nb);
            }
        }
        transport.own(batches);
        for (Transport.Batch[] arr : new Transport.Batch[][] {batches, mineBatches}) {
            for (Transport.Batch batch : arr) {
                if (batch != null) {
                    apply(batch, blocks);
                }
            }
        }
    }

    private static void apply(Transport.Batch batch, Block[] blocks) {
        for (int i = 0; i < batch.n; i++) {
            Block b = blocks[batch.block[i]];
            int at = b.pos[batch.cand[i]]; // its position in partOrder, where own answers go
            int r = batch.result[i];
            if (r == Transport.Batch.NEW) {
                b.kind[at] = 0;
                batch.addFresh(i);
            } else if (r >= 0) {
                b.kind[at] = 2;
                b.stored[at] = r;
            } else {
                int k = -r - 2;
                if (k >= batch.fresh) {
                    throw new Transport.Lost("the owner of partition " + batch.partition + " names new candidate " + k
                            + " of " + batch.fresh);
                }
                int first = batch.freshAt[k];
                b.kind[at] = 1;
                b.dupBlock[at] = batch.block[first];
                b.dupCand[at] = batch.cand[first];
            }
        }
    }

    /** The resolve (swap) round of a spread search: the merge's ids and parents of the new states, to their owners. */
    private void resolveRemotely(Block[] blocks) {
        for (Transport.Batch[] arr : new Transport.Batch[][] {batches, mineBatches}) {
            for (Transport.Batch batch : arr) {
                if (batch == null) {
                    continue;
                }
                for (int k = 0; k < batch.fresh; k++) {
                    int i = batch.freshAt[k];
                    int id = blocks[batch.block[i]].candId[batch.cand[i]];
                    batch.ids[k] = id;
                    batch.parents[k] = store.parent(id);
                }
            }
        }
        transport.resolve(batches);
        for (Transport.Batch batch : mineBatches) {
            if (batch != null && batch.fresh > 0) {
                mine.resolve(batch.partition, batch.fresh, batch.ids, batch.parents, 0);
            }
        }
    }

    /** Resolve phase: the pending entries of the partitions of run {@code r} get the ids the merge gave them. */
    private void resolveRun(int r, Block[] blocks) {
        for (int p = r * RUN; p < (r + 1) * RUN; p++) {
            store.resolvePending(p, blocks);
        }
    }

    /**
     * Parallel merge, first pass over one block: its new states, in the order of its transitions, get
     * the ids from {@link Block#idBase} on and are stored with their parents; transitions to them and
     * to states stored before the wave get their targets (those to a duplicate wait for the second pass).
     */
    private void placeNew(Block b) {
        int w = store.words();
        int next = b.idBase;
        b.freshBeforeFail = 0;
        int t = 0;
        for (int id = b.first; id < b.expandedEnd; id++) {
            int endT = b.stateEnd[id - b.first];
            for (; t < endT; t++) {
                int tg = b.target[t];
                if (tg == FAILING) {
                    if (t == b.transFailAt) {
                        b.freshBeforeFail = next - b.idBase;
                    }
                    continue;
                }
                if (tg < 0) {
                    int c = -tg - 1;
                    int k = b.pos[c];
                    byte kind = b.kind[k];
                    if (kind == 0) {
                        store.put(next, b.words, c * w, id);
                        b.candId[c] = next;
                        b.target[t] = next++;
                    } else if (kind == 2) {
                        b.candId[c] = b.stored[k];
                        b.target[t] = b.stored[k];
                    }
                }
            }
        }
    }

    /**
     * Parallel merge, second pass over block {@code bi} (every new state of the wave has its id now):
     * transitions to a duplicate get the id of its winner, and the wave observers get the block's
     * transitions and expanded states at the places they take in the sequential order.
     */
    private static void finishBlock(Block[] blocks, int bi, WaveObserver[] sinks) {
        Block b = blocks[bi];
        long e = b.edgeBase;
        long k = b.expandedBase;
        int t = 0;
        for (int id = b.first; id < b.expandedEnd; id++) {
            int endT = b.stateEnd[id - b.first];
            int successors = 0;
            for (; t < endT; t++) {
                int tg = b.target[t];
                if (tg == FAILING) {
                    continue;
                }
                if (tg < 0) {
                    int c = -tg - 1;
                    int at = b.pos[c];
                    tg = blocks[b.dupBlock[at]].candId[b.dupCand[at]];
                    b.candId[c] = tg;
                    b.target[t] = tg;
                }
                successors++;
                for (WaveObserver o : sinks) {
                    o.transition(e, tg, b.tag[t]);
                }
                e++;
            }
            if (b.shown(id)) {
                for (WaveObserver o : sinks) {
                    o.expanded(k, id, successors);
                }
                k++;
            }
        }
    }

    /**
     * After a parallel merge, the observers that are not wave observers, on the searching thread and in
     * the sequential order: each new state (ids from {@code sizeBefore} on, met in increasing order
     * along the transitions, each first at the transition that found it) before that transition.
     */
    private void tellInOrder(Block[] blocks, int nb, int sizeBefore, boolean wantStates, SearchObserver[] onTransitions) {
        int nextNew = sizeBefore;
        for (int bi = 0; bi < nb; bi++) {
            Block b = blocks[bi];
            int t = 0;
            for (int id = b.first; id < b.expandedEnd; id++) {
                int endT = b.stateEnd[id - b.first];
                int successors = 0;
                for (; t < endT; t++) {
                    int tg = b.target[t];
                    if (tg == FAILING) {
                        continue;
                    }
                    successors++;
                    if (tg == nextNew) {
                        nextNew++;
                        if (wantStates) {
                            int[] s = store.get(tg);
                            for (SearchObserver o : observers) {
                                o.onNewState(tg, s);
                            }
                        }
                    }
                    for (SearchObserver o : onTransitions) {
                        o.onTransition(id, b.label[t], tg, b.tag[t]);
                    }
                }
                if (b.shown(id)) {
                    for (SearchObserver o : onTransitions) {
                        o.onExpanded(id, successors);
                    }
                }
            }
        }
    }

    /** Partition {@code p}'s candidates of this wave, in (block, generation) order: first occurrence wins. */
    private void own(Block[] blocks, int nb, int p) {
        int total = 0;
        for (int bi = 0; bi < nb; bi++) {
            total += blocks[bi].partStart[p + 1] - blocks[bi].partStart[p];
        }
        int[] fresh = freshBy;
        int row = p * (WAVE / BLOCK);
        if (total == 0) {
            Arrays.fill(fresh, row, row + nb, 0);
            return;
        }
        // a first pass only reads: the misses of all candidates overlap instead of one after another
        long seen = 0;
        for (int bi = 0; bi < nb; bi++) {
            Block b = blocks[bi];
            for (int k = b.partStart[p]; k < b.partStart[p + 1]; k++) {
                seen ^= store.touch(b.fps[b.partOrder[k]]);
            }
        }
        touched = seen;
        for (int bi = 0; bi < nb; bi++) {
            Block b = blocks[bi];
            int won = 0;
            for (int k = b.partStart[p]; k < b.partStart[p + 1]; k++) {
                int c = b.partOrder[k];
                int r = store.insertPending(b.fps[c], blocks, bi, c);
                if (r == -1) {
                    won++;
                    b.kind[k] = 0;
                } else if (r >= 0) {
                    b.kind[k] = 2;
                    b.stored[k] = r;
                } else {
                    int pk = -r - 2;
                    b.kind[k] = 1;
                    b.dupBlock[k] = store.pendingBlock(p, pk);
                    b.dupCand[k] = store.pendingCand(p, pk);
                }
            }
            fresh[row + bi] = won;
        }
    }

    private interface Task {
        void run(Worker w, int index);
    }

    /**
     * Runs {@code task} for indices [0, n) on the pool's threads and the caller's. When tasks throw, the
     * others take no new index and the failure of the lowest index is rethrown: indices are taken in
     * increasing order, so every index below a failing one was taken and has run, and the failure is the
     * one a single worker meets first, whatever the timing. An interrupt of the calling thread stops the
     * phase (no new index; the tasks running end with their current one and are waited for) and ends the
     * search as {@link Interrupted}. A phase on the calling thread alone (one worker, one index) does
     * not look: the wave loop does, after every wave.
     */
    private void parallel(ExecutorService pool, Worker[] ws, int n, Task task) {
        if (pool == null || n == 1) {
            for (int i = 0; i < n; i++) {
                task.run(ws[0], i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Object lock = new Object();
        int[] failedAt = {Integer.MAX_VALUE};
        Throwable[] failure = {null};
        List<Future<?>> fs = new ArrayList<>(ws.length - 1);
        java.util.function.Consumer<Worker> loop = w -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                try {
                    task.run(w, i);
                } catch (RuntimeException | Error e) {
                    next.set(n);
                    synchronized (lock) {
                        if (i < failedAt[0]) {
                            failedAt[0] = i;
                            failure[0] = e;
                        }
                    }
                    return;
                }
            }
        };
        for (int k = 1; k < ws.length; k++) {
            Worker w = ws[k];
            fs.add(pool.submit(() -> loop.accept(w)));
        }
        loop.accept(ws[0]);
        boolean interrupted = false;
        for (Future<?> f : fs) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    synchronized (lock) { // not thrown by a task (those are caught above): the pool's own trouble
                        if (failure[0] == null) {
                            failure[0] = e.getCause();
                        }
                    }
                    break;
                } catch (InterruptedException e) {
                    // no new index from here; the tasks end with the one they run, and are waited for, so that none
                    // writes the store while the search's result is read
                    interrupted = true;
                    next.set(n);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new Interrupted();
        }
        Throwable first;
        synchronized (lock) {
            first = failure[0];
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error er) {
            throw er;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    /** The reason of a search ended by an interrupt of its thread (at every worker count, and in {@link Search}'s own loops). */
    static final String INTERRUPTED = "an interrupt of the searching thread";

    /** The searching thread was interrupted: the search ends INCOMPLETE with that reason. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    /** Distinct states stored when the heap ran out and the store was dropped (to free memory for the report). */
    private long storedBeforeOom;

    private long startedAt;

    /** The figures so far: for a search that ended by an exception of the model's (a goal that threw). */
    Stats statsSoFar() { return stats(startedAt); }

    private Stats stats(long start) {
        // a spread search's own store is a window, not the visited set: no figure for it
        return store == null || mine != null ? new Stats(generated, store == null ? storedBeforeOom : store.size(), maxDepth, clock.getAsLong() - start)
                : new Stats(generated, store.size(), maxDepth, clock.getAsLong() - start, store.mode(), store.bytes());
    }
}
