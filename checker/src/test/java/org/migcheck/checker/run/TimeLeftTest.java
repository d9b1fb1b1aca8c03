package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A re-check after a reduced search (the bounded re-shortening of a counterexample, the search
 * without partial-order reduction for a stuck thread or a lock-order cycle) gets what is left of the
 * run's time limit, not the whole limit again (a review measured a check taking the limit plus the
 * reduced search's own time).
 */
class TimeLeftTest {

    @Test
    void aReCheckGetsWhatIsLeftOfTheLimit() {
        Options opts = Options.defaults().withBudget(Options.defaults().budget().withTimeLimit(Duration.ofSeconds(5)));
        long twoSecondsAgo = System.nanoTime() - Duration.ofSeconds(2).toNanos();
        Duration left = Checker.timeLeft(opts, twoSecondsAgo).budget().timeLimit();
        assertTrue(left.compareTo(Duration.ofSeconds(3)) <= 0, left.toString());
        assertTrue(left.compareTo(Duration.ofMillis(2_000)) > 0, "not more than a second went by here: " + left);
        // everything else of the options stays
        assertEquals(opts.budget().maxStates(), Checker.timeLeft(opts, twoSecondsAgo).budget().maxStates());
        assertEquals(opts.strategy(), Checker.timeLeft(opts, twoSecondsAgo).strategy());
    }

    @Test
    void withNothingLeftTheReCheckStopsAtOnceAndTheReducedResultStands() {
        Options opts = Options.defaults().withBudget(Options.defaults().budget().withTimeLimit(Duration.ofSeconds(1)));
        long longAgo = System.nanoTime() - Duration.ofSeconds(10).toNanos();
        assertEquals(Duration.ofNanos(1), Checker.timeLeft(opts, longAgo).budget().timeLimit());
    }
}
