package org.migcheck.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.properties.StepDriver.assertOk;
import static org.migcheck.properties.StepDriver.assertViolated;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.mm.FolioOps;

/**
 * The declared mm hierarchy ({@link LockHierarchy#mm()}): its order relation, the chains it
 * reports, and its check on single acquisitions driven by hand.
 */
class LockHierarchyTest {
    final LockHierarchy mm = LockHierarchy.mm();

    @Test
    void folioLockIsOutsideIPagesAndNotTheReverse() {
        assertTrue(mm.before("folio_lock", "i_pages"));
        assertFalse(mm.before("i_pages", "folio_lock"));
    }

    /**
     * Shortest chain by BFS over the edges in declaration order: folio_lock's inner classes are
     * [i_mmap_rwsem, buffer_lock]; i_mmap_rwsem's are [anon_vma, i_private_lock]; i_private_lock's
     * [i_pages]. So the chain found goes folio_lock -> i_mmap_rwsem -> i_private_lock -> i_pages.
     */
    @Test
    void chainFromFolioLockToIPages() {
        assertEquals(List.of("folio_lock", "i_mmap_rwsem", "i_private_lock", "i_pages"), mm.path("folio_lock", "i_pages"));
    }

    /** The buffer facts (mm/migrate.c): buffer_lock -> BH_Migrate -> i_private_lock, and folio_lock outside buffer_lock. */
    @Test
    void chainThroughBufferLockAndBhMigrate() {
        assertEquals(List.of("buffer_lock", "BH_Migrate", "i_private_lock"), mm.path("buffer_lock", "i_private_lock"));
        assertEquals(List.of("buffer_lock", "BH_Migrate", "i_private_lock", "i_pages"), mm.path("buffer_lock", "i_pages"));
        assertEquals(List.of("folio_lock", "buffer_lock", "BH_Migrate"), mm.path("folio_lock", "BH_Migrate"));
        assertTrue(mm.before("folio_lock", "buffer_lock"));
        assertFalse(mm.before("i_private_lock", "BH_Migrate"));
        assertFalse(mm.before("BH_Migrate", "buffer_lock"));
    }

    @Test
    void orderIsStrictAndUndeclaredClassesAreUnordered() {
        assertFalse(mm.before("folio_lock", "folio_lock"));
        assertFalse(mm.before("folio_lock", "no_such_lock"));
        assertFalse(mm.before("no_such_lock", "folio_lock"));
        assertNull(mm.path("i_pages", "i_rwsem"));
        assertTrue(mm.before("i_rwsem", "lru_lock"), "the outermost class is outside the innermost");
    }

    @Test
    void aCustomHierarchyIsTransitive() {
        LockHierarchy h = LockHierarchy.empty().order("a", "b", "x.c").order("b", "c", "y.c");
        assertTrue(h.before("a", "c"));
        assertFalse(h.before("c", "a"));
        assertEquals(List.of("a", "b", "c"), h.path("a", "c"));
        assertEquals(LockHierarchy.ID, h.id());
    }

