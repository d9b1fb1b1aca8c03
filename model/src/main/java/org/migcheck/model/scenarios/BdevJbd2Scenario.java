package org.migcheck.model.scenarios;

import java.util.Map;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.mm.BufferMigrate;
import org.migcheck.model.mm.Buffers;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioEvent;
import org.migcheck.model.mm.Jbd2;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Migrate;
import org.migcheck.model.mm.Mm;

/**
 * docs/scenarios/bdev-jbd2.md: the 2017 proposal to give def_blk_aops a migrate callback, Jan Kara's jbd2
 * objection, buffer_migrate_folio_norefs (written 2018, in v5.0) and BH_Migrate (2025, 2d900efff915).
 *
 * <p>Objects: the block-device mapping {@code bdev} (its ->migrate_folio is a knob), the bdev folio
 * {@code F} in its page cache with a ring of buffer heads {@code bh0..} (PG_private), the destination
 * folio {@code D} on compaction's free list.
 *
 * <p>Threads (each an {@link Mm#thread} with its task context):
 * <ul>
 *   <li>{@code migrator} (M): compaction (proactive kcompactd: cc->order -1, SYNC_LIGHT) isolating F and migrating it to D
 *       through migrate_folio_unmap / migrate_folio_move / move_to_new_folio -> the mapping's
 *       ->migrate_folio;</li>
 *   <li>{@code jbd2} (J): jbd2_journal_commit_transaction writing the journaled bh0 through the
 *       temporary new_bh that aliases bh0's folio without a folio reference (1.4 J1-J4), then the
 *       journal_head's b_count on bh0 goes at checkpoint;</li>
 *   <li>{@code lookup} (L): an atomic {@code __find_get_block} of bh0's block and a caller that reads
 *       bh->b_data and then brelse (1.4 L1-L2).</li>
 * </ul>
 * Reachability goal {@value #GOAL_MIGRATED}: the page cache now holds D (the bdev folio was migrated).
 */
public final class BdevJbd2Scenario {
    private BdevJbd2Scenario() {}

    public static final String ID = "bdev-jbd2";

    /** Reachability goal: the xarray slot of the block now holds the destination folio. */
    public static final String GOAL_MIGRATED = "migrated";

    private static final String NEW_BH = "new_bh is jbd2's private temporary buffer head, which no other thread can lock; its"
            + " BH_Lock is the handshake for the commit's wait_on_buffer, which the model replaces by program order (the"
            + " I/O completion runs in the commit thread, stated in Jbd2): new_bh's lifetime, not F's, and F stays pinned by"
            + " the journal_head's b_count";
    private static final String FLUSHER_WRITEBACK = "the flusher, the only other holder of bh0's BH_Lock here, holds it only"
            + " under the folio lock or while PG_writeback is set (it sets the flag before folio_unlock and the I/O completion"
            + " unlocks the buffer before folio_end_writeback), and migrate_folio_unmap refuses a folio under writeback (-EBUSY)"
            + " before it reaches the buffers";
    private static final String UPDATE_HOLDS_REF_BUSY = "the metadata update holds a b_count on bh0 while it holds the buffer"
            + " lock, so try_to_free_buffers' drop_buffers finds the buffer busy (buffer_busy) and fallback_migrate_folio"
            + " refuses, whatever the buffer lock says";
    private static final String UPDATE_HOLDS_REF = "the only other holder of bh0's BH_Lock is the metadata update, which holds a"
            + " b_count on bh0 while it does, so the b_count scan refuses the migration whatever the buffer lock says (jbd2"
            + " locks only its temporary new_bh)";
    private static final String GIVE_UP = "forcing the give-up only makes one attempt fail (-EAGAIN, putback); in other"
            + " interleavings the folio lock is free and the goal is met";
    private static final String MAY_FAIL = "an atomic __find_get_block may always fail (NULL); forced to go on, it still"
            + " bails on BH_Migrate, which is set from the migrator's scan until the buffers hang off D (D sits in the slot"
            + " from the freeze on, before its buffers are attached), so neither forced outcome reaches bh0 unsafely";
    private static final String REFCOUNT = "the early refcount check is repeated atomically by folio_ref_freeze in"
            + " __folio_migrate_mapping";
    private static final String NO_DURABILITY = "outside the model: skipping the write-out leaves the folio dirty, and the"
            + " model has no rule that dirty data reaches the disk";
    private static final String BH_LIFETIME = "rule gap: a buffer head freed by drop_buffers is only detached (b_folio -1)"
            + " in the model and has no freed state, so a lookup that reaches a bh try_to_free_buffers has just dropped is not"
            + " observed";

    /** One-line reasons of the survivors of this scenario's holding variants, by mutant id (see {@link #survivors}). */
    private static final Map<String, String> REASONS = reasons();

