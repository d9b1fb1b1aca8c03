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
        // a lock-order report's two acquisition paths fail nowhere alone, and a stuck thread's continuation is no path into a
        // state: neither is drawn, and standard error says so
        CliRun gated = CliRun.run("export", "--dot", "abba-gated");
        assertTrue(!gated.out().contains("penwidth") && gated.err().contains("; check: violated lock-order.cycle (not drawn);"), gated.err());
        CliRun ordered = CliRun.run("export", "--dot", "abba-ordered");
        assertTrue(!ordered.out().contains("penwidth") && ordered.err().contains("; check: holds;"), ordered.err());
        CliRun stuck = CliRun.run("export", "--dot", "starved-waiter", "--variant", "no-setter");
        assertTrue(stuck.err().contains("; check: stuck (not drawn);"), stuck.err());
    }

    /**
     * By hand: t sets x to 1, then to 2; the invariant "x is never 1" fails in the state after the first step, which is
     * drawn red and not expanded: 2 states, 1 transition. A choice names each alternative on its edge and all of them in
     * the state where it is next; a node shows the variables that differ from the initial state only.
     */
    @Test
    void invariantsChoicesAndLabels(@TempDir Path dir) throws Exception {
        Model.Builder b = Model.builder("inv");
        org.migcheck.model.lang.Var x = b.var("x", 0, 2, 0);
        b.thread("t", body -> body.step(Step.named("set").args(e -> "1").does(e -> e.set(x, 1)).build())
                .step(Step.named("set").args(e -> "2").does(e -> e.set(x, 2)).build()));
        org.migcheck.properties.Invariant notOne = org.migcheck.properties.Invariant.of("test.x-not-1", "x is never 1", "-",
                st -> org.migcheck.properties.Check.unless(st.get(x) == 1, () -> "x is 1"));
        StateGraphDot.Result r = StateGraphDot.of(b.build(), org.migcheck.properties.RuleSet.of(List.of(notOne), false), "inv", 100);
        assertEquals(List.of(2, 1L, 0, 0, 1), List.of(r.states(), r.transitions(), r.failing(), r.deadlocks(), r.invariants()));
        assertTrue(r.dot().contains("  s0 [label=\"s0 (initial)\\lx: 0\\lt: next set(1)\\l\", style=bold];\n"), r.dot());
        assertTrue(r.dot().matches("(?s).*  s1 \\[label=\"s1\\\\lx: 1\\\\lt: next set\\(2\\)\\\\l[^\"]*x is 1\\\\l\", color=red, fontcolor=red\\];.*"),
                r.dot());
        assertEquals(1, count(r.dot(), "(?m)^  s\\d+ -> "), r.dot());
        // a choice, one alternative's name ending in a backslash (which must not escape the closing quote)
        Model.Builder c = Model.builder("choice");
        org.migcheck.model.lang.Procedure chooser = c.thread("chooser");
        org.migcheck.model.lang.Local l = chooser.local("c", 0, 2);
        chooser.body(body -> body.step(org.migcheck.model.lang.Steps.choose("pick", l, 3, a -> new String[] {"left", "mid", "right\\"}[a])));
        StateGraphDot.Result ch = StateGraphDot.of(c.build(), KernelRules.all(), "choice", 100);
        // a finished thread keeps no locals: the three alternatives end in one state
        assertEquals(List.of(2, 3L), List.of(ch.states(), ch.transitions()), ch.dot());
        assertTrue(ch.dot().contains("chooser: next pick() -> left | pick() -> mid | pick() -> right\\\\\\l"), ch.dot());
        assertEquals(List.of("  s0 -> s1 [label=\"chooser: pick() -> left\"];", "  s0 -> s1 [label=\"chooser: pick() -> mid\"];",
                "  s0 -> s1 [label=\"chooser: pick() -> right\\\\\"];"), ch.dot().lines().filter(z -> z.contains("->") && z.startsWith("  s0 ->")).toList());
        if (onPath("dot")) {
            for (StateGraphDot.Result g : List.of(r, ch)) {
                Path in = dir.resolve("g.dot");
                Files.writeString(in, g.dot(), StandardCharsets.UTF_8);
                Process p = new ProcessBuilder("dot", "-Tsvg", in.toString(), "-o", dir.resolve("g.svg").toString()).redirectErrorStream(true).start();
                String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertEquals(List.of(0, ""), List.of(p.exitValue(), said), g.dot());
            }
        }
    }

    /** abba has 19 states (the brute force's count above): a limit of 19 draws them, 18 writes nothing; -o gets what standard output does. */
    @Test
    void theLimitIsInclusiveAndAFileGetsTheSameText(@TempDir Path dir) throws Exception {
        CliRun exact = CliRun.run("export", "--dot", "abba", "--max-states", "19");
        assertEquals(0, exact.code(), exact.err());
        CliRun under = CliRun.run("export", "--dot", "abba", "--max-states", "18");
        assertEquals(4, under.code(), under.err());
        Path f = dir.resolve("abba.dot");
        CliRun file = CliRun.run("export", "--dot", "abba", "-o", f.toString());
        assertEquals(0, file.code(), file.err());
        assertEquals("", file.out());
        assertEquals(exact.out(), Files.readString(f, StandardCharsets.UTF_8));
        assertTrue(file.err().startsWith("19 states, 22 transitions (0 failing), 1 deadlock states, 0 states that fail by themselves;"),
                file.err());
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
