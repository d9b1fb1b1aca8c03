package org.migcheck.checker.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.RuleSet;

/**
 * Runs a scenario over every combination of (some of) its knobs and tabulates the verdicts, so a
 * reviewer sees at a glance which configurations break a rule.
 */
public final class KnobSuite {
    private KnobSuite() {}

    /**
     * @param vary   knobs to enumerate (empty: all knobs)
     * @param fixed  knob values held fixed for every combination
     */
    public static List<ScenarioRunner.Outcome> run(Scenario s, List<String> vary, Map<String, String> fixed, RuleSet rules, Options opts) {
        List<ScenarioRunner.Outcome> out = new ArrayList<>();
        for (Map<String, String> settings : combinations(s, vary, fixed)) {
            out.add(ScenarioRunner.run(s, null, settings, rules, opts));
        }
        return out;
    }

    /**
     * The knob settings of every combination, in the suite's order (the last knob varies fastest).
     *
     * @param vary   knobs to enumerate (empty: all knobs)
     * @param fixed  knob values held fixed for every combination
     */
    public static List<Map<String, String>> combinations(Scenario s, List<String> vary, Map<String, String> fixed) {
        return plan(s, vary, fixed).combinations();
    }

    /**
     * A suite's knob settings: the combinations it checks, and those it leaves out, each with the knob
     * that makes it one: a varied knob at another value than its default where the model does not read
     * it ({@link Knob#onlyWith}), which would build the model of the combination with that knob at its
     * default again.
     */
    public record Plan(List<Map<String, String>> combinations, Map<Map<String, String>, Knob> leftOut) {}

    /** The {@link Plan} of a suite; none left to check is the caller's error. */
    public static Plan plan(Scenario s, List<String> vary, Map<String, String> fixed) {
        List<Map<String, String>> run = new ArrayList<>();
        Map<Map<String, String>, Knob> leftOut = new LinkedHashMap<>();
        for (Map<String, String> c : every(s, vary, fixed)) {
            Knob k = unread(s, c);
            if (k == null) {
                run.add(c);
            } else {
                leftOut.put(c, k);
            }
        }
        if (run.isEmpty() && !leftOut.isEmpty()) {
            Knob k = leftOut.values().iterator().next();
            throw new ModelError(k.name(), "every combination sets knob " + k.name() + " of scenario " + s.id()
                    + " where the model does not read it (it applies only with " + k.condition() + ")");
        }
        return new Plan(List.copyOf(run), leftOut);
    }

    private static Knob unread(Scenario s, Map<String, String> settings) {
        Map<String, String> resolved = Knobs.resolveAll(s.id(), s.knobs(), settings).asMap();
        for (Knob k : s.knobs()) {
            if (settings.containsKey(k.name()) && k.unreadAt(settings.get(k.name()), resolved)) {
                return k;
            }
        }
        return null;
    }

    private static List<Map<String, String>> every(Scenario s, List<String> vary, Map<String, String> fixed) {
        // a fixed knob the model does not read is the caller's error, unless a knob it depends on varies and every
        // condition on a knob that does not vary holds (then the combinations where it does not apply are left out)
        Map<String, String> asFixed = Knobs.resolveAll(s.id(), s.knobs(), fixed).asMap(); // unknown knobs and values
        java.util.function.Predicate<Knob.Condition> varies = c -> !fixed.containsKey(c.knob())
                && (vary.isEmpty() || vary.contains(c.knob()));
        java.util.Set<String> leftToPlan = new java.util.HashSet<>();
        for (Knob k : s.knobs()) {
            if (fixed.containsKey(k.name()) && k.conditions().stream().anyMatch(varies)
                    && k.conditions().stream().noneMatch(c -> !varies.test(c) && !c.holds(asFixed))) {
                leftToPlan.add(k.name());
            }
        }
        Knobs.resolve(s.id(), s.knobs(), fixed, leftToPlan);
        List<Knob> knobs = new ArrayList<>();
        for (Knob k : s.knobs()) {
            if ((vary.isEmpty() && !fixed.containsKey(k.name())) || vary.contains(k.name())) {
                knobs.add(k);
            }
        }
        for (String v : vary) {
            if (s.knobs().stream().noneMatch(k -> k.name().equals(v))) {
                throw new ModelError(v, "scenario " + s.id() + " has no knob " + v);
            }
        }
        List<Map<String, String>> out = new ArrayList<>();
        int[] idx = new int[knobs.size()];
        while (true) {
            Map<String, String> settings = new LinkedHashMap<>(fixed);
            for (int i = 0; i < knobs.size(); i++) {
                settings.put(knobs.get(i).name(), knobs.get(i).values().get(idx[i]));
            }
            out.add(settings);
            int i = knobs.size() - 1;
            while (i >= 0 && ++idx[i] == knobs.get(i).values().size()) {
                idx[i] = 0;
                i--;
            }
            if (i < 0) {
                break;
            }
        }
        return out;
    }

    /**
     * The table: one column per knob that varies across {@code outcomes}, then expected and actual
     * verdicts, how many expected goal answers came out, states, and a match mark.
     */
    public static String table(Scenario s, List<ScenarioRunner.Outcome> outcomes) {
        List<String> names = new ArrayList<>();
        for (Knob k : s.knobs()) {
            long distinct = outcomes.stream().map(o -> o.knobs().get(k.name())).distinct().count();
            if (distinct > 1) {
                names.add(k.name());
            }
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(names);
        head.addAll(List.of("expected", "actual", "goals", "states", ""));
        rows.add(head);
        for (ScenarioRunner.Outcome o : outcomes) {
            List<String> row = new ArrayList<>();
            for (String n : names) {
                row.add(o.knobs().get(n));
            }
            row.add(o.expected() == null ? "-" : ScenarioRunner.verdictText(o.expected()));
            row.add(ScenarioRunner.verdictText(o.result()));
            row.add(o.expected() == null || o.expected().goals().isEmpty() ? "-"
                    : ScenarioRunner.goalsAsExpected(o.expected(), o.result()) + "/" + o.expected().goals().size());
            row.add(Long.toString(o.result().stats().distinct()));
            String mark = o.expected() == null ? (o.matches() ? "" : "NO VERDICT") : o.matches() ? "ok" : "MISMATCH";
            // a HOLDS that reached a model bound (README: Bounds)
            row.add(o.bounded() ? (mark.isEmpty() ? "" : mark + " ") + "(bounded)" : mark);
            rows.add(row);
        }
        int[] w = new int[head.size()];
        java.util.Arrays.fill(w, 1); // the last column is empty when no row has an expectation (a format width of 0 is refused)
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(String.format(java.util.Locale.ROOT, "%-" + w[i] + "s  ", r.get(i)));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
