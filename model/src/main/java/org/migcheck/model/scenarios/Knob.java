package org.migcheck.model.scenarios;

import java.util.List;

/**
 * A scenario parameter with a finite set of values: a kernel configuration ({@code memcg=v1|v2}), a
 * behaviour switch ({@code mappingFlag=true|false}) or a size ({@code folios=1|2|3}).
 */
public record Knob(String name, List<String> values, String defaultValue, String doc) {

    public Knob {
        values = List.copyOf(values);
        for (String v : values) {
            Variant.tokenSafe("value of knob " + name, v);
        }
        Variant.tokenSafe("knob name", name);
        if (!values.contains(defaultValue)) {
            throw new IllegalArgumentException("knob " + name + ": default " + defaultValue + " is not among " + values);
        }
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
