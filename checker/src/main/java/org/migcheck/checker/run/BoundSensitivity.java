package org.migcheck.checker.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.migcheck.model.lang.Bound;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.RuleSet;

/**
 * Bound sensitivity (README: Bounds, Mutation analysis): re-checks a model with every model bound of its retry loops
 * raised by {@code k} passes. A verdict that changes was an artefact of the bound. Kernel bounds
 * (the kernel's own retry constants) are left as declared.
 *
 * @param k        passes added to each model bound
 * @param raised   the model bounds raised, with their new limits ("name: 1 -> 2")
 * @param base     the check at the declared bounds
 * @param result   the check at the raised bounds
 */
public record BoundSensitivity(int k, List<String> raised, CheckResult base, CheckResult result) {

    /** Whether the re-check reached a verdict: not stopped by a budget (INCOMPLETE), not a model error. */
    public boolean decided() {
        return result.verdict() != Verdict.INCOMPLETE && result.verdict() != Verdict.MODEL_ERROR;
    }

    /** Whether the re-check reached a verdict (kind or broken rule) that differs from the one at the declared bounds. */
    public boolean changed() {
        return decided() && (base.verdict() != result.verdict() || !Objects.equals(base.ruleId(), result.ruleId()));
    }

    /** The {@link Bound.Kind#MODEL model} bounds of {@code model}, the ones {@code --bounds} raises. */
    public static List<Bound> modelBounds(Model model) {
        return model.bounds().stream().filter(b -> b.kind() == Bound.Kind.MODEL).toList();
    }

    /** The model with every {@link Bound.Kind#MODEL model} bound raised by {@code k}. */
    public static Model raise(Model model, int k) {
        return model.withBoundsRaised(modelBounds(model), k);
    }

    /** Checks {@code model} (whose check at declared bounds is {@code base}) with its model bounds raised by {@code k}. */
    public static BoundSensitivity check(Model model, CheckResult base, RuleSet rules, Options opts, int k) {
        Model raisedModel = raise(model, k);
        List<String> raised = new ArrayList<>();
        for (Bound b : modelBounds(model)) {
            raised.add(b.name() + ": " + model.limit(b) + " -> " + raisedModel.limit(b));
        }
        return new BoundSensitivity(k, raised, base, Checker.check(raisedModel, rules, opts));
    }

    /** One line: what was raised and whether the verdict changed. */
    public String summary() {
        if (raised.isEmpty()) {
            return "bounds +" + k + ": the model declares no model bounds; nothing to raise";
        }
        return "bounds +" + k + " (" + String.join(", ", raised) + "): " + ScenarioRunner.verdictText(result)
                + (!decided() ? " -- no verdict at the raised bounds (" + (result.limit() != null ? result.limit() : result.message()) + ")"
                        : changed() ? " -- the verdict CHANGED from " + ScenarioRunner.verdictText(base) + ": it was an artefact of the bound"
                        : " -- the verdict is unchanged")
                + saturationText();
    }

    /**
     * For a HOLDS at the raised bounds: whether some state still reached a model bound there. When none
     * did, the loops ended by themselves (or at the kernel's own limits) within the raised bounds, so
     * raising them further cannot change the verdict.
     */
    private String saturationText() {
        if (result.verdict() != Verdict.HOLDS) {
            return "";
        }
        if (result.saturated().isEmpty()) {
            return "; no model bound was reached at these limits, so this HOLDS does not depend on them";
        }
        return "; still reached: " + String.join(", ", result.saturated().stream().map(CheckResult.Saturation::toString).toList());
    }
}
