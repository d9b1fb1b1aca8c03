package org.migcheck.model.mm;

import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;

/**
 * The jbd2 commit of one journaled metadata buffer (fs/jbd2/commit.c jbd2_journal_commit_transaction,
 * fs/jbd2/journal.c jbd2_journal_write_metadata_buffer): the temporary buffer head {@code new_bh}
 * that aliases the bdev folio of the journaled buffer {@code bh_in}, the journal I/O on it, and the
 * journal_head reference on {@code bh_in}.
 *
 * <p>new_bh takes no folio reference, no folio lock, no PG_writeback and no lock on bh_in
 * (docs/scenarios/bdev-jbd2.md): the only thing that keeps the aliased folio's memory alive while the
 * journal I/O reads it is that migration and reclaim refuse folios whose buffers have b_count != 0.
 * It is therefore modelled as {@link Folio#ioRefs} on the aliased folio: in-flight I/O that references
 * the folio's memory without a folio reference. Besides the journal_head's b_count, the commit holds
 * one of its own on bh_in from before jbd2_journal_write_metadata_buffer ("Bump b_count to prevent
 * truncate from stumbling over the shadowed buffer!") until after wait_on_buffer(new_bh) in phase 3.
 *
 * <p>Simplification: bh_in's journal_head (and its b_count, in the scenario's initial state) exists before the model starts.
 * Simplification: only bh_in's block is written: no descriptor, revoke or commit blocks, no journal superblock update.
 * Simplification: jh->b_state_lock and journal->j_list_lock are not modelled: no other modelled thread takes them.
 * Simplification: BH_Shadow, BH_JWrite and the BJ_Shadow / BJ_Forget list filing are trace text only (no modelled thread waits on BH_Shadow).
 * Simplification: the I/O completion (journal_end_buffer_io_sync) runs in the commit thread, so wait_on_buffer(new_bh) after it returns at once and is not a step.
 * Simplification: no frozen copy-out and no escaping: new_bh always aliases bh_in's folio (the case Jan Kara's objection is about).
 * Simplification: checkpointing is folded into the end of the commit: the journal_head is released (put_bh on bh_in) right after the commit.
 *
 * <p>Kernel version: v6.19 (fs/jbd2/commit.c, fs/jbd2/journal.c). Folds in no later fix; the aliasing
 * of new_bh on the bdev folio is unchanged since the 2017 discussion of bdev migration.
 */
public final class Jbd2 {
    private final Buffers ring;
    private final Buffers.Bh bhIn;
    /** new_bh->b_folio: id of the folio whose memory the temporary buffer head points at, -1 when none. */
    public final Var newBhFolio;
    /** BH_Lock of new_bh (locked for the journal write in jbd2_journal_commit_transaction, unlocked at end_io). */
    public final Lock newBhLock;

    /** Declares the temporary buffer head for journaling {@code bhIn} of {@code ring}. */
    public Jbd2(Mm mm, Buffers ring, Buffers.Bh bhIn) {
        Model.Builder b = mm.builder();
        this.ring = ring;
        this.bhIn = bhIn;
        this.newBhFolio = b.var("new_bh.b_folio", -1, mm.folios().size() - 1, -1, v -> v < 0 ? "none" : mm.folioName(v), true);
        this.newBhLock = b.lock("new_bh.BH_Lock", "buffer_lock", Lock.Kind.BIT);
    }

    private Folio aliased(org.migcheck.model.lang.Exec e) { return ring.folio(e.get(newBhFolio)); }

    /**
     * jbd2_journal_write_metadata_buffer (fs/jbd2/journal.c): alloc_buffer_head (b_count 1), then
     * under jh->b_state_lock: no frozen data, so new_folio = bh_in->b_folio; kmap_local_folio reads the
     * data for the frozen trigger and the escape check; folio_set_bh(new_bh, new_folio, offset) without
     * a folio reference; bh_in is filed as BJ_Shadow.
     */
    public Step writeMetadataBuffer() {
        return Step.named("jbd2_journal_write_metadata_buffer")
                .args(bhIn.name())
                .does(e -> {
                    Folio f = ring.dataFolio(e, bhIn);
                    e.emit(new FolioEvent.Accessed(f, "jbd2_journal_write_metadata_buffer reads " + bhIn.name() + "->b_data"));
                    e.set(newBhFolio, f.id());
                    e.add(f.ioRefs, 1);
                })
                .build();
    }

