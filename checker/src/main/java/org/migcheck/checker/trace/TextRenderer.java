package org.migcheck.checker.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;

/**
 * Renders a check as text: the verdict line, the explanation (who waits for what, the cycle), then
 * the interleaving with one column per thread and the state changes beside each step, then the
 * replay token.
 */
public final class TextRenderer {
    private static final int MAX_COLUMN = 44;
    /** Unreached steps listed in the text report; JSON lists them all. */
    private static final int MAX_UNREACHED = 8;

    private TextRenderer() {}

    /**
     * @param title     "scenario / variant" as the user named it
     * @param expected  the declared expectation, or null
     * @param token     the replay token, or null
     */
    public static String render(String title, CheckResult r, String expected, String token) {
        return render(title, r, expected, token, true);
    }

    /**
     * As {@link #render(String, CheckResult, String, String)}; without {@code timings} the output has
     * no durations or rates, so it is byte-for-byte stable (golden files).
     */
    public static String render(String title, CheckResult r, String expected, String token, boolean timings) {
        StringBuilder out = new StringBuilder();
        out.append(title).append(": ").append(r.verdict().name());
        if (r.ruleId() != null) {
            out.append(' ').append(r.ruleId());
        }
        if (expected != null) {
            out.append(" (expected: ").append(expected).append(')');
        }
        if (timings) {
            out.append(String.format("   states %d, depth %d, %.2f s%n", r.stats().distinct(), r.stats().maxDepth(), r.stats().seconds()));
        } else {
            out.append(String.format("   states %d, depth %d%n", r.stats().distinct(), r.stats().maxDepth()));
        }
        if (r.reductions() != null) {
            out.append("  reductions: ").append(r.reductions()).append('\n');
        }
        out.append("  ").append(r.message()).append('\n');
        for (String line : r.explanation()) {
            out.append("  ").append(line).append('\n');
        }
        for (Map.Entry<String, CheckResult.GoalResult> g : r.goals().entrySet()) {
            out.append("  reachable(").append(g.getKey()).append("): ").append(g.getValue().answer().name().toLowerCase());
            if (g.getValue().answer() == CheckResult.GoalResult.Answer.UNREACHABLE) {
                out.append(" (exhaustive: ").append(r.stats().distinct()).append(" states)");
            }
            out.append('\n');
        }
        for (String n : r.notes()) {
            out.append("  note: ").append(n).append('\n');
        }
        if (!r.unreached().isEmpty()) {
            List<String> steps = r.unreached().stream().map(CheckResult.Unreached::step).toList();
            int shown = Math.min(steps.size(), MAX_UNREACHED);
            out.append("  unreached in this variant (").append(steps.size()).append(" steps never executed): ")
                    .append(String.join("; ", steps.subList(0, shown)))
                    .append(shown < steps.size() ? "; ... (" + (steps.size() - shown) + " more; --format json lists all)" : "")
                    .append('\n');
        }
        if (r.limit() != null) {
            out.append("  INCOMPLETE: ").append(r.limit()).append("; nothing is claimed about the unexplored states\n");
        }
        if (timings) {
            out.append("  ").append(r.stats().line()).append('\n');
        } else {
            out.append("  ").append(r.stats().generated()).append(" states generated, ").append(r.stats().distinct()).append(" distinct\n");
        }
        if (r.schedule().length > 0 && r.witnesses().isEmpty()) {
            out.append('\n').append(table(r.trace()));
        }
        for (CheckResult.Witness w : r.witnesses()) {
            out.append('\n').append("  path: ").append(w.title()).append('\n').append(table(w.trace(r.model())));
        }
        for (Map.Entry<String, CheckResult.GoalResult> g : r.goals().entrySet()) {
            if (g.getValue().witness() != null && r.verdict() == Verdict.HOLDS) {
                out.append('\n').append("  shortest witness of reachable(").append(g.getKey()).append("):\n")
                        .append(table(Trace.replay(r.model(), g.getValue().witness())));
            }
        }
        if (token != null && r.schedule().length > 0) {
            out.append("replay: ./migcheck replay ").append(token).append('\n');
        }
        return out.toString();
    }

    /** The interleaving: one column per thread that moves, then the changes. */
    public static String table(Trace t) {
        Model m = t.model();
        List<Integer> cols = new ArrayList<>();
        for (Trace.Row row : t.rows()) {
            if (!cols.contains(row.thread())) {
                cols.add(row.thread());
            }
        }
        cols.sort(Integer::compare);
        int[] width = new int[m.threadCount()];
        for (int c : cols) {
            width[c] = m.thread(c).name().length();
        }
        for (Trace.Row row : t.rows()) {
            width[row.thread()] = Math.min(MAX_COLUMN, Math.max(width[row.thread()], cell(row).length()));
        }
        int num = Integer.toString(t.rows().size()).length();
        StringBuilder out = new StringBuilder();
        StringBuilder head = new StringBuilder("  ").append(pad("#", num)).append("  ");
        for (int c : cols) {
            head.append(pad(m.thread(c).name(), width[c])).append("  ");
        }
        head.append("changes");
        out.append(head.toString().stripTrailing()).append('\n');
        int i = 0;
        for (Trace.Row row : t.rows()) {
            i++;
            StringBuilder line = new StringBuilder("  ").append(pad(Integer.toString(i), num)).append("  ");
            for (int c : cols) {
                line.append(pad(c == row.thread() ? clip(cell(row)) : "", width[c])).append("  ");
            }
            line.append(row.failure() != null ? "FAILS: " + row.failure() : String.join(", ", row.changes()));
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String cell(Trace.Row row) { return row.label(); }

    private static String clip(String s) {
        return s.length() <= MAX_COLUMN ? s : s.substring(0, MAX_COLUMN - 1) + "~";
    }

    private static String pad(String s, int w) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < w) {
            b.append(' ');
        }
        return b.toString();
    }
}
