package org.migcheck.checker.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * A counterexample found before the heap runs out is real: the breadth-first search keeps it (with the
 * heap named as the budget that cut its level short) instead of dropping it with the visited set.
 * The out-of-memory errors here are thrown by the models, at a fixed state, so the test does not
 * depend on the size of the heap.
 */
class HeapAfterFailureTest {

    private static final int WIDE = 10_000;

    private record Stop(String summary) implements Failure {}

    /**
     * The root has {@link #WIDE} successors (1, i); (1, 3) has a failing transition (label 7); expanding
     * (1, WIDE-2) throws OutOfMemoryError; (1, WIDE-1) breaks an invariant (shorter, never checked).
     */
    private static TransitionSystem heapRunsOut() {
        return new TransitionSystem() {
            @Override public int[] slotMin() { return new int[] {0, 0}; }
            @Override public int[] slotMax() { return new int[] {2, WIDE}; }
            @Override public int[] initialState() { return new int[] {0, 0}; }
            @Override public int actorOf(int label) { return 0; }
            @Override public void expand(int id, int[] s, Successors out) {
                if (s[0] == 0) {
                    for (int i = 0; i < WIDE; i++) {
                        out.successor(i, new int[] {1, i});
                    }
                } else if (s[0] == 1) {
                    if (s[1] == WIDE - 2) {
                        throw new OutOfMemoryError("simulated: expanding (1, " + s[1] + ")");
                    }
                    if (s[1] == 3) {
                        out.failure(7, new Stop("failing transition from (1, 3)"));
                    } else {
                        out.successor(1, new int[] {2, s[1]});
                    }
                }
            }
            @Override public Failure checkState(int[] s) {
                return s[0] == 1 && s[1] == WIDE - 1 ? new Stop("invariant broken in (1, " + (WIDE - 1) + ")") : null;
            }
        };
    }

    @Test
    void theSearchKeepsTheFailingTransitionAndNamesTheHeap() {
        for (int workers : new int[] {1, 2, 3}) {
            SearchResult r = new Search(heapRunsOut(), Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4,
                    workers, Fingerprint.DEFAULT).run();
            assertEquals(SearchResult.Status.FAILED, r.status(), "workers " + workers + ": " + r.limit());
            assertArrayEquals(new int[] {3, 7}, r.schedule(), "root -> (1, 3) by label 3, then the failing label 7: workers " + workers);
            assertEquals("failing transition from (1, 3)", r.failure().summary());
            assertEquals(-1, r.failureState(), "the store is gone: no state id");
            assertEquals("the JVM's heap limit (out of memory)", r.limit(), "the level was cut short: workers " + workers);
        }
    }

    /**
     * Thread B (first in the search's order) sets x, then its next step throws OutOfMemoryError; thread A's
     * assertion fails at once. The search finds A's failure at level 1 and then, expanding B's state below
     * the failure's cut-off (a deadlock there would be as short), meets the error.
     */
    private static Model model() {
        Model.Builder b = Model.builder("heap-after-failure");
        Var x = b.counter("x", 0, 1, 0);
        b.thread("B", body -> {
            body.step(Step.named("WRITE_ONCE").args("x").does(e -> e.set(x, 1)).build());
            body.step(Step.named("kmalloc").args("huge").does(e -> {
                throw new OutOfMemoryError("simulated: kmalloc in B");
            }).build());
        });
        b.thread("A", body -> body.step(Steps.assertion("user.never", "A never gets here", e -> false)));
        return b.build();
    }

    @Test
    void theCheckReportsTheViolationWithANoteOnTheHeap() {
        for (Options opts : new Options[] {Options.defaults().unreduced(), Options.defaults().unreduced().withWorkers(2)}) {
            CheckResult r = Checker.check(model(), RuleSet.empty(), opts);
            assertEquals(Verdict.VIOLATED, r.verdict(), r.message() + " " + r.notes());
            assertEquals(1, r.schedule().length, "A's assertion, the first step");
            assertEquals("user.never", r.ruleId());
            assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("the search was stopped (the JVM's heap limit (out of memory))")),
                    r.notes().toString());
        }
        // with the reductions on, the counterexample is the same (partial-order reduction's re-shortening is bounded by
        // its length, 1, and so never expands B's state)
        CheckResult reduced = Checker.check(model(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.VIOLATED, reduced.verdict(), reduced.message() + " " + reduced.notes());
        assertEquals(1, reduced.schedule().length);
    }
}
