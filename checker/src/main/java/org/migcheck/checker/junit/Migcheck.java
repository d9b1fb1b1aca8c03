package org.migcheck.checker.junit;

import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * JUnit 5 entry point: a user's model test is one assertion, and a failing assertion's message
 * carries the full report (verdict, explanation, counterexample trace).
 *
 * <pre>{@code
 * @Test void truncateWaitsForWriteback() {
 *     Migcheck.assertHolds(MyModels.truncateVsWriteback());
 * }
 * }</pre>
 *
 * <p>All assertions use {@link KernelRules#all()} unless a {@link RuleSet} is given, and BFS, so
 * counterexamples are shortest.
 */
public final class Migcheck {
    private Migcheck() {}

    /** Checks {@code model} with the kernel rules and default options. */
    public static CheckResult check(Model model) { return Checker.check(model, KernelRules.all(), Options.defaults()); }

    private static String report(CheckResult r, String wanted) {
        return "expected " + wanted + " but got:\n" + TextRenderer.render(r.model() == null ? "model" : r.model().name(), r, wanted, null);
    }

    private static CheckResult expect(CheckResult r, Verdict v, String wanted) {
        if (r.verdict() != v) {
            Assertions.fail(report(r, wanted));
        }
        return r;
    }

    /** The model holds: exhaustive, no rule broken, no deadlock, no stuck thread. */
    public static CheckResult assertHolds(Model model) { return assertHolds(model, KernelRules.all()); }

    public static CheckResult assertHolds(Model model, RuleSet rules) {
        return expect(Checker.check(model, rules, Options.defaults()), Verdict.HOLDS, "holds");
    }

    /** The model deadlocks; returns the result for further assertions on the trace. */
    public static CheckResult assertDeadlock(Model model) {
        return expect(check(model), Verdict.DEADLOCK, "deadlock");
    }

    /** The model deadlocks and the deadlock has {@code steps} steps and blocks exactly {@code blockedThreads}. */
    public static CheckResult assertDeadlock(Model model, int steps, String... blockedThreads) {
        CheckResult r = assertDeadlock(model);
        if (r.schedule().length != steps) {
            Assertions.fail("expected a deadlock after " + steps + " steps, found one after " + r.schedule().length + ":\n"
                    + TextRenderer.render(model.name(), r, "deadlock", null));
        }
        for (String t : blockedThreads) {
            boolean named = r.explanation().stream().anyMatch(l -> l.startsWith(t + " blocked"));
            if (!named) {
                Assertions.fail("expected " + t + " among the blocked threads:\n" + TextRenderer.render(model.name(), r, "deadlock", null));
            }
        }
        return r;
    }

    /** Rule {@code ruleId} is broken. */
    public static CheckResult assertViolates(Model model, String ruleId) { return assertViolates(model, KernelRules.all(), ruleId); }

    public static CheckResult assertViolates(Model model, RuleSet rules, String ruleId) {
        CheckResult r = Checker.check(model, rules, Options.defaults());
        if (r.verdict() != Verdict.VIOLATED || !ruleId.equals(r.ruleId())) {
            Assertions.fail(report(r, "violated " + ruleId));
        }
        return r;
    }

    /** Some thread is stuck forever. */
    public static CheckResult assertStuck(Model model) {
        return expect(check(model), Verdict.STUCK, "stuck");
    }

    /** {@code reachable(goal)} is true; returns the result whose goal witness is a shortest schedule. */
    public static CheckResult assertReachable(Model model, String goal) {
        CheckResult r = check(model);
        CheckResult.GoalResult g = r.goals().get(goal);
        if (g == null || g.answer() != CheckResult.GoalResult.Answer.REACHABLE) {
            Assertions.fail(report(r, "reachable(" + goal + ")"));
        }
        return r;
    }

    /** {@code reachable(goal)} is false after an exhaustive search. */
    public static CheckResult assertUnreachable(Model model, String goal) {
        CheckResult r = check(model);
        CheckResult.GoalResult g = r.goals().get(goal);
        if (g == null || g.answer() != CheckResult.GoalResult.Answer.UNREACHABLE) {
            Assertions.fail(report(r, "unreachable(" + goal + ")"));
        }
        return r;
    }

    /** A bundled scenario variant meets its declared expectation. */
    public static ScenarioRunner.Outcome assertAsDeclared(String scenario, String variant) {
        Scenario s = Catalogue.find(scenario);
        if (s == null) {
            Assertions.fail("no bundled scenario " + scenario);
        }
        ScenarioRunner.Outcome o = ScenarioRunner.run(s, variant, Map.of(), KernelRules.all(), Options.defaults());
        if (!o.matches()) {
            Assertions.fail(o.title() + ": expected " + o.expected().describe() + ", got " + o.actual() + "\n"
                    + TextRenderer.render(o.title(), o.result(), o.expected().describe(), o.token()));
        }
        return o;
    }
}
