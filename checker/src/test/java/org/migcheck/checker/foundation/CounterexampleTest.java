package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.migcheck.checker.cli.Main;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.testing.CliRun;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/** Exact counterexamples (BFS: shortest), their explanations, and replay round trips. */
class CounterexampleTest {

    static CheckResult check(Model m) {
        return Checker.check(m, RuleSet.empty(), Options.defaults());
    }

    static List<String> labels(Trace t) {
        return t.rows().stream().map(Trace.Row::label).toList();
    }

    /** ABBA: t1 takes A, t2 takes B, and neither can go on: exactly 2 steps. */
    @Test
    void abbaDeadlockIsTwoFirstLocks() {
        CheckResult r = check(Zoo.abbaModel(false, false));
        assertEquals(Verdict.DEADLOCK, r.verdict(), r.message());
        assertEquals(2, r.schedule().length);
        assertEquals(2, BruteForce.explore(BruteForce.abba(false, false)).shortestDeadlock());
        Trace t = r.trace();
        assertEquals(2, t.rows().size());
        Set<String> steps = new HashSet<>();
        Set<Integer> threads = new HashSet<>();
        for (Trace.Row row : t.rows()) {
            steps.add(row.label());
            threads.add(row.thread());
            assertNull(row.failure());
        }
        assertEquals(Set.of("mutex_lock(A)", "mutex_lock(B)"), steps);
        assertEquals(Set.of(0, 1), threads, "each thread takes one step");
        for (Trace.Row row : t.rows()) {
            // t1 (thread 0) takes A first, t2 (thread 1) takes B first
            assertEquals(row.thread() == 0 ? "mutex_lock(A)" : "mutex_lock(B)", row.label());
            assertEquals(List.of((row.thread() == 0 ? "A" : "B") + ": held by t" + (row.thread() + 1)), row.changes());
        }
        assertTrue(r.hasCounterexample());
    }

    /** With lockdep on, the deadlock is still found (first) by the search. */
    @Test
    void abbaDeadlockWithKernelRules() {
        CheckResult r = Checker.check(Zoo.abbaModel(false, false), KernelRules.all(), Options.defaults());
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals(2, r.schedule().length);
    }

    /** The explanation names both locks, both owners, and the wait-for cycle. */
    @Test
    void abbaExplanation() {
        CheckResult r = check(Zoo.abbaModel(false, false));
        List<String> ex = r.explanation();
        String all = String.join("\n", ex);
        assertTrue(all.contains("A"), all);
        assertTrue(all.contains("B"), all);
        assertTrue(all.contains("held by t1"), all);
        assertTrue(all.contains("held by t2"), all);
        assertTrue(ex.stream().anyMatch(l -> l.startsWith("t1 blocked in mutex_lock(B)")), all);
        assertTrue(ex.stream().anyMatch(l -> l.startsWith("t2 blocked in mutex_lock(A)")), all);
        List<String> cycles = ex.stream().filter(l -> l.startsWith("cycle:")).toList();
        assertEquals(1, cycles.size(), all);
        String cycle = cycles.get(0);
        assertTrue(cycle.contains("t1") && cycle.contains("t2") && cycle.contains("A") && cycle.contains("B"), cycle);
        assertTrue(r.message().contains("t1") && r.message().contains("t2"), r.message());
    }

