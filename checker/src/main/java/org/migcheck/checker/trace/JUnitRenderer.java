package org.migcheck.checker.trace;

import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.ScenarioRunner;

/**
 * JUnit XML (the Ant/Surefire dialect CI servers read): one {@code testcase} per checked variant,
 * named {@code scenario/variant}; a variant whose verdict differs from its expectation is a
 * {@code failure} carrying the text report.
 */
public final class JUnitRenderer {
    private JUnitRenderer() {}

    public static String render(String suite, List<ScenarioRunner.Outcome> outcomes) {
        return render(suite, outcomes, null, Map.of());
    }

    /**
     * As {@link #render(String, List)}, with a skipped case per combination a suite left out ({@code
     * scenario}'s knob settings, with the knob the model does not read there).
     */
    public static String render(String suite, List<ScenarioRunner.Outcome> outcomes, org.migcheck.model.scenarios.Scenario scenario,
                                Map<Map<String, String>, org.migcheck.model.scenarios.Knob> leftOut) {
        // a model error is the model's fault, not a finding about the kernel: JUnit's <error>, counted apart from failures
        long errors = outcomes.stream().filter(o -> !o.matches() && modelError(o)).count();
        long failures = outcomes.stream().filter(o -> !o.matches()).count() - errors;
        double time = outcomes.stream().mapToDouble(o -> o.result().stats().seconds()).sum();
        StringBuilder x = head(suite, outcomes.size() + leftOut.size(), failures, errors, leftOut.size(), time);
        for (ScenarioRunner.Outcome o : outcomes) {
            String name = o.title().replace(" / ", "/");
            x.append("    <testcase classname=\"migcheck.").append(esc(o.scenario().id())).append("\" name=\"").append(esc(name))
                    .append("\" time=\"").append(seconds(o.result().stats().seconds())).append("\">\n");
            // the text report as check prints it, the variant's description line included
            String report = TextRenderer.render(o, TextRenderer.DEFAULT_WIDTH);
            if (!o.matches() && modelError(o)) {
                x.append("      <error type=\"model-error\" message=\"").append(esc("model error: " + o.result().message()))
                        .append("\">").append(esc(report)).append("</error>\n");
            } else if (!o.matches()) {
                x.append("      <failure type=\"").append(o.expected() == null ? "no-verdict" : "mismatch").append("\" message=\"").append(esc("expected " + ScenarioRunner.verdictText(o.expected())
                        + ", got " + o.actual() + ": " + o.result().message())).append("\">").append(esc(report)).append("</failure>\n");
            } else {
                x.append("      <system-out>").append(esc(report)).append("</system-out>\n");
            }
            x.append("    </testcase>\n");
        }
        leftOut.forEach((settings, k) -> x.append("    <testcase classname=\"migcheck.").append(esc(scenario.id()))
                .append("\" name=\"").append(esc(ScenarioRunner.title(scenario, settings).replace(" / ", "/"))).append("\" time=\"0\">\n")
                .append("      <skipped message=\"").append(esc("left out: knob " + k.name() + " applies only with " + k.condition()
                        + "; the model does not read it here")).append("\"/>\n")
                .append("    </testcase>\n"));
        return x.append("  </testsuite>\n</testsuites>\n").toString();
    }

