package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.cli.Main;

/** The command line's exit codes and messages. */
class CliTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertNoStackTrace(Run r) {
        String both = r.out() + r.err();
        assertFalse(both.contains("\tat "), both);
        assertFalse(both.contains("Exception"), both);
    }

    @Test
    void unknownScenarioIsAUsageError() {
        Run r = run("check", "nosuch");
        assertEquals(64, r.code());
        assertTrue(r.err().contains("nosuch"), r.err());
        assertTrue(r.err().contains("unknown scenario"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void unknownKnobAndVariantAreUsageErrors() {
        Run knob = run("check", "philosophers", "--set", "colour=blue");
        assertEquals(64, knob.code());
        assertTrue(knob.err().contains("colour"), knob.err());
        assertNoStackTrace(knob);
        Run value = run("check", "philosophers", "--set", "n=99");
        assertEquals(64, value.code());
        assertTrue(value.err().contains("99"), value.err());
        assertNoStackTrace(value);
        Run variant = run("check", "counter", "--variant", "nosuch");
        assertEquals(64, variant.code());
        assertTrue(variant.err().contains("nosuch"), variant.err());
        assertNoStackTrace(variant);
    }

    @Test
    void badReplayTokenIsAUsageError() {
        Run r = run("replay", "abba:default:-:0.7");
        assertEquals(64, r.code());
        assertTrue(r.err().contains("no thread 7"), r.err());
        assertNoStackTrace(r);
        Run garbage = run("replay", "nonsense");
        assertEquals(64, garbage.code());
        assertNoStackTrace(garbage);
    }

    @Test
    void abbaDeadlocks() {
        Run r = run("check", "abba");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("DEADLOCK"), r.out());
        assertTrue(r.out().contains("cycle:"), r.out());
        assertTrue(r.out().contains("replay: ./migcheck replay abba:default:-:"), r.out());
    }

    @Test
    void abbaOrderedHolds() {
        Run r = run("check", "abba-ordered");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("HOLDS"), r.out());
        assertTrue(r.out().contains("states 16"), r.out());
    }

    @Test
    void abbaGatedIsAnInversion() {
        Run r = run("check", "abba-gated");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("lock-order.cycle"), r.out());
    }

    @Test
    void philosophersByKnobs() {
        Run ordered = run("check", "philosophers", "--set", "n=3", "--set", "ordered=true");
        assertEquals(0, ordered.code(), ordered.out() + ordered.err());
        Run circular = run("check", "philosophers", "--set", "n=3", "--set", "ordered=false");
        assertEquals(2, circular.code(), circular.out() + circular.err());
        assertTrue(circular.out().contains("phil0") && circular.out().contains("phil2"), circular.out());
    }

    @Test
    void counterRacyIsViolated() {
        Run r = run("check", "counter", "--variant", "racy");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("counter.lost-update"), r.out());
        assertTrue(r.out().contains("FAILS"), r.out());
    }

    @Test
    void starvedWaiterIsStuck() {
        Run r = run("check", "starved-waiter");
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("STUCK"), r.out());
        assertTrue(r.out().contains("waiter"), r.out());
    }

    @Test
    void budgetOnTheCommandLineIsIncomplete() {
        Run r = run("check", "philosophers", "--set", "n=6", "--set", "ordered=true", "--max-states", "50");
        assertEquals(4, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("INCOMPLETE"), r.out());
        assertFalse(r.out().contains("HOLDS"), r.out());
    }

    @Test
    void jsonFormat() {
        Run r = run("check", "abba", "--format", "json");
        assertEquals(2, r.code());
        assertTrue(r.out().contains("\"verdict\" : \"deadlock\""), r.out());
        assertTrue(r.out().contains("\"replay\""), r.out());
    }

    @Test
    void checkAll() {
        Run r = run("check", "--all");
        assertEquals(0, r.code(), r.out() + r.err());
        String[] lines = r.out().strip().split("\n");
        String last = lines[lines.length - 1].strip();
        Matcher m = Pattern.compile("(\\d+) passed, 0 failed").matcher(last);
        assertTrue(m.matches(), last);
        assertTrue(Integer.parseInt(m.group(1)) >= 9, "at least the 9 zoo variants: " + last);
        assertFalse(r.out().contains("MISMATCH"), r.out());
    }

    @Test
    void listNamesTheZoo() {
        Run r = run("list");
        assertEquals(0, r.code());
        for (String id : new String[] {"abba", "abba-ordered", "abba-gated", "philosophers", "counter", "starved-waiter"}) {
            assertTrue(r.out().contains(id), id);
        }
    }
}
