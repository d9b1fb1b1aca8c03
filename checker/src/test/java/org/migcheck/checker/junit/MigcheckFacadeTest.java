package org.migcheck.checker.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.cli.Main;
import org.migcheck.checker.cli.PluginTest;
import org.migcheck.checker.engine.Budget;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Var;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Bound;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.opentest4j.AssertionFailedError;

/** The JUnit facade: results with reports, rules and options everywhere, replayable failure messages. */
class MigcheckFacadeTest {

    /** A user's scenario whose "ordered" variant wrongly expects a deadlock (so assertAsDeclared fails). */
    public static final class WrongExpectation implements Scenario {
        private final Scenario s = new PluginTest.MutexPlugin();
        @Override public String id() { return "plugin-wrong"; }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public List<Knob> knobs() { return s.knobs(); }
        @Override public List<Variant> variants() {
            return List.of(new Variant("abba", Map.of("sameOrder", "false"), Expect.holds(), "expects holds but deadlocks"));
        }
        @Override public Model build(Knobs k) { return s.build(k); }
    }

    @Test
    void resultHasTextJsonAndHtmlReports() throws IOException {
        Migcheck.Result r = Migcheck.check(Zoo.abbaModel(false, false));
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertTrue(r.report().startsWith("abba / default: DEADLOCK"), r.report());
        // the bundled abba scenario builds this model: the replay line needs no class path
        assertTrue(r.report().contains("replay: ./migcheck replay abba:default:-:"), r.report());
        JsonNode json = new ObjectMapper().readTree(r.json());
        assertEquals("deadlock", json.get("verdict").asText());
        assertEquals(2, json.get("trace").size()); // hand count: each thread takes its first lock
        assertTrue(r.html().contains("<svg") || r.html().contains("<table"), r.html());
        Migcheck.Result ok = Migcheck.check(Zoo.abbaModel(true, false), KernelRules.all(), Migcheck.options());
        assertEquals(Verdict.HOLDS, ok.verdict());
        assertNull(ok.replay());
        assertTrue(ok.report().contains("HOLDS"), ok.report());
    }