    private static Map<String, String> reasons() {
        Map<String, String> r = new java.util.LinkedHashMap<>();
        r.put("no-lock buffer_migrate_lock_buffers: trylock_buffer", UPDATE_HOLDS_REF);
        r.put("no-lock buffer_migrate_lock_buffers: lock_buffer", UPDATE_HOLDS_REF);
        r.put("no-lock lookup: lock_buffer", UPDATE_HOLDS_REF);
        r.put("swap lookup: lock_buffer <> memcpy", UPDATE_HOLDS_REF);
        r.put("swap lookup: memcpy <> unlock_buffer", UPDATE_HOLDS_REF);
        r.put("test-true migrate_folio_unmap/compaction_alloc: if current->flags & PF_MEMALLOC", GIVE_UP);
        r.put("test-false migrate_folio_unmap/compaction_alloc: if folio_test_uptodate", GIVE_UP);
        r.put("test-false __find_get_block_slow/nonatomic: if folio_buffers", "in the model a lookup may fail (NULL) and the"
                + " metadata update then touches nothing (sb_bread/sb_getblk would loop in __getblk_slow, growing buffers, until it"
                + " got one; see getblkSteps)");
        r.put("test-false __migrate_folio: if folio_ref_count", REFCOUNT);
        r.put("test-false __buffer_migrate_folio: if folio_ref_count", REFCOUNT);
        r.put("test-true __buffer_migrate_folio: if !folio_buffers", "rule gap: no rule checks that the buffer heads follow the"
                + " folio to D (folio_set_bh); a migration that leaves them on the source is not observed once no reader remains");
        r.put("swap migrate_folio_move: folio_put <> folio_unlock", "this put is never the last reference here, so dropping it"
                + " before the unlock is not observable");
        r.put("no-lock jbd2: lock_buffer", NEW_BH);
        r.put("swap jbd2: lock_buffer <> submit_bh", NEW_BH);
        r.put("swap jbd2: blk_mq_dispatch_rq_list <> journal_end_buffer_io_sync", NEW_BH);
        r.put("test-true __find_get_block_slow: if folio_buffers", MAY_FAIL);
        r.put("test-false __find_get_block_slow: if folio_buffers", MAY_FAIL);
        r.put("test-true __find_get_block_slow: if test_bit_acquire", MAY_FAIL);
        // norefs-dirty: the flusher instead of the lookup and the metadata update
        r.put("no-lock __buffer_migrate_folio: spin_lock", "no lookup here: only the migrator takes i_private_lock (the flusher"
                + " reaches the buffers through the folio it has locked)");
        r.put("test-true flusher: if folio->mapping != mapping", NO_DURABILITY);
        r.put("test-true flusher: if folio_test_writeback", NO_DURABILITY);
        r.put("no-lock flusher: trylock_buffer", "PG_writeback, set under the folio lock before the flusher unlocks it and"
                + " cleared only after the I/O, makes migrate_folio_unmap refuse the folio (-EBUSY) while the write is in"
                + " flight, so migration never meets the buffer the flusher would have locked; the buffer lock excludes"
                + " other buffer users (a metadata update), absent here");
        r.put("no-lock __find_get_block_slow/nonatomic: folio_lock", "model limitation, not a kernel fact: the sleeping"
                + " lookup drops its folio reference (folio_put) but keeps its b_count, and the model's only other reader of"
                + " b_data is the same task's later atomic lookup, so no reader sees F between the b_count scan and the"
                + " freeze; in the kernel another task's lookup_bh_lru (get_bh with no lock, no BH_Migrate test) can, which is"
                + " the race of ebdf4de5642f, and the folio lock is what serializes the slow path with a norefs migration"
                + " (\"Upon a noref migration, the folio lock serializes here\"); this model does not check that");
        // fallback_migrate_folio: try_to_free_buffers instead of the b_count scan
        r.put("no-lock try_to_free_buffers: spin_lock", BH_LIFETIME);
        r.put("swap try_to_free_buffers: spin_lock <> drop_buffers", BH_LIFETIME);
        r.put("swap try_to_free_buffers: drop_buffers <> spin_unlock", BH_LIFETIME);
        r.put("no-lock __find_get_block_slow: spin_lock", BH_LIFETIME);
        r.put("test-true filemap_release_folio: if !folio_needs_release", "fallback_migrate_folio then migrates F with its"
                + " buffers still attached; rule gap: no rule checks that buffers follow the folio (as for"
                + " __buffer_migrate_folio's !folio_buffers test)");
        r.put("no-lock migrate_folio_unmap/compaction_alloc: folio_trylock #1", "a dirty folio is refused by"
                + " fallback_migrate_folio (-EBUSY) in every mode, so the migrator never changes F and its folio lock protects"
                + " nothing here");
        r.put("no-lock migrate_folio_unmap/compaction_alloc: folio_trylock #2", "the destination D is fresh from"
                + " compaction_alloc and no other thread can find it, and F is never migrated (dirty: -EBUSY)");
        r.put("test-true migrate_folio_unmap/compaction_alloc: if folio_test_writeback", "treating F as under writeback"
                + " only makes this attempt give up (-EBUSY); F is never migrated in this variant anyway");
        return java.util.Collections.unmodifiableMap(r);
    }

    /** Declares each of {@code ids} as a survivor of {@code e}, with its reason from {@link #REASONS}. */
    static Expect survivors(Expect e, String... ids) {
        for (String id : ids) {
            String why = REASONS.get(id);
            if (why == null) {
                throw new IllegalArgumentException("no reason recorded for survivor " + id);
            }
            e = e.survives(id, why);
        }
        return e;
    }

