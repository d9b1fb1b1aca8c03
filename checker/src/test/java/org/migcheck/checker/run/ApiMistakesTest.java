package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;
import org.migcheck.properties.StepView;

/**
 * A Java API user's mistakes, from a review that probed the public API: each is refused or reported naming what is
 * at fault, never a wrong verdict, a NullPointerException from inside the search or a forged line of a report.
 */
class ApiMistakesTest {
    private static Model oneStep(String name) {
        Model.Builder m = Model.builder(name);
        Var x = m.var("x", 0, 1, 0);
        m.thread("t", b -> b.step(Step.named("set").does(e -> e.set(x, 1)).build()));
        return m.build();
    }

    /** Two variants with the same knobs: each is judged by its own declaration (the second passed as the first's HOLDS). */
    @Test
    void aNamedVariantIsJudgedByItsOwnDeclaration() {
        Scenario s = BaseScenario.builder("same-knobs")
                .knob(Knob.bool("fixed", true, "doc"))
                .variant("good", Map.of(), Expect.holds(), "hypothetical")
                .variant("bad", Map.of(), Expect.violated("atomic.sleep"), "hypothetical")
                .model(k -> oneStep("same-knobs"))
                .build();
        ScenarioRunner.Outcome bad = ScenarioRunner.run(s, "bad", Map.of(), KernelRules.all(), Options.defaults().withWorkers(1));
        assertEquals(Verdict.HOLDS, bad.result().verdict());
        assertEquals("violated atomic.sleep", bad.expected().describe());
        assertTrue(!bad.matches(), "bad declares a violation and the model holds");
        assertTrue(ScenarioRunner.run(s, "good", Map.of(), KernelRules.all(), Options.defaults().withWorkers(1)).matches());
    }

