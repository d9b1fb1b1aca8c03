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

    public long storeBytes() { return storeBytes; }

    public long graphBytes() { return graphBytes; }

    public long maskBytes() { return maskBytes; }

    public long total() { return storeBytes + graphBytes + maskBytes; }
}
