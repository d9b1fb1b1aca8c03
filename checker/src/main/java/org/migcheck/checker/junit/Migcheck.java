package org.migcheck.checker.junit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assertions;
import org.migcheck.checker.run.BoundSensitivity;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.HtmlRenderer;
import org.migcheck.checker.trace.JsonRenderer;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.migcheck.checker.engine.Words;

/**
 * JUnit 5 entry point: a user's model test is one assertion. Every check and assertion takes a
 * {@link RuleSet} (default {@link KernelRules#all()}) and {@link Options} (default BFS without
 * budgets, so counterexamples are shortest; budgets, DFS or random walks through {@code Options}).
 *
 * <pre>{@code
 * @Test void truncateWaitsForWriteback() {
 *     Migcheck.assertHolds(MyModels.truncateVsWriteback(), KernelRules.all().with(new MyRule()), Migcheck.options());
 * }
 * }</pre>
 *
 * <p>A failing assertion's message carries the whole report (verdict, explanation, trace) and ends
 * with the replay command; the HTML and JSON reports are written under {@code target/migcheck-reports/}
 * (system property {@code migcheck.reports} moves them) and the message names their paths. The replay
 * command line names a scenario the {@code migcheck} command can rebuild: the user's {@link Scenario}
 * registered in {@code META-INF/services} whose variant builds a model that replays to the same
 * trace, with {@code --classpath} set to where that scenario's classes are. A model no registered
 * scenario builds gets the bare schedule and a note saying so.
 */
public final class Migcheck {
    private Migcheck() {}

    /**
     * Default options: BFS, no budgets, liveness on, and each state's steps run twice to check that the model's code
     * is deterministic (a test's own model is where that slips). Adjust with {@code withBudget}, {@code withStrategy},
     * {@code withDeterminism(Options.Switch.OFF)}, ....
     */
    public static Options options() { return Options.defaults().withDeterminism(Options.Switch.ON); }

    /**
     * One check's result with its reports. For a bare model, finding the registered scenario that
     * replays its counterexample (for the replay command line) happens only when a report is asked for.
     */
    public static final class Result {
        private final CheckResult result;
        private final java.util.function.Supplier<Located> where;
        private Located located;
        /** The files {@link #writeReports} wrote, once it has. */
        private List<Path> written;

        /** The scenario and knobs (the user's registered scenario, or the bare model wrapped), the replay command or why there is none. */
        private record Located(ScenarioRunner.Outcome outcome, String replay, String note) {}

        Result(ScenarioRunner.Outcome outcome, String replay, String note) {
            this.result = outcome.result();
            this.located = new Located(outcome, replay, note);
            this.where = null;
        }

        Result(CheckResult result, java.util.function.Supplier<Located> where) {
            this.result = result;
            this.where = where;
        }

        private Located located() {
            if (located == null) {
                located = where.get();
            }
            return located;
        }

        /** The scenario, variant and knobs the result belongs to, with the check result. */
        public ScenarioRunner.Outcome outcome() { return located().outcome(); }

        /** The command line that replays the counterexample, or null when there is none. */
        public String replay() { return located().replay(); }

        /** Why no replay command could be made, or null. */
        public String note() { return located().note(); }

        public CheckResult result() { return result; }

        public Verdict verdict() { return result.verdict(); }

        /** The text report as {@code migcheck check} prints it, ending with the replay command line. */
        public String report() {
            ScenarioRunner.Outcome outcome = outcome();
            String replay = replay();
            String note = note();
            String expected = outcome.expected() == null ? null : outcome.expected().describe();
            String text = TextRenderer.render(outcome.title(), outcome.result(), expected, null);
            String token = outcome.replayArgs();
            if (replay != null) {
                // as check prints it (a token too long for a command line goes on a line of its own)
                text += token != null && replay.contains(ScenarioRunner.shellQuote(token)) ? TextRenderer.replayLines("replay: ", "token: ", replay, token)
                        : "replay: " + replay + "\n";
            } else if (note != null && outcome.result().hasCounterexample()) {
                text += "replay: " + note + "\n";
            }
            return text;
        }

