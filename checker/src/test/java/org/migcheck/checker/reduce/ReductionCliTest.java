package org.migcheck.checker.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.checker.testing.CliRun.run;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.testing.CliRun;

/** The reduction switches on the command line: values, the header line, the JSON field, the factor of bench. */
class ReductionCliTest {

    @Test
    void aBadSwitchValueIsAUsageError() {
        CliRun r = run("check", "movable-ops", "--symmetry", "maybe");
        assertEquals(64, r.code());
        assertTrue(r.err().contains("--symmetry") && r.err().contains("maybe"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals(64, run("check", "movable-ops", "--por", "1").code());
    }

    @Test
    void theHeaderSaysWhichReductionsRan() {
        CliRun on = run("check", "movable-ops", "--variant", "merged", "--quiet-progress");
        assertEquals(0, on.code(), on.out() + on.err());
        assertTrue(on.out().replaceAll("\\s+", " ").contains(" reductions: symmetry over compactors (2) (declaration checked by rotation on"
                + " every stored state), partial-order reduction"), on.out());
        CliRun off = run("check", "movable-ops", "--variant", "merged", "--symmetry", "off", "--por", "off", "--quiet-progress");
        assertEquals(0, off.code());
        assertFalse(off.out().contains("reductions:"), off.out());
        CliRun json = run("check", "movable-ops", "--variant", "merged", "--por", "off", "--format", "json", "--quiet-progress");
        assertTrue(json.out().matches("(?s).*\"reductions\"\\s*:\\s*\"symmetry over compactors \\(2\\) \\(declaration checked by rotation on every stored state\\)\".*"), json.out());
    }

    @Test
    void benchPrintsBothCountsAndTheFactor() {
        CliRun r = run("bench", "movable-ops", "--variant", "merged", "--repeat", "1", "--unreduced", "--quiet-progress");
        assertEquals(0, r.code(), r.out() + r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("reduced: holds, (\\d+) states.*unreduced: holds, (\\d+) states"
                + ".*factor ([0-9.]+)x").matcher(r.out());
        assertTrue(m.find(), r.out());
        long reduced = Long.parseLong(m.group(1));
        long unreduced = Long.parseLong(m.group(2));
        assertTrue(reduced < unreduced, r.out()); // two symmetric compactors: some states have a twin
        assertEquals(String.format("%.1f", (double) unreduced / reduced), m.group(3), r.out());
        // a budget between the two counts: the timed (reduced) runs finish, the unreduced one is cut: INCOMPLETE, no factor
        long between = (reduced + unreduced) / 2;
        CliRun cut = run("bench", "movable-ops", "--variant", "merged", "--repeat", "1", "--unreduced", "--quiet-progress",
                "--max-states", Long.toString(between));
        assertEquals(4, cut.code(), cut.out() + cut.err());
        assertTrue(cut.out().contains("INCOMPLETE: a budget stopped the unreduced search, so no factor"), cut.out());
        assertFalse(cut.out().contains("factor " + m.group(3)), cut.out());
    }
}
