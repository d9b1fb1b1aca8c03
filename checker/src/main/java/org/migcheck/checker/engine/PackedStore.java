package org.migcheck.checker.engine;

import java.util.Arrays;

/**
 * The visited set of the breadth-first search: every distinct state packed into a few 64-bit words
 * (each slot gets just the bits its declared domain needs) and one parent link, nothing else.
 *
 * <p>Layout per state: {@code words * 8} bytes of packed vector (in pages, so growth never copies the
 * whole store) and 4 bytes of parent id. The depth is not stored (BFS levels are contiguous id
 * ranges, see {@link LevelSearch}), nor the label of the transition that reached the state (it is
 * recomputed by re-expanding the parent when a schedule is needed), nor the fingerprint (the
 * hash table keeps its upper 32 bits as a tag next to the id).
 *
 * <p>The hash table is split into {@link #PARTITIONS} partitions; a state belongs to the partition
 * {@code owner(fingerprint)}. Each partition is an open-addressing table of longs, {@code tag << 32 |
 * (id + 1)}, probed linearly; 0 is an empty slot. During one wave of the search, each partition is
 * written by one worker only (the partition's owner), so inserts need no locks; lookups by other
 * workers happen only while no partition is written. A slot may briefly hold a <em>pending</em>
 * entry (negative low half): a state first generated in the current wave whose id is assigned only
 * when the wave is merged in order.
 *
 * <p>Lookups compare the full packed vector after a tag match, so two distinct states are never
 * merged: the set is exact, not a hash compaction.
 *
 * <p>{@link TreeStore} ({@code --compress}) keeps this class's tables and codec and stores the
 * vectors as shared trees instead of pages; a search picks one of the two when it starts. A method
 * here that reads the pages ({@code data}, {@code parent}) directly must be overridden there.
 */
class PackedStore {
    static final int PARTITIONS = 64;
    private static final int PAGE_BITS = 12;
    static final int PAGE = 1 << PAGE_BITS;

    private final int[] slotMin;
    private final int[] shift;
    private final int[] word;
    private final long[] mask;
    private final int words;
    private final Fingerprint fingerprint;

    private long[][] data = new long[16][];
    private int[][] parent = new int[16][];
    private int size;

    private final long[][] table = new long[PARTITIONS][];
    /**
     * Per-partition counters live {@link #STRIDE} ints apart (a cache line each): the workers owning two
     * partitions update theirs on every insert, and counters sharing a line would bounce between cores.
     */
    private static final int STRIDE = 16;
    /** Entries in partition p's table, at [p * STRIDE]. */
    private final int[] used = new int[PARTITIONS * STRIDE];
    /** Pending entries of each partition: the candidate (block, index) and the table slot. */
    private final int[][] pendBlock = new int[PARTITIONS][];
    private final int[][] pendCand = new int[PARTITIONS][];
    private final int[][] pendSlot = new int[PARTITIONS][];
    /** Pending entries of partition p, at [p * STRIDE]. */
    private final int[] pending = new int[PARTITIONS * STRIDE];

    PackedStore(int[] slotMin, int[] slotMax, Fingerprint fingerprint) {
        int n = slotMin.length;
        this.slotMin = slotMin.clone();
        this.shift = new int[n];
        this.word = new int[n];
        this.mask = new long[n];
        this.fingerprint = fingerprint;
        int w = 0;
        int bit = 0;
        for (int i = 0; i < n; i++) {
            long range = (long) slotMax[i] - slotMin[i];
            int bits = range <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(range);
            if (bits > 32) {
                throw new IllegalArgumentException("slot " + i + " has a domain wider than 32 bits");
            }
            if (bit + bits > 64) {
                w++;
                bit = 0;
            }
            word[i] = w;
            shift[i] = bit;
            mask[i] = bits == 0 ? 0 : (1L << bits) - 1;
            bit += bits;
        }
        this.words = w + 1;
        for (int p = 0; p < PARTITIONS; p++) {
            table[p] = new long[1 << 8];
            pendBlock[p] = new int[64];
            pendCand[p] = new int[64];
            pendSlot[p] = new int[64];
        }
    }

    int words() { return words; }

    /** How vectors are stored: "packed" here, "tree" in {@link TreeStore}. */
    String mode() { return "packed"; }

