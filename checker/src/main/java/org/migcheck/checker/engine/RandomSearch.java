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
 * The same seed gives the same walks, failure and shrunk schedule.
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

        @Override public void successor(int label, int[] next) { moves.add(new Move(label, next, null)); }
        @Override public void failure(int label, Failure f) { moves.add(new Move(label, null, f)); }
        @Override public void stateFailure(Failure f) { stateFailure = f; }
    }

    /** The end of replaying a schedule: the failure it reaches (or null) and whether every step was possible. */
    public record Replay(boolean valid, Failure failure) {}

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
                return new Replay(i == schedule.length - 1, m.failure);
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

    public SearchResult run() {
        long start = clock.getAsLong();
        SplittableRandom rnd = new SplittableRandom(seed);
        long generated = 0;
        int maxDepth = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long nextProgress = start + progressEveryNanos;
        for (int w = 0; w < walks; w++) {
            long now = clock.getAsLong();
            if (now - start > budget.timeLimit().toNanos()) {
                return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1,
                        new Stats(generated, seen.size(), maxDepth, clock.getAsLong() - start), "time limit after " + w + " random walks");
            }
            if (progress != null && now >= nextProgress) {
                progress.onProgress(new Stats(generated, seen.size(), maxDepth, now - start), w, walks);
                nextProgress = now + progressEveryNanos;
            }
            int[] s = system.initialState();
            if (seen.size() < DISTINCT_LIMIT) {
                seen.add(fingerprint(s));
            }
            Failure f = system.checkState(s);
            int[] sched = new int[Math.min(depth, 1024)];
            int n = 0;
            while (f == null && n < depth) {
                Collect c = new Collect();
                system.expand(-1, s, c);
                if (c.stateFailure != null) {
                    f = c.stateFailure;
                    break;
                }
                if (c.moves.isEmpty()) {
                    break;
                }
                Move m = c.moves.get(rnd.nextInt(c.moves.size()));
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
                int[] shrunk = shrink(Arrays.copyOf(sched, n), f);
                return new SearchResult(SearchResult.Status.FAILED, replay(shrunk).failure(), shrunk, -1,
                        new Stats(generated, seen.size(), maxDepth, clock.getAsLong() - start), null);
            }
        }
        return new SearchResult(SearchResult.Status.INCOMPLETE, null, new int[0], -1,
                new Stats(generated, seen.size(), maxDepth, clock.getAsLong() - start),
                walks + " random walks of at most " + depth + " steps found nothing (random search is never exhaustive)");
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
        int[] cur = schedule;
        int chunks = 2;
        while (cur.length >= 2) {
            int size = (int) Math.ceil(cur.length / (double) chunks);
            boolean reduced = false;
            for (int startAt = 0; startAt < cur.length; startAt += size) {
                int[] cand = new int[cur.length - Math.min(size, cur.length - startAt)];
                System.arraycopy(cur, 0, cand, 0, startAt);
                System.arraycopy(cur, Math.min(cur.length, startAt + size), cand, startAt, cur.length - Math.min(cur.length, startAt + size));
                Replay r = replay(cand);
                if (r.valid() && same(r.failure(), target)) {
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
