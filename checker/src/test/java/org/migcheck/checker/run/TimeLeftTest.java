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

    /** A re-check that runs out says which limit ran out: the one given (it said "time limit 0.73 s" for --time-limit 10). */
    @Test
    void aReCheckThatRunsOutNamesTheLimitGiven() {
        Options opts = Options.defaults().withBudget(Options.defaults().budget().withTimeLimit(Duration.ofSeconds(10)));
        long longAgo = System.nanoTime() - Duration.ofSeconds(20).toNanos();
        Options left = Checker.timeLeft(opts, longAgo);
        assertEquals("time limit 10.0 s", left.budget().timeLimitText());
        // a re-check of a re-check, and the other budgets' changes, keep it
        assertEquals("time limit 10.0 s", Checker.timeLeft(left, longAgo).budget().withMaxDepth(3).withMaxStates(5).timeLimitText());
        // an endless counter: only the time limit stops it
        org.migcheck.checker.engine.TransitionSystem endless = new org.migcheck.checker.engine.TransitionSystem() {
            @Override public int[] slotMin() { return new int[] {0}; }
            @Override public int[] slotMax() { return new int[] {Integer.MAX_VALUE - 1}; }
            @Override public int[] initialState() { return new int[] {0}; }
            @Override public int actorOf(int label) { return 0; }
            @Override public void expand(int id, int[] s, Successors out) { out.successor(0, new int[] {s[0] + 1}); }
            @Override public org.migcheck.checker.engine.Failure checkState(int[] s) { return null; }
        };
        for (int workers : new int[] {1, 2}) {
            org.migcheck.checker.engine.SearchResult r = new org.migcheck.checker.engine.Search(endless,
                    org.migcheck.checker.engine.Strategy.BFS, left.budget(), System::nanoTime, Long.MAX_VALUE / 4, workers,
                    org.migcheck.checker.engine.Fingerprint.DEFAULT).run();
            assertEquals(org.migcheck.checker.engine.SearchResult.Status.INCOMPLETE, r.status());
            assertEquals("time limit 10.0 s", r.limit());
        }
        // a limit of its own is its own
        assertEquals("time limit 2.0 s", left.budget().withTimeLimit(Duration.ofSeconds(2)).timeLimitText());
    }
}
