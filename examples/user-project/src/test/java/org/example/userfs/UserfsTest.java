package org.example.userfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.junit.Migcheck;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Mutations;
import org.migcheck.checker.run.Verdict;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;
import org.opentest4j.AssertionFailedError;

/** The project's model tests: one assertion each, with the project's own rule next to the kernel rules. */
class UserfsTest {
    static final RuleSet RULES = KernelRules.all().with(new DirtyInCacheRule());

    @Test
    void flushUnderTheMutexDeadlocks() {
        // shortest deadlock, by hand: the ioctl takes dev->lock (1), the kworker blocks on it, the
        // ioctl blocks in flush_work: one step
        CheckResult r = Migcheck.assertDeadlock(FlushWorkModel.build(true), RULES, Migcheck.options());
        assertEquals(1, r.schedule().length);
        assertTrue(r.explanation().stream().anyMatch(l -> l.startsWith("ioctl blocked in flush_work")), r.explanation().toString());
        assertTrue(r.explanation().stream().anyMatch(l -> l.startsWith("kworker blocked in mutex_lock(dev->lock)")), r.explanation().toString());
    }

    @Test
    void flushBeforeTheMutexHolds() {
        Migcheck.assertHolds(FlushWorkModel.build(false), RULES, Migcheck.options());
        Migcheck.assertReachable(FlushWorkModel.build(false), RULES, Migcheck.options(), "both-updated");
    }

    @Test
    void mkwriteWithoutTheLockLosesTheWrite() {
        CheckResult r = Migcheck.assertViolates(MkwriteTruncateModel.build(false), RULES, Migcheck.options(), DirtyInCacheRule.ID);
        // by hand: truncate try_get, lock, wait_writeback, remove (4), then the fault dirties (5)
        assertEquals(5, r.schedule().length);
        assertTrue(r.message().contains("fault dirties folio0"), r.message());
        // the kernel rules alone do not see it: this is the project's own rule at work
        Migcheck.assertHolds(MkwriteTruncateModel.build(false), KernelRules.all(), Migcheck.options());
    }

    @Test
    void mkwriteWithTheRecheckHolds() {
        Migcheck.assertHolds(MkwriteTruncateModel.build(true), RULES, Migcheck.options());
        Migcheck.assertReachable(MkwriteTruncateModel.build(true), RULES, Migcheck.options(), "dirtied-in-cache");
    }

    @Test
    void scenariosAsDeclared() {
        Migcheck.assertAsDeclared(new UserfsScenarios.FlushWork(), "under-lock", RULES, Migcheck.options());
        Migcheck.assertAsDeclared(new UserfsScenarios.FlushWork(), "unlocked", RULES, Migcheck.options());
        Migcheck.assertAsDeclared(new UserfsScenarios.Mkwrite(), "unlocked", RULES, Migcheck.options());
        Migcheck.assertAsDeclared(new UserfsScenarios.Mkwrite(), "recheck", RULES, Migcheck.options());
    }

    @Test
    void aFailureNamesItsReportsAndEndsWithAReplayCommand() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Migcheck.assertHolds(FlushWorkModel.build(true), RULES, Migcheck.options()));
        String last = e.getMessage().lines().reduce((a, b) -> b).orElseThrow();
        // the registered userfs-flush-work scenario rebuilds this model: the CLI can replay it
        assertTrue(last.matches("replay: \\./migcheck --classpath \\S+ replay userfs-flush-work:under-lock:flushUnderLock=true:0"), last);
        // the reports are named after the model and the test method that asked, so two tests never overwrite each other's
        assertTrue(e.getMessage().contains("target/migcheck-reports/userfs-flush-work_under-lock_UserfsTest.aFailureNamesItsReportsAndEndsWithAReplayCommand.html"),
                e.getMessage());
    }

    @Test
    void resultReports() {
        Migcheck.Result r = Migcheck.check(new UserfsScenarios.Mkwrite(), "unlocked", RULES, Migcheck.options());
        assertEquals(Verdict.VIOLATED, r.verdict());
        assertTrue(r.report().contains("VIOLATED userfs.dirty-in-cache"), r.report());
        assertTrue(r.json().contains("\"id\" : \"userfs.dirty-in-cache\""), r.json()); // "rule" is an object: id, statement, kernelRef
        // the statement of the project's own rule, not null
        assertTrue(r.json().contains("\"statement\" : \"folio_mark_dirty on a page-cache folio finds it still in the page cache\""), r.json());
        assertTrue(r.html().contains("userfs.dirty-in-cache"), r.html());
    }

    @Test
    void mutationAnalysisKillsEveryLockOfTheFixedFault() {
        Migcheck.MutationReport m = Migcheck.mutate(MkwriteTruncateModel.build(true), RULES);
        List<Mutations.Mutant> survivors = m.with(Mutations.Fate.SURVIVED);
        // the folio_lock of the fault path is what orders the re-check against the removal
        assertTrue(m.mutants().stream().anyMatch(x -> x.step().equals("fault: folio_lock") && x.fate() == Mutations.Fate.KILLED), m.report());
        assertTrue(survivors.stream().noneMatch(x -> x.step().equals("fault: folio_lock")), m.report());
    }
}
