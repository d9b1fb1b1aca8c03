package org.migcheck.checker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.properties.KernelRules;

/**
 * The memory figures a check reports (bench's B/st) describe the search its counts come from, the liveness graph
 * included: under symmetry the graph was left out, and after a stuck thread found with partial-order reduction the
 * counts came from the re-check without it and the bytes from the reduced search.
 */
class FootprintTest {

    @Test
    void theSymmetricLivenessGraphIsCounted() {
        Model m = ScenarioRunner.build(Catalogue.find("movable-ops"), "merged", Map.of("compactors", "2"));
        Footprint live = new Footprint();
        CheckResult r = Checker.check(m, KernelRules.all(), Options.defaults().withWorkers(1).withSymmetry(Options.Switch.ON), live);
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertTrue(r.reductions() != null && r.reductions().contains("symmetry"), r.reductions());
        assertTrue(live.graphBytes() > 0, "the symmetric graph: " + live.graphBytes() + " bytes");
        Footprint off = new Footprint();
        Checker.check(m, KernelRules.all(), Options.defaults().withWorkers(1).withSymmetry(Options.Switch.ON).withLiveness(false), off);
        assertEquals(0, off.graphBytes());
        assertEquals(off.storeBytes(), live.storeBytes(), "the same visited set either way");
    }

    @Test
    void aStuckThreadsReCheckWithoutReductionGivesTheFiguresWithItsCounts() {
        Model m = ScenarioRunner.build(Catalogue.find("fuse-writeback-memcg"), "migrate-sync-no-reply", Map.of());
        Footprint reduced = new Footprint();
        CheckResult r = Checker.check(m, KernelRules.all(), Options.defaults().withWorkers(1).withPor(Options.Switch.ON), reduced);
        Footprint plain = new Footprint();
        CheckResult p = Checker.check(m, KernelRules.all(), Options.defaults().withWorkers(1).withPor(Options.Switch.OFF), plain);
        assertEquals(Verdict.STUCK, p.verdict(), p.message());
        assertEquals(p.verdict(), r.verdict());
        assertTrue(r.reductions().contains("found with partial-order reduction; the trace comes from a breadth-first search without it"), r.reductions());
        assertEquals(p.stats().distinct(), r.stats().distinct(), "the counts are the re-check's");
        assertEquals(plain.storeBytes(), reduced.storeBytes(), "and so are the bytes");
        assertEquals(plain.graphBytes(), reduced.graphBytes());
        assertEquals(plain.maskBytes(), reduced.maskBytes());
    }

    @Test
    void aReShortenedCounterexampleGivesTheBoundedSearchsFigures() {
        Model m = ScenarioRunner.build(Catalogue.find("fuse-writeback-memcg"), "no-wbc-shared-mmap-legacy", Map.of("folios", "2"));
        Footprint reduced = new Footprint();
        CheckResult r = Checker.check(m, KernelRules.all(), Options.defaults().withWorkers(1).withPor(Options.Switch.ON), reduced);
        assertTrue(r.reductions() != null && r.reductions().contains("re-shortened"), r.reductions());
        Options bounded = Options.defaults().withWorkers(1).withPor(Options.Switch.OFF).withDecideGoals(false)
                .withBudget(Options.defaults().budget().withMaxDepth(r.schedule().length));
        Footprint plain = new Footprint();
        CheckResult p = Checker.check(m, KernelRules.all(), bounded, plain);
        assertEquals(p.stats().distinct(), r.stats().distinct(), "the counts are the bounded search's");
        assertEquals(plain.storeBytes(), reduced.storeBytes(), "and so are the bytes");
    }
}