        /**
         * The JSON report (the schema of {@code check --format json}), with its "replayCommand": the command line of
         * {@link #replay()}, or null when there is none ({@link #note()} says why).
         */
        public String json() {
            String replay = replay();
            String token = outcome().replayArgs();
            // the report's own line, or a lock-order path's: the same command with that path's token
            return JsonRenderer.withReplayCommands(JsonRenderer.render(outcome()), line -> replay == null || token == null ? replay
                    : replay.replace(ScenarioRunner.shellQuote(token), line.substring(line.indexOf("replay ") + "replay ".length())));
        }

        /** The self-contained HTML report with the swimlane picture. */
        public String html() {
            String h = HtmlRenderer.render(outcome());
            if (replay() == null) {
                // no registered scenario builds this model: the renderer's "./migcheck replay TOKEN" would not run; say why
                return note() == null ? h : h.replace("<code>" + escape(ScenarioRunner.replayCommand(outcome().token())) + "</code>", escape(note()));
            }
            return h.replace(escape(ScenarioRunner.replayCommand(outcome().token())), escape(replay()));
        }

        /**
         * Writes {@code NAME.html} and {@code NAME.json} under the reports directory; returns both paths. NAME is the
         * model's title and the test method that asked; a second report of the same name in this JVM (a parameterised or
         * repeated test, a loop over options, tests run in parallel) gets "-2", "-3", ... rather than overwriting the
         * first one's files, which its failure message names.
         */
        public synchronized List<Path> writeReports() {
            if (written != null) {
                return written;
            }
            Path dir = Paths.get(System.getProperty("migcheck.reports", "target/migcheck-reports"));
            // the test that asked, beside the model: two tests of one model must not overwrite each other's reports
            String first = fileName((outcome().title() + caller()).replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("_+", "_"));
            String base = first;
            for (int n = 2; !CLAIMED.add(dir.toAbsolutePath().normalize().resolve(base).toString()); n++) {
                base = first + "-" + n;
            }
            try {
                Files.createDirectories(dir);
                Path html = dir.resolve(base + ".html");
                Path json = dir.resolve(base + ".json");
                Files.writeString(html, html(), StandardCharsets.UTF_8);
                Files.writeString(json, json(), StandardCharsets.UTF_8);
                written = List.of(html.toAbsolutePath(), json.toAbsolutePath());
                return written;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write migcheck reports under " + dir.toAbsolutePath(), e);
            }
        }
    }

    /** The longest report name before ".html" or "-NN.json": file systems take 255 bytes, and the name is ASCII. */
    static final int MAX_REPORT_NAME = 200;

    /**
     * {@code name} as a file name: as it is up to {@link #MAX_REPORT_NAME} characters, else its start and a hash of
     * the whole, so that two long names still differ (a 300-character model name gave no report at all).
     */
    static String fileName(String name) {
        if (name.length() <= MAX_REPORT_NAME) {
            return name;
        }
        String hash = com.google.common.hash.Hashing.sha256().hashString(name, StandardCharsets.UTF_8).toString().substring(0, 16);
        return name.substring(0, MAX_REPORT_NAME - hash.length() - 1) + "-" + hash;
    }