    /** The mutants of the norefs variant that survive (migcheck mutate bdev-jbd2 --variant norefs). */
    static Expect norefsSurvivors(Expect e) {
        return survivors(e,
                "no-lock buffer_migrate_lock_buffers: trylock_buffer", "no-lock buffer_migrate_lock_buffers: lock_buffer",
                "no-lock lookup: lock_buffer", "swap lookup: lock_buffer <> memcpy", "swap lookup: memcpy <> unlock_buffer",
                "test-true migrate_folio_unmap/compaction_alloc: if current->flags & PF_MEMALLOC",
                "test-false migrate_folio_unmap/compaction_alloc: if folio_test_uptodate",
                "test-false __find_get_block_slow/nonatomic: if folio_buffers",
                "test-false __migrate_folio: if folio_ref_count", "test-false __buffer_migrate_folio: if folio_ref_count",
                "test-true __buffer_migrate_folio: if !folio_buffers", "swap migrate_folio_move: folio_put <> folio_unlock",
                "no-lock jbd2: lock_buffer", "swap jbd2: lock_buffer <> submit_bh",
                "swap jbd2: blk_mq_dispatch_rq_list <> journal_end_buffer_io_sync",
                "test-true __find_get_block_slow: if folio_buffers", "test-false __find_get_block_slow: if folio_buffers",
                "test-true __find_get_block_slow: if test_bit_acquire");
    }

    static final String[] JBD2 = {"no-lock jbd2: lock_buffer", "swap jbd2: lock_buffer <> submit_bh",
        "swap jbd2: blk_mq_dispatch_rq_list <> journal_end_buffer_io_sync"};

    static Expect norefsDirtySurvivors(Expect e) {
        return survivors(survivors(e, JBD2),
                "test-false __migrate_folio: if folio_ref_count",
                "test-true __buffer_migrate_folio: if !folio_buffers", "test-false __buffer_migrate_folio: if folio_ref_count",
                "no-lock __buffer_migrate_folio: spin_lock",
                "test-true migrate_folio_unmap/compaction_alloc: if current->flags & PF_MEMALLOC",
                "test-false migrate_folio_unmap/compaction_alloc: if folio_test_uptodate",
                "swap migrate_folio_move: folio_put <> folio_unlock",
                "test-true flusher: if folio->mapping != mapping", "test-true flusher: if folio_test_writeback",
                "no-lock flusher: trylock_buffer")
                .survives("no-lock buffer_migrate_lock_buffers: trylock_buffer", FLUSHER_WRITEBACK);
    }

    static Expect privateLockSmallFolioSurvivors(Expect e) {
        return survivors(survivors(e, JBD2),
                "no-lock buffer_migrate_lock_buffers: trylock_buffer", "no-lock buffer_migrate_lock_buffers: lock_buffer",
                "test-false __migrate_folio: if folio_ref_count", "test-true __buffer_migrate_folio: if !folio_buffers",
                "test-false __buffer_migrate_folio: if folio_ref_count",
                "test-true migrate_folio_unmap/compaction_alloc: if current->flags & PF_MEMALLOC",
                "test-false migrate_folio_unmap/compaction_alloc: if folio_test_uptodate",
                "swap migrate_folio_move: folio_put <> folio_unlock",
                "no-lock lookup: lock_buffer", "swap lookup: lock_buffer <> memcpy", "swap lookup: memcpy <> unlock_buffer",
                "test-false __find_get_block_slow: if folio_buffers", "no-lock __find_get_block_slow/nonatomic: folio_lock",
                "test-false __find_get_block_slow/nonatomic: if folio_buffers");
    }

    static Expect fallbackDirtySyncLightSurvivors(Expect e) {
        return survivors(survivors(e, JBD2), "test-false __find_get_block_slow: if folio_buffers",
                "test-true __find_get_block_slow: if test_bit_acquire")
                .survives("no-lock __find_get_block_slow: spin_lock", "F is dirty, so it is never migrated and its buffers"
                        + " are never freed here (fallback_migrate_folio refuses a dirty folio): nothing that i_private_lock"
                        + " excludes from the lookup ever runs");
    }

    static Expect fallbackDirtySyncSurvivors(Expect e) {
        return survivors(fallbackDirtySyncLightSurvivors(e),
                "no-lock migrate_folio_unmap/compaction_alloc: folio_trylock #1",
                "no-lock migrate_folio_unmap/compaction_alloc: folio_trylock #2",
                "test-true migrate_folio_unmap/compaction_alloc: if folio_test_writeback");
    }

    static Expect fallbackCleanSurvivors(Expect e) {
        return survivors(survivors(e, JBD2),
                "no-lock try_to_free_buffers: spin_lock", "swap try_to_free_buffers: spin_lock <> drop_buffers",
                "swap try_to_free_buffers: drop_buffers <> spin_unlock",
                "test-true migrate_folio_unmap/compaction_alloc: if current->flags & PF_MEMALLOC",
                "test-false migrate_folio_unmap/compaction_alloc: if folio_test_uptodate",
                "test-true filemap_release_folio: if !folio_needs_release", "test-false __migrate_folio: if folio_ref_count",
                "swap migrate_folio_move: folio_put <> folio_unlock",
                "no-lock __find_get_block_slow: spin_lock", "test-false __find_get_block_slow/nonatomic: if folio_buffers")
                .survives("no-lock lookup: lock_buffer", UPDATE_HOLDS_REF_BUSY)
                .survives("swap lookup: lock_buffer <> memcpy", UPDATE_HOLDS_REF_BUSY)
                .survives("swap lookup: memcpy <> unlock_buffer", UPDATE_HOLDS_REF_BUSY);
    }