    /**
     * submit_bh(REQ_OP_WRITE, new_bh) in jbd2_journal_commit_transaction (fs/jbd2/commit.c), after
     * lock_buffer(new_bh), clear_buffer_dirty, set_buffer_uptodate: the bio carries new_bh's page,
     * that is the aliased bdev folio.
     */
    public Step submitBh() {
        return Step.named("submit_bh")
                .args(e -> "REQ_OP_WRITE, new_bh -> " + aliased(e).name())
                .build();
    }

    /**
     * The journal write's data transfer: the device reads new_bh->b_data, the memory of the aliased
     * folio (block layer dispatch to the driver, which DMAs from the bio's pages).
     */
    public Step journalIoReads() {
        return Step.named("blk_mq_dispatch_rq_list")
                .args(e -> "journal write reads new_bh->b_data in " + aliased(e).name())
                .does(e -> e.emit(new FolioEvent.Accessed(aliased(e), "journal I/O reads")))
                .build();
    }

    /** jbd2_journal_commit_transaction's thread J: write bh_in to the journal through new_bh, then release. */
    public Procedure commitThread(Mm mm, String name) {
        Procedure p = mm.thread(name);
        p.body(c -> c
                // phase 2 (fs/jbd2/commit.c): atomic_inc(&jh2bh(jh)->b_count), then jbd2_journal_write_metadata_buffer
                .step(bumpBCount())
                .step(writeMetadataBuffer())
                // jbd2_journal_commit_transaction (fs/jbd2/commit.c): lock_buffer(new_bh) before submit_bh
                .step(Steps.lock("lock_buffer", Model.fixed(newBhLock)))
                .step(submitBh())
                .step(journalIoReads())
                // journal_end_buffer_io_sync (fs/jbd2/commit.c): the I/O completion clears BH_Shadow on bh_in and unlocks new_bh
                .step(Steps.unlock("journal_end_buffer_io_sync", Model.fixed(newBhLock),
                        e -> "new_bh; clear_bit_unlock(BH_Shadow, " + bhIn.name() + ")"))
                // phase 3: wait_on_buffer(new_bh) (returns at once), jbd2_unfile_log_bh, __brelse(new_bh), free_buffer_head
                .step(releaseNewBh())
                // then the shadowed buffer: clear_buffer_jwrite, file as BJ_Forget, __brelse(bh_in)
                .step(brelseShadowed())
                .step(putJournalHead()));
        return p;
    }

    /**
     * jbd2_journal_commit_transaction (fs/jbd2/commit.c) phase 2, before the temporary buffer is made:
     * "Bump b_count to prevent truncate from stumbling over the shadowed buffer!"
     * atomic_inc(&amp;jh2bh(jh)->b_count).
     */
    private Step bumpBCount() {
        return Step.named("atomic_inc")
                .args(bhIn.name() + "->b_count")
                .does(e -> e.add(bhIn.count, 1))
                .build();
    }

    /**
     * jbd2_journal_commit_transaction (fs/jbd2/commit.c) phase 3, for the shadowed buffer of new_bh:
     * clear_buffer_jwrite(bh), jbd2_journal_file_buffer(jh, commit_transaction, BJ_Forget), __brelse(bh):
     * drops the b_count taken by the atomic_inc of phase 2.
     */
    private Step brelseShadowed() {
        return Step.named("__brelse")
                .args(bhIn.name())
                .does(e -> e.add(bhIn.count, -1))
                .build();
    }

    /**
     * jbd2_journal_commit_transaction (fs/jbd2/commit.c) phase 3, after wait_on_buffer(new_bh):
     * jbd2_unfile_log_bh, __brelse(new_bh), free_buffer_head(new_bh): the alias of the bdev folio
     * ends.
     */
    private Step releaseNewBh() {
        return Step.named("free_buffer_head")
                .args(e -> "new_bh -> " + aliased(e).name())
                .does(e -> {
                    Folio f = aliased(e);
                    e.add(f.ioRefs, -1);
                    e.set(newBhFolio, -1);
                })
                .build();
    }

    /**
     * jbd2_journal_put_journal_head (fs/jbd2/journal.c) once the buffer is checkpointed: the
     * journal_head goes and with it its reference on bh_in (__brelse).
     */
    private Step putJournalHead() {
        return Step.named("jbd2_journal_put_journal_head")
                .args(bhIn.name())
                .does(e -> e.add(bhIn.count, -1))
                .build();
    }
}
