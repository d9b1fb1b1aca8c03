package org.migcheck.ci.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.BoundSensitivity;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.HtmlRenderer;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * Every kind of page {@code check SCENARIO --format html} writes (each verdict, a model error, the stuck report's continuation,
 * the lock-order paths, a budget stop, an expectation not met, goal witnesses, the two-check page of
 * {@code --bounds +K}), judged by the tools a reader's team runs on HTML: the W3C Nu Html Checker (no error, no
 * warning) and axe-core in headless Chromium (no violation). The pages are kept under target/html-validators/.
 *
 * <p>The tools come from npm; .ci/run installs them into a cache directory and names them with
 * {@code MIGCHECK_VNU_JAR} (vnu-jar's build/dist/vnu.jar) and {@code MIGCHECK_AXE_JS} (axe-core's axe.min.js), or
 * the system properties {@code migcheck.vnuJar} and {@code migcheck.axeJs}. Without them the test is skipped, and
 * fails when {@code CI=true}. {@code -Dmigcheck.noBrowser=true} skips the axe part, as in HtmlInChromiumTest.
 */
class HtmlValidatorsTest {
    private static final Path OUT = Path.of("target", "html-validators");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NPM = "npm install --ignore-scripts vnu-jar@26.9.27 axe-core@4.14.1";

    /** The pages by file name, each with the command line that writes it (for a failure message). */
    private static final Map<String, Page> PAGES = new LinkedHashMap<>();

    record Page(String command, Path file) {}

    @BeforeAll
    static void writePages() throws IOException {
        Files.createDirectories(OUT);
        RuleSet rules = KernelRules.all();
        Options plain = Options.defaults();
        page("holds", "check counter --variant atomic", Verdict.HOLDS, () -> one("counter", "atomic", rules, plain));
        page("holds-goals-bounded", "check movable-ops --variant merged", Verdict.HOLDS, () -> one("movable-ops", "merged", rules, plain));
        page("violated-assertion", "check counter --variant racy", Verdict.VIOLATED, () -> one("counter", "racy", rules, plain));
        page("violated-rule", "check bdev-jbd2 --variant no-refcount-check", Verdict.VIOLATED,
                () -> one("bdev-jbd2", "no-refcount-check", rules, plain));
        page("deadlock-two", "check abba", Verdict.DEADLOCK, () -> one("abba", "default", rules, plain));
        page("deadlock-ring", "check philosophers --variant circular", Verdict.DEADLOCK, () -> one("philosophers", "circular", rules, plain));
        page("deadlock-kernel", "check fuse-writeback-memcg --variant legacy-no-flag", Verdict.DEADLOCK,
                () -> one("fuse-writeback-memcg", "legacy-no-flag", rules, plain));
        page("stuck", "check starved-waiter --variant no-setter", Verdict.STUCK, () -> one("starved-waiter", "no-setter", rules, plain));
        page("stuck-cycle-later", "check fuse-writeback-memcg --variant migrate-sync-no-reply", Verdict.STUCK,
                () -> one("fuse-writeback-memcg", "migrate-sync-no-reply", rules, plain));
        page("lock-order", "check abba-gated", Verdict.VIOLATED, () -> one("abba-gated", "default", rules, plain));
        Options tenStates = plain.withBudget(plain.budget().withMaxStates(10));
        page("incomplete", "check movable-ops --variant merged --max-states 10", Verdict.INCOMPLETE,
                () -> one("movable-ops", "merged", rules, tenStates));
        page("not-as-expected", "--skip-rule atomic.sleep check movable-ops --variant deflate-sleeping-lock", Verdict.DEADLOCK,
                () -> one("movable-ops", "deflate-sleeping-lock", rules.skipping(List.of("atomic.sleep")), plain));
        page("model-error", "check of a user's model whose thread releases a mutex it does not hold", Verdict.MODEL_ERROR, () -> {
            ScenarioRunner.Outcome o = ReportFormatsTest.modelError();
            return new Rendered(o.result().verdict(), HtmlRenderer.render(o));
        });
        page("bounds-holds", "check movable-ops --variant merged --bounds +1", Verdict.HOLDS,
                () -> raised("movable-ops", "merged", rules, plain));
        page("bounds-deadlock", "check movable-ops --variant putback-under-page-lock --bounds +1", Verdict.DEADLOCK,
                () -> raised("movable-ops", "putback-under-page-lock", rules, plain));
    }

