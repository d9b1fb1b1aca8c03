package org.migcheck.checker.engine;

/**
 * How the breadth-first search reaches the owners of the visited set's partitions.
 *
 * <p>{@link LevelSearch} decides the partitions this process owns itself, exactly as before (no
 * copy, no serialisation: {@link #IN_PROCESS} owns them all and is the default). A partition owned
 * by another process is decided there: in the <i>own</i> phase of a wave the search sends that
 * partition's candidates (fingerprint and packed vector, in (block, generation) order) to its owner,
 * which answers for each one "already stored with id i", "new" or "equal to the new candidate k of
 * this batch"; after the sequential merge has given the new states their ids, a separate
 * <i>resolve</i> round (the swap round) sends the owner those ids and the parent ids, in the same
 * order. Both rounds end only when every owner has answered, so they are the level search's
 * barriers; the wave's ids, hence the whole search, do not depend on where a partition lives.
 *
 * <p>An implementation that loses an owner or a message throws {@link Lost}; the search then ends
 * INCOMPLETE with its message, never with a verdict.
 */
public interface Transport {
    /** Whether this process decides partition {@code p} itself (in its own {@link PackedStore}). */
    boolean local(int p);

    /**
     * The own round: for every remote partition p with {@code batches[p] != null}, send the batch to
     * p's owner and fill {@code batches[p].result}. Returns when all answers are in.
     */
    void own(Batch[] batches);

    /** The resolve (swap) round: the ids and parents of the batches' new candidates, to their owners. */
    void resolve(Batch[] batches);

    /** Whether the owner of {@code fp}'s partition (a remote one) stores the packed state {@code words}. */
    boolean contains(long fp, long[] words);

    /**
     * State {@code id} as its remote owner stores it: {@code {parent id, packed word 0, word 1, ...}},
     * or null when no remote owner stores a state with that id. Owners are asked in turn; within a
     * partition ids grow in the order states were stored, so an owner finds one by binary search.
     * Counterexamples are rebuilt from these answers, following parent links across owners.
     */
    long[] byId(int id);

    /** Ends the run on the owners (frees their partitions); never throws. */
    void close();

    /** Opens one search's transport for states of {@code words} packed words. */
    interface Factory {
        Transport open(int words);

        /** A short description for reports ("in-process", "3 processes: ..."). */
        String describe();
    }

    /** Every partition in this process: the plain parallel search. */
    Factory IN_PROCESS = new Factory() {
        @Override public Transport open(int words) {
            return new Transport() {
                @Override public boolean local(int p) { return true; }
                @Override public void own(Batch[] batches) { }
                @Override public void resolve(Batch[] batches) { }
                @Override public boolean contains(long fp, long[] w) { throw new IllegalStateException("no remote partition"); }
                @Override public long[] byId(int id) { throw new IllegalStateException("no remote partition"); }
                @Override public void close() { }
            };
        }

        @Override public String describe() { return "in-process"; }
    };

    /**
     * One partition's candidates of one wave. {@code fps[i]} and {@code words[i * w .. (i + 1) * w)}
     * are candidate i; the owner fills {@code result[i]}: the stored id (>= 0), {@link #NEW}, or
     * {@code -(k + 2)} when it equals the k-th candidate of this batch answered {@link #NEW}. The
     * search then fills {@code ids[k]} and {@code parents[k]} for the k-th new one.
     */
    final class Batch {
        public static final int NEW = -1;
        public final int partition;
        public int n;
        public long[] fps = new long[16];
        public long[] words;
        public int[] result = new int[16];
        public int fresh;
        public int[] ids = new int[16];
        public int[] parents = new int[16];
        /** Where candidate i came from in the wave (the search's own bookkeeping, not sent). */
        int[] block = new int[16];
        int[] cand = new int[16];
        /** Candidate index of the k-th new one (not sent). */
        int[] freshAt = new int[16];

        public Batch(int partition, int wordsPerState) {
            this.partition = partition;
            this.words = new long[16 * wordsPerState];
        }

        void clear() {
            n = 0;
            fresh = 0;
        }

        void add(long fp, long[] src, int off, int w, int blk, int c) {
            if (n == fps.length) {
                int m = n * 2;
                fps = java.util.Arrays.copyOf(fps, m);
                result = java.util.Arrays.copyOf(result, m);
                block = java.util.Arrays.copyOf(block, m);
                cand = java.util.Arrays.copyOf(cand, m);
                words = java.util.Arrays.copyOf(words, m * w);
            }
            fps[n] = fp;
            System.arraycopy(src, off, words, n * w, w);
            block[n] = blk;
            cand[n] = c;
            n++;
        }

        void addFresh(int i) {
            if (fresh == freshAt.length) {
                int m = fresh * 2;
                freshAt = java.util.Arrays.copyOf(freshAt, m);
                ids = java.util.Arrays.copyOf(ids, m);
                parents = java.util.Arrays.copyOf(parents, m);
            }
            freshAt[fresh++] = i;
        }
    }

    /** A lost owner or message: the run cannot be completed. */
    final class Lost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Lost(String message) { super(message); }
    }
}
