package org.migcheck.model.mm;

import org.migcheck.model.lang.Var;

/**
 * Per-thread kernel context (struct task_struct bits rules read): PF_MEMALLOC, the current gfp mask
 * and whether the thread is inside page reclaim. Locks held and atomic context are derived from the
 * lock holders.
 *
 * <p><b>Kernel:</b> v6.19 task flags (PF_MEMALLOC, the scoped gfp mask of include/linux/sched/mm.h);
 * no version the catalogue names differs in what the rules read.
 *
 * @param thread      the model thread index
 * @param name        the thread name
 * @param pfMemalloc  PF_MEMALLOC (set around direct reclaim, memcg reclaim, direct compaction; always for kswapd)
 * @param gfp         the gfp mask of the allocation in progress ({@link Gfp} bits), 0 outside one
 * @param inReclaim   inside shrink_folio_list and its callers
 */
public record Task(int thread, String name, Var pfMemalloc, Var gfp, Var inReclaim) {}
