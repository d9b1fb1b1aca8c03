package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.Catalogue;

/** What {@code replay --against} counts as the same step in two models: {@link Replayer#sameRow}. */
class SameRowTest {
    private static final Model M = ScenarioRunner.build(Catalogue.find("philosophers"), "circular", java.util.Map.of());

    private static Trace.Row row(int thread, String label, String outcome, String failure, Trace.Change... writes) {
        return new Trace.Row(thread, label, List.of(writes), failure, outcome);
    }

    @Test
    void stepOutcomeChangesAndFailureCountWhatAStepReadsDoesNot() {
        Trace.Change held = new Trace.Change("fork0", "held by phil0", false);
        Trace.Row base = row(0, "mutex_lock(fork0)", null, null, held);
        assertTrue(Replayer.sameRow(M, base, M, row(0, "mutex_lock(fork0)", null, null, held)));
        // an explanation in brackets after the label, with brackets inside
        assertTrue(Replayer.sameRow(M, row(0, "f(x) [case 2 [v1]: false]", null, null), M, row(0, "f(x) [case 2 [v2]: off]", null, null)));
        assertEquals("f(x)", Replayer.label(row(0, "f(x) [case [a] b]", "-> taken", null)));
        // what a step reads (its outcome, as Trace writes it): a variable only one side reads is no difference, one both
        // read with other values is
        assertTrue(Replayer.sameRow(M, row(0, "iso(n)", "[reads a=clear, b=clear]", null), M, row(0, "iso(n)", null, null)));
        assertTrue(Replayer.sameRow(M, row(0, "iso(n)", "[reads a=clear, b=clear]", null), M, row(0, "iso(n)", "[reads b=clear]", null)));
        assertFalse(Replayer.sameRow(M, row(0, "READ_ONCE(x)", "[reads x=0]", null), M, row(0, "READ_ONCE(x)", "[reads x=1]", null)));
        assertFalse(Replayer.sameRow(M, row(0, "f(x)", "[reads x=held by t1, t2]", null), M, row(0, "f(x)", "[reads x=held by t1]", null)));
        assertFalse(Replayer.sameRow(M, row(0, "trylock(a)", "-> taken", null), M, row(0, "trylock(a)", "[reads a=free]", null)));
        assertEquals(java.util.Map.of("x", "held by t1, t2", "y", "0"), Replayer.reads("[reads x=held by t1, t2, y=0]"));
        // but not another thread, step, outcome, change or failure
        assertFalse(Replayer.sameRow(M, base, M, row(1, "mutex_lock(fork0)", null, null, held)));
        assertFalse(Replayer.sameRow(M, base, M, row(0, "mutex_lock(fork1)", null, null, held)));
        assertFalse(Replayer.sameRow(M, row(0, "trylock(fork0)", "-> taken", null), M, row(0, "trylock(fork0)", "-> failed, held by phil1", null)));
        assertFalse(Replayer.sameRow(M, base, M, row(0, "mutex_lock(fork0)", null, null, new Trace.Change("fork0", "held by phil1", false))));
        assertFalse(Replayer.sameRow(M, base, M, row(0, "mutex_lock(fork0)", null, null)));
        assertFalse(Replayer.sameRow(M, row(0, "BUG_ON(x)", null, "x is set"), M, row(0, "BUG_ON(x)", null, null)));
    }
}
