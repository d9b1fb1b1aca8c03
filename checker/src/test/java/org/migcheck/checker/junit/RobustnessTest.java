package org.migcheck.checker.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.Check;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;

/** Regression tests for the bugs a review of the core found. */
class RobustnessTest {

    private record Bad() implements Event {
        @Override public String describe() { return "bad"; }
    }

    private static final StepRule NO_BAD = StepRule.of("test.no-bad", "no step emits Bad", "include/linux/test.h",
            v -> v.events(Bad.class).isEmpty() ? Check.ok() : Check.violated(v.threadName() + " did something bad in " + v.label()));

    @Test
    void skippedLivenessIsNeverReportedAsAFullHold() {
        Model m = Zoo.starvedWaiterModel(false);
        CheckResult overflow = Checker.check(m, RuleSet.empty(), Options.defaults().withMaxGraphEdges(1));
        assertEquals(Verdict.INCOMPLETE, overflow.verdict());
        CheckResult disabled = Checker.check(m, RuleSet.empty(), Options.defaults().withLiveness(false));
        assertEquals(Verdict.HOLDS, disabled.verdict());
        assertTrue(disabled.message().contains("stuck threads not checked"), disabled.message());
        assertEquals(Verdict.STUCK, Checker.check(m, RuleSet.empty(), Options.defaults()).verdict());
    }

    /** t0 does one bad step, then t0 and t1 run ABBA. */
    private static Model badThenAbba() {
        Model.Builder b = Model.builder("bad-then-abba");
        Lock a = b.mutex("A");
        Lock c = b.mutex("B");
        b.thread("t0", x -> x.step(Step.named("bad").does(e -> e.emit(new Bad())).build())
                .step(Steps.lock("mutex_lock", a)).step(Steps.lock("mutex_lock", c))
                .step(Steps.unlock("mutex_unlock", c)).step(Steps.unlock("mutex_unlock", a)));
        b.thread("t1", x -> x.step(Steps.lock("mutex_lock", c)).step(Steps.lock("mutex_lock", a))
                .step(Steps.unlock("mutex_unlock", a)).step(Steps.unlock("mutex_unlock", c)));
        return b.build();
    }

    @Test
    void aStepRuleViolationEndsTheTransitionAlsoForRandomWalks() {
        RuleSet rules = RuleSet.of(List.of(NO_BAD), false);
        CheckResult bfs = Checker.check(badThenAbba(), rules, Options.defaults());
        assertEquals(Verdict.VIOLATED, bfs.verdict());
        assertArrayEquals(new int[] {0}, bfs.schedule());
        assertTrue(bfs.message().contains("in bad()"), "the rule sees the step's label: " + bfs.message());
        for (long seed = 1; seed <= 8; seed++) {
            CheckResult rnd = Checker.check(badThenAbba(), rules, Options.defaults().withRandom(seed, 50));
            if (rnd.verdict() == Verdict.VIOLATED) {
                assertArrayEquals(new int[] {0}, rnd.schedule(), "seed " + seed);
            } else {
                assertEquals(Verdict.DEADLOCK, rnd.verdict(), "seed " + seed);
            }
        }
    }

    @Test
    void randomWalksCheckTheStateAtTheirDepthBound() {
        Options o = Options.defaults().withBudget(Budget.unlimited().withMaxDepth(2)).withRandom(1, 2000);
        CheckResult r = Checker.check(Zoo.abbaModel(false, false), RuleSet.empty(), o);
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals(2, r.schedule().length);
    }

    @Test
    void anIdleWaitIsAMutationPoint() {
        Model.Builder b = Model.builder("idle-daemon");
        Var work = b.flag("work", false);
        b.thread("daemon", x -> x.forever(l -> l
                .step(Step.named("wait_event").args("work").when(e -> e.isSet(work))
                        .blockedBy(e -> new BlockReason.OnCondition("work", "work")).idle().build())
                .assertThat("daemon.work", "work is pending", e -> e.isSet(work))));
        Model m = b.build();
        CheckResult base = Checker.check(m, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.HOLDS, base.verdict());
        assertTrue(base.unreached().stream().noneMatch(u -> u.step().equals("daemon: wait_event") || u.step().startsWith("daemon: wait_event [")), "reached, though never taken");
        List<Mutations.Mutant> ms = Mutations.run(m, base, RuleSet.empty(), Options.defaults());
        // the no-wait mutant, and the assertion moved before the wait
        assertEquals(2, ms.size());
        assertEquals("no-wait daemon: wait_event", ms.get(0).id());
        assertEquals("swap daemon: wait_event <> assert", ms.get(1).id());
        for (Mutations.Mutant mu : ms) {
            assertEquals(Mutations.Fate.KILLED, mu.fate(), mu.id());
            assertEquals("daemon.work", mu.result().ruleId());
        }
    }

