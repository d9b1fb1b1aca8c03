package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;

/**
 * Whatever a model's or a rule's code throws is the model's error (MODEL_ERROR, the thrower named), not only
 * unchecked exceptions: an {@link Error} of its own and a checked exception thrown past the compiler ended the
 * check as an internal error (exit 70; a review saw `check --all` lose every other variant's result to one rule).
 */
class UserErrorsTest {

    /** Throws any throwable, checked or not, without declaring it: what some libraries (Lombok's @SneakyThrows) do. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    private static final Function<String, Throwable> ERROR = m -> new Error(m);
    private static final Function<String, Throwable> CHECKED = m -> new java.io.IOException(m);

    /** Two threads set x in turn; {@code stepThrows}: the second thread's step throws instead. */
    private static Model model(Function<String, Throwable> stepThrows, boolean goalThrows) {
        Model.Builder m = Model.builder("user-errors");
        Var x = m.var("x", 0, 2, 0);
        m.thread("t1", b -> b.step(Step.named("WRITE_ONCE").args("x").does(e -> e.set(x, 1)).build()));
        m.thread("t2", b -> b.step(Step.named("kernel_fn").args("x").does(e -> {
            if (stepThrows != null) {
                throw sneaky(stepThrows.apply("the step's own failure"));
            }
            e.set(x, 2);
        }).build()));
        if (goalThrows) {
            m.goal("x-is-two", s -> {
                if (s.get(x) == 2) {
                    throw sneaky(new Error("the goal's own failure"));
                }
                return false;
            });
        }
        return m.build();
    }

    private static void modelError(CheckResult r, String... fragments) {
        assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
        for (String f : fragments) {
            assertTrue(r.message().contains(f), r.message());
        }
    }

    @Test
    void aStepThatThrowsAnErrorOrACheckedExceptionIsTheModelsError() {
        for (Options opts : new Options[] {Options.defaults(), Options.defaults().unreduced().withWorkers(1)}) {
            modelError(Checker.check(model(ERROR, false), RuleSet.empty(), opts), "java.lang.Error: the step's own failure");
            modelError(Checker.check(model(CHECKED, false), RuleSet.empty(), opts), "java.io.IOException: the step's own failure");
        }
    }

    @Test
    void aRuleOrGoalThatThrowsAnErrorIsTheModelsError() {
        Invariant inv = Invariant.of("user.inv-error", "throws an Error", "none", s -> {
            throw sneaky(new Error("the invariant's own failure"));
        });
        StepRule step = StepRule.of("user.step-checked", "throws a checked exception", "none", v -> {
            if (v.thread() == 1) {
                throw sneaky(new java.io.IOException("the step rule's own failure"));
            }
            return Check.ok();
        });
        for (Options opts : new Options[] {Options.defaults(), Options.defaults().unreduced().withWorkers(1)}) {
            modelError(Checker.check(model(null, false), RuleSet.empty().with(inv), opts), "user.inv-error",
                    "java.lang.Error: the invariant's own failure");
            modelError(Checker.check(model(null, false), RuleSet.empty().with(step), opts), "user.step-checked",
                    "java.io.IOException: the step rule's own failure");
            modelError(Checker.check(model(null, true), RuleSet.empty(), opts), "x-is-two", "java.lang.Error: the goal's own failure");
        }
    }

