package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.export.NotExpressible;
import org.migcheck.checker.export.PromelaExport;
import org.migcheck.checker.export.Spin;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * README: Bounds, Mutation analysis: every bundled verdict agrees with SPIN on the Promela export of the same model.
 * Every catalogue variant and a seeded sample of knob combinations is exported, compiled once
 * ({@code spin -a}, {@code gcc -O2 -DSAFETY -DNOREDUCE}) and searched by {@code ./pan}; SPIN must
 * find the same kind of verdict, and, where migcheck explored everything (holds, stuck, lock-order
 * cycle), no error and exactly migcheck's number of distinct states; where it found a failure, pan's
 * breadth-first search ({@code -DBFS}) must find none closer than migcheck's trace is long, and one that
 * close. The dining philosophers (ordered,
 * n = 2..5) must give 16, 72, 320 and 1424 states in SPIN, counts derived independently of migcheck.
 * Without spin or gcc the test fails when CI is set and is reported as aborted otherwise.
 */
class SpinCrossCheckTest {
    private static final long TIMEOUT = 240;
    private static final RuleSet RULES = KernelRules.all();

    /** One model to cross-check: a scenario with a variant and/or knob settings. */
    record Case(Scenario scenario, String variant, Map<String, String> sets, Long independentCount, RuleSet rules) {
        Case(Scenario scenario, String variant, Map<String, String> sets, Long independentCount) {
            this(scenario, variant, sets, independentCount, RULES);
        }

        String title() {
            return scenario.id() + " / " + (variant != null ? variant : "-") + (sets.isEmpty() ? "" : " " + sets);
        }
    }