    /** cancel-revoke-fixed: mkdir and the migrator only. */
    static Expect cancelRevokeFixedSurvivors(Expect e) {
        String mkdirHoldsRef = "mkdir holds a b_count on bh0 (sb_getblk's) for as long as it holds the buffer lock, so the"
                + " norefs b_count scan refuses the migration whatever the buffer lock says";
        String noGoal = "forcing the give-up only makes the migration fail (-EAGAIN or -EBUSY, putback); this variant"
                + " declares no goal, its question is the lock order";
        String zeroing = "bh0 is uptodate, so mkdir does not zero it and its buffer lock guards nothing the model reads;"
                + " the lock matters for a new block that is not uptodate (the zeroing), and mkdir's b_count keeps the"
                + " migration off anyway";
        return survivors(e, "test-false __migrate_folio: if folio_ref_count", "test-false __buffer_migrate_folio: if folio_ref_count",
                "test-true __buffer_migrate_folio: if !folio_buffers", "swap migrate_folio_move: folio_put <> folio_unlock")
                .survives("no-lock buffer_migrate_lock_buffers: trylock_buffer", mkdirHoldsRef)
                .survives("no-lock buffer_migrate_lock_buffers: lock_buffer", mkdirHoldsRef)
                .survives("test-true __migrate_folio: if folio_ref_count", noGoal)
                .survives("test-true __buffer_migrate_folio: if folio_ref_count", noGoal)
                .survives("test-true migrate_folio_unmap/compaction_alloc: if current->flags & PF_MEMALLOC", noGoal)
                .survives("test-false migrate_folio_unmap/compaction_alloc: if folio_test_uptodate", noGoal)
                .survives("test-true migrate_folio_unmap/compaction_alloc: if folio_test_writeback", noGoal)
                .survives("no-lock __buffer_migrate_folio: spin_lock", "no thread here takes i_private_lock but the migrator"
                        + " (mkdir's sleeping lookup serializes through the folio lock)")
                .survives("no-lock mkdir: lock_buffer", zeroing)
                .survives("swap mkdir: lock_buffer <> jbd2_journal_cancel_revoke", zeroing)
                .survives("swap mkdir: jbd2_journal_cancel_revoke <> unlock_buffer", zeroing)
                .survives("test-false __find_get_block_slow/nonatomic/sb_getblk: if folio_buffers", "a lookup may fail (NULL):"
                        + " mkdir then touches nothing");
    }

