package org.migcheck.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every rule has an id, a one-line statement and the kernel source it comes from. */
class RuleMetadataTest {

    /** A kernel source path: at least one directory, then a .c, .h or .rst file (mm/filemap.c, include/linux/mm.h). */
    static final Pattern KERNEL_PATH = Pattern.compile("(?<![\\w./-])[A-Za-z][\\w-]*(/[\\w.-]+)*/[\\w.-]+\\.(c|h|rst)\\b");

    @Test
    void everyRuleHasIdStatementAndKernelReference() {
        for (Rule r : KernelRules.list()) {
            assertNotNull(r.id());
            assertFalse(r.id().isBlank(), "blank id");
            String who = "rule " + r.id();
            assertNotNull(r.statement(), who);
            assertFalse(r.statement().isBlank(), who + " has a blank statement");
            assertFalse(r.statement().contains("\n"), who + ": the statement is one line");
            assertNotNull(r.kernelRef(), who);
            assertFalse(r.kernelRef().isBlank(), who + " has a blank kernelRef");
            String ref = r.kernelRef();
            assertTrue(ref.contains("/") && (ref.contains(".c") || ref.contains(".h") || ref.contains(".rst")),
                    who + ": kernelRef should name a kernel file: " + ref);
            assertTrue(KERNEL_PATH.matcher(ref).find(), who + ": no kernel path like mm/filemap.c in " + ref);
        }
    }

    @Test
    void pathPatternAcceptsKernelPathsOnly() {
        assertTrue(KERNEL_PATH.matcher("mm/filemap.c folio_end_writeback").find());
        assertTrue(KERNEL_PATH.matcher("see Documentation/filesystems/locking.rst").find());
        assertTrue(KERNEL_PATH.matcher("include/linux/page_ref.h").find());
        assertFalse(KERNEL_PATH.matcher("filemap.c").find());
        assertFalse(KERNEL_PATH.matcher("SCENARIOS.md 0.2").find());
        assertFalse(KERNEL_PATH.matcher("mm/filemap").find());
    }

    @Test
    void idsAreUnique() {
        Set<String> seen = new HashSet<>();
        for (Rule r : KernelRules.list()) {
            assertTrue(seen.add(r.id()), "duplicate rule id " + r.id());
        }
        assertFalse(seen.contains(RuleSet.LOCK_CYCLE), "the lockdep cycle id is reserved for the checker");
    }

    /** The rules this package tests one by one; a new rule must get its tests (and be added here). */
    @Test
    void everyListedRuleIsCoveredByATest() {
        assertEquals(List.of("isolate.ref-held", "atomic.sleep", "memalloc.folio-lock", "reclaim.folio-lock",
                        "writeback.set-under-lock", "cache.remove-locked-no-writeback", "folio.free-busy",
                        "ref.get-unless-zero", "folio.use-after-free", "data.lost-update", "data.stale-read", "isolate.single",
                        "migrate.both-locked", "balloon.pages-lock", "movable-ops.isolated-under-lock", "cache.replace-under-xa-lock",
                        "dirty.clear-under-lock", "wait.condition", "list.integrity", LockHierarchy.ID),
                KernelRules.list().stream().map(Rule::id).toList());
    }

    @Test
    void allIsTheListWithLockdep() {
        RuleSet all = KernelRules.all();
        assertTrue(all.lockdep());
        // LockHierarchy.mm() is a fresh instance per call, so compare by id
        assertEquals(KernelRules.list().stream().map(Rule::id).sorted().toList(),
                all.rules().stream().map(Rule::id).sorted().toList());
        assertEquals(List.of(KernelRules.ISOLATED_REF), all.invariants());
        assertEquals(KernelRules.list().size() - 1, all.stepRules().size());
    }
}
