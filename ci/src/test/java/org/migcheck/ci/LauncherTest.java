package org.migcheck.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./migcheck} rebuilds its jar only for a newer file of the modules the jar holds: a user who keeps their own
 * model sources in the checkout (README's "Without Maven" compiles them there) got an {@code mvn install} of
 * migcheck on every edit, or exit 69 without Maven (a reviewer's finding). Run on a copy of the launcher in a
 * checkout of its own, with a stand-in {@code mvn} first on the PATH that records each call.
 */
class LauncherTest {
    record Run(int code, String out, String err) {}

    static Run launch(Path home, Path fakeBin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", home.resolve("migcheck").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PATH", fakeBin + ":" + System.getenv("PATH"));
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not end");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static void old(Path f) throws IOException {
        Files.setLastModifiedTime(f, FileTime.fromMillis(946_684_800_000L)); // 2000-01-01
    }

    static Path file(Path home, String rel, String text) throws IOException {
        Path f = home.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    @Test
    void onlyTheJarsOwnModulesTriggerABuild(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("checkout");
        Files.createDirectories(home.resolve("checker/target"));
        Files.copy(Path.of("..", "migcheck"), home.resolve("migcheck"));
        Files.copy(Path.of("..", "checker", "target", "migcheck.jar"), home.resolve("checker/target/migcheck.jar"));
        Path calls = dir.resolve("mvn-calls");
        Path fake = file(dir, "bin/mvn", "#!/bin/sh\necho \"$@\" >> '" + calls + "'\nexit 1\n");
        assertTrue(fake.toFile().setExecutable(true));
        for (String m : List.of("", "model/", "properties/", "checker/")) {
            old(file(home, m + "pom.xml", "<project/>"));
        }
        Path modelSource = file(home, "model/src/main/java/A.java", "class A {}");
        old(modelSource);
        // the jar is newer than every file of its modules; a user's model, the ci module and examples are newer still
        file(home, "mine/src/org/me/MyModel.java", "class MyModel {}");
        file(home, "ci/src/test/java/T.java", "class T {}");
        file(home, "examples/E.java", "class E {}");
        Run r = launch(home, dir.resolve("bin"), "--version");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("migcheck 0.1.0", r.out().strip());
        assertFalse(Files.exists(calls), "mvn was run for files outside the jar's modules");
        // a source of a module the jar holds, newer than the jar: the launcher builds (the stand-in fails: exit 70)
        Files.setLastModifiedTime(modelSource, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Run stale = launch(home, dir.resolve("bin"), "--version");
        assertEquals(70, stale.code(), stale.out() + stale.err());
        assertTrue(stale.err().contains("migcheck: building ") && stale.err().contains("migcheck: build failed"), stale.err());
        assertTrue(Files.readString(calls, StandardCharsets.UTF_8).contains("install"), Files.readString(calls));
    }

    /**
     * A heap too small to build the command line: exit 4 (INCOMPLETE) and the one line, not the JVM's exit 1
     * (VIOLATED) with a stack trace. On a heap a little larger the search itself runs out, which also ends
     * INCOMPLETE; either way no other verdict and no stack trace. (The launcher's collector: with it the old code ran out
     * while building the command line, exit 1.)
     */
    @Test
    void aTinyHeapEndsIncompleteNotAsAVerdict() throws Exception {
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String heap : List.of("-Xmx3m", "-Xmx4m")) {
            Process p = new ProcessBuilder(jvm, heap, "-XX:+UseParallelGC", "-jar", Path.of("..", "checker", "target", "migcheck.jar").toString(),
                    "check", "abba", "--compress").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(4, p.exitValue(), heap + ": " + out);
            assertTrue(out.contains("out of memory"), heap + ": " + out);
            assertFalse(out.contains("\tat ") || out.contains("Exception in thread"), heap + ": " + out);
        }
    }

    /** A checkout of the launcher and the jar (newer than every module file there is: none) under {@code name} in {@code dir}. */
    static Path checkout(Path dir, String name) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("checker/target"));
        Files.copy(Path.of("..", "migcheck"), home.resolve("migcheck"));
        assertTrue(home.resolve("migcheck").toFile().setExecutable(true));
        Files.copy(Path.of("..", "checker", "target", "migcheck.jar"), home.resolve("checker/target/migcheck.jar"));
        return home;
    }

    static Run exec(java.util.Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not end");
        return new Run(p.exitValue(), out, err);
    }

    /**
     * The environments a new user's machine may give the launcher (a review ran it in each): a symlink to it from
     * another directory (it looked for the jar beside the link and ran Maven there, exit 70), {@code sh migcheck}
     * (dash stopped at pipefail, exit 2: DEADLOCK), a JAVA_HOME without java (ignored), no java at all (bash's "not found",
     * 127), a C locale with a checkout whose path is not ASCII (the JVM could not open its jar, exit 1: VIOLATED).
     */
    @Test
    void theLauncherRunsWhereANewUsersMachineHasIt(@TempDir Path dir) throws Exception {
        Path home = checkout(dir, "checkout");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("migcheck"), home.resolve("migcheck"));
        java.util.Map<String, String> noMvn = java.util.Map.of("PATH", System.getenv("PATH"));
        Run linked = exec(noMvn, bin.resolve("migcheck").toString(), "check", "counter", "--variant", "racy");
        assertEquals(1, linked.code(), linked.out() + linked.err());
        assertTrue(linked.out().contains("counter / racy: VIOLATED"), linked.out());
        assertTrue(linked.out().contains("replay: " + home.resolve("migcheck") + " replay "), linked.out());

        Run dash = exec(noMvn, "sh", home.resolve("migcheck").toString(), "--version");
        assertEquals(0, dash.code(), dash.err());
        assertEquals("migcheck 0.1.0", dash.out().strip());

        Run badHome = exec(java.util.Map.of("JAVA_HOME", dir.resolve("no-jdk").toString()), home.resolve("migcheck").toString(), "--version");
        assertEquals(69, badHome.code(), badHome.err());
        assertTrue(badHome.err().contains("JAVA_HOME") && badHome.err().contains("no bin/java"), badHome.err());

        // a PATH with bash and the tools the launcher uses, but no java
        Path tools = Files.createDirectories(dir.resolve("tools"));
        for (String t : List.of("bash", "dirname", "readlink", "find", "nproc", "awk", "rm", "mv", "grep", "head", "paste")) {
            for (String d : List.of("/usr/bin", "/bin")) {
                if (Files.isExecutable(Path.of(d, t))) {
                    Files.createSymbolicLink(tools.resolve(t), Path.of(d, t));
                    break;
                }
            }
        }
        Run missing = exec(java.util.Map.of(), "env", "-u", "JAVA_HOME", "PATH=" + tools, tools.resolve("bash").toString(),
                home.resolve("migcheck").toString(), "--version");
        assertEquals(69, missing.code(), missing.err());
        assertTrue(missing.err().contains("java is not on PATH"), missing.err());

        org.junit.jupiter.api.Assumptions.assumeTrue("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
                "this JVM cannot name a non-ASCII path itself");
        Path accented = checkout(dir, "r\u00e9 p\u00f6");
        Run c = exec(java.util.Map.of("LC_ALL", "C", "LANG", "C"), accented.resolve("migcheck").toString(), "check", "counter",
                "--variant", "racy");
        assertEquals(1, c.code(), c.out() + c.err());
        assertTrue(c.out().contains("counter / racy: VIOLATED"), c.out() + c.err());
    }

    /** The class-data archives in {@code home}'s checker/target, each checked to be as long as its name says. */
    static List<Path> archives(Path home) throws IOException {
        List<Path> found = new java.util.ArrayList<>();
        try (var files = Files.list(home.resolve("checker/target"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("migcheck-[0-9]+-([0-9]+)\\.jsa").matcher(f.getFileName().toString());
                if (m.matches()) {
                    assertEquals(Long.parseLong(m.group(1)), Files.size(f), f.toString());
                    found.add(f);
                } else {
                    assertFalse(f.getFileName().toString().endsWith(".jsa"), "an archive of another name: " + f);
                }
            }
        }
        return found;
    }

    /** A stand-in JDK: its own release file, and a bin/java that runs this test's java. */
    static Path jdk(Path dir, String name, String version) throws IOException {
        Path home = dir.resolve(name);
        file(home, "release", "JAVA_VERSION=\"" + version + "\"\n");
        Path bin = file(home, "bin/java", "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n");
        assertTrue(bin.toFile().setExecutable(true));
        return home;
    }

    static long fromArchive(Path classLog) throws IOException {
        return Files.readAllLines(classLog).stream().filter(l -> l.contains("shared objects file (top)")).count();
    }

    /**
     * The class-data archive belongs to the JVM that runs (a review switched to JDK 25: the JDK 17 archive was kept and
     * refused, with JDK 25's own archive turned off too, at every start) and is whole (a truncated one made JDK 17 crash
     * with SIGBUS at every start, exit 134); a JDK older than 17 is named (exit 1, VIOLATED, from
     * UnsupportedClassVersionError); the JVM's own warnings never go into a report on standard output.
     */
    @Test
    void theClassDataArchiveIsTheRunningJvmsAndWhole(@TempDir Path dir) throws Exception {
        Path home = checkout(dir, "checkout");
        String launcher = home.resolve("migcheck").toString();
        String jvm = System.getProperty("java.home");
        Run first = exec(java.util.Map.of("JAVA_HOME", jvm), launcher, "check", "counter", "--variant", "racy");
        assertEquals(1, first.code(), first.out() + first.err());
        List<Path> trained = archives(home);
        assertEquals(1, trained.size(), trained.toString());

        Path archive = trained.get(0);
        assertTrue(archive.toFile().setWritable(true));
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(archive, java.nio.file.StandardOpenOption.WRITE)) {
            c.truncate(Files.size(archive) / 2);
        }
        Run cut = exec(java.util.Map.of("JAVA_HOME", jvm), launcher, "check", "counter", "--variant", "racy", "--quiet-progress");
        assertEquals(1, cut.code(), cut.out() + cut.err());
        assertTrue(cut.out().contains("counter / racy: VIOLATED") && cut.err().isEmpty(), cut.out() + cut.err());
        assertEquals(1, archives(home).size());

        Path log = dir.resolve("classes.log");
        Path other = jdk(dir, "other-jdk", "17.0.99");
        Run switched = exec(java.util.Map.of("JAVA_HOME", other.toString(), "MIGCHECK_JAVA_OPTS", "-Xlog:class+load:file=" + log),
                launcher, "check", "counter", "--variant", "racy");
        assertEquals(1, switched.code(), switched.out() + switched.err());
        assertEquals(2, archives(home).size(), "the other JVM trains its own");
        assertTrue(fromArchive(log) > 100, "classes from the archive: " + fromArchive(log));
        Files.delete(log);
        Run back = exec(java.util.Map.of("JAVA_HOME", jvm, "MIGCHECK_JAVA_OPTS", "-Xlog:class+load:file=" + log),
                launcher, "check", "counter", "--variant", "racy");
        assertEquals(1, back.code(), back.out() + back.err());
        assertEquals(2, archives(home).size());
        assertTrue(fromArchive(log) > 100, "classes from the archive: " + fromArchive(log));

        for (String old : List.of("11.0.2", "1.8.0_392")) {
            Run tooOld = exec(java.util.Map.of("JAVA_HOME", jdk(dir, "jdk-" + old, old).toString()), launcher, "--version");
            assertEquals(69, tooOld.code(), tooOld.out() + tooOld.err());
            assertTrue(tooOld.err().contains("is Java " + old + "; migcheck needs Java 17 or later"), tooOld.err());
        }
        // a Java 8 JDK, whose bin/java links to its jre's (the release file is one directory up from that java)
        Path jdk8 = dir.resolve("jdk8");
        file(jdk8, "release", "JAVA_VERSION=\"1.8.0_392\"\n");
        Path jre = file(jdk8, "jre/bin/java", "#!/bin/sh\necho 'UnsupportedClassVersionError' >&2\nexit 1\n");
        assertTrue(jre.toFile().setExecutable(true));
        Files.createSymbolicLink(Files.createDirectories(jdk8.resolve("bin")).resolve("java"), Path.of("../jre/bin/java"));
        Run java8 = exec(java.util.Map.of("JAVA_HOME", jdk8.toString()), launcher, "--version");
        assertEquals(69, java8.code(), java8.out() + java8.err());
        assertTrue(java8.err().contains("is Java 1.8.0_392"), java8.err());
        // a version manager's shim (a script with no release file beside it): the JDK it runs is asked for its java.home
        Path jdk11 = jdk(dir, "jdk-behind-shim", "11.0.2");
        Path shim = file(dir, "shims/java", "#!/bin/sh\ncase \"$*\" in *-XshowSettings:properties*) echo '    java.home = " + jdk11
                + "' >&2; exit 0 ;; esac\nexec '" + Path.of(jvm, "bin", "java") + "' \"$@\"\n");
        assertTrue(shim.toFile().setExecutable(true));
        Run shimmed = exec(java.util.Map.of("JAVA_HOME", shim.getParent().getParent().resolve("no-such-jdk").toString()), "env", "-u",
                "JAVA_HOME", "PATH=" + shim.getParent() + ":" + System.getenv("PATH"), launcher, "--version");
        assertEquals(69, shimmed.code(), shimmed.out() + shimmed.err());
        assertTrue(shimmed.err().contains("is Java 11.0.2"), shimmed.err());
        // a shim that does not say its java.home: the archive is kept per what java -version says (another JDK behind it, another one)
        Path mute = file(dir, "mute/java", "#!/bin/sh\ncase \"$*\" in *-XshowSettings:properties*) exit 0 ;; -version) echo \"jdk $BEHIND\" >&2; exit 0 ;; esac\n"
                + "exec '" + Path.of(jvm, "bin", "java") + "' \"$@\"\n");
        assertTrue(mute.toFile().setExecutable(true));
        int before = archives(home).size();
        for (String behind : List.of("one", "two")) {
            Run r = exec(java.util.Map.of("BEHIND", behind), "env", "-u", "JAVA_HOME", "PATH=" + mute.getParent() + ":" + System.getenv("PATH"),
                    launcher, "check", "counter", "--variant", "racy", "--quiet-progress");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().isEmpty(), r.err());
        }
        assertEquals(Math.min(3, before + 2), archives(home).size(), "one archive for each JDK behind the shim, three kept");

        // a JVM warning (large pages asked for where none are configured, on this machine) goes to standard error
        Run warned = exec(java.util.Map.of("JAVA_HOME", jvm, "MIGCHECK_JAVA_OPTS", "-XX:+UseLargePages"),
                launcher, "check", "counter", "--variant", "racy", "--format", "json");
        assertEquals(1, warned.code(), warned.out() + warned.err());
        assertTrue(warned.out().startsWith("{") && warned.out().strip().endsWith("}"), warned.out());
        assertFalse(warned.out().contains("[warning]"), warned.out());
    }

    /**
     * Launchers started together on a checkout without a jar (a CI job's parallel steps) build it once: they ran Maven
     * together into the same target directories. The stand-in Maven takes a while and then puts the jar in place.
     */
    @Test
    void launchersStartedTogetherBuildOnce(@TempDir Path top) throws Exception {
        // the kernel's file lock where flock(1) is (here), and the lock directory the launcher uses elsewhere
        for (String mode : new String[] {"flock", "dir"}) {
            Path dir = Files.createDirectories(top.resolve(mode));
            Path home = checkout(dir, "checkout");
            Path jar = home.resolve("checker/target/migcheck.jar");
            Path built = Files.move(jar, dir.resolve("built.jar"));
            Path calls = dir.resolve("mvn-calls");
            Path fake = file(dir, "bin/mvn", "#!/bin/sh\necho \"$@\" >> '" + calls + "'\nsleep 3\ncp '" + built + "' '" + jar + "'\n");
            assertTrue(fake.toFile().setExecutable(true));
            List<Process> started = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("migcheck").toString(), "--version");
                pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
                pb.environment().put("MIGCHECK_BUILD_LOCK", mode);
                started.add(pb.start());
            }
            int waited = 0;
            for (Process p : started) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not end");
                assertEquals(0, p.exitValue(), out + err);
                assertEquals("migcheck 0.1.0", out.strip(), err);
                waited += err.contains("waiting for another ./migcheck") ? 1 : 0;
            }
            assertEquals(1, Files.readAllLines(calls).size(), mode + ": Maven runs: " + Files.readAllLines(calls));
            assertEquals(2, waited, mode);
            assertFalse(Files.exists(home.resolve(".migcheck-build.lock")), "the lock is left behind");
            assertEquals(mode.equals("flock"), Files.exists(home.resolve(".migcheck-build.flock")), mode);
            if (mode.equals("dir")) {
                // a lock left by a build that died (its pid now a live process of another kind: this test's JVM), an hour old
                Files.move(jar, built, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Path stale = Files.createDirectories(home.resolve(".migcheck-build.lock"));
                Files.writeString(stale.resolve("pid"), ProcessHandle.current().pid() + "\n");
                Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
                ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("migcheck").toString(), "--version");
                pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
                pb.environment().put("MIGCHECK_BUILD_LOCK", "dir");
                Process after = pb.redirectErrorStream(true).start();
                String out = new String(after.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(after.waitFor(120, TimeUnit.SECONDS), "launcher did not end");
                assertEquals(0, after.exitValue(), out);
                assertEquals(2, Files.readAllLines(calls).size(), "Maven runs: " + Files.readAllLines(calls));
                assertFalse(Files.exists(stale), "the lock is left behind");
            } else {
                // the file lock goes with the launcher that held it, killed mid-build: the next one builds at once
                Files.move(jar, built, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Path slow = file(dir, "bin/mvn", "#!/bin/sh\necho \"$@\" >> '" + calls + "'\nexec sleep 600\n");
                assertTrue(slow.toFile().setExecutable(true));
                ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("migcheck").toString(), "--version");
                pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
                Process killed = pb.redirectErrorStream(true).start();
                long deadline = System.currentTimeMillis() + 60_000;
                while (Files.readAllLines(calls).size() < 2 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(2, Files.readAllLines(calls).size(), "the build did not start");
                killed.descendants().forEach(ProcessHandle::destroyForcibly); // Maven (here: sleep) holds the file too
                killed.destroyForcibly();
                assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
                file(dir, "bin/mvn", "#!/bin/sh\necho \"$@\" >> '" + calls + "'\ncp '" + built + "' '" + jar + "'\n");
                assertTrue(dir.resolve("bin/mvn").toFile().setExecutable(true));
                ProcessBuilder next = new ProcessBuilder("bash", home.resolve("migcheck").toString(), "--version");
                next.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
                Process p = next.redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not end");
                assertEquals(0, p.exitValue(), out);
                assertFalse(out.contains("waiting for another"), out);
                assertEquals(3, Files.readAllLines(calls).size(), "Maven runs: " + Files.readAllLines(calls));
            }
        }
    }

    /**
     * Launchers that find one stale lock together build one after the other, never two at once: the launcher's own lock
     * code (from "lock=" to "# END build lock"), around a build that logs its start and end. With the lock taken over by
     * whoever removed it, a second launcher removed the lock the first had just made, and two builds overlapped (3 of 12
     * rounds), or one ended with exit 1 writing its pid into a lock removed under it.
     */
    @Test
    void launchersThatFindOneStaleLockTogetherBuildOneAtATime(@TempDir Path dir) throws Exception {
        String launcher = Files.readString(Path.of("..", "migcheck"));
        int from = launcher.indexOf("  lock=\"$here/.migcheck-build.lock\"");
        int to = launcher.indexOf("  # END build lock");
        assertTrue(from > 0 && to > from, "the launcher's lock code is not where this test looks for it");
        Path one = file(dir, "one.sh", "#!/usr/bin/env bash\nset -euo pipefail\nhere=\"$1\"\njar=x\n" + launcher.substring(from, to)
                + "take_build_lock 2>/dev/null\ntrap 'rm -rf \"$lock\"' EXIT\n"
                + "echo \"start $(date +%s%N)\" >> \"$here/log\"\nsleep 0.3\necho \"end $(date +%s%N)\" >> \"$here/log\"\n"
                + "rm -rf \"$lock\"\ntrap - EXIT\n");
        for (int round = 0; round < 6; round++) {
            Path home = Files.createDirectories(dir.resolve("home" + round));
            Path lock = Files.createDirectories(home.resolve(".migcheck-build.lock"));
            if (round % 2 == 0) {
                Process gone = new ProcessBuilder("true").start(); // a builder that is gone (pid_max may exceed 999999)
                assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
                Files.writeString(lock.resolve("pid"), gone.pid() + "\n");
            } else {
                Files.setLastModifiedTime(lock, FileTime.fromMillis(System.currentTimeMillis() - 120_000)); // never got an id
            }
            List<Process> started = new java.util.ArrayList<>();
            for (int k = 0; k < 4; k++) {
                started.add(new ProcessBuilder("bash", one.toString(), home.toString()).redirectErrorStream(true).start());
            }
            for (Process p : started) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a launcher waited for good");
                assertEquals(0, p.exitValue(), out);
            }
            List<String> log = Files.readAllLines(home.resolve("log"));
            List<long[]> events = new java.util.ArrayList<>();
            for (String l : log) {
                String[] w = l.split(" ");
                events.add(new long[] {Long.parseLong(w[1]), w[0].equals("start") ? 1 : -1});
            }
            events.sort((a, b) -> Long.compare(a[0], b[0]));
            int running = 0;
            for (long[] e : events) {
                running += (int) e[1];
                assertTrue(running <= 1, "two builds at once in round " + round + ": " + log);
            }
            assertEquals(8, log.size(), "each launcher builds once: " + log);
            assertFalse(Files.exists(lock), "the lock is left behind");
            assertFalse(Files.exists(home.resolve(".migcheck-build.lock.takeover")), "the takeover lock is left behind");
        }
    }
}