    int size() { return size; }

    /** Bytes held by the store: packed vectors, parent links and hash tables (allocated capacity). */
    long bytes() {
        long b = 0;
        for (long[] page : data) {
            b += page == null ? 0 : (long) page.length * 8;
        }
        for (int[] page : parent) {
            b += page == null ? 0 : (long) page.length * 4;
        }
        for (long[] t : table) {
            b += (long) t.length * 8;
        }
        return b;
    }

    /**
     * Bytes of packed vectors and parent links held now (allocated pages): all of them in one process,
     * the window of levels a search spread over processes still keeps (see {@link #dropBefore}).
     */
    long pageBytes() {
        long b = 0;
        for (long[] page : data) {
            b += page == null ? 0 : (long) page.length * 8;
        }
        for (int[] page : parent) {
            b += page == null ? 0 : (long) page.length * 4;
        }
        return b;
    }

    /** Bytes one state takes in a page: its packed vector and its parent link. */
    int bytesPerState() { return words * 8 + 4; }

    /**
     * Frees the pages of vectors and parent links that hold only states below {@code id}: a search
     * whose visited set lives at the partitions' owners no longer needs them here (the owners keep
     * every state's vector and parent). The hash tables are not used then and stay empty.
     */
    void dropBefore(int id) {
        for (int pg = 0; pg < id >>> PAGE_BITS && pg < data.length; pg++) {
            data[pg] = null;
            parent[pg] = null;
        }
    }

    /** Whether state {@code id}'s vector and parent are still held here (always, unless {@link #dropBefore} freed it). */
    boolean retains(int id) { return id < size && data[id >>> PAGE_BITS] != null; }

    long fingerprint(long[] buf, int off) { return fingerprint.of(buf, off, words); }

    static int owner(long fp) { return (int) (fp ^ (fp >>> 29)) & (PARTITIONS - 1); }

    /** Packs {@code s} into {@code out[off .. off + words)} (which this method clears first). */
    void pack(int[] s, long[] out, int off) {
        Arrays.fill(out, off, off + words, 0L);
        for (int i = 0; i < s.length; i++) {
            long v = (long) s[i] - slotMin[i];
            if (v < 0 || v > mask[i]) {
                throw new IllegalStateException("slot " + i + " holds " + s[i] + ", outside its declared domain");
            }
            out[off + word[i]] |= v << shift[i];
        }
    }

    /**
     * Packs {@code next} into {@code out[off ..)} given that {@code parent}, packed at {@code
     * pbuf[poff ..)}, differs from it in a few slots: the parent's words are copied and only the slots
     * that differ are rewritten (found with a vectorised {@link Arrays#mismatch}). Same result as
     * {@link #pack(int[], long[], int)}.
     */
    void packDelta(int[] parent, long[] pbuf, int poff, int[] next, long[] out, int off) {
        System.arraycopy(pbuf, poff, out, off, words);
        int n = next.length;
        int i = Arrays.mismatch(parent, next);
        while (i >= 0) {
            long v = (long) next[i] - slotMin[i];
            if (v < 0 || v > mask[i]) {
                throw new IllegalStateException("slot " + i + " holds " + next[i] + ", outside its declared domain");
            }
            int w = off + word[i];
            out[w] = (out[w] & ~(mask[i] << shift[i])) | (v << shift[i]);
            if (++i == n) {
                break;
            }
            int j = Arrays.mismatch(parent, i, n, next, i, n);
            if (j < 0) {
                break;
            }
            i += j;
        }
    }

