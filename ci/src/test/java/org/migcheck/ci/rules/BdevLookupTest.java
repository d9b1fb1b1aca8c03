package org.migcheck.ci.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;
import org.migcheck.model.mm.Buffers;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;
import org.migcheck.properties.KernelRules;

/**
 * __find_get_block_slow looks the block up in the block device's own page cache: another mapping's
 * folio (declared first, so with a lower id) is never taken for it, and an empty slot is NULL
 * (__filemap_get_folio's ERR_PTR: goto out), not a wait.
 */
class BdevLookupTest {

    /** A file's folio O (declared first), then the bdev's folio F with a one-buffer ring; a task looks up bh0. */
    private static Model lookup(boolean bdevFolioCached) {
        Model.Builder b = Model.builder("bdev-lookup-" + (bdevFolioCached ? "cached" : "empty"));
        Mm mm = new Mm(b);
        Mapping file = mm.mapping("file", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        Mapping bdev = mm.mapping("bdev", Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO_NOREFS, false, false);
        // O is cached with F (a lookup that took any cached folio would take O), or neither is (nothing to find)
        mm.folio("O", file, new Folio.Init().inCache(bdevFolioCached).lru(bdevFolioCached));
        Folio f = mm.folio("F", bdev, new Folio.Init().ref(2).privateData(true).inCache(bdevFolioCached).lru(bdevFolioCached));
        Buffers ring = new Buffers(mm, "bh", bdev, f, 1, new int[] {0}, new boolean[] {false});
        mm.thread("lookup").body(x -> x.call(ring.findGetBlock("", ring.head(), true)));
        b.goal("got-bh0", s -> s.get(ring.head().count) == 1);
        return b.build();
    }

    @Test
    void theLookupFindsTheBlockDevicesFolioNotAnotherMappings() {
        CheckResult r = Migcheck.check(lookup(true), KernelRules.all()).result();
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(CheckResult.GoalResult.Answer.REACHABLE, r.goals().get("got-bh0").answer());
    }

    @Test
    void anEmptySlotIsNullNotAWait() {
        CheckResult r = Migcheck.check(lookup(false), KernelRules.all()).result();
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(CheckResult.GoalResult.Answer.UNREACHABLE, r.goals().get("got-bh0").answer());
    }
}
