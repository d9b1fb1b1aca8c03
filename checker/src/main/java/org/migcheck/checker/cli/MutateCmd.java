package org.migcheck.checker.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.migcheck.checker.cli.OutputOptions.Format;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.JUnitRenderer;
import org.migcheck.checker.trace.JsonRenderer;
import org.migcheck.checker.trace.SarifRenderer;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.scenarios.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "mutate", mixinStandardHelpOptions = true,
        description = "Mutation analysis: make each lock or wait step of a holding variant stop waiting, and report which mutants the rules miss.")
final class MutateCmd implements Callable<Integer> {
    @CommandLine.Mixin
    VariantArgs args = new VariantArgs();

    @CommandLine.Mixin
    OutputOptions output = new OutputOptions();

    @CommandLine.Mixin
    SearchOptions search = new SearchOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Format f = output.require(spec, Format.TEXT, Format.JSON, Format.JUNIT, Format.SARIF);
        Scenario s = args.resolve(spec);
        Options opts = search.toOptions().withProgress(null);
        ScenarioRunner.Outcome base;
        Model model;
        try {
            base = ScenarioRunner.run(s, args.variant, args.sets, Main.registry(spec).ruleSet(), opts);
            model = s.build(base.knobs());
        } catch (ModelError e) {
            throw Args.usage(spec, e.getMessage());
        }
        if (base.result().verdict() != Verdict.HOLDS) {
            throw Args.usage(spec, base.title() + " does not hold (" + base.actual() + "): mutation analysis needs a variant that holds");
        }
        Map<String, String> declared = base.expected() == null ? Map.of() : base.expected().survivors();
        List<Mutations.Mutant> mutants = Mutations.run(model, base.result(), Main.registry(spec).ruleSet(), opts, declared,
                base.expected() == null ? Map.of() : base.expected().goals());
        switch (f) {
            case JSON -> Main.Streams.out.println(JsonRenderer.renderMutants(base, mutants));
            case JUNIT -> Main.Streams.out.print(JUnitRenderer.renderMutants(base, mutants));
            case SARIF -> Main.Streams.out.println(SarifRenderer.renderMutants(base, mutants));
            default -> text(base, mutants, declared);
        }
        return mutants.stream().anyMatch(Mutations.Mutant::unexplained) ? Verdict.MISMATCH_EXIT : 0;
    }

    private static void text(ScenarioRunner.Outcome base, List<Mutations.Mutant> mutants, Map<String, String> declared) {
        for (Mutations.Mutant m : mutants) {
            CheckResult r = m.result();
            String what = switch (m.fate()) {
                case SURVIVED -> m.explanation() != null ? "expected: " + m.explanation() : "NO DECLARED REASON";
                case EQUIVALENT -> "the forced outcome always equalled the real one";
                case NOT_EVALUATED -> r.message();
                default -> m.outcome();
            };
            Main.Streams.out.printf("%-72s %-13s %s%n", m.id(), m.fate().name().toLowerCase().replace('_', '-'), what);
        }
        Mutations.stale(mutants, declared).forEach(x -> Main.Streams.out.println("declared survivor no longer survives: " + x));
        long unexplained = mutants.stream().filter(Mutations.Mutant::unexplained).count();
        Main.Streams.out.printf("%s: %s%n", base.title(), Mutations.summary(mutants));
        if (unexplained > 0) {
            Main.Streams.out.printf("%d survivors have no declared reason (declare them with Expect.survives in the scenario,"
                    + " or add the rule they show missing)%n", unexplained);
        }
    }
}
