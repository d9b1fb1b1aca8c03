package org.migcheck.model.scenarios;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The declared expectation of a scenario variant: the verdict kind, the rule expected to be broken
 * (for VIOLATED), and the expected answer of each reachability goal.
 */
public record Expect(Kind kind, String ruleId, Map<String, Boolean> goals) {

    /** Verdict kinds a variant can expect. */
    public enum Kind { HOLDS, VIOLATED, DEADLOCK, STUCK }

    public Expect {
        goals = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(goals)); // ordered: Map.copyOf iterates in a per-JVM random order
        if (kind == Kind.VIOLATED && ruleId == null) {
            throw new IllegalArgumentException("a VIOLATED expectation names the rule");
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
        return new Expect(kind, ruleId, g);
    }

    /** "deadlock", "violated lock-order.cycle", "holds; reachable(migrated)=false". */
    public String describe() {
        StringBuilder b = new StringBuilder(kind.name().toLowerCase());
        if (ruleId != null) {
            b.append(' ').append(ruleId);
        }
        goals.forEach((g, r) -> b.append("; reachable(").append(g).append(")=").append(r));
        return b.toString();
    }
}
