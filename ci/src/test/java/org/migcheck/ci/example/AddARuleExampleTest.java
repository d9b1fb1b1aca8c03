package org.migcheck.ci.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.trace.Trace;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/** The README's worked "Add a rule" example, kept honest by running it. */
class AddARuleExampleTest {

    @Test
    void kernelOrderHoldsWithTheNewRule() {
        Migcheck.assertHolds(TruncateExample.build(true), KernelRules.all().with(WritebackInCacheRule.WRITEBACK_IN_CACHE));
    }

    @Test
    void truncateWithoutWaitBreaksTheNewRule() {
        CheckResult r = Migcheck.assertViolates(TruncateExample.build(false),
                RuleSet.of(List.of(WritebackInCacheRule.WRITEBACK_IN_CACHE), false), "writeback.in-cache");
        // shortest path, by hand: flusher try_get, lock, test mapping, start writeback, unlock (5);
        // truncate try_get, lock, remove (3): the state after the removal breaks the invariant
        assertEquals(8, r.schedule().length);
        Trace t = r.trace();
        assertEquals("filemap_remove_folio(folio0)", t.rows().get(t.rows().size() - 1).label());
        assertTrue(r.message().contains("folio0 is under writeback"), r.message());
    }

    @Test
    void withTheKernelRulesTheRemovalStepItselfIsCaught() {
        CheckResult r = Migcheck.assertViolates(TruncateExample.build(false), "cache.remove-locked-no-writeback");
        assertEquals(8, r.schedule().length);
    }
}
