package org.migcheck.checker.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.ScenarioRunner;

/** The same content as the text report, as JSON for tools. */
public final class JsonRenderer {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonRenderer() {}

    public static String render(ScenarioRunner.Outcome o) {
        CheckResult r = o.result();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", o.scenario().id());
        root.put("variant", o.variant());
        root.put("knobs", o.knobs().asMap());
        root.put("expected", o.expected() == null ? null : o.expected().describe());
        root.put("verdict", r.verdict().lower());
        root.put("matches", o.matches());
        root.put("rule", r.ruleId());
        root.put("message", r.message());
        root.put("explanation", r.explanation());
        Map<String, Object> goals = new LinkedHashMap<>();
        r.goals().forEach((g, a) -> goals.put(g, a.answer().name().toLowerCase()));
        root.put("goals", goals);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("generated", r.stats().generated());
        stats.put("distinct", r.stats().distinct());
        stats.put("depth", r.stats().maxDepth());
        stats.put("seconds", r.stats().seconds());
        stats.put("statesPerSecond", r.stats().statesPerSecond());
        root.put("stats", stats);
        root.put("limit", r.limit());
        root.put("notes", r.notes());
        root.put("reductions", r.reductions());
        root.put("unreached", r.unreached().stream().map(CheckResult.Unreached::step).toList());
        if (r.model() != null && r.schedule().length > 0) {
            root.put("trace", rows(r.trace()));
            root.put("replay", o.token());
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> rows(Trace t) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Trace.Row row : t.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("thread", t.model().thread(row.thread()).name());
            m.put("step", row.label());
            m.put("changes", row.changes());
            if (row.failure() != null) {
                m.put("failure", row.failure());
            }
            out.add(m);
        }
        return out;
    }
}
