package org.migcheck.checker.engine;

import java.util.Arrays;

/**
 * A list of longs in pages of 2^17 (1 MiB each), indexed by an int, written at any index below its
 * size: it grows without copying its contents (only the small page directory doubles) and without a
 * fixed cap. The per-state thread masks of the stuck-thread analysis live in one, a state's two
 * masks in one long, so that the analysis reads a successor's with one load.
 */
public final class LongPages {
    private static final int PAGE_BITS = 17;
    private static final int PAGE = 1 << PAGE_BITS;

    private long[][] pages = new long[16][];
    private int size;

    /**
     * Makes the size at least {@code n}, the new longs 0. Only pages are allocated, nothing is
     * copied; afterwards {@link #set} may be called from several threads for distinct indices below
     * {@code n} (the caller publishes this call to them, as the search's barriers do).
     */
    public void growTo(int n) {
        if (n <= size) {
            return;
        }
        int last = (n - 1) >>> PAGE_BITS;
        if (last >= pages.length) {
            pages = Arrays.copyOf(pages, Math.max(pages.length * 2, last + 1));
        }
        for (int pg = size >>> PAGE_BITS; pg <= last; pg++) {
            if (pages[pg] == null) {
                pages[pg] = new long[PAGE];
            }
        }
        size = n;
    }

    /** Replaces the long at {@code i}, {@code 0 <= i < size()}. */
    public void set(int i, long v) {
        pages[i >>> PAGE_BITS][i & (PAGE - 1)] = v;
    }

    /** The long at {@code i}, {@code 0 <= i < size()}. */
    public long get(int i) {
        return pages[i >>> PAGE_BITS][i & (PAGE - 1)];
    }

    public int size() { return size; }

    /** Bytes of the allocated pages. */
    public long bytes() {
        long b = 0;
        for (long[] p : pages) {
            b += p == null ? 0 : (long) p.length * Long.BYTES;
        }
        return b;
    }
}
