package org.migcheck.checker.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.migcheck.checker.trace.Trace;
import org.migcheck.checker.engine.Words;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.RuleSet;

/**
 * Runs scenario variants against their expectations, and encodes and decodes replay tokens
 * {@code SCENARIO:VARIANT:KNOBS:SCHEDULE}, e.g. {@code philosophers:-:n=3,ordered=false:0.1.2}, and {@code :+K} after it for a
 * schedule found with every model bound raised by K.
 */
public final class ScenarioRunner {
    /** The start of the note a result carries when --rule chose its rules (renderers look for it). */
    public static final String RULE_SELECTION_NOTE = "only the rules chosen with --rule were checked";
    /** The end of the note a variant gets when --set moved it to a knob combination without an expectation. */
    public static final String NO_EXPECTATION_NOTE_END = "the scenario declares no expectation, so this verdict is compared with none";

    /** The start of the note a result gets when --skip-rule left rules out. */
    public static final String RULE_SKIP_NOTE = "the rules left out with --skip-rule were not checked";

    /** "only the rules chosen with --rule were checked (A, B)", or null when {@code rules} is not a selection. */
    public static String selectionNote(RuleSet rules) {
        return rules.selection() == null ? null : RULE_SELECTION_NOTE + " (" + String.join(", ", rules.selection()) + ")";
    }

    /** "the rules left out with --skip-rule were not checked (C)", or null when {@code rules} left none out. */
    public static String skipNote(RuleSet rules) {
        return rules.skipped() == null ? null : RULE_SKIP_NOTE + " (" + String.join(", ", rules.skipped()) + ")";
    }

    /** The notes of {@code r} that say the rule set was narrowed (--rule, --skip-rule): a mutant that survives may be one a left-out rule kills. */
    public static List<String> ruleChoiceNotes(CheckResult r) {
        return r.notes().stream().filter(n -> n.startsWith(RULE_SELECTION_NOTE) || n.startsWith(RULE_SKIP_NOTE)).toList();
    }

    private ScenarioRunner() {}

    /**
     * One checked variant (or knob combination) with its expectation. {@code boundsRaise} is 0, or K for the re-check of {@code check
     * --bounds +K} (every model bound raised by K passes): its title and replay line say so.
     */
    public record Outcome(Scenario scenario, String variant, Knobs knobs, Expect expected, CheckResult result, int boundsRaise) {

        public Outcome(Scenario scenario, String variant, Knobs knobs, Expect expected, CheckResult result) {
            this(scenario, variant, knobs, expected, result, 0);
        }

        /** This check's knobs and expectation with the result of the re-check at bounds raised by {@code raise}. */
        public Outcome atBounds(int raise, CheckResult raised) {
            return new Outcome(scenario, variant, knobs, expected, raised, raise);
        }

        /**
         * Whether the verdict (and every goal answer) equals the expectation. When nothing is expected,
         * whether the check reached a verdict at all: a model error or a budget that ended the run
         * (INCOMPLETE) never passes, so a suite over a user's knobs without expectations is not green
         * over a malformed model.
         */
        public boolean matches() {
            return expected == null ? result.verdict() != Verdict.MODEL_ERROR && result.verdict() != Verdict.INCOMPLETE
                    : ScenarioRunner.matches(expected, result);
        }

        public String title() {
            return ScenarioRunner.title(scenario, variant, knobs) + (boundsRaise > 0 ? " at bounds +" + boundsRaise : "");
        }

        public String token() { return ScenarioRunner.token(scenario, variant, knobs, result.schedule(), boundsRaise); }

        /** Whether a signal to this process (SIGINT, SIGTERM) stopped this check, or came before it began. */
        public boolean interrupted() {
            String stop = org.migcheck.checker.engine.Budget.stoppedAll();
            return stop != null && stop.equals(result.limit());
        }

        /** A HOLDS that some state reached a model bound for: a fact about the bounded model, not the kernel. */
        public boolean bounded() {
            return result.verdict() == Verdict.HOLDS && !result.saturated().isEmpty();
        }

        /** What follows {@code ./migcheck replay}: the token (which carries the raise of a re-check at raised bounds). */
        public String replayArgs() { return token(); }