    /**
     * One case per mutant, named {@code scenario/variant/mutant id}: a survivor without a declared reason
     * is a failure, a mutant a budget stopped is skipped; then one failing case per stale declaration (a
     * declared survivor that no longer survives), named {@code scenario/variant/declared: id}.
     */
    public static String renderMutants(ScenarioRunner.Outcome base, List<Mutations.Mutant> mutants, List<String> stale) {
        long failures = mutants.stream().filter(Mutations.Mutant::unexplained).count() + stale.size();
        long skipped = Mutations.count(mutants, Mutations.Fate.INCOMPLETE) + Mutations.count(mutants, Mutations.Fate.NOT_EVALUATED)
                + Mutations.count(mutants, Mutations.Fate.UNREACHED);
        // an unreached mutant was not checked: its result is the unmutated variant's, whose time is not its own
        double time = mutants.stream().mapToDouble(JUnitRenderer::mutantSeconds).sum();
        String prefix = base.title().replace(" / ", "/");
        List<String> narrowed = ScenarioRunner.ruleChoiceNotes(base.result());
        String because = narrowed.isEmpty() ? "" : " (" + String.join("; ", narrowed) + ")";
        StringBuilder x = head("migcheck mutate " + prefix, mutants.size() + stale.size(), failures, 0, skipped, time);
        for (Mutations.Mutant m : mutants) {
            x.append("    <testcase classname=\"migcheck.mutate.").append(esc(base.scenario().id())).append("\" name=\"")
                    .append(esc(prefix + "/" + m.id())).append("\" time=\"")
                    .append(seconds(mutantSeconds(m))).append("\">\n");
            String fate = m.fate().name().toLowerCase(Locale.ROOT).replace('_', '-');
            if (m.unexplained()) {
                x.append("      <failure type=\"survived\" message=\"").append(esc("the rules miss the mutant " + m.id()
                        + ": the variant still holds and declares no reason" + because)).append("\"/>\n");
            } else if (m.fate() == Mutations.Fate.INCOMPLETE) {
                x.append("      <skipped message=\"").append(esc("stopped by a budget (" + m.result().limit() + "): not judged"))
                        .append("\"/>\n");
            } else if (m.fate() == Mutations.Fate.NOT_EVALUATED) {
                // the mutation broke the model itself (a model error): the rules were not put to the test
                x.append("      <skipped message=\"").append(esc("not evaluated: " + m.result().message())).append("\"/>\n");
            } else if (m.fate() == Mutations.Fate.UNREACHED) {
                // nothing was checked (a reviewer saw these counted as passing cases)
                x.append("      <skipped message=\"").append(esc(m.outcome())).append("\"/>\n");
            } else {
                x.append("      <system-out>").append(esc(fate + ": " + (m.fate() == Mutations.Fate.SURVIVED
                        ? "expected: " + m.explanation() : m.outcome()))).append("</system-out>\n");
            }
            x.append("    </testcase>\n");
        }
        for (String st : stale) {
            String id = st.contains(": ") ? st.substring(0, st.lastIndexOf(": ")) : st;
            x.append("    <testcase classname=\"migcheck.mutate.").append(esc(base.scenario().id())).append("\" name=\"")
                    .append(esc(prefix + "/declared: " + id)).append("\" time=\"0.000\">\n");
            x.append("      <failure type=\"stale-declaration\" message=\"").append(esc("declared survivor no longer survives: " + st))
                    .append("\"/>\n");
            x.append("    </testcase>\n");
        }
        return x.append("  </testsuite>\n</testsuites>\n").toString();
    }

    private static double mutantSeconds(Mutations.Mutant m) {
        return m.fate() == Mutations.Fate.UNREACHED ? 0 : m.result().stats().seconds();
    }

    private static boolean modelError(ScenarioRunner.Outcome o) {
        return o.result().verdict() == org.migcheck.checker.run.Verdict.MODEL_ERROR;
    }

    private static StringBuilder head(String suite, int tests, long failures, long errors, long skipped, double time) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuites name=\"migcheck\" tests=\"").append(tests).append("\" failures=\"").append(failures)
                .append("\" errors=\"").append(errors).append("\" time=\"").append(seconds(time)).append("\">\n");
        x.append("  <testsuite name=\"").append(esc(suite)).append("\" tests=\"").append(tests).append("\" failures=\"").append(failures)
                .append("\" errors=\"").append(errors).append("\" skipped=\"").append(skipped).append("\" time=\"").append(seconds(time))
                .append("\">\n");
        return x;
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", Timings.shown() ? s : 0.0);
    }

    /** XML text and attribute escaping (also HTML text); characters XML 1.0 cannot carry become '?'. */
    public static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                // XML 1.0's Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; a lone
                // surrogate (a code point of its own here) and U+FFFE/U+FFFF are outside it, and a parser refuses the file
                default -> {
                    boolean xml = c == '\n' || c == '\t' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                            || c >= 0x10000;
                    if (xml) {
                        b.appendCodePoint(c);
                    } else {
                        b.append('?');
                    }
                }
            }
        });
        return b.toString();
    }
}
