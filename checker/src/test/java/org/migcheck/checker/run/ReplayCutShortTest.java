package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;

/**
 * A schedule cut short before a failure is no stuck thread: a check reports STUCK only after a whole search in which no
 * transition or state fails. A review found the prefixes of a token whose failure is a broken invariant still replayed
 * to STUCK (exit 3): only failing transitions and deadlocks were looked for ahead, not the invariants of the states.
 */
class ReplayCutShortTest {
    /** waiter blocks for good on a flag no one sets; t1 counts to 3, which breaks the invariant; a daemon ticks for ever. */
    private static Model model() {
        Model.Builder m = Model.builder("cut-short");
        Var ready = m.flag("ready", false);
        Var x = m.counter("x", 0, 10, 0);
        m.thread("waiter", b -> b.step(Step.named("wait_event").args("ready").when(e -> e.isSet(ready))
                .blockedBy(e -> new BlockReason.OnCondition("ready to be set", "ready")).build()));
        m.thread("t1", b -> b.step(Step.named("inc1").does(e -> e.add(x, 1)).build())
                .step(Step.named("inc2").does(e -> e.add(x, 1)).build())
                .step(Step.named("inc3").does(e -> e.add(x, 1)).build()));
        Var ticks = m.var("ticks", 0, 1, 0);
        m.thread("ticker").daemon().body(b -> b.forever(body -> body
                .step(Step.named("tick").args("ticks").does(e -> e.set(ticks, 1 - e.get(ticks))).build())));
        return m.build();
    }

    private static final Invariant SMALL = new Invariant() {
        @Override public String id() { return "test.x-small"; }
        @Override public String statement() { return "x stays below 3"; }
        @Override public String kernelRef() { return "none"; }
        @Override public Check check(org.migcheck.model.lang.StateView s) {
            return s.get(s.model().vars().stream().filter(v -> v.name().equals("x")).findFirst().orElseThrow()) >= 3
                    ? Check.violated("x reached 3") : Check.ok();
        }
    };

    @Test
    void aPrefixOfAnInvariantsCounterexampleIsNotStuck() {
        Model model = model();
        RuleSet rules = RuleSet.of(List.of(SMALL), false);
        CheckResult whole = Checker.check(model, rules, Options.defaults().withWorkers(1));
        assertEquals(Verdict.VIOLATED, whole.verdict(), whole.message());
        assertEquals("test.x-small", whole.ruleId());
        int[] token = whole.schedule();
        assertEquals(Verdict.VIOLATED, Replayer.replay(model, rules, token).verdict());
        for (int cut = 0; cut < token.length; cut++) {
            Replayer.Ending e = Replayer.replay(model, rules, java.util.Arrays.copyOf(token, cut));
            assertEquals(null, e.verdict(), cut + " steps: " + e.verdict() + " " + e.message());
            assertTrue(e.message().startsWith("a failure still follows the last state") || e.message().startsWith("a step from the last state"),
                    cut + " steps: " + e.message());
        }
        // without the invariant the waiter is stuck, and every prefix of nothing says so
        CheckResult none = Checker.check(model, RuleSet.empty(), Options.defaults().withWorkers(1));
        assertEquals(Verdict.STUCK, none.verdict(), none.message());
        assertEquals(Verdict.STUCK, Replayer.replay(model, RuleSet.empty(), none.schedule()).verdict());
    }

    /**
     * A token whose path breaks an invariant before its last step does not fit: the check would have stopped there. A
     * review's mutant that replayed it to that violation survived every test.
     */
    @Test
    void aTokenThatFailsBeforeItsEndIsRefused() {
        Model.Builder b = Model.builder("early");
        Var x = b.var("x", 0, 1, 0);
        b.thread("T0", body -> body.step(Step.named("set").does(e -> e.set(x, 1)).build()));
        b.thread("T1", body -> body.step(Step.named("nop").build()));
        Model m = b.build();
        RuleSet rules = RuleSet.of(List.of(Invariant.of("probe.x-zero", "x stays 0", "test",
                st -> Check.unless(st.get(x) == 1, () -> "x = 1"))), false);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Replayer.replay(m, rules, new int[] {ModelSystem.label(0, 0), ModelSystem.label(1, 0)}));
        assertTrue(e.getMessage().contains("already fails"), e.getMessage());
        // the token that ends where it fails replays to the violation
        assertEquals(Verdict.VIOLATED, Replayer.replay(m, rules, new int[] {ModelSystem.label(0, 0)}).verdict());
    }
}
