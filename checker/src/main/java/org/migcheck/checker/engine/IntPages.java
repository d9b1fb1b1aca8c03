package org.migcheck.checker.engine;

import java.util.Arrays;

/**
 * An append-only list of ints in pages of 2^20 (4 MiB each), indexed by a long: it grows without
 * copying its contents (only the small page directory doubles) and without a fixed cap, so only
 * the heap bounds it. The stuck-thread graphs keep their transitions and expansion order in it.
 */
public final class IntPages {
    private static final int PAGE_BITS = 20;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int MASK = PAGE - 1;

    private int[][] pages = new int[16][];
    private long size;

    /** Appends {@code v} at index {@link #size()}. */
    public void add(int v) {
        int pg = (int) (size >>> PAGE_BITS);
        if (pg == pages.length) {
            pages = Arrays.copyOf(pages, pg * 2);
        }
        if (pages[pg] == null) {
            pages[pg] = new int[PAGE];
        }
        pages[pg][(int) (size & MASK)] = v;
        size++;
    }

    /** The int at {@code i}, {@code 0 <= i < size()}. */
    public int get(long i) {
        return pages[(int) (i >>> PAGE_BITS)][(int) (i & MASK)];
    }

    public long size() { return size; }

    /** Bytes of the allocated pages. */
    public long bytes() {
        long b = 0;
        for (int[] p : pages) {
            b += p == null ? 0 : (long) p.length * Integer.BYTES;
        }
        return b;
    }
}
