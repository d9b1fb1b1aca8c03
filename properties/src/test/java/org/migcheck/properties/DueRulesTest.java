package org.migcheck.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.BoundReached;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.LockEvent;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Var;

/** Which step rules judge a transition: the decision the search and the footprints' tables share. */
class DueRulesTest {

    private static final Model MODEL;
    private static final Var X;
    private static final Var Y;
    private static final Lock L;

    static {
        Model.Builder b = Model.builder("due");
        X = b.var("x", 0, 3, 0);
        Y = b.var("y", 0, 3, 0);
        L = b.mutex("L");
        b.thread("t", body -> body.step(org.migcheck.model.lang.Step.named("nop").build())); // a thread needs a step
        MODEL = b.build();
    }

    private static StepRule plain(String id) {
        return StepRule.of(id, id, "mm/filemap.c", v -> Check.ok());
    }

    private static StepRule watchingX(String id) {
        return StepRule.onChange(id, id, "mm/filemap.c", m -> List.of(X), v -> Check.ok());
    }

    private static StepRule onLock(String id, boolean vacuous) {
        return StepRule.onEvents(id, id, "mm/filemap.c", LockEvent.class, m -> vacuous, v -> Check.ok());
    }

    private static final List<Event> NONE = List.of();
    private static final List<Event> ACQUIRE = List.of(new LockEvent.Acquired(L, 0, false));

    @Test
    void eachKindOfRuleIsDueWhereTheSearchRunsIt() {
        DueRules d = new DueRules(MODEL, List.of(plain("always"), watchingX("on-x"), onLock("on-lock", false),
                onLock("vacuous", true)));
        int xSlot = X.slot();
        // no event, nothing changed: only the rule without triggers or watched variables
        assertEquals(0b0001, d.due(NONE, s -> false));
        // x changed: the watching rule as well; y changed: not
        assertEquals(0b0011, d.due(NONE, s -> s == xSlot));
        assertEquals(0b0001, d.due(NONE, s -> s == Y.slot()));
        // a lock event: the triggered rule, never the vacuous one
        assertEquals(0b0101, d.due(ACQUIRE, s -> false));
        assertEquals(0b0100, d.triggeredBy(LockEvent.Released.class));
        assertEquals(0, d.triggeredBy(BoundReached.class));
        // the same filter on whole state vectors
        int[] before = new int[Math.max(xSlot, Y.slot()) + 1];
        int[] after = before.clone();
        after[Y.slot()] = 1;
        assertEquals(0b0001, d.dropUnchanged(0b0011, before, after));
        after[xSlot] = 2;
        assertEquals(0b0011, d.dropUnchanged(0b0011, before, after));
    }

    /**
     * A rule vacuous on the model is never due, wherever it stands: past the 63rd rule every rule shares the last
     * bit, and vacuous ones there were due on every transition (a user's rule that throws off its own model was run).
     */
    @Test
    void aVacuousRuleIsNeverDuePastTheSixtyThirdRule() {
        List<StepRule> rules = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            rules.add(onLock("r" + i, true));
        }
        DueRules d = new DueRules(MODEL, rules);
        assertEquals(0, d.size(), "all 70 are vacuous on the model");
        assertEquals(0, d.due(ACQUIRE, s -> true));
        assertEquals(0, d.due(NONE, s -> true));
        assertFalse(d.judgesInertSteps());
        // one real rule among them, placed 66th: the only one kept, with the first bit
        rules.set(65, plain("real"));
        DueRules one = new DueRules(MODEL, rules);
        assertEquals(1, one.size());
        assertEquals("real", one.rule(0).id());
        assertEquals(1L, one.due(NONE, s -> false));
    }

    @Test
    void rulesFromTheSixtyFourthOnShareOneBitAndAreAlwaysDue() {
        List<StepRule> rules = new ArrayList<>();
        for (int i = 0; i < 63; i++) {
            rules.add(onLock("r" + i, false));
        }
        rules.add(onLock("r63", false));
        rules.add(watchingX("r64"));
        DueRules d = new DueRules(MODEL, rules);
        assertEquals(1L << 63, d.due(NONE, s -> false));
        assertEquals(DueRules.bit(64), DueRules.bit(63));
        assertEquals(-1L, d.due(ACQUIRE, s -> false));
        // r64 watches x but beyond the 63rd rule no filter applies: it judges inert steps too
        assertTrue(d.judgesInertSteps());
    }

    @Test
    void inertStepsAreJudgedByUnfilteredRulesAndRulesOnReachedBounds() {
        assertTrue(new DueRules(MODEL, List.of(plain("always"))).judgesInertSteps());
        assertFalse(new DueRules(MODEL, List.of(watchingX("on-x"), onLock("on-lock", false))).judgesInertSteps());
        StepRule bound = StepRule.onEvents("bound", "bound", "mm/vmscan.c", BoundReached.class, v -> Check.ok());
        assertTrue(new DueRules(MODEL, List.of(bound)).judgesInertSteps());
        assertFalse(new DueRules(MODEL, List.of()).judgesInertSteps());
    }

    @Test
    void aRuleWatchingAnotherModelsVariableIsNamed() {
        Model.Builder other = Model.builder("other");
        Var z = other.var("z", 0, 1, 0);
        StepRule foreign = StepRule.onChange("foreign", "foreign", "mm/filemap.c", m -> List.of(z), v -> Check.ok());
        ModelError e = assertThrows(ModelError.class, () -> new DueRules(MODEL, List.of(foreign)));
        assertTrue(e.getMessage().startsWith("step rule foreign watches "), e.getMessage());
    }
}
