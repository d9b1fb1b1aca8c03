package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.checker.testing.CliRun.run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.testing.CliRun;

/** The command line's exit codes and messages. */
class CliTest {

    static void assertNoStackTrace(CliRun r) {
        String both = r.out() + r.err();
        assertFalse(both.contains("\tat "), both);
        assertFalse(both.contains("Exception"), both);
    }

    @Test
    void unknownScenarioIsAUsageError() {
        CliRun r = run("check", "nosuch");
        assertEquals(64, r.code());
        assertTrue(r.err().contains("nosuch"), r.err());
        assertTrue(r.err().contains("unknown scenario"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void unknownKnobAndVariantAreUsageErrors() {
        CliRun knob = run("check", "philosophers", "--set", "colour=blue");
        assertEquals(64, knob.code());
        assertTrue(knob.err().contains("colour"), knob.err());
        assertNoStackTrace(knob);
        CliRun value = run("check", "philosophers", "--set", "n=99");
        assertEquals(64, value.code());
        assertTrue(value.err().contains("99"), value.err());
        assertNoStackTrace(value);
        CliRun variant = run("check", "counter", "--variant", "nosuch");
        assertEquals(64, variant.code());
        assertTrue(variant.err().contains("nosuch"), variant.err());
        assertNoStackTrace(variant);
        // a knob the model does not read under the other knobs: not a silent check of the model without it
        CliRun unread = run("check", "source-locked-alloc", "--set", "migrators=5");
        assertEquals(64, unread.code());
        assertTrue(unread.err().startsWith("migcheck check: knob migrators of scenario source-locked-alloc applies only with"
                + " workload=two-migrators, not with workload=readahead"), unread.err());
        assertNoStackTrace(unread);
        // a knob with several conditions: the message names them all, and the one that fails
        CliRun second = run("check", "bdev-jbd2", "--set", "bhMigrate=false", "--set", "lookupChecksBhMigrate=false");
        assertEquals(64, second.code());
        assertEquals("migcheck check: knob lookupChecksBhMigrate of scenario bdev-jbd2 applies only with lookup=true and"
                + " bhMigrate=true and migrateFolio=buffer_migrate_folio_norefs, not with bhMigrate=false (set lookup=true and"
                + " bhMigrate=true and migrateFolio=buffer_migrate_folio_norefs, or leave lookupChecksBhMigrate at its default true)",
                second.err().lines().findFirst().orElse(""));
        assertNoStackTrace(second);
        // a protocol knob the variant leaves at its default (other variants set it) is the variant's too
        CliRun byVariant = run("check", "truncate-writeback", "--variant", "kernel-sync-all", "--set", "writer=ttm-backup");
        assertEquals(64, byVariant.code());
        assertTrue(byVariant.err().startsWith("migcheck check: --set writer=ttm-backup contradicts --variant kernel-sync-all, which"
                + " leaves writer at its default flusher (other variants set it)"), byVariant.err());
        assertNoStackTrace(byVariant);
    }

    /**
     * A variant that relies on a knob's default stands for that default: merged with getRef=plain is
     * plain-ref's model, and was reported as "merged: VIOLATED (expected: violated ...)" although
     * merged declares holds; replay took plain-ref's token renamed to merged the same way. Size knobs stay free.
     */
    @Test
    void aVariantsDefaultsAreItsOwn() {
        CliRun set = run("check", "movable-ops", "--variant", "merged", "--set", "getRef=plain");
        assertEquals(64, set.code(), set.out());
        assertTrue(set.err().startsWith("migcheck check: --set getRef=plain contradicts --variant merged, which leaves getRef at its"
                + " default try_get"), set.err());
        assertNoStackTrace(set);
        CliRun plain = run("check", "movable-ops", "--variant", "plain-ref");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("replay: \\./migcheck replay (\\S+)").matcher(plain.out());
        assertTrue(m.find(), plain.out());
        CliRun renamed = run("replay", m.group(1).replace(":plain-ref:", ":merged:"));
        assertEquals(64, renamed.code(), renamed.out());
        assertTrue(renamed.err().contains("knobs changed: getRef=plain (variant merged has try_get)"), renamed.err());
        CliRun again = run("replay", m.group(1));
        assertEquals(1, again.code(), again.err());
        CliRun size = run("check", "movable-ops", "--variant", "merged", "--set", "compactors=3");
        assertEquals(0, size.code(), size.err());
    }

    @Test
    void badReplayTokenIsAUsageError() {
        CliRun r = run("replay", "abba:default:-:0.7");
        assertEquals(64, r.code());
        assertTrue(r.err().contains("no thread 7"), r.err());
        assertNoStackTrace(r);
        CliRun garbage = run("replay", "nonsense");
        assertEquals(64, garbage.code());
        assertNoStackTrace(garbage);
    }

    @Test
    void abbaDeadlocks() {
        CliRun r = run("check", "abba");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("DEADLOCK"), r.out());
        assertTrue(r.out().contains("cycle:"), r.out());
        assertTrue(r.out().contains("replay: ./migcheck replay abba:default:-:"), r.out());
    }

    @Test
    void abbaOrderedHolds() {
        CliRun r = run("check", "abba-ordered");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("HOLDS"), r.out());
        assertTrue(r.out().contains("states 16"), r.out());
    }

    @Test
    void abbaGatedIsAnInversion() {
        CliRun r = run("check", "abba-gated");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("lock-order.cycle"), r.out());
    }

