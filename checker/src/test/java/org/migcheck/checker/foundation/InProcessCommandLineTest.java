package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.testing.CliRun;
import org.migcheck.checker.trace.Timings;
import org.migcheck.model.zoo.Zoo;

/**
 * The command line run in-process from several threads of one JVM (tests of its output run in parallel): each call
 * writes only to its own streams and its switches end with it. A review saw two concurrent calls' reports land in
 * each other's streams (or one empty), and one --no-timings run leave later Java API reports of the JVM without times.
 */
class InProcessCommandLineTest {
    @Test
    void concurrentCommandLinesKeepToTheirOwnStreams() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 6; round++) {
                Callable<CliRun> json = () -> CliRun.run("check", "philosophers", "--no-timings", "--format", "json", "--workers", "1");
                Callable<CliRun> text = () -> CliRun.run("check", "counter", "--workers", "1");
                Future<CliRun> a = pool.submit(json);
                Future<CliRun> b = pool.submit(text);
                CliRun j = a.get();
                CliRun t = b.get();
                // philosophers' default variant deadlocks (exit 2), counter's races (exit 1): by the catalogue's declarations
                assertEquals(2, j.code(), "round " + round);
                assertEquals(1, t.code(), "round " + round);
                JsonNode doc = new ObjectMapper().readTree(j.out());
                assertEquals("philosophers", doc.get("scenario").asText(), "round " + round);
                assertTrue(doc.get("stats").get("seconds").isNull(), "round " + round + ": --no-timings kept: " + doc.get("stats"));
                assertTrue(t.out().startsWith("counter / "), "round " + round + ": " + t.out());
                assertTrue(!t.out().contains("philosophers"), "round " + round + ": " + t.out());
            }
        } finally {
            pool.shutdownNow();
        }
        // after a --no-timings command line, a Java API report of the same JVM has its times again
        assertTrue(Timings.shown());
        JsonNode later = new ObjectMapper().readTree(Migcheck.check(Zoo.abbaModel(false, false)).json());
        assertTrue(later.get("stats").get("seconds").isNumber(), later.get("stats").toString());
        // and Timings.without leaves them out of one rendering on this thread only
        JsonNode without = new ObjectMapper().readTree(Timings.without(Migcheck.check(Zoo.abbaModel(false, false))::json));
        assertTrue(without.get("stats").get("seconds").isNull(), without.get("stats").toString());
        assertTrue(Timings.shown());
    }

    /**
     * From a review of the change above: a command line run inside Timings.without left the process's switch off (it
     * restored what this thread saw, not the process's); a caller waiting for another command line can be interrupted
     * (a test runner's timeout), which ends its wait with INCOMPLETE and a line saying it was not run.
     */
    @Test
    void theProcessSwitchIsRestoredAndAWaitCanBeInterrupted() throws Exception {
        Timings.without(() -> CliRun.run("check", "abba", "--workers", "1"));
        assertTrue(Timings.shown(), "after a command line inside Timings.without");
        java.util.concurrent.atomic.AtomicReference<CliRun> longer = new java.util.concurrent.atomic.AtomicReference<>();
        Thread holder = new Thread(() -> longer.set(CliRun.run("check", "philosophers", "--set", "n=9", "--set", "ordered=true", "--workers", "1",
                "--no-liveness", "--por", "off", "--symmetry", "off")), "holds-the-command-line");
        holder.start();
        Thread.sleep(300); // philosophers-9 takes seconds: the holder has the command line by now
        java.util.concurrent.atomic.AtomicReference<CliRun> waited = new java.util.concurrent.atomic.AtomicReference<>();
        Thread waiter = new Thread(() -> waited.set(CliRun.run("list")), "waits-for-it");
        waiter.start();
        Thread.sleep(200);
        assertTrue(holder.isAlive(), "the first command line ended before the second could wait for it");
        waiter.interrupt();
        waiter.join(10_000);
        assertEquals(4, waited.get().code(), waited.get().err());
        assertEquals("migcheck: interrupted while waiting for another command line of this JVM to end: not run\n", waited.get().err());
        holder.join(120_000);
        assertEquals(0, longer.get().code(), "philosophers-9 ordered holds");
    }
}
