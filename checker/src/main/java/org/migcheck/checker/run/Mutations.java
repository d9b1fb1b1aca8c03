package org.migcheck.checker.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.RuleSet;
import org.migcheck.checker.engine.Words;

/**
 * Mutation analysis of the rule set and the lock protocols (README: Bounds, Mutation analysis): in a model that holds,
 * check each mutant of {@link Model#mutants()}: a wait that no longer waits, a lock/unlock pair
 * removed, a shared test forced either way, two adjacent steps around a lock operation swapped. A
 * mutant that still holds <em>survives</em>: either that piece of the protocol is redundant in the
 * model (no second thread contends there), or no rule notices its absence and the rule set is too
 * weak there. Survivors a variant expects are declared with a reason
 * ({@link org.migcheck.model.scenarios.Expect#survives}); any other survivor is a finding.
 */
public final class Mutations {
    private Mutations() {}

    /** How a mutant fared. */
    public enum Fate {
        /**
         * A rule broke, it deadlocked or got stuck, or it holds but a goal the variant declares lost its answer: the
         * variant's expectation notices the change (the report's line says which).
         */
        KILLED,
        /**
         * The mutant's breadth-first search met a model error first (an owned lock unlocked by another thread, a
         * counter overflow) at the shallowest failing depth: the analysis learns nothing about the rules from it and
         * never counts it as killed (a rule may still break on a longer path of the same mutant).
         */
        NOT_EVALUATED,
        /** It still holds. */
        SURVIVED,
        /**
         * The mutant is the original model, decided in its own exhaustive search: a forced test whose real outcome
         * always equalled the forced one, or a removed wait that never ran where the original would have waited.
         */
        EQUIVALENT,
        /** The changed step never runs in the original model. */
        UNREACHED,
        /** A budget stopped it. */
        INCOMPLETE
    }

    /**
     * One mutant and what the check found.
     *
     * @param id           the mutant's stable name ("no-lock proc: function", ...), used in survivor declarations
     * @param kind         what was changed
     * @param pc           the (first) changed instruction
     * @param step         "procedure: function" of that instruction
     * @param reached      whether the original model ever runs it
     * @param differs      whether the change made a difference in the mutant's search (forced tests)
     * @param result       the check of the mutant (the base check when unreached)
     * @param explanation  the declared reason when it survives as expected, else null
     * @param lostGoal     when the mutant holds but a reachability goal no longer has the variant's expected
     *                     answer (the mutant cannot do what the model exists to show): which; else null
     */
    public record Mutant(String id, Model.MutantKind kind, int pc, String step, boolean reached, boolean differs,
                         CheckResult result, String explanation, String lostGoal) {

        /** What killed it, or how it fared, in a few words. */
        public String outcome() {
            if (!reached) {
                // its result is the unmutated variant's: nothing was checked
                return "not checked: the mutated step never runs in this variant";
            }
            if (fate() == Fate.KILLED && lostGoal != null) {
                return "holds, but " + lostGoal;
            }
            return ScenarioRunner.verdictText(result);
        }

        public Fate fate() {
            if (!reached) {
                return Fate.UNREACHED;
            }
            return switch (result.verdict()) {
                case VIOLATED, DEADLOCK, STUCK -> Fate.KILLED;
                case MODEL_ERROR -> Fate.NOT_EVALUATED;
                case HOLDS -> lostGoal != null ? Fate.KILLED : differs ? Fate.SURVIVED : Fate.EQUIVALENT;
                case INCOMPLETE -> Fate.INCOMPLETE;
            };
        }

        /** A survivor with no declared reason: the rules or the model may miss something here. */
        public boolean unexplained() { return fate() == Fate.SURVIVED && explanation == null; }
    }

    /** Every mutant of {@code model}, no declared survivors or goals. */
    public static List<Mutant> run(Model model, CheckResult base, RuleSet rules, Options opts) {
        return run(model, base, rules, opts, Map.of(), Map.of());
    }

