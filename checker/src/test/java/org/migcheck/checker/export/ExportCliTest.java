package org.migcheck.checker.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.checker.testing.CliRun.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.testing.CliRun;

/** {@code migcheck export --promela}: the program on standard output, a summary and one-line errors on standard error. */
class ExportCliTest {

    @Test
    void exportsOneProcessPerThreadAndSaysWhatIsNotExpressible() {
        CliRun r = run("export", "--promela", "philosophers", "--variant", "ordered", "--set", "n=3");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.out().split("active proctype p", -1).length - 1, r.out());
        assertTrue(r.out().contains("active proctype monitor()"), r.out());
        assertTrue(r.out().contains("d_step { t0_pc == 0 && (g0_fork0 == 0) ->"), r.out());
        assertTrue(r.err().startsWith("states: exact"), r.err());
        assertTrue(r.err().contains("not expressible: lock-order.cycle"), r.err());
        assertTrue(r.err().contains("not expressible: stuck threads"), r.err());
    }

    /** The commands to check the program carry the state vector's size (pan's default 1024 bytes was too small for wide models). */
    @Test
    void theProgramAndTheSummarySayWhichVectorSizePanNeeds() {
        CliRun r = run("export", "--promela", "source-locked-alloc", "--variant", "two-migrators-order-filter", "--set", "migrators=4");
        assertEquals(0, r.code(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("check it with: spin -a FILE\\.pml; gcc -O2 -DSAFETY -DNOREDUCE"
                + " -DVECTORSZ=(\\d+) -o pan pan\\.c; \\./pan").matcher(r.err());
        assertTrue(m.find(), r.err());
        assertTrue(Integer.parseInt(m.group(1)) > 1024, m.group(1));
        assertTrue(r.out().contains(" *   spin -a FILE.pml; gcc -O2 -DSAFETY -DNOREDUCE -DVECTORSZ=" + m.group(1) + " -o pan pan.c; ./pan\n"),
                r.out().substring(0, 800));
        CliRun small = run("export", "--promela", "abba");
        assertTrue(small.err().contains("-DVECTORSZ=1024 "), small.err());
    }

    @Test
    void errorsAreUsageErrorsWithExitCode64() {
        for (String[] args : new String[][] {
                {"export", "--promela", "nosuch"},
                {"export", "--promela", "philosophers", "--variant", "nosuch"},
                {"export", "--promela", "philosophers", "--set", "n=99"},
                {"export", "--promela", "philosophers", "--set", "nosuch=1"}}) {
            CliRun r = run(args);
            assertEquals(64, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("migcheck export: "), r.err());
            assertTrue(r.err().strip().split("\n").length <= 2, r.err()); // the fault, then the help hint
            assertFalse(r.err().contains("Exception"), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void outputFileIsReplacedWholeOrNotAtAll(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("p.pml");
        Files.writeString(target, "old");
        CliRun r = run("export", "--promela", "philosophers", "--set", "n=2", "-o", target.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(target).contains("active proctype monitor()"));
        // no file of its own left beside the target
        try (var files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
        // the file keeps its mode (the file of its own is created private), a link stays a link and its target is written
        if (Files.getFileAttributeView(target, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
            assertEquals(0, run("export", "--promela", "philosophers", "--set", "n=2", "-o", target.toString()).code());
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
            Path fresh = dir.resolve("new.pml");
            assertEquals(0, run("export", "--promela", "philosophers", "--set", "n=2", "-o", fresh.toString()).code());
            Path touched = Files.createFile(dir.resolve("touched")); // the mode a new file gets in this process
            assertEquals(Files.getPosixFilePermissions(touched), Files.getPosixFilePermissions(fresh));
            Files.delete(fresh);
            Files.delete(touched);
            // a new file follows the umask (it was made rw-r--r-- whatever the umask; a review under umask 077)
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder("bash", "-c", "umask 077 && exec \"$0\" -cp \"$1\" org.migcheck.checker.cli.Main export --promela"
                    + " philosophers --set n=2 -o \"$2\"", javaBin, System.getProperty("java.class.path"), fresh.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
            Files.delete(fresh);
        }
        // a long name exports as before the umask change (its file of its own beside it is 14 characters longer)
        Path longName = dir.resolve("p".repeat(240));
        assertEquals(0, run("export", "--promela", "philosophers", "--set", "n=2", "-o", longName.toString()).code());
        Files.delete(longName);
        Path link = dir.resolve("link.pml");
        Files.createSymbolicLink(link, target.getFileName());
        Files.writeString(target, "old");
        assertEquals(0, run("export", "--promela", "philosophers", "--set", "n=2", "-o", link.toString()).code());
        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertTrue(Files.readString(target).contains("active proctype monitor()"), "its target is written");
        Files.delete(link);
        // bad paths are the command line's fault: 64, one line and the hint
        for (String bad : new String[] {"", dir.toString(), dir.resolve("nosuch/p.pml").toString()}) {
            CliRun b = run("export", "--promela", "philosophers", "--set", "n=2", "-o", bad);
            assertEquals(64, b.code(), bad + ": " + b.err());
            assertEquals(2, b.err().strip().split("\n").length, b.err());
        }
        // a write that fails on the way (a full device) is exit 74, not a usage error
        if (Files.exists(Path.of("/dev/full"))) {
            CliRun full = run("export", "--promela", "philosophers", "--set", "n=2", "-o", "/dev/full");
            assertEquals(74, full.code(), full.err());
            assertTrue(full.err().startsWith("migcheck export: cannot write '/dev/full': "), full.err());
            assertTrue(Files.exists(Path.of("/dev/full")) && !Files.isRegularFile(Path.of("/dev/full")), "the device stays a device");
        }
    }
}
