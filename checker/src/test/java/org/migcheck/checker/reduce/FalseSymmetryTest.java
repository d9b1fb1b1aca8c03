package org.migcheck.checker.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelViolation;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * A false symmetry declaration (two members whose code differs only inside a lambda, which the static check
 * cannot see) is refused, never trusted into a wrong answer or an internal error. Two independent reviews
 * found, with the run-time check limited to 2,000 stored states, a silent wrong HOLDS past them and internal
 * errors (exit 70) when the trace was rebuilt in the real model. The check now covers 20,000 stored states,
 * says in the reductions line whether it covered all of them, and a declaration found false while the trace
 * is rebuilt re-runs the check without symmetry.
 */
class FalseSymmetryTest {
    /**
     * Members M0 and M1 count to {@code k}, then publish; the first to publish sets x, and it is a failure when
     * that is member {@code bad} (so M0 and M1 are not interchangeable). With {@code checkOther}, the failure is
     * instead member {@code bad} publishing while the other has not finished counting.
     */
    static Model model(int k, int bad, boolean checkOther) {
        Model.Builder m = Model.builder("false-symmetry");
        Var x = m.var("x", 0, 2, 0);
        Var[] counters = new Var[2];
        List<Model.SymmetricMember> members = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String name = "M" + i;
            counters[i] = m.var(name + ".c", 0, k, 0);
        }
        for (int i = 0; i < 2; i++) {
            String name = "M" + i;
            Var c = counters[i];
            Var other = counters[1 - i];
            boolean isBad = i == bad;
            Procedure t = m.thread(name);
            Local j = t.local("j", 0, k);
            t.body(b -> {
                b.forRange(j, 0, k, y -> y.step(Step.named("count").args("c").does(e -> e.add(c, 1)).build()));
                b.step(Step.named("publish").args("x").does(e -> {
                    boolean fails = checkOther ? isBad && e.get(other) < k : e.get(x) == 0 && isBad;
                    if (e.get(x) == 0) {
                        e.set(x, 1);
                    }
                    if (fails) {
                        throw new ModelViolation("publish-order", "the wrong member published first");
                    }
                }).build());
            });
            members.add(new Model.SymmetricMember(List.of(name), List.of(), List.of()));
        }
        m.symmetric("members", members);
        return m.build();
    }

    private static void sameAsWithoutSymmetry(Model model) {
        CheckResult truth = Checker.check(model, RuleSet.empty(), Options.defaults().withSymmetry(Options.Switch.OFF));
        CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults());
        assertEquals(truth.verdict(), r.verdict(), r.message() + " " + r.notes());
        assertEquals(truth.stats().distinct(), r.stats().distinct(), r.notes().toString());
        assertEquals(truth.schedule().length, r.schedule().length, "shortest counterexample");
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("symmetry refused: ")), r.notes().toString());
    }

    @Test
    void aFalseDeclarationWithinTheCheckedStatesIsRefused() {
        // about k^2 states: the asymmetry shows after about k^2/2 of them, past the 2,000 the check once covered
        for (int bad = 0; bad < 2; bad++) {
            sameAsWithoutSymmetry(model(100, bad, true));
            sameAsWithoutSymmetry(model(100, bad, false));
        }
    }

    @Test
    void aFalseDeclarationFoundWhileRebuildingTheTraceIsRefused() {
        // past the check's 20,000 states: the reduced search fails somewhere the real model does not (an internal
        // error before), and the check re-runs without symmetry
        CheckResult truth = Checker.check(model(300, 1, true), RuleSet.empty(), Options.defaults().withSymmetry(Options.Switch.OFF));
        assertEquals(Verdict.VIOLATED, truth.verdict());
        CheckResult r = Checker.check(model(300, 1, true), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
        assertEquals(truth.schedule().length, r.schedule().length);
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("symmetry refused: ") && n.contains("found when the trace was rebuilt")),
                r.notes().toString());
    }

    @Test
    void theReductionsLineSaysHowFarTheDeclarationWasChecked() {
        // a true declaration (both members alike): covered everywhere at a small size, a prefix at a large one
        CheckResult small = Checker.check(model(20, -1, true), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.HOLDS, small.verdict());
        assertTrue(small.reductions().contains("symmetry over members (2) (declaration checked by rotation on every stored state)"),
                small.reductions());
        CheckResult large = Checker.check(model(300, -1, true), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.HOLDS, large.verdict());
        assertTrue(large.reductions().contains("(declaration checked by rotation on the first 20,000 stored states, then trusted)"),
                large.reductions());
    }

    /**
     * n workers, declared interchangeable, each take a shared mutex, mark their own flag and let go; the goal
     * singles out W1 ("W1 done, nobody else"). A reviewer's model: with goals compared only on a successor and its
     * canonical form, the goal was true on no state the reduced search met, and the check said unreachable.
     */
    static Model workersWithGoal(int n) {
        return workersWithGoal(n, 0);
    }

    /** As {@link #workersWithGoal(int)}, the goal naming worker {@code named} (0-based) instead of W1. */
    static Model workersWithGoal(int n, int named) {
        Model.Builder m = Model.builder("workers-goal");
        org.migcheck.model.lang.Lock mu = m.mutex("list_lock");
        Var[] done = new Var[n];
        List<Model.SymmetricMember> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Var d = m.flag("w" + (i + 1) + ".done", false);
            done[i] = d;
            m.thread("W" + (i + 1), b -> b.step(org.migcheck.model.lang.Steps.lock("spin_lock", mu))
                    .step(Step.named("mark_done").args("w").does(e -> e.set(d, true)).build())
                    .step(org.migcheck.model.lang.Steps.unlock("spin_unlock", mu)));
            members.add(new Model.SymmetricMember(List.of("W" + (i + 1)), List.of("w" + (i + 1)), List.of()));
        }
        m.goal("w1-first", st -> {
            boolean others = false;
            for (int i = 0; i < n; i++) {
                others |= i != named && st.get(done[i]) != 0;
            }
            return st.get(done[named]) != 0 && !others;
        });
        m.symmetric("workers", members);
        return m.build();
    }

    @Test
    void aGoalThatNamesOneMemberIsAnsweredAsWithoutSymmetry() {
        // the first worker, and (a review of the first fix, which compared one rotation and one swap) every other one
        for (int n = 2; n <= 5; n++) {
          for (int named = 0; named < n; named++) {
            Model model = workersWithGoal(n, named);
            CheckResult truth = Checker.check(model, RuleSet.empty(), Options.defaults().withSymmetry(Options.Switch.OFF));
            assertEquals(CheckResult.GoalResult.Answer.REACHABLE, truth.goals().get("w1-first").answer());
            CheckResult r = Checker.check(model, RuleSet.empty(), Options.defaults());
            assertEquals(CheckResult.GoalResult.Answer.REACHABLE, r.goals().get("w1-first").answer(), "n=" + n + " " + r.notes());
            assertEquals(truth.stats().distinct(), r.stats().distinct(), "n=" + n);
            assertTrue(r.notes().stream().anyMatch(x -> x.startsWith("symmetry refused: goal w1-first tells members")), r.notes().toString());
          }
        }
    }

    @Test
    void anInvariantOrStepRuleThatNamesAnyMemberIsRefused() {
        for (int n = 3; n <= 5; n++) {
            for (int named = 0; named < n; named++) {
                int k = named;
                Model model = workersWithGoal(n, named);
                org.migcheck.properties.Invariant inv = org.migcheck.properties.Invariant.of("named.alone", "x", "-", st -> {
                    for (Var v : st.model().vars()) {
                        if (v.name().endsWith(".done") && !v.name().equals("w" + (k + 1) + ".done") && st.get(v) == 1) {
                            return org.migcheck.properties.Check.ok();
                        }
                    }
                    for (Var v : st.model().vars()) {
                        if (v.name().equals("w" + (k + 1) + ".done") && st.get(v) == 1) {
                            return org.migcheck.properties.Check.violated("W" + (k + 1) + " done alone");
                        }
                    }
                    return org.migcheck.properties.Check.ok();
                });
                org.migcheck.properties.StepRule step = org.migcheck.properties.StepRule.of("named.first", "x", "-", v -> {
                    if (v.thread() == k && v.label().startsWith("mark_done")) {
                        for (Var x : v.before().model().vars()) {
                            if (x.name().endsWith(".done") && v.before().get(x) == 1) {
                                return org.migcheck.properties.Check.ok();
                            }
                        }
                        return org.migcheck.properties.Check.violated("named worker first");
                    }
                    return org.migcheck.properties.Check.ok();
                });
                for (RuleSet rules : List.of(RuleSet.of(List.of(inv), false), RuleSet.of(List.of(step), false))) {
                    CheckResult truth = Checker.check(model, rules, Options.defaults().withSymmetry(Options.Switch.OFF));
                    assertEquals(Verdict.VIOLATED, truth.verdict());
                    CheckResult r = Checker.check(model, rules, Options.defaults());
                    assertEquals(Verdict.VIOLATED, r.verdict(), "n=" + n + " named=" + named + " " + rules.rules().get(0).id());
                    assertEquals(truth.schedule().length, r.schedule().length);
                    assertTrue(r.notes().stream().anyMatch(x -> x.startsWith("symmetry refused: ")), r.notes().toString());
                }
            }
        }
    }

    @Test
    void aStepRuleThatNamesOneMemberIsRefusedWithinTheCheckedStates() {
        // "W1 must not be the first to mark its flag": reachable without symmetry; the step rule is compared (as failing
        // transitions) on the first 20,000 stored states, and the note says what differed
        for (int n = 2; n <= 4; n++) {
            Model model = workersWithGoal(n);
            org.migcheck.properties.StepRule w1First = org.migcheck.properties.StepRule.of("w1.not-first", "x", "-", v -> {
                if (v.thread() == 0 && v.label().startsWith("mark_done")) {
                    for (Var x : v.before().model().vars()) {
                        if (x.name().endsWith(".done") && v.before().get(x) == 1) {
                            return org.migcheck.properties.Check.ok();
                        }
                    }
                    return org.migcheck.properties.Check.violated("W1 first");
                }
                return org.migcheck.properties.Check.ok();
            });
            RuleSet rules = RuleSet.of(List.of(w1First), false);
            CheckResult truth = Checker.check(model, rules, Options.defaults().withSymmetry(Options.Switch.OFF));
            assertEquals(Verdict.VIOLATED, truth.verdict());
            CheckResult r = Checker.check(model, rules, Options.defaults());
            assertEquals(Verdict.VIOLATED, r.verdict(), "n=" + n);
            assertEquals(truth.schedule().length, r.schedule().length);
            assertTrue(r.notes().stream().anyMatch(x -> x.contains("have different failing transitions (a step rule that names one member")),
                    r.notes().toString());
        }
    }
}
