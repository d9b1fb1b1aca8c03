package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.BoundSensitivity;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Bound;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/** Retry loops with declared bounds: saturation is recorded, kernel bounds are not reported, raising a bound re-checks. */
class RetryBoundTest {

    /**
     * A poller retries "test x == 2" up to {@code limit} passes while a writer sets x to 1, then 2.
     * With the flag test on one pass the poller sees x == 2 only if the writer ran first; each pass
     * is one Cond step.
     */
    private static Model poller(int limit, boolean kernel, boolean assertSeen) {
        Model.Builder b = Model.builder("poller");
        Var x = b.var("x", 0, 2, 0);
        Var seen = b.flag("seen", false);
        Bound passes = kernel ? b.kernelBound("polls", limit, "include/example.h MAX_POLLS") : b.bound("polls", limit, "the kernel polls until it sees 2");
        b.thread("writer", body -> body
                .step(Step.named("write_once").does(e -> e.set(x, 1)).build())
                .step(Step.named("write_twice").does(e -> e.set(x, 2)).build()));
        Procedure p = b.thread("poller");
        p.body(body -> body
                .retry(passes, pass -> pass
                        .ifThen(org.migcheck.model.lang.Cond.of("READ_ONCE(x) == 2", "x", e -> e.get(x) == 2), hit -> hit
                                .step(Step.named("note").does(e -> e.set(seen, true)).build())
                                .breakLoop()))
                .ifLocal(e -> assertSeen, check -> check.assertThat("poll.sees-write", "the poller sees the write", e -> true)));
        Model m = b.build();
        return m;
    }

    private static CheckResult check(Model m) {
        return Checker.check(m, RuleSet.empty(), Options.defaults());
    }

    @Test
    void saturationIsCountedPerStateAndRaisingTheBoundChangesTheStateSpace() {
        // Hand count, limit 1: writer w in {0,1,2} steps done, poller before its test (P), finished after a
        // miss (F), or after a hit before note (H) / done (N). States: (0,P)(1,P)(2,P) (0,F)(1,F) (2,H)(2,N) (2,F)
        // is impossible (x == 2 is a hit). (0,F) and (1,F) come from misses, then the writer continues: (1,F)(2,F)
        // from (0,F): so F with w = 0,1,2. Total: 3 P + 3 F + H + N = 8.
        CheckResult one = check(poller(1, false, false));
        assertEquals(Verdict.HOLDS, one.verdict());
        assertEquals(8, one.stats().distinct());
        // the miss is taken from (0,P) and (1,P): two states saturate the bound
        assertEquals(List.of(new CheckResult.Saturation("polls", "poller", 1, 2, "the kernel polls until it sees 2")), one.saturated());
        // limit 2: the poller can miss twice. Extra states: before the second test (P1) with w = 0,1,2, and a hit
        // on the second pass (2,H) with pass counter 1, distinct from the first pass's (2,H): 8 + 3 + 1 = 12
        Model raised = BoundSensitivity.raise(poller(1, false, false), 1);
        CheckResult two = check(raised);
        assertEquals(Verdict.HOLDS, two.verdict());
        assertEquals(12, two.stats().distinct());
        assertEquals(2, two.saturated().get(0).limit());
        // only a miss on the second pass gives up: from (0,P1) and (1,P1)
        assertEquals(2, two.saturated().get(0).states());
    }

    @Test
    void kernelBoundsAreNotReported() {
        CheckResult r = check(poller(1, true, false));
        assertEquals(Verdict.HOLDS, r.verdict());
        assertTrue(r.saturated().isEmpty(), r.saturated().toString());
        BoundSensitivity b = BoundSensitivity.check(poller(1, true, false), r, RuleSet.empty(), Options.defaults(), 1);
        assertTrue(b.raised().isEmpty());
        assertFalse(b.changed());
    }

    @Test
    void boundsMustAllowAPassAndBelongToTheBuilder() {
        Model.Builder a = Model.builder("a");
        assertThrows(ModelError.class, () -> a.bound("none", 0, "-"));
        Bound foreign = a.bound("polls", 1, "-");
        Model.Builder b = Model.builder("b");
        ModelError e = assertThrows(ModelError.class, () -> b.thread("t", body -> body.retry(foreign, x -> x.step(Step.named("s").build()))));
        assertTrue(e.getMessage().contains("polls") && e.getMessage().contains("model a") && e.getMessage().contains("model b"), e.getMessage());
    }