        public String actual() { return describe(result); }
    }

    /**
     * Checks {@code scenario}: the named variant (null: defaults), with {@code sets} overriding knobs.
     * Unknown scenario elements are {@link ModelError}s naming them.
     */
    public static Outcome run(Scenario scenario, String variantName, Map<String, String> sets, RuleSet rules, Options opts) {
        return run(scenario, variantName, sets, rules, opts, Checker::check);
    }

    /** How an outcome's model is checked: in this process, or (a sharded suite) by a member whose answer is decoded here. */
    public interface Check {
        CheckResult check(Model model, RuleSet rules, Options opts);
    }

    /** The model of {@code scenario} with the variant's knobs and then {@code sets}; throws ModelError. */
    public static Model build(Scenario scenario, String variantName, Map<String, String> sets) {
        return build(scenario, knobs(scenario, variantName, sets));
    }

    /**
     * The knobs {@link #run} would check {@code scenario} with (the variant's settings, then {@code sets}), without
     * building or checking anything: for a command to refuse a bad variant or knob before it connects to members.
     * Throws the ModelError {@link #run} would.
     */
    public static Knobs knobs(Scenario scenario, String variantName, Map<String, String> sets) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (variantName != null) {
            Variant v = scenario.variant(variantName);
            if (v == null) {
                throw new ModelError(variantName, "scenario " + scenario.id() + " has no variant " + variantName + "; variants: "
                        + scenario.variants().stream().map(Variant::name).toList());
            }
            settings.putAll(v.settings());
        }
        settings.putAll(sets);
        return resolve(scenario, variantName, settings, sets);
    }

    /**
     * {@code Knobs.resolve} of a variant's settings overridden by {@code sets}; a knob the variant sets
     * that a {@code --set} of another knob leaves unread is named as the variant's.
     */
    private static Knobs resolve(Scenario scenario, String variantName, Map<String, String> settings, Map<String, String> sets) {
        if (variantName != null) {
            Map<String, String> read = Knobs.resolveAll(scenario.id(), scenario.knobs(), settings).asMap();
            for (org.migcheck.model.scenarios.Knob k : scenario.knobs()) {
                String v = settings.get(k.name());
                if (v != null && !sets.containsKey(k.name()) && k.unreadAt(v, read)) {
                    throw new ModelError(k.name(), "variant " + variantName + " of scenario " + scenario.id() + " sets " + k.name() + "="
                            + v + ", which applies only with " + k.condition() + ", " + k.notWith(read) + " (check the knob combination without --variant)");
                }
            }
        }
        return Knobs.resolve(scenario.id(), scenario.knobs(), settings);
    }

    /**
     * {@code scenario.build(knobs)}, with the scenario's own code answerable for what it throws: an
     * exception becomes a {@link ModelError} naming the scenario, the knobs, the exception and the
     * first frame of code outside the JDK and migcheck's checker (the user's line); a class that
     * cannot be loaded becomes a {@link ClassMissing} naming the scenario too (a usage error: a jar
     * missing from --classpath); a null model is a ModelError.
     */
    public static Model build(Scenario scenario, Knobs knobs) {
        Model m;
        try {
            m = scenario.build(knobs);
        } catch (ModelError e) {
            throw e;
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            throw new ModelError(scenario.id(), "scenario " + scenario.id() + " " + knobs.asMap() + ": building the model threw "
                    + e + where(e));
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ModelError(scenario.id(), "scenario " + scenario.id() + " " + knobs.asMap() + ": a class's static initialiser threw "
                    + cause + where(cause));
        } catch (NoClassDefFoundError e) {
            String what = String.valueOf(e.getMessage());
            if (what.startsWith("Could not initialize class")) { // its static initialiser failed in an earlier build
                throw new ModelError(scenario.id(), "scenario " + scenario.id() + " " + knobs.asMap() + ": " + what
                        + " (its static initialiser failed earlier)" + where(e));
            }
            throw new ClassMissing("scenario " + scenario.id() + " needs class " + what.replace('/', '.')
                    + ", which cannot be loaded (is every jar it uses on --classpath?)", e);
        } catch (LinkageError e) {
            // NoSuchMethodError, NoSuchFieldError, AbstractMethodError...: a class compiled against another version
            // of a class it calls (a half-rebuilt project, or one built against another migcheck)
            throw new ModelError(scenario.id(), "scenario " + scenario.id() + " " + knobs.asMap() + ": building the model threw "
                    + e + where(e) + " (a class compiled against another version of a class it uses: rebuild them together)");
        } catch (Throwable e) {
            // an Error of the scenario's own, or a checked exception thrown past the compiler
            org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
            throw new ModelError(scenario.id(), "scenario " + scenario.id() + " " + knobs.asMap() + ": building the model threw "
                    + e + where(e));
        }
        if (m == null) {
            throw new ModelError(scenario.id(), "scenario " + scenario.id() + " " + knobs.asMap() + ": build returned no model (null)");
        }
        return m;
    }

    /** A class a scenario's build needs cannot be loaded: a jar missing from --classpath (the CLI's usage error). */
    public static final class ClassMissing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClassMissing(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * " at class.method(File:line)": the first frame, from the top, of the scenario's own code (the
     * frames above {@link #build}) that is not the JDK's or migcheck's model module (language,
     * vocabulary, scenario builder): the user's call into them; else the top frame.
     */
    static String where(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        for (StackTraceElement f : st) {
            String c = f.getClassName();
            if (c.equals(ScenarioRunner.class.getName())) {
                break;
            }
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.") && !c.startsWith("org.migcheck.model.")
                    && !c.startsWith("org.migcheck.properties.Check") && !c.startsWith("org.migcheck.properties.Context")) {
                return " at " + f;
            }
        }
        return st.length == 0 ? "" : " at " + st[0];
    }

    /** Whether {@code s} is a scenario of the bundled catalogue (not a user's, from --classpath or a test). */
    public static boolean bundled(Scenario s) {
        Scenario b = org.migcheck.model.scenarios.Catalogue.find(s.id());
        return b != null && b.getClass() == s.getClass();
    }

    /** As {@link #run(Scenario, String, Map, RuleSet, Options)}, the model checked by {@code checker}. */
    public static Outcome run(Scenario scenario, String variantName, Map<String, String> sets, RuleSet rules, Options opts, Check checker) {
        return run(scenario, variantName, sets, rules, opts, checker, true);
    }

    /**
     * As {@link #run(Scenario, String, Map, RuleSet, Options, Check)} also after a signal: for the report of a check that
     * did not stop at it, which {@code checker} makes (the check's own outcome, not "not checked": it had begun).
     */
    public static Outcome runAfterStop(Scenario scenario, String variantName, Map<String, String> sets, RuleSet rules, Options opts,
                                       Check checker) {
        return run(scenario, variantName, sets, rules, opts, checker, false);
    }

    /**
     * What {@code scenario} declares for {@code knobs}: a named variant at its own knobs is judged by its own
     * declaration, not by the first variant of the same knobs (a review: a variant declared VIOLATED passed as the HOLDS
     * of another variant with the same knobs); other knobs by the scenario's expectation for them. Throws what the
     * scenario's expectation function throws.
     */
    public static Expect declared(Scenario scenario, String variantName, Knobs knobs) {
        Variant named = variantName == null ? null : scenario.variant(variantName);
        return named != null && Knobs.resolve(scenario.id(), scenario.knobs(), named.settings()).asMap().equals(knobs.asMap())
                ? named.expect() : scenario.expect(knobs);
    }

    private static Outcome run(Scenario scenario, String variantName, Map<String, String> sets, RuleSet rules, Options opts, Check checker,
                               boolean heedStop) {
        Knobs knobs = knobs(scenario, variantName, sets);
        Expect expect;
        try {
            expect = declared(scenario, variantName, knobs);
        } catch (Throwable e) { // the scenario's expectation function
            org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
            return new Outcome(scenario, variantName, knobs, null, Checker.modelError(null, "scenario " + scenario.id() + " "
                    + knobs.asMap() + ": its expectation threw " + e + where(e)));
        }
        String shownVariant = variantName;
        if (shownVariant == null) {
            for (Variant v : scenario.variants()) {
                if (Knobs.resolve(scenario.id(), scenario.knobs(), v.settings()).asMap().equals(knobs.asMap())) {
                    shownVariant = v.name();
                    break;
                }
            }
        }
        String stop = org.migcheck.checker.engine.Budget.stoppedAll();
        if (stop != null && heedStop) {
            // a signal (SIGINT, SIGTERM) came before this one began: not built, not checked (a suite of thousands of
            // combinations built each one after the signal, and ran out of the time the report has)
            return new Outcome(scenario, shownVariant, knobs, expect, Checker.noVerdict(null, "not checked: " + stop
                    + " came before this check began", stop));
        }
        Model model;
        try {
            model = build(scenario, knobs);
        } catch (ModelError e) {
            return new Outcome(scenario, shownVariant, knobs, expect, Checker.modelError(null, e.getMessage()));
        } catch (OutOfMemoryError oom) {
            // the searches end INCOMPLETE themselves; here the heap ran out before one began: still a budget, and still
            // a report in the format asked for (a CI job reading JUnit XML gets a no-verdict case, not an empty file)
            return new Outcome(scenario, shownVariant, knobs, expect, Checker.outOfMemory(null, "building the model"));
        }
        CheckResult r;
        try {
            // goals the variant declares an answer for are decided even past a counterexample (--decide-goals): left
            // undecided, the comparison would depend on whether the counterexample's search met the goal first, which a
            // reduction changes
            Options o = expect != null && !expect.goals().isEmpty() ? opts.withDecideGoals(true) : opts;
            if (o.determinism() == Options.Switch.AUTO) {
                // the users' own scenarios run each state's steps twice: code that reads more than the state would
                // otherwise give a verdict about no model at all, often without a word
                o = o.withDeterminism(bundled(scenario) ? Options.Switch.OFF : Options.Switch.ON);
            }
            r = checker.check(model, rules, o);
        } catch (OutOfMemoryError oom) {
            r = Checker.outOfMemory(model, "preparing or finishing the search");
        }
        if (expect == null && variantName != null && !sets.isEmpty() && scenario.variant(variantName).expect() != null) {
            // the variant declares a verdict at its own knobs; --set moved it to a combination the scenario declares none
            // for, so nothing is compared: say so rather than print a bare verdict under the variant's name
            Variant v = scenario.variant(variantName);
            List<String> moved = new java.util.ArrayList<>();
            Map<String, String> own = Knobs.resolve(scenario.id(), scenario.knobs(), v.settings()).asMap();
            knobs.asMap().forEach((k, val) -> {
                if (!val.equals(own.get(k))) {
                    moved.add(k + "=" + val);
                }
            });
            r = r.withNote("variant " + v.name() + " declares " + verdictText(v.expect()) + " at its own knobs; with "
                    + String.join(", ", moved) + " " + NO_EXPECTATION_NOTE_END);
        }
        if (r.verdict() == Verdict.HOLDS && r.model() != null) {
            String sizes = sizesNote(scenario, knobs, r.model());
            if (sizes != null && !r.notes().contains(sizes)) { // (a member's answer decoded here already carries it)
                r = r.withNote(sizes);
            }
        }
        if (rules.selection() != null) {
            // a HOLDS of some rules is not the whole set's: say so in every format (notes are in all of them)
            r = r.withNote(selectionNote(rules) + ": the verdict says nothing of the others");
            if (r.model() != null && r.verdict() != Verdict.MODEL_ERROR) {
                // a chosen rule that says it cannot fail on this model is not run on it: a HOLDS says nothing of it either
                List<String> idle = new ArrayList<>();
                for (org.migcheck.properties.Rule rule : rules.rules()) {
                    if (!rules.selection().contains(rule.id())) {
                        continue;
                    }
                    try {
                        if (org.migcheck.properties.Rules.vacuous(rule, r.model())) {
                            idle.add(rule.id());
                        }
                    } catch (ModelError e) {
                        // the check reported that already
                    }
                }
                if (!idle.isEmpty()) {
                    r = r.withNote("chosen with --rule but vacuous on this model (their vacuous() says they cannot fail here),"
                            + " so not run: " + String.join(", ", idle));
                }
            }
        }
        if (rules.skipped() != null) {
            r = r.withNote(skipNote(rules) + ": the verdict says nothing of them");
        }
        String missing = unknownExpectedRule(expect, r, rules);
        if (missing != null && rules.selection() != null) {
            r = r.withNote("the expected rule " + missing + " is not among those --rule chose");
        } else if (missing != null && rules.skipped() != null && rules.skipped().contains(missing)) {
            r = r.withNote("the expected rule " + missing + " was left out with --skip-rule");
        } else if (missing != null && r.notes().stream().noneMatch(n -> n.startsWith("the expected rule " + missing + " "))) {
            // (a member's answer decoded here already carries it)
            r = r.withNote("the expected rule " + missing + " is none of the " + Words.count(rules.rules().size(), "active rule") + ": if it is a"
                    + " rule class of yours, list it in META-INF/services/org.migcheck.properties.Rule on --classpath; if it is an"
                    + " assertion of the model, no interleaving raised it");
        }
        if (expect != null && r.model() != null) {
            for (String g : expect.goals().keySet()) {
                if (!r.model().goals().containsKey(g)) {
                    // a misspelt goal read as an unexplained mismatch ("0/1")
                    r = r.withNote("the expected goal " + g + " is not declared by model " + r.model().name() + " (its goals: "
                            + (r.model().goals().isEmpty() ? "none" : String.join(", ", r.model().goals().keySet())) + ")");
                }
            }
        }
        return new Outcome(scenario, shownVariant, knobs, expect, r);
    }

    /** The start of the note a HOLDS of a scenario with size knobs carries ({@link #sizesNote}). */
    public static final String SIZES_NOTE = "holds at these sizes: ";

    /**
     * A HOLDS is for the model's sizes: the size knobs (those whose values are all numbers) at the values checked,
     * beside the range each allows, and the threads; null for a scenario without size knobs.
     */
    static String sizesNote(Scenario scenario, Knobs knobs, Model model) {
        List<String> sizes = new ArrayList<>();
        Map<String, String> resolved = knobs.asMap();
        for (org.migcheck.model.scenarios.Knob k : scenario.knobs()) {
            String v = resolved.get(k.name());
            if (v == null || k.values().size() < 2 || !k.appliesTo(resolved) || !k.values().stream().allMatch(x -> x.matches("-?[0-9]+"))) {
                continue;
            }
            List<Integer> all = k.values().stream().map(Integer::valueOf).toList();
            boolean run = true; // the values are a..b, one apart
            for (int i = 1; i < all.size(); i++) {
                run &= all.get(i) == all.get(i - 1) + 1;
            }
            sizes.add(k.name() + "=" + v + " (of " + (run ? all.get(0) + ".." + all.get(all.size() - 1) : String.join("|", k.values())) + ")");
        }
        if (sizes.isEmpty()) {
            return null;
        }
        return SIZES_NOTE + String.join(", ", sizes) + ", " + Words.count(model.threadCount(), "thread")
                + "; a HOLDS is a fact about the model at its sizes and bounds, not about the kernel beyond them";
    }

    /**
     * The rule id a VIOLATED expectation names when the result does not match it and no active rule
     * has that id (the lock-order and lock-use checks built into the engine excepted); otherwise null.
     * Such an id is either a rule the user did not register or an assertion of the model.
     */
    public static String unknownExpectedRule(Expect expect, CheckResult r, RuleSet rules) {
        if (expect == null || expect.kind() != Expect.Kind.VIOLATED || matches(expect, r)
                || (r.verdict() == Verdict.VIOLATED && expect.ruleId().equals(r.ruleId()))) {
            return null; // (the rule was broken as declared: a goal's answer is what differs)
        }
        String id = expect.ruleId();
        if (rules.selection() != null && !id.startsWith("lock.")) {
            return rules.selection().contains(id) ? null : id; // --rule left it out (lock.* are the engine's own checks)
        }
        if (rules.skipped() != null && rules.skipped().contains(id)) {
            return id; // --skip-rule left it out
        }
        if (id.startsWith("lock-order.") || id.startsWith("lock.")) {
            return null;
        }
        for (org.migcheck.properties.Rule rule : rules.rules()) {
            if (rule.id().equals(id)) {
                return null;
            }
        }
        return id;
    }

    /** Every variant of every bundled scenario, in catalogue order. */
    public static List<Outcome> runAll(RuleSet rules, Options opts, java.util.function.Consumer<Outcome> each) {
        return runAll(Catalogue.all(), rules, opts, each);
    }

    /** Every variant of every scenario of {@code scenarios}, in order. */
    public static List<Outcome> runAll(List<Scenario> scenarios, RuleSet rules, Options opts, java.util.function.Consumer<Outcome> each) {
        List<Outcome> out = new ArrayList<>();
        for (Scenario s : scenarios) {
            for (Variant v : s.variants()) {
                Outcome o = run(s, v.name(), Map.of(), rules, opts);
                each.accept(o);
                out.add(o);
            }
        }
        return out;
    }

    public static boolean matches(Expect e, CheckResult r) {
        boolean kind = switch (e.kind()) {
            case HOLDS -> r.verdict() == Verdict.HOLDS;
            case DEADLOCK -> r.verdict() == Verdict.DEADLOCK;
            case STUCK -> r.verdict() == Verdict.STUCK;
            case VIOLATED -> r.verdict() == Verdict.VIOLATED && e.ruleId().equals(r.ruleId());
        };
        if (!kind) {
            return false;
        }
        for (Map.Entry<String, Boolean> g : e.goals().entrySet()) {
            CheckResult.GoalResult got = r.goals().get(g.getKey());
            if (got == null) {
                return false;
            }
            CheckResult.GoalResult.Answer want = g.getValue() ? CheckResult.GoalResult.Answer.REACHABLE
                    : CheckResult.GoalResult.Answer.UNREACHABLE;
            if (got.answer() != want) {
                return false;
            }
        }
        return true;
    }

    /** "deadlock", "violated lock-order.cycle", "holds; reachable(x)=false" in the same words as {@link Expect#describe()}. */
    public static String describe(CheckResult r) {
        StringBuilder b = new StringBuilder(r.verdict().lower());
        if (r.ruleId() != null) {
            b.append(' ').append(r.ruleId());
        }
        r.goals().forEach((g, a) -> b.append("; reachable(").append(g).append(")=")
                .append(a.answer() == CheckResult.GoalResult.Answer.REACHABLE ? "true"
                        : a.answer() == CheckResult.GoalResult.Answer.UNREACHABLE ? "false"
                        : a.answer() == CheckResult.GoalResult.Answer.UNDECIDED ? "undecided" : "unknown"));
        return b.toString();
    }

    /** {@code word} as one shell word: as it is when it has no character a POSIX shell treats specially, else in single quotes. */
    public static String shellQuote(String word) {
        return word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * "./migcheck replay TOKEN", the token shell-quoted (an id holding $(...) ran when the line was pasted): every
     * report's replay line, which {@code Main.withClasspath} completes with the launcher's path and options.
     */
    public static String replayCommand(String token) {
        return "./migcheck replay " + shellQuote(token);
    }

    /** "deadlock", "violated rule-id": the expected verdict without goal answers; "-" when nothing is expected. */
    public static String verdictText(Expect e) {
        if (e == null) {
            return "-";
        }
        return e.kind().name().toLowerCase(java.util.Locale.ROOT) + (e.ruleId() == null ? "" : " " + e.ruleId());
    }

    public static String verdictText(CheckResult r) {
        return r.verdict().lower() + (r.ruleId() == null ? "" : " " + r.ruleId());
    }

    /** How many of the expected goal answers the result gives. */
    public static int goalsAsExpected(Expect e, CheckResult r) {
        int n = 0;
        for (Map.Entry<String, Boolean> g : e.goals().entrySet()) {
            CheckResult.GoalResult got = r.goals().get(g.getKey());
            if (got != null && got.answer() == (g.getValue() ? CheckResult.GoalResult.Answer.REACHABLE
                    : CheckResult.GoalResult.Answer.UNREACHABLE)) {
                n++;
            }
        }
        return n;
    }

    static String knobText(Knobs k) {
        if (k.asMap().isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        k.asMap().forEach((n, v) -> parts.add(n + "=" + v));
        return String.join(",", parts);
    }

    public static String scheduleText(int[] schedule) {
        if (schedule.length == 0) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (int l : schedule) {
            int alt = Trace.alternative(l);
            parts.add(alt == 0 ? Integer.toString(Trace.thread(l)) : Trace.thread(l) + "/" + alt);
        }
        return String.join(".", parts);
    }

    public static String token(Scenario s, String variant, Knobs knobs, int[] schedule) {
        return token(s, variant, knobs, schedule, 0);
    }

    /**
     * The token of a schedule found with every model bound raised by {@code boundsRaise} (0: the model's own bounds):
     * the raise is its fifth part, ":+K", since the same schedule at other bounds is another run (a review replayed a
     * {@code --bounds +1} token without the option and was shown a different deadlock without a word).
     */
    public static String token(Scenario s, String variant, Knobs knobs, int[] schedule, int boundsRaise) {
        return s.id() + ":" + (variant == null ? "-" : variant) + ":" + knobText(knobs) + ":" + scheduleText(schedule)
                + (boundsRaise > 0 ? ":+" + boundsRaise : "");
    }

    /**
     * {@code token} with its schedule replaced by {@code schedule} (the token of another path of the same check: a
     * lock-order report's second path); null when {@code token} is not one {@link #token} made.
     */
    public static String withSchedule(String token, int[] schedule) {
        String[] parts = token == null ? new String[0] : token.split(":", -1);
        if (parts.length != 4 && parts.length != 5) {
            return null;
        }
        parts[3] = scheduleText(schedule);
        return String.join(":", parts);
    }

    /** A decoded replay token; {@code boundsRaise} is its fifth part, 0 when it has none. */
    public record Token(Scenario scenario, String variant, Knobs knobs, int[] schedule, int boundsRaise) {
        /** As {@link Outcome#title}: the variant, or the knob values when the token names none. */
        public String title() { return ScenarioRunner.title(scenario, variant, knobs); }
    }

    /** "scenario / variant", or "scenario / knob=value,..." for settings no variant names. */
    /** The title of a knob combination: "scenario / k=v,...". */
    public static String title(Scenario scenario, Map<String, String> settings) {
        return title(scenario, null, Knobs.resolveAll(scenario.id(), scenario.knobs(), settings));
    }

    /**
     * "scenario / variant", with the knobs set away from the variant's own values in parentheses ("fuse-writeback-memcg
     * / legacy-no-flag (folios=2)": a report of a larger model says so in its first line); "scenario / k=v,..." without
     * a variant.
     */
    static String title(Scenario scenario, String variant, Knobs knobs) {
        if (variant == null) {
            return scenario.id() + " / " + knobText(knobs);
        }
        Map<String, String> own;
        try {
            own = Knobs.resolveAll(scenario.id(), scenario.knobs(), scenario.variant(variant).settings()).asMap();
        } catch (RuntimeException e) {
            return scenario.id() + " / " + variant; // (an unknown variant is refused before anything is titled)
        }
        List<String> moved = new ArrayList<>();
        knobs.asMap().forEach((n, v) -> {
            if (!v.equals(own.get(n))) {
                moved.add(n + "=" + v);
            }
        });
        return scenario.id() + " / " + variant + (moved.isEmpty() ? "" : " (" + String.join(",", moved) + ")");
    }

    /** {@code text}, or its first 200 characters and its length when it is longer: an error is one line a reader can take in. */
    static String shortened(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " characters)";
    }

    /** Decodes a replay token; a malformed one is an {@link IllegalArgumentException} saying which part is wrong. */
    public static Token parse(String token) { return parse(token, ScenarioRegistry.bundled()); }

    /** Decodes a replay token naming a scenario of {@code registry} (bundled or a plugin). */
    public static Token parse(String token, ScenarioRegistry registry) {
        String[] parts = token.split(":", -1);
        if (parts.length != 4 && parts.length != 5) {
            // the command line reads @FILE where the file can be read, and passes the text on otherwise (and for @@FILE)
            boolean atFile = token.startsWith("@") && token.length() > 1 && parts.length == 1;
            if (atFile && !new java.io.File(token.substring(1)).canRead()) {
                throw new IllegalArgumentException("no argument file " + shortened(token.substring(1)) + " can be read (@FILE reads the token from FILE)");
            }
            throw new IllegalArgumentException("replay token must be SCENARIO:VARIANT:KNOBS:SCHEDULE (or ...:SCHEDULE:+K for one found"
                    + " at bounds +K), got " + shortened(token) + (atFile ? " (an @@ argument is the text itself, not the file's)" : ""));
        }
        int raise = 0;
        if (parts.length == 5) {
            try {
                raise = parts[4].matches("\\+[0-9]+") ? Integer.parseInt(parts[4].substring(1)) : -1; // ASCII digits only
            } catch (NumberFormatException e) {
                raise = -1;
            }
            if (raise < 1 || raise > 64) {
                throw new IllegalArgumentException("replay token bounds '" + shortened(parts[4]) + "' is not +K with K from 1 to 64");
            }
        }
        Scenario s = registry.find(parts[0]);
        if (s == null) {
            throw new IllegalArgumentException("replay token names unknown scenario " + shortened(parts[0])
                    + (registry.plugins().isEmpty() ? " (a user's scenario needs --classpath JARS_OR_DIRS before replay)" : ""));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        // knobs the token leaves out take the named variant's values, else the scenario's defaults
        org.migcheck.model.scenarios.Variant named = parts[1].equals("-") ? null : s.variant(parts[1]);
        if (!parts[2].equals("-") && !parts[2].isEmpty()) {
            for (String kv : parts[2].split(",", -1)) { // -1: a trailing comma is an empty knob, refused below
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("replay token knob '" + shortened(kv) + "' is not name=value");
                }
                // settings holds only the token's own knobs here: the variant's are added after the loop
                if (settings.put(kv.substring(0, eq), kv.substring(eq + 1)) != null) {
                    throw new IllegalArgumentException("replay token gives knob " + shortened(kv.substring(0, eq)) + " twice");
                }
            }
        }
        if (named != null) {
            named.settings().forEach(settings::putIfAbsent);
        }
        // a token lists every knob; one the model does not read under the others (a token recorded before its
        // Knob.onlyWith was declared) stands for its default: the model is the same (KnobApplicabilityTest)
        Knobs.unreadToDefault(s.id(), s.knobs(), settings);
        Knobs knobs = Knobs.resolve(s.id(), s.knobs(), settings);
        int[] sched;
        if (parts[3].equals("-") || parts[3].isEmpty()) {
            sched = new int[0];
        } else {
            String[] steps = parts[3].split("\\.", -1); // -1: a trailing or doubled dot is an empty step, refused below
            sched = new int[steps.length];
            for (int i = 0; i < steps.length; i++) {
                try {
                    if (!steps[i].matches("[0-9]+(/[0-9]+)?")) {
                        throw new NumberFormatException(); // ASCII digits only (parseInt takes other scripts' and a sign)
                    }
                    String[] ta = steps[i].split("/", -1);
                    int t = Integer.parseInt(ta[0]);
                    int a = ta.length > 1 ? Integer.parseInt(ta[1]) : 0;
                    if (t < 0 || t > 255 || a < 0 || ta.length > 2) {
                        throw new NumberFormatException();
                    }
                    if (a > Trace.MAX_ALTERNATIVE) {
                        // a label keeps 24 bits of it: a larger one named another alternative (16777216 replayed as 0)
                        throw new IllegalArgumentException("replay token schedule step " + (i + 1) + " '" + shortened(steps[i])
                                + "' names alternative " + a + ": no step has more than " + (Trace.MAX_ALTERNATIVE + 1));
                    }
                    sched[i] = Trace.label(t, a);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("replay token schedule step " + (i + 1) + " '" + shortened(steps[i])
                            + "' is not THREAD or THREAD/ALTERNATIVE");
                }
            }
        }
        return new Token(s, parts[1].equals("-") ? null : parts[1], knobs, sched, raise);
    }
}
