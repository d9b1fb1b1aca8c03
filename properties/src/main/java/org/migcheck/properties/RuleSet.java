package org.migcheck.properties;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The rules one run checks: state invariants, step rules, and whether lock acquisitions are
 * collected into a lockdep-style dependency graph (reported as rule {@value #LOCK_CYCLE} when the
 * graph has a cycle, even if no interleaving deadlocks).
 */
public final class RuleSet {
    /** Rule id of an observed lock-order cycle. */
    public static final String LOCK_CYCLE = "lock-order.cycle";

    private final List<Invariant> invariants;
    private final List<StepRule> stepRules;
    private final boolean lockdep;

    /** The ids a user chose to check (the command line's --rule), or null when this is the whole set. */
    private final List<String> selection;
    /** The ids a user chose to leave out (the command line's --skip-rule), or null when none were. */
    private final List<String> skipped;

    private RuleSet(List<Invariant> invariants, List<StepRule> stepRules, boolean lockdep) {
        this(invariants, stepRules, lockdep, null, null);
    }

    private RuleSet(List<Invariant> invariants, List<StepRule> stepRules, boolean lockdep, List<String> selection, List<String> skipped) {
        this.invariants = List.copyOf(invariants);
        this.stepRules = List.copyOf(stepRules);
        this.lockdep = lockdep;
        this.selection = selection == null ? null : List.copyOf(selection);
        this.skipped = skipped == null ? null : List.copyOf(skipped);
    }

    /**
     * This set marked as the user's choice of {@code ids} out of a larger one: reports then say that
     * only these rules were checked, so a HOLDS is not read as the whole set's.
     */
    public RuleSet selected(List<String> ids) {
        return new RuleSet(invariants, stepRules, lockdep, ids, skipped);
    }

    /** The ids of {@link #selected}, or null for a set that is not a selection. */
    public List<String> selection() { return selection; }

    /**
     * This set without the rules {@code ids} ({@link #LOCK_CYCLE} for the lockdep-style check), marked so
     * that reports say which were left out: to see what follows where one of them breaks first.
     */
    public RuleSet skipping(List<String> ids) {
        return new RuleSet(keep(invariants, ids), keep(stepRules, ids), lockdep && !ids.contains(LOCK_CYCLE), selection, ids);
    }

    /** The rules of {@code rules} whose ids are not in {@code leftOut}, in order. */
    private static <R extends Rule> List<R> keep(List<R> rules, List<String> leftOut) {
        return rules.stream().filter(r -> !leftOut.contains(r.id())).toList();
    }

    /**
     * Whether {@code id} can be a rule id: non-empty, without white space, control characters or ','
     * (--rule and --skip-rule take ids separated by commas; reports and JUnit names print them on one line).
     */
    public static boolean plainId(String id) {
        return org.migcheck.model.lang.ModelViolation.plainRuleId(id);
    }

    /** The ids {@link #skipping} left out, or null when none were. */
    public List<String> skipped() { return skipped; }

    public static RuleSet empty() { return new RuleSet(List.of(), List.of(), false); }

    public static RuleSet of(Collection<? extends Rule> rules, boolean lockdep) {
        List<Invariant> inv = new ArrayList<>();
        List<StepRule> steps = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Rule r : rules) {
            // reports name a broken rule by its id: an id used twice would credit one rule's failure to the other
            String id = r.id();
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a rule of class " + r.getClass().getName() + " has no id");
            }
            if (!plainId(id)) {
                throw new IllegalArgumentException("rule id '" + id + "' (class " + r.getClass().getName() + ") contains a comma,"
                        + " white space or a control character");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException("rule id " + id + " is used twice (class " + r.getClass().getName()
                        + "); give the rule an id of its own");
            }
            if (r instanceof Invariant && r instanceof StepRule) {
                // a set keeps a rule in one list: one of the two checks would be dropped without a word
                throw new IllegalArgumentException("rule " + id + " (class " + r.getClass().getName() + ") is both an invariant and"
                        + " a step rule; split it into two rules, each with an id of its own");
            }
            if (r instanceof Invariant i) {
                inv.add(i);
            } else if (r instanceof StepRule s) {
                steps.add(s);
            } else {
                throw new IllegalArgumentException("rule " + r.id() + " is neither an invariant nor a step rule");
            }
        }
        return new RuleSet(inv, steps, lockdep);
    }

    public List<Invariant> invariants() { return invariants; }
    public List<StepRule> stepRules() { return stepRules; }
    public boolean lockdep() { return lockdep; }

    /**
     * This set plus {@code more}. A {@link #selected} set stays one, its selection now naming the added
     * rules too; the ids {@link #skipping} left out stay marked, except those of the added rules.
     */
    public RuleSet with(Rule... more) {
        List<Rule> all = new ArrayList<>(invariants);
        all.addAll(stepRules);
        all.addAll(List.of(more));
        RuleSet plain = of(all, lockdep);
        List<String> chosen = selection;
        if (chosen != null) {
            chosen = new ArrayList<>(chosen);
            for (Rule r : more) {
                chosen.add(r.id());
            }
        }
        // an added rule is checked: it is no longer among the ids left out
        List<String> still = skipped;
        if (still != null) {
            java.util.Set<String> added = new java.util.HashSet<>();
            for (Rule r : more) {
                added.add(r.id());
            }
            still = still.stream().filter(id -> !added.contains(id)).toList();
            still = still.isEmpty() ? null : still;
        }
        return new RuleSet(plain.invariants, plain.stepRules, lockdep, chosen, still);
    }

    /**
     * This set without the rule {@code id} (not marked: the Java API's way to leave a rule out where the
     * caller knows why; {@link #skipping} is the command line's, which reports name). A {@link #selected}
     * set's selection loses {@code id}; earlier markers are kept. An id that is not a rule of this set (nor
     * {@link #LOCK_CYCLE}) is refused: a typo would leave the rule in without a word.
     */
    public RuleSet without(String id) {
        if (!LOCK_CYCLE.equals(id) && rules().stream().noneMatch(r -> r.id().equals(id))) {
            throw new IllegalArgumentException("RuleSet.without: no rule " + id + " in this set; rules: " + String.join(", ", ids()));
        }
        List<String> chosen = selection == null ? null : selection.stream().filter(s -> !s.equals(id)).toList();
        return new RuleSet(keep(invariants, List.of(id)), keep(stepRules, List.of(id)), lockdep && !LOCK_CYCLE.equals(id),
                chosen, skipped);
    }

    /** The ids of {@link #rules}, then {@link #LOCK_CYCLE} when the lockdep-style check is on: what --rule takes. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        rules().forEach(r -> ids.add(r.id()));
        if (lockdep) {
            ids.add(LOCK_CYCLE);
        }
        return ids;
    }

    /** All rules of this set, invariants first. */
    public List<Rule> rules() {
        List<Rule> all = new ArrayList<>(invariants);
        all.addAll(stepRules);
        return all;
    }
}