    public static Scenario scenario() {
        return BaseScenario.builder(ID)
                .title("block-device folio migration with buffer heads vs jbd2's temporary buffer head and atomic lookups")
                .reference("docs/scenarios/bdev-jbd2.md; mm/migrate.c __buffer_migrate_folio, fallback_migrate_folio, __migrate_folio, "
                        + "__folio_migrate_mapping; fs/buffer.c __find_get_block_slow, try_to_free_buffers; "
                        + "fs/jbd2/journal.c jbd2_journal_write_metadata_buffer; fs/jbd2/commit.c; mm/compaction.c")
                .knob(Knob.choice("migrateFolio", "buffer_migrate_folio_norefs",
                        "def_blk_aops ->migrate_folio: the 2017 proposal (buffer_migrate_folio), v5.0+ (norefs), "
                                + "or none (fallback_migrate_folio, before v5.0)",
                        "buffer_migrate_folio", "buffer_migrate_folio_norefs", "fallback_migrate_folio"))
                .knob(Knob.bool("bhMigrate", true, "v6.15+ (2d900efff915): BH_Migrate on the head buffer, i_private_lock "
                        + "only around the b_count scan; false: i_private_lock held from the scan across the copy (only "
                        + "buffer_migrate_folio_norefs checks b_count)").onlyWith("migrateFolio", "buffer_migrate_folio_norefs"))
                .knob(Knob.bool("largeFolio", false, "F has several pages: folio_mc_copy calls cond_resched between them"))
                .knob(Knob.bool("dirty", false, "F is dirty (PG_dirty) when compaction finds it"))
                .knob(Knob.choice("mode", "SYNC_LIGHT", "migrate_mode of the migrator (kcompactd: SYNC_LIGHT)",
                        "ASYNC", "SYNC_LIGHT", "SYNC"))
                .knob(Knob.bool("jbd2", true, "bh0 is journaled and a jbd2 commit writes it through a temporary new_bh"))
                .knob(Knob.bool("lookup", true, "a thread looks bh0 up with the atomic __find_get_block and reads its data"))
                .knob(Knob.bool("getblk", true, "a task updates bh0's block: sb_bread -> bdev_getblk -> "
                        + "__find_get_block_nonatomic (sleeps in folio_lock), then jbd2_journal_get_write_access -> "
                        + "do_get_write_access (sleeps in lock_buffer) and reads the block"))
                .knob(Knob.bool("writeback", true, "the flusher writes the bdev folio back when it is dirty (blkdev_writepages, "
                        + "WB_SYNC_NONE: folio_lock, trylock_buffer, I/O)"))
                .knob(Knob.bool("lookupChecksBhMigrate", true, "the atomic lookup bails on BH_Migrate (false: mutation "
                        + "of v6.15+ without the test; BH_Migrate is set only by norefs with bhMigrate)").onlyWith("lookup", "true")
                        .onlyWith("bhMigrate", "true").onlyWith("migrateFolio", "buffer_migrate_folio_norefs"))
                .knob(Knob.bool("bhLru", false, "bh0 starts in this CPU's bh LRU (one more b_count)"))
                .knob(Knob.bool("mkdir", false, "a task creates a directory block on bh0 (ext4_mkdir -> ext4_append -> "
                        + "ext4_getblk: sb_getblk, lock_buffer, jbd2_journal_get_create_access -> jbd2_journal_cancel_revoke, "
                        + "unlock_buffer)"))
                .knob(Knob.bool("cancelRevokeLookup", true, "jbd2_journal_cancel_revoke looks the block up with "
                        + "__find_get_block_nonatomic (folio lock) while its caller holds the buffer lock, also for a "
                        + "block-device buffer (f76d4c28a46a: mainline v6.15 to v7.0, and 6.12.y; false: 981fcc5674e6 \"jbd2: fix deadlock in "
                        + "jbd2_journal_cancel_revoke()\" skips the lookup for a bdev buffer, which would find itself)").onlyWith("mkdir", "true"))
                .knob(Knob.bool("syncAll", false, "the flusher writes WB_SYNC_ALL (sync_blockdev): lock_buffer instead of "
                        + "trylock_buffer; only F's initial dirty state gives it anything to write)").onlyWith("writeback", "true")
                        .onlyWith("dirty", "true"))
                .knob(Knob.range("buffers", 1, 2, 1, "buffer heads per folio"))
                .model(BdevJbd2Scenario::build)
                .variant("no-refcount-check", Map.of("migrateFolio", "buffer_migrate_folio", "lookup", "false",
                                "getblk", "false", "writeback", "false"),
                        Expect.violated("folio.free-busy"),
                        "proposal (2017): def_blk_aops gets buffer_migrate_folio, which does not look at b_count; "
                                + "jbd2's new_bh aliases F without a folio reference, migration moves F to D and frees F "
                                + "while the journal write still reads it")
                .variant("norefs", Map.of(), norefsSurvivors(Expect.holds().reach(GOAL_MIGRATED, true)).withinBounds(),
                        "shipped v6.19: buffer_migrate_folio_norefs with BH_Migrate; the journal_head's b_count keeps F "
                                + "in place until the checkpoint (folded into the commit's end here); a metadata update (sb_bread's sleeping lookup takes "
                                + "F's folio lock, do_get_write_access bh0's buffer lock) makes migrate_folio_unmap and "
                                + "buffer_migrate_lock_buffers meet both locks held; the atomic lookup bails on BH_Migrate; "
                                + "F can still be migrated once nobody holds its buffers; the actors leave out "
                                + "do_get_write_access's jbd2_journal_cancel_revoke lookup (v6.15-v7.0): with an ext4 mkdir "
                                + "(check bdev-jbd2 --set mkdir=true: norefs is the default) the same kernel breaks the lock order, see cancel-revoke-migrate")
                .variant("norefs-dirty", Map.of("dirty", "true", "lookup", "false", "getblk", "false"),
                        norefsDirtySurvivors(Expect.holds().reach(GOAL_MIGRATED, true)).withinBounds(),
                        "shipped v6.19, what the 2017 proposal wanted: a dirty bdev folio is migrated in "
                                + "MIGRATE_SYNC_LIGHT, while the flusher may lock it, write it back (trylock_buffer) "
                                + "and end the I/O; migration gives up (-EBUSY) while it is under writeback; without the "
                                + "jbd2_journal_cancel_revoke lookup of an ext4 mkdir (see cancel-revoke-migrate)")
                .variant("private-lock-across-copy", Map.of("bhMigrate", "false", "largeFolio", "true",
                                "jbd2", "false", "lookup", "false", "getblk", "false", "writeback", "false"),
                        Expect.violated("atomic.sleep"),
                        "hypothetical for released kernels: v6.14's locking (before 2d900efff915, v6.15) with a large bdev "
                                + "folio: i_private_lock (a spinlock) is held from the b_count scan across folio_mc_copy, "
                                + "which calls cond_resched between the pages; per the fix's cover letter the sleep in atomic "
                                + "was reported once large bdev folios with buffer heads appeared in the v6.15 cycle, and the "
                                + "fix landed before v6.15 (whether a release ever combined both is not checked)")
                .variant("private-lock-small-folio", Map.of("bhMigrate", "false"),
                        privateLockSmallFolioSurvivors(Expect.holds().reach(GOAL_MIGRATED, true)).withinBounds(),
                        "hypothetical: v6.14's locking (before 2d900efff915) with an order-0 folio: no cond_resched, and "
                                + "atomic lookups spin on i_private_lock instead of testing BH_Migrate; the sleeping "
                                + "lookup is v6.15's folio-locked one, kept for contention (v6.14's took i_private_lock; "
                                + "stable trees with the lookup series but not 2d900efff915 would match, not checked)")
                .variant("fallback-dirty-sync-light", Map.of("migrateFolio", "fallback_migrate_folio", "dirty", "true",
                                "getblk", "false", "writeback", "false"),
                        fallbackDirtySyncLightSurvivors(Expect.holds().reach(GOAL_MIGRATED, false)),
                        "hypothetical: v4.20's block-device aops (no ->migrate_folio before v5.0) on v6.19's migration "
                                + "code; kcompactd (SYNC_LIGHT) never moves a dirty bdev folio (isolation skips it; "
                                + "fallback_migrate_folio would say -EBUSY in every release), as in v4.20 itself")
                .variant("fallback-dirty-sync", Map.of("migrateFolio", "fallback_migrate_folio", "dirty", "true",
                                "mode", "SYNC", "getblk", "false", "writeback", "false"),
                        fallbackDirtySyncSurvivors(Expect.holds().reach(GOAL_MIGRATED, false)),
                        "hypothetical (counterfactual): def_blk_aops without ->migrate_folio (before v5.0) combined with "
                                + "v6.16+'s fallback_migrate_folio, which returns -EBUSY for a dirty folio in every mode; "
                                + "the kernels that had no bdev ->migrate_folio instead wrote the dirty folio out in "
                                + "MIGRATE_SYNC (writeout via ->writepage) and a retry pass migrated it")
                .variant("fallback-clean", Map.of("migrateFolio", "fallback_migrate_folio"),
                        fallbackCleanSurvivors(Expect.holds().reach(GOAL_MIGRATED, true)).withinBounds(),
                        "hypothetical (def_blk_aops without ->migrate_folio, before v5.0, on v6.19's code): "
                                + "fallback_migrate_folio on a clean folio: try_to_free_buffers refuses while the "
                                + "journal_head holds b_count, then frees the buffers and migrates")
                .variant("cancel-revoke-writeback", Map.of("mkdir", "true", "syncAll", "true", "dirty", "true", "buffers", "2",
                                "jbd2", "false", "lookup", "false", "getblk", "false"),
                        Expect.violated("lock-order.hierarchy"),
                        "shipped v6.19 (unverified): mainline v6.15 to v7.0 since f76d4c28a46a \"fs/jbd2: use sleeping version of "
                                + "__find_get_block()\" (which the project's v6.19 reading confirms), and 6.12.y after its backport; "
                                + "that jbd2_journal_cancel_revoke's lookup runs under mkdir's buffer lock, and the dates of its fix, "
                                + "rest on 981fcc5674e6's changelog and the stable mails, which that reading does not cover: with two blocks per folio (blocksize "
                                + "< pagesize), jbd2_journal_cancel_revoke's lookup of bh0's own block takes folio_lock(F) "
                                + "while mkdir holds bh0's buffer lock, against the mm order folio -> buffer (the 13-step "
                                + "counterexample is mkdir's alone); with sync_blockdev's flusher, which holds the dirty F's "
                                + "folio lock and sleeps in lock_buffer(bh0), that is 981fcc5674e6's ABBA deadlock, found "
                                + "without the order rules (the migrator finds F dirty meanwhile)")
                .variant("cancel-revoke-migrate", Map.of("mkdir", "true", "writeback", "false", "buffers", "2",
                                "jbd2", "false", "lookup", "false", "getblk", "false"),
                        Expect.violated("lock-order.hierarchy"),
                        "shipped v6.19 (unverified): as cancel-revoke-writeback; the same inversion, with compaction as the "
                                + "second task (our inference; the fix's changelog names sync_blockdev only): "
                                + "migrate_folio_unmap holds F's folio lock and buffer_migrate_lock_buffers sleeps in "
                                + "lock_buffer(bh0) while mkdir holds bh0 and sleeps in folio_lock(F), a deadlock without the "
                                + "order rules; in SYNC_LIGHT this needs bh0 uptodate (a folio read whole through the bdev) "
                                + "yet never seen by jbd2 (need_cancel), a MIGRATE_SYNC migrator (alloc_contig_range, memory "
                                + "offlining) sleeps whatever bh0's state")
                .variant("cancel-revoke-fixed", Map.of("mkdir", "true", "cancelRevokeLookup", "false", "writeback", "false",
                                "buffers", "2", "jbd2", "false", "lookup", "false", "getblk", "false"),
                        cancelRevokeFixedSurvivors(Expect.holds()).withinBounds(),
                        "shipped v7.1 (unverified): 981fcc5674e6 \"jbd2: fix deadlock in jbd2_journal_cancel_revoke()\", merged for "
                                + "v7.1-rc1 and sent to 7.0.y, 6.18.y (6.18.27) and 6.12.y by our reading of the stable "
                                + "mails (tags not checked; after the project's v6.19 reading): no alias lookup for a block-device buffer, so mkdir never takes a folio lock under the buffer lock "
                                + "(against the migrator; with sync_blockdev's flusher as well, BdevJbd2ScenarioTest)")
                .variant("lookup-ignores-bh-migrate", Map.of("lookupChecksBhMigrate", "false", "jbd2", "false",
                                "getblk", "false", "writeback", "false"),
                        Expect.violated("folio.use-after-free"),
                        "mutation: the atomic lookup does not test BH_Migrate, takes a b_count after the "
                                + "migrator's scan, and reads bh->b_data of F after F was migrated and freed")
                .build();
    }

