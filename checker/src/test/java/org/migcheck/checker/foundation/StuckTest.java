package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/** A waiter nobody wakes while another thread runs forever: STUCK, not DEADLOCK and not HOLDS. */
class StuckTest {

    @Test
    void starvedWaiterIsStuck() {
        for (RuleSet rules : List.of(RuleSet.empty(), KernelRules.all())) {
            CheckResult r = Checker.check(Zoo.starvedWaiterModel(false), rules, Options.defaults());
            assertEquals(Verdict.STUCK, r.verdict(), r.message());
            assertTrue(r.message().startsWith("waiter "), r.message());
            String all = String.join("\n", r.explanation());
            assertTrue(all.contains("waiter"), all);
            assertTrue(r.explanation().get(0).startsWith("waiter blocked in wait_event(ready)"), all);
            assertTrue(all.contains("no live thread can provide ready"), all);
            // the shallowest stuck state is the initial one
            assertEquals(0, r.schedule().length);
            assertEquals(2, r.stats().distinct());
        }
    }

    @Test
    void withTheSetterItHolds() {
        CheckResult r = Checker.check(Zoo.starvedWaiterModel(true), KernelRules.all(), Options.defaults());
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(8, r.stats().distinct());
    }

    @Test
    void withoutLivenessTheGapIsNoted() {
        CheckResult r = Checker.check(Zoo.starvedWaiterModel(false), RuleSet.empty(), Options.defaults().withLiveness(false));
        assertEquals(Verdict.HOLDS, r.verdict(), r.message()); // safety only: nothing else can fail in this model
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("liveness not checked")), r.notes().toString());
    }

    @Test
    void graphOverflowMakesTheRunIncomplete() {
        // without the state graph stuck threads cannot be ruled out: never HOLDS
        CheckResult r = Checker.check(Zoo.starvedWaiterModel(false), RuleSet.empty(), Options.defaults().withMaxGraphEdges(1));
        assertEquals(Verdict.INCOMPLETE, r.verdict(), r.message());
        assertTrue(r.limit().contains("liveness graph"), r.limit());
    }
}
