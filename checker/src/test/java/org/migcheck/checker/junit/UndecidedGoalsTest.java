package org.migcheck.checker.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.CheckResult.GoalResult.Answer;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.KernelRules;

/** Goals a counterexample leaves undecided are reported as such; --decide-goals decides them. */
class UndecidedGoalsTest {

    /** ABBA with two goals: both threads finish (8 steps, by hand), and t1 holds B while t2 holds A (impossible). */
    static Model abbaWithGoals() {
        Model.Builder m = Model.builder("abba-goals");
        Lock a = m.mutex("A");
        Lock b = m.mutex("B");
        m.thread("t1", body -> org.migcheck.checker.testing.Nested.locks(body, a, b));
        m.thread("t2", body -> org.migcheck.checker.testing.Nested.locks(body, b, a));
        m.goal("both-finished", v -> v.finished(0) && v.finished(1));
        m.goal("crossed", v -> v.holder(b) == 0 && v.holder(a) == 1);
        return m.build();
    }

    @Test
    void deadlockLeavesGoalsUndecided() {
        CheckResult r = Checker.check(abbaWithGoals(), KernelRules.all(), Options.defaults());
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals(2, r.schedule().length);
        assertEquals(Answer.UNDECIDED, r.goals().get("both-finished").answer());
        assertEquals(Answer.UNDECIDED, r.goals().get("crossed").answer());
        String text = TextRenderer.render("abba-goals", r, null, null);
        assertTrue(text.contains("reachable(both-finished): undecided: search stopped at the counterexample"), text);
    }

    @Test
    void decideGoalsSearchesOn() {
        CheckResult r = Checker.check(abbaWithGoals(), KernelRules.all(), Options.defaults().withDecideGoals(true));
        assertEquals(Verdict.DEADLOCK, r.verdict());           // the verdict and its counterexample are unchanged
        assertEquals(2, r.schedule().length);
        CheckResult.GoalResult done = r.goals().get("both-finished");
        assertEquals(Answer.REACHABLE, done.answer());
        assertEquals(8, done.witness().length);                // t1's four steps, then t2's four
        CheckResult.GoalResult crossed = r.goals().get("crossed");
        assertEquals(Answer.UNREACHABLE, crossed.answer());
        assertNull(crossed.witness());
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("goals decided by a second search")), r.notes().toString());
        // "exhaustive" is the second search's, not the count of the first, which stopped at the deadlock
        String text = TextRenderer.render("abba-goals", r, null, null);
        assertTrue(text.contains("reachable(crossed): unreachable (exhaustive: the second search's states, in its note below)"), text);
        assertTrue(!text.contains("(exhaustive: " + r.stats().distinct() + " states)"), text);
    }

    @Test
    void budgetLeavesGoalsUnknownNotUndecided() {
        Options tiny = Options.defaults().withBudget(new org.migcheck.checker.engine.Budget(2, Integer.MAX_VALUE,
                java.time.Duration.ofMinutes(1), Long.MAX_VALUE));
        CheckResult r = Checker.check(abbaWithGoals(), KernelRules.all(), tiny);
        assertEquals(Verdict.INCOMPLETE, r.verdict());
        assertEquals(Answer.UNKNOWN, r.goals().get("both-finished").answer());
    }

    /** abbaWithGoals as a user's scenario, for the command line. */
    public static final class AbbaGoals implements org.migcheck.model.scenarios.Scenario {
        private final org.migcheck.model.scenarios.Scenario s = org.migcheck.model.scenarios.BaseScenario.builder("abba-goals")
                .title("ABBA with two goals").reference("test")
                .model(k -> abbaWithGoals())
                .variant("default", java.util.Map.of(), org.migcheck.model.scenarios.Expect.deadlock(), "abba")
                .build();
        @Override public String id() { return s.id(); }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public java.util.List<org.migcheck.model.scenarios.Knob> knobs() { return s.knobs(); }
        @Override public java.util.List<org.migcheck.model.scenarios.Variant> variants() { return s.variants(); }
        @Override public Model build(org.migcheck.model.scenarios.Knobs k) { return s.build(k); }
    }

    @Test
    void commandLineReportsAndDecides(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path svc = dir.resolve("META-INF/services/" + org.migcheck.model.scenarios.Scenario.class.getName());
        java.nio.file.Files.createDirectories(svc.getParent());
        java.nio.file.Files.writeString(svc, AbbaGoals.class.getName() + "\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(2, org.migcheck.checker.cli.Main.run(new String[] {"--classpath", dir.toString(), "check", "abba-goals"}, ps, System.err));
        assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8)
                .contains("reachable(crossed): undecided: search stopped at the counterexample"), out.toString());
        out.reset();
        assertEquals(2, org.migcheck.checker.cli.Main.run(new String[] {"--classpath", dir.toString(), "check", "abba-goals", "--decide-goals"},
                ps, System.err));
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("reachable(both-finished): reachable") && text.contains("reachable(crossed): unreachable"), text);
    }
}
