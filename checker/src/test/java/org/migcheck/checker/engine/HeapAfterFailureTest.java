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

    /**
     * {@link ParallelEdgesTest#wide}: (1, 5) has a failing transition (label 0), (1, WIDE-1) breaks an invariant
     * (shorter, never checked here); expanding (1, WIDE-2) throws OutOfMemoryError.
     */
    private static TransitionSystem heapRunsOut() {
        return ParallelEdgesTest.wide(i -> {
            if (i == ParallelEdgesTest.WIDE - 2) {
                throw new OutOfMemoryError("simulated: expanding (1, " + i + ")");
            }
        });
    }

    @Test
    void theSearchKeepsTheFailingTransitionAndNamesTheHeap() {
        for (int workers : new int[] {1, 2, 3}) {
            SearchResult r = new Search(heapRunsOut(), Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4,
                    workers, Fingerprint.DEFAULT).run();
            assertEquals(SearchResult.Status.FAILED, r.status(), "workers " + workers + ": " + r.limit());
            assertArrayEquals(new int[] {5, 0}, r.schedule(), "root -> (1, 5) by label 5, then the failing label 0: workers " + workers);
            assertEquals("failing transition from (1, 5)", r.failure().summary());
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
        Model.Builder b = withB("heap-after-failure");
        b.thread("A", body -> body.step(Steps.assertion("user.never", "A never gets here", e -> false)));
        return b.build();
    }

    /** A model builder whose first thread, B, sets x and then runs out of heap. */
    private static Model.Builder withB(String name) {
        Model.Builder b = Model.builder(name);
        Var x = b.counter("x", 0, 1, 0);
        b.thread("B", body -> {
            body.step(Step.named("WRITE_ONCE").args("x").does(e -> e.set(x, 1)).build());
            body.step(Step.named("kmalloc").args("huge").does(e -> {
                throw new OutOfMemoryError("simulated: kmalloc in B");
            }).build());
        });
        return b;
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

    /**
     * A step rule that throws on A's first step (of two): the model's error names that step, as without the heap
     * running out (the state the step starts from, rebuilt from the schedule; a review saw the second step named).
     */
    @Test
    void aRuleThatThrowsNamesTheStepItThrewOn() {
        Model.Builder b = withB("heap-after-rule-error");
        b.thread("A", body -> {
            body.step(Step.named("first_step_of_A").build());
            body.step(Step.named("second_step_of_A").build());
        });
        Model m = b.build();
        org.migcheck.properties.StepRule throwing = org.migcheck.properties.StepRule.of("user.throws-on-a", "throws on A", "none",
                v -> {
                    if (v.thread() == 1) {
                        throw new IllegalStateException("the rule's own failure");
                    }
                    return org.migcheck.properties.Check.ok();
                });
        CheckResult r = Checker.check(m, RuleSet.empty().with(throwing), Options.defaults().unreduced());
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertTrue(r.message().contains("(thread A, step first_step_of_A())"), r.message());
    }
}