    /** A rendered page and the verdict of its (first) check, which says the page is the kind it is meant to be. */
    private record Rendered(Verdict verdict, String html) {}

    private static void page(String name, String args, Verdict expected, Supplier<Rendered> render) throws IOException {
        Rendered r = render.get();
        String command = "./migcheck " + args + " --format html";
        assertEquals(expected, r.verdict(), command);
        Path file = OUT.resolve(name + ".html");
        Files.writeString(file, r.html(), StandardCharsets.UTF_8);
        PAGES.put(file.getFileName().toString(), new Page(command, file));
    }

    private static Rendered one(String scenario, String variant, RuleSet rules, Options opts) {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find(scenario), variant, Map.of(), rules, opts);
        return new Rendered(o.result().verdict(), HtmlRenderer.render(o));
    }

    /** The page of {@code --bounds +1}: the check, then its re-check with the model bounds raised by one, as CheckCmd puts them. */
    private static Rendered raised(String scenario, String variant, RuleSet rules, Options opts) {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find(scenario), variant, Map.of(), rules, opts);
        BoundSensitivity b = BoundSensitivity.check(ScenarioRunner.build(o.scenario(), o.knobs()), o.result(), rules, opts, 1);
        assertTrue(!b.raised().isEmpty(), scenario + " has model bounds to raise");
        return new Rendered(o.result().verdict(), HtmlRenderer.render(o, o.atBounds(1, b.result()), b.summary()));
    }

    @Test
    void theNuHtmlCheckerFindsNoErrorAndNoWarning() throws Exception {
        Path vnu = tool("migcheck.vnuJar", "MIGCHECK_VNU_JAR", "vnu.jar of the npm package vnu-jar");
        Path report = Files.createTempFile("migcheck-vnu", ".json");
        try {
            // one JVM for all pages (its start is most of the time); the JSON report goes to standard error
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    vnu.toString(), "--format", "json", "--exit-zero-always"));
            PAGES.values().forEach(p -> cmd.add(p.file().toAbsolutePath().toString()));
            run(cmd, report, 180);
            JsonNode messages = JSON.readTree(report.toFile()).path("messages");
            List<String> found = new ArrayList<>();
            for (JsonNode m : messages) {
                String type = m.path("type").asText();
                boolean warning = type.equals("info") && m.path("subType").asText().equals("warning");
                if (!type.equals("info") || warning) {
                    // an error, a warning, or a page the checker could not read ("non-document-error")
                    found.add(where(m.path("url").asText()) + " line " + m.path("lastLine").asText() + ": "
                            + (warning ? "warning" : type) + ": " + m.path("message").asText() + "\n      at: " + m.path("extract").asText().strip().replace('\n', ' '));
                }
            }
            assertTrue(found.isEmpty(), "the Nu Html Checker (" + vnu + ") reports " + found.size() + " problem(s):\n  " + String.join("\n  ", found));
        } finally {
            Files.deleteIfExists(report);
        }
    }

    @Test
    void axeFindsNoViolationInChromium() throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("migcheck.noBrowser"), "-Dmigcheck.noBrowser=true: axe-core needs a browser");
        Path axe = tool("migcheck.axeJs", "MIGCHECK_AXE_JS", "axe.min.js of the npm package axe-core");
        String chromium = chromium();
        // the page under test gets the script, not the report: axe runs, then an element it writes holds its violations
        String probe = "<script>" + Files.readString(axe, StandardCharsets.UTF_8) + "</script>\n<script>"
                + "axe.run(document, {resultTypes: ['violations']}).then(function (r) { return JSON.stringify(r.violations); },"
                + " function (e) { return JSON.stringify('axe failed: ' + e); }).then(function (s) {"
                + " var out = document.createElement('pre'); out.id = 'axe-result'; out.textContent = s; document.body.appendChild(out); });"
                + "</script></body>";
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, Page> e : PAGES.entrySet()) {
            String html = Files.readString(e.getValue().file(), StandardCharsets.UTF_8);
            assertTrue(!html.contains("<script"), e.getKey() + " has a script of its own");
            Path copy = OUT.resolve(e.getKey().replace(".html", ".axe.html"));
            Files.writeString(copy, html.replace("</body>", probe), StandardCharsets.UTF_8);
            JsonNode violations = JSON.readTree(axeResult(chromium, copy, e.getKey()));
            assertTrue(violations.isArray(), e.getKey() + ": " + violations);
            for (JsonNode v : violations) {
                StringBuilder b = new StringBuilder(where(e.getKey())).append(": ").append(v.path("id").asText()).append(" [")
                        .append(v.path("impact").asText()).append("] ").append(v.path("help").asText());
                int shown = 0;
                for (JsonNode n : v.path("nodes")) {
                    if (shown++ == 5) {
                        b.append("\n      and ").append(v.path("nodes").size() - 5).append(" more");
                        break;
                    }
                    b.append("\n      ").append(n.path("target")).append(' ').append(n.path("html").asText());
                }
                found.add(b.toString());
            }
        }
        assertTrue(found.isEmpty(), "axe-core (" + axe + ") reports " + found.size() + " violation(s):\n  " + String.join("\n  ", found));
    }

    /** The JSON text the probe copy of {@code page} wrote into the DOM Chromium dumps. */
    private static String axeResult(String chromium, Path copy, String page) throws Exception {
        Path profile = Files.createTempDirectory("migcheck-axe-chromium");
        Path dom = Files.createTempFile("migcheck-axe", ".html");
        try {
            run(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile, "--window-size=1400,1000", "--virtual-time-budget=20000", "--dump-dom",
                    copy.toAbsolutePath().toUri().toString()), null, 120, dom);
            String out = Files.readString(dom, StandardCharsets.UTF_8);
            int from = out.indexOf("<pre id=\"axe-result\">");
            int to = from < 0 ? -1 : out.indexOf("</pre>", from);
            if (to < 0) {
                fail(page + ": axe wrote no result within Chromium's time budget; the DOM begins:\n" + out.substring(0, Math.min(out.length(), 1500)));
            }
            // the serialised text node: only these three characters come escaped
            return out.substring(from + "<pre id=\"axe-result\">".length(), to).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        } finally {
            MoreFiles.deleteRecursively(profile, RecursiveDeleteOption.ALLOW_INSECURE);
            Files.deleteIfExists(dom);
        }
    }

    /** {@code page} with the command that writes it, for a failure message. */
    private static String where(String page) {
        String name = page.substring(page.lastIndexOf('/') + 1);
        Page p = PAGES.get(name);
        return p == null ? name : name + " (" + p.command() + ")";
    }

    private static void run(List<String> cmd, Path stderr, int seconds) throws Exception {
        run(cmd, stderr, seconds, null);
    }

    /** Runs {@code cmd}, its standard error into {@code stderr} and its output into {@code stdout} (either discarded when null). */
    private static void run(List<String> cmd, Path stderr, int seconds, Path stdout) throws Exception {
        Path log = stderr != null ? stderr : Files.createTempFile("migcheck-tool", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
            pb.redirectOutput(stdout != null ? ProcessBuilder.Redirect.to(stdout.toFile()) : ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(cmd.get(0) + " did not finish in " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                fail(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 4))) + " ... ended with " + p.exitValue() + ":\n" + Files.readString(log));
            }
        } finally {
            if (stderr == null) {
                Files.deleteIfExists(log);
            }
        }
    }

    /**
     * The file a tool is, named by system property {@code property} or environment variable {@code env}; when it is not
     * there, the test fails on CI (.ci/run installs the tools) and is skipped elsewhere, saying what to install.
     */
    private static Path tool(String property, String env, String what) {
        String named = System.getProperty(property, System.getenv(env));
        Path file = named == null || named.isBlank() ? null : Path.of(named);
        if (file != null && Files.isRegularFile(file)) {
            return file;
        }
        String why = (file == null ? "no " + env + " (or -D" + property + ")" : env + " names " + file + ", which does not exist")
                + ": point it at the " + what + " (in a scratch directory: " + NPM + "; .ci/run does this)";
        ReportFormatsTest.toolMissing(why);
        return null;
    }

    private static String chromium() {
        String found = HtmlInChromiumTest.chromiumOnPath();
        if (found == null) {
            ReportFormatsTest.toolMissing("chromium not found on the PATH: install it (apt-get install -y chromium; .ci/run does) or run"
                    + " with -Dmigcheck.noBrowser=true");
        }
        return found;
    }
}
