package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/** Shared helpers of the rule-kind tests: run a check, assert its verdict with the full report on failure. */
public final class Runs {
    private Runs() {}

    static CheckResult check(Model m) { return check(m, KernelRules.all()); }

    static CheckResult check(Model m, RuleSet rules) { return Checker.check(m, rules, Options.defaults()); }

    static String report(CheckResult r) { return TextRenderer.render(r.model().name(), r, null, null, false); }

    static CheckResult expect(CheckResult r, Verdict v) {
        assertEquals(v, r.verdict(), () -> report(r));
        return r;
    }

    static CheckResult expectViolated(CheckResult r, String ruleId) {
        expect(r, Verdict.VIOLATED);
        assertEquals(ruleId, r.ruleId(), () -> report(r));
        return r;
    }

    static Trace.Row lastRow(Trace t) { return t.rows().get(t.rows().size() - 1); }

    static List<String> labels(Trace t) { return t.rows().stream().map(Trace.Row::label).toList(); }

    /**
     * Independent count of the reachable states of {@code m}: a plain BFS over {@link Semantics}
     * with a hash set of state vectors (no packing, no rules), to cross-check the engine's count.
     */
    public static int reachableStates(Model m) {
        Semantics sem = new Semantics(m);
        Set<List<Integer>> seen = new HashSet<>();
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        int[] init = sem.initialState();
        seen.add(key(init));
        queue.add(init);
        while (!queue.isEmpty()) {
            int[] s = queue.poll();
            List<int[]> next = new ArrayList<>();
            sem.expand(s, new Semantics.Sink() {
                @Override public void fired(int thread, int alt, int[] n, List<Event> events) { next.add(n); }
                @Override public void failed(int thread, int alt, RuntimeException error) { throw error; }
                @Override public void blocked(int thread, BlockReason reason) { }
            });
            for (int[] n : next) {
                if (seen.add(key(n))) {
                    queue.add(n);
                }
            }
        }
        return seen.size();
    }

    private static List<Integer> key(int[] s) {
        return Arrays.stream(s).boxed().toList();
    }
}
