package org.migcheck.checker.cli;

import java.util.List;
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
import org.migcheck.properties.KernelRules;
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
            base = ScenarioRunner.run(s, args.variant, args.sets, KernelRules.all(), opts);
            model = s.build(base.knobs());
        } catch (ModelError e) {
            throw Args.usage(spec, e.getMessage());
        }
        if (base.result().verdict() != Verdict.HOLDS) {
            throw Args.usage(spec, base.title() + " does not hold (" + base.actual() + "): mutation analysis needs a variant that holds");
        }
        List<Mutations.Mutant> mutants = Mutations.run(model, base.result(), KernelRules.all(), opts);
        switch (f) {
            case JSON -> Main.Streams.out.println(JsonRenderer.renderMutants(base, mutants));
            case JUNIT -> Main.Streams.out.print(JUnitRenderer.renderMutants(base, mutants));
            case SARIF -> Main.Streams.out.println(SarifRenderer.renderMutants(base, mutants));
            default -> text(base, mutants);
        }
        return 0;
    }

    private static void text(ScenarioRunner.Outcome base, List<Mutations.Mutant> mutants) {
        for (Mutations.Mutant m : mutants) {
            CheckResult r = m.result();
            Main.Streams.out.printf("%-60s %-12s %s%n", m.step() + " [pc " + m.pc() + "]", m.fate().name().toLowerCase(),
                    ScenarioRunner.verdictText(r) + (r.verdict() == Verdict.MODEL_ERROR ? ": " + r.message() : ""));
        }
        Main.Streams.out.printf("%s: %d mutants, %d killed, %d survived, %d unreached, %d model errors%n", base.title(), mutants.size(),
                count(mutants, Mutations.Fate.KILLED), count(mutants, Mutations.Fate.SURVIVED),
                count(mutants, Mutations.Fate.UNREACHED), count(mutants, Mutations.Fate.MODEL_ERROR));
    }

    private static long count(List<Mutations.Mutant> ms, Mutations.Fate f) {
        return ms.stream().filter(m -> m.fate() == f).count();
    }
}
