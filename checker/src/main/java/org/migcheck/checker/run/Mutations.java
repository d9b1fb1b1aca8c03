package org.migcheck.checker.run;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.RuleSet;

/**
 * Mutation analysis of the rule set (DESIGN.md 11): in a model that holds, make one blocking step
 * (a lock acquisition or a wait) at a time stop waiting, and check the mutant. A mutant that still
 * holds <em>survives</em>: either that synchronisation is redundant in the model, or no rule notices
 * its absence and the rule set is too weak there.
 */
public final class Mutations {
    private Mutations() {}

    /** How a mutant fared. */
    public enum Fate {
        /** A rule broke, or it deadlocked or got stuck: the rules notice the missing wait. */
        KILLED,
        /** The model became malformed (an owned lock unlocked by another thread, a counter overflow). */
        MODEL_ERROR,
        /** It still holds. */
        SURVIVED,
        /** The step never runs in the original model, so removing its wait changes nothing. */
        UNREACHED,
        /** A budget stopped it. */
        INCOMPLETE
    }

    /** One mutant: which step lost its wait and what the check found. */
    public record Mutant(int pc, String step, boolean reached, CheckResult result) {
        public Fate fate() {
            if (!reached) {
                return Fate.UNREACHED;
            }
            return switch (result.verdict()) {
                case VIOLATED, DEADLOCK, STUCK -> Fate.KILLED;
                case MODEL_ERROR -> Fate.MODEL_ERROR;
                case HOLDS -> Fate.SURVIVED;
                case INCOMPLETE -> Fate.INCOMPLETE;
            };
        }
    }

    /**
     * Every single-step mutant of {@code model}, in code order. {@code base} is the check of the
     * unmutated model (it must hold); steps it never reached are not re-checked.
     */
    public static List<Mutant> run(Model model, CheckResult base, RuleSet rules, Options opts) {
        if (base.verdict() != Verdict.HOLDS) {
            throw new IllegalArgumentException("mutation analysis needs a model that holds; " + model.name() + " is " + base.verdict());
        }
        java.util.Set<Integer> unreached = new java.util.HashSet<>();
        base.unreached().forEach(u -> unreached.add(u.pc()));
        List<Mutant> out = new ArrayList<>();
        for (int pc : model.blockingSteps()) {
            boolean reached = !unreached.contains(pc);
            CheckResult r = reached ? Checker.check(model.withoutWait(pc), rules, opts) : base;
            out.add(new Mutant(pc, model.stepAt(pc), reached, r));
        }
        return out;
    }
}