    /**
     * A deadlock without a cycle: b takes L and waits for a condition no thread provides, a waits for L.
     * The text has a chain line per blocked thread, JSON the same chains as fields ("end" says how the
     * last thread rests); a leaked lock (a kernel mutation) ends in "exited".
     */
    @Test
    void aDeadlockWithoutACycleHasItsChainsInTextAndJson() throws Exception {
        Model.Builder b = Model.builder("chain3");
        org.migcheck.model.lang.Lock l = b.mutex("L");
        b.thread("a", body -> body.step(org.migcheck.model.lang.Steps.lock("mutex_lock", l))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", l)));
        b.thread("b", body -> body.step(org.migcheck.model.lang.Steps.lock("mutex_lock", l))
                .step(org.migcheck.model.lang.Step.named("wait_event").args("ready").when(e -> false)
                        .blockedBy(e -> new org.migcheck.model.lang.BlockReason.OnCondition("ready to be set", "ready")).build())
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", l)));
        Model model = b.build();
        Scenario sc = org.migcheck.model.scenarios.BaseScenario.builder("chain3").title("chain").reference("test").model(k -> model)
                .variant("v", Map.of(), org.migcheck.model.scenarios.Expect.deadlock(), "").build();
        ScenarioRunner.Outcome o = ScenarioRunner.run(sc, "v", Map.of(), RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.DEADLOCK, o.result().verdict(), o.result().message());
        List<String> chains = o.result().explanation().stream().filter(x -> x.startsWith("chain: ")).toList();
        assertEquals(List.of("chain: a -> L -> b (nobody can wake it)", "chain: b (nobody can wake it)"), chains);
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(org.migcheck.checker.trace.JsonRenderer.render(o));
        assertTrue(doc.path("cycle").isNull());
        com.fasterxml.jackson.databind.JsonNode js = doc.path("chains");
        assertEquals(2, js.size(), js.toString());
        assertEquals("[\"a\",\"b\"]", js.path(0).path("nodes").toString());
        assertEquals("{\"from\":\"a\",\"to\":\"b\",\"via\":\"L\"}", js.path(0).path("edges").path(0).toString());
        assertEquals("no-waker", js.path(0).path("end").asText());
        assertEquals("[\"b\"]", js.path(1).path("nodes").toString());
        assertEquals(0, js.path(1).path("edges").size());

        CliRun leak = CliRun.run("check", "truncate-writeback", "--variant", "activate-ignored", "--format", "json");
        assertEquals(2, leak.code(), leak.err());
        com.fasterxml.jackson.databind.JsonNode lj = new com.fasterxml.jackson.databind.ObjectMapper().readTree(leak.out()).path("chains");
        assertEquals(1, lj.size(), lj.toString());
        assertEquals("exited", lj.path(0).path("end").asText());
        assertEquals("folio0.locked", lj.path(0).path("edges").path(0).path("via").asText());

        CliRun abba = CliRun.run("check", "abba", "--format", "json");
        assertEquals(0, new com.fasterxml.jackson.databind.ObjectMapper().readTree(abba.out()).path("chains").size(), "a cycle has no chains");
    }

    /**
     * Call stacks show a procedure's kernel function (its name up to the first '/'), but the thread's
     * own name whole: kernel threads are named kworker/u16:3 or migration/0.
     */
    @Test
    void callStacksKeepThreadNamesWithASlash() {
        Model.Builder m = Model.builder("slashes");
        org.migcheck.model.lang.Lock a = m.mutex("A");
        org.migcheck.model.lang.Lock b = m.mutex("B");
        org.migcheck.model.lang.Procedure ab = m.procedure("lock_two/ab");
        ab.body(x -> x.step(org.migcheck.model.lang.Steps.lock("mutex_lock", a)).step(org.migcheck.model.lang.Steps.lock("mutex_lock", b))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", b)).step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", a)));
        org.migcheck.model.lang.Procedure ba = m.procedure("lock_two/ba");
        ba.body(x -> x.step(org.migcheck.model.lang.Steps.lock("mutex_lock", b)).step(org.migcheck.model.lang.Steps.lock("mutex_lock", a))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", a)).step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", b)));
        m.thread("kworker/u16:3").body(x -> x.call(ab));
        m.thread("migration/0").body(x -> x.call(ba));
        CheckResult r = check(m.build());
        assertEquals(Verdict.DEADLOCK, r.verdict(), r.message());
        String all = String.join("\n", r.explanation());
        assertTrue(r.explanation().stream().anyMatch(l -> l.startsWith("kworker/u16:3 blocked in mutex_lock(B)   [lock_two <- kworker/u16:3]")), all);
        assertTrue(r.explanation().stream().anyMatch(l -> l.startsWith("migration/0 blocked in mutex_lock(A)   [lock_two <- migration/0]")), all);
    }

    /** A thread blocked on a lock of the cycle is not named as part of it. */
    @Test
    void theSummaryNamesTheCycleApartFromOtherBlockedThreads() {
        Model.Builder m = Model.builder("abba-and-a-bystander");
        org.migcheck.model.lang.Lock a = m.mutex("A");
        org.migcheck.model.lang.Lock b = m.mutex("B");
        m.thread("t1", x -> x.step(org.migcheck.model.lang.Steps.lock("mutex_lock", a)).step(org.migcheck.model.lang.Steps.lock("mutex_lock", b))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", b)).step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", a)));
        m.thread("t2", x -> x.step(org.migcheck.model.lang.Steps.lock("mutex_lock", b)).step(org.migcheck.model.lang.Steps.lock("mutex_lock", a))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", a)).step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", b)));
        m.thread("bystander", x -> x.step(org.migcheck.model.lang.Steps.lock("mutex_lock", a))
                .step(org.migcheck.model.lang.Steps.unlock("mutex_unlock", a)));
        CheckResult r = check(m.build());
        assertEquals(Verdict.DEADLOCK, r.verdict(), r.message());
        assertEquals(2, r.schedule().length); // t1 takes A, t2 takes B: the bystander has not moved
        assertEquals("circular wait: t1, t2 blocked (also blocked, outside the cycle: bystander)", r.message());
    }

    /** n philosophers each take the left fork: a deadlock after exactly n steps, one per philosopher. */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6})
    void philosophersDeadlockAfterNSteps(int n) {
        CheckResult r = check(Zoo.philosophersModel(n, false));
        assertEquals(Verdict.DEADLOCK, r.verdict());
        assertEquals(n, r.schedule().length);
        assertEquals(n, BruteForce.explore(BruteForce.philosophers(n, false)).shortestDeadlock());
        Set<Integer> threads = new HashSet<>();
        for (Trace.Row row : r.trace().rows()) {
            assertTrue(threads.add(row.thread()), "each philosopher moves once");
            assertEquals("mutex_lock(fork" + row.thread() + ")", row.label());
        }
        assertEquals(n, threads.size());
        assertTrue(r.explanation().stream().anyMatch(l -> l.startsWith("cycle:")), r.explanation().toString());
        long blocked = r.explanation().stream().filter(l -> l.contains(" blocked in ")).count();
        assertEquals(n, blocked);
    }

    /**
     * The lost update, by hand: both increments must finish before the observer may pass its wait
     * (2 + 2 steps), then wait_for_completion (1), then the failing assert (1) = 6, and 6 suffices:
     * inc1 READ_ONCE (x=0), inc2 READ_ONCE (x=0), inc1 WRITE_ONCE (x=1), inc2 WRITE_ONCE (x=1), wait,
     * assert. The failing assert is the last label of the schedule (it has no successor state).
     */
    @Test
    void lostUpdateShortestSchedule() {
        CheckResult r = check(Zoo.lostUpdateModel(false));
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertEquals("counter.lost-update", r.ruleId());
        assertEquals(6, r.schedule().length);
        assertEquals(6, BruteForce.explore(BruteForce.counter(false)).shortestFailure());
        assertEquals(2, Trace.thread(r.schedule()[5]), "the observer's assert is last");
        assertEquals(2, Trace.thread(r.schedule()[4]), "after its wait");
        Trace t = r.trace();
        assertEquals(6, t.rows().size());
        assertEquals(6, t.states().size(), "states before each step; the failing step has no after-state");
        Trace.Row last = t.rows().get(5);
        assertNotNull(last.failure());
        assertTrue(last.failure().contains("x == 2"), last.failure());
        assertTrue(last.label().startsWith("assert("), last.label());
        assertEquals("wait_for_completion(inc1, inc2)", t.rows().get(4).label());
        int reads = 0;
        int writes = 0;
        for (int i = 0; i < 4; i++) {
            Trace.Row row = t.rows().get(i);
            assertNull(row.failure());
            if (row.label().equals("READ_ONCE(x)")) {
                reads++;
                assertEquals(List.of(), row.changes());
                assertEquals(0, writes, "both reads come before both writes");
            } else {
                assertEquals("WRITE_ONCE(x)", row.label());
                writes++;
                // both writes store 1: the first changes x from 0, the second leaves it at 1, which the
                // trace still shows (an empty changes column hid the lost update's second write)
                assertEquals(writes == 1 ? List.of("x: 1") : List.of("x: 1 (unchanged)"), row.changes());
                assertEquals(List.of(new Trace.Change("x", "1", writes != 1)), row.writes());
            }
        }
        assertEquals(2, reads);
        assertEquals(2, writes);
        assertEquals(1, t.last()[Zoo.lostUpdateModel(false).vars().get(0).slot()], "x ends at 1");
    }

    /**
     * A write of the value a variable already has is shown only in a step that changes nothing else:
     * "x: 0 (unchanged)" alone, not beside "y: set" (an allocation resets flags that are clear already).
     * JSON carries the same rows, such a write under "rewrites".
     */
    @Test
    void writesThatChangeNothingAreShownWhereNothingElseChanged() throws Exception {
        Model.Builder m = Model.builder("rewrites");
        org.migcheck.model.lang.Var x = m.var("x", 0, 1, 0);
        org.migcheck.model.lang.Var y = m.flag("y", false);
        m.thread("t", b -> b
                .step(org.migcheck.model.lang.Step.named("reset").args("x, y").does(e -> { e.set(x, 0); e.set(y, true); }).build())
                .step(org.migcheck.model.lang.Step.named("again").args("x").does(e -> e.set(x, 0)).build())
                .step(org.migcheck.model.lang.Step.named("look").args("x").does(e -> e.get(x)).build())
                .assertThat("t.never", "false", e -> false));
        CheckResult r = check(m.build());
        assertEquals(Verdict.VIOLATED, r.verdict(), r.message());
        List<Trace.Row> rows = r.trace().rows();
        assertEquals(List.of("y: set"), rows.get(0).changes(), "x written as 0 beside a change of y is not listed");
        assertEquals(List.of("x: 0 (unchanged)"), rows.get(1).changes());
        assertEquals(List.of(), rows.get(2).changes(), "a read is no write");
        assertEquals("[reads x=0]", rows.get(2).outcome());

        CliRun run = CliRun.run("check", "counter", "--variant", "racy", "--format", "json");
        assertEquals(1, run.code(), run.err());
        com.fasterxml.jackson.databind.JsonNode steps = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out())
                .path("trace");
        assertEquals(6, steps.size(), run.out());
        assertEquals("[{\"variable\":\"x\",\"value\":\"1\"}]", steps.path(2).path("changes").toString());
        assertEquals("[]", steps.path(2).path("rewrites").toString());
        // "changes" keeps its meaning (values changed); the lost update's second write is a field of its own
        assertEquals("[]", steps.path(3).path("changes").toString());
        assertEquals("[{\"variable\":\"x\",\"value\":\"1\"}]", steps.path(3).path("rewrites").toString());
    }

    @Test
    void replayGivesTheSameRows() {
        for (Model m : List.of(Zoo.abbaModel(false, false), Zoo.philosophersModel(4, false), Zoo.lostUpdateModel(false))) {
            CheckResult r = check(m);
            assertTrue(r.schedule().length > 0, m.name());
            Trace again = Trace.replay(m, r.schedule());
            assertEquals(r.trace().rows(), again.rows(), m.name());
            // a fresh build of the same model replays the same way
            Trace rebuilt = Trace.replay(rebuild(m.name()), r.schedule());
            assertEquals(r.trace().rows(), rebuilt.rows(), m.name());
        }
    }

    private static Model rebuild(String name) {
        return switch (name) {
            case "abba" -> Zoo.abbaModel(false, false);
            case "philosophers-4" -> Zoo.philosophersModel(4, false);
            case "counter-racy" -> Zoo.lostUpdateModel(false);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void tokenRoundTrip() {
        Scenario phil = Catalogue.find("philosophers");
        ScenarioRunner.Outcome o = ScenarioRunner.run(phil, null, Map.of("n", "4", "ordered", "false"),
                RuleSet.empty(), Options.defaults());
        assertEquals(Verdict.DEADLOCK, o.result().verdict());
        String token = o.token();
        // n=4 matches no named variant (they use the default n=3), so the variant part is "-"
        assertEquals("philosophers:-:n=4,ordered=false:" + ScenarioRunner.scheduleText(o.result().schedule()), token);
        ScenarioRunner.Token back = ScenarioRunner.parse(token);
        assertEquals("philosophers", back.scenario().id());
        assertNull(back.variant());
        assertEquals(o.knobs().asMap(), back.knobs().asMap());
        assertEquals("4", back.knobs().get("n"));
        assertArrayEquals(o.result().schedule(), back.schedule());
        assertEquals(token, ScenarioRunner.token(back.scenario(), back.variant(), back.knobs(), back.schedule()));
    }

    @Test
    void tokenRoundTripOfANamedVariant() {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("counter"), "racy", Map.of(), RuleSet.empty(),
                Options.defaults());
        String token = o.token();
        assertTrue(token.startsWith("counter:racy:atomic=false:"), token);
        ScenarioRunner.Token back = ScenarioRunner.parse(token);
        assertEquals("racy", back.variant());
        assertEquals(o.knobs().asMap(), back.knobs().asMap());
        assertArrayEquals(o.result().schedule(), back.schedule());
        Model m = back.scenario().build(back.knobs());
        assertEquals(o.result().trace().rows(), Trace.replay(m, back.schedule()).rows());
    }

    @Test
    void tokenRoundTripWithAlternatives() {
        Scenario phil = Catalogue.find("philosophers");
        int[] sched = {Trace.label(0, 0), Trace.label(2, 3), Trace.label(1, 0)};
        ScenarioRunner.Token back = ScenarioRunner.parse(ScenarioRunner.token(phil, null,
                org.migcheck.model.scenarios.Knobs.resolve("philosophers", phil.knobs(), Map.of()), sched));
        assertArrayEquals(sched, back.schedule());
        assertNull(back.variant());
    }

    /**
     * A report says what its variant stands for (the catalogue's text, kind first) under the verdict, and marks the
     * step at which a step rule breaks (the last of the trace; the step itself ran, so its changes stay shown).
     */
    @Test
    void aReportNamesItsVariantAndTheStepWhereTheRuleBreaks() {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("movable-ops"), "plain-ref", Map.of(), KernelRules.all(),
                Options.defaults());
        assertEquals(Verdict.VIOLATED, o.result().verdict());
        String text = org.migcheck.checker.trace.TextRenderer.render(o, 200);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(1).startsWith("  variant: mutation: "), lines.get(1));
        int n = o.result().schedule().length;
        assertTrue(text.contains("^ ref.get-unless-zero breaks at step " + n + " ("), text);
        String html = org.migcheck.checker.trace.HtmlRenderer.render(o);
        assertTrue(html.contains("<p class=\"variant\">variant: mutation: "), html);
        assertEquals(1, html.split("class=\"failing\"", -1).length - 1, "exactly one step marked");
        // knob settings that no variant names have no variant line; a holding report has no marker
        ScenarioRunner.Outcome knobs = ScenarioRunner.run(Catalogue.find("fuse-writeback-memcg"), null,
                Map.of("memcg", "v1", "mappingFlag", "false", "migrate", "ASYNC"), KernelRules.all(), Options.defaults());
        assertFalse(org.migcheck.checker.trace.TextRenderer.render(knobs, 200).contains("  variant: "));
        ScenarioRunner.Outcome holds = ScenarioRunner.run(Catalogue.find("movable-ops"), "merged", Map.of(), KernelRules.all(),
                Options.defaults());
        String ht = org.migcheck.checker.trace.TextRenderer.render(holds, 200);
        assertTrue(ht.lines().toList().get(1).startsWith("  variant: shipped "), ht);
        assertFalse(ht.contains(" breaks at step "), ht);
    }

    /** A token that names no variant (knobs set on the command line) is titled by its knob values, as check titles it. */
    @Test
    void replayOfAKnobCombinationNamesItsKnobs() {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find("fuse-writeback-memcg"), null,
                Map.of("memcg", "v1", "mappingFlag", "false", "migrate", "ASYNC"), KernelRules.all(), Options.defaults());
        assertNull(o.variant(), "no variant has migrate=ASYNC");
        assertEquals(Verdict.DEADLOCK, o.result().verdict());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"replay", o.token()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(Verdict.DEADLOCK.exitCode(), code);
        String first = out.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
        assertEquals("replay of " + o.title() + " (" + o.result().schedule().length + " steps)", first);
        assertTrue(first.contains("/ memcg=v1,") && first.contains("migrate=ASYNC"), first);
    }

    @Test
    void cliReplayPrintsTheSameSteps() {
        for (String[] sv : new String[][] {{"abba", "default"}, {"philosophers", "circular"}, {"counter", "racy"}}) {
            ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find(sv[0]), sv[1], Map.of(), KernelRules.all(),
                    Options.defaults());
            assertTrue(o.result().schedule().length > 0, sv[0]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"replay", o.token()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            // replay exits with the code of the verdict it ends in, and says it reproduces the recorded one
            assertEquals(o.result().verdict().exitCode(), code, err.toString(StandardCharsets.UTF_8));
            assertTrue(text.contains(": reproduced"), text);
            assertTrue(text.contains("(" + o.result().schedule().length + " steps)"), text);
            // every step label appears, in order (cells may wrap: compared without white space)
            String flat = text.replaceAll("\\s+", "");
            int at = 0;
            for (Trace.Row row : o.result().trace().rows()) {
                String label = row.label().replaceAll("\\s+", "");
                int i = flat.indexOf(label, at);
                assertTrue(i >= 0, "missing " + row.label() + " in\n" + text);
                at = i + label.length();
            }
            String[] lines = text.split("\n");
            long numbered = java.util.Arrays.stream(lines).filter(l -> l.matches("\\s+\\d+\\s.*")).count();
            assertEquals(o.result().schedule().length, numbered, text);
        }
    }
}
