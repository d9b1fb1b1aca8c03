package org.migcheck.checker.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Random exploration for models too large to exhaust: seeded random walks from the initial state,
 * each up to a depth bound. A failure's schedule is then shrunk by delta debugging (ddmin over the
 * schedule, keeping only schedules that replay and end in a failure of the same kind) so that the
 * trace a user reads has as few steps as this search can find.
 *
 * <p>It proves nothing: when no walk fails, the result is {@link SearchResult.Status#INCOMPLETE}.
 * The same seed gives the same walks, failure and shrunk schedule. Walk k draws from its own
 * generator, seeded by the search's seed and k, so the walks can be split over processes
 * ({@link Swarm}) and the first failing walk, the counts and the shrunk schedule stay the same.
 */
public final class RandomSearch {
    private final TransitionSystem system;
    private final long seed;
    private final int walks;
    private final int depth;
    private final Budget budget;
    private final LongSupplier clock;

    /**
     * @param walks  number of walks
     * @param depth  steps per walk at most
     */
    public RandomSearch(TransitionSystem system, long seed, int walks, int depth, Budget budget) {
        this(system, seed, walks, depth, budget, System::nanoTime);
    }

    public RandomSearch(TransitionSystem system, long seed, int walks, int depth, Budget budget, LongSupplier clock) {
        this.system = system;
        this.seed = seed;
        this.walks = walks;
        this.depth = depth;
        this.budget = budget;
        this.clock = clock;
    }

    /** What one transition, or the state itself, produced. */
    private record Move(int label, int[] next, Failure failure) {}

    private static final class Collect implements TransitionSystem.Successors {
        final List<Move> moves = new ArrayList<>();
        Failure stateFailure;
        /** The marks of a walk's state, in the order the system gave them (null: none wanted). */
        final List<Marked> marks;

        Collect() { this(false); }

        Collect(boolean marks) { this.marks = marks ? new ArrayList<>(0) : null; }

        @Override public void successor(int label, int[] next) { moves.add(new Move(label, next, null)); }
        @Override public void failure(int label, Failure f) { moves.add(new Move(label, null, f)); }
        @Override public void stateFailure(Failure f) { stateFailure = f; }
        @Override public boolean wantsMarks() { return marks != null; }
        @Override public void mark(int label, String key) { marks.add(new Marked(label, key)); }
    }

    /** Transition {@code label} of the state being expanded marked {@code key}. */
    private record Marked(int label, String key) {}

    /**
     * The first transition of the walks, in walk order, that showed {@code key} ({@link TransitionSystem.Successors#mark}):
     * {@code path} is the walk's schedule to the state it was taken in, then its label.
     */
    public record Mark(String key, int[] path) {}

    /** The marks the walks of the last {@link #run} saw: the first of each key in walk order. */
    private List<Mark> marks = List.of();

    /** Whether the last {@link #run} was stopped (time limit, interrupt) before it had run every walk. */
    private boolean stopped;

    /** Whether the last {@link #run} was stopped (time limit, interrupt) before it had run every walk. */
    public boolean stopped() { return stopped; }

    /**
     * The first transition of each key the walks of the last {@link #run} showed, in walk order (the same for every
     * spread of the walks over processes: each chunk keeps its own first ones, and the chunks are taken in walk order).
     */
    public List<Mark> marks() { return marks; }

    /**
     * The end of replaying a schedule: the failure it reaches (or null), whether every step was possible, and
     * whether the failure is the last step's own (a step that threw or broke a step rule: it has no successor, and
     * the failure happened in the state before it) rather than a state's.
     */
    public record Replay(boolean valid, Failure failure, boolean onStep) {
        Replay(boolean valid, Failure failure) { this(valid, failure, false); }
    }

    /**
     * Replays {@code schedule}: valid when every label is a transition of the state it is taken in;
     * the failure is the one the last step (or the last state) produces, or null.
     */
    public Replay replay(int[] schedule) {
        int[] s = system.initialState();
        Failure f0 = system.checkState(s);
        if (f0 != null) {
            return new Replay(schedule.length == 0, f0);
        }
        for (int i = 0; i < schedule.length; i++) {
            Collect c = new Collect();
            system.expand(-1, s, c);
            Move m = null;
            for (Move x : c.moves) {
                if (x.label == schedule[i]) {
                    m = x;
                    break;
                }
            }
            if (m == null) {
                return new Replay(false, null);
            }
            if (m.failure != null) {
                return new Replay(i == schedule.length - 1, m.failure, true);
            }
            s = m.next;
            Failure f = system.checkState(s);
            if (f != null) {
                return new Replay(i == schedule.length - 1, f);
            }
        }
        Collect c = new Collect();
        system.expand(-1, s, c);
        return new Replay(true, c.stateFailure);
    }

    /** Distinct states counted exactly up to this many fingerprints; beyond, the count is a lower bound. */
    static final int DISTINCT_LIMIT = 1 << 22;

    /** Progress callback: statistics so far and walks done; called every few seconds. */
    public interface Progress {
        void onProgress(Stats stats, int walksDone, int walks);
    }

    private Progress progress;
    private long progressEveryNanos = 3_000_000_000L;

    /** Reports progress to {@code p} every {@code everyNanos}. */
    public RandomSearch observe(Progress p, long everyNanos) {
        this.progress = p;
        this.progressEveryNanos = everyNanos;
        return this;
    }

    /** 64-bit FNV-1a over the state vector: distinct-state counting only, never used for pruning. */
    private static long fingerprint(int[] s) {
        long h = 0xcbf29ce484222325L;
        for (int v : s) {
            h = (h ^ v) * 0x100000001b3L;
        }
        return h;
    }

    /**
     * What the walks {@code [from, end)} of a search found, in walk order: they stop at the first
     * failing walk ({@code failWalk}, with its unshrunk schedule) or at the time limit. {@code seen}
     * holds the fingerprints of the states visited (at most {@link #DISTINCT_LIMIT}). Plain data, so
     * a member process can send it back.
     */
    public static final class Chunk {
        public final int from;
        public final int end;
        public final int failWalk;
        public final int[] schedule;
        public final long generated;
        public final int maxDepth;
        public final boolean timedOut;
        /** Fingerprints as sent; or null when {@link #seenSet} (a chunk of this process) holds them. */
        public final long[] seen;
        final java.util.Set<Long> seenSet;
        /** The first transition of each key these walks showed, in walk order. */
        public final List<Mark> marks;

        public Chunk(int from, int end, int failWalk, int[] schedule, long generated, int maxDepth, boolean timedOut, long[] seen,
                     List<Mark> marks) {
            this(from, end, failWalk, schedule, generated, maxDepth, timedOut, seen, null, marks);
        }

        Chunk(int from, int end, int failWalk, int[] schedule, long generated, int maxDepth, boolean timedOut, long[] seen,
              java.util.Set<Long> seenSet, List<Mark> marks) {
            this.marks = List.copyOf(marks);
            this.from = from;
            this.end = end;
            this.failWalk = failWalk;
            this.schedule = schedule;
            this.generated = generated;
            this.maxDepth = maxDepth;
            this.timedOut = timedOut;
            this.seen = seen;
            this.seenSet = seenSet;
        }

        /** The fingerprints, as an array (to send). */
        public long[] seenArray() {
            if (seen != null) {
                return seen;
            }
            long[] out = new long[seenSet.size()];
            int i = 0;
            for (long f : seenSet) {
                out[i++] = f;
            }
            return out;
        }
    }

    /**
     * Spreads a search's walks over processes. Walk k runs with its own seed ({@link #walkSeed}), so
     * it is the same walk whoever runs it, and the chunks, taken in walk order, give the result of
     * one process running every walk.
     */
    public interface Swarm {
        /**
         * Runs walks {@code [0, walks)} in chunks of consecutive walks ({@code here} runs one in this
         * process) and returns them in walk order: every chunk up to the first one that failed or ran
         * out of time (chunks after it may be left out). A lost process ends it with an unchecked
         * exception naming it.
         */
        List<Chunk> run(int walks, Local here);

        /** Runs walks [from, to) in this process. */
        interface Local {
            Chunk walk(int from, int to);
        }
    }

    private Swarm swarm;

    /** Spreads the walks with {@code s} (null: all in this process). */
    public RandomSearch spread(Swarm s) {
        this.swarm = s;
        return this;
    }

    /** The seed of walk {@code k} of a search seeded {@code seed}: a mix of both, so no walk depends on another. */
    static long walkSeed(long seed, int k) {
        long z = seed + 0x9E3779B97F4A7C15L * (k + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public SearchResult run() {
        long start = clock.getAsLong();
        try {
            return walkAll(start);
        } catch (OutOfMemoryError oom) {
            // a walk's schedule (4 bytes a step), its replay or its shrinking outgrew the heap: a budget, never a verdict
            return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1, new Stats(0, 0, 0, clock.getAsLong() - start),
                    "out of memory in random walks of at most " + Words.count(depth, "step") + " (a lower --max-depth bounds them)");
        }
    }

    private SearchResult walkAll(long start) {
        marks = List.of();
        stopped = false;
        List<Chunk> chunks = swarm == null ? List.of(walk(0, walks)) : swarm.run(walks, this::walk);
        // the marks of the walks the result counts: up to the chunk that failed or was stopped (a swarm may send later ones)
        java.util.Map<String, Mark> firstMarks = new java.util.LinkedHashMap<>();
        for (Chunk c : chunks) {
            for (Mark m : c.marks) {
                firstMarks.putIfAbsent(m.key(), m);
            }
            if (c.failWalk >= 0 || c.timedOut) {
                break;
            }
        }
        marks = List.copyOf(firstMarks.values());
        long generated = 0;
        int maxDepth = 0;
        java.util.Set<Long> seen = chunks.size() == 1 && chunks.get(0).seenSet != null ? chunks.get(0).seenSet : new java.util.HashSet<>();
        int done = 0;
        for (Chunk c : chunks) {
            if (c.from != done) {
                throw new IllegalStateException("random walks " + done + ".." + c.from + " were not run");
            }
            done = c.end;
            generated += c.generated;
            maxDepth = Math.max(maxDepth, c.maxDepth);
            if (seen != c.seenSet) {
                for (long f : c.seenArray()) {
                    if (seen.size() >= DISTINCT_LIMIT) {
                        break;
                    }
                    seen.add(f);
                }
            }
            if (c.failWalk >= 0) {
                Stats stats = new Stats(generated, seen.size(), maxDepth, clock.getAsLong() - start);
                Replay raw = replay(c.schedule);
                if (!raw.valid() || raw.failure() == null || !raw.failure().reproducible()) {
                    // the walk's failure is not there again on the same schedule, or it is the model's own code answering
                    // differently: nothing to shrink, and no path to show
                    Failure f = raw.failure() != null && !raw.failure().reproducible() ? raw.failure()
                            : new Failure.NotReproducible("random walk " + c.failWalk + " reached a failure that a replay of the"
                                    + " same " + Words.count(c.schedule.length, "step") + " does not reach");
                    return new SearchResult(SearchResult.Status.FAILED, f, new int[0], -1, stats, null);
                }
                int[] shrunk = shrink(c.schedule, raw.failure());
                Failure last = replay(shrunk).failure();
                if (last == null || !last.reproducible()) {
                    return new SearchResult(SearchResult.Status.FAILED, last != null ? last : new Failure.NotReproducible("random walk "
                            + c.failWalk + "'s failure, shrunk, is not reached again by a replay"), new int[0], -1, stats, null);
                }
                return new SearchResult(SearchResult.Status.FAILED, last, shrunk, -1, stats, null);
            }
            if (c.timedOut) {
                stopped = true;
                String why = Budget.stoppedAll() != null ? Budget.stoppedAll()
                        : swarm == null && Thread.currentThread().isInterrupted() ? LevelSearch.INTERRUPTED : "time limit";
                return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1,
                        new Stats(generated, seen.size(), maxDepth, clock.getAsLong() - start), why + " after " + c.end + " random walks");
            }
        }
        if (done != walks) {
            throw new IllegalStateException("random walks " + done + ".." + walks + " were not run");
        }
        return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1,
                new Stats(generated, seen.size(), maxDepth, clock.getAsLong() - start),
                Words.count(walks, "random walk") + " of at most " + Words.count(depth, "step") + " found nothing (random search is never exhaustive)");
    }

    /** Walks {@code [from, to)}, each with its own seed, up to the first that fails or the time limit. */
    public Chunk walk(int from, int to) {
        long start = clock.getAsLong();
        long generated = 0;
        int maxDepth = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        java.util.Map<String, Mark> firstMarks = new java.util.LinkedHashMap<>();
        long nextProgress = start + progressEveryNanos;
        for (int w = from; w < to; w++) {
            long now = clock.getAsLong();
            // an interrupt of the walking thread stops the walks as the time limit does (walkAll names which)
            if (now - start > budget.timeLimit().toNanos() || Thread.currentThread().isInterrupted() || Budget.stoppedAll() != null) {
                return new Chunk(from, w, -1, null, generated, maxDepth, true, null, seen, List.copyOf(firstMarks.values()));
            }
            if (progress != null && now >= nextProgress) {
                progress.onProgress(new Stats(generated, seen.size(), maxDepth, now - start), w, walks);
                nextProgress = now + progressEveryNanos;
            }
            SplittableRandom rnd = new SplittableRandom(walkSeed(seed, w));
            int[] s = system.initialState();
            if (seen.size() < DISTINCT_LIMIT) {
                seen.add(fingerprint(s));
            }
            Failure f = system.checkState(s);
            int[] sched = new int[Math.min(depth, 1024)];
            int n = 0;
            while (f == null && n < depth) {
                Collect c = new Collect(true);
                system.expand(-1, s, c);
                if (c.stateFailure != null) {
                    f = c.stateFailure;
                    break;
                }
                if (c.moves.isEmpty()) {
                    break;
                }
                Move m = c.moves.get(rnd.nextInt(c.moves.size()));
                if (m.failure == null) {
                    keepFirst(c, m.label, sched, n, firstMarks);
                }
                generated++;
                if (n == sched.length) {
                    sched = Arrays.copyOf(sched, sched.length * 2);
                }
                sched[n++] = m.label;
                maxDepth = Math.max(maxDepth, n);
                if (m.failure != null) {
                    f = m.failure;
                    break;
                }
                s = m.next;
                if (seen.size() < DISTINCT_LIMIT) {
                    seen.add(fingerprint(s));
                }
                f = system.checkState(s);
            }
            if (f == null && n == depth) {
                // the walk stopped at the depth bound: the last state may itself be bad (a deadlock)
                Collect c = new Collect();
                system.expand(-1, s, c);
                f = c.stateFailure;
            }
            if (f != null) {
                return new Chunk(from, w + 1, w, Arrays.copyOf(sched, n), generated, maxDepth, false, null, seen,
                        List.copyOf(firstMarks.values()));
            }
        }
        return new Chunk(from, to, -1, null, generated, maxDepth, false, null, seen, List.copyOf(firstMarks.values()));
    }

    /**
     * Keeps each key that transition {@code label}, the one the walk takes from the state {@code sched[0, n)} reached,
     * marked and no earlier transition did. Only the walk's own steps: a path kept is a prefix of a walk, every state of
     * it checked (a transition the walk did not take may lead to a state nobody checked).
     */
    private static void keepFirst(Collect c, int label, int[] sched, int n, java.util.Map<String, Mark> firstMarks) {
        for (Marked m : c.marks) {
            if (m.label() == label && !firstMarks.containsKey(m.key())) {
                int[] path = Arrays.copyOf(sched, n + 1);
                path[n] = m.label();
                firstMarks.put(m.key(), new Mark(m.key(), path));
            }
        }
    }

    /** Same kind of failure: same class and same one-line summary. */
    private static boolean same(Failure a, Failure b) {
        return a != null && b != null && a.getClass() == b.getClass() && a.summary().equals(b.summary());
    }

    /**
     * ddmin (Zeller and Hildebrandt) over the schedule: remove chunks while the rest still replays to
     * the same failure, halving the chunk size down to single steps.
     */
    int[] shrink(int[] schedule, Failure target) {
        return ddmin(schedule, cand -> {
            Replay r = replay(cand);
            return r.valid() && same(r.failure(), target);
        });
    }

    /**
     * ddmin (Zeller and Hildebrandt) over {@code schedule}: the schedule split in chunks, first each chunk alone, then
     * each chunk removed, is tried while what is left still {@code keeps} its property, the chunks halved down to single
     * steps. {@code keeps} must hold for {@code schedule}. A chunk alone matters for interleavings: one thread's steps
     * that another's need not wait for (t1 takes and drops G, A, B before t2 starts) leave only all together, and a
     * chunk boundary falls between them sooner than a chunk covers them exactly.
     */
    public static int[] ddmin(int[] schedule, java.util.function.Predicate<int[]> keeps) {
        int[] cur = schedule;
        int chunks = 2;
        while (cur.length >= 2) {
            int size = (int) Math.ceil(cur.length / (double) chunks);
            boolean reduced = false;
            for (int startAt = 0; startAt < cur.length && chunks > 2; startAt += size) {
                // a chunk alone (with two chunks, a chunk alone is the other one removed, tried next)
                int[] cand = Arrays.copyOfRange(cur, startAt, Math.min(cur.length, startAt + size));
                if (keeps.test(cand)) {
                    cur = cand;
                    chunks = 2;
                    reduced = true;
                    break;
                }
            }
            for (int startAt = 0; !reduced && startAt < cur.length; startAt += size) {
                int[] cand = new int[cur.length - Math.min(size, cur.length - startAt)];
                System.arraycopy(cur, 0, cand, 0, startAt);
                System.arraycopy(cur, Math.min(cur.length, startAt + size), cand, startAt, cur.length - Math.min(cur.length, startAt + size));
                if (keeps.test(cand)) {
                    cur = cand;
                    chunks = Math.max(chunks - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (size == 1) {
                    break;
                }
                chunks = Math.min(cur.length, chunks * 2);
            }
        }
        return cur;
    }
}