    /** What one cross-check found. */
    record Finding(Case c, boolean exact, String notExpressible, String problem, boolean shortest) {
        Finding(Case c, boolean exact, String notExpressible, String problem) {
            this(c, exact, notExpressible, problem, false);
        }
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Scenario s : Catalogue.all()) {
            for (Variant v : s.variants()) {
                out.add(new Case(s, v.name(), Map.of(), null));
            }
        }
        // independent counts: ordered philosophers, n = 2..5
        long[] phil = {16, 72, 320, 1424};
        Scenario p = Catalogue.find("philosophers");
        for (int n = 2; n <= 5; n++) {
            out.add(new Case(p, "ordered", Map.of("n", Integer.toString(n)), phil[n - 2]));
        }
        out.add(new Case(p, "circular", Map.of("n", "4"), null));
        // a failure the monitor finds (an invariant, on the state two steps make) and one in the initial state: no
        // catalogue variant fails either way first, and the depth pan gives counts differently for them
        out.add(new Case(counting(), "reaches-two", Map.of(), null, RULES.with(notAt(2))));
        out.add(new Case(counting(), "reaches-two", Map.of(), null, RULES.with(notAt(0))));
        // a seeded sample of knob combinations of every kernel scenario, other than its named variants
        Random rnd = new Random(20261203L);
        for (Scenario s : Catalogue.kernel()) {
            Set<Map<String, String>> named = new LinkedHashSet<>();
            for (Variant v : s.variants()) {
                named.add(Knobs.resolve(s.id(), s.knobs(), v.settings()).asMap());
            }
            Set<Map<String, String>> picked = new LinkedHashSet<>();
            for (int tries = 0; tries < 200 && picked.size() < 3; tries++) {
                Map<String, String> sets = new LinkedHashMap<>();
                for (Knob k : s.knobs()) {
                    // a numeric (size) knob is sampled among its two smallest values: both searches run
                    // unreduced, and six folios are far beyond what either finishes within the time limit
                    int choices = isSize(k) ? Math.min(2, k.values().size()) : k.values().size();
                    sets.put(k.name(), k.values().get(rnd.nextInt(choices)));
                }
                // a knob the model does not read under the others stays at its default (KnobApplicabilityTest)
                Knobs.unreadToDefault(s.id(), s.knobs(), sets);
                if (!named.contains(Knobs.resolve(s.id(), s.knobs(), sets).asMap()) && picked.add(sets)) {
                    out.add(new Case(s, null, sets, null));
                }
            }
        }
        return out;
    }

    /** A thread that sets x to 1, then 2 (three states in a row). */
    static Scenario counting() {
        return org.migcheck.model.scenarios.BaseScenario.builder("spin-counting")
                .title("a thread counts x from 0 to 2")
                .reference("a test model (not the kernel)")
                .model(k -> {
                    org.migcheck.model.lang.Model.Builder b = org.migcheck.model.lang.Model.builder("spin-counting");
                    org.migcheck.model.lang.Var x = b.var("x", 0, 2, 0);
                    b.thread("counter", t -> t.step(org.migcheck.model.lang.Step.named("WRITE_ONCE").args("x=1").does(e -> e.set(x, 1)).build())
                            .step(org.migcheck.model.lang.Step.named("WRITE_ONCE").args("x=2").does(e -> e.set(x, 2)).build()));
                    return b.build();
                })
                .variant("reaches-two", Map.of(), org.migcheck.model.scenarios.Expect.holds(), "a test model")
                .build();
    }

    /** The invariant x != value, as a rule of the test's (the monitor asserts it in SPIN). */
    static org.migcheck.properties.Invariant notAt(int value) {
        return org.migcheck.properties.Invariant.of("test.x-not-" + value, "x never equals " + value, null,
                st -> st.get(st.model().vars().stream().filter(v -> v.name().equals("x")).findFirst().orElseThrow()) == value
                        ? org.migcheck.properties.Check.violated("x is " + value) : org.migcheck.properties.Check.ok());
    }

    static boolean isSize(Knob k) {
        return k.values().size() > 2 && k.values().stream().allMatch(v -> v.matches("\\d+"));
    }

    @Test
    void everyVerdictAgreesWithSpin() throws Exception {
        if (!Spin.available()) {
            if (System.getenv("CI") != null) {
                fail("CI is set but spin or gcc is missing: .ci/run installs them (apt-get install -y spin gcc)");
            }
            Assumptions.abort("spin or gcc is not installed: the SPIN cross-check did not run");
        }
        List<Case> cases = cases();
        Path root = Files.createTempDirectory("migcheck-spin");
        List<Finding> findings = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Finding>> futures = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                Path dir = root.resolve("case" + i);
                futures.add(pool.submit(() -> crossCheck(c, dir)));
            }
            for (Future<Finding> f : futures) {
                findings.add(f.get());
            }
        } finally {
            pool.shutdownNow();
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
        List<String> problems = new ArrayList<>();
        List<String> notExpressible = new ArrayList<>();
        int checked = 0;
        int exact = 0;
        int shortest = 0;
        for (Finding f : findings) {
            if (f.problem() != null) {
                problems.add(f.c().title() + ": " + f.problem());
            } else if (f.notExpressible() != null) {
                notExpressible.add(f.c().title() + " (" + f.notExpressible() + ")");
            } else {
                checked++;
                exact += f.exact() ? 1 : 0;
                shortest += f.shortest() ? 1 : 0;
            }
        }
        System.out.println(checked + " cross-checked, " + exact + " exact counts, " + shortest + " counterexamples of SPIN's shortest length, "
                + notExpressible.size() + " not expressible: "
                + (notExpressible.isEmpty() ? "none" : String.join("; ", notExpressible)));
        assertEquals(List.of(), problems, "SPIN disagrees with migcheck");
        assertEquals(cases.size(), checked + notExpressible.size());
        long variants = Catalogue.all().stream().mapToLong(s -> s.variants().size()).sum();
        assertTrue(checked >= variants, "fewer models cross-checked (" + checked + ") than catalogue variants (" + variants + ")");
        // every catalogue variant declared to fail a safety check (not the lockdep analysis) had its length compared
        Set<String> compared = new LinkedHashSet<>();
        findings.stream().filter(Finding::shortest).filter(f -> f.c().sets().isEmpty() && f.c().variant() != null)
                .forEach(f -> compared.add(f.c().scenario().id() + "/" + f.c().variant()));
        List<String> missed = Catalogue.all().stream().flatMap(s -> s.variants().stream()
                        .filter(v -> v.expect().kind() == org.migcheck.model.scenarios.Expect.Kind.DEADLOCK
                                || v.expect().kind() == org.migcheck.model.scenarios.Expect.Kind.VIOLATED
                                && !RuleSet.LOCK_CYCLE.equals(v.expect().ruleId()))
                        .map(v -> s.id() + "/" + v.name()))
                .filter(id -> !compared.contains(id)).toList();
        assertEquals(List.of(), missed, "failing catalogue variants whose counterexample was not compared with SPIN's shortest");
        // and the two test-model failures: one the monitor finds two steps in, one in the initial state
        assertEquals(2, findings.stream().filter(f -> f.shortest() && f.c().scenario().id().equals("spin-counting")).count());
    }

    static Finding crossCheck(Case c, Path dir) throws IOException, InterruptedException {
        // pan runs with -DNOREDUCE and knows no symmetry, so migcheck's side is the plain search too: the
        // distinct-state counts compared here are those of the unreduced transition system.
        Options plain = Options.defaults().withSymmetry(Options.Switch.OFF).withPor(Options.Switch.OFF);
        ScenarioRunner.Outcome o = ScenarioRunner.run(c.scenario(), c.variant(), c.sets(), c.rules(), plain);
        CheckResult r = o.result();
        if (r.verdict() == Verdict.INCOMPLETE || r.model() == null) {
            return new Finding(c, false, null, "migcheck gave " + ScenarioRunner.verdictText(r) + ": " + r.message());
        }
        PromelaExport.Result export;
        try {
            export = PromelaExport.export(r.model(), c.rules(), c.title());
        } catch (NotExpressible e) {
            return new Finding(c, false, e.getMessage(), null);
        }
        Set<String> off = new LinkedHashSet<>();
        Spin.compile(export, dir, off, TIMEOUT);
        Spin.Result first = Spin.pan(dir, TIMEOUT);
        if (first.errors().contains("export_gap")) {
            return new Finding(c, false, null, "SPIN left the tabulated values (export_gap):\n" + first.output());
        }
        boolean whole = r.verdict() == Verdict.HOLDS || r.verdict() == Verdict.STUCK
                || r.verdict() == Verdict.VIOLATED && RuleSet.LOCK_CYCLE.equals(r.ruleId());
        if (whole) {
            // migcheck's search found no safety failure and explored everything: so must SPIN, state for state
            if (!first.errors().isEmpty()) {
                return new Finding(c, false, null, "migcheck: " + ScenarioRunner.verdictText(r) + ", SPIN: " + first.errors());
            }
            long want = r.stats().distinct();
            if (first.stored() != want) {
                return new Finding(c, false, null, "SPIN stored " + first.stored() + " states, migcheck " + want + " distinct");
            }
            if (c.independentCount() != null && first.stored() != c.independentCount()) {
                return new Finding(c, false, null, "SPIN stored " + first.stored() + " states, the independent count is "
                        + c.independentCount());
            }
            return new Finding(c, export.exact(), null, null);
        }
        String want = switch (r.verdict()) {
            case DEADLOCK -> "invalid end state";
            case MODEL_ERROR -> "model_error";
            case VIOLATED -> "violated_" + ident(r.ruleId());
            default -> throw new IllegalStateException(r.verdict().toString());
        };
        // SPIN's depth-first search may meet another failure first; switch the others off until it finds ours or none.
        // Assertions are switched off one flag at a time (never with -A): the exporter's own check, export_gap, stays
        // on in every round, and any round that meets it fails the case
        Spin.Result res = first;
        List<String> args = new ArrayList<>();
        for (int round = 0; round <= export.failureFlags().size() + 2; round++) {
            if (res.errors().contains("export_gap")) {
                return new Finding(c, false, null, "SPIN left the tabulated values (export_gap) with " + off + " off:\n" + res.output());
            }
            if (res.errors().contains(want)) {
                return shortest(c, r, export, dir.resolve("bfs"));
            }
            if (res.errors().isEmpty()) {
                break;
            }
            if (res.errors().contains("invalid end state")) {
                args.add("-E");
            } else {
                off.addAll(res.errors());
                Spin.compile(export, dir, off, TIMEOUT);
            }
            res = Spin.pan(dir, TIMEOUT, args.toArray(new String[0]));
        }
        return new Finding(c, false, null, "migcheck: " + ScenarioRunner.verdictText(r) + ", SPIN does not find " + want
                + " (first errors: " + first.errors() + (off.isEmpty() ? "" : ", then with " + off + " off: " + res.errors()) + ")");
    }

    /**
     * The counterexample is a shortest one, by SPIN's breadth-first search on the same program: no failure of any
     * kind is closer to the initial state than migcheck's trace is long, and one is exactly that close. Both of
     * migcheck's traces must have that length: the unreduced search's and the default one's (symmetry and
     * partial-order reduction where the model allows them, whose failures are re-shortened). pan gives the depth of
     * the state in which it met a failure; in migcheck's steps that is the trace's length for a deadlock and for an
     * invariant (the monitor's assertion, on the state the last step made), and one less for a failing step (an
     * assertion inside the step's d_step, tried from the state before it).
     */
    static Finding shortest(Case c, CheckResult plain, PromelaExport.Result export, Path dir) throws IOException, InterruptedException {
        Set<String> invariants = new LinkedHashSet<>();
        String program = export.promela();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("assert\\((\\w+)\\)")
                .matcher(program.substring(program.indexOf("active proctype monitor()")));
        while (m.find()) {
            invariants.add(m.group(1));
        }
        List<Spin.Found> found = Spin.breadthFirst(export, dir, TIMEOUT);
        int spin = Integer.MAX_VALUE;
        for (Spin.Found f : found) {
            if (f.error().equals("export_gap")) {
                return new Finding(c, false, null, "SPIN's breadth-first search left the tabulated values (export_gap)");
            }
            boolean inState = f.error().equals("invalid end state") || invariants.contains(f.error());
            spin = Math.min(spin, inState ? f.depth() : f.depth() + 1);
        }
        if (found.isEmpty()) {
            return new Finding(c, false, null, "SPIN's breadth-first search met no failure, its depth-first search one");
        }
        ScenarioRunner.Outcome reduced = ScenarioRunner.run(c.scenario(), c.variant(), c.sets(), c.rules(), Options.defaults());
        int plainSteps = plain.schedule().length;
        int reducedSteps = reduced.result().schedule().length;
        if (plainSteps != spin || reducedSteps != spin || reduced.result().verdict() != plain.verdict()) {
            return new Finding(c, false, null, "a shortest failure in SPIN's breadth-first search takes " + spin + " steps ("
                    + found.get(0) + " first); migcheck's trace takes " + plainSteps + " without reductions and " + reducedSteps
                    + " with the default ones (" + ScenarioRunner.verdictText(reduced.result()) + ")");
        }
        return new Finding(c, false, null, null, true);
    }

    /** The Promela name part of a rule id, as the exporter writes it. */
    static String ident(String ruleId) {
        StringBuilder b = new StringBuilder();
        for (char ch : ruleId.toCharArray()) {
            b.append(Character.isLetterOrDigit(ch) && ch < 128 ? ch : '_');
        }
        return b.toString();
    }
}
