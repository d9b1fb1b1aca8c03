package org.migcheck.model.scenarios;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named setting of a scenario's knobs with its declared expectation. The description of a kernel
 * variant starts with its {@link Kind}: what the variant stands for in kernel history.
 */
public record Variant(String name, Map<String, String> settings, Expect expect, String doc) {

    /** What a variant stands for: a shipped kernel, a posted proposal, a kernel that never existed, or a planted defect. */
    public enum KindType { SHIPPED, PROPOSAL, HYPOTHETICAL, MUTATION }

    /**
     * The kind of a variant as its description states it, e.g. {@code shipped v6.16},
     * {@code shipped v3.3-v5.7}, {@code proposal (2020)}, {@code hypothetical}, {@code mutation}.
     *
     * @param type   which of the four
     * @param label  the words that state it, as written at the start of the description
     */
    public record Kind(KindType type, String label) {
        @Override public String toString() { return label; }

        /** Whether the label says its version is not confirmed by the project's kernel reading. */
        public boolean unverified() { return label.endsWith(" (unverified)"); }
    }

    /**
     * The leading words of a description that state its kind. A version is vN.N or vN.N.N; a shipped
     * range is written vA-vB (both ends released kernels); a proposal gives the year it was posted. A shipped
     * kind whose version the project's v6.19 reading does not confirm (it rests on a changelog or mails read
     * elsewhere) says so: {@code shipped v7.1 (unverified)} or {@code shipped v6.19 (unverified: why)}, and the label is
     * {@code shipped v6.19 (unverified)} for both.
     */
    private static final Pattern KIND = Pattern.compile(
            "^(shipped v\\d+\\.\\d+(?:\\.\\d+)?(?:-v\\d+\\.\\d+(?:\\.\\d+)?)?(?:\\+)?(?: \\(unverified(?=[):]))?"
                    + "|proposal \\(\\d{4}\\)|hypothetical|mutation)(?=$|[\\s,:;.()])");

    /** Parses the kind at the start of {@code doc}, or null when the description does not start with one. */
    public static Kind kindOf(String doc) {
        Matcher m = KIND.matcher(doc);
        if (!m.find()) {
            return null;
        }
        String label = m.group(1);
        if (label.endsWith(" (unverified")) {
            // "(unverified)" or "(unverified: why)": the label is the same either way
            label += ")";
        }
        KindType t = label.startsWith("shipped") ? KindType.SHIPPED
                : label.startsWith("proposal") ? KindType.PROPOSAL
                : label.equals("hypothetical") ? KindType.HYPOTHETICAL
                : KindType.MUTATION;
        return new Kind(t, label);
    }

    /** The kind the description starts with, or null (allowed only for the zoo's non-kernel models). */
    public Kind kind() { return kindOf(doc); }

    /**
     * Names and values appear in replay tokens (SCENARIO:VARIANT:k=v,k=v:SCHEDULE), so they may not
     * contain ':', ',', '=', '+', white space, or a character a report cannot show as it is (control and
     * format characters, lone surrogates, noncharacters).
     */
    static void tokenSafe(String what, String s) {
        if (!Scenario.token(s, ":,=+")) {
            throw new IllegalArgumentException(what + " '" + org.migcheck.model.lang.UserCode.visible(s)
                    + "' is empty or contains one of : , = +, white space, a control character or one a report cannot show");
        }
    }

    public Variant {
        tokenSafe("variant name", name);
        doc = org.migcheck.model.lang.UserCode.oneLine(doc); // printed in list and every report's variant line
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings)); // ordered: Map.copyOf iterates in a per-JVM random order
    }
}
