package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * A STUCK verdict and the replay of its token say the same thing (a review found replays that named
 * another thread, another kind of stuck, or nothing at all, each still "reproduced"), and a thread's
 * idle steps are part of what symmetric members must share.
 */
class StuckReplayTest {

    private static Step waitFor(Var flag, boolean idle) {
        Step.Builder s = Step.named("wait_event").args(flag.name()).when(e -> e.isSet(flag))
                .blockedBy(e -> new BlockReason.OnCondition(flag.name() + " set", flag.name()));
        if (idle) {
            s.idle();
        }
        return s.build();
    }

    private static void ticker(Model.Builder m) {
        Var ticks = m.var("ticks", 0, 1, 0);
        m.thread("ticker").daemon().body(b -> b.forever(x -> x.step(Step.named("tick").does(e -> e.set(ticks, 1 - e.get(ticks))).build())));
    }

    /** A daemon waits, outside an idle point, for a flag nobody sets, while another daemon runs forever (no deadlock). */
    static Model hungDaemon() {
        Model.Builder m = Model.builder("hung-daemon");
        Var flag = m.flag("flag", false);
        m.thread("kthread").daemon().body(b -> b.forever(x -> x.step(waitFor(flag, false))
                .step(Step.named("consume").does(e -> e.set(flag, false)).build())));
        ticker(m);
        return m.build();
    }

    /** poller re-reads g, which never becomes 1 (a livelock); waiter waits for a flag nobody sets (blocked for good). */
    static Model twoDoomed() {
        Model.Builder m = Model.builder("two-doomed");
        Var flag = m.flag("flag", false);
        Var g = m.var("g", 0, 1, 0);
        Procedure p = m.thread("poller");
        Local seen = p.local("seen", 0, 1);
        p.body(b -> b.forever(x -> x.step(Step.named("READ_ONCE").args("g").does(e -> e.setLocal(seen, e.get(g))).build())
                .ifLocal(e -> e.local(seen) == 1, Body::breakLoop)));
        m.thread("waiter", b -> b.step(waitFor(flag, false)));
        return m.build();
    }

    /** w waits for a flag a daemon toggles forever, then reads g, which never becomes 1: blocked now, woken later, never done. */
    static Model wokenButNeverDone() {
        Model.Builder m = Model.builder("woken-never-done");
        Var flag = m.flag("flag", false);
        Var g = m.var("g", 0, 1, 0);
        Procedure w = m.thread("w");
        Local seen = w.local("seen", 0, 1);
        w.body(b -> b.forever(x -> x.step(waitFor(flag, false))
                .step(Step.named("READ_ONCE").args("g").does(e -> e.setLocal(seen, e.get(g))).build())
                .ifLocal(e -> e.local(seen) == 1, Body::breakLoop)));
        m.thread("toggler").daemon().body(b -> b.forever(x -> x.step(Step.named("toggle").does(e -> e.set(flag, !e.isSet(flag))).build())));
        return m.build();
    }

