package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Budget;

/**
 * Options and budgets a Java API user gets wrong are refused where they are built, naming the value, as the command
 * line's usage errors do. Before, a null strategy searched as none and reported ABBA's deadlock as a livelock (STUCK);
 * a negative state or time limit ended the check INCOMPLETE "at max states -5"; a null time limit or budget threw a
 * NullPointerException from inside the search.
 */
class OptionsValidationTest {
    @Test
    void badValuesAreRefusedWithTheirName() {
        Options d = Options.defaults();
        Map<String, Supplier<Object>> bad = new LinkedHashMap<>();
        bad.put("maxStates must be at least 1, not -5", () -> d.budget().withMaxStates(-5));
        bad.put("maxStates must be at least 1, not 0", () -> d.budget().withMaxStates(0));
        bad.put("maxDepth must be at least 0, not -1", () -> d.budget().withMaxDepth(-1));
        bad.put("timeLimit must be a positive duration, not null", () -> d.budget().withTimeLimit(null));
        bad.put("timeLimit must be a positive duration, not PT-1S", () -> d.budget().withTimeLimit(Duration.ofSeconds(-1)));
        bad.put("timeLimit must be a positive duration, not PT0S", () -> d.budget().withTimeLimit(Duration.ZERO));
        bad.put("maxMemory must be at least 1 byte, not 0", () -> d.budget().withMaxMemory(0));
        bad.put("strategy, budget, symmetry and por must not be null (strategy is)", () -> d.withStrategy(null));
        bad.put("strategy, budget, symmetry and por must not be null (budget is)", () -> d.withBudget(null));
        bad.put("strategy, budget, symmetry and por must not be null (symmetry is)", () -> d.withSymmetry(null));
        bad.put("strategy, budget, symmetry and por must not be null (por is)", () -> d.withPor(null));
        bad.put("walks must be at least 1, not 0", () -> d.withRandom(1, 0));
        bad.put("maxGraphEdges must be at least 0, not -1", () -> d.withMaxGraphEdges(-1));
        bad.put("workers must be at least 1, not 0", () -> d.withWorkers(0));
        for (Map.Entry<String, Supplier<Object>> e : bad.entrySet()) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e.getValue()::get, e.getKey());
            assertEquals(e.getKey(), x.getMessage());
        }
        // the edges that are meant: one state, depth 0 (the initial state only), a nanosecond, no graph edges
        Budget edge = new Budget(1, 0, Duration.ofNanos(1), 1);
        assertEquals(1, edge.maxStates());
        assertEquals(0, d.withMaxGraphEdges(0).maxGraphEdges());
    }
}
