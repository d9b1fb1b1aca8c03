package org.migcheck.checker.engine;

import java.util.Arrays;

/**
 * The visited set and the search tree: every distinct state packed into a few 64-bit words (each
 * slot gets just the bits its declared domain needs), its 64-bit fingerprint, its parent and the
 * label that first reached it.
 *
 * <p>Lookups compare the full packed vector after a fingerprint match, so two distinct states are
 * never merged: the visited set is exact, not a hash compaction.
 */
final class StateStore {
    private final int[] slotMin;
    private final int[] shift;
    private final int[] word;
    private final long[] mask;
    private final int words;

    private long[] data = new long[1 << 12];
    private long[] fps = new long[1 << 10];
    private int[] parent = new int[1 << 10];
    private int[] label = new int[1 << 10];
    private int[] depth = new int[1 << 10];
    private int size;

    private int[] table = new int[1 << 12];
    private int tableMask = table.length - 1;

    StateStore(int[] slotMin, int[] slotMax) {
        int n = slotMin.length;
        this.slotMin = slotMin.clone();
        this.shift = new int[n];
        this.word = new int[n];
        this.mask = new long[n];
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
            mask[i] = bits == 0 ? 0 : (bits == 64 ? -1L : (1L << bits) - 1);
            bit += bits;
        }
        this.words = Math.max(1, bit == 0 && w > 0 ? w : w + 1);
        Arrays.fill(table, -1);
    }

    int words() { return words; }

    int size() { return size; }

    /** Bytes used by the store's arrays (for statistics). */
    long bytes() {
        return (long) data.length * 8 + (long) fps.length * 8 + (long) parent.length * 12 + (long) table.length * 4;
    }

    private void pack(int[] s, long[] out, int off) {
        for (int i = 0; i < s.length; i++) {
            long v = (long) s[i] - slotMin[i];
            if (v < 0 || v > mask[i]) {
                throw new IllegalStateException("slot " + i + " holds " + s[i] + ", outside its declared domain");
            }
            out[off + word[i]] |= v << shift[i];
        }
    }

    int[] get(int id) {
        int[] s = new int[slotMin.length];
        int off = id * words;
        for (int i = 0; i < s.length; i++) {
            s[i] = (int) ((data[off + word[i]] >>> shift[i]) & mask[i]) + slotMin[i];
        }
        return s;
    }

    int parent(int id) { return parent[id]; }
    int label(int id) { return label[id]; }
    int depth(int id) { return depth[id]; }

    private static long fingerprint(long[] w, int off, int n) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < n; i++) {
            h ^= w[off + i];
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
            h *= 0x94D049BB133111EBL;
            h ^= h >>> 29;
        }
        return h;
    }

    private final long[] scratch = new long[64];

    /**
     * Adds {@code s} if it is new. Returns its id, or {@code -(id + 1)} of the stored copy when it
     * was already there.
     */
    int addIfAbsent(int[] s, int parentId, int viaLabel, int atDepth) {
        long[] buf = words <= scratch.length ? scratch : new long[words];
        Arrays.fill(buf, 0, words, 0L);
        pack(s, buf, 0);
        long fp = fingerprint(buf, 0, words);
        int slot = (int) (fp ^ (fp >>> 32)) & tableMask;
        while (true) {
            int id = table[slot];
            if (id < 0) {
                break;
            }
            if (fps[id] == fp && equalsStored(id, buf)) {
                return -(id + 1);
            }
            slot = (slot + 1) & tableMask;
        }
        int id = size++;
        ensure(id);
        System.arraycopy(buf, 0, data, id * words, words);
        fps[id] = fp;
        parent[id] = parentId;
        label[id] = viaLabel;
        depth[id] = atDepth;
        table[slot] = id;
        if (size * 2 > table.length) {
            rehash();
        }
        return id;
    }

    /** Whether {@code s} is stored (a lookup that adds nothing; used by the reductions' cycle proviso). */
    boolean contains(int[] s) {
        long[] buf = new long[words];
        pack(s, buf, 0);
        long fp = fingerprint(buf, 0, words);
        int slot = (int) (fp ^ (fp >>> 32)) & tableMask;
        while (true) {
            int id = table[slot];
            if (id < 0) {
                return false;
            }
            if (fps[id] == fp && equalsStored(id, buf)) {
                return true;
            }
            slot = (slot + 1) & tableMask;
        }
    }

    private boolean equalsStored(int id, long[] buf) {
        int off = id * words;
        for (int i = 0; i < words; i++) {
            if (data[off + i] != buf[i]) {
                return false;
            }
        }
        return true;
    }

    private void ensure(int id) {
        if (id >= fps.length) {
            int n = fps.length * 2;
            fps = Arrays.copyOf(fps, n);
            parent = Arrays.copyOf(parent, n);
            label = Arrays.copyOf(label, n);
            depth = Arrays.copyOf(depth, n);
        }
        long need = (long) (id + 1) * words;
        if (need > data.length) {
            long n = Math.max(need, (long) data.length * 2);
            if (n > Integer.MAX_VALUE - 8) {
                throw new StoreFull("state store full");
            }
            data = Arrays.copyOf(data, (int) n);
        }
    }

    private void rehash() {
        table = new int[table.length * 2];
        tableMask = table.length - 1;
        Arrays.fill(table, -1);
        for (int id = 0; id < size; id++) {
            long fp = fps[id];
            int slot = (int) (fp ^ (fp >>> 32)) & tableMask;
            while (table[slot] >= 0) {
                slot = (slot + 1) & tableMask;
            }
            table[slot] = id;
        }
    }

    /** Labels from the initial state to {@code id}. */
    int[] scheduleTo(int id) {
        int n = depth[id];
        int[] out = new int[n];
        int cur = id;
        for (int i = n - 1; i >= 0; i--) {
            out[i] = label[cur];
            cur = parent[cur];
        }
        return out;
    }
}
