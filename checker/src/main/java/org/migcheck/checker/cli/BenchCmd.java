package org.migcheck.checker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.migcheck.checker.engine.Words;
import org.migcheck.checker.export.PromelaExport;
import org.migcheck.checker.export.Spin;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.cluster.HazelcastCluster;
import org.migcheck.checker.run.Footprint;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code migcheck bench}: exploration speed of one scenario, or with {@code --compare-spin} a side
 * by side run of migcheck and SPIN's compiled verifier on the same transition systems, or with
 * {@code --speedup} 1 worker against several on the same models.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure exploration speed: prints states/s for each repetition and the best.",
                "With --compare-spin [MODEL...]: runs migcheck and SPIN (spin -a, gcc -O2 -DSAFETY -DNOREDUCE, ./pan) on the same models"
                        + " (default: philosophers-6 .. philosophers-12, ordered) and prints states, times, states/s, memory,"
                        + " bytes per state and the ratio migcheck/pan; exits 70 when the two disagree, 4 when a search did not"
                        + " finish, 69 when SPIN is installed but fails.",
                "With --speedup [MODEL...]: 1 worker against --workers N on the same models, alternating in this JVM; prints best and"
                        + " median times and the speed-up."})
final class BenchCmd implements Callable<Integer> {
    /** Exit code when SPIN is installed but fails (gcc missing, a compile error, pan crashing): sysexits' EX_UNAVAILABLE. */
    static final int UNAVAILABLE_EXIT = 69;

    /** pan's output without "errors: 0": it met an assertion or invalid end state and stopped there. */
    private static final String PAN_FOUND_ERROR = "pan reports errors";

    /** The fixed benchmark series: ordered dining philosophers. */
    static final List<String> SERIES = List.of("philosophers-6", "philosophers-7", "philosophers-8", "philosophers-9",
            "philosophers-10", "philosophers-11", "philosophers-12");

    @Parameters(arity = "0..*", paramLabel = "SCENARIO|MODEL",
            description = "a scenario id; with --compare-spin, series models philosophers-N (N >= 2) or kernel models"
                    + " SCENARIO[/VARIANT][:knob=value,...] (e.g. movable-ops/merged:compactors=3), exported with export --promela")
    List<String> names = new ArrayList<>();

    @Option(names = "--variant", paramLabel = "V", description = "named variant of the scenario")
    String variant;

    @Option(names = "--set", paramLabel = "KNOB=VALUE", parameterConsumer = Args.KnobSetting.class, description = "knob value (repeatable); must agree with --variant")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--repeat", paramLabel = "N", converter = Args.PositiveInt.class, description = "runs after one warm-up run (default 3)")
    int repeat = 3;

    @Option(names = "--unreduced", description = "also run without symmetry and partial-order reduction and print both state counts and the factor")
    boolean unreduced;

    @Option(names = "--compare-spin", description = "run SPIN's pan on the same models, side by side")
    boolean compareSpin;

    @Option(names = "--scale-out", description = "1 process against 2 and 3 processes (this one plus member processes it starts on"
            + " 127.0.0.1) on the models named as for --compare-spin (default philosophers-8): states/s, memory per process, ratio")
    boolean scaleOut;

    @Option(names = "--speedup", description = "1 worker against --workers N (N >= 2; default all cores) on the models named as for"
            + " --compare-spin (default philosophers-11), alternating in this JVM: best and median times of each, the speed-up")
    boolean speedup;

    @Option(names = "--spin", description = "the spin executable (default: spin on the PATH)")
    String spinExe = "spin";

