package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.model.lang.WaitQueue;
import org.migcheck.properties.KernelRules;

/**
 * Wait queues: a wake-up that races with the condition being set again. A waiter waits for a busy
 * flag to clear (the shape of folio_wait_bit on PG_writeback); an ender clears it and wakes the queue;
 * a restarter sets it again (new I/O started) and later clears it and wakes again.
 */
class WaitQueueTest {

    enum Waiter { WAIT_EVENT, NO_RETEST, TEST_BEFORE_PREPARE }

    static Model model(Waiter shape) {
        Model.Builder m = Model.builder("wq-" + shape.name().toLowerCase());
        Var busy = m.flag("busy", true);
        WaitQueue wq = WaitQueue.declare(m, "wq", 3);
        Cond clear = Cond.of("!test_bit(BUSY)", "", e -> !e.isSet(busy));
        Cond isBusy = Cond.of("test_bit(BUSY)", "", e -> e.isSet(busy));
        Step endIo = Step.named("clear_bit(BUSY)").does(e -> e.set(busy, false)).build();
        Step startIo = Step.named("set_bit(BUSY)").does(e -> e.set(busy, true)).build();
        m.thread("waiter", b -> {
            switch (shape) {
                case WAIT_EVENT -> wq.waitEvent(clear, e -> !e.isSet(busy), "!BUSY", false).accept(b);
                case NO_RETEST -> b                             // tests once, sleeps once, proceeds
                        .step(wq.prepareToWait(false))
                        .ifThen(isBusy, s -> s.step(wq.schedule()))
                        .step(wq.finishWait(e -> !e.isSet(busy), "!BUSY"));
                case TEST_BEFORE_PREPARE -> b                   // the lost wake-up: test, then prepare
                        .forever(loop -> loop
                                .ifThen(clear, Body -> Body.breakLoop())
                                .step(wq.prepareToWait(false))
                                .step(wq.schedule()))
                        .step(wq.finishWait(e -> !e.isSet(busy), "!BUSY"));
            }
        });
        m.thread("ender", b -> b.step(endIo).step(wq.wakeUp(false)));
        m.thread("restarter", b -> b
                .ifThen(clear, again -> again.step(startIo).step(endIo).step(wq.wakeUp(false))));
        m.goal("waiter-slept-and-woke", v -> v.finished(0) && v.finished(1));
        return m.build();
    }

    @Test
    void waitEventReTestsAfterWakingAndHolds() {
        Migcheck.assertHolds(model(Waiter.WAIT_EVENT));
        Migcheck.assertReachable(model(Waiter.WAIT_EVENT), "waiter-slept-and-woke");
    }

    @Test
    void aWaiterThatDoesNotReTestIsCaughtWhenTheConditionIsSetAgain() {
        CheckResult r = Migcheck.assertViolates(model(Waiter.NO_RETEST), KernelRules.all(), Migcheck.options(), "wait.condition");
        Trace t = r.trace();
        String steps = String.join(" | ", t.rows().stream().map(Trace.Row::label).toList());
        // the shortest race, by hand: waiter prepares, sees BUSY (2); ender clears and wakes it (2);
        // the restarter sees it clear and sets it again (2); the waiter returns from schedule and leaves (2)
        assertEquals(8, r.schedule().length, steps);
        assertTrue(steps.indexOf("wake_up(wq)") < steps.indexOf("set_bit(BUSY)"), steps);
        assertTrue(steps.indexOf("wake_up(wq)") < steps.indexOf("schedule(wq)"), steps);
        assertTrue(steps.endsWith("finish_wait(wq)"), steps);
        assertTrue(r.message().contains("waiter leaves its wait on wq while !BUSY is false"), r.message());
    }

    @Test
    void testingBeforePrepareToWaitLosesTheWakeUp() {
        // the restarter finds BUSY still set and does nothing; the ender's wake-up comes between the
        // waiter's test and its prepare_to_wait, so it wakes nobody, and the waiter sleeps forever
        CheckResult r = Migcheck.assertDeadlock(model(Waiter.TEST_BEFORE_PREPARE));
        assertTrue(r.explanation().get(0).startsWith("waiter blocked in schedule(wq)"), r.explanation().toString());
    }

    /** Truncate waits for writeback on a folio the flusher writes back; {@code queued}: the wait-queue form. */
    static Model truncateVsWriteback(boolean queued, boolean flusherEnds) {
        Model.Builder m = Model.builder("wq-truncate-" + queued + "-" + flusherEnds);
        org.migcheck.model.mm.Mm mm = new org.migcheck.model.mm.Mm(m);
        org.migcheck.model.mm.Mapping map = mm.mapping("mapping0", org.migcheck.model.mm.Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        org.migcheck.model.mm.Folio f = mm.folio("folio0", map, new org.migcheck.model.mm.Folio.Init().dirty(true).ref(2));
        org.migcheck.model.mm.FolioRef F = org.migcheck.model.mm.FolioRef.fixed(f);
        WaitQueue wq = WaitQueue.declare(m, "folio0.waitq");
        org.migcheck.model.lang.Cond inCache = org.migcheck.model.lang.Cond.of("folio->mapping == mapping", "folio0", e -> e.isSet(f.inCache));
        mm.thread("flusher").body(b -> b         // holds the lookup reference from the start (ref 2)
                .step(org.migcheck.model.mm.FolioOps.folioLock(F))
                .ifThenElse(inCache, write -> {
                    write.step(org.migcheck.model.mm.FolioOps.folioStartWriteback(F))
                            .step(org.migcheck.model.mm.FolioOps.folioUnlock(F));
                    if (flusherEnds) {
                        write.step(queued ? org.migcheck.model.mm.FolioOps.folioEndWritebackWaking(F, wq)
                                : org.migcheck.model.mm.FolioOps.folioEndWriteback(F));
                    }
                }, gone -> gone.step(org.migcheck.model.mm.FolioOps.folioUnlock(F)))
                .step(org.migcheck.model.mm.FolioOps.folioPut(F)));
        mm.thread("truncate").body(b -> {
            b.step(org.migcheck.model.mm.FolioOps.folioLock(F));
            if (queued) {
                org.migcheck.model.mm.FolioOps.folioWaitWritebackQueued(F, wq).accept(b);
            } else {
                b.step(org.migcheck.model.mm.FolioOps.folioWaitWriteback(F));
            }
            b.step(org.migcheck.model.mm.FolioOps.filemapRemoveFolio(F)).step(org.migcheck.model.mm.FolioOps.folioUnlock(F));
        });
        return m.build();
    }

    @Test
    void queuedWritebackWaitGivesTheVerdictsOfTheOneStepWait() {
        Migcheck.assertHolds(truncateVsWriteback(false, true));
        Migcheck.assertHolds(truncateVsWriteback(true, true));
        CheckResult flag = Migcheck.assertDeadlock(truncateVsWriteback(false, false));
        CheckResult queue = Migcheck.assertDeadlock(truncateVsWriteback(true, false));
        assertTrue(flag.explanation().get(0).startsWith("truncate blocked in folio_wait_writeback(folio0)"), flag.explanation().toString());
        assertTrue(queue.explanation().get(0).startsWith("truncate blocked in schedule(folio0.waitq)"), queue.explanation().toString());
        assertTrue(queue.explanation().stream().anyMatch(l -> l.contains("no live thread can provide wake_up(folio0.waitq)")),
                queue.explanation().toString());
    }
}
