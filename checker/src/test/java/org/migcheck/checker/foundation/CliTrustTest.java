package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Exit codes and output of check --bounds and mutate (README "Exit codes"). */
class CliTrustTest {

    @Test
    void boundsRecheckReportsTheChangeAndExitsWithTheRaisedVerdict() {
        CliTest.Run r = CliTest.run("check", "fuse-writeback-memcg", "--set", "memcg=v1", "--set", "mappingFlag=false",
                "--set", "earlierReclaim=false", "--bounds", "+1", "--quiet-progress");
        // at one reclaim pass the model holds only because of the bound; at two it deadlocks
        assertEquals(2, r.code(), r.out());
        if (r.out().startsWith("fuse-writeback-memcg / memcg=v1") && r.out().lines().findFirst().orElse("").contains(": HOLDS")) {
            assertTrue(r.out().contains("bound saturated: try_charge_memcg reclaim passes (limit 1) in try_charge_memcg"), r.out());
            assertTrue(r.out().contains("the verdict CHANGED from holds"), r.out());
        }
        assertTrue(r.out().contains(" --bounds +1"), "the replay token of the raised run says so: " + r.out());
        CliTest.assertNoStackTrace(r);
    }

    @Test
    void badBoundsAreAUsageError() {
        for (String bad : new String[] {"x", "+0", "-1", "+65"}) {
            CliTest.Run r = CliTest.run("check", "counter", "--bounds", bad);
            assertEquals(64, r.code(), bad);
            assertTrue(r.err().contains("--bounds takes +K"), r.err());
            CliTest.assertNoStackTrace(r);
        }
    }

    @Test
    void mutateExitsTenOnAnUnexplainedSurvivorAndZeroWhenAllAreKilled() {
        // ordered philosophers as a knob combination (not the named variant, which declares them): removing a fork
        // pair leaves a correct program, and nothing explains that
        CliTest.Run phil = CliTest.run("mutate", "philosophers", "--set", "n=4", "--set", "ordered=true", "--quiet-progress");
        assertEquals(10, phil.code(), phil.out());
        assertTrue(phil.out().contains("NO DECLARED REASON"), phil.out());
        assertTrue(phil.out().contains("survivors have no declared reason"), phil.out());
        // the named variant declares them
        CliTest.Run named = CliTest.run("mutate", "philosophers", "--variant", "ordered", "--quiet-progress");
        assertEquals(0, named.code(), named.out());
        // the atomic counter: both mutants lose an update
        CliTest.Run counter = CliTest.run("mutate", "counter", "--variant", "atomic", "--quiet-progress");
        assertEquals(0, counter.code(), counter.out());
        assertTrue(counter.out().contains("2 mutants, 2 killed, 0 survived"), counter.out());
    }
}
