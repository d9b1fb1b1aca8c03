package org.migcheck.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.migcheck.properties.StepDriver.assertOk;
import static org.migcheck.properties.StepDriver.assertViolated;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.mm.Data;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioEvent;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Gfp;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.Task;
import org.migcheck.model.mm.TaskOps;

/**
 * One violating and one passing step for every step rule of {@link KernelRules}: each test builds a
 * tiny model, drives it by hand with {@code Semantics} to the step in question, and evaluates the
 * rule on the {@link StepView} of exactly that step. The invariant {@code isolate.ref-held} is in
 * {@link IsolatedRefInvariantTest}, the hierarchy in {@link LockHierarchyTest}.
 */
class KernelRulesTest {

    /** A model under construction with one page-cache mapping ("mapping0") and two folios. */
    static final class World {
        final Model.Builder b;
        final Mm mm;
        final Mapping mapping;
        final Folio folio0;
        final Folio folio1;

        World(String name) {
            this(name, new Folio.Init(), new Folio.Init());
        }

        World(String name, Folio.Init init0, Folio.Init init1) {
            b = Model.builder(name);
            mm = new Mm(b);
            mapping = mm.mapping("mapping0", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
            folio0 = mm.folio("folio0", mapping, init0);
            folio1 = mm.folio("folio1", mapping, init1);
        }

        FolioRef f0() { return FolioRef.fixed(folio0); }

        FolioRef f1() { return FolioRef.fixed(folio1); }

        /** A plain thread (no task context). */
        World thread(String name, Consumer<Body> body) {
            b.thread(name, body);
            return this;
        }

        /** A kernel thread with its task context (PF_MEMALLOC, in_reclaim). */
        Task task(String name, java.util.function.Function<Task, Consumer<Body>> body) {
            Procedure p = mm.thread(name);
            Task t = mm.task(name);
            p.body(body.apply(t));
            return t;
        }

        StepDriver drive() { return new StepDriver(b.build()); }
    }

    static Step spinLock(Lock l) { return Steps.lock("spin_lock", l); }

    static Step spinUnlock(Lock l) { return Steps.unlock("spin_unlock", l); }

    /** A step that isolates a folio for migration (what folio_isolate_lru / isolate_movable_ops_page do). */
    static Step isolate(Folio f) {
        return Step.named("folio_isolate_lru").args(f.name()).does(e -> {
            e.emit(new FolioEvent.Isolated(f));
            e.set(f.isolated, true);
            e.set(f.lru, false);
        }).build();
    }

