package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/** A wrong model is a MODEL_ERROR verdict whose message names the element at fault; nothing escapes. */
class ModelErrorTest {

    static CheckResult check(Model m) {
        return assertDoesNotThrow(() -> Checker.check(m, KernelRules.all(), Options.defaults()));
    }

    static Step noop(String name) {
        return Step.named(name).build();
    }

    @Test
    void unlockOfAFreeLock() {
        Model.Builder b = Model.builder("bad-unlock");
        Lock l = b.mutex("L");
        b.thread("worker", body -> body.step(noop("prepare")).step(Steps.unlock("mutex_unlock", l)));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertNull(r.ruleId());
        String msg = r.message();
        assertTrue(msg.contains("unlock of L, which is not held"), msg);
        assertTrue(msg.contains("worker"), msg);
        assertTrue(msg.contains("mutex_unlock(L)"), msg);
        // the failing step is the last of the schedule, and the trace shows where it failed
        assertEquals(2, r.schedule().length);
        Trace t = r.trace();
        assertEquals("mutex_unlock(L)", t.rows().get(1).label());
        assertTrue(t.rows().get(1).failure().contains("not held"), t.rows().get(1).failure());
        assertEquals(5, Verdict.MODEL_ERROR.exitCode());
    }

    @Test
    void unlockOfALockHeldByAnotherThread() {
        Model.Builder b = Model.builder("thief");
        Lock l = b.mutex("L");
        Var go = b.flag("go", false);
        Var back = b.flag("back", false);
        b.thread("owner", body -> body
                .step(Steps.lock("mutex_lock", l))
                .step(Step.named("signal").args("go").does(e -> e.set(go, true)).build())
                .step(Step.named("wait_back").when(e -> e.isSet(back)).build())
                .step(Steps.unlock("mutex_unlock", l)));
        b.thread("thief", body -> body
                .step(Step.named("wait_go").when(e -> e.isSet(go)).build())
                .step(Steps.unlock("mutex_unlock", l))
                .step(Step.named("signal").args("back").does(e -> e.set(back, true)).build()));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        String msg = r.message();
        assertTrue(msg.contains("unlock of L, which is held by owner"), msg);
        assertTrue(msg.contains("thread thief"), msg);
        assertEquals(4, r.schedule().length, "lock, signal, wait_go, failing unlock");
    }

