package org.migcheck.checker.run;

/**
 * Memory held by one check's search structures, filled in by {@link Checker#check(org.migcheck.model.lang.Model,
 * org.migcheck.properties.RuleSet, Options, Footprint)} for the benchmark: the visited set (packed
 * vectors, parent links, hash table), the liveness graph, and the per-state thread masks the
 * stuck-thread analysis reads. Allocated capacity, not live data: what the heap really holds.
 */
public final class Footprint {
    long storeBytes;
    long graphBytes;
    long maskBytes;
    long retainedPeakBytes = -1;
    long retainedBoundBytes;
    long heapAfterGc = -1;
    boolean probeHeap;
    /** Ends a spread search on its owners once the result is built (they hold the older states till then). */
    Runnable close;

    /** Also measure the used heap after a full GC right after the search, while its structures are live. */
    public Footprint probeHeap() {
        probeHeap = true;
        return this;
    }

    /**
     * A search spread over processes: the most bytes of packed vectors and parent links this process
     * held at once (it keeps the level being expanded and the one being built); -1 when not spread.
     */
    public long retainedPeakBytes() { return retainedPeakBytes; }

    /** The bound {@link #retainedPeakBytes()} keeps: (widest two consecutive levels + 2 pages) x bytes per state. */
    public long retainedBoundBytes() { return retainedBoundBytes; }

    /** Used heap after a full GC right after the search ({@link #probeHeap()}), or -1. */
    public long heapAfterGc() { return heapAfterGc; }

    public long storeBytes() { return storeBytes; }

    public long graphBytes() { return graphBytes; }

    public long maskBytes() { return maskBytes; }

    public long total() { return storeBytes + graphBytes + maskBytes; }
}
