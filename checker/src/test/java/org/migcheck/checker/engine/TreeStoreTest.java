package org.migcheck.checker.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tree store alone: every appended vector reads back exactly, compares equal to itself and to
 * no other stored vector (checked against a plain map of all vectors), and a successor that changes
 * one leaf interns at most one node per level of the tree.
 */
class TreeStoreTest {

    @Test
    void storedVectorsReadBackAndCompareExactly() {
        Random rnd = new Random(11);
        for (int round = 0; round < 300; round++) {
            int n = 1 + rnd.nextInt(60);
            int[] min = new int[n];
            int[] max = new int[n];
            for (int i = 0; i < n; i++) {
                min[i] = rnd.nextInt(5) - 2;
                max[i] = min[i] + (rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(rnd.nextBoolean() ? 3 : 70000));
            }
            TreeStore store = new TreeStore(min, max, Fingerprint.DEFAULT);
            int w = store.words();
            Map<String, Integer> ids = new HashMap<>();
            List<int[]> vectors = new ArrayList<>();
            int[] s = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = min[i] + rnd.nextInt(max[i] - min[i] + 1);
            }
            for (int k = 0; k < 200; k++) {
                int parent = vectors.isEmpty() ? -1 : rnd.nextInt(vectors.size());
                int[] next = parent < 0 ? s.clone() : vectors.get(parent).clone();
                for (int c = rnd.nextInt(3); c >= 0 && parent >= 0; c--) {
                    int i = rnd.nextInt(n);
                    next[i] = min[i] + rnd.nextInt(max[i] - min[i] + 1);
                }
                long[] buf = new long[w];
                store.pack(next, buf, 0);
                Integer had = ids.get(Arrays.toString(next));
                for (int id = 0; id < store.size(); id++) {
                    assertEquals(had != null && had == id, store.sameAs(id, buf, 0), "round " + round + " state " + id);
                }
                if (had == null) {
                    int id = store.append(buf, 0, parent);
                    ids.put(Arrays.toString(next), id);
                    vectors.add(next);
                    assertEquals(parent, store.parent(id));
                }
            }
            for (int id = 0; id < store.size(); id++) {
                assertArrayEquals(vectors.get(id), store.get(id), "round " + round + " state " + id);
            }
        }
    }

    @Test
    void aOneLeafChangeAddsAtMostOneNodePerLevel() {
        int n = 64;
        int[] min = new int[n];
        int[] max = new int[n];
        Arrays.fill(max, 0xFFFF);
        TreeStore store = new TreeStore(min, max, Fingerprint.DEFAULT);
        int m = store.leaves();
        int levels = 32 - Integer.numberOfLeadingZeros(m - 1); // ceil(log2 m)
        int[] s = new int[n];
        long[] buf = new long[store.words()];
        store.pack(s, buf, 0);
        store.append(buf, 0, -1);
        Random rnd = new Random(3);
        for (int k = 1; k < 500; k++) {
            int before = store.nodes();
            s[rnd.nextInt(n)]++;
            store.pack(s, buf, 0);
            store.append(buf, 0, k - 1);
            // the root pair is stored per state; the levels below it add at most one node each
            assertTrue(store.nodes() - before <= levels - 1, "state " + k + " added " + (store.nodes() - before) + " nodes");
        }
        assertTrue(store.nodes() < 500 * (levels - 1), "some nodes are shared");
    }
}