    static Model build(Knobs k) {
        Model.Builder b = Model.builder(ID);
        Mm mm = new Mm(b);
        Mapping.MigrateFolio aop = switch (k.get("migrateFolio")) {
            case "buffer_migrate_folio" -> Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO;
            case "buffer_migrate_folio_norefs" -> Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO_NOREFS;
            default -> Mapping.MigrateFolio.FALLBACK;
        };
        boolean bhMigrate = k.flag("bhMigrate");
        boolean jbd2 = k.flag("jbd2");
        boolean bhLru = k.flag("bhLru");
        int n = k.integer("buffers");

        Mapping bdev = mm.mapping("bdev", aop, false, false);
        // the page cache's reference and PG_private's reference (folio_attach_private)
        Folio src = mm.folio("F", bdev, new Folio.Init().ref(2).privateData(true).dirty(k.flag("dirty")));
        // on compaction's free list until compaction_alloc hands it out
        Folio dst = mm.folio("D", null, new Folio.Init().ref(0).inCache(false).lru(false).uptodate(false));

        int[] counts = new int[n];
        boolean[] inLru = new boolean[n];
        // bh0: the journal_head's get_bh (fs/jbd2/journal.c jbd2_journal_add_journal_head), a bh-LRU slot
        counts[0] = (jbd2 ? 1 : 0) + (bhLru ? 1 : 0);
        inLru[0] = bhLru;
        Buffers ring = new Buffers(mm, "bh", bdev, src, n, counts, inLru);

        Procedure m = mm.thread("migrator");
        Migrate core = new Migrate(mm, Migrate.Rules.v6_19());
        if (k.flag("largeFolio")) {
            core.largeFolio(src);
        }
        // def_blk_aops ->migrate_folio (or none: fallback_migrate_folio with try_to_free_buffers)
        new BufferMigrate(core, ring, bhMigrate);
        compactOne(core, m, src, dst, Migrate.mode(k.get("mode")));

        if (jbd2) {
            new Jbd2(mm, ring, ring.head()).commitThread(mm, "jbd2");
        }
        if (k.flag("lookup") || k.flag("getblk")) {
            // Simplification: the sleeping update and the atomic lookup are one task's, in this order (they meet only through b_count, the bh LRU and the locks the migrator takes).
            Procedure l = mm.thread("lookup");
            // Only norefs sets BH_Migrate, so outside it the atomic lookup keeps v6.19's test whatever bhMigrate and
            // lookupChecksBhMigrate say (they apply only with norefs: the model is the same for every value of them).
            boolean checks = aop != Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO_NOREFS || (bhMigrate && k.flag("lookupChecksBhMigrate"));
            boolean atomic = k.flag("lookup");
            boolean getblk = k.flag("getblk");
            Procedure find = atomic ? ring.findGetBlock("", ring.head(), checks) : null;
            Procedure findNonatomic = getblk ? ring.findGetBlockNonatomic("", ring.head()) : null;
            Local got = l.local("bh", 0, 1);
            Local data = atomic ? l.local("b_data", -1, mm.folios().size() - 1) : null;
            l.body(c -> {
                if (getblk) {
                    getblkSteps(c, ring, findNonatomic, got);
                }
                if (atomic) {
                    lookupSteps(c, mm, ring, find, got, data);
                }
            });
        }
        if (k.flag("mkdir")) {
            mkdirThread(mm, ring, k.flag("cancelRevokeLookup"));
        }
        if (k.flag("writeback")) {
            ring.blkdevWritepagesThread(mm, "flusher", k.flag("syncAll"));
        }
        b.goal(GOAL_MIGRATED, s -> s.get(dst.inCache) == 1);
        return b.build();
    }

