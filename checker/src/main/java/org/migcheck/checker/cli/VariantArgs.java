package org.migcheck.checker.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.migcheck.model.scenarios.Scenario;
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
        Map<String, String> fixed = s.variant(variant).settings();
        for (Map.Entry<String, String> e : sets.entrySet()) {
            String v = fixed.get(e.getKey());
            if (v != null && !v.equals(e.getValue())) {
                throw Args.usage(spec, "--set " + e.getKey() + "=" + e.getValue() + " contradicts --variant " + variant
                        + ", which sets " + e.getKey() + "=" + v + "; drop --variant to choose knobs freely");
            }
        }
    }
}
