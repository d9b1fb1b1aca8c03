package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.testing.CliRun;

/** Exit codes and output of check --bounds and mutate (README "Exit codes"). */
class CliTrustTest {

    @Test
    void boundsRecheckReportsTheChangeAndExitsWithTheRaisedVerdict() {
        CliRun r = CliRun.run("check", "fuse-writeback-memcg", "--set", "memcg=v1", "--set", "mappingFlag=false",
                "--set", "earlierReclaim=false", "--set", "reclaimPasses=1", "--bounds", "+1", "--quiet-progress");
        // at one reclaim pass (a model bound) the model holds only because of the bound; at two it deadlocks
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().lines().limit(4).anyMatch(l -> l.contains(": HOLDS")), r.out());
        assertTrue(r.out().contains("bound saturated: try_charge_memcg reclaim passes (limit 1) in try_charge_memcg"), r.out());
        assertTrue(r.out().contains("the verdict CHANGED from holds"), r.out());
        // the replay token of the raised run carries the raise as its last part, so a replay cannot drop it
        java.util.regex.Matcher replay = java.util.regex.Pattern.compile("replay: \\S+ replay (\\S+:\\+1)\\s").matcher(r.out());
        assertTrue(replay.find(), "the replay token of the raised run says so: " + r.out());
        CliRun again = CliRun.run("replay", replay.group(1));
        assertEquals(2, again.code(), again.out() + again.err());
        assertTrue(again.out().startsWith("replay of ") && again.out().lines().findFirst().orElse("").contains(" at bounds +1 ("), again.out());
        CliTest.assertNoStackTrace(r);
        // the kernel's own retry count is no model bound: nothing to raise, and no second report (text, JSON, JUnit agree)
        String[] none = {"check", "fuse-writeback-memcg", "--variant", "legacy-no-flag-no-kswapd", "--bounds", "+1", "--quiet-progress"};
        CliRun plain = CliRun.run(none);
        assertEquals(2, plain.code(), plain.out());
        assertTrue(plain.out().contains("bounds +1: the model declares no model bounds; nothing to raise"), plain.out());
        assertTrue(!plain.out().contains(" at bounds +1: "), plain.out());
        CliRun json = CliRun.run(java.util.stream.Stream.concat(java.util.Arrays.stream(none), java.util.stream.Stream.of("--format", "json"))
                .toArray(String[]::new));
        assertTrue(json.out().replaceAll("\\s+", " ").contains("\"trace\" : null, \"replay\" : null"), json.out());
    }

    @Test
    void badBoundsAreAUsageError() {
        for (String bad : new String[] {"x", "+0", "-1", "+65"}) {
            CliRun r = CliRun.run("check", "counter", "--bounds", bad);
            assertEquals(64, r.code(), bad);
            assertTrue(r.err().contains("--bounds takes +K"), r.err());
            CliTest.assertNoStackTrace(r);
        }
    }

    @Test
    void mutateExitsTenOnAnUnexplainedSurvivorAndZeroWhenAllAreKilled() {
        // a rule left out: the mutants only it kills survive, and no declaration explains them
        CliRun skipped = CliRun.run("--skip-rule", "balloon.pages-lock", "mutate", "movable-ops", "--variant", "merged", "--quiet-progress");
        assertEquals(10, skipped.code(), skipped.out());
        assertTrue(skipped.out().contains("NO DECLARED REASON"), skipped.out());
        assertTrue(skipped.out().contains("survivors have no declared reason"), skipped.out());
        // ordered philosophers as a knob combination: the scenario declares their survivors at every n
        CliRun phil = CliRun.run("mutate", "philosophers", "--set", "n=4", "--set", "ordered=true", "--quiet-progress");
        assertEquals(0, phil.code(), phil.out());
        assertTrue(!phil.out().contains("NO DECLARED REASON"), phil.out());
        // the named variant declares them
        CliRun named = CliRun.run("mutate", "philosophers", "--variant", "ordered", "--quiet-progress");
        assertEquals(0, named.code(), named.out());
        // the atomic counter: both mutants lose an update
        CliRun counter = CliRun.run("mutate", "counter", "--variant", "atomic", "--quiet-progress");
        assertEquals(0, counter.code(), counter.out());
        assertTrue(counter.out().contains("2 mutants, 2 killed, 0 survived"), counter.out());
    }
}
