package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.ci.rules.Runs.check;
import static org.migcheck.ci.rules.Runs.expect;
import static org.migcheck.ci.rules.Runs.report;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.zoo.Zoo;

/**
 * Stuck threads: no deadlock state exists (some thread can always move), yet a thread waits for
 * something no continuation provides. The verdict is STUCK, not HOLDS.
 */
class StuckKindTest {

    /** waiter waits for ready; ticker toggles ticks forever; nobody sets ready. States: ticks 0/1 = 2. */
    @Test
    void starvedWaiterIsStuck() {
        CheckResult r = expect(check(Zoo.starvedWaiterModel(false)), Verdict.STUCK);
        assertEquals(2, r.stats().distinct());
        assertTrue(r.message().startsWith("waiter "), r.message());
        assertTrue(r.message().contains("ready"), r.message());
        assertEquals(0, r.schedule().length, "stuck from the initial state on");
        assertTrue(r.explanation().stream().anyMatch(l -> l.contains("no live thread can provide ready")), report(r));
    }

    @Test
    void starvedWaiterWithASetterHolds() {
        expect(check(Zoo.starvedWaiterModel(true)), Verdict.HOLDS);
    }

    /**
     * The Zoo model with a third thread that sets ready only later, after a step of its own. By hand:
     * ticks (2) x (setter, waiter): while the setter has not set ready (before msleep, before
     * set_ready) the waiter is blocked before wait_event (2 pairs); once it has, the waiter is before
     * wait_event (now enabled, ready set), before consume, or finished with ready consumed (3 pairs):
     * 2 * (2 + 3) = 10.
     */
    @Test
    void aSetterThatComesLaterStillLetsTheWaiterGo() {
        Model.Builder b = Model.builder("late-setter");
        Var ready = b.flag("ready", false);
        Var ticks = b.var("ticks", 0, 1, 0);
        b.thread("waiter", body -> body
                .step(Step.named("wait_event").args("ready").when(e -> e.isSet(ready))
                        .blockedBy(e -> new BlockReason.OnCondition("ready to be set", "ready")).build())
                .step(Step.named("consume").args("ready").does(e -> e.set(ready, false)).build()));
        // the ticker runs forever by design: a daemon, so its never finishing is not a liveness failure
        b.thread("ticker").daemon().body(body -> body.forever(l -> l
                .step(Step.named("tick").args("ticks").does(e -> e.set(ticks, 1 - e.get(ticks))).build())));
        b.thread("setter", body -> body.step(Step.named("msleep").args("10").build())
                .step(Step.named("set_ready").args("ready").provides("ready").does(e -> e.set(ready, true)).build()));
        Model m = b.build();
        CheckResult r = expect(check(m), Verdict.HOLDS);
        // the exact count is the unreduced search's (partial-order reduction skips the state before the inert msleep)
        CheckResult plain = expect(org.migcheck.checker.run.Checker.check(m, org.migcheck.properties.KernelRules.all(),
                org.migcheck.checker.run.Options.defaults().unreduced()), Verdict.HOLDS);
        assertEquals(10, plain.stats().distinct());
        assertEquals(10, Runs.reachableStates(m));
        assertTrue(r.stats().distinct() <= plain.stats().distinct());
    }

    // ---------------------------------------------------------------- PG_writeback nobody ends

    /**
     * folio0 is under writeback; reclaimer waits for it (folio_wait_writeback). fuse-server is the
     * only thread with folio_end_writeback(folio0) in its code, but it sits in a request loop it
     * leaves only when reply is set. With {@code abort}, a third thread (fuse_abort_conn) sets it.
     */
    static Model writebackModel(boolean abort) {
        Model.Builder b = Model.builder(abort ? "writeback-ended" : "writeback-never-ends");
        Folio f = new Mm(b).folio("folio0", null, new Folio.Init().writeback(true));
        FolioRef f0 = FolioRef.fixed(f);
        Var reply = b.flag("reply", false);
        Var polls = b.var("polls", 0, 1, 0);
        b.thread("reclaimer", body -> body.step(FolioOps.folioWaitWriteback(f0)));
        b.thread("fuse-server", body -> body
                .forever(loop -> loop
                        .step(Step.named("fuse_dev_do_read").args("fc").does(e -> e.set(polls, 1 - e.get(polls))).build())
                        .ifThen(Cond.of("READ_ONCE", "reply", e -> e.isSet(reply)), done -> done.breakLoop()))
                .step(FolioOps.folioEndWriteback(f0)));
        if (abort) {
            b.thread("abort", body -> body.step(Step.named("fuse_abort_conn").args("fc").does(e -> e.set(reply, true)).build()));
        }
        return b.build();
    }

    @Test
    void waitingOnWritebackThatNoLiveThreadWillEndIsStuck() {
        CheckResult r = expect(check(writebackModel(false)), Verdict.STUCK);
        assertTrue(r.message().contains("reclaimer"), r.message());
        assertTrue(r.message().contains("PG_writeback"), r.message());
        assertTrue(r.message().contains("folio0"), r.message());
        String expl = String.join("\n", r.explanation());
        assertTrue(expl.contains("PG_writeback"), expl);
        assertTrue(expl.contains("reclaimer blocked in folio_wait_writeback(folio0)"), expl);
        assertTrue(expl.contains("fuse-server (folio_end_writeback)"), "the provider exists in the code: " + expl);
    }

    @Test
    void writebackEndedAfterTheAbortHolds() {
        expect(check(writebackModel(true)), Verdict.HOLDS);
    }
}
