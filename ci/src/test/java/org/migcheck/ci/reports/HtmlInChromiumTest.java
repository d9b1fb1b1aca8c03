package org.migcheck.ci.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.HtmlRenderer;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.properties.KernelRules;

/**
 * The HTML report as a browser shows it: a deadlock, a violation, a stuck thread and a lock-order
 * report are rendered by headless Chromium at 1400 px. A copy of each page with a probe script
 * writes the document's scrollWidth and whether the figure is there into the DOM, which
 * {@code --dump-dom} returns; a screenshot of each report is kept under target/html-reports/.
 * The report itself has no script and loads nothing (checked on the page source).
 *
 * <p>Needs {@code chromium} on the PATH (.ci/run installs it); {@code -Dmigcheck.noBrowser=true}
 * skips the browser part on a machine without one.
 */
class HtmlInChromiumTest {
    private static final Path OUT = Path.of("target", "html-reports");
    private static final int WIDTH = 1400;

    record Case(String scenario, String variant, Verdict verdict, boolean figure) {}

    @TestFactory
    Stream<DynamicTest> reportsFitTheWindowAndDrawTheFigure() throws IOException {
        Files.createDirectories(OUT);
        List<Case> cases = List.of(
                new Case("fuse-writeback-memcg", "legacy-no-flag", Verdict.DEADLOCK, true),
                new Case("philosophers", "circular", Verdict.DEADLOCK, true),
                new Case("counter", "racy", Verdict.VIOLATED, false),
                new Case("starved-waiter", "no-setter", Verdict.STUCK, false),
                new Case("abba-gated", "default", Verdict.VIOLATED, true));
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.scenario() + "/" + c.variant(), () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(Case c) throws Exception {
        ScenarioRunner.Outcome o = ScenarioRunner.run(Catalogue.find(c.scenario()), c.variant(), Map.of(), KernelRules.all(), Options.defaults());
        assertEquals(c.verdict(), o.result().verdict());
        String html = HtmlRenderer.render(o);
        // self-contained and offline: no script, no external resource
        assertTrue(!html.contains("<script") && !html.contains("src=") && !html.contains("href=") && !html.contains("@import"), "loads something");
        assertTrue(html.contains("class=\"legend\""), "legend");
        if (c.verdict() == Verdict.VIOLATED && c.scenario().equals("counter")) {
            assertTrue(html.contains("id=\"failing-step\""), "failing step highlighted");
        }
        assertEquals(c.figure(), html.contains("<svg"), "figure presence");
        String name = c.scenario() + "__" + c.variant();
        Path page = OUT.resolve(name + ".html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        if (Boolean.getBoolean("migcheck.noBrowser")) {
            return;
        }
        String probe = html.replace("</body>", "<script>var d=document.createElement('div');d.id='probe';"
                + "d.setAttribute('data-scroll',document.documentElement.scrollWidth);"
                + "d.setAttribute('data-client',document.documentElement.clientWidth);"
                + "d.setAttribute('data-svg',document.querySelectorAll('figure svg').length);"
                + "document.body.appendChild(d);</script></body>");
        Path probePage = OUT.resolve(name + ".probe.html");
        Files.writeString(probePage, probe, StandardCharsets.UTF_8);
        String dom = chromium("--dump-dom", probePage.toAbsolutePath().toUri().toString());
        Matcher m = Pattern.compile("id=\"probe\" data-scroll=\"(\\d+)\" data-client=\"(\\d+)\" data-svg=\"(\\d+)\"").matcher(dom);
        assertTrue(m.find(), "probe not found in the rendered DOM:\n" + dom.substring(0, Math.min(dom.length(), 2000)));
        int scroll = Integer.parseInt(m.group(1));
        int client = Integer.parseInt(m.group(2));
        assertTrue(client <= WIDTH && client > WIDTH / 2, "window width " + client);
        assertTrue(scroll <= client, name + " overflows: scrollWidth " + scroll + " > " + client);
        assertEquals(c.figure() ? 1 : 0, Integer.parseInt(m.group(3)), "figures drawn");
        Path shot = OUT.resolve(name + ".png").toAbsolutePath();
        chromium("--screenshot=" + shot, page.toAbsolutePath().toUri().toString());
        assertTrue(Files.size(shot) > 1000, "screenshot written");
    }

    private static String chromium(String... args) throws Exception {
        String exe = findChromium();
        Path profile = Files.createTempDirectory("migcheck-chromium");
        List<String> cmd = new ArrayList<>(List.of(exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=" + WIDTH + ",1000"));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("migcheck-chromium", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("chromium did not finish in 90 s");
            }
            assertEquals(0, p.exitValue(), () -> "chromium failed: " + read(log));
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            // the profile and the log are scratch: a run of the suite must not leave them in the temporary directory
            MoreFiles.deleteRecursively(profile, RecursiveDeleteOption.ALLOW_INSECURE);
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String findChromium() {
        String found = chromiumOnPath();
        if (found == null) {
            fail("chromium not found on the PATH: install it (apt-get install -y chromium; .ci/run does) or run with -Dmigcheck.noBrowser=true");
        }
        return found;
    }

    /** The chromium (or chromium-browser) program on the PATH, or null when there is none. */
    static String chromiumOnPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String n : new String[] {"chromium", "chromium-browser"}) {
                if (Files.isExecutable(Path.of(dir, n))) {
                    return Path.of(dir, n).toString();
                }
            }
        }
        return null;
    }
}
