package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;

/** Protocol mutants on small models whose outcome is known by hand. */
class ProtocolMutationTest {

    /** When both threads are done, both increments are in x. */
    private static final Invariant NO_LOST_UPDATE = Invariant.of("test.no-lost-update", "both increments land", "-",
            s -> s.finished(0) && s.finished(1) && s.get(s.model().vars().stream().filter(v -> v.name().equals("x")).findFirst().orElseThrow()) != 2
                    ? Check.violated("x = " + s.get(s.model().vars().stream().filter(v -> v.name().equals("x")).findFirst().orElseThrow()))
                    : Check.ok());

    /** Two threads increment x (read into a local, write back) under a mutex; {@code trylock}: t1 trylocks and gives up when busy. */
    private static Model counter(boolean trylock) {
        Model.Builder b = Model.builder("counter-mutex");
        Lock l = b.mutex("L");
        Var x = b.var("x", 0, 2, 0);
        for (String name : List.of("t1", "t2")) {
            Procedure p = b.thread(name);
            Local tmp = p.local("tmp", 0, 2);
            Local ok = p.local("ok", 0, 1);
            Step read = Step.named("read").args("x").does(e -> e.setLocal(tmp, e.get(x))).build();
            Step write = Step.named("write").args("x").does(e -> e.set(x, e.local(tmp) + 1)).build();
            if (trylock && name.equals("t1")) {
                p.body(body -> body.step(Steps.trylock("mutex_trylock", e -> l, ok))
                        .ifLocal(e -> e.local(ok) == 1, got -> got.step(read).step(write).step(Steps.unlock("mutex_unlock", l)))
                        .ifLocal(e -> e.local(ok) == 0, busy -> busy.step(Steps.lock("mutex_lock", l)).step(read).step(write)
                                .step(Steps.unlock("mutex_unlock", l))));
            } else {
                p.body(body -> body.step(Steps.lock("mutex_lock", l)).step(read).step(write).step(Steps.unlock("mutex_unlock", l)));
            }
        }
        return b.build();
    }

    private static List<Mutations.Mutant> mutate(Model m, RuleSet rules, Map<String, String> survivors) {
        CheckResult base = Checker.check(m, rules, Options.defaults());
        assertEquals(Verdict.HOLDS, base.verdict(), base.message());
        return Mutations.run(m, base, rules, Options.defaults(), survivors, Map.of());
    }

    private static Mutations.Mutant find(List<Mutations.Mutant> ms, String id) {
        List<Mutations.Mutant> hits = ms.stream().filter(m -> m.id().equals(id)).toList();
        assertEquals(1, hits.size(), () -> id + " among " + ms.stream().map(Mutations.Mutant::id).toList());
        return hits.get(0);
    }

    @Test
    void removingALockPairLosesAnUpdateAndIsNoModelError() {
        RuleSet rules = RuleSet.of(List.of(NO_LOST_UPDATE), false);
        List<Mutations.Mutant> ms = mutate(counter(false), rules, Map.of());
        // one thread unlocked: its read and write can straddle the other's whole critical section
        Mutations.Mutant noLock = find(ms, "no-lock t1: mutex_lock");
        assertEquals(Mutations.Fate.KILLED, noLock.fate(), noLock.result().message());
        assertEquals("test.no-lost-update", noLock.result().ruleId());
        // moving the read before the lock, or the write after the unlock, loses the update too
        assertEquals("test.no-lost-update", find(ms, "swap t1: mutex_lock <> read").result().ruleId());
        assertEquals("test.no-lost-update", find(ms, "swap t1: write <> mutex_unlock").result().ruleId());
        // swaps only move steps out of critical sections: never read <> write, never unlock <> unlock
        assertTrue(ms.stream().noneMatch(m -> m.id().contains("read <> write")));
        // each thread: one no-wait, one no-lock, two swaps
        assertEquals(8, ms.size(), ms.stream().map(Mutations.Mutant::id).toList().toString());
    }

    @Test
    void aRemovedTrylockSucceedsWithoutTakingTheLockAndItsReleaseIsSkipped() {
        RuleSet rules = RuleSet.of(List.of(NO_LOST_UPDATE), false);
        List<Mutations.Mutant> ms = mutate(counter(true), rules, Map.of());
        Mutations.Mutant m = find(ms, "no-lock t1: mutex_trylock");
        // not a model error (unlock of a free mutex): the matching mutex_unlock is skipped
        assertEquals(Mutations.Fate.KILLED, m.fate(), m.result().message());
        assertEquals("test.no-lost-update", m.result().ruleId());
    }

    @Test
    void aModelErrorIsNotEvaluatedNeverKilled() {
        // t2 releases the lock t1 took (a hand-off a mutex does not allow) only when t1's wait is removed
        Model.Builder b = Model.builder("steal");
        Lock l = b.mutex("L");
        b.thread("t1", body -> body.step(Steps.lock("mutex_lock", l)).step(Steps.unlock("mutex_unlock", l)));
        b.thread("t2", body -> body.step(Steps.lock("mutex_lock", l)).step(Steps.unlock("mutex_unlock", l)));
        List<Mutations.Mutant> ms = mutate(b.build(), RuleSet.empty(), Map.of());
        Mutations.Mutant m = find(ms, "no-wait t1: mutex_lock");
        assertEquals(Verdict.MODEL_ERROR, m.result().verdict());
        assertEquals(Mutations.Fate.NOT_EVALUATED, m.fate());
        // both threads' no-wait mutants steal the lock; the no-lock mutants just run unlocked and hold
        assertEquals(2, Mutations.count(ms, Mutations.Fate.NOT_EVALUATED), Mutations.summary(ms));
        assertEquals(0, Mutations.count(ms, Mutations.Fate.KILLED), Mutations.summary(ms));
        assertEquals(Mutations.Fate.SURVIVED, find(ms, "no-lock t1: mutex_lock").fate());
    }

    @Test
    void aForcedTestThatNeverDiffersIsEquivalentAndDeclaredSurvivorsAreExplained() {
        Model.Builder b = Model.builder("flag-test");
        Var flag = b.flag("flag", false);
        Var done = b.flag("done", false);
        b.thread("t", body -> body.ifThenElse(Cond.of("test_flag", "flag", e -> e.isSet(flag)),
                set -> set.step(Step.named("act").does(e -> e.set(done, true)).build()),
                clear -> clear.step(Step.named("skip").build())));
        Map<String, String> declared = Map.of("test-true t: *", "acting is harmless here", "no-wait t: gone", "stale on purpose");
        List<Mutations.Mutant> ms = mutate(b.build(), RuleSet.empty(), declared);
        // the flag is never set: forcing false changes nothing, forcing true runs "act"
        Mutations.Mutant never = find(ms, "test-false t: if test_flag");
        assertEquals(Mutations.Fate.EQUIVALENT, never.fate());
        Mutations.Mutant forced = find(ms, "test-true t: if test_flag");
        assertEquals(Mutations.Fate.SURVIVED, forced.fate());
        assertEquals("acting is harmless here", forced.explanation());
        assertTrue(!forced.unexplained());
        assertNull(never.explanation());
        assertEquals(List.of("no-wait t: gone: no such mutant"), Mutations.stale(ms, declared));
    }
}