    @Test
    void philosophersByKnobs() {
        CliRun ordered = run("check", "philosophers", "--set", "n=3", "--set", "ordered=true");
        assertEquals(0, ordered.code(), ordered.out() + ordered.err());
        CliRun circular = run("check", "philosophers", "--set", "n=3", "--set", "ordered=false");
        assertEquals(2, circular.code(), circular.out() + circular.err());
        assertTrue(circular.out().contains("phil0") && circular.out().contains("phil2"), circular.out());
    }

    @Test
    void counterRacyIsViolated() {
        CliRun r = run("check", "counter", "--variant", "racy");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("counter.lost-update"), r.out());
        assertTrue(r.out().contains("FAILS"), r.out());
    }

    @Test
    void starvedWaiterIsStuck() {
        CliRun r = run("check", "starved-waiter");
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("STUCK"), r.out());
        assertTrue(r.out().contains("waiter"), r.out());
    }

    @Test
    void budgetOnTheCommandLineIsIncomplete() {
        CliRun r = run("check", "philosophers", "--set", "n=6", "--set", "ordered=true", "--max-states", "50");
        assertEquals(4, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("INCOMPLETE"), r.out());
        assertFalse(r.out().contains("HOLDS"), r.out());
    }

    @Test
    void jsonFormat() {
        CliRun r = run("check", "abba", "--format", "json");
        assertEquals(2, r.code());
        assertTrue(r.out().contains("\"verdict\" : \"deadlock\""), r.out());
        assertTrue(r.out().contains("\"replay\""), r.out());
    }

    @Test
    void checkAllAtRaisedBoundsRechecksEveryVariantWithModelBounds() {
        CliRun r = run("check", "--all", "--bounds", "+9");
        assertEquals(0, r.code(), r.out() + r.err());
        String out = r.out();
        // ten passes of migrate_pages_batch, its largest nr_pass: movable-ops' kernel variant no longer reaches the bound
        assertTrue(out.contains("  movable-ops / merged: (migrate_pages_batch passes: 1 -> 10): holds -- the verdict is unchanged;"
                + " no model bound was reached at these limits"), out);
        // the zoo declares no model bounds: no re-check row for it
        assertFalse(out.contains("  abba / default: ("), out);
        assertTrue(out.contains("at bounds +9, none still reaches one"), out);
        String[] lines = out.strip().split("\n");
        Matcher all = Pattern.compile("(\\d+) passed, 0 failed").matcher(lines[lines.length - 1].strip());
        assertTrue(all.matches(), lines[lines.length - 1]);
        long rechecks = java.util.Arrays.stream(lines).filter(l -> l.startsWith("  ") && l.contains(": (") && l.contains(" -> ")).count();
        CliRun plain = run("check", "--all");
        Matcher base = Pattern.compile("(\\d+) passed, 0 failed").matcher(plain.out().strip().substring(plain.out().strip().lastIndexOf('\n') + 1));
        assertTrue(base.matches(), plain.out());
        assertEquals(Integer.parseInt(base.group(1)) + rechecks, Integer.parseInt(all.group(1)), out);
        // JUnit: each re-check is a case of its own, named as its variant at the raised bounds
        CliRun junit = run("check", "--all", "--bounds", "+9", "--format", "junit");
        assertEquals(0, junit.code(), junit.err());
        assertTrue(junit.out().contains("name=\"movable-ops/merged at bounds +9\""), junit.out());
        assertFalse(junit.out().contains("name=\"abba/default at bounds +9\""), junit.out());
        // JSON: a failing variant's re-check carries a replay that replays it at the same raised bounds
        CliRun json = run("check", "--all", "--bounds", "+9", "--format", "json");
        assertEquals(0, json.code(), json.err());
        Matcher replay = Pattern.compile("\"replay\" : \"(source-locked-alloc:readahead-compaction-sleeps:[^\"]*)\"").matcher(json.out());
        List<String> replays = new java.util.ArrayList<>();
        while (replay.find()) {
            replays.add(replay.group(1));
        }
        assertEquals(2, replays.size(), "the variant's and its re-check's: " + replays);
        assertFalse(replays.get(0).contains("--bounds"), replays.get(0));
        assertTrue(replays.get(1).endsWith(":+9"), replays.get(1));
        CliRun again = run("replay", replays.get(1));
        assertEquals(again.out(), run("replay", replays.get(1), "--bounds", "+9").out(), "the option may repeat the token's bounds");
        assertEquals(64, run("replay", replays.get(1), "--bounds", "+8").code(), "but not contradict them");
        assertEquals(2, again.code(), again.out() + again.err());
        // check's --quiet-progress, copied onto a replay line, changes nothing there
        CliRun quiet = run("replay", replays.get(1), "--quiet-progress");
        assertEquals(again.code(), quiet.code(), quiet.err());
        assertEquals(again.out(), quiet.out());
        assertTrue(again.out().replaceAll("\\s+", " ").contains("declared: source-locked-alloc / readahead-compaction-sleeps expects"
                + " deadlock at the model's own bounds; at bounds +9 this replay ends in deadlock"), again.out());
    }

    @Test
    void checkAll() {
        CliRun r = run("check", "--all");
        assertEquals(0, r.code(), r.out() + r.err());
        String[] lines = r.out().strip().split("\n");
        String last = lines[lines.length - 1].strip();
        Matcher m = Pattern.compile("(\\d+) passed, 0 failed").matcher(last);
        assertTrue(m.matches(), last);
        assertTrue(Integer.parseInt(m.group(1)) >= 9, "at least the 9 zoo variants: " + last);
        assertFalse(r.out().contains("MISMATCH"), r.out());
        // movable-ops' kernel variant ends a compaction batch at the model's one pass (migrate_pages_batch passes):
        // its row says so, and the footnote counts the rows that do
        long bounded = java.util.Arrays.stream(lines).filter(l -> l.endsWith("ok (bounded)")).count();
        assertTrue(java.util.Arrays.stream(lines).anyMatch(l -> l.startsWith("movable-ops ") && l.contains(" merged ")
                && l.endsWith("ok (bounded)")), r.out());
        assertTrue(r.out().contains("\n" + bounded + " HOLDS depend on a model bound (bounded:"), r.out());
    }

    @Test
    void listNamesTheZoo() {
        CliRun r = run("list");
        assertEquals(0, r.code());
        for (String id : new String[] {"abba", "abba-ordered", "abba-gated", "philosophers", "counter", "starved-waiter"}) {
            assertTrue(r.out().contains(id), id);
        }
        // every id --rule takes, as --rule's own error lists them: the kernel rules and the lockdep-style check
        for (org.migcheck.properties.Rule rule : org.migcheck.properties.KernelRules.all().rules()) {
            assertTrue(r.out().contains("\nrule " + rule.id() + " "), rule.id());
        }
        assertTrue(r.out().contains("\nrule lock-order.cycle "), r.out());
        // a HOLDS that rests on a model bound says so beside its kernel version (a review read "shipped v6.19 ... holds"
        // as a kernel fact); one that reaches no bound does not (CatalogueTest holds every declaration to the check)
        String wide = run("list", "--width", "400").out();
        assertTrue(wide.lines().anyMatch(l -> l.contains("variant merged") && l.contains("shipped v6.19") && l.contains("expect holds (bounded); reachable(")), wide);
        assertTrue(wide.lines().anyMatch(l -> l.contains("variant two-migrators-isolated") && !l.contains("(bounded)")), wide);
    }

    @Test
    void helpOnEveryCommandExitsZero() {
        for (String[] args : new String[][] {{"-h"}, {"--help"}, {"check", "-h"}, {"check", "--help"}, {"list", "--help"},
                {"suite", "--help"}, {"mutate", "-h"}, {"replay", "--help"}, {"bench", "--help"}, {"help", "check"}, {"help", "replay"}}) {
            CliRun r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().contains("Usage: migcheck"), String.join(" ", args) + ": " + r.out());
        }
    }

    @Test
    void formatHelpNamesExactlyTheFormatsEachCommandWrites() {
        String[][] commands = {{"check", "abba", "--max-states", "1"}, {"suite", "abba", "--max-states", "1"},
            {"mutate", "abba", "--max-states", "1"}, {"list"}, {"replay", "abba:bogus-token"}};
        for (String[] base : commands) {
            CliRun help = run(base[0], "--help");
            int at = help.out().indexOf("--format=F "); // the option list's entry, not the synopsis' [--format=F]
            assertTrue(at >= 0, base[0] + " help: " + help.out());
            String rest = help.out().substring(at);
            int next = rest.indexOf("\n  -", 1);
            String described = (next < 0 ? rest : rest.substring(0, next)).toLowerCase(java.util.Locale.ROOT);
            for (org.migcheck.checker.cli.OutputOptions.Format f : org.migcheck.checker.cli.OutputOptions.Format.values()) {
                String name = f.name().toLowerCase(java.util.Locale.ROOT);
                String[] args = java.util.Arrays.copyOf(base, base.length + 2);
                args[base.length] = "--format";
                args[base.length + 1] = name;
                CliRun r = run(args);
                boolean refused = r.err().contains("is not written by");
                assertEquals(described.contains(name), !refused,
                        String.join(" ", args) + ": help says [" + described.strip() + "], run says " + r.code() + " " + r.err());
                if (refused) {
                    assertEquals(64, r.code(), String.join(" ", args));
                }
            }
        }
    }

    @Test
    void everyBadValueIsOneLinePlusAHint() {
        String[][] bad = {
            {"check", "abba", "--strategy", "foo"}, {"check", "abba", "--max-states", "-5"}, {"check", "abba", "--max-states", "0"},
            {"check", "abba", "--time-limit", "0"}, {"check", "abba", "--time-limit", "NaN"}, {"check", "abba", "--walks", "0"},
            {"check", "abba", "--max-memory", "99999999999999"}, {"check", "abba", "--max-depth", "-1"},
            {"check", "abba", "--seed", "x"}, {"check", "abba", "--format", "xml"}, {"check", "--all", "--format", "html"},
            {"check", "abba", "--width", "5"}, {"check", "philosophers", "--variant", "ordered", "--set", "ordered=false"},
            {"check", "nosuch"}, {"check"}, {"suite"}, {"mutate"}, {"replay"}, {"bench", "abba", "--repeat", "0"},
            {"bogus"}, {}, {"suite", "philosophers", "--format", "html"},
            {"bench", "--compare-spin", "philosophers-1"}, {"bench", "--compare-spin", "nosuch/x"},
            {"bench", "--compare-spin", "movable-ops/nosuch"}, {"bench", "--compare-spin", "movable-ops:compactors=99"},
            {"bench", "--compare-spin", "movable-ops:compactors"}, {"bench", "--speedup", "--workers", "1"},
            {"bench", "--speedup", "--compare-spin"}, {"bench", "--speedup", "--scale-out"}, {"bench", "--speedup", "philosophers-1", "--workers", "2"},
            {"check", "abba", "--max-depth", "2147483647"}, {"check", "abba", "--walks", "5"}, {"check", "abba", "--seed", "3"},
            {"check", "abba", "--symmetry", "auto"}, {"check", "abba", "--por", "maybe"}, {"check", "abba", "--check-determinism", "auto"}, {"check", "--all", "--bounds", "+0"}, {"check", "counter", "--bounds", "2"}, {"check", "counter", "--bounds", "++1"}, {"--rule", ",", "check", "counter"},
            {"--skip-rule", ",,", "check", "counter"}, {"replay", "counter:racy:atomic=false,atomic=false:0"}, {"check", "counter", "--strategy", "random", "--max-states", "2"},
            {"check", "counter", "--strategy", "random", "--max-memory", "100"},
            {"check", "philosophers", "--set", "n=3", "--set", "n=4"}, {"check", "philosophers", "--set", "n"},
            {"suite", "philosophers", "--vary", "n", "--set", "n=3"}, {"mutate", "abba-ordered", "--strategy", "random"},
            {"--classpath", "", "list"}, {"--classpath", "target/classes" + java.io.File.pathSeparator, "list"},
            {"--classpath", java.io.File.pathSeparator + "target/classes", "list"}, {"bench", "--speedup", "--workers", "2", "--strategy", "dfs"}, {"bench", "--speedup", "--workers", "2", "--unreduced"},
            {"bench", "--compare-spin", "--spin", "/nonexistent/spin", "philosophers-2"}, {"bench", "abba", "--spin", "spin"}, {"bench", "--speedup", "--spin", "spin"},
            {"check", "abba", "--strategy", "dfs", "--workers", "2"}, {"check", "abba", "--strategy", "random", "--workers", "1"},
            // numbers in ASCII decimal only (Long.parseLong took other scripts' digits, Double.parseDouble 2d, 0x1p1 and NaN)
            {"check", "abba", "--max-states", "\u0663"}, {"check", "abba", "--max-depth", "\u0663"}, {"check", "abba", "--time-limit", "2d"},
            {"check", "abba", "--time-limit", "2f"}, {"check", "abba", "--time-limit", "0x1p1"}, {"check", "abba", "--time-limit", "NaN"},
            {"check", "abba", "--time-limit", "Infinity"}, {"check", "abba", "--members", "127.0.0.1:\u0665\u0667\u0660\u0661\u0662"},
            {"check", "abba", "--max-depth", "1_"}, {"check", "abba", "--max-states", "1__"}, {"check", "abba", "--time-limit", "1_"},
            {"check", "abba", "--time-limit", "1._5"}, {"--rule", ",atomic.sleep", "check", "abba"},
            {"replay", "abba:default:-:\u0660.1.0"}, {"replay", "abba:default:-:+0.1.0"}, {"replay", "abba:default:-:0.1.0:+\u0661"}};
        for (String[] args : bad) {
            CliRun r = run(args);
            String what = String.join(" ", args) + ": " + r.out() + r.err();
            assertEquals(64, r.code(), what);
            String[] lines = r.err().strip().split("\n");
            assertEquals(2, lines.length, what);
            assertTrue(lines[1].startsWith("try 'migcheck"), what);
            assertNoStackTrace(r);
        }
        // the one line names the element at fault
        assertTrue(run("check", "philosophers", "--set", "n=3", "--set", "n=4").err().contains("--set n given twice (3 and 4)"));
        assertTrue(run("check", "philosophers", "--set", "n").err().contains("--set takes KNOB=VALUE, not 'n'"));
        assertTrue(run("nosuch").err().contains("unknown command 'nosuch'"));
        assertTrue(run("check", "abba", "--max-states", "9999999999999999999").err().contains("'9999999999999999999' is out of range"));
        assertTrue(run("check", "philosophers", "--set", "n=3 ").err().contains("not '3 ' (white space around it)"));
        assertTrue(run("check", "").err().contains("unknown scenario ''"));
        assertTrue(run("check", "counter", "--bounds", "2").err().contains("--bounds takes +K (every bound raised by K passes, not set to K), not 2"));
        // a trailing empty entry is refused too (picocli's own split would drop it)
        assertTrue(run("--classpath", "target/classes" + java.io.File.pathSeparator, "list").err().contains("empty entry"));
        assertEquals(0, run("--classpath", "target/classes", "list").code());
        assertTrue(run("check", "abba", "--walks", "5").err().contains("--walks applies to --strategy random only"));
        assertTrue(run("check", "abba", "--symmetry", "auto").err().contains("'auto' is neither on nor off"));
        assertTrue(run("bench", "--speedup", "--workers", "2", "--strategy", "dfs").err().contains("not --strategy dfs"));
        assertTrue(run("bench", "--speedup", "--workers", "2", "--unreduced").err().contains("--unreduced counts states"));
        assertTrue(run("check", "abba", "--time-limit", "NaN").err().contains("'NaN' is not a number of seconds"));
        assertTrue(run("check", "abba", "--time-limit", "-1").err().contains("'-1' is out of range"));
        // '_' between digits is taken by every number option alike
        assertEquals(2, run("check", "abba", "--time-limit", "1_0", "--max-states", "1_000", "--quiet-progress").code());
        assertEquals(2, run("check", "abba", "--time-limit", ".5e2", "--quiet-progress").code());
        assertEquals(2, run("check", "abba", "--time-limit", "1_0.2_5", "--max-depth", "1__0", "--quiet-progress").code());
        assertTrue(run("--rule", ",atomic.sleep", "check", "abba").err().contains("--rule names an empty rule id"));
        // a limit under a nanosecond is a nanosecond (the budget refuses a zero duration): INCOMPLETE, not an internal error
        assertEquals(4, run("check", "abba", "--time-limit", "1e-10", "--quiet-progress").code());
        // the variant's own value is no conflict
        assertEquals(0, run("check", "philosophers", "--variant", "ordered", "--set", "ordered=true", "--quiet-progress").code());
    }

    /**
     * A budget that stops bench --speedup's searches is INCOMPLETE (exit 4), never a difference between the worker counts
     * (two stopped searches need not store the same states: it exited 70, the code of a bug) nor a speed-up (exit 0).
     */
    @Test
    void benchSpeedupStoppedByABudgetIsIncomplete() {
        for (String[] budget : new String[][] {{"--max-states", "2000"}, {"--max-depth", "5"}, {"--time-limit", "0.01"}}) {
            CliRun r = run("bench", "--speedup", "philosophers-9", "--workers", "2", "--repeat", "1", budget[0], budget[1]);
            String what = String.join(" ", budget) + ": " + r.out() + r.err();
            assertEquals(4, r.code(), what);
            assertTrue(r.out().contains("philosophers-9") && r.out().contains("stopped before the end ("), what);
            assertFalse(r.out().contains("DIFFERENT"), what);
            assertNoStackTrace(r);
        }
    }

    @Test
    void benchSpeedupComparesOneWorkerWithSeveral() {
        CliRun r = run("bench", "--speedup", "philosophers-7", "movable-ops/plain-ref", "--workers", "2", "--repeat", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("1 worker against 2"), r.out());
        // the header says which collector ran and whether it marked cards conditionally (the flag moves 2-worker times)
        String cond = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .getVMOption("UseCondCardMark").getValue();
        String firstCollector = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().get(0).getName();
        assertTrue(r.out().lines().findFirst().orElse("").endsWith(", conditional card marks " + ("true".equals(cond) ? "on" : "off")), r.out());
        assertTrue(r.out().lines().findFirst().orElse("").contains("; collector " + firstCollector), r.out());
        // philosophers-7 ordered: 28,192 states (the count SPIN gives for the Promela of the series); the plain-ref mutant breaks ref.get-unless-zero
        Matcher m = Pattern.compile("(?m)^(\\S+)\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)x\\s+([\\d.]+)x\\s+([\\d.]+)x\\s+(\\S+)$")
                .matcher(r.out());
        int rows = 0;
        List<Double> printedPaired = new ArrayList<>();
        while (m.find()) {
            rows++;
            String model = m.group(1);
            assertEquals(model.equals("philosophers-7") ? "holds" : "violated", m.group(10), r.out());
            if (model.equals("philosophers-7")) {
                assertEquals("28192", m.group(2), r.out());
            }
            double best1 = Double.parseDouble(m.group(3));
            double med1 = Double.parseDouble(m.group(4));
            double bestN = Double.parseDouble(m.group(5));
            double medN = Double.parseDouble(m.group(6));
            assertTrue(best1 <= med1 && bestN <= medN, r.out());
            // the printed speed-ups are the ratios of the printed times, up to the rounding of each (times to 0.0005 s, ratios to 0.005)
            assertEquals(med1 / medN, Double.parseDouble(m.group(7)), ratioSlack(med1, medN), r.out());
            assertEquals(best1 / bestN, Double.parseDouble(m.group(8)), ratioSlack(best1, bestN), r.out());
            printedPaired.add(Double.parseDouble(m.group(9)));
        }
        assertEquals(2, rows, r.out());
        assertFalse(r.out().contains("DIFFERENT RESULTS"), r.out());
        // each model's timed pairs, in the order they ran: --repeat 2 gives two
        Matcher pairs = Pattern.compile("(?m)^\\s+pairs in order, 1w/2w s: ([\\d.]+)/([\\d.]+), ([\\d.]+)/([\\d.]+)$").matcher(r.out());
        int lines = 0;
        while (pairs.find()) {
            // (paired) is the median (of two pairs, the mean) of the pairs' own ratios, each pair's times as printed
            double a1 = Double.parseDouble(pairs.group(1));
            double n1 = Double.parseDouble(pairs.group(2));
            double a2 = Double.parseDouble(pairs.group(3));
            double n2 = Double.parseDouble(pairs.group(4));
            double mean = (a1 / n1 + a2 / n2) / 2;
            assertEquals(mean, printedPaired.get(lines), Math.max(ratioSlack(a1, n1), ratioSlack(a2, n2)), r.out());
            lines++;
        }
        assertEquals(2, lines, r.out());
    }

    /** How far a/b may be from the printed ratio when a and b are printed to the millisecond and the ratio to two decimals. */
    private static double ratioSlack(double a, double b) {
        return 0.005 + 0.0005 / b + a * 0.0005 / (b * b) + 1e-9;
    }

    @Test
    void replayChecksTheTokenAndSaysWhatItEndsIn() {
        CliRun good = run("replay", "abba:default:-:0.1");
        assertEquals(2, good.code(), good.err());
        assertTrue(good.out().contains("ends in: DEADLOCK"), good.out());
        assertTrue(good.out().contains(": reproduced"), good.out());
        CliRun truncated = run("replay", "abba:default:-:0");
        assertEquals(64, truncated.code());
        assertTrue(truncated.err().contains("truncated"), truncated.err());
        CliRun knobs = run("replay", "philosophers:circular:n=3,ordered=true:0.1.2");
        assertEquals(64, knobs.code());
        assertTrue(knobs.err().contains("knobs changed: ordered=true"), knobs.err());
        // knobs left out take the named variant's: circular sets ordered=false, which is also the default, so use a
        // variant whose knobs differ from the defaults (legacy-no-flag: memcg=v1, mappingFlag=false)
        CliRun check = run("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--quiet-progress");
        Matcher token = Pattern.compile("replay (fuse-writeback-memcg:legacy-no-flag:)[^:]+(:\\S+)").matcher(check.out());
        assertTrue(token.find(), check.out());
        CliRun leftOut = run("replay", token.group(1) + "-" + token.group(2));
        assertEquals(2, leftOut.code(), leftOut.err());
        assertTrue(leftOut.out().contains(": reproduced"), leftOut.out());
        CliRun variant = run("replay", "abba:nosuch:-:0.1");
        assertEquals(64, variant.code());
        assertTrue(variant.err().contains("no variant nosuch"), variant.err());
        // a trailing or doubled dot, or a '/' without an alternative, is a malformed step, not a shorter schedule
        for (String bad : new String[] {"abba:default:-:0.1.", "abba:default:-:0..1", "abba:default:-:0/.1"}) {
            CliRun r = run("replay", bad);
            assertEquals(64, r.code(), bad + ": " + r.out());
            assertTrue(r.err().contains("is not THREAD or THREAD/ALTERNATIVE"), r.err());
        }
        CliRun blocked = run("replay", "abba:default:-:0.1.0");
        assertEquals(64, blocked.code());
        assertTrue(blocked.err().contains("blocked"), blocked.err());
        assertNoStackTrace(blocked);
        // a stuck thread in the initial state: the empty schedule ends in STUCK
        CliRun stuck = run("replay", "starved-waiter:no-setter:setter=false:-");
        assertEquals(3, stuck.code(), stuck.err());
        assertTrue(stuck.out().contains("ends in: STUCK"), stuck.out());
    }

    /**
     * replay sets the explanation under its verdict as check does: a review saw one space before a blocked thread's
     * call path in replay's block where check's has three (replay's wrapping collapsed the spaces).
     */
    @Test
    void replayExplainsItsEndingAsCheckDoes() {
        CliRun check = run("check", "fuse-writeback-memcg", "--variant", "migrate-sync-no-reply", "--width", "100");
        assertEquals(3, check.code(), check.err());
        Matcher token = Pattern.compile("replay: \\S+ replay (\\S+)").matcher(check.out());
        assertTrue(token.find(), check.out());
        CliRun replay = run("replay", token.group(1), "--width", "100");
        assertEquals(3, replay.code(), replay.err());
        // check: the verdict's line, its explanation, then the goals; replay: "ends in:" then the explanation
        String[] c = check.out().split("\n");
        String[] r = replay.out().split("\n");
        int ci = 0;
        while (!c[ci].startsWith("  migrator waits for PG_writeback")) {
            ci++;
        }
        int ri = 0;
        while (!r[ri].startsWith("ends in: STUCK")) {
            ri++;
        }
        int same = 0;
        for (ci++, ri++; ci < c.length && ri < r.length && !c[ci].startsWith("  reachable("); ci++, ri++) {
            assertEquals(c[ci], r[ri], "line " + same + " of the explanation");
            same++;
        }
        assertTrue(same >= 5, same + " lines: " + replay.out());
        assertTrue(replay.out().contains("folio_wait_writeback(folio0)   [migrate_folio_unmap <- migrator]"), replay.out());
    }

    /**
     * check's report keeps to a narrow --width: a review saw the statistics lines and the one-step-per-line table's
     * header run past 40 columns. Only a line of one word (the replay token) may be longer; the start and progress lines
     * on standard error are log lines and are not wrapped.
     */
    @Test
    void checkKeepsToANarrowWidth() {
        for (String[] args : new String[][] {{"check", "abba", "--width", "40"}, {"check", "abba", "--width", "40", "--call-stacks"},
                {"check", "abba", "--width", "40", "--no-timings"}, {"check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--width", "40"},
                {"check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--width", "40", "--call-stacks"}}) {
            CliRun r = run(args);
            assertTrue(r.code() == 1 || r.code() == 2, String.join(" ", args) + ": " + r.err());
            for (String line : r.out().split("\n")) {
                String body = line.strip();
                boolean oneWord = body.startsWith("replay: ") ? body.substring(8).strip().split(" ").length <= 3 : body.indexOf(' ') < 0;
                assertTrue(line.length() <= 40 || oneWord, String.join(" ", args) + ": longer than 40: " + line);
                assertEquals(line.stripTrailing(), line, "no trailing spaces");
            }
        }
    }

    /** list wraps to --width: a longer line is one word that cannot be broken, under the entry's indentation. */
    @Test
    void listWrapsToTheWidth() {
        CliRun r = run("list", "--width", "80");
        assertEquals(0, r.code(), r.err());
        for (String line : r.out().split("\n")) {
            assertTrue(line.length() <= 80 || line.strip().indexOf(' ') < 0, "longer than 80: " + line);
        }
        assertTrue(r.out().contains("variant legacy-no-flag, kind hypothetical, expect"), r.out());
        // wide enough, the variants stay in columns
        assertTrue(run("list", "--width", "400").out().contains("variant default                    kind -"));
    }

    /** mutate whose unmutated check a budget stops still writes the document a pipeline asked for, saying why. */
    @Test
    void mutateStoppedByABudgetWritesItsReport() throws Exception {
        for (String format : new String[] {"json", "junit", "sarif"}) {
            CliRun r = run("mutate", "truncate-writeback", "--variant", "kernel", "--max-states", "100", "--format", format);
            assertEquals(4, r.code(), r.err());
            assertTrue(r.err().contains("is INCOMPLETE (max states 100)"), r.err());
            assertTrue(r.out().contains("max states 100"), format + ": " + r.out());
            if (format.equals("junit")) {
                javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                        .parse(new java.io.ByteArrayInputStream(r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } else {
                com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
                if (format.equals("json")) {
                    assertEquals("incomplete", doc.get("verdict").asText(), r.out());
                }
            }
        }
    }

    /** A mutant a model error left unevaluated is a skipped JUnit case, not a pass. */
    @Test
    void unevaluatedMutantsAreSkippedInJUnit() {
        CliRun text = run("mutate", "abba-ordered");
        long notEvaluated = text.out().lines().filter(l -> l.contains(" not-evaluated ")).count();
        assertTrue(notEvaluated > 0, "abba-ordered has mutants whose mutation breaks the model: " + text.out());
        long unreached = text.out().lines().filter(l -> l.contains(" unreached ")).count();
        CliRun junit = run("mutate", "abba-ordered", "--format", "junit");
        // an unreached mutant was not checked either: skipped, not passing
        assertTrue(junit.out().contains(" skipped=\"" + (notEvaluated + unreached) + "\""), junit.out());
        assertEquals(notEvaluated, junit.out().lines().filter(l -> l.contains("<skipped message=\"not evaluated: ")).count(), junit.out());
        assertEquals(unreached, junit.out().lines().filter(l -> l.contains("<skipped message=\"not checked: the mutated step never runs")).count(),
                junit.out());
    }

    /** A verdict line too long for the width wraps as one paragraph; the variant's paragraph comes after it. */
    @Test
    void aWrappedVerdictLineStaysTogether() {
        CliRun r = run("check", "abba", "--width", "40", "--quiet-progress");
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("abba / default: DEADLOCK (expected:", lines.get(0), r.out());
        assertEquals("  deadlock)", lines.get(1), r.out());
        assertTrue(lines.get(2).startsWith("  states 7, depth 3"), r.out());
        assertTrue(lines.get(3).startsWith("  variant: t1 takes A then B"), r.out());
    }

    /** A token printed by check --variant V --set k=v with a knob V does not set (here the size) replays. */
    @Test
    void tokensOfScaledVariantsReplay() {
        CliRun c = run("check", "philosophers", "--variant", "circular", "--set", "n=4", "--quiet-progress");
        assertEquals(2, c.code(), c.err());
        String token = c.out().lines().filter(l -> l.startsWith("replay: ./migcheck replay ")).findFirst().orElseThrow()
                .substring("replay: ./migcheck replay ".length());
        assertTrue(token.contains("n=4"), token);
        CliRun r = run("replay", token);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.out().contains(": reproduced"), r.out());
    }

    /** A budget that stops the unmutated check is INCOMPLETE (exit 4), not a usage error. */
    @Test
    void mutateUnderABudgetIsIncomplete() {
        CliRun r = run("mutate", "abba-ordered", "--max-states", "5");
        assertEquals(4, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("INCOMPLETE (max states 5)"), r.err());
        assertNoStackTrace(r);
    }

    /** A jar that is no zip file is refused before anything runs. */
    @Test
    void aClasspathJarThatIsNoZipIsAUsageError() throws java.io.IOException {
        java.nio.file.Path fake = java.nio.file.Files.createTempFile("notajar", ".jar");
        try {
            java.nio.file.Files.writeString(fake, "not a zip");
            CliRun r = run("--classpath", fake.toString(), "list");
            assertEquals(64, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("is not a readable jar (zip) file"), r.err());
        } finally {
            java.nio.file.Files.delete(fake);
        }
    }

    @Test
    void eightyColumnsKeepEveryStepWhole() {
        CliRun r = run("check", "fuse-writeback-memcg", "--variant", "legacy-no-flag", "--width", "80", "--quiet-progress");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.out().contains("(current->flags & PF_MEMALLOC) on fuse-server -> false"), r.out());
        for (String line : r.out().split("\n")) {
            assertTrue(line.length() <= 80 || line.startsWith("replay: "), "longer than 80: " + line);
        }
    }

    /** From a review of the mutation analysis: options that would change how mutants are judged are refused. */
    @Test
    void mutateRefusesWhatWouldChangeTheClassification() {
        CliRun noLiveness = run("mutate", "movable-ops", "--variant", "merged", "--no-liveness");
        assertEquals(64, noLiveness.code(), noLiveness.err());
        assertTrue(noLiveness.err().contains("--no-liveness would count a mutant that only a stuck thread reveals as a survivor"),
                noLiveness.err());
        CliRun dfs = run("mutate", "movable-ops", "--variant", "merged", "--strategy", "dfs");
        assertEquals(64, dfs.code(), dfs.err());
        assertTrue(dfs.err().contains("which failure a mutant meets first decides between killed and not evaluated"), dfs.err());
        // a budget-stopped mutant says which budget
        CliRun budget = run("mutate", "movable-ops", "--variant", "merged", "--max-states", "13100");
        assertEquals(4, budget.code(), budget.err());
        assertTrue(budget.out().contains("incomplete    no verdict: max states 13100"), budget.out());
        // --all as well (the refusals came after its branch)
        CliRun allDfs = run("mutate", "--all", "--strategy", "dfs", "--max-states", "50");
        assertEquals(64, allDfs.code(), allDfs.err());
        // the scenario's defaults (v6.19's readahead) declare their survivor, as readahead-nofs-scope does
        CliRun defaults = run("mutate", "source-locked-alloc");
        assertEquals(0, defaults.code(), defaults.out() + defaults.err());
    }

    @Test
    void aTimeLimitBelowAMillisecondIsKeptAndNamed() {
        // the option was turned into whole milliseconds: 0.0001 s became 0 ("time limit 0 s"), 0.0015 became 0.001
        CliRun r = run("check", "philosophers", "--set", "n=8", "--set", "ordered=true", "--time-limit", "0.0001", "--quiet-progress");
        assertEquals(4, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("time limit 0.0001 s"), r.out());
    }
}
