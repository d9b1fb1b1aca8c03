package org.migcheck.checker.engine;

/**
 * The outcome of a search.
 *
 * @param status        how the search ended
 * @param failure       the failure found (status FAILED), else null
 * @param schedule      the labels from the initial state to the failure (the counterexample), or empty
 * @param failureState  engine id of the last state of the counterexample, or -1
 * @param stats         statistics
 * @param limit         the budget that stopped an INCOMPLETE run, e.g. "max states 1000"; with FAILED, the budget that
 *                      stopped a breadth-first search while it finished the failure's level (the failure is real,
 *                      but may not be a shortest one), else null
 */
public record SearchResult(Status status, Failure failure, int[] schedule, int failureState, Stats stats, String limit) {

    public enum Status {
        /** Every reachable state was explored and checked; nothing failed. */
        COMPLETE,
        /** A failure was found; {@link #schedule} reaches it. */
        FAILED,
        /** A budget ended the run before the state space was exhausted. */
        INCOMPLETE
    }
}