    /** Report names (directory and base) taken in this JVM, so that no two results write the same files. */
    private static final java.util.Set<String> CLAIMED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * "__Class.method" of the code that called into this class (the test method; a lambda of it, as
     * inside assertThrows, is named after the method), or "" when there is none.
     */
    static String caller() {
        String self = Migcheck.class.getName();
        return StackWalker.getInstance().walk(frames -> frames
                .dropWhile(f -> !f.getClassName().startsWith(self))
                .dropWhile(f -> f.getClassName().startsWith(self))
                .filter(f -> !f.getClassName().startsWith("java.") && !f.getClassName().startsWith("jdk.")
                        && !f.getClassName().startsWith("org.junit."))
                .findFirst()
                .map(f -> "__" + f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "."
                        + f.getMethodName().replaceAll("^lambda\\$(.*)\\$\\d+$", "$1"))
                .orElse(""));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---------------------------------------------------------------- checks

    public static Result check(Model model) { return check(model, KernelRules.all(), options()); }

    public static Result check(Model model, RuleSet rules) { return check(model, rules, options()); }

    public static Result check(Model model, Options options) { return check(model, KernelRules.all(), options); }

    /** Checks {@code model} against {@code rules}. */
    public static Result check(Model model, RuleSet rules, Options options) {
        CheckResult checked = Checker.check(model, rules, options);
        // a HOLDS against no rule at all reads like one against the kernel set: say so
        CheckResult r = rules.rules().isEmpty() && !rules.lockdep()
                ? checked.withNote("no rule was checked (an empty rule set): the verdict covers deadlocks and stuck threads only")
                : checked;
        return new Result(r, () -> locate(model, r, rules));
    }

    /** Checks variant {@code variant} (null: the default knobs) of a user's or a bundled scenario. */
    public static Result check(Scenario scenario, String variant) { return check(scenario, variant, Map.of(), KernelRules.all(), options()); }

    public static Result check(Scenario scenario, String variant, RuleSet rules, Options options) {
        return check(scenario, variant, Map.of(), rules, options);
    }

    /** As {@link #check(Scenario, String)} with knob settings {@code sets} on top of the variant's. */
    public static Result check(Scenario scenario, String variant, Map<String, String> sets, RuleSet rules, Options options) {
        ScenarioRunner.Outcome o = ScenarioRunner.run(scenario, variant, sets, rules, options);
        if (!o.result().hasCounterexample()) {
            return new Result(o, null, null);
        }
        Command cmd = replayCommand(scenario, o.token(), rules);
        return cmd.line() != null ? new Result(o, cmd.line(), null) : new Result(o, null, cmd.why());
    }

    // ---------------------------------------------------------------- assertions

    /**
     * The model holds: exhaustive, no rule broken, no deadlock, no stuck thread, and no explored state
     * reached one of the model's own bounds ({@code Model.Builder.bound}). A HOLDS that reached one is a
     * fact about the bound, not the kernel, so it fails here and says which; {@link #assertHolds(Model,
     * RuleSet, Options, int)} checks with the bounds raised, {@link #assertHoldsWithinBounds} accepts
     * them on purpose. Kernel bounds (the kernel's own retry constants) never count.
     */
    public static CheckResult assertHolds(Model model) { return assertHolds(model, KernelRules.all(), options()); }

    public static CheckResult assertHolds(Model model, RuleSet rules) { return assertHolds(model, rules, options()); }

    public static CheckResult assertHolds(Model model, RuleSet rules, Options options) {
        Result res = check(model, rules, options);
        CheckResult r = expect(res, Verdict.HOLDS, "holds");
        if (!r.saturated().isEmpty()) {
            fail("expected holds whatever the model's bounds (check with the bounds raised, Migcheck.assertHolds(model, rules,"
                    + " options, K), or accept them with Migcheck.assertHoldsWithinBounds(model, rules, options)); this HOLDS reached "
                    + saturation(r) + ",", res);
        }
        return r;
    }

    /**
     * The model holds with every model bound raised by {@code boundsRaise} passes (as {@code check
     * --bounds +K}), and no state reaches a model bound even there: its loops ended by themselves, so
     * the verdict does not depend on the bounds. Returns the result at the raised bounds.
     */
    public static CheckResult assertHolds(Model model, RuleSet rules, Options options, int boundsRaise) {
        if (boundsRaise < 1) {
            throw new IllegalArgumentException("boundsRaise must be at least 1, not " + boundsRaise);
        }
        if (BoundSensitivity.modelBounds(model).isEmpty()) {
            Assertions.fail("model " + model.name() + " declares no model bounds to raise; use assertHolds(model, rules, options)");
        }
        Result res = check(BoundSensitivity.raise(model, boundsRaise), rules, options);
        CheckResult r = expect(res, Verdict.HOLDS, "holds at bounds +" + boundsRaise);
        if (!r.saturated().isEmpty()) {
            fail("expected holds at bounds +" + boundsRaise + " with no model bound reached (raise further, or accept the bounds"
                    + " with Migcheck.assertHoldsWithinBounds); it still reached " + saturation(r) + ",", res);
        }
        return r;
    }

    /**
     * The model holds within its bounds: as {@link #assertHolds(Model, RuleSet, Options)}, but a HOLDS
     * that reached a model bound passes. The result's {@code saturated()} lists the bounds it rests on.
     */
    public static CheckResult assertHoldsWithinBounds(Model model, RuleSet rules, Options options) {
        return expect(check(model, rules, options), Verdict.HOLDS, "holds");
    }

    private static String saturation(CheckResult r) {
        return (r.saturated().size() == 1 ? "a model bound: " : "model bounds: ")
                + String.join("; ", r.saturated().stream().map(CheckResult.Saturation::toString).toList());
    }

    /** The model deadlocks; returns the result for further assertions on the trace. */
    public static CheckResult assertDeadlock(Model model) { return assertDeadlock(model, KernelRules.all(), options()); }

    public static CheckResult assertDeadlock(Model model, RuleSet rules, Options options) {
        return expect(check(model, rules, options), Verdict.DEADLOCK, "deadlock");
    }

    /** The model deadlocks after {@code steps} steps, with each of {@code blockedThreads} among the blocked threads. */
    public static CheckResult assertDeadlock(Model model, int steps, String... blockedThreads) {
        Result res = check(model);
        CheckResult r = expect(res, Verdict.DEADLOCK, "deadlock");
        if (r.schedule().length != steps) {
            fail("expected a deadlock after " + Words.count(steps, "step") + ", found one after " + r.schedule().length, res);
        }
        for (String t : blockedThreads) {
            boolean named = r.explanation().stream().anyMatch(l -> l.startsWith(t + " blocked"));
            if (!named) {
                fail("expected " + t + " among the blocked threads", res);
            }
        }
        return r;
    }

    /** Rule {@code ruleId} is broken. */
    public static CheckResult assertViolates(Model model, String ruleId) { return assertViolates(model, KernelRules.all(), options(), ruleId); }

    public static CheckResult assertViolates(Model model, RuleSet rules, String ruleId) { return assertViolates(model, rules, options(), ruleId); }

    public static CheckResult assertViolates(Model model, RuleSet rules, Options options, String ruleId) {
        if (ruleId == null || ruleId.isBlank()) {
            // before the check, which would run in full only to fail on the expectation
            throw new IllegalArgumentException("assertViolates needs the id of the rule expected to break, not "
                    + (ruleId == null ? "null" : "'" + ruleId + "'"));
        }
        Result res = check(model, rules, options);
        CheckResult r = res.result();
        if (r.verdict() != Verdict.VIOLATED || !ruleId.equals(r.ruleId())) {
            boolean unknown = ScenarioRunner.unknownExpectedRule(Expect.violated(ruleId), r, rules) != null;
            fail("expected violated " + ruleId + (unknown ? " (no rule of the rule set given has that id: a typo, or a rule"
                    + " left out of the set?)" : ""), res);
        }
        return r;
    }

    /** Some thread is stuck forever. */
    public static CheckResult assertStuck(Model model) { return assertStuck(model, KernelRules.all(), options()); }

    public static CheckResult assertStuck(Model model, RuleSet rules, Options options) {
        return expect(check(model, rules, options), Verdict.STUCK, "stuck");
    }

    /**
     * {@code reachable(goal)} is true; returns the result, whose goal witness is a shortest schedule with
     * BFS (the default; {@code GoalResult.shortest()} says whether it is known to be one).
     */
    public static CheckResult assertReachable(Model model, String goal) { return assertReachable(model, KernelRules.all(), options(), goal); }

    public static CheckResult assertReachable(Model model, RuleSet rules, Options options, String goal) {
        return expectGoal(model, rules, options, goal, CheckResult.GoalResult.Answer.REACHABLE);
    }

    /** {@code reachable(goal)} is false after an exhaustive search. */
    public static CheckResult assertUnreachable(Model model, String goal) { return assertUnreachable(model, KernelRules.all(), options(), goal); }

    public static CheckResult assertUnreachable(Model model, RuleSet rules, Options options, String goal) {
        return expectGoal(model, rules, options, goal, CheckResult.GoalResult.Answer.UNREACHABLE);
    }

    private static CheckResult expectGoal(Model model, RuleSet rules, Options options, String goal, CheckResult.GoalResult.Answer want) {
        if (!model.goals().containsKey(goal)) {
            Assertions.fail("model " + model.name() + " declares no goal " + goal + "; goals: " + model.goals().keySet());
        }
        Result res = check(model, rules, options);
        CheckResult.GoalResult g = res.result().goals().get(goal);
        // a goal reached before the model broke (MODEL_ERROR) says nothing of a model that does not work
        if (res.result().verdict() == Verdict.MODEL_ERROR || g == null || g.answer() != want) {
            fail("expected " + (want == CheckResult.GoalResult.Answer.REACHABLE ? "reachable(" : "unreachable(") + goal + ")", res);
        }
        return res.result();
    }

    /** A bundled scenario variant meets its declared expectation. */
    public static ScenarioRunner.Outcome assertAsDeclared(String scenario, String variant) {
        Scenario s = Catalogue.find(scenario);
        if (s == null) {
            Assertions.fail("no bundled scenario " + scenario + "; for a scenario of your own pass the Scenario object");
        }
        return assertAsDeclared(s, variant);
    }

    /** Variant {@code variant} of a user's (or a bundled) scenario meets its declared expectation. */
    public static ScenarioRunner.Outcome assertAsDeclared(Scenario scenario, String variant) {
        return assertAsDeclared(scenario, variant, KernelRules.all(), options());
    }

    public static ScenarioRunner.Outcome assertAsDeclared(Scenario scenario, String variant, RuleSet rules, Options options) {
        if (scenario.variant(variant) == null) {
            Assertions.fail("scenario " + scenario.id() + " has no variant " + variant + "; variants: "
                    + scenario.variants().stream().map(Variant::name).toList());
        }
        Result res = check(scenario, variant, rules, options);
        ScenarioRunner.Outcome o = res.outcome();
        if (!o.matches()) {
            fail("expected " + o.expected().describe() + ", got " + o.actual(), res);
        }
        return o;
    }

    // ---------------------------------------------------------------- mutation analysis

    /**
     * Mutation analysis of the rules on {@code model}, which must hold: waits removed, lock/unlock pairs
     * removed, shared tests forced, steps moved out of critical sections (see {@link Mutations}).
     *
     * @param mutants  every mutant with its fate
     */
    public record MutationReport(String model, List<Mutations.Mutant> mutants) {
        public List<Mutations.Mutant> with(Mutations.Fate fate) {
            return mutants.stream().filter(m -> m.fate() == fate).toList();
        }

        /** One line per mutant, then the totals, as {@code migcheck mutate} prints them. */
        public String report() {
            StringBuilder b = new StringBuilder();
            for (Mutations.Mutant m : mutants) {
                b.append(String.format(java.util.Locale.ROOT, "%-72s %-13s %s%n", m.id(), m.fate().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                        m.fate() == Mutations.Fate.NOT_EVALUATED ? m.result().message() : m.outcome()));
            }
            b.append(model).append(": ").append(Mutations.summary(mutants)).append('\n');
            return b.toString();
        }
    }

    public static MutationReport mutate(Model model, RuleSet rules) { return mutate(model, rules, options()); }

    /** Mutation analysis; fails (with the report) when {@code model} itself does not hold. */
    public static MutationReport mutate(Model model, RuleSet rules, Options options) {
        Result base = check(model, rules, options);
        if (base.verdict() != Verdict.HOLDS) {
            fail("mutation analysis needs a model that holds", base);
        }
        return new MutationReport(model.name(), Mutations.run(model, base.result(), rules, options));
    }

    // ---------------------------------------------------------------- failure reporting

    private static CheckResult expect(Result res, Verdict v, String wanted) {
        if (res.verdict() != v) {
            fail("expected " + wanted, res);
        }
        return res.result();
    }

    /**
     * Fails with the report; writes the HTML and JSON reports first and names them in the message
     * (which JUnit prints), so a failing build log says where they are without noise from passing tests.
     */
    private static void fail(String what, Result res) {
        StringBuilder msg = new StringBuilder(what).append(" but got:\n");
        try {
            List<Path> files = res.writeReports();
            msg.append("reports: ").append(files.get(0)).append(' ').append(files.get(1)).append('\n');
        } catch (UncheckedIOException e) {
            // and why: "file name too long", "permission denied", "no space left"
            msg.append("reports not written: ").append(e.getMessage()).append(e.getCause() == null ? "" : " (" + e.getCause() + ")").append('\n');
        }
        msg.append(res.report());
        Assertions.fail(msg.toString().stripTrailing());
    }

    // ---------------------------------------------------------------- replay tokens for bare models

    /**
     * A replay command line, or why there is none; {@code scenarioMissing}: because no registered class provides the
     * scenario (another registered scenario that builds the same model may do), not because of the rules.
     */
    private record Command(String line, String why, boolean scenarioMissing) {}

    /**
     * The command line that replays {@code token} with the rules {@code rules}: bundled scenarios and kernel
     * rules need no class path; a user's scenario or rule gets {@code --classpath} with the directory or jar its
     * registered class comes from, followed by the test's other class directories (a scenario's model may live
     * in one the scenario class does not: target/classes beside target/test-classes); a rule set that is not
     * the command line's whole set gets {@code --rule} or {@code --skip-rule}. None when no registered class
     * provides the scenario or one of the rules (the command line could not load it).
     */
    private static Command replayCommand(Scenario s, String token, RuleSet rules) {
        List<String> cp = new ArrayList<>();
        String loc = classesOf(s.getClass());
        boolean bundled = loc.equals(classesOf(Catalogue.class));
        if (bundled && Catalogue.find(s.id()) == null) {
            // a BaseScenario built in the user's code: use where its registered provider lives
            loc = null;
            for (Scenario p : providers()) {
                if (p.id().equals(s.id())) {
                    loc = classesOf(p.getClass());
                    break;
                }
            }
            if (loc == null) {
                return new Command(null, "scenario " + s.id() + " is not registered in META-INF/services (register it to replay"
                        + " with ./migcheck --classpath ... replay); token " + token, true);
            }
            bundled = false;
        }
        if (!bundled) {
            cp.add(loc);
        }
        // the rules: where each one that is not a kernel rule is registered
        List<String> kernel = KernelRules.all().ids();
        List<String> used = rules.ids();
        Map<String, String> registered = new LinkedHashMap<>(); // rule id -> where its provider is
        for (org.migcheck.properties.Rule p : ruleProviders()) {
            registered.putIfAbsent(p.id(), classesOf(p.getClass()));
        }
        List<String> unknown = new ArrayList<>();
        for (String id : used) {
            if (!kernel.contains(id)) {
                String where = registered.get(id);
                if (where == null) {
                    unknown.add(id);
                } else if (!cp.contains(where)) {
                    cp.add(where);
                }
            }
        }
        if (!unknown.isEmpty()) {
            return new Command(null, "checked with " + (unknown.size() == 1 ? "rule " : "rules ") + String.join(", ", unknown)
                    + ", which no META-INF/services/org.migcheck.properties.Rule registers (register "
                    + (unknown.size() == 1 ? "it" : "them") + " to replay with ./migcheck --classpath ... replay); token " + token, false);
        }
        if (!cp.isEmpty()) {
            for (String dir : testClassDirectories()) {
                if (!cp.contains(dir)) {
                    cp.add(dir);
                }
            }
        }
        // what the command line then checks: the kernel rules and those registered on that class path
        java.util.Set<String> known = new java.util.LinkedHashSet<>(kernel);
        registered.forEach((id, where) -> {
            if (cp.contains(where)) {
                known.add(id);
            }
        });
        java.util.Set<String> chosen = new java.util.LinkedHashSet<>(used);
        String option = "";
        if (!chosen.equals(known)) {
            List<String> left = known.stream().filter(id -> !chosen.contains(id)).toList();
            String only = " --rule " + ScenarioRunner.shellQuote(String.join(",", chosen));
            String skip = " --skip-rule " + ScenarioRunner.shellQuote(String.join(",", left));
            option = chosen.isEmpty() || skip.length() < only.length() ? skip : only;
        }
        String classpath = cp.isEmpty() ? "" : " --classpath " + ScenarioRunner.shellQuote(String.join(File.pathSeparator, cp));
        return new Command("./migcheck" + classpath + option + " replay " + ScenarioRunner.shellQuote(token), null, false);
    }

    /** The class directories on the test's class path that are not migcheck's own (the user's compiled code). */
    private static List<String> testClassDirectories() {
        List<String> own = List.of(classesOf(Catalogue.class), classesOf(Migcheck.class), classesOf(RuleSet.class), classesOf(Model.class));
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(java.util.regex.Pattern.quote(File.pathSeparator))) {
            if (!entry.isEmpty() && new File(entry).isDirectory()) {
                String path = new File(entry).getAbsoluteFile().getPath();
                if (!own.contains(path) && !out.contains(path)) {
                    out.add(path);
                }
            }
        }
        return out;
    }

