package org.migcheck.checker.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** SCENARIO [--variant V] [--set knob=value]...: the variant selection of mutate, bench and export. */
public final class VariantArgs {
    @Parameters(index = "0", paramLabel = "SCENARIO", description = "scenario id (see list)")
    public String scenario;

    @Option(names = "--variant", paramLabel = "V", description = "named variant of the scenario")
    public String variant;

    @Option(names = "--set", paramLabel = "KNOB=VALUE", parameterConsumer = Args.KnobSetting.class, description = "knob value (repeatable); must agree with --variant")
    public Map<String, String> sets = new LinkedHashMap<>();

    /** The named scenario, after checking that --set does not contradict --variant; usage errors otherwise. */
    public Scenario resolve(CommandLine.Model.CommandSpec spec) {
        Scenario s = Main.scenario(scenario, spec);
        checkAgainstVariant(spec, s, variant, sets);
        return s;
    }

    /**
     * A {@code --set} that gives a knob another value than {@code --variant} does is a usage error:
     * the result would carry the variant's name and expectation for a different model.
     */
    static void checkAgainstVariant(CommandLine.Model.CommandSpec spec, Scenario s, String variant, Map<String, String> sets) {
        if (variant == null || s.variant(variant) == null) {
            return; // an unknown variant is reported by the runner with the list of variants
        }
        Variant v = s.variant(variant);
        Map<String, String> fixed = fixedBy(s, v);
        String k = contradicted(fixed, sets);
        if (k != null) {
            throw Args.usage(spec, "--set " + k + "=" + sets.get(k) + " contradicts --variant " + variant + ", which "
                    + (v.settings().containsKey(k) ? "sets " + k + "=" + fixed.get(k)
                            : "leaves " + k + " at its default " + fixed.get(k) + " (other variants set it)")
                    + "; drop --variant to choose knobs freely");
        }
    }

    /** The first knob of {@code sets} that {@code fixed} (a {@link #fixedBy} map) gives another value, or null. */
    static String contradicted(Map<String, String> fixed, Map<String, String> sets) {
        for (Map.Entry<String, String> e : sets.entrySet()) {
            String value = fixed.get(e.getKey());
            if (value != null && !value.equals(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * The knob values variant {@code v} stands for: those it sets, and the default of every other
     * protocol knob that some variant of {@code s} sets (a variant that relies on a default, such as
     * movable-ops' merged on getRef, is that default: getRef=plain is plain-ref's model, not merged's).
     * Size knobs (integer ranges: folios, compactors, migrators, buffers) stay free, also one the variant
     * sets, so a variant is checked at another size under its own name; but not a size knob that alone tells
     * the variant from another (oomFolios between oom-alloc-before-lock and oom-batch-no-reaper).
     */
    public static Map<String, String> fixedBy(Scenario s, Variant v) {
        Map<String, String> fixed = new LinkedHashMap<>(v.settings());
        // also those the variant sets itself (truncate-writeback's kernel-sync-all sets folios=2: folios=3 was refused),
        // but for one that tells it from another variant: source-locked-alloc's oom-alloc-before-lock is
        // oom-batch-no-reaper with oomFolios=1, and under its name oomFolios=2 printed that model's deadlock
        Map<String, String> mine = withDefaults(s, v);
        List<Map<String, String>> others = s.variants().stream().filter(o -> o != v).map(o -> withDefaults(s, o)).toList();
        for (Knob k : s.knobs()) {
            if (!isSize(k)) {
                continue;
            }
            if (others.stream().anyMatch(o -> differOnlyIn(mine, o, k.name()))) {
                fixed.put(k.name(), mine.get(k.name())); // set by the variant or left at its default
            } else {
                fixed.remove(k.name());
            }
        }
        java.util.Set<String> setByVariants = new java.util.HashSet<>();
        s.variants().forEach(other -> setByVariants.addAll(other.settings().keySet()));
        for (Knob k : s.knobs()) {
            // whether or not k applies under the variant's own knobs: a --set of a free gate could make it apply
            if (!fixed.containsKey(k.name()) && setByVariants.contains(k.name()) && !isSize(k)) {
                fixed.put(k.name(), k.defaultValue());
            }
        }
        return fixed;
    }

    /** Every knob of {@code s} at variant {@code v}'s value, else its default. */
    private static Map<String, String> withDefaults(Scenario s, Variant v) {
        Map<String, String> all = new LinkedHashMap<>();
        s.knobs().forEach(k -> all.put(k.name(), k.defaultValue()));
        all.putAll(v.settings());
        return all;
    }

    /** Whether {@code a} and {@code b} give {@code knob} different values and agree on every other knob. */
    private static boolean differOnlyIn(Map<String, String> a, Map<String, String> b, String knob) {
        if (java.util.Objects.equals(a.get(knob), b.get(knob))) {
            return false;
        }
        Map<String, String> x = new LinkedHashMap<>(a);
        Map<String, String> y = new LinkedHashMap<>(b);
        x.remove(knob);
        y.remove(knob);
        return x.equals(y);
    }

    /** A knob whose values are all integers (Knob.range): a size of the model, not a choice of protocol. */
    private static boolean isSize(Knob k) {
        return k.values().stream().allMatch(x -> x.matches("-?\\d+"));
    }
}