    /**
     * The step a rule's or a step's own failure is reported at is the failing step, in a random search too: its
     * schedule ends with that step, and the state after it named the thread's next step (a review saw "B2").
     */
    @Test
    void everyStrategyNamesTheStepThatFailed() {
        for (boolean ruleThrows : new boolean[] {true, false}) {
            Model.Builder m = Model.builder("named-step");
            Var x = m.var("x", 0, 3, 0);
            m.thread("t1", b -> b.step(Step.named("A1").does(e -> e.set(x, 1)).build()));
            m.thread("t2", b -> {
                b.step(Step.named("B1").does(e -> {
                    if (!ruleThrows) {
                        throw sneaky(new IllegalStateException("B1's own failure"));
                    }
                    e.set(x, 3);
                }).build());
                b.step(Step.named("B2").does(e -> e.set(x, 0)).build());
            });
            StepRule rule = StepRule.of("user.throws-after-b1", "throws", "none", v -> {
                if (v.thread() == 1) {
                    throw new IllegalStateException("the rule's own failure");
                }
                return Check.ok();
            });
            RuleSet rules = ruleThrows ? RuleSet.empty().with(rule) : RuleSet.empty();
            Model model = m.build();
            for (Options opts : new Options[] {Options.defaults(), Options.defaults().withRandom(7, 20),
                    Options.defaults().withStrategy(org.migcheck.checker.engine.Strategy.DFS)}) {
                CheckResult r = Checker.check(model, rules, opts);
                modelError(r, "(thread t2, step B1())");
                assertEquals(1, r.schedule()[r.schedule().length - 1], "the schedule ends with t2's failing step");
            }
        }
    }

    /** A rule's message with newlines and tabs is one line in the report (a review printed a fake report line with one). */
    @Test
    void aRulesMessageIsOneLine() {
        StepRule multi = StepRule.of("user.multi-line", "a statement", "none", v -> v.thread() == 1
                ? Check.violated("first line\n  broken rule FAKE: \tnot a real line") : Check.ok());
        CheckResult r = Checker.check(model(null, false), RuleSet.empty().with(multi), Options.defaults());
        assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
        assertEquals("first line broken rule FAKE: not a real line", r.message());
        // the model's own violations too, with the C1 and Unicode line separators
        Model.Builder m = Model.builder("multi-line-assertion");
        m.thread("t", b -> b.step(Step.named("check").does(e -> {
            throw new org.migcheck.model.lang.ModelViolation("user.multi", "line one\u2028line two\u0085three\n  broken rule FAKE");
        }).build()));
        CheckResult own = Checker.check(m.build(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.VIOLATED, own.verdict(), own.message());
        assertEquals("line one line two three broken rule FAKE", own.message());
    }

    /** A step rule that watches a variable of another model: check refuses it as the model's error, and so does replay. */
    @Test
    void aRuleDeclarationTheModelRefusesIsTheModelsErrorInReplayToo() {
        Var foreign = Model.builder("other").var("zz", 0, 1, 0);
        StepRule watching = StepRule.onChange("user.watches-foreign", "watches another model's variable", "none",
                m -> java.util.List.of(foreign), v -> Check.ok());
        RuleSet rules = RuleSet.empty().with(watching);
        CheckResult r = Checker.check(model(null, false), rules, Options.defaults());
        modelError(r, "user.watches-foreign");
        assertEquals(0, r.stats().distinct(), "refused before the first state");
        Replayer.Ending end = Replayer.replay(model(null, false), rules, r.schedule());
        assertEquals(Verdict.MODEL_ERROR, end.verdict(), end.message());
        assertEquals(r.message(), end.message());
    }
    /** Too many threads is a model error that says how many there are and the limit that applies (a review: "more than 255"
     * for 256 threads read as if 255 were checked, while the checker takes 31). */
    @Test
    void tooManyThreadsNamesTheCountAndTheLimit() {
        for (int n : new int[] {32, 256}) {
            Model.Builder b = Model.builder("crowd");
            Var x = b.var("x", 0, 1, 0);
            for (int t = 0; t < n; t++) {
                b.thread("t" + t, body -> body.step(Step.named("set").does(e -> e.set(x, 1)).build()));
            }
            String message;
            if (n == 256) {
                message = org.junit.jupiter.api.Assertions.assertThrows(org.migcheck.model.lang.ModelError.class, b::build).getMessage();
            } else {
                CheckResult r = Checker.check(b.build(), RuleSet.empty(), Options.defaults());
                assertEquals(Verdict.MODEL_ERROR, r.verdict(), r.message());
                message = r.message();
            }
            assertTrue(message.contains("model crowd has " + n + " threads:") && message.contains("migcheck checks at most 31"), message);
        }
    }
}
