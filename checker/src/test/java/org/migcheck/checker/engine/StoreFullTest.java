package org.migcheck.checker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * A visited set's own limits (a hash table partition of 2^30 slots, 2^31 states) are reported as such, not as the heap
 * running out (a review read the code: every search said "the JVM's heap limit (out of memory)" for them). They are far
 * beyond a test's heap, so the limit is met at the table's growth, where it is decided.
 */
class StoreFullTest {
    @Test
    void aFullPartitionIsTheVisitedSetsCapacity() {
        // a partition of 2^30 slots three-quarters used cannot double in an int-indexed array
        StoreFull full = assertThrows(StoreFull.class, () -> PackedStore.grownLength(1 << 30, 3 << 28, 1));
        assertEquals("hash table partition full", full.getMessage());
        assertEquals("the visited set's capacity (hash table partition full), not the heap", StoreFull.limitText(full));
        assertEquals("the JVM's heap limit (out of memory)", StoreFull.limitText(new OutOfMemoryError("Java heap space")));
        // below the limit it grows as before: 3/4 full doubles
        assertEquals(1 << 11, PackedStore.grownLength(1 << 10, 768, 1));
    }
}
