package org.migcheck.checker.cli;

import java.util.concurrent.Callable;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.KernelRules;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure exploration speed: prints states/s for each repetition and the best.")
final class BenchCmd implements Callable<Integer> {
    @CommandLine.Mixin
    VariantArgs args = new VariantArgs();

    @Option(names = "--repeat", paramLabel = "N", converter = Args.PositiveInt.class, description = "runs after one warm-up run (default 3)")
    int repeat = 3;

    @Option(names = "--unreduced", description = "also run without symmetry and partial-order reduction and print both state counts and the factor")
    boolean unreduced;

    @CommandLine.Mixin
    SearchOptions search = new SearchOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Scenario s = args.resolve(spec);
        Options opts = search.toOptions().withProgress(null);
        double best = 0;
        for (int i = 0; i <= repeat; i++) {
            ScenarioRunner.Outcome o;
            try {
                o = ScenarioRunner.run(s, args.variant, args.sets, KernelRules.all(), opts);
            } catch (ModelError e) {
                throw Args.usage(spec, e.getMessage());
            }
            CheckResult r = o.result();
            Main.Streams.out.printf("%s %s: %s; %s%n", i == 0 ? "warm-up" : "run " + i, o.title(), r.verdict().lower(), r.stats().line());
            if (i > 0) {
                best = Math.max(best, r.stats().statesPerSecond());
            }
        }
        Main.Streams.out.printf("best: %.0f states/s%n", best);
        if (unreduced) {
            CheckResult red = ScenarioRunner.run(s, args.variant, args.sets, KernelRules.all(), opts).result();
            CheckResult plain = ScenarioRunner.run(s, args.variant, args.sets, KernelRules.all(), opts.unreduced()).result();
            Main.Streams.out.printf("reduced: %s, %d states, %.2f s; unreduced: %s, %d states, %.2f s; factor %.1fx%n",
                    red.verdict().lower(), red.stats().distinct(), red.stats().seconds(),
                    plain.verdict().lower(), plain.stats().distinct(), plain.stats().seconds(),
                    (double) plain.stats().distinct() / Math.max(1, red.stats().distinct()));
        }
        return 0;
    }
}