    /**
     * M, the migrator's program (mm/compaction.c compact_zone -> isolate_migratepages_block ->
     * migrate_pages(&amp;cc->migratepages, compaction_alloc, compaction_free, ...) for one folio, with the
     * putback_movable_pages of a folio that failed): isolate {@code src}, migrate it into {@code dst}.
     * Simplification: the scanner looks at F only, and compaction_alloc hands out D.
     */
    private static void compactOne(Migrate core, Procedure thread, Folio src, Folio dst, int mode) {
        Local isolated = thread.local("isolated", 0, 1);
        Procedure migratePages = core.migratePages(core.compactionAlloc());
        thread.body(c -> c
                .step(core.isolateMigratepagesBlock(src, isolated, mode))
                .ifLocal(e -> e.local(isolated) == 1, go -> go
                        .call(migratePages, e -> src.id(), e -> dst.id(), e -> mode)));
    }

    /**
     * G: a metadata update of bh0's block: {@code bh = sb_bread(sb, block)} -> bdev_getblk ->
     * __find_get_block_nonatomic (the folio lock serializes it against a norefs migration), then
     * jbd2_journal_get_write_access -> do_get_write_access: lock_buffer(bh), the data is read (e.g. for
     * a frozen copy), unlock_buffer(bh); brelse(bh).
     * Simplification: the update does not dirty the buffer (no jbd2_journal_dirty_metadata).
     * Simplification: a lookup that finds no buffer (after a migration detached them) ends the thread; the kernel's sb_bread/sb_getblk loops in __getblk_slow (grow_buffers, then looks again) until it gets one, so the update would go on against buffers attached to the folio now in the cache.
     */
    private static void getblkSteps(Body c, Buffers ring, Procedure find, Local got) {
        Buffers.Bh bh = ring.head();
        c.callInto(got, find)
                .ifLocal(e -> e.local(got) == 1, use -> use
                        .step(Buffers.lockBuffer(Buffers.fixed(bh)))
                        // under the buffer lock b_data is stable: load and read in one step
                        .step(Step.named("memcpy")
                                .args(e -> "from " + bh.name() + "->b_data in " + ring.dataFolio(e, bh).name())
                                .does(e -> e.emit(new FolioEvent.Accessed(ring.dataFolio(e, bh), "reads " + bh.name() + "->b_data")))
                                .build())
                        .step(Buffers.unlockBuffer(Buffers.fixed(bh)))
                        .step(Buffers.brelse(Buffers.fixed(bh))));
    }

