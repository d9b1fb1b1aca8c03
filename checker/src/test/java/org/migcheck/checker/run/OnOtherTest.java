package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;

/**
 * {@link Replayer#onOther} where the other model offers fewer alternatives of a step, and where a state on the way breaks
 * an invariant: the schedule stops there, counted by hand.
 */
class OnOtherTest {

    /** chooser: pick c among {@code choices}, then publish sel := c + 1; reader: one step. */
    private static Model choice(int choices) {
        Model.Builder b = Model.builder("choice" + choices);
        Var sel = b.var("sel", 0, 3, 0);
        Procedure chooser = b.thread("chooser");
        Local c = chooser.local("c", 0, 2);
        chooser.body(body -> body
                .step(Steps.choose("pick", c, choices, a -> new String[] {"a", "b", "c"}[a]))
                .step(Step.named("publish").args(e -> "c=" + e.local(c)).does(e -> e.set(sel, e.local(c) + 1)).build()));
        b.thread("reader", body -> body.step(Step.named("look").build()));
        return b.build();
    }

    private static final int[] PICK_C_PUBLISH_LOOK = {Trace.label(0, 2), Trace.label(0, 0), Trace.label(1, 0)};

    @Test
    void aStepWithoutTheAlternativeStopsTheSchedule() {
        Replayer.OnOther o = Replayer.onOther(choice(3), choice(2), RuleSet.empty(), PICK_C_PUBLISH_LOOK);
        assertEquals(List.of(0, 1), List.of(o.ran(), o.firstDifference()));
        assertEquals("chooser has 2 alternatives here (pick() -> a, pick() -> b), not the schedule's alternative 2 (counted from 0)",
                o.stopped());
        // on the same model every step runs and none differs
        Replayer.OnOther same = Replayer.onOther(choice(3), choice(3), RuleSet.empty(), PICK_C_PUBLISH_LOOK);
        assertEquals(List.of(3, 0), List.of(same.ran(), same.firstDifference()));
        assertNull(same.stopped());
    }

    @Test
    void aStateThatBreaksAnInvariantEndsTheSchedule() {
        Invariant notThree = Invariant.of("test.sel-not-3", "sel is never 3", "-",
                s -> Check.unless(s.get(s.model().vars().get(0)) == 3, () -> "sel is 3"));
        Replayer.OnOther o = Replayer.onOther(choice(3), choice(3), RuleSet.of(List.of(notThree), false), PICK_C_PUBLISH_LOOK);
        // publish (step 2) makes sel 3: the schedule's third step is not taken, which is where the two runs part
        assertEquals(List.of(2, 3), List.of(o.ran(), o.firstDifference()));
        assertNull(o.stopped());
        assertEquals(Verdict.VIOLATED, o.ending().verdict());
        assertEquals("test.sel-not-3", o.ending().ruleId());
    }
}
