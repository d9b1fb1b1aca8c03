package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.migcheck.checker.cli.Main;
import org.migcheck.checker.cluster.HazelcastCluster;
import org.migcheck.checker.cluster.Identity;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search spread over member JVMs started as separate processes on 127.0.0.1: identical results
 * to the single-process search on every catalogue variant and 200 seeded random models with 2 and 3
 * members (one cluster of three member processes serves every model); a member killed with SIGKILL
 * or stopped with SIGSTOP (hung) mid-run ends the coordinator INCOMPLETE (exit 4) naming it within
 * 30 s, and the surviving member exits too; a member with other code and a wrong cluster name are refused.
 *
 * <p>The members never build the models: they decide only the visited-set partitions they own, on
 * packed state vectors. What must agree is the code (checked at connect time).
 */
class ClusterProcessTest {
    static final String CLUSTER = "migcheck-test-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    static final List<Member> MEMBERS = new ArrayList<>();
    static HazelcastCluster two;
    static HazelcastCluster three;

    /** A member process and the lines it printed. */
    static final class Member {
        final Process process;
        final String address;
        final List<String> out = Collections.synchronizedList(new ArrayList<>());

        Member(Process p, String address) {
            this.process = p;
            this.address = address;
            pump(p.getInputStream());
            pump(p.getErrorStream());
        }

        private void pump(java.io.InputStream in) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        out.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        /** Whether a line printed after the first {@code from} lines contains {@code text}, waiting up to {@code millis}. */
        boolean awaitAfter(int from, String text, long millis) throws InterruptedException {
            long end = System.currentTimeMillis() + millis;
            do {
                synchronized (out) {
                    if (out.subList(Math.min(from, out.size()), out.size()).stream().anyMatch(l -> l.contains(text))) {
                        return true;
                    }
                }
                Thread.sleep(50);
            } while (System.currentTimeMillis() < end);
            return false;
        }

        boolean await(String text, long millis) throws InterruptedException {
            long end = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < end) {
                synchronized (out) {
                    for (String l : out) {
                        if (l.contains(text)) {
                            return true;
                        }
                    }
                }
                if (!process.isAlive() && !text.isEmpty()) {
                    Thread.sleep(200);
                    synchronized (out) {
                        return out.stream().anyMatch(l -> l.contains(text));
                    }
                }
                Thread.sleep(50);
            }
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String java() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

    static Process migcheck(List<String> args) throws IOException {
        return migcheck("-Xmx512m", args);
    }

    /** The command line in a JVM of its own with heap option {@code heap}. */
    static Process migcheck(String heap, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xss8m", heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).start();
    }

    static Member member() throws IOException, InterruptedException {
        return memberWithOptions(List.of(), List.of());
    }

    static Member memberWithOptions(List<String> before, List<String> after) throws IOException, InterruptedException {
        String address = "127.0.0.1:" + freePort();
        List<String> args = new ArrayList<>(before);
        args.addAll(List.of("member", "--bind", address, "--cluster", CLUSTER));
        args.addAll(after);
        Member m = new Member(migcheck(args), address);
        if (!m.await("listening on " + address, 60_000)) {
            m.process.destroyForcibly();
            throw new AssertionError("member " + address + " did not start: " + m.out);
        }
        return m;
    }

    @BeforeAll
    static void startMembers() throws Exception {
        for (int i = 0; i < 3; i++) {
            MEMBERS.add(member());
        }
        String code = Identity.codeHash(List.of());
        two = HazelcastCluster.connect(List.of(MEMBERS.get(0).address, MEMBERS.get(1).address), CLUSTER, code, "");
        three = HazelcastCluster.connect(List.of(MEMBERS.get(0).address, MEMBERS.get(1).address, MEMBERS.get(2).address),
                CLUSTER, code, "");
    }

