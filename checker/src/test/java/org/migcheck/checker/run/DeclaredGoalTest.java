package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.RuleSet;

/**
 * A variant that declares a goal's answer has it decided past the counterexample: the assertion fails at
 * depth 2, well before x can reach 5 (depth 5), so the search that finds the failure leaves the goal undecided,
 * and the comparison with the declaration reported a mismatch (CI failed, and passed again with --por off
 * where the search happened to meet the goal first: a review).
 */
class DeclaredGoalTest {

    private static Model model() {
        Model.Builder m = Model.builder("declared-goal");
        Var x = m.counter("x", 0, 5, 0);
        m.thread("t1", b -> {
            for (int i = 0; i < 5; i++) {
                b.step(Step.named("inc").args("x").does(e -> e.add(x, 1)).build());
            }
        });
        m.thread("t2", b -> {
            b.step(Step.named("prepare").build());
            b.step(Steps.assertion("user.undecided", "t2 never gets here", e -> false));
        });
        m.goal("x-5", s -> s.get(x) == 5);
        return m.build();
    }

    private static final Scenario SCENARIO = BaseScenario.builder("declared-goal").title("a goal declared past a counterexample")
            .reference("test").model(k -> model())
            .variant("default", Map.of(), Expect.violated("user.undecided").reach("x-5", true), "hypothetical: a test model")
            .build();

    @Test
    void theDeclaredGoalIsDecidedWhateverTheReductions() {
        for (Options opts : new Options[] {Options.defaults(), Options.defaults().unreduced(), Options.defaults().withPor(Options.Switch.ON)}) {
            ScenarioRunner.Outcome o = ScenarioRunner.run(SCENARIO, "default", Map.of(), RuleSet.empty(), opts);
            assertEquals(Verdict.VIOLATED, o.result().verdict(), o.result().message());
            assertEquals(CheckResult.GoalResult.Answer.REACHABLE, o.result().goals().get("x-5").answer(), o.result().notes().toString());
            assertEquals(5, o.result().goals().get("x-5").witness().length, "t1's five increments, by hand");
            assertTrue(o.matches(), o.actual());
        }
        // a variant whose goal is declared otherwise mismatches on the goal alone: no note blames the rule, which broke
        Scenario wrongGoal = BaseScenario.builder("declared-goal").title("a goal declared wrong").reference("test").model(k -> model())
                .variant("default", Map.of(), Expect.violated("user.undecided").reach("x-5", false), "hypothetical: a test model")
                .build();
        ScenarioRunner.Outcome wrong = ScenarioRunner.run(wrongGoal, "default", Map.of(), RuleSet.empty(), Options.defaults());
        assertTrue(!wrong.matches());
        assertTrue(wrong.result().notes().stream().noneMatch(n -> n.startsWith("the expected rule")), wrong.result().notes().toString());
        // a check outside a declaration leaves it undecided, as documented
        CheckResult plain = Checker.check(model(), RuleSet.empty(), Options.defaults().unreduced());
        assertEquals(CheckResult.GoalResult.Answer.UNDECIDED, plain.goals().get("x-5").answer());
    }
}