    @CommandLine.Mixin
    SearchOptions search = new SearchOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Options opts = search.toOptions().withProgress(null);
        if (compareSpin || scaleOut || speedup) {
            Main.refuseRuleOption(spec, "bench --compare-spin, --scale-out or --speedup (their series use the kernel rules)");
        }
        if ((compareSpin ? 1 : 0) + (scaleOut ? 1 : 0) + (speedup ? 1 : 0) > 1) {
            throw Args.usage(spec, "--compare-spin, --scale-out and --speedup are separate measurements: give one");
        }
        boolean spinNamed = spec.commandLine().getParseResult().hasMatchedOption("--spin");
        if (spinNamed && !compareSpin) {
            throw Args.usage(spec, "--spin names the SPIN executable for --compare-spin; without it nothing runs SPIN");
        }
        if (speedup) {
            if (opts.workers() < 2) {
                throw Args.usage(spec, "--speedup compares 1 worker with --workers N: N must be at least 2, not " + opts.workers()
                        + " (the default is this machine's " + Runtime.getRuntime().availableProcessors() + " cores)");
            }
            if (opts.strategy() != org.migcheck.checker.engine.Strategy.BFS) {
                throw Args.usage(spec, "--speedup measures the breadth-first search's workers, not --strategy "
                        + opts.strategy().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (unreduced) {
                throw Args.usage(spec, "--unreduced counts states with and without reductions; --speedup measures workers: give one");
            }
            return speedup(opts);
        }
        if (compareSpin) {
            // a SPIN named on purpose that does not run is a mistake, not a reason to print half a table
            String bad = spinNamed ? spinVersion() : null;
            if (bad != null) {
                throw Args.usage(spec, "--spin " + spinExe + ": cannot run it (" + bad + ")");
            }
            return compare(opts);
        }
        if (scaleOut) {
            if (opts.compress()) {
                throw Args.usage(spec, "--scale-out spreads the visited set over processes, which --compress does not support");
            }
            return scaleOut(opts);
        }
        if (names.size() != 1) {
            throw Args.usage(spec, "bench takes one SCENARIO (or --compare-spin, --speedup or --scale-out with MODEL...)");
        }
        Scenario s = Main.scenario(names.get(0), spec);
        VariantArgs.checkAgainstVariant(spec, s, variant, sets);
        double best = 0;
        String stopped = null; // the budget that stopped a timed run, if one did
        for (int i = 0; i <= repeat; i++) {
            ScenarioRunner.Outcome o;
            try {
                o = ScenarioRunner.run(s, variant, sets, Main.rules(spec), opts);
            } catch (ModelError e) {
                throw Args.usage(spec, e.getMessage());
            }
            CheckResult r = o.result();
            if (r.verdict() == Verdict.MODEL_ERROR) {
                // nothing to time: the model did not build or is malformed
                Main.Streams.err.println("migcheck bench: model error: " + r.message());
                return r.verdict().exitCode();
            }
            String store = r.stats().storeLine();
            Main.Streams.out.printf(java.util.Locale.ROOT, "%s %s: %s; %s%s%n", i == 0 ? "warm-up" : "run " + i, o.title(), r.verdict().lower(), r.stats().line(),
                    store == null ? "" : "; " + store);
            if (i > 0) {
                best = Math.max(best, r.stats().statesPerSecond());
                if (r.verdict() == Verdict.INCOMPLETE && stopped == null) {
                    stopped = r.limit() == null ? r.message() : r.limit();
                }
            }
        }
        if (stopped != null) {
            // a budget's stop is INCOMPLETE here too (exit 4): the rate covers only the part searched
            Main.Streams.out.printf(java.util.Locale.ROOT, "best: %.0f states/s, INCOMPLETE: a run stopped at %s, so the rate is not a whole search's%s%n",
                    best, stopped, unreduced ? "; and no reduced/unreduced factor" : "");
            return Verdict.INCOMPLETE.exitCode();
        }
        Main.Streams.out.printf(java.util.Locale.ROOT, "best: %.0f states/s%n", best);
        if (unreduced) {
            CheckResult red = ScenarioRunner.run(s, variant, sets, Main.rules(spec), opts).result();
            CheckResult plain = ScenarioRunner.run(s, variant, sets, Main.rules(spec), opts.unreduced()).result();
            if (red.verdict() == Verdict.INCOMPLETE || plain.verdict() == Verdict.INCOMPLETE) {
                Main.Streams.out.printf(java.util.Locale.ROOT, "reduced: %s, %d states; unreduced: %s, %d states; INCOMPLETE: a budget stopped %s, so no factor%n",
                        red.verdict().lower(), red.stats().distinct(), plain.verdict().lower(), plain.stats().distinct(),
                        red.verdict() == Verdict.INCOMPLETE ? "the reduced search" : "the unreduced search");
                return Verdict.INCOMPLETE.exitCode();
            }
            Main.Streams.out.printf(java.util.Locale.ROOT, "reduced: %s, %d states, %.2f s; unreduced: %s, %d states, %.2f s; factor %.1fx%n",
                    red.verdict().lower(), red.stats().distinct(), red.stats().seconds(),
                    plain.verdict().lower(), plain.stats().distinct(), plain.stats().seconds(),
                    (double) plain.stats().distinct() / Math.max(1, red.stats().distinct()));
        }
        return 0;
    }

    /**
     * One model of the series: ordered philosophers ({@code kernel} null, the Promela from the resources)
     * or a kernel scenario with knobs (its Promela from {@link PromelaExport}).
     */
    private record SeriesModel(String name, int n, Scenario scenario, Knobs knobs) {
        boolean kernel() {
            return scenario != null;
        }

        Model build() {
            return kernel() ? ScenarioRunner.build(scenario, knobs) : Zoo.philosophersModel(n, true);
        }
    }

    private static final Pattern KERNEL_MODEL = Pattern.compile("([a-z0-9-]+)(?:/([A-Za-z0-9_.-]+))?(?::(.*))?");

    private SeriesModel parse(String name) {
        Matcher m = Pattern.compile("philosophers-(\\d{1,2})").matcher(name);
        if (m.matches() && Integer.parseInt(m.group(1)) >= 2) {
            return new SeriesModel(name, Integer.parseInt(m.group(1)), null, null);
        }
        Matcher k = KERNEL_MODEL.matcher(name);
        Scenario s = k.matches() ? Main.registry(spec).find(k.group(1)) : null;
        if (s == null || s.id().equals("philosophers")) {
            throw Args.usage(spec, "unknown benchmark model " + name + "; models are philosophers-N for N >= 2 (ordered dining"
                    + " philosophers) or SCENARIO[/VARIANT][:knob=value,...], e.g. movable-ops/merged:compactors=3");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        Variant v = null;
        if (k.group(2) != null) {
            v = s.variant(k.group(2));
            if (v == null) {
                throw Args.usage(spec, "benchmark model " + name + ": scenario " + s.id() + " has no variant " + k.group(2)
                        + "; variants: " + s.variants().stream().map(Variant::name).toList());
            }
        }
        Map<String, String> given = new LinkedHashMap<>();
        if (k.group(3) != null && !k.group(3).isEmpty()) {
            for (String kv : k.group(3).split(",", -1)) { // -1: a trailing comma is an empty setting, refused
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw Args.usage(spec, "benchmark model " + name + ": expected knob=value, got '" + kv + "'");
                }
                if (given.put(kv.substring(0, eq), kv.substring(eq + 1)) != null) {
                    throw Args.usage(spec, "benchmark model " + name + ": knob " + kv.substring(0, eq) + " is set twice");
                }
            }
        }
        if (v != null) {
            // as check --variant V --set: a knob the variant stands for keeps its value, so that a row named after the
            // variant measures the variant's model (merged:getRef=plain measured plain-ref's, which breaks a rule)
            Map<String, String> fixed = VariantArgs.fixedBy(s, v);
            String knob = VariantArgs.contradicted(fixed, given);
            if (knob != null) {
                throw Args.usage(spec, "benchmark model " + name + ": " + knob + "=" + given.get(knob) + " contradicts variant "
                        + v.name() + ", which " + (v.settings().containsKey(knob) ? "sets " : "stands for the default ")
                        + knob + "=" + fixed.get(knob) + "; leave the variant out to choose knobs freely");
            }
            settings.putAll(v.settings());
        }
        settings.putAll(given);
        try {
            return new SeriesModel(name, 0, s, Knobs.resolve(s.id(), s.knobs(), settings));
        } catch (ModelError e) {
            throw Args.usage(spec, "benchmark model " + name + ": " + e.getMessage());
        }
    }

    /** {@code timed}: the timed repetitions in the order they ran (the warm-up left out). */
    private record MigcheckRun(CheckResult result, double coldSeconds, double bestSeconds, double medianSeconds, long peakBytes,
                               Footprint footprint, List<Double> timed) {}

    /**
     * {@code error}: why pan gave no whole search, or null; {@code incomplete}: pan itself stopped before the end
     * (its depth bound, its memory); {@code firstError}: pan's first error line when it found one.
     */
    private record SpinRun(long states, double spinSeconds, double gccSeconds, double panSeconds, double panMedian, double totalMiB,
                           double stateMiB, String error, boolean incomplete, String firstError) {
        static SpinRun failed(String why) {
            return new SpinRun(0, 0, 0, 0, 0, 0, 0, why, false, null);
        }
    }

    /** The median of {@code xs} (the mean of the middle two for an even count). */
    static double median(List<Double> xs) {
        List<Double> v = new ArrayList<>(xs);
        v.sort(null);
        int n = v.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private int compare(Options opts) {
        List<SeriesModel> models = new ArrayList<>();
        for (String n : names.isEmpty() ? SERIES : names) {
            models.add(parse(n));
        }
        PrintStream out = Main.Streams.out;
        int w = Math.max(16, models.stream().mapToInt(m -> m.name().length()).max().orElse(0));
        String spinMissing = spinVersion();
        out.printf(java.util.Locale.ROOT, "migcheck: %d worker(s), liveness %s, visited set %s, rules: kernel rules (as check), %s after a warm-up,"
                + " best time; heap max %d MiB; %s%n", opts.workers(), opts.liveness() ? "on" : "off", opts.compress() ? "tree-compressed" : "packed",
                Words.count(repeat, "repetition"), Runtime.getRuntime().maxMemory() >> 20, collector());
        if (spinMissing != null) {
            out.println("SPIN not found (" + spinMissing + "): install it with `sudo apt-get install -y spin gcc` (Debian/Ubuntu);"
                    + " printing migcheck's half only");
        } else {
            out.println("SPIN: spin -a model.pml; " + String.join(" ", gccCommand(-1, true)) + " (VECTORSZ larger for a wide kernel model;"
                    + " NOREDUCE: SPIN's partial-order reduction off, the transition system of migcheck's unreduced search); "
                    + String.join(" ", PAN_COMMAND) + " (pan's default hash table, -w24: 128 MiB); " + Words.count(repeat, "repetition")
                    + " of pan after a warm-up run, best time; each pan run follows one migcheck run (alternating, so that a drifting"
                    + " machine slows both alike)");
        }
        out.printf(java.util.Locale.ROOT, "%-" + w + "s %10s %10s %8s %8s %10s %10s %10s %8s %8s %7s %7s %7s %7s%n", "model", "mc states", "pan states",
                "mc s", "pan s", "spin+cc+pan", "mc st/s", "pan st/s", "mc MiB", "pan MiB", "mc B/st", "pan B/st", "ratio", "ratio*");
        List<String> notes = new ArrayList<>();
        List<String> medians = new ArrayList<>();
        int exit = 0;
        for (SeriesModel sm : models) {
            SpinSession pan = spinMissing == null ? new SpinSession(sm, true) : null;
            MigcheckRun mc = runMigcheck(sm, opts, null, pan == null ? null : pan::run);
            SpinRun sp = pan == null ? null : pan.finish();
            CheckResult r = mc.result();
            long states = r.stats().distinct();
            String verdict = r.verdict().lower();
            Row row = judge(sm, r, sp, opts);
            exit = Math.max(exit, row.exit());
            if (sm.kernel() || unreduced || row.unreducedNote() != null) {
                notes.add(modelNote(sm, mc, row, spinMissing == null && sm.kernel() ? runSpin(sm, false) : null, opts));
            }
            if (!row.timed()) {
                // migcheck's rate and bytes per state only where its search was whole (a failure ends it early)
                boolean mcTimed = searchedEverything(r);
                out.printf(java.util.Locale.ROOT, "%-" + w + "s %10d %10s %8.2f %8s %10s %10s %10s %8.0f %8s %7s %7s %7s %7s   %s; %s%n", sm.name(), states,
                        row.spinStates() == 0 ? "-" : Long.toString(row.spinStates()), mc.bestSeconds(), "-", "-",
                        mcTimed ? String.format(java.util.Locale.ROOT, "%.0f", states / mc.bestSeconds()) : "-", "-", mc.peakBytes() / 1048576.0, "-",
                        mcTimed ? String.format(java.util.Locale.ROOT, "%.1f", (double) mc.footprint().total() / states) : "-", "-", "-", "-", verdict, row.why());
                continue;
            }
            double mcRate = states / mc.bestSeconds();
            double panRate = sp.states() / sp.panSeconds();
            double all = sp.spinSeconds() + sp.gccSeconds() + sp.panSeconds();
            out.printf(java.util.Locale.ROOT, "%-" + w + "s %10d %10d %8.2f %8.2f %10.2f %10.0f %10.0f %8.0f %8.0f %7.1f %7.1f %7.2f %7.2f   %s%s%n", sm.name(), states,
                    sp.states(), mc.bestSeconds(), sp.panSeconds(), all, mcRate, panRate, mc.peakBytes() / 1048576.0, sp.totalMiB(),
                    (double) mc.footprint().total() / states, sp.stateMiB() * 1048576.0 / sp.states(), mc.bestSeconds() / sp.panSeconds(),
                    mc.bestSeconds() / all, verdict, row.why() == null ? "" : "; " + row.why());
            medians.add(String.format(java.util.Locale.ROOT, "  %s: medians of %s: mc %.2f s, pan %.2f s, ratio %.2f; migcheck's first (cold) check %.2f s",
                    sm.name(), Words.count(repeat, "alternating run"), mc.medianSeconds(), sp.panMedian(), mc.medianSeconds() / sp.panMedian(), mc.coldSeconds()));
        }
        medians.forEach(out::println);
        notes.forEach(out::println);
        out.println("mc s: best whole check (search, lockdep, stuck-thread analysis) in this JVM, warm; pan s: best ./pan run (compiled"
                + " already); spin+cc+pan: spin -a + gcc + pan. mc MiB: the sum over the heap's pools of each one's peak from the warm-up to"
                + " the last run (an upper bound of the heap in use at one moment, which grows with the young generation's size, not what"
                + " the check needs); pan MiB: pan's total actual memory, its hash table included. mc B/st: visited set (vectors, parent"
                + " links, its hash table's capacity) + liveness graph + thread masks per state; pan B/st: pan's memory for states per"
                + " state, its hash table not included. ratio: mc s / pan s; ratio*: mc s / (spin+cc+pan), migcheck's JVM start and JIT"
                + " warm-up not counted (its cold first check is in the medians line). A row without times says why."
                + " Exit: 70 when the two disagree (verdict, or states of the same transition system), 4 when a search did not"
                + " finish, 5 when migcheck's model is in error, 69 when SPIN is installed but failed, else 0.");
        return exit;
    }

    /**
     * What a row may claim. {@code timed}: both sides searched the whole state space and agree, so the
     * times and rates are comparable; else {@code why} says what instead. {@code unreducedNote}: the
     * unreduced migcheck search run to check a count that differs from pan's, or null.
     */
    private record Row(boolean timed, String why, int exit, String unreducedNote, long spinStates) {}

    /** pan's command line (its depth bound far above every series model's depth). */
    private static final List<String> PAN_COMMAND = List.of("./pan", "-m100000");

    /** gcc's command line for pan; {@code vector} below 0 stands for the default. */
    static List<String> gccCommand(int vector, boolean noReduce) {
        List<String> gcc = new ArrayList<>(List.of("gcc", "-O2", "-DSAFETY", "-DVECTORSZ=" + (vector < 0 ? 1024 : vector)));
        if (noReduce) {
            gcc.add("-DNOREDUCE");
        }
        gcc.addAll(List.of("-o", "pan", "pan.c"));
        return gcc;
    }

    /** pan's state count when it searched the whole state space, else 0 (after its first error it is where it stopped). */
    private static long wholeCount(SpinRun sp) {
        return sp == null || sp.error() != null ? 0 : sp.states();
    }

    /**
     * Whether migcheck's search covered the whole state space: it holds, or ends with a stuck thread or a
     * lock-order cycle (found after the search; pan checks neither, so pan must find no error there).
     */
    private static boolean searchedEverything(CheckResult r) {
        return r.verdict() == Verdict.HOLDS || r.verdict() == Verdict.STUCK
                || r.verdict() == Verdict.VIOLATED && RuleSet.LOCK_CYCLE.equals(r.ruleId());
    }

    /**
     * Compares the two searches of one model. A migcheck search that ends without a verdict (a budget,
     * a model error) has no rate; pan's search of the same (unreduced) transition system must agree on
     * the verdict and, where migcheck's reductions stored fewer states, the unreduced migcheck search
     * must store pan's count.
     */
    private Row judge(SeriesModel sm, CheckResult r, SpinRun sp, Options opts) {
        if (r.verdict() == Verdict.INCOMPLETE) {
            return new Row(false, "migcheck stopped before the end (" + r.limit() + "): no rate or ratio", Verdict.INCOMPLETE.exitCode(), null, wholeCount(sp));
        }
        if (r.verdict() == Verdict.MODEL_ERROR) {
            return new Row(false, "migcheck: model error: " + r.message(), Verdict.MODEL_ERROR.exitCode(), null, wholeCount(sp));
        }
        if (sp == null) {
            return new Row(false, "SPIN not run", 0, null, 0);
        }
        if (sp.error() != null && !sp.error().equals(PAN_FOUND_ERROR)) {
            return new Row(false, (sp.incomplete() ? "" : "SPIN failed: ") + sp.error(), sp.incomplete() ? Verdict.INCOMPLETE.exitCode() : UNAVAILABLE_EXIT, null, 0);
        }
        // as the CI cross-check: after a whole search pan must report no error; any other failure pan must report too
        boolean whole = searchedEverything(r);
        boolean panFailed = PAN_FOUND_ERROR.equals(sp.error());
        if (!whole) {
            if (!panFailed) {
                return new Row(false, "VERDICTS DIFFER: pan searched everything and found no error", Main.INTERNAL_EXIT, null, sp.states());
            }
            // pan's depth-first search stops at the first error it meets, which may be another of the model's failures
            // than migcheck's shortest one: the kinds are named, compared only when they are the same kind of failure
            String want = switch (r.verdict()) {
                case DEADLOCK -> "invalid end state";
                case VIOLATED -> "violated_" + PromelaExport.identifier(r.ruleId());
                default -> "model_error";
            };
            String same = sp.firstError() != null && sp.firstError().contains(want) ? "pan found the same failure"
                    : "pan stopped at another failure first (" + sp.firstError() + "; migcheck's is " + want + ")";
            return new Row(false, same + " and stopped there: a failing model times no whole search", 0, null, 0);
        }
        if (panFailed) {
            return new Row(false, "VERDICTS DIFFER: pan reports an error where migcheck's search ends " + r.verdict().lower()
                    + " (" + sp.firstError() + ")", Main.INTERNAL_EXIT, null, 0);
        }
        String unchecked = r.verdict() == Verdict.HOLDS ? null
                : r.verdict() == Verdict.STUCK ? "pan does not check stuck threads" : "pan does not check lock order";
        long states = r.stats().distinct();
        if (states == sp.states()) {
            return new Row(true, unchecked, 0, null, sp.states());
        }
        // fewer states with reductions: the unreduced search must store pan's count
        long t0 = System.nanoTime();
        CheckResult u = r.reductions() == null ? null : Checker.check(sm.build(), KernelRules.all(), opts.unreduced());
        double sec = (System.nanoTime() - t0) / 1e9;
        if (u == null || u.verdict() == Verdict.INCOMPLETE || u.stats().distinct() != sp.states()) {
            return new Row(false, "STATE COUNTS DIFFER: pan stored " + sp.states() + (u == null ? ""
                    : ", migcheck's unreduced search " + (u.verdict() == Verdict.INCOMPLETE ? "did not finish" : u.stats().distinct())),
                    Main.INTERNAL_EXIT, null, sp.states());
        }
        return new Row(true, "migcheck reduced (its unreduced search stores pan's " + sp.states() + " states): the ratio compares"
                + " migcheck's reduced search with pan's unreduced one" + (unchecked == null ? "" : "; " + unchecked), 0,
                String.format(java.util.Locale.ROOT, "unreduced migcheck (one run, warm): %d states (= pan -DNOREDUCE), %.2f s, ratio %.2f to pan's best",
                        u.stats().distinct(), sec, sec / sp.panSeconds()), sp.states());
    }

    /**
     * The JVM's collector and whether it marks cards conditionally ({@code -XX:+UseCondCardMark}, which
     * the launcher passes on several cores): with the parallel collector the second moves the
     * 2-worker figures by up to a third (README, Performance), so a table says which it had.
     */
    static String collector() {
        List<String> names = new ArrayList<>();
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
        }
        String cond;
        try {
            cond = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseCondCardMark").getValue();
            cond = "true".equals(cond) ? "on" : "off";
        } catch (RuntimeException | LinkageError e) {
            cond = "unknown";
        }
        return "collector " + String.join(" + ", names) + ", conditional card marks " + cond;
    }

    /**
     * {@code --speedup}: each model checked with 1 worker and with {@code opts.workers()}, alternating
     * (a warm-up of each, then {@link #repeat} pairs, so that a drifting machine slows both alike), in
     * this JVM. The two must agree on verdict, distinct states and counterexample; the speed-up is the
     * ratio of the medians (and of the best times).
     */
    private int speedup(Options opts) {
        List<SeriesModel> models = new ArrayList<>();
        for (String n : names.isEmpty() ? List.of("philosophers-11") : names) {
            models.add(parse(n));
        }
        PrintStream out = Main.Streams.out;
        int n = opts.workers();
        int w = Math.max(16, models.stream().mapToInt(m -> m.name().length()).max().orElse(0));
        out.printf(java.util.Locale.ROOT, "migcheck: 1 worker against %d, liveness %s, rules: kernel rules (as check), %d alternating pairs after a warm-up of"
                + " each; whole checks in this JVM; %d cores; %s%n", n, opts.liveness() ? "on" : "off", repeat,
                Runtime.getRuntime().availableProcessors(), collector());
        String head = "%-" + w + "s %10s %9s %9s %9s %9s %9s %9s %9s%n";
        out.printf(java.util.Locale.ROOT, head, "model", "states", "1w best", "1w med", n + "w best", n + "w med", "speed-up", "(best)", "(paired)");
        int bad = 0;
        int stopped = 0;
        for (SeriesModel sm : models) {
            Model model = sm.build();
            WorkerSession many = new WorkerSession(model, opts);
            MigcheckRun one = runMigcheck(sm, opts.withWorkers(1), null, many::run);
            CheckResult a = one.result();
            CheckResult b = many.last;
            if (a.verdict() == Verdict.INCOMPLETE || b.verdict() == Verdict.INCOMPLETE) {
                // two searches a budget stopped need not have stored the same states: no comparison, no speed-up
                stopped++;
                CheckResult cut = a.verdict() == Verdict.INCOMPLETE ? a : b;
                out.printf(java.util.Locale.ROOT, "%-" + w + "s stopped before the end (%s, %s): no speed-up and no comparison of the two%n", sm.name(),
                        cut.limit(), cut == a ? "1 worker" : n + " workers");
                continue;
            }
            boolean same = a.verdict() == b.verdict() && a.stats().distinct() == b.stats().distinct()
                    && java.util.Arrays.equals(a.schedule(), b.schedule());
            bad += same ? 0 : 1;
            double medN = median(many.timed);
            double bestN = many.timed.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            out.printf(java.util.Locale.ROOT, "%-" + w + "s %10d %9.3f %9.3f %9.3f %9.3f %8.2fx %8.2fx %8.2fx   %s%s%n", sm.name(), a.stats().distinct(),
                    one.bestSeconds(), one.medianSeconds(), bestN, medN, one.medianSeconds() / medN, one.bestSeconds() / bestN,
                    median(pairRatios(one.timed(), many.timed)),
                    a.verdict().lower(), same ? "" : "; DIFFERENT RESULTS: " + b.verdict().lower() + ", " + b.stats().distinct() + " states, "
                    + b.schedule().length + "-step counterexample against " + a.schedule().length);
            StringBuilder pairs = new StringBuilder();
            for (int i = 0; i < one.timed().size(); i++) {
                pairs.append(i == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.3f/%.3f", one.timed().get(i), many.timed.get(i)));
            }
            out.printf(java.util.Locale.ROOT, "%-" + w + "s pairs in order, 1w/%dw s: %s%n", "", n, pairs);
        }
        out.println("1w/" + n + "w best, med: best and median whole check (search, lockdep, stuck-thread analysis) with 1 and " + n
                + " workers (seconds); speed-up: 1w med / " + n + "w med; (best): 1w best / " + n + "w best; (paired): the median over the"
                + " alternating pairs of 1w / " + n + "w, each pair run back to back, so a machine whose speed drifts between pairs"
                + " moves it least. Every worker count must give the"
                + " same verdict, distinct states and counterexample; a difference is reported and exits " + Main.INTERNAL_EXIT + ".");
        return bad > 0 ? Main.INTERNAL_EXIT : stopped > 0 ? Verdict.INCOMPLETE.exitCode() : 0;
    }

    /** {@code one[i] / many[i]} for every timed pair (the two lists come from the same alternation, so they are as long). */
    static List<Double> pairRatios(List<Double> one, List<Double> many) {
        if (one.size() != many.size()) {
            throw new IllegalStateException("unpaired repetitions: " + one.size() + " against " + many.size());
        }
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < one.size(); i++) {
            r.add(one.get(i) / many.get(i));
        }
        return r;
    }

    /** The other side of {@code --speedup}: one check per call, the first a warm-up, the rest timed. */
    private static final class WorkerSession {
        private final Model model;
        private final Options opts;
        /** Built once, as {@link #runMigcheck} builds its rules once: only the check is timed. */
        private final RuleSet rules = KernelRules.all();
        final List<Double> timed = new ArrayList<>();
        private boolean warm;
        CheckResult last;

        WorkerSession(Model model, Options opts) {
            this.model = model;
            this.opts = opts;
        }

        void run() {
            System.gc();
            long t0 = System.nanoTime();
            last = reported(last, Checker.check(model, rules, opts));
            double sec = (System.nanoTime() - t0) / 1e9;
            if (warm) {
                timed.add(sec);
            }
            warm = true;
        }
    }

    private int scaleOut(Options opts) {
        List<SeriesModel> models = new ArrayList<>();
        for (String n : names.isEmpty() ? List.of("philosophers-8") : names) {
            models.add(parse(n));
        }
        PrintStream out = Main.Streams.out;
        out.printf(java.util.Locale.ROOT, "migcheck scale-out: %d worker(s) per search, liveness %s, %d repetitions after a warm-up, best time; all processes on"
                + " this machine's %d cores%n", opts.workers(), opts.liveness() ? "on" : "off", repeat, Runtime.getRuntime().availableProcessors());
        String fmt = "%-16s %9s %10s %8s %10s %6s %9s %9s %9s %9s %9s %11s %11s%n";
        out.printf(java.util.Locale.ROOT, fmt, "model", "processes", "states", "best s", "states/s", "ratio", "coord MiB", "coord GC", "vectors", "coord set",
                "graph", "member GC", "member set");
        int bad = 0;
        int stopped = 0;
        for (SeriesModel sm : models) {
            MigcheckRun one = runMigcheck(sm, opts, null);
            if (one.result().verdict() == Verdict.INCOMPLETE) {
                // a search a budget stopped has no rate to compare the spread ones with
                stopped++;
                out.printf(java.util.Locale.ROOT, "%-16s stopped before the end in one process (%s): no rate, ratio or spread runs%n", sm.name(), one.result().limit());
                continue;
            }
            double oneRate = one.result().stats().distinct() / one.bestSeconds();
            Footprint f1 = one.footprint();
            out.printf(java.util.Locale.ROOT, fmt, sm.name(), 1, one.result().stats().distinct(), String.format(java.util.Locale.ROOT, "%.2f", one.bestSeconds()), String.format(java.util.Locale.ROOT, "%.0f", oneRate),
                    "1.00", mib(one.peakBytes()), mib(f1.heapAfterGc()), mib(f1.vectorBytes()), mib(f1.storeBytes()),
                    mib(f1.graphBytes() + f1.maskBytes()), "-", "-");
            for (int members = 1; members <= 2; members++) {
                List<Process> procs = new ArrayList<>();
                HazelcastCluster c = null;
                try {
                    c = HazelcastCluster.startLocal(members, Main.classpath(spec), procs);
                    MigcheckRun r = runMigcheck(sm, opts.withCluster(c), c);
                    List<long[]> usage = c.usage();
                    StringBuilder heap = new StringBuilder();
                    StringBuilder set = new StringBuilder();
                    for (long[] u : usage) {
                        heap.append(heap.length() == 0 ? "" : "/").append(mib(u[2]));
                        set.append(set.length() == 0 ? "" : "/").append(mib(u[0]));
                    }
                    if (r.result().verdict() == Verdict.INCOMPLETE) {
                        stopped++;
                        out.printf(java.util.Locale.ROOT, "%-16s %9d stopped before the end (%s): no rate or ratio%n", sm.name(), members + 1, r.result().limit());
                        continue;
                    }
                    Footprint f = r.footprint();
                    double rate = r.result().stats().distinct() / r.bestSeconds();
                    boolean same = r.result().verdict() == one.result().verdict() && r.result().stats().distinct() == one.result().stats().distinct();
                    bad += same ? 0 : 1;
                    out.printf(java.util.Locale.ROOT, fmt, sm.name(), members + 1, r.result().stats().distinct(), String.format(java.util.Locale.ROOT, "%.2f", r.bestSeconds()),
                            String.format(java.util.Locale.ROOT, "%.0f", rate), String.format(java.util.Locale.ROOT, "%.2f", rate / oneRate), mib(r.peakBytes()), mib(f.heapAfterGc()),
                            mib(f.retainedPeakBytes()), mib(f.ownedBytes()), mib(f.graphBytes() + f.maskBytes()), heap,
                            set + (same ? "" : "  MISMATCH: " + r.result().verdict()));
                } catch (java.io.IOException | HazelcastCluster.Refused e) {
                    throw Args.usage(spec, "--scale-out: cannot start member processes: " + e.getMessage());
                } finally {
                    if (c != null) {
                        c.close();
                    }
                    for (Process p : procs) {
                        try {
                            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                                p.destroyForcibly();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            p.destroyForcibly();
                        }
                    }
                }
            }
        }
        out.println("ratio: states/s against 1 process. MiB: peak heap of the coordinator during the timed runs; GC: used heap after a full"
                + " GC right after the (warm-up) search, structures live. vectors: packed vectors and parent links the coordinator's store"
                + " holds (1 process: all of them; spread: the most it held at once, the levels being expanded and built). coord set /"
                + " member set: the visited-set share each process owns (1 process: the whole store with its hash table). graph: the"
                + " stuck-thread analysis's per-state data at the coordinator (transition graph and thread masks).");
        return bad > 0 ? Main.INTERNAL_EXIT : stopped > 0 ? Verdict.INCOMPLETE.exitCode() : 0;
    }

    /**
     * The second line of a model: which reductions migcheck ran, the unreduced count when
     * {@code --unreduced} asked for it or the first line's count needed it (it must equal pan's count
     * with -DNOREDUCE), and for a kernel model pan with its own partial-order reduction.
     */
    private String modelNote(SeriesModel sm, MigcheckRun mc, Row row, SpinRun por, Options opts) {
        StringBuilder b = new StringBuilder("  " + sm.name() + ": migcheck reductions: "
                + (mc.result().reductions() == null ? "none" : mc.result().reductions()));
        if (unreduced && mc.result().reductions() != null) {
            long t0 = System.nanoTime();
            CheckResult u = Checker.check(sm.build(), KernelRules.all(), opts.unreduced());
            double sec = (System.nanoTime() - t0) / 1e9;
            long us = u.stats().distinct();
            b.append(String.format(java.util.Locale.ROOT, "; unreduced migcheck (one run): %s, %d states, %.2f s, factor %.1fx", u.verdict().lower(), us, sec,
                    (double) us / Math.max(1, mc.result().stats().distinct())));
            if (row.spinStates() > 0) {
                b.append(us == row.spinStates() ? " (= pan -DNOREDUCE)" : " (DIFFERS from pan -DNOREDUCE: " + row.spinStates() + ")");
            }
        } else if (row.unreducedNote() != null) {
            b.append("; ").append(row.unreducedNote());
        }
        if (por != null) {
            b.append(PAN_FOUND_ERROR.equals(por.error()) ? "; pan with its POR: found an error (" + por.firstError() + ")"
                    : por.error() != null ? "; pan with its POR: " + (por.incomplete() ? "" : "failed: ") + por.error()
                    : String.format(java.util.Locale.ROOT, "; pan with its POR: %d states, %.2f s", por.states(), por.panSeconds()));
        }
        return b.toString();
    }

    private static String mib(long bytes) { return bytes < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0); }

