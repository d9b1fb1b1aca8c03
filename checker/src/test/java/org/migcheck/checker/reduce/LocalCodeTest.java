package org.migcheck.checker.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * Local code may read no shared state, and whether another thread has finished is shared state. An
 * independent review found a wrong HOLDS under the default options: thread a runs an inert step and then
 * local code that asserts thread b has not finished; the partial-order reduction lets the inert step run
 * alone (local code reads nothing shared, by the rule), so b never finished before the test and the
 * failure (depth 3, 7 states unreduced by hand: b may finish before, between or after a's two steps)
 * was missed. Such local code is now a model error; the same test as a shared-test step fails as it should.
 */
class LocalCodeTest {
    private static Model model(boolean asSharedTest) {
        Model.Builder m = Model.builder("local-reads-finished");
        Var x = m.var("x", 0, 1, 0);
        m.thread("a", b -> {
            b.step(Step.named("nop").build());
            if (asSharedTest) {
                b.ifThen(Cond.of("test_finished", "b", e -> e.finished(1)), t -> t.assertThat("b-not-finished", "b has not finished", e -> false));
            } else {
                b.ifLocal(e -> e.finished(1), t -> t.assertThat("b-not-finished", "b has not finished", e -> false));
            }
        });
        m.thread("b", b -> b.step(Step.named("work").args("x").does(e -> e.set(x, 1)).build()));
        return m.build();
    }

    @Test
    void localCodeReadingAnotherThreadsProgressIsAModelError() {
        for (Options.Switch por : Options.Switch.values()) {
            CheckResult r = Checker.check(model(false), RuleSet.empty(), Options.defaults().withPor(por));
            assertEquals(Verdict.MODEL_ERROR, r.verdict(), por + ": " + r.message());
            assertTrue(r.message().contains("local code of a reads whether thread b has finished"), r.message());
        }
    }

    @Test
    void theSameTestAsASharedStepFailsUnderEveryReduction() {
        for (Options.Switch por : Options.Switch.values()) {
            CheckResult r = Checker.check(model(true), RuleSet.empty(), Options.defaults().withPor(por));
            assertEquals(Verdict.VIOLATED, r.verdict(), por + ": " + r.message());
            assertEquals("b-not-finished", r.ruleId());
        }
        // b finished before a's test in the counterexample: its work comes before a's last step
        CheckResult on = Checker.check(model(true), RuleSet.empty(), Options.defaults());
        java.util.List<String> labels = on.trace().rows().stream().map(org.migcheck.checker.trace.Trace.Row::label).toList();
        assertTrue(labels.indexOf("work(x)") >= 0 && labels.indexOf("work(x)") < labels.size() - 1, labels.toString());
        assertTrue(on.trace().rows().get(on.trace().rows().size() - 1).failure() != null, labels.toString());
    }

    /**
     * Local code at a thread's very start is run to build the initial state: its refusal is a report (MODEL_ERROR,
     * no trace), which every renderer can print; rendering re-ran it and aborted check --all with exit 5.
     */
    @Test
    void aRefusalInTheInitialStateIsAReportWithoutATrace() {
        Model.Builder m = Model.builder("local-at-start");
        Var x = m.flag("x", false);
        m.thread("t", b -> b.ifLocal(e -> e.isSet(x), y -> y.step(Step.named("nop").build())));
        CheckResult r = Checker.check(m.build(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.MODEL_ERROR, r.verdict());
        assertTrue(r.message().contains("local code of t reads shared variable x"), r.message());
        String text = org.migcheck.checker.trace.TextRenderer.render("local-at-start", r, null, null);
        assertTrue(text.contains("MODEL_ERROR"), text);
        assertEquals(null, r.model(), "no model to replay a trace in: the renderers print the error alone");
        assertEquals(0, r.schedule().length);
    }
}