    private static CheckResult replayMatches(Model model, String message) {
        CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.STUCK, r.verdict(), r.message());
        assertEquals(message, r.message());
        Replayer.Ending end = Replayer.replay(model, RuleSet.empty(), r.schedule());
        assertEquals(Verdict.STUCK, end.verdict(), end.message());
        assertEquals(r.message(), end.message(), "the replay names the check's thread and kind");
        assertEquals(r.explanation(), end.explanation());
        return r;
    }

    @Test
    void aDaemonHungForGoodIsStuckInTheCheckAndInTheReplay() {
        replayMatches(hungDaemon(), "kthread waits for flag set forever");
    }

    @Test
    void theReplayNamesTheThreadBlockedForGoodBeforeAnyLivelockAsTheCheckDoes() {
        replayMatches(twoDoomed(), "waiter waits for flag set forever");
    }

    @Test
    void aBlockedThreadThatIsWokenAgainButNeverFinishesIsALivelockNotAWaitForever() {
        CheckResult r = replayMatches(wokenButNeverDone(), "w can never finish (livelock)");
        assertTrue(r.explanation().get(0).startsWith("w blocked in wait_event(flag)"), r.explanation().toString());
        assertTrue(r.explanation().get(1).contains("it moves again, but only round a loop that cannot succeed"), r.explanation().toString());
    }

    /** Two workers declared interchangeable: the winner of a test-and-set waits for f, at an idle step in one member only. */
    static Model idleInOneMember(int idleIn) {
        Model.Builder m = Model.builder("idle-in-w" + idleIn);
        Var f = m.flag("f", false);
        Var g = m.flag("g", false);
        List<Model.SymmetricMember> members = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Procedure p = m.thread("w" + t);
            Local won = p.local("won", 0, 1);
            boolean idle = t == idleIn;
            p.body(b -> b.step(Step.named("test_and_set_bit").args("g").does(e -> {
                        e.setLocal(won, e.isSet(g) ? 0 : 1);
                        e.set(g, true);
                    }).build())
                    .ifLocal(e -> e.local(won) == 0, lose -> lose.step(waitFor(f, true)))
                    .ifLocal(e -> e.local(won) == 1, win -> win.step(waitFor(f, idle))));
            members.add(new Model.SymmetricMember(List.of("w" + t), List.of(), List.of()));
        }
        m.symmetric("workers", members);
        ticker(m);
        return m.build();
    }

    @Test
    void membersThatDifferInAnIdleStepAreNotInterchangeable() {
        for (int idleIn = 0; idleIn < 2; idleIn++) {
            Model model = idleInOneMember(idleIn);
            String stuck = "w" + (1 - idleIn) + " waits for f set forever";
            for (Options.Switch sym : new Options.Switch[] {Options.Switch.OFF, Options.Switch.ON, Options.Switch.AUTO}) {
                CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults().withSymmetry(sym));
                assertEquals(Verdict.STUCK, r.verdict(), sym + ": " + r.message());
                assertEquals(stuck, r.message(), sym.toString());
                if (sym != Options.Switch.OFF) {
                    assertTrue(r.notes().stream().anyMatch(n -> n.contains("do not run the same code")), sym + ": " + r.notes());
                }
                assertEquals(r.message(), Replayer.replay(model, RuleSet.empty(), r.schedule()).message(), sym.toString());
            }
        }
    }

    /** A blockedBy that throws: the check's model error, and the replay's too (it threw the raw exception). */
    @Test
    void aBlockReasonThatThrowsIsTheModelsErrorInTheReplayToo() {
        Model.Builder m = Model.builder("block-reason-throws");
        Var f = m.flag("f", false);
        Var g = m.var("g", 0, 1, 0);
        m.thread("w", b -> b.step(Step.named("set_g").does(e -> e.set(g, 1)).build())
                .step(Step.named("wait").when(e -> e.isSet(f)).blockedBy(e -> {
                    throw new IllegalStateException("no reason here");
                }).build()));
        ticker(m);
        Model model = m.build();
        CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        Replayer.Ending end = Replayer.replay(model, RuleSet.empty(), r.schedule());
        assertEquals(Verdict.MODEL_ERROR, end.verdict(), end.message());
        assertTrue(end.message().contains("no reason here"), end.message());
    }

    /**
     * A token that ends where no thread is doomed answers at once, however many states follow (the first version of
     * the replay's analysis searched every one of them, and a lock-order token on a large model ended INCOMPLETE).
     */
    @Test
    void aReplayEndingWhereNothingIsDoomedDoesNotSearchWhatFollows() {
        Model.Builder m = Model.builder("many-counters");
        for (int t = 0; t < 4; t++) {
            Var c = m.var("c" + t, 0, 41, 0);
            Procedure p = m.thread("t" + t);
            Local i = p.local("i", 0, 41);
            p.body(b -> b.forRange(i, 0, 40, x -> x.step(Step.named("inc").does(e -> e.set(c, e.get(c) + 1)).build())));
        }
        Model model = m.build();
        // each counter takes 40 steps or more: at least 41^4 states follow the initial one, more than the replay's search limit
        assertTrue(Math.pow(41, 4) > Replayer.STUCK_SEARCH_LIMIT);
        Replayer.Ending end = Replayer.replay(model, RuleSet.empty(), new int[0]);
        assertEquals(null, end.verdict(), end.message());
        assertEquals("no rule broken, no deadlock, no stuck thread at the end of the schedule", end.message());
    }
}