    @Test
    void theVerdictOfABoundArtefactChangesAtBoundPlusOne() {
        // like memcg reclaim under a folio lock: the first pass marks, a second pass would sleep on the lock it holds
        Model.Builder b = Model.builder("second-pass-deadlock");
        org.migcheck.model.lang.Lock l = b.mutex("L");
        Var marked = b.flag("marked", false);
        Bound passes = b.bound("passes", 1, "the kernel retries");
        b.thread("t", body -> body
                .step(org.migcheck.model.lang.Steps.lock("mutex_lock", l))
                .retry(passes, pass -> pass.ifThenElse(org.migcheck.model.lang.Cond.of("marked", "", e -> e.isSet(marked)),
                        again -> again.step(org.migcheck.model.lang.Steps.lock("mutex_lock", l)),
                        first -> first.step(Step.named("mark").does(e -> e.set(marked, true)).build())))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", l)));
        Model m = b.build();
        CheckResult r = check(m);
        assertEquals(Verdict.HOLDS, r.verdict());
        assertEquals(List.of(new CheckResult.Saturation("passes", "t", 1, 1, "the kernel retries")), r.saturated());
        BoundSensitivity s = BoundSensitivity.check(m, r, RuleSet.empty(), Options.defaults(), 1);
        assertTrue(s.changed(), s.summary());
        assertEquals(Verdict.DEADLOCK, s.result().verdict());
        assertEquals(List.of("passes: 1 -> 2"), s.raised());
        // the declared model is untouched
        assertEquals(1, m.limit(passes));
    }

    @Test
    void twoLoopsUnderOneBoundInOneProcedureEachSaturate() {
        // t: retry(polls) { a }, then retry(polls) { b }: neither body breaks, so each loop wants another pass
        // after every one. Hand count, limit 1: a chain start -(a)-> A -(b)-> done, 3 states; loop one ends
        // (saturated) on the transition out of start, loop two on the one out of A: 2 states saturate.
        // Limit 2: a, a, b, b: 5 states, the second a and the second b end their loops: again 2 states.
        Model.Builder b = Model.builder("two-loops");
        Bound polls = b.bound("polls", 1, "the kernel polls on");
        b.thread("t", body -> body
                .retry(polls, pass -> pass.step(Step.named("a").build()))
                .retry(polls, pass -> pass.step(Step.named("b").build())));
        Model m = b.build();
        CheckResult one = check(m);
        assertEquals(Verdict.HOLDS, one.verdict());
        assertEquals(3, one.stats().distinct());
        assertEquals(List.of(new CheckResult.Saturation("polls", "t", 1, 2, "the kernel polls on")), one.saturated());
        BoundSensitivity s = BoundSensitivity.check(m, one, RuleSet.empty(), Options.defaults(), 1);
        assertEquals(5, s.result().stats().distinct());
        assertEquals(List.of(new CheckResult.Saturation("polls", "t", 2, 2, "the kernel polls on")), s.result().saturated());
        assertTrue(s.summary().endsWith("still reached: polls (limit 2) in t: reached in 2 states"), s.summary());
    }

    @Test
    void aLoopThatEndsWithinTheRaisedBoundNoLongerDependsOnIt() {
        // t: i = 0; retry(polls) { s; i++; if (i >= 2) break }: one pass saturates (2 states: start, done);
        // at limit 2 the loop breaks on its second pass: start, after the first s, done: 3 states, none saturated
        Model.Builder b = Model.builder("two-polls");
        Bound polls = b.bound("polls", 1, "the kernel polls twice");
        Procedure t = b.thread("t");
        org.migcheck.model.lang.Local i = t.local("i", 0, 2);
        t.body(body -> body.retry(polls, pass -> pass
                .step(Step.named("s").build())
                .assign(i, e -> e.local(i) + 1)
                .ifLocal(e -> e.local(i) >= 2, out -> out.breakLoop())));
        Model m = b.build();
        CheckResult one = check(m);
        assertEquals(2, one.stats().distinct());
        assertEquals(1, one.saturated().size());
        BoundSensitivity s = BoundSensitivity.check(m, one, RuleSet.empty(), Options.defaults(), 1);
        assertEquals(3, s.result().stats().distinct());
        assertTrue(s.result().saturated().isEmpty(), s.result().saturated().toString());
        assertFalse(s.changed());
        assertTrue(s.summary().endsWith("no model bound was reached at these limits, so this HOLDS does not depend on them"), s.summary());
    }

    @Test
    void aBoundRaisedToTheKernelsLimitIsNoLongerReported() {
        // t: retry(polls) { a } never breaks. The kernel polls at most twice (kernelLimit 2): at limit 1 the loop
        // ends early (start -(a)-> done: 2 states, the start saturates); at limit 2 it makes the kernel's two
        // passes (3 states) and ends where the kernel's loop ends, which is not reported
        Model.Builder b = Model.builder("kernel-limit");
        Bound polls = b.bound("polls", 1, "the kernel polls twice", 2);
        b.thread("t", body -> body.retry(polls, "poll loop", pass -> pass.step(Step.named("a").build())));
        Model m = b.build();
        CheckResult one = check(m);
        assertEquals(2, one.stats().distinct());
        assertEquals(List.of(new CheckResult.Saturation("polls", "t (poll loop)", 1, 1, "the kernel polls twice")), one.saturated());
        assertTrue(one.saturated().get(0).procedure().endsWith("(poll loop)"));
        BoundSensitivity s = BoundSensitivity.check(m, one, RuleSet.empty(), Options.defaults(), 1);
        assertEquals(3, s.result().stats().distinct());
        assertTrue(s.result().saturated().isEmpty(), s.result().saturated().toString());
        // a kernel limit below the model's limit is a model error
        Model.Builder bad = Model.builder("bad");
        ModelError e = assertThrows(ModelError.class, () -> bad.bound("polls", 3, "-", 2));
        assertTrue(e.getMessage().contains("polls"), e.getMessage());
    }
}
