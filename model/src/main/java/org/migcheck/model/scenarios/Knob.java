package org.migcheck.model.scenarios;

import java.util.List;

/**
 * A scenario parameter with a finite set of values: a kernel configuration ({@code memcg=v1|v2}), a
 * behaviour switch ({@code mappingFlag=true|false}) or a size ({@code folios=1|2|3}).
 */
public record Knob(String name, List<String> values, String defaultValue, String doc, List<Knob.Condition> conditions) {

    /**
     * One value set of another knob under which alone this one applies ({@link Knob#onlyWith}).
     *
     * @param knob   the other knob's name
     * @param values the values of {@code knob} under which this knob applies
     */
    public record Condition(String knob, List<String> values) {
        public Condition {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("condition on knob " + knob + " names no value");
            }
        }

        /** Whether it holds under these (resolved) knob values. */
        public boolean holds(java.util.Map<String, String> resolved) {
            String v = resolved.get(knob);
            return v != null && values.contains(v);
        }

        /** "writer=flusher", "workload=readahead|oom". */
        @Override public String toString() {
            return knob + "=" + String.join("|", values);
        }
    }

    /**
     * @param conditions every {@link Condition} under which alone the model reads this knob (all must
     *                   hold; empty: it applies everywhere): truncate-writeback's {@code folios} only
     *                   with {@code writer=flusher}. Setting it to another value than its default where
     *                   one fails is an error naming the condition
     */
    public Knob {
        values = List.copyOf(values);
        conditions = List.copyOf(conditions);
        Variant.tokenSafe("knob name", name);
        for (String v : values) {
            Variant.tokenSafe("value of knob " + name, v);
        }
        doc = org.migcheck.model.lang.UserCode.oneLine(doc); // list prints it
        if (!values.contains(defaultValue)) {
            throw new IllegalArgumentException("knob " + name + ": default " + defaultValue + " is not among " + values);
        }
        java.util.Set<String> on = new java.util.HashSet<>();
        for (Condition c : conditions) {
            if (!on.add(c.knob())) {
                throw new IllegalArgumentException("knob " + name + ": two conditions on knob " + c.knob());
            }
        }
    }

    /** A knob that applies everywhere. */
    public Knob(String name, List<String> values, String defaultValue, String doc) {
        this(name, values, defaultValue, doc, List.of());
    }

    /**
     * This knob, read by the model only when knob {@code other} has one of {@code otherValues} (and
     * every condition declared before holds: {@code .onlyWith("lookup", "true").onlyWith("bhMigrate",
     * "true")} applies only where both do).
     */
    public Knob onlyWith(String other, String... otherValues) {
        if (otherValues.length == 0) {
            throw new IllegalArgumentException("knob " + name + ": onlyWith(" + other + ") names no value");
        }
        List<Condition> all = new java.util.ArrayList<>(conditions);
        all.add(new Condition(other, List.of(otherValues)));
        return new Knob(name, values, defaultValue, doc, all);
    }

    /** Whether the model reads this knob under these (resolved) knob values. */
    public boolean appliesTo(java.util.Map<String, String> resolved) {
        return unmet(resolved) == null;
    }

    /** The first condition that fails under these (resolved) knob values; null when the knob applies. */
    public Condition unmet(java.util.Map<String, String> resolved) {
        for (Condition c : conditions) {
            if (!c.holds(resolved)) {
                return c;
            }
        }
        return null;
    }

    /**
     * "not with writer=ttm-backup": the value of the knob of the first condition that fails under these
     * (resolved) knob values, for messages; null when the knob applies.
     */
    public String notWith(java.util.Map<String, String> resolved) {
        Condition c = unmet(resolved);
        return c == null ? null : "not with " + c.knob() + "=" + resolved.get(c.knob());
    }

    /**
     * Checks that every {@link #onlyWith} of a scenario's knobs names another of its knobs and values
     * that knob takes.
     *
     * @throws org.migcheck.model.lang.ModelError naming the knob otherwise
     */
    public static void checkConditions(String scenario, List<Knob> knobs) {
        for (Knob k : knobs) {
            for (Condition c : k.conditions()) {
                Knob other = knobs.stream().filter(x -> x.name().equals(c.knob()) && x != k).findFirst().orElseThrow(() ->
                        new org.migcheck.model.lang.ModelError(k.name(), "scenario " + scenario + ": knob " + k.name()
                                + " applies only with knob " + c.knob() + ", which the scenario does not have"));
                if (!other.values().containsAll(c.values())) {
                    throw new org.migcheck.model.lang.ModelError(k.name(), "scenario " + scenario + ": knob " + k.name()
                            + " applies only with " + c + ", values knob " + other.name() + " does not take " + other.values());
                }
            }
        }
    }

    /**
     * Whether {@code value} of this knob is set where the model does not read it: the knob does not
     * apply under these (resolved) knob values and the value is not its default (with the default the
     * model is the same as without the setting).
     */
    public boolean unreadAt(String value, java.util.Map<String, String> resolved) {
        return !appliesTo(resolved) && !value.equals(defaultValue);
    }

    /** "writer=flusher", "lookup=true and bhMigrate=true"; null for a knob that applies everywhere. */
    public String condition() {
        return conditions.isEmpty() ? null
                : String.join(" and ", conditions.stream().map(Condition::toString).toList());
    }

    public static Knob bool(String name, boolean defaultValue, String doc) {
        return new Knob(name, List.of("false", "true"), Boolean.toString(defaultValue), doc);
    }

    public static Knob choice(String name, String defaultValue, String doc, String... values) {
        return new Knob(name, List.of(values), defaultValue, doc);
    }

    /** An integer knob over [min, max]. */
    public static Knob range(String name, int min, int max, int defaultValue, String doc) {
        List<String> v = new java.util.ArrayList<>();
        for (int i = min; i <= max; i++) {
            v.add(Integer.toString(i));
        }
        return new Knob(name, v, Integer.toString(defaultValue), doc);
    }
}