    /** The rules registered in META-INF/services on the test's class path. */
    private static List<org.migcheck.properties.Rule> ruleProviders() {
        List<org.migcheck.properties.Rule> out = new ArrayList<>();
        try {
            ServiceLoader.load(org.migcheck.properties.Rule.class, Thread.currentThread().getContextClassLoader()).forEach(out::add);
        } catch (ServiceConfigurationError | RuntimeException e) {
            // a broken registration: only what loaded before it
        }
        return out;
    }

    /** Where a class comes from (a class directory or jar), for --classpath. */
    private static String classesOf(Class<?> c) {
        try {
            java.security.CodeSource cs = c.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null) {
                return "CLASSES";
            }
            return new File(cs.getLocation().toURI()).getPath();
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return "CLASSES";
        }
    }

    /** The scenarios registered in META-INF/services on the test's class path. */
    private static List<Scenario> providers() {
        List<Scenario> out = new ArrayList<>();
        try {
            ServiceLoader.load(Scenario.class, Thread.currentThread().getContextClassLoader()).forEach(out::add);
        } catch (ServiceConfigurationError e) {
            // a broken registration elsewhere on the class path: only what loaded before it
        }
        return out;
    }

    /**
     * The result of checking a bare model, with a replay command when a registered scenario (a
     * user's, through ServiceLoader on the context class path, or a bundled one) has a variant whose
     * model has the same name and layout and replays the counterexample to the same trace.
     */
    /**
     * {@code name} as a scenario id: each run of characters a token cannot hold (white space of any kind, control and
     * format characters, ':') becomes one '-' (a review: a model named with U+2003 passed Java's {@code \s}, and the
     * wrapper scenario was refused, so a failing assertion threw IllegalStateException instead of its report).
     */
    static String asToken(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().forEach(c -> {
            boolean bad = !Scenario.tokenChar(c, ":") || Character.isSpaceChar(c); // and a no-break space, which reads as one
            if (!bad) {
                b.appendCodePoint(c);
            } else if (b.length() == 0 || b.charAt(b.length() - 1) != '-') {
                b.append('-');
            }
        });
        return b.toString();
    }

    private static Result.Located locate(Model model, CheckResult r, RuleSet rules) {
        Scenario wrapped = BaseScenario.builder(asToken(model.name()))
                .title(model.name())
                .reference("a model checked through the JUnit entry point")
                .model(k -> model)
                .variant("model", Map.of(), Expect.holds(), "the model as given")
                .build();
        Knobs none = Knobs.resolve(wrapped.id(), List.of(), Map.of());
        if (!r.hasCounterexample() || r.model() == null) {
            return new Result.Located(new ScenarioRunner.Outcome(wrapped, null, none, null, r), null, null);
        }
        Trace mine = safeReplay(model, r.schedule());
        for (Candidate c : candidates(model)) {
            Trace theirs = safeReplay(c.model(), r.schedule());
            if (mine != null && theirs != null && sameTrace(mine, theirs)) {
                ScenarioRunner.Outcome o = new ScenarioRunner.Outcome(c.scenario(), c.variant(), c.knobs(), null, r);
                Command cmd = replayCommand(c.scenario(), o.token(), rules);
                if (!cmd.scenarioMissing()) {
                    return new Result.Located(o, cmd.line(), cmd.why());
                }
            }
        }
        return new Result.Located(new ScenarioRunner.Outcome(wrapped, null, none, null, r), null,
                "no registered Scenario builds model " + model.name() + " (register one in META-INF/services to replay with"
                        + " ./migcheck --classpath ... replay); schedule " + ScenarioRunner.scheduleText(r.schedule()));
    }

    private record Candidate(Scenario scenario, String variant, Knobs knobs, Model model) {}

    private static List<Candidate> candidates(Model model) {
        List<Scenario> scenarios = providers();
        scenarios.addAll(Catalogue.all());
        List<Candidate> out = new ArrayList<>();
        String sig = signature(model);
        for (Scenario s : scenarios) {
            Map<String, Map<String, String>> settings = new LinkedHashMap<>();
            for (Variant v : s.variants()) {
                settings.put(v.name(), v.settings());
            }
            settings.put(null, Map.of()); // the default knobs last: a named variant reads better in a token
            for (Map.Entry<String, Map<String, String>> e : settings.entrySet()) {
                try {
                    Knobs k = Knobs.resolve(s.id(), s.knobs(), e.getValue());
                    Model m = ScenarioRunner.build(s, k);
                    if (m.name().equals(model.name()) && signature(m).equals(sig)) {
                        out.add(new Candidate(s, e.getKey(), k, m));
                    }
                } catch (RuntimeException | LinkageError | StackOverflowError | AssertionError ex) {
                    // a variant that does not build is not a candidate (the failing assertion's message must not be lost)
                }
            }
        }
        return out;
    }

    private static String signature(Model m) {
        StringBuilder b = new StringBuilder(m.name()).append('|').append(m.stateSize());
        for (Var v : m.vars()) {
            b.append('|').append(v.name()).append(':').append(v.min()).append(':').append(v.max()).append(':').append(v.initial());
        }
        m.threads().forEach(t -> b.append("|t:").append(t.name()));
        return b.toString();
    }

    private static Trace safeReplay(Model m, int[] schedule) {
        try {
            return Trace.replay(m, schedule);
        } catch (IllegalArgumentException | ModelError e) {
            return null;
        }
    }

    private static boolean sameTrace(Trace a, Trace b) {
        if (a.rows().size() != b.rows().size() || !Arrays.equals(a.last(), b.last())) {
            return false;
        }
        for (int i = 0; i < a.rows().size(); i++) {
            Trace.Row x = a.rows().get(i);
            Trace.Row y = b.rows().get(i);
            if (x.thread() != y.thread() || !x.label().equals(y.label()) || !x.changes().equals(y.changes())
                    || !java.util.Objects.equals(x.failure(), y.failure())) {
                return false;
            }
        }
        return true;
    }
}
