package org.migcheck.model.scenarios;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The declared expectation of a scenario variant: the verdict kind, the rule expected to be broken
 * (for VIOLATED), the expected answer of each reachability goal, (for HOLDS) the mutants of
 * mutation analysis expected to survive, each with a one-line reason, and whether the HOLDS is
 * bounded: some state of the variant (at its default knobs) reaches a model bound, so the verdict is
 * a fact about the bounded model ({@code list} says so beside the kernel version; the catalogue test
 * holds the declaration to what the check finds).
 */
public record Expect(Kind kind, String ruleId, Map<String, Boolean> goals, Map<String, String> survivors, boolean bounded) {

    /** Verdict kinds a variant can expect. */
    public enum Kind { HOLDS, VIOLATED, DEADLOCK, STUCK }

    /** Without declared mutation survivors. */
    public Expect(Kind kind, String ruleId, Map<String, Boolean> goals) {
        this(kind, ruleId, goals, Map.of(), false);
    }

    public Expect {
        if (kind == null) {
            throw new IllegalArgumentException("an expectation needs a kind (HOLDS, VIOLATED, DEADLOCK or STUCK), not null");
        }
        if (goals == null || survivors == null) {
            throw new IllegalArgumentException("an expectation's " + (goals == null ? "goals" : "survivors") + " are Map.of() for none, not null");
        }
        goals = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(goals)); // ordered: Map.copyOf iterates in a per-JVM random order
        survivors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(survivors));
        if (kind == Kind.VIOLATED && (ruleId == null || ruleId.isBlank())) {
            throw new IllegalArgumentException("a VIOLATED expectation names the rule, not " + (ruleId == null ? "null" : "'" + ruleId + "'"));
        }
        if (ruleId != null && !org.migcheck.model.lang.ModelViolation.plainRuleId(ruleId)) {
            throw new IllegalArgumentException("an expectation's rule id '" + org.migcheck.model.lang.UserCode.visible(ruleId)
                    + "' contains a comma, white space, a control character or one a report cannot show (no rule can have it)");
        }
        if (kind != Kind.VIOLATED && ruleId != null) {
            // "holds atomic.sleep" read as if a rule were expected to hold; only a violation names one
            throw new IllegalArgumentException("only a VIOLATED expectation names a rule; " + kind + " names " + ruleId);
        }
        if (bounded && kind != Kind.HOLDS) {
            throw new IllegalArgumentException("only a HOLDS is bounded; a failure is a fact whatever the bounds");
        }
    }

    public static Expect holds() { return new Expect(Kind.HOLDS, null, Map.of()); }
    public static Expect deadlock() { return new Expect(Kind.DEADLOCK, null, Map.of()); }
    public static Expect stuck() { return new Expect(Kind.STUCK, null, Map.of()); }
    public static Expect violated(String ruleId) { return new Expect(Kind.VIOLATED, ruleId, Map.of()); }

    /** Adds the expected answer of reachability goal {@code goal}. */
    public Expect reach(String goal, boolean reachable) {
        Map<String, Boolean> g = new LinkedHashMap<>(goals);
        g.put(goal, reachable);
        return new Expect(kind, ruleId, g, survivors, bounded);
    }

    /**
     * Declares the HOLDS bounded: at the variant's default knobs some state reaches a model bound (a retry loop ends at
     * the model's limit, not the kernel's), which {@code check} reports as {@code ok (bounded)}.
     */
    public Expect withinBounds() {
        return new Expect(kind, ruleId, goals, survivors, true);
    }

    /**
     * Declares that mutant {@code mutantId} (as {@code migcheck mutate} names it) survives in this
     * variant, for {@code reason} (one line: why the rules need not notice, e.g. no second thread
     * takes that lock here). {@code mutate} fails on survivors without such a declaration.
     */
    public Expect survives(String mutantId, String reason) {
        if (kind != Kind.HOLDS) {
            throw new IllegalArgumentException("only a holding variant has mutation survivors; " + mutantId);
        }
        Map<String, String> m = new LinkedHashMap<>(survivors);
        if (m.put(mutantId, reason) != null) {
            throw new IllegalArgumentException("survivor " + mutantId + " declared twice");
        }
        return new Expect(kind, ruleId, goals, m, bounded);
    }

    /** "deadlock", "violated lock-order.cycle", "holds; reachable(migrated)=false". */
    public String describe() {
        StringBuilder b = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT));
        if (ruleId != null) {
            b.append(' ').append(ruleId);
        }
        goals.forEach((g, r) -> b.append("; reachable(").append(g).append(")=").append(r));
        return b.toString();
    }
}
