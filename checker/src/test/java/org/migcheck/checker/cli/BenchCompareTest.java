package org.migcheck.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.migcheck.checker.testing.CliRun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.testing.CliRun;

/**
 * What {@code bench --compare-spin} may claim: a row gets times, rates and ratios only when both
 * searches covered the whole state space and agree; otherwise it says why and the exit code says
 * so too. pan is a stand-in here (a "spin" script that writes a pan.c printing canned output), so
 * that each way pan can end is tested without depending on SPIN's version; gcc compiles it.
 */
class BenchCompareTest {

    @Test
    void aSearchABudgetStoppedGetsNoRateNorRatio() {
        // with or without SPIN: migcheck's INCOMPLETE search is no benchmark
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--max-states", "100", "philosophers-4");
        assertEquals(4, r.code(), r.out() + r.err());
        String row = row(r, "philosophers-4");
        assertTrue(row.contains("incomplete; migcheck stopped before the end (max states 100): no rate or ratio"), row);
        assertFalse(row.matches(".*\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+incomplete.*"), "no ratio columns: " + row);
    }

    /** A pan that prints {@code panOutput} and exits 0, as pan does in every case below. */
    private static Path fakeSpin(Path dir, String panOutput) throws IOException {
        needGcc();
        StringBuilder lit = new StringBuilder();
        for (char c : panOutput.toCharArray()) {
            lit.append(c == '\n' ? "\\n" : c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.valueOf(c));
        }
        Files.writeString(dir.resolve("pan.c"), "#include <stdio.h>\nint main(void) { fputs(\"" + lit + "\", stdout); return 0; }\n");
        Path spin = dir.resolve("spin");
        Files.writeString(spin, "#!/bin/sh\ncase \"$1\" in -V) echo 'Spin Version 0 (a stand-in)'; exit 0;; esac\ncp '"
                + dir.resolve("pan.c") + "' pan.c\n");
        Files.setPosixFilePermissions(spin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return spin;
    }

    private static void needGcc() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) {
                return;
            }
        } catch (IOException e) {
            // below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (System.getenv("CI") != null) {
            fail("CI is set but gcc is missing: .ci/run installs it (apt-get install -y spin gcc)");
        }
        Assumptions.abort("gcc is not installed: pan's stand-in cannot be compiled");
    }

    /** pan's closing lines for a whole search of {@code states} states without errors. */
    private static String whole(long states) {
        return "State-vector 40 byte, depth reached 20, errors: 0\n" + states + " states, stored\n"
                + "    0.100\tactual memory usage for states\n  128.000\tmemory used for hash table (-w24)\n"
                + "  128.700\ttotal actual memory usage\n";
    }

    @Test
    void theRowWithBothWholeSearchesAgreeingGetsItsRatio(@TempDir Path dir) throws IOException {
        // philosophers-4 ordered: 320 states, as SPIN counts them (the series, n=2..8: 16, 72, 320, 1,424, ...)
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--spin", fakeSpin(dir, whole(320)).toString(), "philosophers-4");
        assertEquals(0, r.code(), r.out() + r.err());
        String row = row(r, "philosophers-4");
        assertTrue(row.matches("philosophers-4\\s+320\\s+320\\s.*\\s\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+holds"), row);
        assertTrue(r.out().contains("gcc -O2 -DSAFETY -DVECTORSZ=1024 -DNOREDUCE -o pan pan.c"), "the compile line that runs: " + r.out());
        assertTrue(r.out().contains("./pan -m100000"), r.out());
    }

    @Test
    void panStoppedByItsDepthBoundIsNoWholeSearch(@TempDir Path dir) throws IOException {
        String out = "error: max search depth too small\n" + whole(900);
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--spin", fakeSpin(dir, out).toString(), "philosophers-4");
        assertEquals(4, r.code(), r.out() + r.err());
        assertTrue(row(r, "philosophers-4").contains("pan did not search the whole state space (its depth bound -m was too small)"), r.out());
    }

    @Test
    void panOutOfMemoryIsNoWholeSearch(@TempDir Path dir) throws IOException {
        String out = "pan: out of memory\nWarning: Search not completed\n" + whole(900);
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--spin", fakeSpin(dir, out).toString(), "philosophers-4");
        assertEquals(4, r.code(), r.out() + r.err());
        assertTrue(row(r, "philosophers-4").contains("(it ran out of memory)"), r.out());
    }

    @Test
    void aDifferentCountOfTheSameTransitionSystemIsADisagreement(@TempDir Path dir) throws IOException {
        // --por off: migcheck's search is the unreduced one, so its 320 states must be pan's
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--por", "off", "--spin", fakeSpin(dir, whole(300)).toString(),
                "philosophers-4");
        assertEquals(70, r.code(), r.out() + r.err());
        assertTrue(row(r, "philosophers-4").contains("STATE COUNTS DIFFER: pan stored 300"), r.out());
        // with the partial-order reduction on, the unreduced search is run to tell a reduction from a disagreement
        CliRun on = run("bench", "--compare-spin", "--repeat", "1", "--por", "on", "--spin", fakeSpin(dir, whole(300)).toString(),
                "philosophers-4");
        assertEquals(70, on.code(), on.out() + on.err());
        assertTrue(row(on, "philosophers-4").contains("STATE COUNTS DIFFER: pan stored 300, migcheck's unreduced search 320"), on.out());
    }

    @Test
    void aReducedSearchSaysWhatItsRatioCompares(@TempDir Path dir) throws IOException {
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--por", "on", "--spin", fakeSpin(dir, whole(320)).toString(),
                "philosophers-4");
        assertEquals(0, r.code(), r.out() + r.err());
        String row = row(r, "philosophers-4");
        assertTrue(row.contains("migcheck reduced (its unreduced search stores pan's 320 states): the ratio compares migcheck's"
                + " reduced search with pan's unreduced one"), row);
        assertTrue(r.out().contains("unreduced migcheck (one run, warm): 320 states (= pan -DNOREDUCE)"), r.out());
    }

    @Test
    void panFindingAnErrorWhereMigcheckHoldsIsADisagreement(@TempDir Path dir) throws IOException {
        String out = "pan:1: assertion violated 0 (at depth 7)\npan: wrote model.pml.trail\nWarning: Search not completed\n"
                + "State-vector 40 byte, depth reached 7, errors: 1\n8 states, stored\n";
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--spin", fakeSpin(dir, out).toString(), "philosophers-4");
        assertEquals(70, r.code(), r.out() + r.err());
        assertTrue(row(r, "philosophers-4").contains("VERDICTS DIFFER: pan reports an error where migcheck's search ends holds"
                + " (pan:1: assertion violated 0 (at depth 7))"), r.out());
    }

    @Test
    void migcheckFindingADeadlockWherePanFindsNoneIsADisagreement(@TempDir Path dir) throws IOException {
        // abba deadlocks (7 states as migcheck stops there); a pan that searched everything without an error disagrees
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--spin", fakeSpin(dir, whole(11)).toString(), "abba");
        assertEquals(70, r.code(), r.out() + r.err());
        assertTrue(row(r, "abba").contains("deadlock; VERDICTS DIFFER: pan searched everything and found no error"), r.out());
    }

    @Test
    void aFailingModelNamesPansFirstErrorAndComparesNoPartialCount(@TempDir Path dir) throws IOException {
        // abba deadlocks; pan stops at its first error, here an invalid end state, with a partial count and a depth warning
        String out = "error: max search depth too small\npan:1: invalid end state (at depth 3)\npan: wrote model.pml.trail\n"
                + "Warning: Search not completed\nState-vector 40 byte, depth reached 3, errors: 1\n5 states, stored\n";
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--unreduced", "--spin", fakeSpin(dir, out).toString(), "abba");
        assertEquals(0, r.code(), r.out() + r.err());
        String row = row(r, "abba");
        assertTrue(row.matches("abba\\s+7\\s+-\\s.*"), "no pan count for a search that stopped at an error: " + row);
        assertTrue(row.contains("deadlock; pan found the same failure and stopped there"), row);
        assertFalse(r.out().contains("DIFFERS"), r.out());
        // another first error: named, not a disagreement
        String other = "pan:1: assertion violated violated_lock_exit_held (at depth 2)\nState-vector 40 byte, depth reached 2,"
                + " errors: 1\n4 states, stored\n";
        CliRun o = run("bench", "--compare-spin", "--repeat", "1", "--spin", fakeSpin(dir, other).toString(), "abba");
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(row(o, "abba").contains("pan stopped at another failure first (pan:1: assertion violated violated_lock_exit_held"
                + " (at depth 2); migcheck's is invalid end state)"), o.out());
    }

    @Test
    void aPanThatDoesNotCompileIsSpinFailing(@TempDir Path dir) throws IOException {
        Path spin = fakeSpin(dir, whole(320));
        Files.writeString(dir.resolve("pan.c"), "this is not C\n");
        CliRun r = run("bench", "--compare-spin", "--repeat", "1", "--spin", spin.toString(), "philosophers-4");
        assertEquals(BenchCmd.UNAVAILABLE_EXIT, r.code(), r.out() + r.err());
        assertTrue(row(r, "philosophers-4").contains("holds; SPIN failed: gcc"), r.out());
    }

    private static String row(CliRun r, String model) {
        return r.out().lines().filter(l -> l.startsWith(model + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + model + " in:\n" + r.out() + r.err())).strip();
    }
}
