package org.migcheck.checker.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Knob;
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
        List<ScenarioRunner.Outcome> out = new ArrayList<>();
        int[] idx = new int[knobs.size()];
        while (true) {
            Map<String, String> settings = new LinkedHashMap<>(fixed);
            for (int i = 0; i < knobs.size(); i++) {
                settings.put(knobs.get(i).name(), knobs.get(i).values().get(idx[i]));
            }
            out.add(ScenarioRunner.run(s, null, settings, rules, opts));
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

    /** The table: one column per knob, then expected, actual, states and a match mark. */
    public static String table(Scenario s, List<ScenarioRunner.Outcome> outcomes) {
        List<String> names = s.knobs().stream().map(Knob::name).toList();
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(names);
        head.addAll(List.of("expected", "actual", "states", ""));
        rows.add(head);
        for (ScenarioRunner.Outcome o : outcomes) {
            List<String> row = new ArrayList<>();
            for (String n : names) {
                row.add(o.knobs().get(n));
            }
            row.add(o.expected() == null ? "-" : o.expected().describe());
            row.add(o.actual());
            row.add(Long.toString(o.result().stats().distinct()));
            row.add(o.expected() == null ? "" : o.matches() ? "ok" : "MISMATCH");
            rows.add(row);
        }
        int[] w = new int[head.size()];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(String.format("%-" + w[i] + "s  ", r.get(i)));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
