package org.migcheck.model.scenarios;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.ModelError;

/** The resolved knob values a scenario builds its model from (every knob has a value). */
public final class Knobs {
    private final Map<String, String> values;

    private Knobs(Map<String, String> values) { this.values = values; }

    /**
     * Resolves {@code settings} against the declared knobs: defaults fill the gaps; an unknown knob,
     * a value outside the knob's set, or a knob set to another value than its default where the model
     * does not read it ({@link Knob#onlyWith}) is an error naming it.
     */
    public static Knobs resolve(String scenario, List<Knob> knobs, Map<String, String> settings) {
        return resolve(scenario, knobs, settings, java.util.Set.of());
    }

    /**
     * As {@link #resolve(String, List, Map)}, without the check that the knobs named in {@code exempt}
     * apply (a suite leaves out the combinations where they do not); their values still count for
     * the others' conditions.
     */
    public static Knobs resolve(String scenario, List<Knob> knobs, Map<String, String> settings, java.util.Set<String> exempt) {
        Knobs k = resolveAll(scenario, knobs, settings);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            Knob knob = knobs.stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElseThrow();
            if (!exempt.contains(knob.name()) && knob.unreadAt(e.getValue(), k.values)) {
                throw new ModelError(knob.name(), "knob " + knob.name() + " of scenario " + scenario + " applies only with "
                        + knob.condition() + ", " + knob.notWith(k.values) + " (set " + knob.condition() + ", or leave " + knob.name() + " at its default " + knob.defaultValue() + ")");
            }
        }
        return k;
    }

    /**
     * Puts every knob of {@code settings} that does not apply under them (as {@link #resolveAll} reads
     * them) back to its default, in place: the model the settings build is the same.
     */
    public static void unreadToDefault(String scenario, List<Knob> knobs, Map<String, String> settings) {
        Map<String, String> read = resolveAll(scenario, knobs, settings).values;
        for (Knob k : knobs) {
            if (settings.containsKey(k.name()) && !k.appliesTo(read)) {
                settings.put(k.name(), k.defaultValue());
            }
        }
    }

    /**
     * {@link #resolve} without the check that every knob set applies: for tests that a knob the model
     * does not read changes nothing.
     */
    public static Knobs resolveAll(String scenario, List<Knob> knobs, Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Knob k : knobs) {
            out.put(k.name(), k.defaultValue());
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            Knob k = knobs.stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElseThrow(() ->
                    new ModelError(e.getKey(), "scenario " + scenario + " has no knob " + e.getKey()
                            + (knobs.isEmpty() ? " (it has no knobs)" : "; knobs: " + knobs.stream().map(Knob::name).toList())));
            if (e.getValue() == null) {
                throw new ModelError(k.name(), "knob " + k.name() + " of scenario " + scenario + " takes " + k.values() + ", not null");
            }
            if (!k.values().contains(e.getValue())) {
                throw new ModelError(k.name(), "knob " + k.name() + " of scenario " + scenario + " takes " + k.values()
                        + (e.getValue().isEmpty() ? ", not an empty value" : ", not " + (e.getValue().strip().equals(e.getValue()) ? e.getValue() : "'" + e.getValue() + "' (white space around it)")));
            }
            out.put(k.name(), e.getValue());
        }
        return new Knobs(Collections.unmodifiableMap(out));
    }

    public String get(String knob) {
        String v = values.get(knob);
        if (v == null) {
            throw new ModelError(knob, "no knob " + knob);
        }
        return v;
    }

    public boolean flag(String knob) { return Boolean.parseBoolean(get(knob)); }

    public int integer(String knob) { return Integer.parseInt(get(knob)); }

    public boolean is(String knob, String value) { return get(knob).equals(value); }

    public Map<String, String> asMap() { return values; }
}
