package org.migcheck.checker.engine;

/**
 * The 64-bit fingerprint of a packed state vector. The visited set uses it only to find candidate
 * slots and to decide which partition owns a state; equal fingerprints of different vectors are
 * resolved by comparing the full vectors, so any function (even a constant one, which tests use to
 * force collisions) gives the same search, only slower.
 */
@FunctionalInterface
public interface Fingerprint {
    long of(long[] words, int offset, int count);

    /** A 64-bit mix of the packed words (splitmix64 finaliser per word). */
    Fingerprint DEFAULT = (w, off, n) -> {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < n; i++) {
            h ^= w[off + i];
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
            h *= 0x94D049BB133111EBL;
            h ^= h >>> 29;
        }
        return h;
    };
}
