package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import example.spin.SpinningInvariant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/** A rule that never returns does not outlive the time limit unnoticed: the overrun action is told where it is. */
class OverrunTest {

    @Test
    void aRuleThatDoesNotReturnIsReportedAfterTheTimeLimit() throws Exception {
        Model.Builder b = Model.builder("spins");
        Var f = b.flag("f", false);
        b.thread("t", x -> x.step(Step.named("set_flag").does(e -> e.set(f, true)).build()));
        RuleSet rules = RuleSet.of(List.of(new SpinningInvariant(f)), false);
        Options opts = Options.defaults().withWorkers(1)
                .withBudget(Options.defaults().budget().withTimeLimit(Duration.ofMillis(300)));
        AtomicReference<String> said = new AtomicReference<>();
        CountDownLatch told = new CountDownLatch(1);
        Overrun.graceMillis(300);
        Overrun.onOverrun(m -> {
            said.set(m);
            told.countDown();
        });
        SpinningInvariant.arm();
        AtomicReference<CheckResult> result = new AtomicReference<>();
        Thread checker = new Thread(() -> result.set(Checker.check(b.build(), rules, opts)), "overrun-test-check");
        try {
            checker.start();
            assertTrue(told.await(20, TimeUnit.SECONDS), "no overrun reported");
            assertTrue(said.get().startsWith("the search is still running 0.3 s or more past its time limit of 0.3 s, in code of the"
                    + " model or of a rule that does not return (at example.spin.SpinningInvariant.check(SpinningInvariant.java:"),
                    said.get());
        } finally {
            SpinningInvariant.release();
            checker.join(20_000);
            Overrun.graceMillis(30_000);
            Overrun.onOverrun(m -> System.err.println("migcheck: " + m));
        }
        assertFalse(checker.isAlive());
        // released, the search goes on and stops at its budget: never a HOLDS
        assertEquals(Verdict.INCOMPLETE, result.get().verdict(), result.get().message());
    }

    @Test
    void aCheckThatReturnsInTimeIsNotReported() throws Exception {
        Model.Builder b = Model.builder("quick");
        Var f = b.flag("f", false);
        b.thread("t", x -> x.step(Step.named("set_flag").does(e -> e.set(f, true)).build()));
        AtomicReference<String> said = new AtomicReference<>();
        Overrun.graceMillis(100);
        Overrun.onOverrun(said::set);
        try {
            Options opts = Options.defaults().withBudget(Options.defaults().budget().withTimeLimit(Duration.ofMillis(100)));
            assertEquals(Verdict.HOLDS, Checker.check(b.build(), RuleSet.empty(), opts).verdict());
            Thread.sleep(500); // well past limit and grace: the watch was cancelled when the check returned
            assertEquals(null, said.get());
        } finally {
            Overrun.graceMillis(30_000);
            Overrun.onOverrun(m -> System.err.println("migcheck: " + m));
        }
    }
    /**
     * Another check of the same JVM, in a rule that does not return but with no time limit, is not this check's culprit
     * (a review of the Java API under parallel tests: a check stopped late in migcheck's own code was reported, naming
     * the other check's rule); this check's own workers are still looked at.
     */
    @Test
    void anotherChecksCodeIsNotThisChecksCulprit() throws Exception {
        Model.Builder b = Model.builder("spins-beside");
        Var f = b.flag("f", false);
        b.thread("t", x -> x.step(Step.named("set_flag").does(e -> e.set(f, true)).build()));
        Model spins = b.build();
        RuleSet rules = RuleSet.of(List.of(new SpinningInvariant(f)), false);
        java.util.List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        Overrun.graceMillis(100);
        Overrun.onOverrun(said::add);
        SpinningInvariant.arm();
        Thread other = new Thread(() -> Checker.check(spins, rules, Options.defaults().withWorkers(1)), "overrun-test-other");
        try {
            other.start();
            Thread.sleep(300); // the other check is in the spinning rule by now (it has one state to look at)
            // this check: a time limit of 100 ms, and still running (in migcheck's or the JDK's code) well past it and the grace
            Overrun.Watch watch = Overrun.watch(Options.defaults().budget().withTimeLimit(Duration.ofMillis(100)));
            Thread.sleep(800);
            watch.close();
            assertEquals(List.of(), said, "the other check's rule was named as this one's");
        } finally {
            SpinningInvariant.release();
            other.join(20_000);
        }
        // this check's own rule, on any of its two workers' threads, is named
        SpinningInvariant.arm();
        CountDownLatch told = new CountDownLatch(1);
        Overrun.onOverrun(m -> {
            said.add(m);
            told.countDown();
        });
        Thread own = new Thread(() -> Checker.check(spins, rules, Options.defaults().withWorkers(2)
                .withBudget(Options.defaults().budget().withTimeLimit(Duration.ofMillis(100)))), "overrun-test-own");
        try {
            own.start();
            assertTrue(told.await(20, TimeUnit.SECONDS), "no overrun reported");
            assertTrue(said.get(0).contains("(at example.spin.SpinningInvariant.check(SpinningInvariant.java:"), said.toString());
        } finally {
            SpinningInvariant.release();
            own.join(20_000);
            Overrun.graceMillis(30_000);
            Overrun.onOverrun(m -> System.err.println("migcheck: " + m));
        }
    }
}
