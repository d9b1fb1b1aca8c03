package org.migcheck.model.scenarios;

import java.util.List;

/**
 * A scenario parameter with a finite set of values: a kernel configuration ({@code memcg=v1|v2}), a
 * behaviour switch ({@code mappingFlag=true|false}) or a size ({@code folios=1|2|3}).
 */
public record Knob(String name, List<String> values, String defaultValue, String doc, String onlyWithKnob, List<String> onlyWithValues) {

    /**
     * @param onlyWithKnob    null, or the knob on whose value this one depends: the model reads this
     *                        knob only when that one has one of {@code onlyWithValues} (truncate-writeback's
     *                        {@code folios} only with {@code writer=flusher}); setting it to
     *                        another value than its default elsewhere is an error naming both
     * @param onlyWithValues  the values of {@code onlyWithKnob} under which this knob applies
     */
    public Knob {
        values = List.copyOf(values);
        onlyWithValues = List.copyOf(onlyWithValues);
        if ((onlyWithKnob == null) != onlyWithValues.isEmpty()) {
            throw new IllegalArgumentException("knob " + name + ": onlyWithKnob and onlyWithValues go together");
        }
        for (String v : values) {
            Variant.tokenSafe("value of knob " + name, v);
        }
        Variant.tokenSafe("knob name", name);
        if (!values.contains(defaultValue)) {
            throw new IllegalArgumentException("knob " + name + ": default " + defaultValue + " is not among " + values);
        }
    }

    /** A knob that applies everywhere. */
    public Knob(String name, List<String> values, String defaultValue, String doc) {
        this(name, values, defaultValue, doc, null, List.of());
    }

    /** This knob, read by the model only when knob {@code other} has one of {@code otherValues}. */
    public Knob onlyWith(String other, String... otherValues) {
        if (otherValues.length == 0) {
            throw new IllegalArgumentException("knob " + name + ": onlyWith(" + other + ") names no value");
        }
        return new Knob(name, values, defaultValue, doc, other, List.of(otherValues));
    }

    /** Whether the model reads this knob under these (resolved) knob values. */
    public boolean appliesTo(java.util.Map<String, String> resolved) {
        return onlyWithKnob == null || resolved.get(onlyWithKnob) != null && onlyWithValues.contains(resolved.get(onlyWithKnob));
    }

    /**
     * Checks that every {@link #onlyWith} of a scenario's knobs names another of its knobs and values
     * that knob takes.
     *
     * @throws org.migcheck.model.lang.ModelError naming the knob otherwise
     */
    public static void checkConditions(String scenario, List<Knob> knobs) {
        for (Knob k : knobs) {
            if (k.onlyWithKnob() == null) {
                continue;
            }
            Knob other = knobs.stream().filter(x -> x.name().equals(k.onlyWithKnob()) && x != k).findFirst().orElseThrow(() ->
                    new org.migcheck.model.lang.ModelError(k.name(), "scenario " + scenario + ": knob " + k.name()
                            + " applies only with knob " + k.onlyWithKnob() + ", which the scenario does not have"));
            if (!other.values().containsAll(k.onlyWithValues())) {
                throw new org.migcheck.model.lang.ModelError(k.name(), "scenario " + scenario + ": knob " + k.name()
                        + " applies only with " + k.condition() + ", values knob " + other.name() + " does not take " + other.values());
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

    /** "writer=flusher", "workload=readahead|oom"; null for a knob that applies everywhere. */
    public String condition() {
        return onlyWithKnob == null ? null : onlyWithKnob + "=" + String.join("|", onlyWithValues);
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
