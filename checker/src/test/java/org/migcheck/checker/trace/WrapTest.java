package org.migcheck.checker.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How text reports break lines and table cells that do not fit. */
class WrapTest {

    @Test
    void wordsBreakAtSpaces() {
        assertEquals(List.of("mutex_lock(A) then", "mutex_lock(B)"), TextRenderer.wrap("mutex_lock(A) then mutex_lock(B)", 20));
    }

    @Test
    void anIdentifierLongerThanTheLineBreaksBetweenItsParts() {
        // 40 characters in a 24-column cell: after the last '_' that fits, not in the middle of a part
        List<String> lines = TextRenderer.wrap("i_rwsem_of_a_very_long_named_lock:", 24);
        assertEquals(List.of("i_rwsem_of_a_very_long_", "named_lock:"), lines);
        assertEquals(List.of("inode->i_rwsem_of_a_", "long_named_lock"), TextRenderer.wrap("inode->i_rwsem_of_a_long_named_lock", 24));
        assertEquals(List.of("inode->i_", "rwsem"), TextRenderer.wrap("inode->i_rwsem", 10)); // the last joint that fits
        assertEquals(List.of("folio_wait_writeback(", "folio0)"), TextRenderer.wrap("folio_wait_writeback(folio0)", 22));
        // no joint in the last two thirds of the line: cut at the width
        assertEquals(List.of("a_bcdefghijklmnopqrs", "tuvwxyz"), TextRenderer.wrap("a_bcdefghijklmnopqrstuvwxyz", 20));
        for (String line : TextRenderer.wrap("kworker/u16:3-events_unbound.migration/0->i_rwsem", 12)) {
            assertTrue(line.length() <= 12, line);
        }
    }
}