    @AfterAll
    static void stopMembers() throws InterruptedException {
        if (two != null) {
            two.close();
        }
        if (three != null) {
            three.close();
        }
        for (Member m : MEMBERS) {
            m.process.destroyForcibly();
            m.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void distributedChecksAgreeWithTheSingleProcessOnTheCatalogueAndRandomModels() {
        long t0 = System.nanoTime();
        int n = 0;
        for (Object[] c : EngineDifferentialTest.catalogue()) {
            compare((String) c[0], (Model) c[1], KernelRules.all());
            n++;
        }
        for (long seed = 1; seed <= 200; seed++) {
            RandomModels.Case c = RandomModels.generate(seed);
            compare("seed " + seed, c.model(), c.rules());
            n++;
        }
        assertTrue(n >= 250, n + " models");
        System.out.printf("cluster differential: %d models at 2 and 3 member processes in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }

    private static void compare(String name, Model m, RuleSet rules) {
        CheckResult one = Checker.check(m, rules, Options.defaults().withWorkers(1));
        for (HazelcastCluster c : new HazelcastCluster[] {two, three}) {
            long sent = c.messages();
            CheckResult r = Checker.check(m, rules, Options.defaults().withWorkers(2).withCluster(c));
            if (r.notes().stream().noneMatch(x -> x.startsWith("searched in this process only"))) {
                assertTrue(c.messages() > sent, name + ": no message reached the members");
            }
            EngineDifferentialTest.sameCheck(name + " over " + c.processes() + " processes: " + r.verdict() + " " + r.message() + " vs "
                    + one.verdict() + " " + one.message(), one, r);
            // goal answers and witnesses too: a spread run did not re-shorten witnesses found with partial-order reduction
            assertEquals(one.goals().keySet(), r.goals().keySet(), name);
            one.goals().forEach((g, a) -> {
                CheckResult.GoalResult b = r.goals().get(g);
                assertEquals(a.answer(), b.answer(), name + " " + g);
                assertEquals(a.shortest(), b.shortest(), name + " " + g);
                org.junit.jupiter.api.Assertions.assertArrayEquals(a.witness(), b.witness(), name + " " + g);
            });
        }
    }

    /**
     * Memory scales out: over three processes the coordinator holds packed vectors and parent links
     * only for the level being expanded and the one being built (bounded by the widest two levels
     * plus two pages), its own third of the visited set, and reads older states back from their owners.
     */
    @Test
    void theCoordinatorKeepsOnlyAWindowOfLevels() {
        org.migcheck.model.scenarios.Scenario s = org.migcheck.model.scenarios.Catalogue.all().stream()
                .filter(x -> x.id().equals("philosophers")).findFirst().orElseThrow();
        Model m = s.build(org.migcheck.model.scenarios.Knobs.resolve(s.id(), s.knobs(), java.util.Map.of("n", "8", "ordered", "true")));
        Footprint alone = new Footprint();
        CheckResult one = Checker.check(m, KernelRules.all(), Options.defaults().withWorkers(2), alone);
        Footprint spread = new Footprint();
        CheckResult r = Checker.check(m, KernelRules.all(), Options.defaults().withWorkers(2).withCluster(three), spread);
        assertEquals(one.verdict(), r.verdict());
        assertEquals(one.stats().distinct(), r.stats().distinct());
        assertEquals(-1, alone.retainedPeakBytes());
        long peak = spread.retainedPeakBytes();
        assertTrue(peak > 0 && peak <= spread.retainedBoundBytes(), peak + " bytes retained, bound " + spread.retainedBoundBytes());
        assertTrue(peak * 3 < alone.vectorBytes(), peak + " bytes retained against " + alone.vectorBytes() + " in one process");
        assertTrue(spread.ownedBytes() > 0 && spread.ownedBytes() * 2 < alone.storeBytes(),
                "own share " + spread.ownedBytes() + " against " + alone.storeBytes());
        System.out.printf("coordinator window: %d of %d vector bytes (bound %d), own share %d of %d store bytes, %d states%n", peak,
                alone.vectorBytes(), spread.retainedBoundBytes(), spread.ownedBytes(), alone.storeBytes(), r.stats().distinct());
    }

    @Test
    void aMemberKilledMidRunEndsTheRunIncompleteNamingIt() throws Exception {
        loseAMemberMidRun(false);
    }

    @Test
    void aHungMemberEndsTheRunIncompleteNamingIt() throws Exception {
        loseAMemberMidRun(true);
    }

    /** SIGKILL ({@code hang} false) or SIGSTOP one of two members while the coordinator (a separate process) searches. */
    private static void loseAMemberMidRun(boolean hang) throws Exception {
        Member survivor = memberWithOptions(List.of(), List.of("--once"));
        Member victim = member();
        // philosophers-10 (2,483,456 states): long enough that the run is still going when the member is lost; at n=9 the
        // whole spread search (2 s on a fast machine) could end between the liveness check below and the signal
        Process coordinator = migcheck(List.of("check", "philosophers", "--set", "n=10", "--set", "ordered=true", "--no-liveness",
                "--por", "off", "--symmetry", "off", "--quiet-progress", "--time-limit", "600", "--workers", "1",
                "--members", survivor.address + "," + victim.address, "--cluster", CLUSTER));
        Member coord = new Member(coordinator, "coordinator");
        String how = hang ? "SIGSTOP" : "SIGKILL";
        try {
            assertTrue(victim.await("serving coordinator", 60_000), "the victim never served: " + victim.out);
            Thread.sleep(2_000);
            assertTrue(coordinator.isAlive(), "the run ended before the " + how + ": " + coord.out);
            if (hang) {
                Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(victim.process.pid())).start();
                assertEquals(0, stop.waitFor(), "kill -STOP");
            } else {
                victim.process.destroyForcibly(); // SIGKILL
            }
            long at = System.nanoTime();
            assertTrue(coordinator.waitFor(30, TimeUnit.SECONDS), "the coordinator still runs 30 s after the " + how);
            double secs = (System.nanoTime() - at) / 1e9;
            coord.await("", 500);
            String out = String.join("\n", coord.out);
            assertEquals(4, coordinator.exitValue(), out);
            assertTrue(out.contains("INCOMPLETE") && out.contains("member " + victim.address + " lost"), out);
            assertTrue(!out.contains("HOLDS"), out);
            assertTrue(survivor.process.waitFor(30, TimeUnit.SECONDS), "the surviving --once member still runs: " + survivor.out);
            assertEquals(4, survivor.process.exitValue(), String.join("\n", survivor.out));
            System.out.printf("%s: coordinator ended %.1f s after it%n", how, secs);
        } finally {
            for (Process p : new Process[] {coordinator, survivor.process, victim.process}) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertTrue(!coordinator.isAlive() && !survivor.process.isAlive() && !victim.process.isAlive());
    }

    private static int cli(ByteArrayOutputStream err, String... args) {
        return Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Runs the command line in this JVM: {exit code, stdout}. */
    private static Object[] cliOut(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return new Object[] {code, out.toString(StandardCharsets.UTF_8)};
    }

    /** The text with every duration ("0.41 s", "706 states/s") blanked: they differ from run to run. */
    private static String timeless(String text) {
        return text.replaceAll("[0-9]+(\\.[0-9]+)? s\\b", "T s").replaceAll("[0-9]+ states/s", "R states/s");
    }

    private static String[] withMembers(List<String> args, Member... ms) {
        List<String> out = new ArrayList<>(args);
        out.add("--members");
        out.add(String.join(",", java.util.Arrays.stream(ms).map(m -> m.address).toList()));
        out.add("--cluster");
        out.add(CLUSTER);
        return out.toArray(new String[0]);
    }

    @Test
    void aSuiteSpreadOverMembersPrintsWhatOneProcessPrints() throws InterruptedException {
        List<String> args = List.of("suite", "movable-ops", "--vary", "getRef", "--vary", "checkIsolated", "--quiet-progress", "--workers", "1");
        Object[] one = cliOut(args.toArray(new String[0]));
        int[] before = {MEMBERS.get(0).out.size(), MEMBERS.get(1).out.size()};
        Object[] spread = cliOut(withMembers(args, MEMBERS.get(0), MEMBERS.get(1)));
        assertEquals(one[0], spread[0], (String) spread[1]);
        // the reports of mismatching combinations carry times, which differ from run to run
        assertEquals(timeless((String) one[1]), timeless((String) spread[1]));
        assertTrue(((String) one[1]).contains("6 combinations"), (String) one[1]);
        // and both members were connected for this suite (the log line of the handshake that names its scenario)
        for (int i = 0; i < 2; i++) {
            assertTrue(MEMBERS.get(i).awaitAfter(before[i], "for movable-ops", 10_000), String.join("\n", MEMBERS.get(i).out));
        }
    }

    /**
     * Coordinators share members: one that vanishes (SIGKILL) has its search dropped within the heartbeat timeout while
     * another goes on (it was kept until the last coordinator left), and a third that ends cleanly meanwhile does not
     * make --once members exit under the one still searching (they quit mid-search: "member lost"). From a review.
     */
    @Test
    void coordinatorsSharingMembersDoNotDisturbEachOther() throws Exception {
        Member m1 = memberWithOptions(List.of(), List.of("--once"));
        Member m2 = memberWithOptions(List.of(), List.of("--once"));
        List<Process> all = new ArrayList<>(List.of(m1.process, m2.process));
        try {
            // Y: a long search, stopped by its own budget: its time limit, or, on a machine fast enough to search all of
            // philosophers-11's 11,050,112 states within it (a quiet run took 41 s), its state limit just short of them
            Process y = migcheck(List.of("check", "philosophers", "--set", "n=11", "--set", "ordered=true", "--no-liveness",
                    "--quiet-progress", "--time-limit", "50", "--max-states", "11000000", "--members", m1.address + "," + m2.address,
                    "--cluster", CLUSTER));
            all.add(y);
            Member yOut = new Member(y, "coordinator Y");
            assertTrue(m1.await("serving coordinator", 60_000), String.join("\n", m1.out));
            // X: another long search on the same members, killed once it is served
            int before = m1.out.size();
            Process x = migcheck(List.of("check", "philosophers", "--set", "n=10", "--set", "ordered=true", "--no-liveness",
                    "--quiet-progress", "--members", m1.address + "," + m2.address, "--cluster", CLUSTER));
            all.add(x);
            assertTrue(m1.awaitAfter(before, "serving coordinator", 60_000), String.join("\n", m1.out));
            Thread.sleep(3_000);
            x.destroyForcibly(); // SIGKILL: no End, no goodbye
            assertTrue(m1.awaitAfter(before, "search(es) dropped", 25_000), "the vanished coordinator's search is still kept: "
                    + String.join("\n", m1.out));
            assertTrue(y.isAlive(), "Y ended early: " + yOut.out);
            // A: a short check that ends cleanly while Y still searches
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, cli(err, "check", "abba", "--quiet-progress", "--members", m1.address + "," + m2.address, "--cluster", CLUSTER),
                    err.toString(StandardCharsets.UTF_8));
            Thread.sleep(2_000);
            assertTrue(m1.process.isAlive() && m2.process.isAlive(), "a --once member quit under Y's search: " + m1.out + m2.out);
            assertTrue(y.isAlive(), "Y ended early: " + yOut.out);
            assertTrue(y.waitFor(120, TimeUnit.SECONDS), "Y still runs");
            yOut.await("", 500);
            String out = String.join("\n", yOut.out);
            assertEquals(4, y.exitValue(), out);
            assertTrue(!out.contains(" lost") && !out.contains("HOLDS"), out); // its own budget, not a member that left
            // now the last coordinator has ended: the --once members exit, 4 (X gave its run up)
            for (Member m : new Member[] {m1, m2}) {
                assertTrue(m.process.waitFor(30, TimeUnit.SECONDS), "a --once member still runs after the last coordinator: " + m.out);
                assertEquals(4, m.process.exitValue(), String.join("\n", m.out));
            }
        } finally {
            for (Process p : all) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A user's scenario and rule (test classes named by service files in {@code dir}) on a member started with the same --classpath. */
    @Test
    void aSuiteOfAUserScenarioRunsOnAMemberWithTheSameClasspath(@TempDir Path dir) throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve("org.migcheck.model.scenarios.Scenario"), "org.migcheck.checker.cli.PluginTest$MutexPlugin\n");
        Files.writeString(services.resolve("org.migcheck.properties.Rule"), "org.migcheck.checker.cli.PluginTest$QNeverHoldsA\n");
        Member m = memberWithOptions(List.of("--classpath", dir.toString()), List.of("--once"));
        try {
            List<String> args = List.of("--classpath", dir.toString(), "suite", "plugin-mutexes", "--quiet-progress", "--workers", "1");
            Object[] one = cliOut(args.toArray(new String[0]));
            Object[] spread = cliOut(withMembers(args, m));
            assertEquals(one[0], spread[0], (String) spread[1]);
            // the mismatching combination's report carries times, which differ from run to run
            assertEquals(timeless((String) one[1]), timeless((String) spread[1]));
            assertTrue(((String) one[1]).contains("plugin.q-never-holds-a") && ((String) one[1]).contains("2 combinations"), (String) one[1]);
            assertTrue(m.await("serving coordinator", 10_000) && m.await("for plugin-mutexes", 1_000), String.join("\n", m.out));
        } finally {
            m.process.destroyForcibly();
            m.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void randomWalksSpreadOverTwoMembersGiveTheSingleProcessResult() {
        for (List<String> args : List.of(
                // a deadlock found by some walk: the first failing walk by index, shrunk the same way
                List.of("check", "philosophers", "--set", "n=6", "--strategy", "random", "--seed", "5", "--walks", "400", "--quiet-progress"),
                // nothing found: generated and distinct counts over all walks
                List.of("check", "philosophers", "--set", "n=5", "--set", "ordered=true", "--strategy", "random", "--seed", "9",
                        "--walks", "600", "--quiet-progress"))) {
            Object[] one = cliOut(args.toArray(new String[0]));
            Object[] spread = cliOut(withMembers(args, MEMBERS.get(0), MEMBERS.get(1)));
            assertEquals(one[0], spread[0], (String) spread[1]);
            assertEquals(timeless((String) one[1]), timeless((String) spread[1]));
        }
    }

    @Test
    void aMemberKilledMidSuiteEndsItIncompleteNamingIt() throws Exception {
        loseAMemberMidJobs(List.of("suite", "philosophers", "--vary", "n", "--set", "ordered=true", "--quiet-progress", "--workers", "1"),
                "suite INCOMPLETE");
    }

    @Test
    void aMemberKilledMidSuiteInJsonStillWritesADocument(@TempDir Path dir) throws Exception {
        // the suite printed its text line whatever --format asked for (a reviewer's finding): now a suite document
        // whose every combination has no verdict, naming the lost member; and its --report file is written too
        Path junit = dir.resolve("suite.xml");
        loseAMemberMidJobs(List.of("suite", "philosophers", "--vary", "n", "--set", "ordered=true", "--quiet-progress", "--workers", "1",
                "--format", "json", "--report", "junit=" + junit), "\"kind\" : \"suite\"", junit);
    }

    /**
     * A member that fails a task (here its heap runs out) is given up like one that died: the coordinator ends
     * INCOMPLETE naming it, and both --once members exit 4 (they exited 0: the run looked finished to them).
     */
    @Test
    void aMemberThatFailsATaskEndsTheRunAndItsMembersExit4() throws Exception {
        Member survivor = memberWithOptions(List.of(), List.of("--once"));
        String address = "127.0.0.1:" + freePort();
        Member starved = new Member(migcheck("-Xmx48m", List.of("member", "--bind", address, "--cluster", CLUSTER, "--once")), address);
        assertTrue(starved.await("listening on " + address, 60_000), "member did not start: " + starved.out);
        // philosophers-11: 11 million states, half of them far more than a 48 MiB heap holds
        Process coordinator = migcheck("-Xmx1g", List.of("check", "philosophers", "--set", "n=11", "--set", "ordered=true", "--no-liveness",
                "--por", "off", "--symmetry", "off", "--quiet-progress", "--workers", "1",
                "--members", survivor.address + "," + starved.address, "--cluster", CLUSTER));
        Member coord = new Member(coordinator, "coordinator");
        try {
            assertTrue(coordinator.waitFor(120, TimeUnit.SECONDS), "the coordinator still runs: " + coord.out);
            coord.await("", 500);
            String out = String.join("\n", coord.out);
            assertEquals(4, coordinator.exitValue(), out);
            assertTrue(out.contains("INCOMPLETE") && out.contains("member " + starved.address + " lost"), out);
            for (Member m : List.of(survivor, starved)) {
                assertTrue(m.process.waitFor(30, TimeUnit.SECONDS), "a --once member still runs: " + m.out);
                assertEquals(4, m.process.exitValue(), m.address + ": " + String.join("\n", m.out));
            }
        } finally {
            for (Process p : new Process[] {coordinator, survivor.process, starved.process}) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void oneMemberUnderTwoNamesIsRefused() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int port = freePort();
        assertEquals(64, cli(err, "check", "philosophers", "--members", "127.0.0.1:" + port + ",localhost:" + port, "--cluster", CLUSTER));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--members lists one member twice: 127.0.0.1:" + port + " and localhost:"
                + port + " are both 127.0.0.1:" + port), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMemberKilledMidSwarmEndsItIncompleteNamingIt() throws Exception {
        // walks that find nothing, far more than can run before the kill
        loseAMemberMidJobs(List.of("check", "philosophers", "--set", "n=9", "--set", "ordered=true", "--strategy", "random",
                "--walks", "50000000", "--max-depth", "200", "--quiet-progress"), "INCOMPLETE");
    }

    /** SIGKILL one of two members while the coordinator (a separate process) runs {@code args} spread over them. */
    private static void loseAMemberMidJobs(List<String> args, String incomplete) throws Exception {
        loseAMemberMidJobs(args, incomplete, null);
    }

    /** As above; {@code junit}, when not null, is the run's --report junit file, which must name the lost member too. */
    private static void loseAMemberMidJobs(List<String> args, String incomplete, Path junit) throws Exception {
        Member survivor = memberWithOptions(List.of(), List.of("--once"));
        Member victim = member();
        List<String> cmd = new ArrayList<>(args);
        cmd.addAll(List.of("--members", victim.address + "," + survivor.address, "--cluster", CLUSTER));
        Process coordinator = migcheck(cmd);
        Member coord = new Member(coordinator, "coordinator");
        try {
            assertTrue(victim.await("serving coordinator", 60_000), "the victim never served: " + victim.out);
            Thread.sleep(3_000);
            assertTrue(coordinator.isAlive(), "the run ended before the SIGKILL: " + coord.out);
            victim.process.destroyForcibly(); // SIGKILL
            long at = System.nanoTime();
            assertTrue(coordinator.waitFor(30, TimeUnit.SECONDS), "the coordinator still runs 30 s after the SIGKILL");
            double secs = (System.nanoTime() - at) / 1e9;
            coord.await("", 500);
            String out = String.join("\n", coord.out);
            assertEquals(4, coordinator.exitValue(), out);
            assertTrue(out.contains(incomplete) && out.contains("member " + victim.address + " lost"), out);
            assertTrue(!out.contains("HOLDS"), out);
            if (junit != null) {
                String xml = Files.readString(junit, StandardCharsets.UTF_8);
                assertTrue(xml.startsWith("<?xml") && xml.contains("<testsuite") && xml.contains("member " + victim.address + " lost"), xml);
                assertTrue(xml.contains("<failure"), xml); // combinations with an expectation and no verdict fail
            }
            assertTrue(survivor.process.waitFor(30, TimeUnit.SECONDS), "the surviving --once member still runs: " + survivor.out);
            assertEquals(4, survivor.process.exitValue(), String.join("\n", survivor.out));
            System.out.printf("%s, SIGKILL: coordinator ended %.1f s after it%n", args.get(0), secs);
        } finally {
            for (Process p : new Process[] {coordinator, survivor.process, victim.process}) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertTrue(!coordinator.isAlive() && !survivor.process.isAlive() && !victim.process.isAlive());
    }

    @Test
    void aMemberWithOtherCodeIsRefused(@TempDir Path dir) throws Exception {
        // an extra class-path entry is other model code, as a different migcheck build would be
        Files.writeString(dir.resolve("extra.txt"), "not the coordinator's code");
        Member other = memberWithOptions(List.of("--classpath", dir.toString()), List.of("--once"));
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = cli(err, "check", "abba", "--members", other.address, "--cluster", CLUSTER);
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(64, code, text);
            assertTrue(text.contains("member " + other.address + " refuses") && text.contains("different migcheck version or model classpath"), text);
            assertTrue(other.await("refused", 10_000), String.join("\n", other.out));
            assertTrue(other.process.waitFor(30, TimeUnit.SECONDS), "the --once member still runs");
        } finally {
            other.process.destroyForcibly();
            other.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWrongClusterNameIsRefused() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String address = MEMBERS.get(0).address;
        int code = cli(err, "check", "abba", "--members", address, "--cluster", "migcheck-not-the-secret-0000");
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(64, code, text);
        assertTrue(text.contains("member " + address + " not joined") && text.contains("wrong --cluster name"), text);
    }
}
