package org.migcheck.checker.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.run.WaitFor;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;

/**
 * A self-contained HTML report of one check (no script, no external resource): the verdict, the
 * explanation, the wait-for cycle or the lock-class cycle drawn as inline SVG, a legend, and the
 * counterexample as a swimlane table (one lane per thread that ran or is blocked, the failing step
 * highlighted, a last row with where every thread rests). Cells wrap, so the page fits the window.
 */
public final class HtmlRenderer {
    private HtmlRenderer() {}

    static String esc(String s) {
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

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:1.5em;color:#111;max-width:100%}"
            + ".verdict{font-size:1.3em;font-weight:600;margin:0}.ok{color:#166534}.bad{color:#991b1b}"
            + "table.lanes{border-collapse:collapse;margin-top:1em;font-family:ui-monospace,monospace;font-size:12px;width:100%;table-layout:fixed}"
            + "table.lanes th{position:sticky;top:0;background:#f3f4f6;padding:4px 6px;border-bottom:2px solid #9ca3af;text-align:left;overflow-wrap:anywhere}"
            + "table.lanes td{padding:2px 6px;border-bottom:1px solid #f3f4f6;vertical-align:top;overflow-wrap:anywhere;white-space:normal}"
            + "table.lanes col.num{width:3.5em}td.num{color:#6b7280;text-align:right}td.step{border-radius:4px}td.changes{color:#374151}"
            + "td.blocked{background:#fecaca;color:#7f1d1d}td.fails{background:#dc2626 !important;color:#fff;font-weight:600;outline:2px solid #7f1d1d}"
            + "tr.failing td.num{color:#dc2626;font-weight:700}td.finished{color:#6b7280}"
            + "tr.loop td.num{border-left:3px solid #6b7280}"
            + "ul.expl li{font-family:ui-monospace,monospace;font-size:13px;overflow-wrap:anywhere}"
            + ".legend{display:flex;flex-wrap:wrap;gap:1em;font-size:12px;margin:.5em 0}.legend span.sw{display:inline-block;width:1.2em;height:1em;"
            + "vertical-align:middle;margin-right:.3em;border-radius:3px}figure{margin:1em 0}svg{max-width:100%;height:auto}"
            + "code{overflow-wrap:anywhere}pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}"
            + ".path{display:none;color:#4b5563;font-size:11px}input.paths:checked+label+table .path{display:block}"
            + "label.paths{font-size:12px;margin-left:.3em}"
            + ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}";

    public static String render(ScenarioRunner.Outcome o) {
        StringBuilder h = head(o);
        body(o, h, "");
        return h.append("</main></body></html>\n").toString();
    }

    /**
     * The page of {@code check --bounds +K}: the check, then the re-check at raised bounds ({@code raised})
     * under a heading with {@code summary} (which bounds were raised, whether the verdict changed).
     */
    public static String render(ScenarioRunner.Outcome o, ScenarioRunner.Outcome raised, String summary) {
        StringBuilder h = head(o);
        body(o, h, "");
        h.append("<h2>").append(esc(raised.title())).append("</h2>\n<p>").append(esc(summary)).append("</p>\n");
        body(raised, h, "-raised");
        return h.append("</main></body></html>\n").toString();
    }