    @Test
    void optionsReachEveryAssertion() {
        // a budget of 3 states cannot exhaust abba-ordered: not HOLDS but INCOMPLETE
        var tiny = Migcheck.options().withBudget(new Budget(3, Integer.MAX_VALUE, Duration.ofMinutes(1), Long.MAX_VALUE));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Migcheck.assertHolds(Zoo.abbaModel(true, false), KernelRules.all(), tiny));
        assertTrue(e.getMessage().contains("INCOMPLETE"), e.getMessage());
        // DFS still finds the deadlock
        Migcheck.assertDeadlock(Zoo.abbaModel(false, false), KernelRules.all(), Migcheck.options().withStrategy(Strategy.DFS));
        // without the lockdep rule, abba-gated holds; with it, the inversion is reported
        RuleSet noRules = RuleSet.empty();
        Migcheck.assertHolds(Zoo.abbaModel(false, true), noRules, Migcheck.options());
        Migcheck.assertViolates(Zoo.abbaModel(false, true), KernelRules.all(), Migcheck.options(), "lock-order.cycle");
        Migcheck.assertStuck(Zoo.starvedWaiterModel(false), KernelRules.all(), Migcheck.options());
    }

    @Test
    void failureWritesReportsAndEndsWithAReplayLine(@TempDir Path dir) throws IOException {
        System.setProperty("migcheck.reports", dir.toString());
        try {
            AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Migcheck.assertHolds(Zoo.abbaModel(false, false)));
            String msg = e.getMessage();
            String last = msg.lines().reduce((a, b) -> b).orElseThrow();
            assertTrue(last.startsWith("replay: ./migcheck replay abba:default:-:"), last);
            Matcher m = Pattern.compile("reports: (\\S+\\.html) (\\S+\\.json)").matcher(msg);
            assertTrue(m.find(), msg);
            assertTrue(Files.readString(Path.of(m.group(1))).contains("DEADLOCK"));
            assertEquals("deadlock", new ObjectMapper().readTree(Files.readString(Path.of(m.group(2)))).get("verdict").asText());
            String token = last.substring("replay: ./migcheck replay ".length());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"replay", token}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertEquals(2, code); // replay exits with the verdict it ends in: DEADLOCK
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("(2 steps)"), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("migcheck.reports");
        }
    }

    /**
     * From a JUnit user's review: a goal assertion fails on a model that broke (MODEL_ERROR); a HOLDS
     * against an empty rule set says no rule was checked; an expected rule id that the set lacks is
     * named; the reports of two failing tests of one model do not overwrite each other; an
     * unregistered model's HTML says why it has no replay command instead of one that cannot run.
     */
    @Test
    void assertionsDoNotPassOnWhatTheyCannotShow(@TempDir Path dir) throws IOException {
        Model.Builder b = Model.builder("broken-after-one-step");
        org.migcheck.model.lang.Var c = b.var("c", 0, 1, 0);
        b.thread("a", body -> body.step(org.migcheck.model.lang.Step.named("inc").does(e -> e.set(c, 1)).build())
                .step(org.migcheck.model.lang.Step.named("buggy").does(e -> { throw new IllegalStateException("buggy effect"); }).build()));
        b.goal("c-is-1", v -> v.get(c) == 1);
        Model broken = b.build();
        AssertionFailedError reach = assertThrows(AssertionFailedError.class, () -> Migcheck.assertReachable(broken, "c-is-1"));
        assertTrue(reach.getMessage().contains("MODEL_ERROR") && reach.getMessage().contains("buggy effect"), reach.getMessage());

        org.migcheck.checker.run.CheckResult none = Migcheck.check(Zoo.lostUpdateModel(false), org.migcheck.properties.RuleSet.empty()).result();
        assertTrue(none.notes().contains("no rule was checked (an empty rule set): the verdict covers deadlocks and stuck threads only"),
                none.notes().toString());

        AssertionFailedError typo = assertThrows(AssertionFailedError.class,
                () -> Migcheck.assertViolates(Zoo.abbaModel(false, false), "atomic.slep"));
        assertTrue(typo.getMessage().startsWith("expected violated atomic.slep (no rule of the rule set given has that id"), typo.getMessage());

        System.setProperty("migcheck.reports", dir.toString());
        try {
            AssertionFailedError holds = assertThrows(AssertionFailedError.class, () -> Migcheck.assertHolds(Zoo.abbaModel(false, false)));
            AssertionFailedError stuck = assertThrows(AssertionFailedError.class, () -> Migcheck.assertStuck(Zoo.abbaModel(false, false)));
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                List<String> html = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".html")).sorted().toList();
                // named after the asking test method; the second failure of one method (a review: a parameterised test's
                // two runs named one pair of files, and the one left was the other run's) gets its own, "-2"
                assertEquals(List.of("abba_default_MigcheckFacadeTest.assertionsDoNotPassOnWhatTheyCannotShow-2.html",
                        "abba_default_MigcheckFacadeTest.assertionsDoNotPassOnWhatTheyCannotShow.html"), html);
            }
            Matcher first = Pattern.compile("reports: (\\S+\\.html) (\\S+\\.json)").matcher(holds.getMessage());
            Matcher second = Pattern.compile("reports: (\\S+\\.html) (\\S+\\.json)").matcher(stuck.getMessage());
            assertTrue(first.find() && second.find(), holds.getMessage() + "\n" + stuck.getMessage());
            assertTrue(second.group(2).endsWith("-2.json") && !first.group(2).equals(second.group(2)), second.group(2));
            assertTrue(Files.exists(Path.of(first.group(1))) && Files.exists(Path.of(second.group(1))));
            // a model named at length still gets its reports, under a name a file system takes (one of 300 got none),
            // and two such names that share their start get two
            for (String tail : new String[] {"a", "b"}) {
                Model.Builder lb = Model.builder("x".repeat(300) + tail);
                lb.thread("t", body -> body.assertThat("own.check", "fails", e -> false));
                Model longName = lb.build();
                AssertionFailedError f = assertThrows(AssertionFailedError.class, () -> Migcheck.assertHolds(longName));
                Matcher m = Pattern.compile("reports: (\\S+\\.html) (\\S+\\.json)").matcher(f.getMessage());
                assertTrue(m.find(), f.getMessage());
                assertTrue(Files.exists(Path.of(m.group(1))) && Path.of(m.group(2)).getFileName().toString().length() < 255, m.group(2));
            }
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                assertEquals(2, files.filter(f -> f.getFileName().toString().startsWith("xxxxxxxxxx") && f.toString().endsWith(".json")).count());
            }
            Migcheck.Result mine = Migcheck.check(broken);
            String page = mine.html();
            assertFalse(page.contains("<code>./migcheck replay broken-after-one-step"), page);
            assertTrue(page.contains("no registered Scenario builds model broken-after-one-step"), page);
        } finally {
            System.clearProperty("migcheck.reports");
        }
    }

    /** Runs the command line of a replay line ("./migcheck ARGS"), returning its exit code and output. */
    private static Map.Entry<Integer, String> runLine(String line) {
        assertTrue(line.startsWith("./migcheck "), line);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(line.substring("./migcheck ".length()).replace("'", "").split(" "),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return Map.entry(code, out.toString(StandardCharsets.UTF_8));
    }

    /**
     * The replay line repeats the rules the check ran with (a review pasted one the command line refused: "token does
     * not fit" after a check against one rule), and says why there is none when a rule is not one the command line
     * can load; the JSON report carries the same line as "replayCommand".
     */
    @Test
    void replayLinesRepeatTheRulesChecked() throws IOException {
        // no rule at all: every rule the command line knows is left out, and the line replays the deadlock
        Migcheck.Result none = Migcheck.check(Zoo.abbaModel(false, false), RuleSet.empty());
        assertEquals(Verdict.DEADLOCK, none.verdict());
        assertTrue(none.replay().startsWith("./migcheck --skip-rule ") && none.replay().contains("lock-order.cycle")
                && none.replay().contains(" replay abba:default:-:"), none.replay());
        Map.Entry<Integer, String> run = runLine(none.replay());
        assertEquals(2, run.getKey(), run.getValue());
        // the lockdep check alone: --rule, and the pasted line ends in the same violation
        Migcheck.Result gated = Migcheck.check(Zoo.abbaModel(false, true), RuleSet.of(List.of(), true));
        assertEquals(Verdict.VIOLATED, gated.verdict());
        assertTrue(gated.replay().startsWith("./migcheck --rule lock-order.cycle replay abba-gated:"), gated.replay());
        run = runLine(gated.replay());
        assertEquals(1, run.getKey(), run.getValue());
        assertTrue(run.getValue().contains("lock-order.cycle"), run.getValue());
        // the kernel rules as the command line has them: no option
        Migcheck.Result all = Migcheck.check(Zoo.abbaModel(false, true));
        assertTrue(all.replay().startsWith("./migcheck replay abba-gated:"), all.replay());
        assertEquals(all.replay(), new ObjectMapper().readTree(all.json()).get("replayCommand").asText());
        // a rule no META-INF/services registers: no command, and the reason
        org.migcheck.properties.StepRule mine = org.migcheck.properties.StepRule.of("test.never-a-second-lock", "a statement", "none",
                v -> v.after().holder(v.model().locks().get(1)) >= 0 ? org.migcheck.properties.Check.violated("took B") : org.migcheck.properties.Check.ok());
        Migcheck.Result unregistered = Migcheck.check(Zoo.abbaModel(false, false), KernelRules.all().with(mine));
        assertEquals(Verdict.VIOLATED, unregistered.verdict(), unregistered.report());
        assertNull(unregistered.replay());
        assertTrue(unregistered.note().startsWith("checked with rule test.never-a-second-lock, which no META-INF/services/"
                + "org.migcheck.properties.Rule registers"), unregistered.note());
        assertTrue(unregistered.report().contains("replay: checked with rule test.never-a-second-lock"), unregistered.report());
        assertTrue(new ObjectMapper().readTree(unregistered.json()).get("replayCommand").isNull(), unregistered.json());
    }

    @Test
    void unregisteredModelSaysHowToMakeItReplayable() {
        Model.Builder b = Model.builder("my-own-abba");
        Lock x = b.mutex("x");
        Lock y = b.mutex("y");
        b.thread("u", body -> org.migcheck.checker.testing.Nested.locks(body, x, y));
        b.thread("v", body -> org.migcheck.checker.testing.Nested.locks(body, y, x));
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Migcheck.assertHolds(b.build()));
        String last = e.getMessage().lines().reduce((p, q) -> q).orElseThrow();
        assertTrue(last.contains("no registered Scenario builds model my-own-abba") && last.endsWith("schedule 0.1"), last);
    }

    @Test
    void usersScenarioAsDeclaredAndReplayable(@TempDir Path dir) throws IOException {
        Migcheck.assertAsDeclared(new PluginTest.MutexPlugin(), "abba");
        Migcheck.assertAsDeclared(new PluginTest.MutexPlugin(), "ordered");
        System.setProperty("migcheck.reports", dir.toString());
        AssertionFailedError e;
        try {
            e = assertThrows(AssertionFailedError.class, () -> Migcheck.assertAsDeclared(new WrongExpectation(), "abba"));
        } finally {
            System.clearProperty("migcheck.reports");
        }
        String last = e.getMessage().lines().reduce((p, q) -> q).orElseThrow();
        Matcher m = Pattern.compile("^replay: \\./migcheck --classpath (\\S+) replay (plugin-wrong:abba:\\S+)$").matcher(last);
        assertTrue(m.matches(), last);
        // the test classes (where the scenario class is) first, then the test's other class directories
        for (String entry : m.group(1).split(java.io.File.pathSeparator)) {
            assertTrue(Files.isDirectory(Path.of(entry)), m.group(1));
        }
        // the CLI replays it once the scenario is registered on that class path
        Path services = dir.resolve("cp/META-INF/services/" + Scenario.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, WrongExpectation.class.getName() + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--classpath", dir.resolve("cp").toString(), "replay", m.group(2)},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(2, code); // replay exits with the verdict it ends in: DEADLOCK
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("replay of plugin-wrong / abba (2 steps)"), out.toString(StandardCharsets.UTF_8));
        assertThrows(AssertionFailedError.class, () -> Migcheck.assertAsDeclared(new PluginTest.MutexPlugin(), "nosuch"));
    }

    @Test
    void mutationAnalysisOfAUsersModel() {
        Migcheck.MutationReport r = Migcheck.mutate(Zoo.abbaModel(true, false), KernelRules.all());
        // the facade runs the same analysis as the command line
        org.migcheck.checker.run.CheckResult base = org.migcheck.checker.run.Checker.check(Zoo.abbaModel(true, false), KernelRules.all(), Migcheck.options());
        List<Mutations.Mutant> direct = Mutations.run(Zoo.abbaModel(true, false), base, KernelRules.all(), Migcheck.options());
        assertEquals(direct.stream().map(Mutations.Mutant::id).toList(), r.mutants().stream().map(Mutations.Mutant::id).toList());
        // removing the wait of t2's first mutex_lock lets both threads hold A: some rule or error notices
        assertTrue(r.mutants().stream().anyMatch(m -> m.step().startsWith("t2: mutex_lock") && m.fate() != Mutations.Fate.SURVIVED),
                r.report());
        assertTrue(r.report().endsWith("abba-ordered: " + Mutations.summary(r.mutants()) + "\n"), r.report());
        assertThrows(AssertionFailedError.class, () -> Migcheck.mutate(Zoo.abbaModel(false, false), KernelRules.all()));
    }

    @Test
    void reachabilityTakesRulesAndOptions() {
        Model.Builder b = Model.builder("goal");
        var flag = b.flag("done", false);
        b.thread("t", body -> body.step(org.migcheck.model.lang.Step.named("set").does(e -> e.set(flag, true)).build()));
        b.goal("done", v -> v.isSet(flag));
        Model m = b.build();
        Migcheck.assertReachable(m, KernelRules.all(), Migcheck.options(), "done");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Migcheck.assertUnreachable(m, "done"));
        assertTrue(e.getMessage().contains("expected unreachable(done)"), e.getMessage());
        assertThrows(AssertionFailedError.class, () -> Migcheck.assertReachable(m, "nosuch"));
    }

    /**
     * One thread, one retry loop under the model bound "tries": the first pass sets {@code tried}, the
     * second finds it and leaves. At limit 1 the first pass wants another (the bound is reached); at
     * limit 2 the loop ends by itself.
     */
    private static Model retriesOnce() {
        Model.Builder b = Model.builder("retries-once");
        Var tried = b.flag("tried", false);
        Bound tries = b.bound("tries", 1, "the kernel retries until it has tried once");
        b.thread("retrier", body -> body.retry(tries, pass -> pass
                .ifThen(Cond.of("tried", "tried", e -> e.isSet(tried)), hit -> hit.breakLoop())
                .step(Step.named("try_once").does(e -> e.set(tried, true)).build())));
        return b.build();
    }

    @Test
    void aHoldsThatReachedAModelBoundIsNotAPassUnlessAsked() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Migcheck.assertHolds(retriesOnce(), RuleSet.empty(), Migcheck.options()));
        assertTrue(e.getMessage().startsWith("expected holds whatever the model's bounds (check with the bounds raised,"
                + " Migcheck.assertHolds(model, rules, options, K), or accept them with Migcheck.assertHoldsWithinBounds(model, rules,"
                + " options)); this HOLDS reached a model bound: tries (limit 1) in retrier: reached in 1 state, but got:"), e.getMessage());
        // accepted on purpose, with the bound in the result
        assertEquals(1, Migcheck.assertHoldsWithinBounds(retriesOnce(), RuleSet.empty(), Migcheck.options()).saturated().size());
        // one pass more: the loop ends by itself, so the HOLDS does not rest on the bound
        assertTrue(Migcheck.assertHolds(retriesOnce(), RuleSet.empty(), Migcheck.options(), 1).saturated().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Migcheck.assertHolds(retriesOnce(), RuleSet.empty(), Migcheck.options(), 0));
        // a loop that never leaves by itself reaches its bound at every limit
        Model.Builder b = Model.builder("retries-always");
        Bound polls = b.bound("polls", 1, "the kernel polls forever");
        b.thread("poller", body -> body.retry(polls, pass -> pass.step(Step.named("poll").build())));
        AssertionFailedError still = assertThrows(AssertionFailedError.class,
                () -> Migcheck.assertHolds(b.build(), RuleSet.empty(), Migcheck.options(), 2));
        assertTrue(still.getMessage().startsWith("expected holds at bounds +2 with no model bound reached (raise further, or accept the"
                + " bounds with Migcheck.assertHoldsWithinBounds); it still reached a model bound: polls (limit 3)"), still.getMessage());
        // a model without model bounds has nothing to raise: the assertion says so rather than passing
        AssertionFailedError none = assertThrows(AssertionFailedError.class,
                () -> Migcheck.assertHolds(Zoo.abbaModel(true, false), RuleSet.empty(), Migcheck.options(), 1));
        assertTrue(none.getMessage().contains("declares no model bounds to raise"), none.getMessage());
    }
}