    /**
     * Every mutant of {@code model}, in code order. {@code base} is the check of the unmutated model
     * (it must hold); mutants of steps it never reached are not re-checked. {@code expectedSurvivors}
     * maps mutant ids (or id prefixes ending in {@code *}) to the reason they survive;
     * {@code expectedGoals} are the variant's declared goal answers: a holding mutant that changes one is killed.
     */
    public static List<Mutant> run(Model model, CheckResult base, RuleSet rules, Options opts, Map<String, String> expectedSurvivors,
                                   Map<String, Boolean> expectedGoals) {
        if (base.verdict() != Verdict.HOLDS) {
            throw new IllegalArgumentException("mutation analysis needs a model that holds; " + model.name() + " is " + base.verdict());
        }
        Set<Integer> unreached = new HashSet<>();
        base.unreached().forEach(u -> unreached.add(u.pc()));
        List<Mutant> out = new ArrayList<>();
        for (Model.Mutant m : model.mutants()) {
            boolean reached = !unreached.contains(m.pc());
            // a mutant may change one member of a symmetric set only: no symmetry reduction for mutants; and no step
            // footprints: their tables run the model's code on unreachable states too, which would set the flags a
            // mutant keeps of what it was run on (differs(), a skipped wait)
            CheckResult r = reached ? Checker.check(m.model(), rules, opts.withSymmetry(Options.Switch.OFF)
                    .withPor(opts.por() == Options.Switch.OFF ? Options.Switch.OFF : Options.Switch.INERT)) : base;
            boolean differs = reached && m.differs().getAsBoolean();
            String lost = null;
            if (reached && r.verdict() == Verdict.HOLDS) {
                for (Map.Entry<String, Boolean> g : expectedGoals.entrySet()) {
                    CheckResult.GoalResult got = r.goals().get(g.getKey());
                    if (got != null && got.answer() == (g.getValue() ? CheckResult.GoalResult.Answer.UNREACHABLE
                            : CheckResult.GoalResult.Answer.REACHABLE)) {
                        lost = "reachable(" + g.getKey() + ") is " + !g.getValue() + ", expected " + g.getValue();
                        break;
                    }
                }
            }
            out.add(new Mutant(m.id(), m.kind(), m.pc(), model.stepAt(m.pc()), reached, differs, r, declared(expectedSurvivors, m.id()), lost));
        }
        return out;
    }

    /**
     * What follows {@code ./migcheck replay} to replay mutant {@code m} of {@code base}'s variant to its failure ("--mutant
     * 'ID' TOKEN"), or null when its check found no failing path (it holds, was not checked, or a budget stopped it).
     */
    public static String replayArgs(ScenarioRunner.Outcome base, Mutant m) {
        Verdict v = m.result().verdict();
        if (!m.reached() || m.result().schedule() == null || m.result().schedule().length == 0
                || !(v == Verdict.VIOLATED || v == Verdict.DEADLOCK || v == Verdict.STUCK || v == Verdict.MODEL_ERROR)) {
            return null;
        }
        return "--mutant " + ScenarioRunner.shellQuote(m.id()) + " "
                + ScenarioRunner.shellQuote(ScenarioRunner.token(base.scenario(), base.variant(), base.knobs(), m.result().schedule(), 0));
    }

    /** The declared reason for {@code id}: an exact declaration, else the longest matching "prefix*" one. */
    static String declared(Map<String, String> survivors, String id) {
        String exact = survivors.get(id);
        if (exact != null) {
            return exact;
        }
        String best = null;
        int len = -1;
        for (Map.Entry<String, String> e : survivors.entrySet()) {
            String k = e.getKey();
            if (k.endsWith("*") && id.startsWith(k.substring(0, k.length() - 1)) && k.length() > len) {
                best = e.getValue();
                len = k.length();
            }
        }
        return best;
    }

    /**
     * Declared survivors that no longer survive (killed, unreached, or no such mutant): stale declarations.
     * A declaration whose mutant a budget stopped (INCOMPLETE) is not stale: whether it survives is unknown.
     */
    public static List<String> stale(List<Mutant> mutants, Map<String, String> expectedSurvivors) {
        Map<String, Mutant> byId = new LinkedHashMap<>();
        mutants.forEach(m -> byId.put(m.id(), m));
        List<String> out = new ArrayList<>();
        for (String id : expectedSurvivors.keySet()) {
            if (id.endsWith("*")) {
                String prefix = id.substring(0, id.length() - 1);
                if (mutants.stream().noneMatch(m -> m.id().startsWith(prefix) && (m.fate() == Fate.SURVIVED || m.fate() == Fate.INCOMPLETE))) {
                    out.add(id + ": no surviving mutant matches");
                }
                continue;
            }
            Mutant m = byId.get(id);
            if (m == null) {
                out.add(id + ": no such mutant");
            } else if (m.fate() != Fate.SURVIVED && m.fate() != Fate.INCOMPLETE) {
                out.add(id + ": " + m.fate().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            }
        }
        return out;
    }

    /** "N mutants, K killed, S survived (E explained), ..." */
    public static String summary(List<Mutant> ms) {
        long survived = count(ms, Fate.SURVIVED);
        long explained = ms.stream().filter(m -> m.fate() == Fate.SURVIVED && m.explanation() != null).count();
        return Words.count(ms.size(), "mutant") + ", " + count(ms, Fate.KILLED) + " killed, " + survived + " survived (" + explained
                + " with a declared reason, " + (survived - explained) + " unexplained), " + count(ms, Fate.NOT_EVALUATED)
                + " not evaluated (model error), " + count(ms, Fate.EQUIVALENT) + " equivalent, " + count(ms, Fate.UNREACHED)
                + " unreached" + (count(ms, Fate.INCOMPLETE) > 0 ? ", " + count(ms, Fate.INCOMPLETE) + " incomplete" : "");
    }

    public static long count(List<Mutant> ms, Fate f) {
        return ms.stream().filter(m -> m.fate() == f).count();
    }
}