    void unpack(long[] buf, int off, int[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) ((buf[off + word[i]] >>> shift[i]) & mask[i]) + slotMin[i];
        }
    }

    int[] get(int id) {
        int[] s = new int[slotMin.length];
        get(id, s);
        return s;
    }

    void get(int id, int[] out) {
        long[] page = data[id >>> PAGE_BITS];
        unpack(page, (id & (PAGE - 1)) * words, out);
    }

    /** The packed words of state {@code id}, copied into {@code out[off ..)}. */
    void words(int id, long[] out, int off) {
        System.arraycopy(data[id >>> PAGE_BITS], (id & (PAGE - 1)) * words, out, off, words);
    }

    int slots() { return slotMin.length; }

    int parent(int id) { return parent[id >>> PAGE_BITS][id & (PAGE - 1)]; }

    boolean sameAs(int id, long[] buf, int off) {
        long[] page = data[id >>> PAGE_BITS];
        int base = (id & (PAGE - 1)) * words;
        for (int i = 0; i < words; i++) {
            if (page[base + i] != buf[off + i]) {
                return false;
            }
        }
        return true;
    }

    /** The id of the stored state equal to {@code buf[off..]}, or -1. Only while no partition is written. */
    int find(long fp, long[] buf, int off) {
        long[] t = table[owner(fp)];
        int m = t.length - 1;
        int tag = (int) (fp >>> 32);
        for (int slot = tag & m; ; slot = (slot + 1) & m) {
            long e = t[slot];
            if (e == 0) {
                return -1;
            }
            int v = (int) e;
            if ((int) (e >>> 32) == tag && v > 0 && sameAs(v - 1, buf, off)) {
                return v - 1;
            }
        }
    }

    /**
     * Whether {@code s} is stored: a read-only lookup for the reductions' cycle proviso
     * ({@link TransitionSystem#attach}). Only while no partition is written (the expand phase).
     */
    boolean contains(int[] s) {
        long[] buf = new long[words];
        pack(s, buf, 0);
        return find(fingerprint(buf, 0), buf, 0) >= 0;
    }

    /** Makes room in partition {@code p} for {@code extra} more entries (pending entries may move). */
    void reserve(int p, int extra) {
        long[] t = table[p];
        int n = grownLength(t.length, used[p * STRIDE], extra);
        if (n == t.length) {
            return;
        }
        long[] nt = new long[n];
        for (long e : t) {
            if (e != 0) {
                int slot = place(nt, e);
                int v = (int) e;
                if (v < 0) {
                    pendSlot[p][-v - 1] = slot; // a pending entry moved
                }
            }
        }
        table[p] = nt;
    }

    /**
     * The length of an open-addressing table (a power of two) that holds {@code used + extra} entries at a
     * load of at most 3/4: {@code length} itself when it already does.
     */
    static int grownLength(int length, int used, int extra) {
        if ((long) (used + extra) * 4 <= (long) length * 3) {
            return length;
        }
        long need = (long) (used + extra) * 4 / 3 + 1;
        int n = length;
        while (n < need) {
            if (n >= 1 << 30) {
                throw new StoreFull("hash table partition full");
            }
            n <<= 1;
        }
        return n;
    }

    /**
     * Puts entry {@code e} (fingerprint tag in the high 32 bits) into the first free slot of {@code t} from
     * its tag on (linear probing) and returns that slot.
     */
    static int place(long[] t, long e) {
        int m = t.length - 1;
        int slot = (int) (e >>> 32) & m;
        while (t[slot] != 0) {
            slot = (slot + 1) & m;
        }
        t[slot] = e;
        return slot;
    }

    /**
     * In partition {@code owner(fp)} (written only by the calling worker): the stored state equal
     * to the candidate, as its id (>= 0); or the pending entry equal to it, as {@code -(k + 2)};
     * or -1 after inserting the candidate as pending entry k = the partition's pending count.
     */
    int insertPending(long fp, LevelSearch.Block[] blocks, int block, int cand) {
        int p = owner(fp);
        reserve(p, 1); // grown here, one entry ahead, so the table is sized by the states it holds
        long[] t = table[p];
        int m = t.length - 1;
        int tag = (int) (fp >>> 32);
        LevelSearch.Block b = blocks[block];
        long[] buf = b.words;
        int off = cand * words;
        int slot = tag & m;
        for (; ; slot = (slot + 1) & m) {
            long e = t[slot];
            if (e == 0) {
                break;
            }
            if ((int) (e >>> 32) != tag) {
                continue;
            }
            int v = (int) e;
            if (v > 0) {
                if (sameAs(v - 1, buf, off)) {
                    return v - 1;
                }
            } else {
                int k = -v - 1;
                LevelSearch.Block ob = blocks[pendBlock[p][k]];
                if (Arrays.equals(ob.words, pendCand[p][k] * words, pendCand[p][k] * words + words, buf, off, off + words)) {
                    return -(k + 2);
                }
            }
        }
        int k = pending[p * STRIDE]++;
        if (k == pendBlock[p].length) {
            int n = k * 2;
            pendBlock[p] = Arrays.copyOf(pendBlock[p], n);
            pendCand[p] = Arrays.copyOf(pendCand[p], n);
            pendSlot[p] = Arrays.copyOf(pendSlot[p], n);
        }
        pendBlock[p][k] = block;
        pendCand[p][k] = cand;
        pendSlot[p][k] = slot;
        t[slot] = ((long) tag << 32) | ((-(k + 1)) & 0xFFFFFFFFL);
        used[p * STRIDE]++;
        return -1;
    }

    /**
     * Reads, without changing anything, the table entry where a lookup of {@code fp} starts and, when it
     * names a stored state with the same tag, that state's first word: a pass of these over a batch of
     * candidates has their cache misses overlap, so the exact lookups that follow find the lines loaded.
     */
    long touch(long fp) {
        long[] t = table[owner(fp)];
        int tag = (int) (fp >>> 32);
        long e = t[tag & (t.length - 1)];
        int v = (int) e;
        if ((int) (e >>> 32) == tag && v > 0) {
            int id = v - 1;
            return data[id >>> PAGE_BITS][(id & (PAGE - 1)) * words];
        }
        return e;
    }

    /** The table entry where a lookup of {@code fp} starts ({@link TreeStore#touch}). */
    final long entry(long fp) {
        long[] t = table[owner(fp)];
        return t[(int) (fp >>> 32) & (t.length - 1)];
    }

    int pendingBlock(int p, int k) { return pendBlock[p][k]; }

    int pendingCand(int p, int k) { return pendCand[p][k]; }

    /** Replaces partition {@code p}'s pending entries by the ids the merge gave them. */
    void resolvePending(int p, LevelSearch.Block[] blocks) {
        long[] t = table[p];
        for (int k = 0; k < pending[p * STRIDE]; k++) {
            int id = blocks[pendBlock[p][k]].candId[pendCand[p][k]];
            int slot = pendSlot[p][k];
            t[slot] = (t[slot] & 0xFFFFFFFF00000000L) | (id + 1L);
        }
        pending[p * STRIDE] = 0;
    }

    /** Appends a state (sequential merge only); returns its id. */
    int append(long[] buf, int off, int parentId) {
        int id = extend(1);
        put(id, buf, off, parentId);
        return id;
    }

    /**
     * Whether {@link #extend} and {@link #put} may be used: states stored at ids given out in advance, by
     * several threads at once (the parallel merge). The tree-compressed store appends one at a time.
     */
    boolean placesAnywhere() { return true; }

    /**
     * Makes ids {@code [size, size + count)} valid, their pages allocated, for {@link #put}; returns the
     * first of them. Until each is put, such a state reads as all-zero words with parent 0.
     */
    int extend(int count) {
        int first = size;
        if ((long) first + count >= Integer.MAX_VALUE) {
            throw new StoreFull("more than 2^31 states");
        }
        int end = first + count;
        int last = (end - 1) >>> PAGE_BITS;
        if (count > 0 && last >= data.length) {
            int n = data.length;
            while (n <= last) {
                n *= 2;
            }
            data = Arrays.copyOf(data, n);
            parent = Arrays.copyOf(parent, n);
        }
        for (int pg = first >>> PAGE_BITS; count > 0 && pg <= last; pg++) {
            if (data[pg] == null) {
                data[pg] = new long[PAGE * words];
                parent[pg] = new int[PAGE];
            }
        }
        size = end;
        return first;
    }

    /** Stores a state at an id {@link #extend} made valid; threads may put distinct ids at once. */
    void put(int id, long[] buf, int off, int parentId) {
        int pg = id >>> PAGE_BITS;
        int in = id & (PAGE - 1);
        System.arraycopy(buf, off, data[pg], in * words, words);
        parent[pg][in] = parentId;
    }

    /** Inserts a state appended by {@link #append} into its partition (the root, before any wave). */
    void index(int id, long fp) {
        int p = owner(fp);
        reserve(p, 1);
        place(table[p], (fp & 0xFFFFFFFF00000000L) | (id + 1L));
        used[p * STRIDE]++;
    }
}
