package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.StateView;
import org.migcheck.model.lang.Var;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * Shared helpers of the scenario tests: run a variant, build its model, find objects, trace rows and
 * labels, and the common assertions on a holding variant.
 */
final class ScenarioTestSupport {
    private ScenarioTestSupport() {}

    // ---------------------------------------------------------------- plain enumeration

    /**
     * Visits the reachable states of {@code m} in breadth-first order with the model's own semantics (no
     * engine, no rules: a failing transition has no successor) until {@code visit} returns false; returns
     * how many states were visited. The independent count the engine's is compared with.
     */
    static int enumerate(Model m, java.util.function.BiPredicate<Semantics, int[]> visit) {
        Semantics sem = new Semantics(m);
        java.util.Set<List<Integer>> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<int[]> queue = new java.util.ArrayDeque<>();
        int[] init = sem.initialState();
        queue.add(init);
        seen.add(java.util.Arrays.stream(init).boxed().toList());
        int visited = 0;
        while (!queue.isEmpty()) {
            int[] s = queue.poll();
            visited++;
            if (!visit.test(sem, s)) {
                break;
            }
            sem.expand(s, new Semantics.Sink() {
                @Override public void fired(int thread, int alt, int[] next, List<org.migcheck.model.lang.Event> events) {
                    if (seen.add(java.util.Arrays.stream(next).boxed().toList())) {
                        queue.add(next);
                    }
                }

                @Override public void failed(int thread, int alt, RuntimeException error) { }

                @Override public void blocked(int thread, org.migcheck.model.lang.BlockReason reason) { }
            });
        }
        return visited;
    }

    // ---------------------------------------------------------------- running

    /** Checks {@code variant} of {@code s} (null: the knob defaults) against every kernel rule. */
    static ScenarioRunner.Outcome run(Scenario s, String variant) {
        return run(s, variant, Map.of());
    }

    /** Checks {@code variant} of {@code s} (null: the knob defaults) with {@code sets} over it, against every kernel rule. */
    static ScenarioRunner.Outcome run(Scenario s, String variant, Map<String, String> sets) {
        return run(s, variant, sets, KernelRules.all());
    }

    static ScenarioRunner.Outcome run(Scenario s, String variant, Map<String, String> sets, RuleSet rules) {
        return ScenarioRunner.run(s, variant, sets, rules, Options.defaults());
    }

    /** The model of {@code variant} of {@code s} (null: the knob defaults) with {@code sets} over its settings, unchecked. */
    static Model model(Scenario s, String variant, Map<String, String> sets) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (variant != null) {
            settings.putAll(s.variant(variant).settings());
        }
        settings.putAll(sets);
        return s.build(Knobs.resolve(s.id(), s.knobs(), settings));
    }

    /** {@code base} with the knob settings {@code kv} (name, value, name, value, ...) added or replaced. */
    static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The text report of an outcome (for assertion messages). */
    static String report(ScenarioRunner.Outcome o) {
        return TextRenderer.render(o.title(), o.result(), o.expected() == null ? null : o.expected().describe(), o.token());
    }

    // ---------------------------------------------------------------- model objects

    static Folio folio(Model m, String name) {
        return m.objects(Folio.class).stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no folio " + name));
    }

    static Var var(Model m, String name) {
        return m.vars().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no variable " + name));
    }

    static Lock lock(Model m, String name) {
        return m.locks().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no lock " + name));
    }

    // ---------------------------------------------------------------- traces

    /** The labels of the rows of {@code thread}, in order. */
    static List<String> labels(Trace t, int thread) {
        List<String> out = new ArrayList<>();
        for (Trace.Row r : t.rows()) {
            if (r.thread() == thread) {
                out.add(r.label());
            }
        }
        return out;
    }

    /** The labels of the rows of the thread named {@code thread}, in order. */
    static List<String> labels(Trace t, String thread) {
        return labels(t, t.model().threadIndex(thread));
    }

    static Trace.Row lastRow(Trace t) {
        return t.rows().get(t.rows().size() - 1);
    }

    /** Index of the last row of {@code thread} whose label starts with {@code prefix}, or -1. */
    static int lastRowIndex(Trace t, int thread, String prefix) {
        for (int i = t.rows().size() - 1; i >= 0; i--) {
            Trace.Row r = t.rows().get(i);
            if (r.thread() == thread && r.label().startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** The name of the thread that ran {@code r}. */
    static String who(Trace t, Trace.Row r) {
        return t.model().thread(r.thread()).name();
    }

    /** The state before the last step of {@code t}, as rules see it. */
    static StateView beforeLast(Trace t) {
        return new Semantics(t.model()).view(t.states().get(t.rows().size() - 1));
    }

    /**
     * A schedule of first alternatives: {@code threadAndCount} is thread, number of steps, thread,
     * number of steps, ... in order.
     */
    static int[] schedule(int... threadAndCount) {
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < threadAndCount.length; i += 2) {
            for (int n = 0; n < threadAndCount[i + 1]; n++) {
                s.add(Trace.label(threadAndCount[i], 0));
            }
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- assertions

    /**
     * The model is small: fewer than 100,000 distinct states (how fast it is checked is the benchmark's
     * business, not a unit test's: a wall-clock bound fails on a loaded machine).
     */
    static void assertSmallAndFast(String what, CheckResult r) {
        assertTrue(r.stats().distinct() < 100_000, what + " states: " + r.stats().distinct());
    }

    /**
     * The outcome meets its expectation and holds, was explored exhaustively (no notes, so liveness
     * was checked too), and small.
     */
    static void assertExhaustiveHold(ScenarioRunner.Outcome o) {
        CheckResult r = o.result();
        assertTrue(o.matches(), () -> report(o));
        assertEquals(Verdict.HOLDS, r.verdict(), () -> report(o));
        // no note but the one that says a variant's knobs were moved to a combination without an expectation, and the sizes
        assertTrue(r.notes().stream().allMatch(n -> n.endsWith(ScenarioRunner.NO_EXPECTATION_NOTE_END) || n.startsWith(ScenarioRunner.SIZES_NOTE)),
                r.notes().toString());
        assertSmallAndFast(o.title(), r);
    }
}
