package org.migcheck.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.trace.Trace;

/** How {@code replay --against} prints one model's row of the first step that differs. */
class ReplayRowTextTest {
    @Test
    void aRowWithItsChangesItsFailureOrNone() {
        List<Trace.Row> rows = List.of(
                new Trace.Row(0, "mutex_lock(fork0)", List.of(new Trace.Change("fork0", "held by phil0", false)), null, null),
                new Trace.Row(1, "trylock(fork1)", List.of(), null, "-> failed, held by phil0"),
                new Trace.Row(0, "BUG_ON(x)", List.of(), "x is set", null));
        assertEquals("mutex_lock(fork0) | fork0: held by phil0", ReplayCmd.rowText(rows, 1));
        assertEquals("trylock(fork1) -> failed, held by phil0", ReplayCmd.rowText(rows, 2));
        assertEquals("BUG_ON(x) | fails: x is set", ReplayCmd.rowText(rows, 3));
        assertEquals("(no step 4: the schedule stopped before it)", ReplayCmd.rowText(rows, 4));
    }
}
