package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * The determinism check ({@code --check-determinism}, on for users' scenarios and the Java API): each state's steps
 * run twice, and a step whose two runs disagree is the model's error. Without it, code that reads more than the state
 * gave a HOLDS about no model at all in most runs of a review's model (the path rebuild catches it only sometimes).
 */
class DeterminismTest {

    /** Flips on every call: what a static field or a counter kept in a lambda does. */
    private static int calls;

    /**
     * t1 sets x to 1 or 2 depending on the flip (an effect that reads a static field), t2 tests the flip in a guard
     * (waits on it); the assertion never breaks whichever way the flips go, so without the check it holds.
     */
    private static Model flipping() {
        Model.Builder m = Model.builder("flipping");
        Var x = m.var("x", 0, 2, 0);
        Var y = m.flag("y", false);
        m.thread("t1", b -> b.step(Step.named("WRITE_ONCE").args("x").does(e -> e.set(x, calls++ % 2 == 0 ? 1 : 2)).build())
                .step(Steps.assertion("flip.bounded", "x at most 2", e -> e.get(x) <= 2)));
        m.thread("t2", b -> b.ifThen(Cond.of("flip", "the static flip", c -> calls++ % 2 == 0), y2 -> y2.step(
                Step.named("set_y").does(e -> e.set(y, 1)).build())));
        return m.build();
    }

    @Test
    void stepsThatDisagreeWithThemselvesAreTheModelsErrorUnderEveryStrategy() {
        Options on = Options.defaults().withDeterminism(Options.Switch.ON);
        for (Options o : new Options[] {on, on.withWorkers(1), on.unreduced().withWorkers(2), on.withStrategy(Strategy.DFS),
                on.withRandom(3, 50)}) {
            for (int run = 0; run < 5; run++) {
                CheckResult r = Checker.check(flipping(), RuleSet.empty(), o);
                assertEquals(Verdict.MODEL_ERROR, r.verdict(), o + ": " + r.message());
                // found by the check (naming the thread and step), or, when the two runs of a state happened to agree,
                // by the path rebuild
                assertTrue(r.message().startsWith("the model is not deterministic: its steps, run twice on the same state, disagree (")
                        && (r.message().contains("(thread t1, step ") || r.message().contains("(thread t2, step "))
                        || r.message().startsWith("the model is not deterministic: a state at depth"), r.message());
                assertEquals(0, r.schedule().length, "no path: the model's steps would not replay the same");
            }
        }
    }

    /** A deterministic model's results are the same with the check: verdicts, counts, depths and schedules. */
    @Test
    void catalogueAndRandomModelsGiveTheSameResultsWithTheCheck() {
        int n = 0;
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            same((String) c[0], (Model) c[1], KernelRules.all());
            n++;
        }
        assertTrue(n >= 50, n + " catalogue variants");
        for (long seed = 1; seed <= 300; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            same("seed " + seed, c.model(), c.rules());
        }
    }

    private static void same(String name, Model m, RuleSet rules) {
        CheckResult off = Checker.check(m, rules, Options.defaults().withDeterminism(Options.Switch.OFF));
        CheckResult on = Checker.check(m, rules, Options.defaults().withDeterminism(Options.Switch.ON));
        EngineDifferentialTest.sameCheck(name + ": " + on.message(), off, on);
    }

    /** AUTO: on for a scenario that is not bundled (a user's), off for the catalogue's; Options.defaults() is AUTO. */
    @Test
    void usersScenariosAreCheckedByDefaultAndBundledOnesAreNot() {
        Scenario mine = BaseScenario.builder("flipping-user").title("a user's model").reference("test")
                .model(k -> flipping()).variant("v", Map.of(), Expect.holds(), "holds, were it deterministic").build();
        assertFalse(ScenarioRunner.bundled(mine));
        ScenarioRunner.Outcome o = ScenarioRunner.run(mine, "v", Map.of(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.MODEL_ERROR, o.result().verdict(), o.result().message());
        assertTrue(o.result().message().startsWith("the model is not deterministic"), o.result().message());
        Scenario abba = Catalogue.find("abba");
        assertTrue(ScenarioRunner.bundled(abba));
        assertEquals(Verdict.DEADLOCK, ScenarioRunner.run(abba, "default", Map.of(), KernelRules.all(), Options.defaults()).result().verdict());
    }

    /** blockedBy throws on every other call: the thread is blocked in one run and fails in the other. */
    private static Model blockedByFlips() {
        Model.Builder m = Model.builder("blocked-by-flips");
        Var x = m.var("x", 0, 2, 0);
        m.thread("t1", b -> b.step(Step.named("wait_x").when(e -> e.get(x) == 2).blockedBy(e -> {
            if (calls++ % 2 == 1) {
                throw new IllegalStateException("odd call");
            }
            return new org.migcheck.model.lang.BlockReason.OnCondition("x == 2", "x");
        }).does(e -> e.set(x, 1)).build()));
        m.thread("t2", b -> b.step(Step.named("s1").does(e -> e.set(x, 0)).build()).step(Step.named("s2").does(e -> e.set(x, 2)).build()));
        return m.build();
    }

    /**
     * A guard true for its first {@code k} calls: the search's own path rebuild may pass where a report's replay does not;
     * {@code countingLabel}: the step's label counts calls too (a review's model: random walks passed, the rebuild did not).
     */
    private static Model lateGuard(int k, boolean countingLabel) {
        Model.Builder m = Model.builder((countingLabel ? "late-label-" : "late-guard-") + k);
        Var x = m.var("x", 0, 3, 0);
        Var z = m.var("z", 0, 3, 0);
        Step.Builder a = Step.named("a");
        if (countingLabel) {
            a = a.args(e -> "c" + (calls++ % 5));
        }
        Step first = a.when(e -> calls++ < k).blockedBy(e -> new org.migcheck.model.lang.BlockReason.OnCondition("k", "k"))
                .does(e -> e.set(x, 1)).build();
        m.thread("t1", b -> b.step(first).step(Steps.assertion("late.fails", "x is 0", e -> e.get(x) == 0)));
        m.thread("t2", b -> b.step(Step.named("s1").does(e -> e.set(z, 1)).build()).step(Step.named("s2").does(e -> e.set(z, 2)).build())
                .step(Step.named("s3").does(e -> e.set(z, 3)).build()));
        return m.build();
    }

    /**
     * A model that is not deterministic gets a report in every format and under every strategy, never an internal error
     * (a review saw exit 70: a failure reported on a blocked thread, which no report could replay; random walks whose
     * failure did not replay, shrunk to nothing). With the check on, the two flipping models are MODEL_ERRORs.
     */
    @Test
    void modelsThatAreNotDeterministicAlwaysGetAReport() {
        java.util.List<java.util.function.Supplier<Model>> models = new java.util.ArrayList<>(java.util.List.of(
                DeterminismTest::flipping, DeterminismTest::blockedByFlips));
        for (int k = 1; k <= 6; k++) {
            int kk = k;
            models.add(() -> lateGuard(kk, false));
        }
        for (int k = 1; k <= 12; k++) {
            int kk = k;
            models.add(() -> lateGuard(kk, true));
        }
        Options base = Options.defaults().withWorkers(1);
        for (Options.Switch d : new Options.Switch[] {Options.Switch.ON, Options.Switch.OFF}) {
            for (Options o : new Options[] {base, base.unreduced(), base.withStrategy(Strategy.DFS), base.withRandom(5, 40)}) {
                for (int i = 0; i < models.size(); i++) {
                    java.util.function.Supplier<Model> mk = models.get(i);
                    for (int run = 0; run < 3; run++) {
                        calls = 0;
                        Model model = mk.get();
                        Scenario s = BaseScenario.builder("nd-" + i).title(model.name()).reference("test").model(kn -> model)
                                .variant("v", Map.of(), Expect.holds(), "").build();
                        ScenarioRunner.Outcome out = ScenarioRunner.run(s, "v", Map.of(), RuleSet.empty(), o.withDeterminism(d));
                        String what = model.name() + " " + d + " " + o.strategy() + ": " + out.result().verdict() + " " + out.result().message();
                        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> {
                            org.migcheck.checker.trace.TextRenderer.render(out, 100);
                            org.migcheck.checker.trace.JsonRenderer.render(out);
                            org.migcheck.checker.trace.HtmlRenderer.render(out);
                            org.migcheck.checker.trace.JUnitRenderer.render("t", java.util.List.of(out));
                            org.migcheck.checker.trace.SarifRenderer.render(java.util.List.of(out));
                        }, what);
                        if (d == Options.Switch.ON && i < 2) {
                            assertEquals(Verdict.MODEL_ERROR, out.result().verdict(), what);
                            assertTrue(out.result().message().startsWith("the model is not deterministic"), what);
                        }
                        if (out.result().verdict() == Verdict.MODEL_ERROR && out.result().message().startsWith("the model is not deterministic")) {
                            assertEquals(0, out.result().schedule().length, what + ": no path is shown for it");
                        }
                    }
                }
            }
        }
    }

    /**
     * An effect that answers differently on its first call only: the search sees the assertion (or the goal) fail (or
     * met) after it, every later run does not. The path replays, label for label, so only replaying it to its end shows
     * that it no longer ends in what the search reported (such a check printed VIOLATED beside a trace whose every state
     * meets the assertion, and a goal witness that does not reach the goal). With the determinism check off, that end
     * is the model's error, with no trace, under every strategy.
     */
    @Test
    void aPathThatReplaysToAnotherEndIsTheModelsError() {
        for (boolean goal : new boolean[] {false, true}) {
            Options base = Options.defaults().withDeterminism(Options.Switch.OFF);
            for (Options o : new Options[] {base, base.withWorkers(1), base.unreduced().withWorkers(2), base.withStrategy(Strategy.DFS),
                    base.withRandom(3, 20)}) {
                calls = 0;
                Model.Builder m = Model.builder("first-call-differs");
                Var x = m.var("x", 0, 2, 0);
                m.thread("t1", b -> {
                    b.step(Step.named("WRITE_ONCE").args("x").does(e -> e.set(x, calls++ == 0 ? 2 : 1)).build());
                    if (!goal) {
                        b.step(Steps.assertion("x.small", "x at most 1", e -> e.get(x) <= 1));
                    }
                });
                if (goal) {
                    m.goal("x is 2", v -> v.get(x) == 2);
                }
                CheckResult r = Checker.check(m.build(), RuleSet.empty(), o);
                String what = (goal ? "goal " : "assertion ") + o + ": " + r.verdict() + " " + r.message() + " " + r.goals();
                if (goal && o.strategy() == Strategy.RANDOM) {
                    // random walks decide no goal (nor ask one), so no witness is reported at all
                    assertTrue(r.goals().values().stream().allMatch(g -> g.witness() == null), what);
                    continue;
                }
                assertEquals(Verdict.MODEL_ERROR, r.verdict(), what);
                assertTrue(r.message().startsWith("the model is not deterministic: "), what);
                assertEquals(0, r.schedule().length, what);
                assertTrue(r.goals().isEmpty(), what);
            }
        }
    }

    /** Members of a spread suite or swarm run the check the coordinator asked for, the determinism check included. */
    @Test
    void theSwitchTravelsToMembers() {
        for (Options.Switch s : new Options.Switch[] {Options.Switch.ON, Options.Switch.OFF, Options.Switch.AUTO}) {
            assertEquals(s, Wire.options(Wire.options(Options.defaults().withDeterminism(s))).determinism());
        }
    }
}
