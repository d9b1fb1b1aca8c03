package org.migcheck.properties;

import java.util.List;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Var;

/**
 * A rule's declarations asked on the checker's behalf: {@link Rule#vacuous}, {@link StepRule#triggers}
 * and {@link StepRule#watches} are the rule's own code (a user's rule class), so what they throw, and a
 * null where a list is due, is a {@link ModelError} naming the rule, reported as the check's
 * MODEL_ERROR, never an internal error of the checker.
 */
public final class Rules {
    private Rules() {}

    /** {@code rule.vacuous(model)}. */
    public static boolean vacuous(Rule rule, Model model) {
        try {
            return rule.vacuous(model);
        } catch (Throwable e) {
            org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
            throw fault(rule, "vacuous(model) threw " + e, e);
        }
    }

    /** {@code rule.triggers()}, never null. */
    public static List<Class<? extends Event>> triggers(StepRule rule) {
        List<Class<? extends Event>> t;
        try {
            t = rule.triggers();
        } catch (Throwable e) {
            org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
            throw fault(rule, "triggers() threw " + e, e);
        }
        if (t == null) {
            throw fault(rule, "triggers() returned null (return List.of() for a rule due on every step)", null);
        }
        if (t.stream().anyMatch(java.util.Objects::isNull)) {
            throw fault(rule, "triggers() holds null (a review: a NullPointerException from inside the search)", null);
        }
        return t;
    }

    /** {@code rule.watches(model)}: null when the rule promises nothing. */
    public static List<Var> watches(StepRule rule, Model model) {
        List<Var> w;
        try {
            w = rule.watches(model);
        } catch (Throwable e) {
            org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
            throw fault(rule, "watches(model) threw " + e, e);
        }
        if (w != null && w.stream().anyMatch(java.util.Objects::isNull)) {
            throw fault(rule, "watches(model) holds null", null);
        }
        return w;
    }

    /** Asks every rule of {@code rules} its declarations for {@code model}: the first that fails throws its ModelError. */
    public static void declarations(RuleSet rules, Model model) {
        for (Rule r : rules.rules()) {
            vacuous(r, model);
            if (r instanceof StepRule s) {
                triggers(s);
                watches(s, model);
            }
        }
    }

    /**
     * "step rule X returned null ...": a check must be Check.ok() or Check.violated(message); a null
     * taken for a pass would hide the rule's violations. {@code kind}: "step rule" or "invariant".
     */
    public static String returnedNull(String kind, String id) {
        return kind + " " + id + " returned null, not a Check (return Check.ok() when it holds, Check.violated(message) when not)";
    }

    private static ModelError fault(Rule rule, String what, Throwable cause) {
        String kind = rule instanceof StepRule ? "step rule " : rule instanceof Invariant ? "invariant " : "rule ";
        ModelError e = new ModelError(rule.id(), kind + rule.id() + ": " + what);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