    private MigcheckRun runMigcheck(SeriesModel sm, Options opts, HazelcastCluster cluster) { return runMigcheck(sm, opts, cluster, null); }

    /**
     * Also measures the heap after GC on the warm-up run (here and, with {@code cluster}, on its
     * members). {@code after}, when given, runs after every check, the warm-up included (pan's turn
     * when the two alternate).
     */
    private MigcheckRun runMigcheck(SeriesModel sm, Options opts, HazelcastCluster cluster, Runnable after) {
        boolean probe = scaleOut;
        Model model = sm.build();
        RuleSet rules = KernelRules.all();
        double cold = 0;
        double best = Double.MAX_VALUE;
        List<Double> timed = new ArrayList<>();
        long peak = 0;
        CheckResult last = null;
        Footprint fp = null;
        for (int i = 0; i <= repeat; i++) {
            System.gc();
            resetPeaks();
            Footprint f = new Footprint();
            if (probe && i == 0) {
                f.probeHeap();
            }
            if (cluster != null) {
                cluster.probeHeap(probe && i == 0);
            }
            long t0 = System.nanoTime();
            CheckResult r = Checker.check(model, rules, opts, f);
            double sec = (System.nanoTime() - t0) / 1e9;
            peak = Math.max(peak, heapPeak());
            if (i == 0) {
                cold = sec;
            } else {
                best = Math.min(best, sec);
                timed.add(sec);
            }
            last = reported(last, r);
            if (fp == null || !probe) {
                fp = f; // with a probe, the warm-up's footprint (its heap figure) is the one reported
            } else {
                f.copyHeapFrom(fp);
                fp = f;
            }
            if (after != null) {
                after.run();
            }
        }
        return new MigcheckRun(last, cold, best, median(timed), peak, fp, timed);
    }

