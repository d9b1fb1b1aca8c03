package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.model.scenarios.Variant;
import org.migcheck.properties.KernelRules;

/**
 * Golden trace files: the text report (without timings) of every variant that fails a rule or declares
 * goals is compared with ci/src/test/resources/golden/SCENARIO__VARIANT.txt, byte for byte but for the
 * counts ({@link #countless}).
 *
 * <p>To regenerate after an intended change: {@code mvn -B verify -Dmigcheck.regenerate=true}, then
 * read the diff of the golden files before committing them.
 */
class GoldenTraceTest {
    private static final Path DIR = Path.of("src", "test", "resources", "golden");

    @TestFactory
    Stream<DynamicTest> failingVariantsRenderAsGolden() {
        boolean regenerate = Boolean.getBoolean("migcheck.regenerate");
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario s : Catalogue.all()) {
            for (Variant v : s.variants()) {
                if (v.expect().kind() == Expect.Kind.HOLDS && v.expect().goals().isEmpty()) {
                    continue;
                }
                Path file = DIR.resolve(s.id() + "__" + v.name() + ".txt");
                tests.add(DynamicTest.dynamicTest(s.id() + "/" + v.name(), () -> {
                    ScenarioRunner.Outcome o = ScenarioRunner.run(s, v.name(), Map.of(), KernelRules.all(), Options.defaults());
                    String text = TextRenderer.render(o.title(), o.result(), v.expect().describe(), o.token(), false);
                    if (regenerate || !Files.exists(file)) {
                        if (!regenerate) {
                            throw new AssertionError("missing golden file " + file + "; run with -Dmigcheck.regenerate=true and review it");
                        }
                        write(file, text);
                        return;
                    }
                    assertEquals(countless(Files.readString(file, StandardCharsets.UTF_8)), countless(text),
                            "trace of " + o.title() + " differs from " + file + " (regenerate with -Dmigcheck.regenerate=true if intended)");
                }));
            }
        }
        return tests.stream();
    }

    /**
     * The report with its state and transition counts and depths blanked: a golden file fixes what a
     * report says and how (verdict, explanation, trace), while the counts, which it got from the checker
     * itself, are checked against independent sources elsewhere (SpinCrossCheckTest, the brute-force
     * enumerators, the differential tests), not against an earlier run.
     */
    static String countless(String text) {
        return text.replaceAll("states \\d+, depth \\d+", "states N, depth D")
                .replaceAll("\\d+ distinct states?, \\d+ transitions?", "N distinct states, T transitions")
                .replaceAll("reached in \\d+ states?", "reached in N states")
                .replaceAll("\\(exhaustive: \\d+ states\\)", "(exhaustive: N states)");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
