package org.migcheck.checker.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;

/**
 * A self-contained HTML report of one check: the verdict, the explanation, and the counterexample
 * as a swimlane picture (one lane per thread, one row per step, the state changes beside it, and
 * for a deadlock or stuck thread a last row with where every thread rests).
 */
public final class HtmlRenderer {
    private HtmlRenderer() {}

    private static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String[] LANE_COLOURS = {"#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#ede9fe", "#cffafe", "#fee2e2", "#e5e7eb"};

    public static String render(ScenarioRunner.Outcome o) {
        CheckResult r = o.result();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>migcheck: ").append(esc(o.title())).append("</title>\n");
        h.append("<style>body{font-family:system-ui,sans-serif;margin:1.5em;color:#111}")
                .append(".verdict{font-size:1.3em;font-weight:600}.ok{color:#166534}.bad{color:#991b1b}")
                .append("table.lanes{border-collapse:collapse;margin-top:1em;font-family:ui-monospace,monospace;font-size:12px}")
                .append("table.lanes th{position:sticky;top:0;background:#f3f4f6;padding:4px 8px;border-bottom:2px solid #9ca3af;text-align:left}")
                .append("table.lanes td{padding:2px 8px;border-bottom:1px solid #f3f4f6;vertical-align:top;white-space:nowrap}")
                .append("td.step{border-radius:4px}td.num{color:#6b7280;text-align:right}td.changes{color:#374151;white-space:normal;max-width:40em}")
                .append("td.blocked{background:#fecaca;color:#7f1d1d;white-space:normal}td.fails{background:#fecaca;font-weight:600}")
                .append("ul.expl li{font-family:ui-monospace,monospace;font-size:13px}</style></head><body>\n");
        boolean asExpected = o.matches();
        h.append("<div class=\"verdict ").append(r.verdict() == Verdict.HOLDS ? "ok" : "bad").append("\">").append(esc(o.title()))
                .append(": ").append(r.verdict().name()).append(r.ruleId() == null ? "" : " " + esc(r.ruleId())).append("</div>\n");
        if (o.expected() != null) {
            h.append("<p>expected: ").append(esc(o.expected().describe())).append(" &mdash; <b class=\"")
                    .append(asExpected ? "ok\">as expected" : "bad\">MISMATCH").append("</b></p>\n");
        }
        h.append("<p>").append(esc(r.message())).append("</p>\n<ul class=\"expl\">");
        for (String line : r.explanation()) {
            h.append("<li>").append(esc(line)).append("</li>");
        }
        for (Map.Entry<String, CheckResult.GoalResult> g : r.goals().entrySet()) {
            h.append("<li>reachable(").append(esc(g.getKey())).append("): ").append(g.getValue().answer().describe()).append("</li>");
        }
        h.append("</ul>\n<p>").append(esc(r.stats().line())).append("</p>\n");
        if (r.model() != null && r.schedule().length > 0 && r.witnesses().isEmpty()) {
            h.append(lanes(r.trace(), r.verdict() == Verdict.DEADLOCK || r.verdict() == Verdict.STUCK));
        }
        for (CheckResult.Witness w : r.witnesses()) {
            h.append("<h3>").append(esc(w.title())).append("</h3>\n").append(lanes(w.trace(r.model()), false));
        }
        if (r.schedule().length > 0) {
            h.append("<p>replay: <code>./migcheck replay ").append(esc(o.token())).append("</code></p>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    /** The swimlane table of a trace; with {@code endState}, a last row shows where each thread rests. */
    static String lanes(Trace t, boolean endState) {
        Model m = t.model();
        List<Integer> cols = new ArrayList<>();
        for (int i = 0; i < m.threadCount(); i++) {
            cols.add(i);
        }
        StringBuilder h = new StringBuilder("<table class=\"lanes\"><tr><th>#</th>");
        for (int c : cols) {
            h.append("<th>").append(esc(m.thread(c).name())).append("</th>");
        }
        h.append("<th>changes</th></tr>\n");
        int i = 0;
        for (Trace.Row row : t.rows()) {
            i++;
            h.append("<tr><td class=\"num\">").append(i).append("</td>");
            for (int c : cols) {
                if (c == row.thread()) {
                    h.append("<td class=\"step").append(row.failure() != null ? " fails" : "").append("\" style=\"background:")
                            .append(LANE_COLOURS[c % LANE_COLOURS.length]).append("\">").append(esc(row.label())).append("</td>");
                } else {
                    h.append("<td></td>");
                }
            }
            h.append("<td class=\"changes\">").append(esc(row.failure() != null ? "FAILS: " + row.failure() : String.join(", ", row.changes())))
                    .append("</td></tr>\n");
        }
        if (endState) {
            Semantics sem = new Semantics(m);
            int[] s = t.last();
            h.append("<tr><td class=\"num\">end</td>");
            for (int c : cols) {
                BlockReason why = sem.blockReason(s, c);
                if (sem.finished(s, c)) {
                    h.append("<td>finished</td>");
                } else if (why != null) {
                    h.append("<td class=\"blocked\">blocked in ").append(esc(sem.label(s, c, 0))).append("<br>").append(esc(why.describe(m))).append("</td>");
                } else {
                    h.append("<td>next: ").append(esc(sem.label(s, c, 0))).append("</td>");
                }
            }
            h.append("<td></td></tr>\n");
        }
        return h.append("</table>\n").toString();
    }
}
