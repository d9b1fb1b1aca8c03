package org.migcheck.checker.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Packing a successor as a change of its parent's words gives the words a full pack gives. */
class PackedStoreTest {

    @Test
    void deltaPackingEqualsFullPacking() {
        Random rnd = new Random(7);
        for (int round = 0; round < 2000; round++) {
            int n = 1 + rnd.nextInt(70);
            int[] min = new int[n];
            int[] max = new int[n];
            for (int i = 0; i < n; i++) {
                min[i] = rnd.nextInt(5) - 2;
                max[i] = min[i] + (rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(rnd.nextBoolean() ? 3 : 70000));
            }
            PackedStore store = new PackedStore(min, max, Fingerprint.DEFAULT);
            int[] parent = random(rnd, min, max);
            int[] next = parent.clone();
            for (int k = rnd.nextInt(n + 1); k > 0; k--) {
                int i = rnd.nextInt(n);
                next[i] = min[i] + rnd.nextInt(max[i] - min[i] + 1);
            }
            int w = store.words();
            long[] pw = new long[w + 3];
            store.pack(parent, pw, 3);
            long[] full = new long[w];
            store.pack(next, full, 0);
            long[] delta = new long[w + 1];
            Arrays.fill(delta, -1L); // stale contents must not leak into the result
            store.packDelta(parent, pw, 3, next, delta, 1);
            assertArrayEquals(full, Arrays.copyOfRange(delta, 1, w + 1), "round " + round);
            int[] back = new int[n];
            store.unpack(delta, 1, back);
            assertArrayEquals(next, back, "round " + round);
        }
    }

    @Test
    void deltaPackingRejectsAValueOutsideItsDomain() {
        PackedStore store = new PackedStore(new int[] {0, 0}, new int[] {3, 1}, Fingerprint.DEFAULT);
        long[] pw = new long[store.words()];
        store.pack(new int[] {1, 1}, pw, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> store.packDelta(new int[] {1, 1}, pw, 0, new int[] {4, 1}, new long[store.words()], 0));
        assertEquals("slot 0 holds 4, outside its declared domain", e.getMessage());
    }

    private static int[] random(Random rnd, int[] min, int[] max) {
        int[] s = new int[min.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = min[i] + rnd.nextInt(max[i] - min[i] + 1);
        }
        return s;
    }
}