    /** A step standing for ->migrate_folio of src into dst. */
    static Step migrate(Folio src, Folio dst) {
        return Step.named("move_to_new_folio").args(src.name() + ", " + dst.name()).does(e -> {
            e.emit(new FolioEvent.Accessed(src, "move_to_new_folio"));
            e.emit(new FolioEvent.Migrated(src, dst));
        }).build();
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class AtomicSleep {
        final StepRule rule = KernelRules.ATOMIC_SLEEP;

        /** truncate: spin_lock(i_pages) [spin_unlock(i_pages)] folio_lock(folio0) ... */
        StepDriver spinThenFolioLock(boolean unlockFirst) {
            World w = new World("atomic-sleep");
            Lock ip = w.mapping.iPages;
            w.thread("truncate", b -> {
                b.step(spinLock(ip));
                if (unlockFirst) {
                    b.step(spinUnlock(ip));
                }
                b.step(FolioOps.folioLock(w.f0())).step(FolioOps.folioUnlock(w.f0()));
                if (!unlockFirst) {
                    b.step(spinUnlock(ip));
                }
            });
            return w.drive();
        }

        @Test
        void folioLockUnderSpinlockIsViolated() {
            StepDriver d = spinThenFolioLock(false);
            assertOk(rule.check(d.step("truncate", "spin_lock(mapping0.i_pages)")));
            assertViolated(rule.check(d.step("truncate", "folio_lock(folio0)")),
                    "truncate", "folio_lock", "folio0", "mapping0.i_pages");
        }

        @Test
        void folioLockAfterSpinUnlockIsOk() {
            StepDriver d = spinThenFolioLock(true);
            d.run("truncate").run("truncate");
            assertOk(rule.check(d.step("truncate", "folio_lock(folio0)")));
        }

        @Test
        void folioTrylockUnderSpinlockIsOk() {
            World w = new World("atomic-trylock");
            Lock ip = w.mapping.iPages;
            Procedure p = w.b.thread("balloon");
            Local ok = p.local("ok", 0, 1);
            p.body(b -> b.step(spinLock(ip)).step(FolioOps.folioTrylock(w.f0(), ok)).step(spinUnlock(ip)));
            StepDriver d = w.drive();
            d.run("balloon");
            assertOk(rule.check(d.step("balloon", "folio_trylock(folio0)")));
        }

        @Test
        void writebackWaitUnderSpinlockIsViolated() {
            World w = new World("atomic-wait-wb");
            Lock ip = w.mapping.iPages;
            w.thread("truncate", b -> b.step(spinLock(ip)).step(FolioOps.folioWaitWriteback(w.f0())).step(spinUnlock(ip)));
            StepDriver d = w.drive().run("truncate");
            assertViolated(rule.check(d.step("truncate", "folio_wait_writeback(folio0)")),
                    "truncate", "folio_wait_writeback(folio0)", "mapping0.i_pages");
        }

        @Test
        void mutexUnderSpinlockIsViolatedButSpinlockUnderSpinlockIsOk() {
            World w = new World("atomic-mutex");
            Lock rwsem = w.b.mutex("inode0.i_rwsem");
            w.thread("writer", b -> b.step(spinLock(w.mapping.iPrivate)).step(spinLock(w.mapping.iPages))
                    .step(Steps.lock("down_write", rwsem)).step(Steps.unlock("up_write", rwsem))
                    .step(spinUnlock(w.mapping.iPages)).step(spinUnlock(w.mapping.iPrivate)));
            StepDriver d = w.drive().run("writer");
            assertOk(rule.check(d.step("writer", "spin_lock(mapping0.i_pages)")));
            assertViolated(rule.check(d.step("writer", "down_write(inode0.i_rwsem)")),
                    "writer", "down_write(inode0.i_rwsem)", "spinlock mapping0.i_pages");
        }

        @Test
        void reclaimingAllocationUnderSpinlockIsViolatedNowaitIsOk() {
            World w = new World("atomic-alloc");
            Lock ip = w.mapping.iPrivate;
            w.task("migrator", t -> b -> b.step(spinLock(ip))
                    .step(TaskOps.allocEnter(t, "alloc_pages", Gfp.NOWAIT))
                    .step(TaskOps.allocExit(t, "alloc_pages"))
                    .step(TaskOps.allocEnter(t, "alloc_pages", Gfp.KERNEL))
                    .step(spinUnlock(ip)));
            StepDriver d = w.drive().run("migrator");
            assertOk(rule.check(d.step("migrator", "alloc_pages(GFP_NOWAIT)")));
            d.run("migrator");
            assertViolated(rule.check(d.step("migrator", "alloc_pages(GFP_KERNEL)")),
                    "migrator", "alloc_pages(GFP_KERNEL)", "mapping0.i_private_lock");
        }

        @Test
        void anotherThreadsSpinlockDoesNotMakeThisThreadAtomic() {
            World w = new World("atomic-other");
            w.thread("holder", b -> b.step(spinLock(w.mapping.iPages)).step(spinUnlock(w.mapping.iPages)));
            w.thread("locker", b -> b.step(FolioOps.folioLock(w.f0())).step(FolioOps.folioUnlock(w.f0())));
            StepDriver d = w.drive().run("holder");
            assertOk(rule.check(d.step("locker", "folio_lock(folio0)")));
        }
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class MemallocFolioLock {
        final StepRule rule = KernelRules.MEMALLOC_FOLIO_LOCK;

        /** kcompactd: memalloc_noreclaim_save [restore] folio_lock(folio0) folio_unlock [restore] */
        StepDriver compaction(boolean restoreFirst) {
            World w = new World("memalloc");
            w.task("kcompactd", t -> b -> {
                b.step(TaskOps.memallocNoreclaimSave(t));
                if (restoreFirst) {
                    b.step(TaskOps.memallocNoreclaimRestore(t));
                }
                b.step(FolioOps.folioLock(w.f0())).step(FolioOps.folioUnlock(w.f0()));
                if (!restoreFirst) {
                    b.step(TaskOps.memallocNoreclaimRestore(t));
                }
            });
            return w.drive();
        }

        @Test
        void sleepingFolioLockUnderPfMemallocIsViolated() {
            StepDriver d = compaction(false);
            assertOk(rule.check(d.step("kcompactd", "memalloc_noreclaim_save(kcompactd)")));
            assertViolated(rule.check(d.step("kcompactd", "folio_lock(folio0)")),
                    "kcompactd", "folio_lock", "folio0", "PF_MEMALLOC");
        }

        @Test
        void folioLockAfterRestoreIsOk() {
            StepDriver d = compaction(true).run("kcompactd").run("kcompactd");
            assertOk(rule.check(d.step("kcompactd", "folio_lock(folio0)")));
        }

        @Test
        void trylockAndMutexUnderPfMemallocAreOk() {
            World w = new World("memalloc-trylock");
            Lock m = w.b.mutex("cc.lock");
            Procedure p = w.mm.thread("kcompactd");
            Task t = w.mm.task("kcompactd");
            Local ok = p.local("ok", 0, 1);
            p.body(b -> b.step(TaskOps.memallocNoreclaimSave(t)).step(FolioOps.folioTrylock(w.f0(), ok))
                    .step(Steps.lock("mutex_lock", m)).step(Steps.unlock("mutex_unlock", m)));
            StepDriver d = w.drive().run("kcompactd");
            assertOk(rule.check(d.step("kcompactd", "folio_trylock(folio0)")));
            assertOk(rule.check(d.step("kcompactd", "mutex_lock(cc.lock)")));
        }

        @Test
        void migrationEntryWaitUnderPfMemallocIsViolated() {
            World w = new World("memalloc-migration-entry");
            w.task("kswapd", t -> b -> b.step(TaskOps.kswapdSetsPfMemalloc(t))
                    .step(FolioOps.waitOnFolioLocked("migration_entry_wait_on_locked", w.f0())));
            StepDriver d = w.drive().run("kswapd");
            assertViolated(rule.check(d.step("kswapd", "migration_entry_wait_on_locked(folio0)")),
                    "kswapd", "migration_entry_wait_on_locked(folio0)", "PF_MEMALLOC");
        }

        @Test
        void pfMemallocOfAnotherTaskOrAPlainThreadIsOk() {
            World w = new World("memalloc-other");
            w.task("kswapd", t -> b -> b.step(TaskOps.kswapdSetsPfMemalloc(t)));
            w.task("reader", t -> b -> b.step(FolioOps.folioLock(w.f0())).step(FolioOps.folioUnlock(w.f0())));
            w.thread("plain", b -> b.step(FolioOps.folioLock(w.f1())));
            StepDriver d = w.drive().run("kswapd");
            assertOk(rule.check(d.step("reader", "folio_lock(folio0)")));
            assertOk(rule.check(d.step("plain", "folio_lock(folio1)")));
        }
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class ReclaimFolioLock {
        final StepRule rule = KernelRules.RECLAIM_FOLIO_LOCK;

        StepDriver reclaim(boolean exitFirst) {
            World w = new World("reclaim");
            w.task("kswapd0", t -> b -> {
                b.step(TaskOps.reclaimEnter(t, "shrink_folio_list"));
                if (exitFirst) {
                    b.step(TaskOps.reclaimExit(t, "shrink_folio_list"));
                }
                b.step(FolioOps.folioLock(w.f0())).step(FolioOps.folioUnlock(w.f0()));
            });
            return w.drive();
        }

        @Test
        void sleepingFolioLockInsideReclaimIsViolated() {
            StepDriver d = reclaim(false);
            assertOk(rule.check(d.step("kswapd0", "shrink_folio_list(kswapd0)")));
            assertViolated(rule.check(d.step("kswapd0", "folio_lock(folio0)")),
                    "kswapd0", "folio_lock", "folio0", "reclaim");
        }

        @Test
        void folioLockAfterLeavingReclaimIsOk() {
            StepDriver d = reclaim(true).run("kswapd0").run("kswapd0");
            assertOk(rule.check(d.step("kswapd0", "folio_lock(folio0)")));
        }

        @Test
        void trylockInsideReclaimIsOk() {
            World w = new World("reclaim-trylock");
            Procedure p = w.mm.thread("kswapd0");
            Task t = w.mm.task("kswapd0");
            Local ok = p.local("ok", 0, 1);
            p.body(b -> b.step(TaskOps.reclaimEnter(t, "shrink_folio_list")).step(FolioOps.folioTrylock(w.f0(), ok)));
            StepDriver d = w.drive().run("kswapd0");
            assertOk(rule.check(d.step("kswapd0", "folio_trylock(folio0)")));
        }
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class WritebackSetUnderLock {
        final StepRule rule = KernelRules.WRITEBACK_SET_UNDER_LOCK;

        @Test
        void startWritebackUnderTheFolioLockIsOk() {
            World w = new World("wb-ok");
            w.thread("flusher", b -> b.step(FolioOps.folioLock(w.f0())).step(FolioOps.folioStartWriteback(w.f0()))
                    .step(FolioOps.folioUnlock(w.f0())));
            StepDriver d = w.drive().run("flusher");
            assertOk(rule.check(d.step("flusher", "folio_start_writeback(folio0)")));
        }

        @Test
        void startWritebackOnAnUnlockedFolioIsViolated() {
            World w = new World("wb-unlocked");
            w.thread("flusher", b -> b.step(FolioOps.folioStartWriteback(w.f0())));
            StepDriver d = w.drive();
            assertViolated(rule.check(d.step("flusher", "folio_start_writeback(folio0)")), "flusher", "folio0");
        }

        @Test
        void startWritebackWhileAnotherThreadHoldsTheLockIsViolated() {
            World w = new World("wb-other-holder");
            w.thread("truncate", b -> b.step(FolioOps.folioLock(w.f0())).step(FolioOps.folioUnlock(w.f0())));
            w.thread("flusher", b -> b.step(FolioOps.folioStartWriteback(w.f0())));
            StepDriver d = w.drive().run("truncate");
            assertViolated(rule.check(d.step("flusher", "folio_start_writeback(folio0)")),
                    "flusher", "folio0", "locked by truncate");
        }

        @Test
        void startWritebackTwiceIsViolated() {
            World w = new World("wb-twice", new Folio.Init().writeback(true), new Folio.Init());
            w.thread("flusher", b -> b.step(FolioOps.folioLock(w.f0())).step(FolioOps.folioStartWriteback(w.f0())));
            StepDriver d = w.drive().run("flusher");
            assertViolated(rule.check(d.step("flusher", "folio_start_writeback(folio0)")),
                    "flusher", "folio0", "already under writeback");
        }
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class CacheRemove {
        final StepRule rule = KernelRules.CACHE_REMOVE;

        @Test
        void removeLockedCleanFolioIsOk() {
            World w = new World("remove-ok");
            w.thread("truncate", b -> b.step(FolioOps.folioLock(w.f0())).step(FolioOps.filemapRemoveFolio(w.f0()))
                    .step(FolioOps.folioUnlock(w.f0())));
            StepDriver d = w.drive().run("truncate");
            assertOk(rule.check(d.step("truncate", "filemap_remove_folio(folio0)")));
        }

        @Test
        void removeUnlockedFolioIsViolated() {
            World w = new World("remove-unlocked");
            w.thread("truncate", b -> b.step(FolioOps.filemapRemoveFolio(w.f0())));
            assertViolated(rule.check(w.drive().step("truncate", "filemap_remove_folio(folio0)")),
                    "truncate", "folio0", "unlocked");
        }

        @Test
        void removeFolioUnderWritebackIsViolated() {
            World w = new World("remove-wb", new Folio.Init().writeback(true), new Folio.Init());
            w.thread("truncate", b -> b.step(FolioOps.folioLock(w.f0())).step(FolioOps.filemapRemoveFolio(w.f0())));
            StepDriver d = w.drive().run("truncate");
            assertViolated(rule.check(d.step("truncate", "filemap_remove_folio(folio0)")),
                    "truncate", "folio0", "writeback");
        }
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class FreeBusy {
        final StepRule rule = KernelRules.FREE_BUSY;

        StepDriver lastPut(Folio.Init init) {
            World w = new World("free-busy", init, new Folio.Init());
            w.thread("putter", b -> b.step(FolioOps.folioPut(w.f0())));
            return w.drive();
        }

        @Test
        void freeingACleanFolioIsOk() {
            assertOk(rule.check(lastPut(new Folio.Init()).step("putter", "folio_put(folio0)")));
        }

        @Test
        void freeingAFolioUnderWritebackIsViolated() {
            assertViolated(rule.check(lastPut(new Folio.Init().writeback(true)).step("putter", "folio_put(folio0)")),
                    "folio0", "putter", "writeback");
        }

        @Test
        void droppingANonLastReferenceUnderWritebackIsOk() {
            assertOk(rule.check(lastPut(new Folio.Init().writeback(true).ref(2)).step("putter", "folio_put(folio0)")));
        }

        @Test
        void freeingAnIsolatedFolioIsViolated() {
            assertViolated(rule.check(lastPut(new Folio.Init().isolated(true)).step("putter", "folio_put(folio0)")),
                    "folio0", "putter", "isolated");
        }

        /** jbd2 points a temporary buffer head at folio0 without a folio reference; I/O completion drops it. */
        StepDriver journal(boolean ioCompletesFirst) {
            World w = new World("free-io-ref");
            Folio f = w.folio0;
            w.thread("jbd2", b -> {
                b.step(Step.named("jbd2_journal_write_metadata_buffer").args(f.name()).does(e -> e.add(f.ioRefs, 1)).build());
                if (ioCompletesFirst) {
                    b.step(Step.named("end_buffer_write_sync").args(f.name()).does(e -> e.add(f.ioRefs, -1)).build());
                }
            });
            w.thread("truncate", b -> b.step(FolioOps.folioPut(w.f0())));
            StepDriver d = w.drive().run("jbd2");
            if (ioCompletesFirst) {
                d.run("jbd2");
            }
            return d;
        }

        @Test
        void freeingAFolioWithInFlightIoIsViolated() {
            assertViolated(rule.check(journal(false).step("truncate", "folio_put(folio0)")),
                    "folio0", "truncate", "in-flight I/O");
        }

        @Test
        void freeingAfterIoCompletionIsOk() {
            assertOk(rule.check(journal(true).step("truncate", "folio_put(folio0)")));
        }
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class GetUnlessZero {
        final StepRule rule = KernelRules.GET_UNLESS_ZERO;

        StepDriver getter(Folio.Init init, boolean tryGet) {
            World w = new World("get", init, new Folio.Init());
            Procedure p = w.b.thread("isolator");
            Local ok = p.local("ok", 0, 1);
            p.body(b -> b.step(tryGet ? FolioOps.folioTryGet(w.f0(), ok) : FolioOps.folioGet(w.f0())));
            return w.drive();
        }

        @Test
        void plainGetOnRefcountZeroIsViolated() {
            assertViolated(rule.check(getter(new Folio.Init().ref(0), false).step("isolator", "folio_get(folio0)")),
                    "isolator", "folio0", "refcount is 0");
        }

        @Test
        void plainGetOnALiveFolioIsOk() {
            assertOk(rule.check(getter(new Folio.Init(), false).step("isolator", "folio_get(folio0)")));
        }

        @Test
        void tryGetOnRefcountZeroIsOk() {
            assertOk(rule.check(getter(new Folio.Init().ref(0), true).step("isolator", "folio_try_get(folio0)")));
        }

        @Test
        void aGetUnlessZeroIsNamedAfterTheFunctionThatTakesIt() {
            World w = new World("nontail");
            Procedure p = w.b.thread("compactor");
            Local ok = p.local("ok", 0, 1);
            p.body(b -> b.step(FolioOps.folioTryGet("folio_get_nontail_page", w.f0(), ok)));
            StepView v = w.drive().step("compactor", "folio_get_nontail_page(folio0)");
            assertEquals(List.of("folio_get_nontail_page folio0"),
                    v.events(FolioEvent.RefTaken.class).stream().map(FolioEvent::describe).toList());
            assertOk(rule.check(v));
        }
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class DataRules {
        /** folio0 was in the page cache, folio1 replaced it (migration's slot switch); both carry data. */
        World replaced(Data[] data) {
            World w = new World("data", new Folio.Init(), new Folio.Init().inCache(false));
            data[0] = new Data(w.mm);
            data[0].track(w.folio0);
            data[0].track(w.folio1);
            w.thread("migrate", b -> b.step(data[0].copy("folio_mc_copy", w.f0(), w.f1()))
                    .step(org.migcheck.model.lang.Step.named("__folio_migrate_mapping").args("folio0 -> folio1")
                            .does(e -> { e.set(w.folio0.inCache, false); e.set(w.folio1.inCache, true); }).build()));
            return w;
        }

        @Test
        void writeIntoTheReplacedFolioIsALostUpdate() {
            Data[] d = new Data[1];
            World w = replaced(d);
            w.thread("writer", b -> b.step(d[0].write("memcpy", w.f0())));
            StepDriver drv = w.drive();
            assertOk(KernelRules.LOST_UPDATE.check(drv.run("migrate").step("writer", "memcpy(folio0)")));   // before the switch
            World w2 = replaced(d);
            w2.thread("writer", b -> b.step(d[0].write("memcpy", w2.f0())));
            assertViolated(KernelRules.LOST_UPDATE.check(w2.drive().run("migrate").run("migrate").step("writer", "memcpy(folio0)")),
                    "writer", "folio0", "folio1", "lost");
        }

        @Test
        void readOfTheOldFolioIsStaleOnlyWhenTheDataDiffers() {
            Data[] d = new Data[1];
            World w = replaced(d);
            w.thread("writer", b -> b.step(d[0].write("memcpy", w.f1())));
            w.thread("reader", b -> b.step(d[0].read("memcpy", w.f0(), null)));
            StepDriver drv = w.drive().run("migrate").run("migrate");
            assertOk(KernelRules.STALE_READ.check(new StepDriver(drv.model).run("migrate").run("migrate").step("reader", "memcpy(folio0)")));
            assertViolated(KernelRules.STALE_READ.check(drv.run("writer").step("reader", "memcpy(folio0)")), "reader", "folio0", "folio1", "stale");
        }
    }

    @Nested
    class WaitCondition {
        final StepRule rule = KernelRules.WAIT_CONDITION;

        /** A waiter that leaves its wait on wq with "folio0 clean" as its condition; a writer dirties folio0 first or not. */
        StepDriver waiter(boolean dirtyFirst) {
            World w = new World("wait-cond");
            org.migcheck.model.lang.WaitQueue wq = org.migcheck.model.lang.WaitQueue.declare(w.b, "wq");
            w.thread("writer", b -> b.step(FolioOps.folioMarkDirty(w.f0())));
            w.thread("waker", b -> b.step(wq.wakeUp(false)));
            w.thread("waiter", b -> b.step(wq.prepareToWait(false)).step(wq.schedule())
                    .step(wq.finishWait(e -> !e.isSet(w.folio0.dirty), "folio0 clean")));
            StepDriver d = w.drive().run("waiter").run("waker").run("waiter");
            if (dirtyFirst) {
                d.step("writer", "folio_mark_dirty(folio0)");
            }
            return d;
        }

        @Test
        void leavingWithTheConditionFalseIsViolated() {
            assertViolated(rule.check(waiter(true).step("waiter", "finish_wait(wq)")), "waiter", "wq", "folio0 clean");
        }

        @Test
        void leavingWithTheConditionTrueIsOk() {
            assertOk(rule.check(waiter(false).step("waiter", "finish_wait(wq)")));
        }
    }

    @Nested
    class ListIntegrity {
        final StepRule rule = KernelRules.LIST_INTEGRITY;

        /** folio0 starts on a list (a flag); "del" takes it off and "add" puts it on, each telling whether it was on. */
        StepDriver lister(boolean onAtStart) {
            World w = new World("list");
            org.migcheck.model.lang.Var on = w.b.flag("on_list(folio0)", onAtStart);
            java.util.function.BiFunction<String, Boolean, org.migcheck.model.lang.Step> change = (name, add) ->
                    org.migcheck.model.lang.Step.named(name).args("folio0").does(e -> {
                        e.emit(new org.migcheck.model.mm.FolioEvent.ListChanged(w.folio0, "pages", add, e.isSet(on)));
                        e.set(on, add);
                    }).build();
            w.thread("t", b -> b.step(change.apply("list_del", false)).step(change.apply("list_add", true))
                    .step(change.apply("list_add", true)));
            return w.drive();
        }

        @Test
        void deletingAnEntryOnTheListAndAddingItBackIsOk() {
            StepDriver d = lister(true);
            assertOk(rule.check(d.step("t", "list_del(folio0)")));
            assertOk(rule.check(d.step("t", "list_add(folio0)")));
        }

        @Test
        void deletingAnEntryThatIsNotOnTheListIsViolated() {
            assertViolated(rule.check(lister(false).step("t", "list_del(folio0)")), "t", "folio0", "not on it");
        }

        @Test
        void addingAnEntryTwiceIsViolated() {
            StepDriver d = lister(true);
            d.step("t", "list_del(folio0)");
            d.step("t", "list_add(folio0)");
            assertViolated(rule.check(d.step("t", "list_add(folio0)")), "t", "folio0", "double list_add");
        }
    }

    @Nested
    class UseAfterFree {
        final StepRule rule = KernelRules.USE_AFTER_FREE;

        StepDriver dirtyAfterPut(boolean putFirst) {
            World w = new World("uaf");
            w.thread("truncate", b -> b.step(FolioOps.folioPut(w.f0())));
            w.thread("writer", b -> b.step(FolioOps.folioMarkDirty(w.f0())));
            StepDriver d = w.drive();
            if (putFirst) {
                assertOk(rule.check(d.step("truncate", "folio_put(folio0)")));
            }
            return d;
        }

        @Test
        void accessAfterTheLastPutIsViolated() {
            assertViolated(rule.check(dirtyAfterPut(true).step("writer", "folio_mark_dirty(folio0)")),
                    "writer", "folio0", "freed");
        }

        @Test
        void accessBeforeTheLastPutIsOk() {
            assertOk(rule.check(dirtyAfterPut(false).step("writer", "folio_mark_dirty(folio0)")));
        }

        @Test
        void migrationIntoAFreedDestinationIsViolated() {
            World w = new World("uaf-dst", new Folio.Init(), new Folio.Init().ref(0).inCache(false));
            w.thread("migrator", b -> b.step(migrate(w.folio0, w.folio1)));
            assertViolated(rule.check(w.drive().step("migrator", "move_to_new_folio(folio0, folio1)")),
                    "migrator", "folio1", "freed");
        }

        @Test
        void migrationIntoALiveDestinationIsOk() {
            World w = new World("uaf-dst-ok", new Folio.Init(), new Folio.Init().inCache(false));
            w.thread("migrator", b -> b.step(migrate(w.folio0, w.folio1)));
            assertOk(rule.check(w.drive().step("migrator", "move_to_new_folio(folio0, folio1)")));
        }
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class IsolateSingle {
        final StepRule rule = KernelRules.ISOLATE_SINGLE;

        @Test
        void firstIsolationIsOkSecondIsViolated() {
            World w = new World("isolate-twice");
            w.thread("kcompactd", b -> b.step(isolate(w.folio0)));
            w.thread("numa", b -> b.step(isolate(w.folio0)));
            StepDriver d = w.drive();
            assertOk(rule.check(d.step("kcompactd", "folio_isolate_lru(folio0)")));
            assertViolated(rule.check(d.step("numa", "folio_isolate_lru(folio0)")), "numa", "folio0");
        }
    }

    // ------------------------------------------------------------------------------------------

    @Nested
    class MovableOpsIsolatedLocked {
        final StepRule rule = KernelRules.MOVABLE_OPS_ISOLATED_LOCKED;

        @Test
        void settingTheFlagNeedsThePageLockOfAMovableOpsPageOnly() {
            World w = new World("isolated-flag", new Folio.Init().movableOps(true), new Folio.Init());
            w.thread("locked", b -> b.step(FolioOps.folioLock(w.f0())).step(isolate(w.folio0)).step(FolioOps.folioUnlock(w.f0())));
            w.thread("unlocked", b -> b.step(isolate(w.folio0)));
            w.thread("lru", b -> b.step(isolate(w.folio1)));
            Model m = w.b.build();
            StepDriver d = new StepDriver(m);
            d.step("locked", "folio_lock(folio0)");
            assertOk(rule.check(d.step("locked", "folio_isolate_lru(folio0)")));
            // folio1 is an LRU folio: isolation changes the flag under lru_lock, not the page lock
            assertOk(rule.check(d.step("lru", "folio_isolate_lru(folio1)")));
            StepDriver race = new StepDriver(m);
            race.step("locked", "folio_lock(folio0)");
            assertViolated(rule.check(race.step("unlocked", "folio_isolate_lru(folio0)")), "unlocked", "folio0", "locked by locked");
        }
    }

    @Nested
    class BalloonPagesLock {
        final StepRule rule = KernelRules.BALLOON_PAGES_LOCK;

        @Test
        void listChangesNeedPagesLock() {
            World w = new World("balloon-list", new Folio.Init().movableOps(true), new Folio.Init());
            org.migcheck.model.mm.Balloon balloon = new org.migcheck.model.mm.Balloon(w.mm, java.util.List.of(w.folio0),
                    org.migcheck.model.mm.Balloon.DeflateLock.TRYLOCK);
            new org.migcheck.model.mm.VirtioBalloon(w.mm, balloon); // installs balloon_page_migrate's callback
            org.migcheck.model.lang.Var listed = balloon.onList(w.folio0);
            Step listAdd = Step.named("list_add").args("folio0").does(e -> e.set(listed, true)).build();
            Step listDel = Step.named("list_del").args("folio0").does(e -> e.set(listed, false)).build();
            w.thread("inflate", b -> b.step(spinLock(balloon.pagesLock)).step(listAdd).step(spinUnlock(balloon.pagesLock)));
            w.thread("racer", b -> b.step(listDel));
            StepDriver d = w.drive();
            d.step("inflate", "spin_lock(balloon.pages_lock)");
            assertOk(rule.check(d.step("inflate", "list_add(folio0)")));
            d.step("inflate", "spin_unlock(balloon.pages_lock)");
            assertViolated(rule.check(d.step("racer", "list_del(folio0)")), "racer", "folio0.balloon_list", "balloon.pages_lock");
        }
    }

    @Nested
    class MigrateBothLocked {
        final StepRule rule = KernelRules.MIGRATE_LOCKED;

        /** migrator: [folio_lock(folio0)] [folio_lock(folio1)] move_to_new_folio(folio0, folio1) */
        StepView migrateWith(boolean lockSrc, boolean lockDst) {
            World w = new World("migrate-locked", new Folio.Init(), new Folio.Init().inCache(false));
            w.thread("migrator", b -> {
                if (lockSrc) {
                    b.step(FolioOps.folioLock(w.f0()));
                }
                if (lockDst) {
                    b.step(FolioOps.folioLock(w.f1()));
                }
                b.step(migrate(w.folio0, w.folio1));
            });
            StepDriver d = w.drive();
            if (lockSrc) {
                d.run("migrator");
            }
            if (lockDst) {
                d.run("migrator");
            }
            return d.step("migrator", "move_to_new_folio(folio0, folio1)");
        }

        @Test
        void bothLockedIsOk() {
            assertOk(rule.check(migrateWith(true, true)));
        }

        @Test
        void unlockedSourceIsViolated() {
            assertViolated(rule.check(migrateWith(false, true)), "migrator", "folio0", "source");
        }

        @Test
        void unlockedDestinationIsViolated() {
            assertViolated(rule.check(migrateWith(true, false)), "migrator", "folio1", "destination");
        }
    }

    @Nested
    class CacheReplaceUnderXaLock {
        final StepRule rule = KernelRules.CACHE_REPLACE_XA_LOCK;

        @Test
        void slotSwitchNeedsTheMappingsIPagesLock() {
            World w = new World("xa-lock", new Folio.Init(), new Folio.Init().inCache(false));
            w.thread("locked", b -> b.step(spinLock(w.mapping.iPages)).step(migrate(w.folio0, w.folio1))
                    .step(spinUnlock(w.mapping.iPages)));
            w.thread("unlocked", b -> b.step(migrate(w.folio0, w.folio1)));
            Model m = w.b.build();
            StepDriver d = new StepDriver(m);
            d.step("locked", "spin_lock(mapping0.i_pages)");
            assertOk(rule.check(d.step("locked", "move_to_new_folio(folio0, folio1)")));
            assertViolated(rule.check(new StepDriver(m).step("unlocked", "move_to_new_folio(folio0, folio1)")),
                    "unlocked", "folio0", "folio1", "mapping0.i_pages", "unlocked");
            // another thread's i_pages lock does not count
            StepDriver other = new StepDriver(m);
            other.step("locked", "spin_lock(mapping0.i_pages)");
            assertViolated(rule.check(other.step("unlocked", "move_to_new_folio(folio0, folio1)")), "locked by locked");
        }

        @Test
        void aFolioWithoutMappingHasNoSlot() {
            World w = new World("xa-lock-anon");
            Folio anon = w.mm.folio("anon", null, new Folio.Init().inCache(false));
            Folio dst = w.mm.folio("dst", null, new Folio.Init().inCache(false));
            w.thread("balloon", b -> b.step(migrate(anon, dst)));
            assertOk(rule.check(w.drive().step("balloon", "move_to_new_folio(anon, dst)")));
        }
    }

    @Nested
    class DirtyClearUnderLock {
        final StepRule rule = KernelRules.DIRTY_CLEAR_LOCKED;

        @Test
        void clearingPgDirtyNeedsTheFolioLock() {
            World w = new World("dirty-clear", new Folio.Init().dirty(true), new Folio.Init().dirty(true));
            Step clear0 = Step.named("folio_clear_dirty_for_io").args("folio0").does(e -> e.set(w.folio0.dirty, false)).build();
            Step dirty0 = Step.named("folio_mark_dirty").args("folio0").does(e -> e.set(w.folio0.dirty, true)).build();
            w.thread("writer", b -> b.step(FolioOps.folioLock(w.f0())).step(clear0).step(dirty0).step(FolioOps.folioUnlock(w.f0())));
            w.thread("racer", b -> b.step(clear0));
            Model m = w.b.build();
            StepDriver d = new StepDriver(m);
            d.step("writer", "folio_lock(folio0)");
            assertOk(rule.check(d.step("writer", "folio_clear_dirty_for_io(folio0)")));
            // setting PG_dirty is not what the rule is about
            assertOk(rule.check(d.step("writer", "folio_mark_dirty(folio0)")));
            assertViolated(rule.check(d.step("racer", "folio_clear_dirty_for_io(folio0)")), "racer", "folio0", "locked by writer");
        }
    }

    // ------------------------------------------------------------------------------------------

    /** Rules read only events and states, so they are vacuous on a step that emits nothing relevant. */
    @Test
    void everyStepRuleIsOkOnAnUnrelatedStep() {
        World w = new World("vacuous");
        w.thread("t", b -> b.step(Step.named("cond_resched").build()));
        StepView v = w.drive().step("t", "cond_resched()");
        assertTrue(v.events().isEmpty());
        int stepRules = 0;
        for (Rule r : KernelRules.list()) {
            if (r instanceof StepRule s) {
                assertOk(s.check(v));
                stepRules++;
            }
        }
        assertEquals(19, stepRules, "19 step rules (18 kernel rules and the hierarchy) besides the one invariant");
    }
}