    @Test
    void aFailingBlockReasonIsAStateLevelModelErrorThatRenders() {
        Model.Builder b = Model.builder("bad-block-reason");
        Procedure other = b.procedure("other");
        var foreignLocal = other.local("x", 0, 1);
        other.body(x -> x.step(Step.named("noop").build()));
        b.thread("t", x -> x.step(Step.named("wait").when(e -> false)
                .blockedBy(e -> new BlockReason.OnCondition("x=" + e.local(foreignLocal), null)).build()));
        CheckResult r = Checker.check(b.build(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("other.x"), r.message());
        assertEquals(0, r.schedule().length);
        TextRenderer.render("bad-block-reason", r, null, null); // must not throw
    }

    @Test
    void anExceptionInModelCodeIsAModelErrorNamingTheStep() {
        int[] table = new int[2];
        Model.Builder b = Model.builder("array-bug");
        Var i = b.var("i", 0, 3, 0);
        b.thread("t", x -> x.step(Step.named("table_store").does(e -> {
            table[e.get(i) + 2] = 1; // index 2: out of bounds
        }).build()));
        CheckResult r = Checker.check(b.build(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("table_store") && r.message().contains("ArrayIndexOutOfBounds"), r.message());
        assertTrue(TextRenderer.render("array-bug", r, null, null).contains("FAILS"), "the failing step replays");
    }

    /** A thread polls a flag in a loop; with {@code setter}, another thread sets it. */
    private static Model poller(boolean setter, boolean daemon) {
        Model.Builder b = Model.builder("poller");
        Var flag = b.flag("flag", false);
        Procedure p = b.thread("poller");
        if (daemon) {
            p.daemon();
        }
        p.body(x -> x.forever(l -> l.ifThen(org.migcheck.model.lang.Cond.of("READ_ONCE", "flag", e -> e.isSet(flag)),
                br -> br.breakLoop())));
        if (setter) {
            b.thread("setter", x -> x.step(Step.named("WRITE_ONCE").args("flag").does(e -> e.set(flag, true)).build()));
        }
        return b.build();
    }

    @Test
    void aPollingLoopThatCanNeverSucceedIsALivelock() {
        CheckResult r = Checker.check(poller(false, false), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.STUCK, r.verdict());
        assertTrue(r.message().contains("poller can never finish"), r.message());
        // by hand: one state (the poller's test of flag leads back to it); stuck from the start
        assertEquals(1, r.stats().distinct());
        assertEquals(Verdict.HOLDS, Checker.check(poller(true, false), RuleSet.empty(), Options.defaults()).verdict());
        assertEquals(Verdict.HOLDS, Checker.check(poller(false, true), RuleSet.empty(), Options.defaults()).verdict(),
                "a daemon may run forever");
    }

    @Test
    void aTrylockRetryLoopOnALeakedLockIsALivelock() {
        Model.Builder b = Model.builder("retry");
        Lock bit = b.lock("page.locked", "folio_lock", Lock.Kind.BIT);
        b.thread("leaker", x -> x.step(Steps.lock("folio_lock", bit)));
        Procedure r = b.thread("retrier");
        var ok = r.local("ok", 0, 1);
        r.body(x -> x.whileLocal(e -> e.local(ok) == 0, l -> l.step(Steps.trylock("folio_trylock", e -> bit, ok)))
                .step(Steps.unlock("folio_unlock", bit)));
        CheckResult res = Checker.check(b.build(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.STUCK, res.verdict());
        assertTrue(res.message().contains("retrier can never finish"), res.message());
        // shortest: the leaker takes the lock first (1 step); from there the retrier can only spin
        assertEquals(1, res.schedule().length);
    }

    @Test
    void onlyThreadsCanBeDaemons() {
        Model.Builder b = Model.builder("x");
        assertThrows(org.migcheck.model.lang.ModelError.class, () -> b.procedure("helper").daemon());
    }

    @Test
    void knobValuesMustBeSafeInReplayTokens() {
        assertThrows(IllegalArgumentException.class, () -> Knob.choice("mode", "a:b", "doc", "a:b", "c"));
        assertThrows(IllegalArgumentException.class, () -> Knob.choice("bad,name", "x", "doc", "x"));
    }
}
