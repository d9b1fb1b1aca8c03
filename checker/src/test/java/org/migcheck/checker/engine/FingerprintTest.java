package org.migcheck.checker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The default fingerprint spreads states over the fingerprints and the partitions: any function gives the same search
 * (full vectors decide), so a fingerprint that ignores a word changes no result, and a review's mutant that dropped the
 * last word made every one-word state collide and the test suite hang instead of fail.
 */
class FingerprintTest {
    @Test
    void everyWordCountsAndThePartitionsAreEvenlyUsed() {
        int n = 20_000;
        for (int words : new int[] {1, 2, 5}) {
            Set<Long> seen = new HashSet<>();
            int[] owners = new int[PackedStore.PARTITIONS];
            for (int i = 0; i < n; i++) {
                long[] v = new long[words];
                v[words - 1] = i; // vectors that differ in their last word only
                long fp = Fingerprint.DEFAULT.of(v, 0, words);
                seen.add(fp);
                owners[PackedStore.owner(fp)]++;
            }
            assertEquals(n, seen.size(), words + " words: colliding fingerprints");
            // 20,000 over 64 partitions: 312.5 each on average, a standard deviation of about 17.5; 8 of them apart
            for (int p = 0; p < owners.length; p++) {
                assertTrue(owners[p] > 170 && owners[p] < 455, words + " words: partition " + p + " holds " + owners[p]);
            }
        }
        // and every word of a longer vector, not only the last
        Set<Long> first = new HashSet<>();
        for (int i = 0; i < n; i++) {
            first.add(Fingerprint.DEFAULT.of(new long[] {i, 0, 0}, 0, 3));
        }
        assertEquals(n, first.size());
    }
}