    /**
     * The result a series of repetitions reports after {@code r}: {@code r}, unless an earlier one ({@code last}) was
     * stopped by a budget, which is then the one reported, whichever repetition it was (its time is no whole search's).
     */
    private static CheckResult reported(CheckResult last, CheckResult r) {
        return last != null && last.verdict() == Verdict.INCOMPLETE ? last : r;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Null when spin runs, else why not. */
    private String spinVersion() {
        try {
            Process p = new ProcessBuilder(spinExe, "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "spin -V failed";
        } catch (IOException e) {
            return spinExe + " is not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Pan run {@code repeat} times after a warm-up, not alternated with migcheck (the second pan of a
     * kernel model, compiled with SPIN's own partial-order reduction when {@code noReduce} is false).
     */
    private SpinRun runSpin(SeriesModel sm, boolean noReduce) {
        SpinSession pan = new SpinSession(sm, noReduce);
        for (int i = 0; i <= repeat; i++) {
            pan.run();
        }
        return pan.finish();
    }

    /**
     * SPIN on the same model: the philosophers from the resources, a kernel model as {@code export
     * --promela} writes it. {@code noReduce}: compile with -DNOREDUCE (SPIN's partial-order reduction
     * off, the same transition system as migcheck's unreduced search). Made and compiled once; each
     * {@link #run} runs pan once (the first is the warm-up, not timed); {@link #finish} parses the
     * output of the fastest run and deletes the files. The first failure ends the session with its
     * message.
     */
    private final class SpinSession {
        private Path dir;
        private double spinS;
        private double gccS;
        private final List<Double> timed = new ArrayList<>();
        private int runs;
        private double best = Double.MAX_VALUE;
        private String output;
        private String error;

        SpinSession(SeriesModel sm, boolean noReduce) {
            try {
                dir = Files.createTempDirectory("migcheck-spin");
                String pml;
                int vector = 1024;
                if (sm.kernel()) {
                    PromelaExport.Result r = PromelaExport.export(sm.build(), KernelRules.all(), sm.name());
                    pml = r.promela();
                    vector = r.vectorSize();
                } else {
                    try (InputStream in = BenchCmd.class.getResourceAsStream("/org/migcheck/checker/bench/philosophers.pml")) {
                        pml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    pml = pml.replace("@N@", Integer.toString(sm.n())).replace("@ORDERED@", "1");
                }
                Files.writeString(dir.resolve("model.pml"), pml);
                spinS = exec(dir, spinExe, "-a", "model.pml").seconds;
                gccS = exec(dir, gccCommand(vector, noReduce).toArray(new String[0])).seconds;
            } catch (IOException | RuntimeException e) {
                error = e.getMessage();
            }
        }

        /** One pan run; the first is the warm-up. */
        void run() {
            if (error != null) {
                return;
            }
            try {
                Exec e = exec(dir, PAN_COMMAND.toArray(new String[0]));
                if (runs++ == 0) {
                    return;
                }
                timed.add(e.seconds);
                if (e.seconds < best) {
                    best = e.seconds;
                    output = e.output;
                }
            } catch (IOException | RuntimeException e) {
                error = e.getMessage();
            }
        }

        SpinRun finish() {
            try {
                if (error != null) {
                    return SpinRun.failed(error);
                }
                if (output == null) {
                    return SpinRun.failed("pan was not run after its warm-up");
                }
                String stopped = Spin.stoppedEarly(output);
                if (stopped != null) {
                    return new SpinRun(0, spinS, gccS, best, 0, 0, 0, "pan did not search the whole state space (" + stopped + ")", true, null);
                }
                long states = Long.parseLong(find(output, "(\\d+) states, stored"));
                double med = median(timed);
                if (!output.contains("errors: 0")) {
                    String first = output.lines().filter(l -> l.startsWith("pan:")).findFirst().orElse("see pan's output").trim();
                    return new SpinRun(states, spinS, gccS, best, med, 0, 0, PAN_FOUND_ERROR, false, first);
                }
                double total = Double.parseDouble(find(output, "([\\d.]+)\\s+total actual memory usage"));
                double forStates = Double.parseDouble(find(output, "([\\d.]+)\\s+actual memory usage for states"));
                return new SpinRun(states, spinS, gccS, best, med, total, forStates, null, false, null);
            } catch (RuntimeException e) {
                return SpinRun.failed(e.getMessage());
            } finally {
                if (dir != null) {
                    try (var files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    } catch (IOException ignored) {
                        // a temporary directory left behind is harmless
                    }
                }
            }
        }
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("pan output lacks /" + regex + "/");
        }
        return m.group(1);
    }

    private record Exec(double seconds, String output) {}

    private static Exec exec(Path dir, String... cmd) throws IOException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": "
                    + output.lines().limit(3).reduce("", (a, b) -> a + " " + b).trim());
        }
        return new Exec(sec, output);
    }
}
