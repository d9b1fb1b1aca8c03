package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.properties.RuleSet;
import org.junit.jupiter.api.Test;

/**
 * BFS reports the shortest counterexample over all failure kinds: a 4-step deadlock wins over a
 * 5-step exit with a lock held, although BFS meets the failing fifth step of the exit first (its
 * source state is the first state of depth 4, reached by four steps of the first thread).
 */
class ShortestFailureTest {

    /**
     * t1: mutex_lock(A), mutex_lock(B), three more steps, then exits holding both (its fifth step
     * fails with lock.exit-held). t2: two steps, mutex_lock(B), mutex_lock(A): after t1 takes A and t2
     * has taken B (4 steps in all) both wait for each other.
     */
    static Model model(boolean withT2) {
        Model.Builder m = Model.builder("shortest-" + withT2);
        Lock a = m.mutex("A");
        Lock b = m.mutex("B");
        m.thread("t1", body -> body
                .step(Steps.lock("mutex_lock", a))
                .step(Steps.lock("mutex_lock", b))
                .step(Step.named("s2").build())
                .step(Step.named("s3").build())
                .step(Step.named("s4").build()));
        if (withT2) {
            m.thread("t2", body -> body
                    .step(Step.named("n1").build())
                    .step(Step.named("n2").build())
                    .step(Steps.lock("mutex_lock", b))
                    .step(Steps.lock("mutex_lock", a))
                    .step(Steps.unlock("mutex_unlock", a))
                    .step(Steps.unlock("mutex_unlock", b)));
        }
        return m.build();
    }

    @Test
    void theExitWithALockHeldTakesFiveStepsOnItsOwn() {
        CheckResult r = Checker.check(model(false), RuleSet.empty(), Options.defaults().withWorkers(1));
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("lock.exit-held", r.ruleId());
        assertEquals(5, r.schedule().length);
    }

    @Test
    void aFourStepDeadlockBeatsAFiveStepExitWithALockHeld() {
        Model m = model(true);
        ReferenceSearch.Result ref = ReferenceSearch.run(new ModelSystem(m, RuleSet.empty(), false));
        assertEquals(4, ref.schedule().length, ref.toString());
        for (int w : new int[] {1, 2, 4}) {
            CheckResult r = Checker.check(m, RuleSet.empty(), Options.defaults().withWorkers(w));
            assertEquals(Verdict.DEADLOCK, r.verdict(), r.message());
            assertEquals(4, r.schedule().length);
            // the fixed tie-break among the 4-step deadlocks: t1 first (thread 0's transitions are reported first)
            assertEquals(0, ModelSystem.thread(r.schedule()[0]));
            assertEquals(java.util.Arrays.toString(ref.schedule()), java.util.Arrays.toString(r.schedule()));
        }
    }
}