    /**
     * T1 of 981fcc5674e6's changelog: ext4_mkdir -> ext4_init_new_dir -> ext4_append -> ext4_bread ->
     * ext4_getblk for a new block, which is bh0's: {@code bh = sb_getblk()} (bdev_getblk ->
     * __find_get_block_nonatomic), then for the new block lock_buffer(bh) and ext4_journal_get_create_access
     * -> jbd2_journal_get_create_access -> jbd2_journal_cancel_revoke: a buffer without BH_RevokeValid, or
     * one still BH_Revoked, needs the cancel, and (v6.15 to v7.0) {@code bh2 =
     * __find_get_block_nonatomic(bh->b_bdev, bh->b_blocknr)} looks the block up, which for a block-device
     * buffer finds bh itself, taking F's folio lock on the way; __brelse(bh2); the block is zeroed only
     * if it is not uptodate (never here: every modelled buffer is uptodate); unlock_buffer, brelse.
     * Simplification: the second lookup misses the bh LRU (the task may move to another CPU when it sleeps in lock_buffer or is preempted, other tasks may evict the entry, an isolated CPU or lru_cache_disable() skips the LRU; 981fcc5674e6 reports the hang as occasional).
     * Simplification: the journal-head bookkeeping of jbd2_journal_get_create_access (its own b_count) and the revoke hash are not modelled; the buffer is not dirtied.
     */
    private static void mkdirThread(Mm mm, Buffers ring, boolean cancelRevokeLookup) {
        Buffers.Bh bh = ring.head();
        Procedure t = mm.thread("mkdir");
        // the kernel functions between mkdir and each lookup, as frames of their own (no step: a trace's call stack tells
        // ext4_getblk's lookup from jbd2_journal_cancel_revoke's, whose steps are the same)
        Procedure getblk = caller(mm, "sb_getblk", ring.findGetBlockNonatomic("/sb_getblk", bh));
        Procedure alias = cancelRevokeLookup
                ? caller(mm, "jbd2_journal_cancel_revoke", ring.findGetBlockNonatomicOtherCpu("/cancel_revoke", bh)) : null;
        Local got = t.local("bh", 0, 1);
        Local got2 = t.local("bh2", 0, 1);
        t.body(c -> c
                .callInto(got, getblk)
                .ifLocal(e -> e.local(got) == 1, use -> {
                    use.step(Buffers.lockBuffer(Buffers.fixed(bh)));
                    if (alias != null) {
                        use.callInto(got2, alias)
                                .ifLocal(e -> e.local(got2) == 1, y -> y.step(Buffers.brelse(Buffers.fixed(bh))));
                    } else {
                        // 981fcc5674e6: "if (need_cancel && !sb_is_blkdev_sb(bh_mapping->host->i_sb))"
                        use.step(Step.named("jbd2_journal_cancel_revoke").args(bh.name() + ", a bdev buffer: no alias lookup").build());
                    }
                    // "if (!buffer_uptodate(bh)) { memset(bh->b_data, 0, ...); set_buffer_uptodate(bh); }": bh0 is uptodate
                    use.step(Buffers.unlockBuffer(Buffers.fixed(bh)))
                            .step(Buffers.brelse(Buffers.fixed(bh)));
                }));
    }

    /** A procedure named {@code name} that returns what {@code callee} returns, and does nothing else: a frame of a call path. */
    private static Procedure caller(Mm mm, String name, Procedure callee) {
        Procedure p = mm.builder().procedure(name);
        Local r = p.local("ret", 0, 1);
        p.body(c -> c.callInto(r, callee).ret(e -> e.local(r)));
        return p;
    }

    /**
     * L: {@code bh = __find_get_block(bdev, block of bh0)}; if found, the caller loads bh->b_data, reads
     * the data, and brelse(bh). Before v6.15 the slow path has no BH_Migrate test.
     */
    private static void lookupSteps(Body c, Mm mm, Buffers ring, Procedure find, Local got, Local data) {
        Buffers.Bh bh = ring.head();
        c.callInto(got, find)
                .ifLocal(e -> e.local(got) == 1, use -> use
                        // the caller loads the data pointer ...
                        .step(Step.named("READ_ONCE")
                                .args(bh.name() + "->b_data")
                                .does(e -> e.setLocal(data, ring.dataFolio(e, bh).id()))
                                .build())
                        // ... and reads the block through it
                        .step(Step.named("memcpy")
                                .args(e -> "from " + bh.name() + "->b_data in " + ring.folio(e.local(data)).name())
                                .does(e -> e.emit(new FolioEvent.Accessed(ring.folio(e.local(data)), "reads " + bh.name() + "->b_data")))
                                .build())
                        .step(Buffers.brelse(Buffers.fixed(bh))));
    }
}
