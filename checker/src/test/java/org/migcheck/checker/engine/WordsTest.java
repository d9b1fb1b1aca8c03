package org.migcheck.checker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.Problem;

class WordsTest {
    @Test
    void oneIsSingularEverythingElsePlural() {
        assertEquals("1 step", Words.count(1, "step"));
        assertEquals("0 steps", Words.count(0, "step"));
        assertEquals("2 random walks", Words.count(2, "random walk"));
        assertEquals("12345678901 states", Words.count(12_345_678_901L, "state"));
    }

    @Test
    void aDeadlockOfOneThreadSaysThread() {
        assertEquals("deadlock: 1 thread blocked", new Problem.Deadlock(List.of(new Problem.Blocked(0, null))).summary());
        assertEquals("deadlock: 2 threads blocked",
                new Problem.Deadlock(List.of(new Problem.Blocked(0, null), new Problem.Blocked(1, null))).summary());
    }
}
