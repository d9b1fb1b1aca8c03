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
    long ownedBytes;
    long vectorBytes;
    long heapAfterGc = -1;
    boolean probeHeap;
    /** Ends a spread search on its owners once the result is built (they hold the older states till then). */
    Runnable close;

    /** Also measure the heap the search holds: used heap after a full GC right after it, less the same just before it. */
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

    /** Packed vectors and parent links the breadth-first store holds after the search (all of them in one process). */
    public long vectorBytes() { return vectorBytes; }

    /** Spread search: this process's share of the visited set (the partitions it owns, as a member holds its own). */
    public long ownedBytes() { return ownedBytes; }

    /**
     * A re-check's figures, when its result is the one reported (the search without partial-order reduction for a
     * stuck thread, a refused symmetry's plain search): the figures then describe the search the counts come from.
     */
    void takeFrom(Footprint other) {
        storeBytes = other.storeBytes;
        graphBytes = other.graphBytes;
        maskBytes = other.maskBytes;
        retainedPeakBytes = other.retainedPeakBytes;
        retainedBoundBytes = other.retainedBoundBytes;
        ownedBytes = other.ownedBytes;
        vectorBytes = other.vectorBytes;
        heapAfterGc = other.heapAfterGc;
    }

    /** A footprint for a re-check of the search {@code this} measures: it probes the heap if this one does. */
    Footprint forRecheck() {
        Footprint f = new Footprint();
        f.probeHeap = probeHeap;
        return f;
    }

    /** Keeps {@code other}'s heap-after-GC figure (a benchmark probes its warm-up run only). */
    public void copyHeapFrom(Footprint other) { heapAfterGc = other.heapAfterGc; }

    /**
     * The heap the search holds ({@link #probeHeap()}): used heap after a full GC right after the
     * search minus the same just before it (so what earlier work left behind does not count), or -1.
     */
    public long heapAfterGc() { return heapAfterGc; }

    public long storeBytes() { return storeBytes; }

    public long graphBytes() { return graphBytes; }

    public long maskBytes() { return maskBytes; }

    public long total() { return storeBytes + graphBytes + maskBytes; }
}