    @Test
    void counterOverflowNamesTheCounter() {
        Model.Builder b = Model.builder("overflow");
        Var refs = b.counter("refs", 0, 1, 0);
        b.thread("getter", body -> body
                .step(Step.named("folio_get").args("folio0").does(e -> e.add(refs, 1)).build())
                .step(Step.named("folio_get").args("folio0").does(e -> e.add(refs, 1)).build()));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("counter refs overflows its bound 1"), r.message());
        assertTrue(r.message().contains("getter"), r.message());
        assertTrue(r.message().contains("folio_get(folio0)"), r.message());
        assertEquals(2, r.schedule().length);
    }

    @Test
    void counterUnderflowNamesTheCounter() {
        Model.Builder b = Model.builder("underflow");
        Var refs = b.counter("refcount", 0, 3, 0);
        b.thread("putter", body -> body.step(Step.named("folio_put").does(e -> e.add(refs, -1)).build()));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("counter refcount underflows its bound 0"), r.message());
    }

    @Test
    void variableOutOfDomain() {
        Model.Builder b = Model.builder("domain");
        Var v = b.var("level", 0, 3, 0);
        b.thread("writer", body -> body.step(Step.named("set_level").does(e -> e.set(v, 7)).build()));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("variable level would become 7, outside [0, 3]"), r.message());
    }

    static Model recursive() {
        Model.Builder b = Model.builder("recursive");
        Procedure ping = b.procedure("ping");
        Procedure pong = b.procedure("pong");
        ping.body(body -> body.step(noop("ping_step")).call(pong));
        pong.body(body -> body.call(ping));
        b.thread("main", body -> body.call(ping));
        return b.build();
    }

    @Test
    void recursionIsAModelErrorNamingTheProcedures() {
        ModelError e = assertThrows(ModelError.class, ModelErrorTest::recursive);
        assertTrue(e.getMessage().contains("ping -> pong -> ping"), e.getMessage());
        // through a scenario the same error is a verdict, not an exception
        BaseScenario s = BaseScenario.builder("recursive")
                .model(k -> recursive())
                .variant("default", Map.of(), Expect.holds(), "recursion")
                .build();
        ScenarioRunner.Outcome o = assertDoesNotThrow(() ->
                ScenarioRunner.run(s, "default", Map.of(), RuleSet.empty(), Options.defaults()));
        assertEquals(Verdict.MODEL_ERROR, o.result().verdict());
        assertTrue(o.result().message().contains("ping -> pong -> ping"), o.result().message());
        assertTrue(o.result().message().contains("recursive"), o.result().message());
        assertTrue(!o.matches());
    }

    @Test
    void selfRecursion() {
        Model.Builder b = Model.builder("self");
        Procedure loop = b.procedure("again");
        loop.body(body -> body.call(loop));
        b.thread("main", body -> body.call(loop));
        ModelError e = assertThrows(ModelError.class, b::build);
        assertTrue(e.getMessage().contains("again -> again"), e.getMessage());
    }

    @Test
    void localOfAnotherProcedureInAStep() {
        Model.Builder b = Model.builder("foreign-local");
        Procedure helper = b.procedure("helper");
        Local h = helper.local("h", 0, 3);
        helper.body(body -> body.step(noop("helper_step")));
        b.thread("main", body -> body
                .step(noop("first"))
                .step(Step.named("peek").does(e -> e.local(h)).build()));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("helper.h"), r.message());
        assertTrue(r.message().contains("main"), r.message());
        assertEquals(2, r.schedule().length);
    }

    @Test
    void localOfAnotherProcedureInLocalCodeBeforeTheFirstStep() {
        Model.Builder b = Model.builder("foreign-local-initial");
        Procedure helper = b.procedure("helper");
        Local p = helper.param("p", 0, 3);
        Local h = helper.local("h", 0, 3);
        helper.body(body -> body.step(Step.named("use").args(e -> "p=" + e.local(p)).build()));
        Procedure main = b.thread("main");
        main.body(body -> body.call(helper, e -> e.local(h)).step(noop("after")));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("helper.h"), r.message());
    }

    @Test
    void localOutOfDomainInCallArgument() {
        Model.Builder b = Model.builder("bad-arg");
        Procedure helper = b.procedure("helper");
        Local p = helper.param("p", 0, 2);
        helper.body(body -> body.step(Step.named("use").args(e -> "p=" + e.local(p)).build()));
        b.thread("main", body -> body.step(noop("first")).call(helper, IntExpr.of(5)));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("helper.p"), r.message());
        assertTrue(r.message().contains("5"), r.message());
    }

    @Test
    void loopWithoutSteps() {
        Model.Builder b = Model.builder("spin");
        Procedure main = b.thread("main");
        Local i = main.local("i", 0, 1);
        main.body(body -> body.step(noop("first")).whileLocal(e -> e.local(i) == 0, w -> w.assign(i, IntExpr.of(0))));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("loops without taking a step"), r.message());
    }

    @Test
    void guardThatWrites() {
        Model.Builder b = Model.builder("impure-guard");
        Var v = b.var("v", 0, 1, 0);
        b.thread("main", body -> body.step(Step.named("sneaky").when(e -> {
            e.model(); // reads are fine
            e.set(v, 1);
            return true;
        }).build()));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("writes shared variable v"), r.message());
    }

    @Test
    void exitWithALockHeldIsALockRuleViolation() {
        Model.Builder b = Model.builder("leak");
        Lock l = b.mutex("L");
        b.thread("leaker", body -> body.step(Steps.lock("mutex_lock", l)));
        CheckResult r = check(b.build());
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("lock.exit-held", r.ruleId());
        assertTrue(r.message().contains("leaker") && r.message().contains("L"), r.message());
        assertEquals(1, r.schedule().length);
    }

    /**
     * The failing alternative of a nondeterministic step: the message names the step the thread ran,
     * including the alternative that failed (here the third, "two").
     */
    @Test
    void modelErrorNamesTheFailingAlternative() {
        Model.Builder b = Model.builder("choice-overflow");
        Var c = b.counter("c", 0, 1, 0);
        Procedure main = b.thread("main");
        main.body(body -> body.step(Step.named("add_some").choice(3, a -> new String[] {"zero", "one", "two"}[a])
                .does(e -> e.add(c, e.choice())).build()));
        CheckResult r = check(b.build());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("counter c overflows"), r.message());
        assertEquals(1, r.schedule().length);
        assertEquals(2, Trace.alternative(r.schedule()[0]));
        assertEquals("add_some() -> two", r.trace().rows().get(0).label());
        assertTrue(r.message().contains("add_some() -> two"), "message names the wrong alternative: " + r.message());
    }

    @Test
    void aLabelThatThrowsSaysSoInTheTrace() {
        // the arguments' text is only built for traces: the search runs the step, the trace cannot name it
        Model.Builder b = Model.builder("bad-label");
        Lock l = b.mutex("L");
        b.thread("self", body -> body
                .step(Step.named("describe").args(e -> { throw new IllegalStateException("no name"); }).build())
                .step(Steps.lock("mutex_lock", l))
                .step(Steps.lock("mutex_lock", l)));
        CheckResult r = check(b.build());
        assertEquals(Verdict.DEADLOCK, r.verdict());
        String label = r.trace().rows().get(0).label();
        assertTrue(label.startsWith("describe(? its label threw IllegalStateException at org.migcheck.checker.foundation.ModelErrorTest"),
                label);
    }
}
