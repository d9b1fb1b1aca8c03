package org.migcheck.checker.engine;

import java.util.Arrays;

/**
 * The owner's side of {@link Transport}: the visited-set partitions one process decides for a search
 * that runs elsewhere. Each owned partition is an exact set (an open-addressing table of {@code tag
 * << 32 | (index + 1)} next to the packed vectors, compared in full after a tag match), with the
 * search's id and parent link of every state.
 *
 * <p>A wave's own round appends the unknown candidates as <i>pending</i> (indices from {@code
 * pendingFrom}); the resolve round gives them their ids. Calls for different partitions may run
 * concurrently; calls for one partition must not (the search sends one message per partition per
 * round and waits for all answers before the next round).
 */
public final class PartitionOwner {
    private final int words;
    private final Part[] parts = new Part[PackedStore.PARTITIONS];

    /** Owns the partitions {@code p} with {@code owned[p]}; states are {@code words} packed longs. */
    public PartitionOwner(int words, boolean[] owned) {
        if (words < 1 || owned.length != PackedStore.PARTITIONS) {
            throw new IllegalArgumentException("bad partition layout: " + words + " words, " + owned.length + " partitions");
        }
        this.words = words;
        for (int p = 0; p < owned.length; p++) {
            if (owned[p]) {
                parts[p] = new Part(words);
            }
        }
    }

    public int words() { return words; }

    /** Number of partitions of the visited set (the unit of ownership). */
    public static int partitions() { return PackedStore.PARTITIONS; }

    /** The partition of fingerprint {@code fp}. */
    public static int partitionOf(long fp) { return PackedStore.owner(fp); }

    /** States stored (resolved or pending) over all owned partitions. */
    public long size() {
        long n = 0;
        for (Part p : parts) {
            n += p == null ? 0 : p.size;
        }
        return n;
    }

    /** Bytes held: vectors, ids, parents and tables (allocated capacity). */
    public long bytes() {
        long b = 0;
        for (Part p : parts) {
            if (p != null) {
                b += p.bytes();
            }
        }
        return b;
    }

    private Part part(int p) {
        Part part = p >= 0 && p < parts.length ? parts[p] : null;
        if (part == null) {
            throw new IllegalStateException("partition " + p + " is not owned here");
        }
        return part;
    }

    /**
     * The own round for partition {@code p}: {@code n} candidates from index {@code at}, fingerprints
     * {@code fps[at + i]} and vectors {@code vec[(at + i) * words ..]}, in the search's order; fills
     * {@code result[at + i]} as {@link Transport.Batch} says.
     */
    public void own(int p, int n, long[] fps, long[] vec, int at, int[] result) {
        Part part = part(p);
        if (part.pendingFrom != part.size) {
            throw new IllegalStateException("partition " + p + ": an own round before the previous one was resolved");
        }
        part.reserve(n);
        for (int i = at; i < at + n; i++) {
            int found = part.find(fps[i], vec, i * words);
            if (found < 0) {
                part.insert(fps[i], vec, i * words);
                result[i] = Transport.Batch.NEW;
            } else if (found < part.pendingFrom) {
                result[i] = part.id(found);
            } else {
                result[i] = -(found - part.pendingFrom + 2);
            }
        }
    }

    /** The resolve round for partition {@code p}: ids and parents of the {@code fresh} new states, in order, from {@code at}. */
    public void resolve(int p, int fresh, int[] ids, int[] parents, int at) {
        Part part = part(p);
        if (part.size - part.pendingFrom != fresh) {
            throw new IllegalStateException("partition " + p + ": " + fresh + " ids for " + (part.size - part.pendingFrom) + " new states");
        }
        for (int k = 0; k < fresh; k++) {
            part.setId(part.pendingFrom + k, ids[at + k]);
            part.setParent(part.pendingFrom + k, parents[at + k]);
        }
        part.pendingFrom = part.size;
    }

    /** Whether the state is stored with an id (pending ones are not yet visited). */
    public boolean contains(long fp, long[] vec) {
        Part part = part(PackedStore.owner(fp));
        int at = part.find(fp, vec, 0);
        return at >= 0 && at < part.pendingFrom;
    }

