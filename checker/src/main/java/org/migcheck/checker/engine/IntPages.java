package org.migcheck.checker.engine;

import java.util.Arrays;

/**
 * A list of ints in pages (2^20 ints, 4 MiB each, unless the constructor says otherwise), indexed by
 * a long: it grows without copying its contents (only the small page directory doubles) and without
 * a fixed cap, so only the heap bounds it. The stuck-thread graphs append their transitions and
 * expansion order to it; the per-state thread masks are written at the index of their state.
 */
public final class IntPages {
    private final int pageBits;
    private final int page;
    private final int mask;

    private int[][] pages = new int[16][];
    private long size;

    public IntPages() { this(20); }

    /** Pages of 2^{@code pageBits} ints. */
    public IntPages(int pageBits) {
        if (pageBits < 4 || pageBits > 26) {
            throw new IllegalArgumentException("page bits " + pageBits);
        }
        this.pageBits = pageBits;
        this.page = 1 << pageBits;
        this.mask = page - 1;
    }

    /** Appends {@code v} at index {@link #size()}. */
    public void add(int v) {
        int pg = (int) (size >>> pageBits);
        if (pg == pages.length) {
            pages = Arrays.copyOf(pages, pg * 2);
        }
        if (pages[pg] == null) {
            pages[pg] = new int[page];
        }
        pages[pg][(int) (size & mask)] = v;
        size++;
    }

    /**
     * Makes the size at least {@code n}, the new ints 0. Only pages are allocated, nothing is copied;
     * afterwards {@link #set} may be called from several threads for distinct indices below {@code n}
     * (the caller publishes this call to them, as the search's barriers do).
     */
    public void growTo(long n) {
        if (n <= size) {
            return;
        }
        int last = (int) ((n - 1) >>> pageBits);
        if (last >= pages.length) {
            pages = Arrays.copyOf(pages, Math.max(pages.length * 2, last + 1));
        }
        for (int pg = (int) (size >>> pageBits); pg <= last; pg++) {
            if (pages[pg] == null) {
                pages[pg] = new int[page];
            }
        }
        size = n;
    }

    /** Replaces the int at {@code i}, {@code 0 <= i < size()}. */
    public void set(long i, int v) {
        pages[(int) (i >>> pageBits)][(int) (i & mask)] = v;
    }

    /** The int at {@code i}, {@code 0 <= i < size()}. */
    public int get(long i) {
        return pages[(int) (i >>> pageBits)][(int) (i & mask)];
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