    /** What the command line's loader refuses in a plugin, the scenario builder refuses too. */
    @Test
    void aScenarioThatATokenCannotNameIsRefused() {
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> BaseScenario.builder("twice")
                .variant("v", Map.of(), Expect.holds(), "d").variant("v", Map.of(), Expect.holds(), "d").model(k -> oneStep("m")).build());
        assertEquals("scenario twice has two variants named v", twice.getMessage());
        IllegalStateException knobs = assertThrows(IllegalStateException.class, () -> BaseScenario.builder("knobs")
                .knob(Knob.bool("k", true, "d")).knob(Knob.range("k", 1, 3, 2, "d"))
                .variant("v", Map.of(), Expect.holds(), "d").model(k -> oneStep("m")).build());
        assertEquals("scenario knobs has two knobs named k", knobs.getMessage());
        IllegalStateException id = assertThrows(IllegalStateException.class, () -> BaseScenario.builder("bad id:x")
                .variant("v", Map.of(), Expect.holds(), "d").model(k -> oneStep("m")).build());
        assertTrue(id.getMessage().startsWith("scenario id 'bad id:x'"), id.getMessage());
    }

    /** The model's own assertion under a rule set's id is the model's error, not that rule's violation. */
    @Test
    void anAssertionUnderARuleSetsIdIsTheModelsError() {
        Model.Builder m = Model.builder("borrowed-id");
        m.thread("t", b -> b.assertThat("atomic.sleep", "my own check", e -> false));
        Model model = m.build();
        CheckResult r = Checker.check(model, KernelRules.all(), Options.defaults().withWorkers(1));
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertTrue(r.message().contains("failed under the id atomic.sleep, which is a rule's"), r.message());
        // whichever rules are selected (a review of the fix: with the rule skipped it was a violation of the rule skipped)
        for (RuleSet rules : new RuleSet[] {RuleSet.empty(), KernelRules.all().without("atomic.sleep")}) {
            assertEquals(Verdict.MODEL_ERROR, Checker.check(model, rules, Options.defaults().withWorkers(1)).verdict());
        }
        // an id of its own is the model's assertion, as before
        Model.Builder own = Model.builder("own-id");
        own.thread("t", b -> b.assertThat("own.check", "my own check", e -> false));
        CheckResult mine = Checker.check(own.build(), KernelRules.all(), Options.defaults().withWorkers(1));
        assertEquals(Verdict.VIOLATED, mine.verdict(), mine.message());
        assertEquals("own.check", mine.ruleId());
    }

    /** Nulls in the code of a thread are named where they are written, with the procedure. */
    @Test
    void aNullInAThreadsCodeIsNamed() {
        Model.Builder m = Model.builder("nulls");
        ModelError cond = assertThrows(ModelError.class, () -> m.thread("t", b -> b.ifThen(null, y -> { })));
        assertEquals("a shared test (ifThen/ifThenElse condition) of t is null", cond.getMessage());
        ModelError step = assertThrows(ModelError.class, () -> m.thread("u", b -> b.step(null)));
        assertEquals("a step of u is null", step.getMessage());
        ModelError test = assertThrows(ModelError.class, () -> Cond.of("folio_test_dirty", "f", null));
        assertTrue(test.getMessage().contains("has no test"), test.getMessage());
        assertThrows(ModelError.class, () -> Cond.of("two\nlines", "f", e -> true));
        assertEquals("a lock class needs a name, not null",
                assertThrows(ModelError.class, () -> m.lock("L", null, org.migcheck.model.lang.Lock.Kind.MUTEX)).getMessage());
        assertEquals("lock M has no kind (null): Lock.Kind.MUTEX, SPINLOCK or BIT",
                assertThrows(ModelError.class, () -> m.lock("M", "M", null)).getMessage());
    }

    /** Nulls given to the builders of steps and models are named where they are given (a label that threw, a silent HOLDS, a NullPointerException). */
    @Test
    void nullsGivenToBuildersAreNamed() {
        assertEquals("step s has no names for its alternatives (null): a trace names the one taken",
                assertThrows(ModelError.class, () -> Step.named("s").choice(2, null)).getMessage());
        assertEquals("step s has 16777217 alternatives; a transition's label holds at most 16777216",
                assertThrows(ModelError.class, () -> Step.named("s").choice((1 << 24) + 1, i -> "a" + i)).getMessage());
        assertEquals("step s provides a resource without a name (null)",
                assertThrows(ModelError.class, () -> Step.named("s").provides(null)).getMessage());
        Model.Builder m = Model.builder("nulls");
        assertEquals("model nulls registers a null kernel object", assertThrows(ModelError.class, () -> m.register(null)).getMessage());
        assertEquals("model nulls declares a symmetric set without a name (null)",
                assertThrows(ModelError.class, () -> m.symmetric(null, List.of())).getMessage());
        assertEquals("symmetric set s of model nulls has no member list (null)",
                assertThrows(ModelError.class, () -> m.symmetric("s", null)).getMessage());
        assertEquals("symmetric set s of model nulls has a null member",
                assertThrows(ModelError.class, () -> m.symmetric("s", Arrays.asList(new Model.SymmetricMember(List.of("t"), List.of(), List.of()), null)))
                        .getMessage());
        assertTrue(assertThrows(ModelError.class, () -> new Model.SymmetricMember(List.of("t"), null, List.of())).getMessage()
                .startsWith("a symmetric member's threads, objects and ids are lists without nulls"));
        assertTrue(assertThrows(ModelError.class, () -> new Model.SymmetricMember(Arrays.asList("t", null), List.of(), List.of())).getMessage()
                .startsWith("a symmetric member's threads, objects and ids are lists without nulls"));
    }

    /** A null among a step rule's triggers is the rule's error, named (a NullPointerException from inside the search). */
    @Test
    void aNullTriggerIsTheRulesError() {
        StepRule rule = new StepRule() {
            @Override public String id() { return "my.null-trigger"; }
            @Override public String statement() { return "s"; }
            @Override public String kernelRef() { return "k"; }
            @Override public List<Class<? extends Event>> triggers() { return Arrays.asList((Class<? extends Event>) null); }
            @Override public Check check(StepView v) { return Check.ok(); }
        };
        CheckResult r = Checker.check(oneStep("m"), RuleSet.of(List.of(rule), false), Options.defaults().withWorkers(1));
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        assertTrue(r.message().contains("my.null-trigger") && r.message().contains("triggers() holds null"), r.message());
    }

    /** Null arguments to a check are named; a step's text with a newline stays on one line of the trace. */
    @Test
    void nullArgumentsAndForgedRows() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Checker.check(null, RuleSet.empty(), Options.defaults()));
        assertTrue(none.getMessage().endsWith("model is null"), none.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checker.check(oneStep("m"), null, Options.defaults()))
                .getMessage().endsWith("rules is null"));
        Model.Builder m = Model.builder("forged");
        Var x = m.var("x", 0, 1, 0);
        m.thread("t", b -> b.step(Step.named("s").args(e -> "a\n  2  FAKE ROW").does(e -> e.set(x, 1)).build())
                .assertThat("my.fails", "fails", e -> false));
        CheckResult r = Checker.check(m.build(), RuleSet.empty(), Options.defaults().withWorkers(1));
        String text = org.migcheck.checker.trace.TextRenderer.render("forged", r, null, null);
        assertTrue(text.contains("s(a 2  FAKE ROW)"), text);
        assertTrue(Arrays.stream(text.split("\n")).noneMatch(l -> l.strip().startsWith("2  FAKE ROW")), text);
    }

    /** The model's own allocation running out of heap on the initial state ends the search INCOMPLETE, as on any other. */
    @Test
    void theModelsOutOfMemoryOnTheInitialStateIsIncomplete() {
        Invariant greedy = Invariant.of("my.greedy", "allocates too much", "none", s -> {
            throw new OutOfMemoryError("the invariant's own allocation");
        });
        // and a goal's (a review of the fix: the observers ask goals of the initial state before the invariants)
        Model.Builder g = Model.builder("greedy-goal");
        Var x = g.var("x", 0, 1, 0);
        g.thread("t", b -> b.step(Step.named("set").does(e -> e.set(x, 1)).build()));
        g.goal("greedy", v -> {
            throw new OutOfMemoryError("the goal's own allocation");
        });
        Model greedyGoal = g.build();
        for (Options o : new Options[] {Options.defaults().withWorkers(1), Options.defaults().withWorkers(2),
                Options.defaults().withStrategy(org.migcheck.checker.engine.Strategy.DFS)}) {
            CheckResult r = Checker.check(oneStep("m"), RuleSet.of(List.of(greedy), false), o);
            assertEquals(Verdict.INCOMPLETE, r.verdict(), r.message());
            assertEquals("the JVM's heap limit (out of memory)", r.limit());
            CheckResult goal = Checker.check(greedyGoal, RuleSet.empty(), o);
            assertEquals(Verdict.INCOMPLETE, goal.verdict(), goal.message());
            assertEquals("the JVM's heap limit (out of memory)", goal.limit());
        }
    }

    /** A failing assertion on a model whose name has a space of another kind gives its report (it threw while naming it). */
    @Test
    void aModelNamedWithAnyKindOfSpaceGetsItsReport() {
        // a line separator is refused in any name: it splits a report's line
        assertEquals("model name 'ls\\u2028sep' contains a control character or one a report cannot show", assertThrows(ModelError.class, () -> Model.builder("ls\u2028sep")).getMessage());
        for (String name : new String[] {"plain model", "em\u2003space", "ideo\u3000space", "nb\u00a0space"}) {
            Model.Builder m = Model.builder(name);
            m.thread("t", b -> b.assertThat("own.check", "fails", e -> false));
            Model model = m.build();
            org.opentest4j.AssertionFailedError e = assertThrows(org.opentest4j.AssertionFailedError.class,
                    () -> org.migcheck.checker.junit.Migcheck.assertHolds(model, RuleSet.empty(), Options.defaults().withWorkers(1)));
            assertTrue(e.getMessage().contains("VIOLATED own.check"), e.getMessage());
        }
    }

    /** An expectation that names no kind, or a rule for a verdict that has none, is refused where it is written. */
    @Test
    void anExpectationIsWhatItSays() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Expect(null, null, Map.of())).getMessage().contains("needs a kind"));
        assertEquals("only a VIOLATED expectation names a rule; HOLDS names atomic.sleep",
                assertThrows(IllegalArgumentException.class, () -> new Expect(Expect.Kind.HOLDS, "atomic.sleep", Map.of())).getMessage());
        assertEquals("a VIOLATED expectation names the rule, not null",
                assertThrows(IllegalArgumentException.class, () -> Expect.violated(null)).getMessage());
        Map<String, String> unset = new java.util.HashMap<>();
        unset.put("k", null);
        assertEquals("knob k of scenario s takes [false, true], not null", assertThrows(ModelError.class,
                () -> org.migcheck.model.scenarios.Knobs.resolveAll("s", List.of(Knob.bool("k", true, "d")), unset)).getMessage());
        assertEquals("assertViolates needs the id of the rule expected to break, not null", assertThrows(IllegalArgumentException.class,
                () -> org.migcheck.checker.junit.Migcheck.assertViolates(oneStep("m"), RuleSet.empty(), Options.defaults(), null)).getMessage());
    }
}