    private static StringBuilder head(ScenarioRunner.Outcome o) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>migcheck: ").append(esc(o.title())).append("</title>\n");
        h.append("<style>").append(STYLE).append("</style></head><body><main>\n");
        return h;
    }

    /** One check's report; {@code idSuffix} keeps element ids unique when a page holds two. */
    private static void body(ScenarioRunner.Outcome o, StringBuilder h, String idSuffix) {
        CheckResult r = o.result();
        // the page's level-one heading; the re-check's section is headed by its h2 already
        String tag = idSuffix.isEmpty() ? "h1" : "div";
        h.append('<').append(tag).append(" class=\"verdict ").append(r.verdict() == Verdict.HOLDS ? "ok" : "bad").append("\">").append(esc(o.title()))
                .append(": ").append(r.verdict().name()).append(r.ruleId() == null ? "" : " " + esc(r.ruleId())).append("</").append(tag).append(">\n");
        String doc = TextRenderer.variantDoc(o);
        if (doc != null) {
            h.append("<p class=\"variant\">variant: ").append(esc(doc)).append("</p>\n");
        }
        String page = TextRenderer.scenarioPage(o);
        if (page != null) {
            h.append("<p class=\"variant\">").append(esc(page)).append("</p>\n");
        }
        if (o.expected() != null) {
            h.append("<p>expected: ").append(esc(o.expected().describe())).append(" &mdash; <b class=\"")
                    .append(o.matches() ? "ok\">as expected" : "bad\">MISMATCH").append("</b></p>\n");
        }
        if (r.reductions() != null) {
            h.append("<p class=\"reductions\">reductions: ").append(esc(r.reductions())).append("</p>\n");
        }
        h.append("<p>").append(esc(r.message())).append("</p>\n");
        RuleInfo rule = RuleInfo.of(r);
        if (rule != null) {
            h.append("<p class=\"rule\">rule <b>").append(esc(rule.id())).append("</b>")
                    .append(rule.statement() == null ? "" : ": " + esc(rule.statement()))
                    .append(rule.kernelRef() == null ? "" : " <i>[" + esc(rule.kernelRef()) + "]</i>").append("</p>\n");
        }
        h.append("<ul class=\"expl\">");
        for (String line : r.explanation()) {
            h.append("<li>").append(esc(line)).append("</li>");
        }
        boolean failed = TextRenderer.failed(r);
        Trace trace = failed ? r.trace() : null;
        int at = trace == null ? -1 : TextRenderer.breaksAt(r, trace);
        if (trace != null && r.witnesses().isEmpty()) {
            if (at >= 0) {
                // the step that broke the rule and the kernel path its thread was on, as the text report shows them
                Trace.Row row = trace.rows().get(at);
                List<String> stack = trace.callStack(at);
                h.append("<li>").append(esc(r.ruleId())).append(" breaks at <a href=\"#failing-step").append(idSuffix).append("\">step ").append(at + 1)
                        .append("</a> (").append(esc(trace.model().thread(row.thread()).name() + ": " + row.shown())).append(')')
                        .append(stack.size() > 1 ? esc(", in: " + String.join(" <- ", stack)) : "").append("</li>");
            }
            for (String line : TextRenderer.heldLocks(trace, at)) {
                h.append("<li>").append(esc(line)).append("</li>");
            }
        }
        for (Map.Entry<String, CheckResult.GoalResult> g : r.goals().entrySet()) {
            h.append("<li>reachable(").append(esc(g.getKey())).append("): ").append(g.getValue().answer().describe()).append("</li>");
        }
        // as the text report: its notes, and the steps no interleaving executed (all of them; text shows the first groups)
        for (String n : r.notes()) {
            h.append("<li class=\"note\">note: ").append(esc(n)).append("</li>");
        }
        if (!r.unreached().isEmpty()) {
            h.append("<li>").append(esc(TextRenderer.unreachedLine(r.unreached(), Integer.MAX_VALUE))).append("</li>");
        }
        h.append("</ul>\n");
        List<String> boundLines = TextRenderer.boundLines(r);
        if (!boundLines.isEmpty()) {
            // a HOLDS that reached a model bound is a fact about the bounded model (README: Bounds); the last line says so
            h.append("<ul class=\"bounds\">");
            for (int i = 0; i < boundLines.size(); i++) {
                String line = esc(boundLines.get(i));
                h.append("<li>").append(i == boundLines.size() - 1 ? "<b class=\"bad\">" + line + "</b>" : line).append("</li>");
            }
            h.append("</ul>\n");
        }
        h.append("<p>").append(esc(r.stats().line(Timings.shown()))).append("</p>\n");
        if (trace != null && r.witnesses().isEmpty()) {
            String svg = waitForSvg(trace, idSuffix);
            if (svg != null) {
                h.append("<figure id=\"cycle").append(idSuffix).append("\"><figcaption>wait-for cycle in the last state</figcaption>\n").append(svg).append("</figure>\n");
            }
        }
        if (!r.witnesses().isEmpty() && r.witnesses().get(0).edge() != null) {
            h.append("<figure id=\"cycle").append(idSuffix).append("\"><figcaption>lock-class dependency cycle (edge: class taken while holding the other)</figcaption>\n")
                    .append(lockClassSvg(r, idSuffix)).append("</figure>\n");
        }
        if (trace != null || !r.witnesses().isEmpty()) {
            h.append(legend());
        }
        if (trace != null && r.witnesses().isEmpty()) {
            h.append(trace.rows().isEmpty() ? "<p>" + TextRenderer.noStep(r) + "</p>\n" : "").append(lanes(trace, true, at, idSuffix, "trace"));
            h.append(continuation(r, idSuffix));
        }
        int p = 0;
        for (CheckResult.Witness w : r.witnesses()) {
            h.append(open(idSuffix)).append("path ").append(++p).append(": ").append(esc(w.title())).append(close(idSuffix)).append(lanes(w.trace(r.model()), false, -1, idSuffix, "path" + p));
        }
        if (!r.witnesses().isEmpty() && r.witnesses().get(0).edge() != null) {
            h.append("<pre class=\"lockdep\">").append(esc(LockdepReport.render(r.model(), r.witnesses()))).append("</pre>\n");
        }
        // a holding check's goal witnesses, as the text report prints them: the interleaving that reaches each goal
        if (r.verdict() == Verdict.HOLDS) {
            int goal = 0;
            for (Map.Entry<String, CheckResult.GoalResult> g : r.goals().entrySet()) {
                goal++;
                if (g.getValue().witness() != null && g.getValue().witness().length == 0) {
                    h.append("<p>").append(esc(TextRenderer.initialWitness(g.getKey()))).append("</p>\n");
                } else if (g.getValue().witness() != null) {
                    h.append(open(idSuffix)).append(esc(TextRenderer.witnessTitle(g.getKey(), g.getValue()))).append(close(idSuffix))
                            .append(lanes(Trace.replay(r.model(), g.getValue().witness()), false, -1, idSuffix, "goal" + goal));
                }
            }
        }
        if (failed) {
            h.append("<p>replay: <code>").append(esc(ScenarioRunner.replayCommand(o.replayArgs()))).append("</code></p>\n");
        }
    }

    /**
     * A heading of a part of one check (a path, a goal witness, a continuation): a level under the page's h1, or under
     * the h2 of the re-check at raised bounds ({@code idSuffix} not empty), so that no heading level is skipped.
     */
    private static String open(String idSuffix) {
        return idSuffix.isEmpty() ? "<h2>" : "<h3>";
    }

    private static String close(String idSuffix) {
        return idSuffix.isEmpty() ? "</h2>\n" : "</h3>\n";
    }

    private static String legend() {
        return "<div class=\"legend\"><span><span class=\"sw\" style=\"background:" + LANE_COLOURS[0] + "\"></span>a step of the thread in "
                + "that lane (colour per thread)</span><span><span class=\"sw\" style=\"background:#dc2626\"></span>the step that breaks "
                + "the rule</span><span><span class=\"sw\" style=\"background:#fecaca\"></span>blocked at the end, and on what</span>"
                + "<span>changes: shared state the step changed (unchanged: a value it wrote again)</span><span>-&gt; value read or trylock outcome</span></div>\n";
    }

    /**
     * The swimlane table of a trace; with {@code endState}, a last row shows where each lane's thread rests.
     * Row {@code breaksAt} (or a row with its own failure) is marked as the failing step. {@code table} ("trace",
     * "path1", "goal2") and {@code idSuffix} (the check's, on a page of several) name its call-path check box.
     */
    static String lanes(Trace t, boolean endState, int breaksAt, String idSuffix, String table) {
        return lanes(t, endState, breaksAt, idSuffix, table, 0, -1, Map.of());
    }

    /**
     * As {@link #lanes(Trace, boolean, int, String, String)}, its rows numbered from {@code first + 1}, and those from
     * row {@code loopFrom} on (when not -1) marked as a cycle's; {@code pathsBefore}, each thread's call path at its last
     * step before the trace, so that a path is shown where it changes from there.
     */
    static String lanes(Trace t, boolean endState, int breaksAt, String idSuffix, String table, int first, int loopFrom,
                        Map<Integer, List<String>> pathsBefore) {
        Model m = t.model();
        Semantics sem = new Semantics(m);
        int[] last = t.last();
        List<Integer> cols = new ArrayList<>();
        for (int i = 0; i < m.threadCount(); i++) {
            int thread = i;
            boolean ran = t.rows().stream().anyMatch(row -> row.thread() == thread);
            // the last row says where every thread rests, as the text report does: one that never moved has a lane too
            if (ran || endState) {
                cols.add(i);
            }
        }
        StringBuilder h = new StringBuilder("<table class=\"lanes\"><colgroup><col class=\"num\">");
        boolean paths = false;
        List<List<String>> previous = new ArrayList<>(java.util.Collections.nCopies(m.threadCount(), (List<String>) null));
        pathsBefore.forEach(previous::set);
        for (int k = 0; k <= cols.size(); k++) {
            h.append("<col>");
        }
        h.append("</colgroup><tr><th>#</th>");
        for (int c : cols) {
            h.append("<th>").append(esc(m.thread(c).name())).append("</th>");
        }
        h.append("<th>changes</th></tr>\n");
        int i = 0;
        for (Trace.Row row : t.rows()) {
            i++;
            boolean fails = row.failure() != null || i - 1 == breaksAt;
            String cls = fails ? " class=\"failing\" id=\"failing-step" + idSuffix + "\"" : loopFrom >= 0 && i - 1 >= loopFrom ? " class=\"loop\"" : "";
            // the marking in words too, for a reader who does not see the row's colour (hidden on screen)
            h.append("<tr").append(cls).append("><td class=\"num\">").append(first + i)
                    .append(fails ? "<span class=\"vh\"> (the failing step)</span>" : "").append("</td>");
            for (int c : cols) {
                if (c == row.thread()) {
                    // hovering a step shows the kernel path its thread was on (the text report prints it for the breaking step)
                    List<String> stack = t.callStack(sem, i - 1);
                    h.append("<td class=\"step").append(fails ? " fails" : "").append("\" style=\"background:")
                            .append(LANE_COLOURS[c % LANE_COLOURS.length]).append('"')
                            .append(stack.size() > 1 ? " title=\"in: " + esc(String.join(" <- ", stack)) + "\"" : "")
                            .append(">").append(esc(row.shown()));
                    if (TextRenderer.pathShown(stack, previous.get(c))) {
                        h.append("<div class=\"path\">in ").append(esc(String.join(" <- ", stack))).append("</div>");
                        paths = true;
                    }
                    previous.set(c, stack);
                    h.append("</td>");
                } else {
                    h.append("<td></td>");
                }
            }
            h.append("<td class=\"changes\">").append(esc(row.failure() != null ? "FAILS: " + row.failure() : String.join(", ", row.changes())))
                    .append("</td></tr>\n");
        }
        if (endState) {
            h.append("<tr><td class=\"num\">end</td>");
            for (int c : cols) {
                BlockReason why = sem.finished(last, c) ? null : Trace.blockReason(sem, last, c);
                if (sem.finished(last, c)) {
                    h.append("<td class=\"finished\">finished</td>");
                } else if (why != null) {
                    h.append("<td class=\"blocked\">blocked in ").append(esc(sem.label(last, c, 0))).append("<br>").append(esc(why.describe(m))).append("</td>");
                } else {
                    h.append("<td>").append(sem.atIdlePoint(last, c) ? "idle, next: " : "next: ").append(esc(sem.upcoming(last, c))).append("</td>");
                }
            }
            h.append("<td></td></tr>\n");
        }
        h.append("</table>\n");
        // a check box (no script: a CSS sibling rule) shows each step's kernel path under it where it changes from its
        // thread's previous step, as the text's --call-stacks does; hovering a step shows it too. None without a path.
        String id = esc("paths-" + table + idSuffix);
        return !paths ? h.toString() : "<input type=\"checkbox\" class=\"paths\" id=\"" + id + "\"><label class=\"paths\" for=\"" + id
                + "\">show call paths</label>" + h;
    }

    /** A stuck report's continuation as the text prints it: its steps, the cycle's marked, and where each thread is in it. */
    private static String continuation(CheckResult r, String idSuffix) {
        org.migcheck.checker.run.Continuation c = r.continuation();
        if (c == null) {
            return "";
        }
        int p = r.schedule().length;
        Trace t = Trace.continuation(r.model(), r.schedule(), c);
        StringBuilder h = new StringBuilder(open(idSuffix)).append(esc(TextRenderer.continuationTitle(r.model(), c))).append(close(idSuffix))
                .append(lanes(t, false, -1, idSuffix, "continuation", p, c.loopFrom(), TextRenderer.lastPaths(r.trace())))
                .append("<p>").append(esc(TextRenderer.loopLine(p, c))).append(" (the marked rows)</p>\n");
        if (c.loopFrom() > 0) { // else the trace's end row shows where each thread is already
            h.append("<p>").append(esc(TextRenderer.cycleStartTitle(p, c))).append("</p>\n<ul class=\"expl\">");
            for (String line : TextRenderer.restingLines(TextRenderer.toLoop(t, c))) {
                h.append("<li>").append(esc(line)).append("</li>");
            }
            h.append("</ul>\n");
        }
        return h.toString();
    }

    /** The wait-for cycle of the last state as a ring of threads, or null when there is none. */
    static String waitForSvg(Trace t, String idSuffix) {
        Model m = t.model();
        WaitFor g = WaitFor.of(m, t.last());
        List<Integer> cycle = g.cycle();
        if (cycle.isEmpty()) {
            return null;
        }
        List<String> nodes = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int k = 0; k < cycle.size(); k++) {
            nodes.add(m.thread(cycle.get(k)).name());
            labels.add("waits for " + g.via(cycle.get(k), cycle.get((k + 1) % cycle.size())));
        }
        return ring(nodes, labels, "#fee2e2", "#991b1b", "arrow" + idSuffix);
    }

    static String lockClassSvg(CheckResult r, String idSuffix) {
        List<String> nodes = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (CheckResult.Witness w : r.witnesses()) {
            nodes.add(w.edge().fromClass());
            labels.add(r.model().thread(w.edge().thread()).name() + ": " + w.edge().acquired() + " under " + w.edge().held());
        }
        return ring(nodes, labels, "#dbeafe", "#1e3a8a", "arrow" + idSuffix);
    }

    /**
     * Nodes on a circle, an arrow from each node to the next (the last back to the first), each
     * arrow labelled; a single node gets a loop.
     */
    static String ring(List<String> nodes, List<String> labels, String fill, String stroke) {
        return ring(nodes, labels, fill, stroke, "arrow");
    }

    /**
     * As {@link #ring(List, List, String, String)}, its arrowhead marker named {@code marker} (an id unique on the page,
     * which may hold two figures), and the figure's text alternative, its title: every arrow as "from -&gt; to: label".
     */
    static String ring(List<String> nodes, List<String> labels, String fill, String stroke, String marker) {
        int n = nodes.size();
        double widest = 90;
        for (String node : nodes) {
            widest = Math.max(widest, 8 * node.length() + 20);
        }
        // three or more nodes: a circle wide enough that neighbouring boxes (and the labels between them) do not overlap
        // (twelve philosophers on the fixed 140-unit circle hid each other and their arrows)
        double label = 0;
        for (String l : labels) {
            label = Math.max(label, 7 * l.length());
        }
        double rad = n == 1 ? 0 : n == 2 ? 250 : Math.max(140, (widest + label + 20) / (2 * Math.sin(Math.PI / n)));
        double w = n <= 2 ? 760 : Math.max(760, 2 * rad + widest + 60);
        double hgt = n == 1 ? 200 : n == 2 ? 230 : Math.max(380, 2 * rad + 100);
        double cx = w / 2;
        double cy = hgt / 2;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int k = 0; k < n; k++) {
            if (n == 2) {
                x[k] = k == 0 ? cx - rad : cx + rad;
                y[k] = cy;
            } else {
                double a = -Math.PI / 2 + 2 * Math.PI * k / n;
                x[k] = cx + rad * Math.cos(a);
                y[k] = cy + rad * Math.sin(a);
            }
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"graph\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">",
                w, hgt, w, hgt));
        List<String> arrows = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            arrows.add(nodes.get(k) + " -> " + nodes.get((k + 1) % n) + ": " + labels.get(k));
        }
        s.append("<title>").append(esc(String.join("; ", arrows))).append("</title>");
        s.append("<defs><marker id=\"").append(esc(marker)).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">")
                .append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"").append(stroke).append("\"/></marker></defs>");
        for (int k = 0; k < n; k++) {
            int j = (k + 1) % n;
            if (n == 1) {
                s.append(String.format(Locale.ROOT, "<path d=\"M %.0f %.0f C %.0f %.0f, %.0f %.0f, %.0f %.0f\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" marker-end=\"url(#%s)\"/>",
                        cx - 30, cy - 22, cx - 80, cy - 95, cx + 80, cy - 95, cx + 30, cy - 22, stroke, esc(marker)));
                s.append(text(cx, cy - 82, labels.get(k), stroke, -1));
                continue;
            }
            double bend = n == 2 ? (k == 0 ? -60 : 60) : 0;
            double x1 = x[k] + (x[j] - x[k]) * 0.25;
            double y1 = y[k] + (y[j] - y[k]) * 0.25 + (n == 2 ? bend / 3 : 0);
            double x2 = x[k] + (x[j] - x[k]) * 0.75;
            double y2 = y[k] + (y[j] - y[k]) * 0.75 + (n == 2 ? bend / 3 : 0);
            double mx = (x1 + x2) / 2;
            double my = (y1 + y2) / 2 + bend;
            s.append(String.format(Locale.ROOT, "<path d=\"M %.0f %.0f Q %.0f %.0f %.0f %.0f\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" marker-end=\"url(#%s)\"/>",
                    x1, y1, mx, my, x2, y2, stroke, esc(marker)));
            if (n == 2) {
                s.append(text(mx, (y1 + y2) / 2 + bend / 2 + (k == 0 ? -6 : 16), labels.get(k), stroke, k == 0 ? -1 : 1));
            } else {
                // off the arrow, away from the circle's centre: above an arrow in the upper half, below one in the lower
                double lx = (x1 + x2) / 2;
                double ly = (y1 + y2) / 2;
                double dx = lx - cx;
                double dy = ly - cy;
                double len = Math.max(1, Math.hypot(dx, dy));
                s.append(text(lx + 14 * dx / len, ly + 14 * dy / len, labels.get(k), stroke, dy < -1 ? -1 : dy > 1 ? 1 : 0));
            }
        }
        for (int k = 0; k < n; k++) {
            double bw = Math.max(90, 8 * nodes.get(k).length() + 20);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"36\" rx=\"8\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>",
                    x[k] - bw / 2, y[k] - 18, bw, fill, stroke));
            s.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"14\" font-weight=\"600\">%s</text>",
                    x[k], y[k] + 5, esc(nodes.get(k))));
        }
        return s.append("</svg>\n").toString();
    }

    /**
     * An arrow's label, centred on (x, y): wrapped at word boundaries into at most {@link #LABEL_LINES} lines of
     * {@link #LABEL_WIDTH} characters (a wait reason cut at 87 characters hid what was waited for); only a longer one
     * is cut, at a word, with "..." (the whole text is the element's title and the report's explanation).
     */
    static String text(double x, double y, String label, String colour) {
        return text(x, y, label, colour, 0);
    }

    /**
     * As {@link #text(double, double, String, String)}, the lines placed by {@code side}: -1 above y (the last line
     * on it: a label over its arrow), 1 below (the first on it), 0 centred.
     */
    static String text(double x, double y, String label, String colour, int side) {
        List<String> lines = wrapLabel(label);
        if (side < 0) {
            // lines above y stay inside the figure: the first one's baseline at least one line from the top
            y = Math.max(y, 14 + 14.4 * (lines.size() - 1));
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"12\" fill=\"%s\"><title>%s</title>",
                x, y, colour, esc(label)));
        for (int i = 0; i < lines.size(); i++) {
            // the block is centred on y: the first line moves up by half the block's extra height
            double first = side < 0 ? -1.2 * (lines.size() - 1) : side > 0 ? 0 : -0.6 * (lines.size() - 1);
            String dy = i == 0 ? String.format(Locale.ROOT, "%.1fem", first) : "1.2em";
            b.append(String.format(Locale.ROOT, "<tspan x=\"%.0f\" dy=\"%s\">%s</tspan>", x, dy, esc(lines.get(i))));
        }
        return b.append("</text>").toString();
    }

    static final int LABEL_WIDTH = 60;
    static final int LABEL_LINES = 3;

    /** {@code label} in lines of at most {@link #LABEL_WIDTH} characters, at most {@link #LABEL_LINES} of them. */
    public static List<String> wrapLabel(String label) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        String[] words = label.split(" ");
        for (int w = 0; w < words.length; w++) {
            String word = words[w];
            if (line.length() > 0 && line.length() + 1 + word.length() > LABEL_WIDTH) {
                lines.add(line.toString());
                line.setLength(0);
                if (lines.size() == LABEL_LINES) {
                    // no room left: the last line ends in "...", cut at a word
                    String last = lines.remove(LABEL_LINES - 1);
                    while (last.length() + 4 > LABEL_WIDTH && last.lastIndexOf(' ') > 0) {
                        last = last.substring(0, last.lastIndexOf(' '));
                    }
                    lines.add(last + " ...");
                    return lines;
                }
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word.length() > LABEL_WIDTH ? word.substring(0, TextRenderer.cutAt(word, LABEL_WIDTH - 3)) + "..." : word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