    /**
     * A driver's own order, as a rule beside the kernel's: its own id, statement and source, and a
     * violation that speaks of the declared order (not the mm order).
     */
    @Test
    void aNamedHierarchyIsARuleOfItsOwn() {
        LockHierarchy mine = LockHierarchy.named("mydrv.lock-order", "dev_lock outside folio_lock", "drivers/mydrv/core.c")
                .order("i_pages", "folio_lock", "drivers/mydrv/core.c (made up for the test)");
        assertEquals("mydrv.lock-order", mine.id());
        assertEquals("drivers/mydrv/core.c", mine.kernelRef());
        StepDriver d = twoLocks(false); // folio_lock, then spin_lock(i_pages): against this made-up order
        assertOk(mine.check(d.step("migrator", "folio_lock(folio0)")));
        String msg = assertViolated(mine.check(d.step("migrator", "spin_lock(mapping0.i_pages)")), "migrator");
        assertTrue(msg.contains("the declared order is i_pages -> folio_lock (drivers/mydrv/core.c (made up for the test))"), msg);
        // beside the kernel set, and an id used twice is refused
        assertEquals(KernelRules.all().rules().size() + 1, KernelRules.all().with(mine).rules().size());
        IllegalArgumentException twice = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> KernelRules.all().with(LockHierarchy.empty()));
        assertTrue(twice.getMessage().startsWith("rule id " + LockHierarchy.ID + " is used twice"), twice.getMessage());
    }

    // ------------------------------------------------------------------------------------------

    /** "migrator" takes {@code first} then {@code second} (spin_lock / folio_lock / lock_buffer), blocking. */
    static StepDriver twoLocks(boolean spinFirst) {
        KernelRulesTest.World w = new KernelRulesTest.World("hierarchy");
        Lock ip = w.mapping.iPages;
        w.thread("migrator", b -> {
            if (spinFirst) {
                b.step(Steps.lock("spin_lock", ip)).step(FolioOps.folioLock(w.f0()))
                        .step(FolioOps.folioUnlock(w.f0())).step(Steps.unlock("spin_unlock", ip));
            } else {
                b.step(FolioOps.folioLock(w.f0())).step(Steps.lock("spin_lock", ip))
                        .step(Steps.unlock("spin_unlock", ip)).step(FolioOps.folioUnlock(w.f0()));
            }
        });
        return w.drive();
    }

    @Test
    void folioLockUnderIPagesIsAnInversion() {
        StepDriver d = twoLocks(true);
        assertOk(mm.check(d.step("migrator", "spin_lock(mapping0.i_pages)")));
        String msg = assertViolated(mm.check(d.step("migrator", "folio_lock(folio0)")),
                "migrator", "folio0.locked (folio_lock)", "mapping0.i_pages (i_pages)");
        assertTrue(msg.contains("folio_lock -> i_mmap_rwsem -> i_private_lock -> i_pages"), msg);
        assertTrue(msg.contains("mm/rmap.c"), "cites the source of the first edge: " + msg);
    }

    @Test
    void iPagesUnderFolioLockIsTheDeclaredOrder() {
        StepDriver d = twoLocks(false);
        assertOk(mm.check(d.step("migrator", "folio_lock(folio0)")));
        assertOk(mm.check(d.step("migrator", "spin_lock(mapping0.i_pages)")));
    }

    /** lock_buffer while holding i_private_lock: the chain cites __buffer_migrate_folio. */
    @Test
    void bufferLockUnderIPrivateLockIsAnInversionThroughBhMigrate() {
        KernelRulesTest.World w = new KernelRulesTest.World("hierarchy-bh");
        Lock bh = w.b.lock("bh0.b_state.BH_Lock", "buffer_lock", Lock.Kind.BIT);
        Lock priv = w.mapping.iPrivate;
        w.thread("migrator", b -> b.step(Steps.lock("spin_lock", priv)).step(Steps.lock("lock_buffer", bh))
                .step(Steps.unlock("unlock_buffer", bh)).step(Steps.unlock("spin_unlock", priv)));
        w.thread("writeback", b -> b.step(Steps.lock("lock_buffer", bh)).step(Steps.lock("spin_lock", priv))
                .step(Steps.unlock("spin_unlock", priv)).step(Steps.unlock("unlock_buffer", bh)));
        Model m = w.b.build();
        StepDriver d = new StepDriver(m).run("migrator");
        String msg = assertViolated(mm.check(d.step("migrator", "lock_buffer(bh0.b_state.BH_Lock)")),
                "migrator", "bh0.b_state.BH_Lock", "mapping0.i_private_lock");
        assertTrue(msg.endsWith("the mm order is buffer_lock -> BH_Migrate -> i_private_lock (mm/migrate.c __buffer_migrate_folio)"), msg);

        StepDriver ok = new StepDriver(m);
        assertOk(mm.check(ok.step("writeback", "lock_buffer(bh0.b_state.BH_Lock)")));
        assertOk(mm.check(ok.step("writeback", "spin_lock(mapping0.i_private_lock)")));
    }

    /** Like lockdep: a trylock cannot wait, so it adds no ordering constraint. */
    @Test
    void trylockInTheWrongOrderIsOk() {
        KernelRulesTest.World w = new KernelRulesTest.World("hierarchy-trylock");
        Procedure p = w.b.thread("balloon");
        Local ok = p.local("ok", 0, 1);
        p.body(b -> b.step(Steps.lock("spin_lock", w.mapping.iPages)).step(FolioOps.folioTrylock(w.f0(), ok))
                .step(Steps.unlock("spin_unlock", w.mapping.iPages)));
        StepDriver d = w.drive().run("balloon");
        assertOk(mm.check(d.step("balloon", "folio_trylock(folio0)")));
    }

    /** Two locks of one class (two folio locks) and undeclared classes are not constrained. */
    @Test
    void sameClassAndUndeclaredClassesAreOk() {
        KernelRulesTest.World w = new KernelRulesTest.World("hierarchy-same");
        Lock other = w.b.mutex("pool.lock");
        w.thread("batch", b -> b.step(FolioOps.folioLock(w.f0())).step(FolioOps.folioLock(w.f1()))
                .step(Steps.lock("mutex_lock", other)).step(Steps.unlock("mutex_unlock", other)));
        StepDriver d = w.drive().run("batch");
        assertOk(mm.check(d.step("batch", "folio_lock(folio1)")));
        assertOk(mm.check(d.step("batch", "mutex_lock(pool.lock)")));
    }

    /** Locks held by another thread do not count. */
    @Test
    void anotherThreadsLocksDoNotCount() {
        KernelRulesTest.World w = new KernelRulesTest.World("hierarchy-other");
        w.thread("xa", b -> b.step(Steps.lock("spin_lock", w.mapping.iPages)).step(Steps.unlock("spin_unlock", w.mapping.iPages)));
        w.thread("reader", b -> b.step(FolioOps.folioLock(w.f0())));
        StepDriver d = w.drive().run("xa");
        assertOk(mm.check(d.step("reader", "folio_lock(folio0)")));
    }
}