    /**
     * State {@code id}, if an owned partition stores it: {@code {parent, word 0, word 1, ...}}, else
     * null. A partition's resolved ids grow with their index (the search gives ids in the order its
     * merge meets the partition's new states, which is the order they were inserted), so each
     * partition is searched by bisection.
     */
    public long[] byId(int id) {
        for (Part part : parts) {
            if (part == null) {
                continue;
            }
            int at = part.indexOf(id);
            if (at >= 0) {
                long[] out = new long[words + 1];
                out[0] = part.parent(at);
                part.words(at, out, 1);
                return out;
            }
        }
        return null;
    }

    /**
     * One owned partition: states in insertion order, in pages of {@link #PAGE} (vectors, ids,
     * parents), so growth never copies and never holds spare capacity beyond one page; the hash
     * table maps {@code tag << 32 | (index + 1)}.
     */
    private static final class Part {
        static final int PAGE_BITS = 10;
        static final int PAGE = 1 << PAGE_BITS;
        final int words;
        long[] table = new long[1 << 8];
        int used;
        long[][] vec = new long[4][];
        int[][] id = new int[4][];
        int[][] parent = new int[4][];
        int size;
        int pendingFrom;

        Part(int words) { this.words = words; }

        long bytes() {
            long b = (long) table.length * 8;
            for (int pg = 0; pg < vec.length && vec[pg] != null; pg++) {
                b += (long) vec[pg].length * 8 + (long) PAGE * 8;
            }
            return b;
        }

        int id(int at) { return id[at >>> PAGE_BITS][at & (PAGE - 1)]; }

        void setId(int at, int v) { id[at >>> PAGE_BITS][at & (PAGE - 1)] = v; }

        int parent(int at) { return parent[at >>> PAGE_BITS][at & (PAGE - 1)]; }

        void setParent(int at, int v) { parent[at >>> PAGE_BITS][at & (PAGE - 1)] = v; }

        /** Copies state {@code at}'s words to {@code out[off ..)}. */
        void words(int at, long[] out, int off) {
            System.arraycopy(vec[at >>> PAGE_BITS], (at & (PAGE - 1)) * words, out, off, words);
        }

        /** The index of the resolved state with id {@code want} (ids grow with the index), or -1. */
        int indexOf(int want) {
            int lo = 0;
            int hi = pendingFrom - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int v = id(mid);
                if (v < want) {
                    lo = mid + 1;
                } else if (v > want) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -1;
        }

        int find(long fp, long[] buf, int off) {
            int m = table.length - 1;
            int tag = (int) (fp >>> 32);
            for (int slot = tag & m; ; slot = (slot + 1) & m) {
                long e = table[slot];
                if (e == 0) {
                    return -1;
                }
                if ((int) (e >>> 32) == tag) {
                    int at = (int) e - 1;
                    int base = (at & (PAGE - 1)) * words;
                    if (Arrays.equals(vec[at >>> PAGE_BITS], base, base + words, buf, off, off + words)) {
                        return at;
                    }
                }
            }
        }

        void insert(long fp, long[] buf, int off) {
            int at = size++;
            int pg = at >>> PAGE_BITS;
            if (pg == vec.length) {
                vec = Arrays.copyOf(vec, pg * 2);
                id = Arrays.copyOf(id, pg * 2);
                parent = Arrays.copyOf(parent, pg * 2);
            }
            if (vec[pg] == null) {
                vec[pg] = new long[PAGE * words];
                id[pg] = new int[PAGE];
                parent[pg] = new int[PAGE];
            }
            System.arraycopy(buf, off, vec[pg], (at & (PAGE - 1)) * words, words);
            PackedStore.place(table, (fp & 0xFFFFFFFF00000000L) | (at + 1L));
            used++;
        }

        void reserve(int extra) {
            int n = PackedStore.grownLength(table.length, used, extra);
            if (n == table.length) {
                return;
            }
            long[] nt = new long[n];
            for (long e : table) {
                if (e != 0) {
                    PackedStore.place(nt, e);
                }
            }
            table = nt;
        }
    }
}
