package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.run.StateGraphDot;
import org.migcheck.checker.testing.CliRun;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.zoo.Zoo;
import org.migcheck.properties.KernelRules;

/**
 * {@code export --dot}: the whole state graph, counted against the brute-force enumerator (which shares no code with
 * migcheck) on the zoo's models, and read back by Graphviz itself where it is installed (.ci/run installs it).
 */
class StateGraphDotTest {

    private static void sameAsBruteForce(Model m, BruteForce.Spec byHand, int failing) {
        StateGraphDot.Result r = StateGraphDot.of(m, KernelRules.all(), m.name(), 100_000);
        BruteForce.Result bf = BruteForce.explore(byHand);
        assertEquals(List.of(bf.distinct(), bf.transitions(), bf.deadlocks()), List.of(r.states(), r.transitions(), r.deadlocks()), m.name());
        assertEquals(failing, r.failing(), m.name());
        // one node line per state and per failing step, one edge line per transition
        assertEquals(r.states() + r.failing(), count(r.dot(), "(?m)^  [sf]\\d+ \\[label="), m.name());
        assertEquals(r.transitions(), count(r.dot(), "(?m)^  s\\d+ -> [sf]\\d+ \\[label="), m.name());
        assertEquals(r.deadlocks(), count(r.dot(), "peripheries=2"), m.name());
    }

    private static long count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void everyStateAndStepOfTheZoo() {
        sameAsBruteForce(Zoo.abbaModel(false, false), BruteForce.abba(false, false), 0);
        sameAsBruteForce(Zoo.abbaModel(true, false), BruteForce.abba(true, false), 0);
        sameAsBruteForce(Zoo.abbaModel(false, true), BruteForce.abba(false, true), 0);
        for (int n = 2; n <= 4; n++) {
            sameAsBruteForce(Zoo.philosophersModel(n, false), BruteForce.philosophers(n, false), 0);
            sameAsBruteForce(Zoo.philosophersModel(n, true), BruteForce.philosophers(n, true), 0);
        }
        // the racy counter's lost update is one failing step (the observer's assertion after two racing increments)
        assertTrue(BruteForce.explore(BruteForce.counter(false)).shortestFailure() > 0);
        sameAsBruteForce(Zoo.lostUpdateModel(false), BruteForce.counter(false), 1);
        sameAsBruteForce(Zoo.lostUpdateModel(true), BruteForce.counter(true), 0);
    }

    /** abba by hand: t1's first lock then t2's is the deadlock (A held by t1, B by t2), in red with a double outline. */
    @Test
    void theDeadlockStateIsMarked() {
        String dot = StateGraphDot.of(Zoo.abbaModel(false, false), KernelRules.all(), "abba", 100).dot();
        Matcher m = Pattern.compile("(?m)^  (s\\d+) \\[label=\"(.*)\", color=red, fontcolor=red, peripheries=2\\];$").matcher(dot);
        assertTrue(m.find(), dot);
        assertEquals("s4\\lA: held by t1\\lB: held by t2\\lt1: blocked in mutex_lock(B)\\lt2: blocked in mutex_lock(A)\\l"
                + "deadlock: 2 threads blocked\\l", m.group(2).replaceFirst("^s\\d+", "s4"));
        assertTrue(dot.contains("  s0 [label=\"s0 (initial)\\lA: free\\lB: free\\lt1: next mutex_lock(A)\\lt2: next mutex_lock(B)\\l\","
                + " style=bold];"), dot);
    }

    /** The counterexample check prints is drawn bold with its steps numbered: abba's two locks, the counter's six steps. */
    @Test
    void checksCounterexampleIsBold() {
        CliRun abba = CliRun.run("export", "--dot", "abba");
        assertEquals(0, abba.code(), abba.err());
        assertEquals(List.of("  s0 -> s1 [label=\"#1 t1: mutex_lock(A)\", penwidth=3, style=bold];",
                "  s1 -> s4 [label=\"#2 t2: mutex_lock(B)\", penwidth=3, style=bold];"),
                abba.out().lines().filter(l -> l.contains("penwidth")).toList());
        assertTrue(abba.out().contains("  s4 [label=\"s4\\lA: held by t1\\lB: held by t2\\l"), abba.out());
        assertTrue(abba.err().contains("; check: deadlock, its counterexample bold, steps numbered #1-#2;"), abba.err());
        CliRun racy = CliRun.run("export", "--dot", "counter", "--variant", "racy");
        List<String> bold = racy.out().lines().filter(l -> l.contains("penwidth")).toList();
        assertEquals(6, bold.size(), racy.out());
        assertTrue(bold.get(5).matches("  s\\d+ -> f0 \\[label=\"#6 observer: assert\\(x == 2\\)\", color=red, fontcolor=red, penwidth=3,"
                + " style=bold\\];"), bold.get(5));
        CliRun ordered = CliRun.run("export", "--dot", "abba-ordered");
        assertTrue(!ordered.out().contains("penwidth") && ordered.err().contains("; check: holds;"), ordered.err());
        CliRun stuck = CliRun.run("export", "--dot", "starved-waiter", "--variant", "no-setter");
        assertTrue(stuck.err().contains("; check: stuck (not drawn);"), stuck.err());
    }

    @Test
    void tooLargeWritesNothing() {
        assertNull(StateGraphDot.of(Zoo.philosophersModel(4, false), KernelRules.all(), "p", 10).dot());
        CliRun r = CliRun.run("export", "--dot", "philosophers", "--set", "n=5", "--max-states", "100");
        assertEquals(4, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("migcheck export: philosophers-5 has more than 100 states, too many to draw"), r.err());
        CliRun promela = CliRun.run("export", "--promela", "abba", "--max-states", "100");
        assertEquals(64, promela.code(), promela.err());
        CliRun both = CliRun.run("export", "--promela", "--dot", "abba");
        assertEquals(64, both.code(), both.err());
    }

    /** Graphviz reads what we write, also labels with quotes and backslashes, and draws every node and edge. */
    @Test
    void graphvizReadsIt(@TempDir Path dir) throws Exception {
        if (!onPath("dot")) {
            if (System.getenv("CI") != null) {
                org.junit.jupiter.api.Assertions.fail("CI is set but Graphviz's dot is missing: .ci/run installs it (apt-get install -y graphviz)");
            }
            Assumptions.abort("Graphviz (dot) is not installed: the export --dot drawing check did not run");
        }
        Model.Builder b = Model.builder("quotes \"and\" \\back\\slashes");
        b.thread("t\"1", body -> body.step(Step.named("say(\"hi\\n\")").build()).step(Step.named("end\\").build()));
        b.thread("t2", body -> body.step(Step.named("{x}").build()));
        for (Model m : List.of(b.build(), Zoo.lostUpdateModel(false), Zoo.philosophersModel(3, false))) {
            StateGraphDot.Result r = StateGraphDot.of(m, KernelRules.all(), m.name(), 1_000);
            Path in = dir.resolve("g.dot");
            Path out = dir.resolve("g.svg");
            Files.writeString(in, r.dot(), StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("dot", "-Tsvg", in.toString(), "-o", out.toString()).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), said + r.dot());
            assertEquals("", said, r.dot()); // no warning either
            String svg = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(r.states() + r.failing(), count(svg, "class=\"node\""), m.name());
            assertEquals(r.transitions(), count(svg, "class=\"edge\""), m.name());
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
