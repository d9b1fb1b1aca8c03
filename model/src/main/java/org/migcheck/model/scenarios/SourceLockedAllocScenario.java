package org.migcheck.model.scenarios;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.model.mm.BufferMigrate;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioEvent;
import org.migcheck.model.mm.FolioOps;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Gfp;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Migrate;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.Oom;
import org.migcheck.model.mm.PageAlloc;
import org.migcheck.model.mm.Readahead;

/**
 * docs/scenarios/source-locked-alloc.md: allocating while a source folio is locked. Three workloads:
 * <ul>
 *   <li>{@code readahead}: page_cache_ra_order adds its large folios locked and !uptodate one by one and
 *       reads them only when the batch is complete, so the allocation of the second folio runs with the
 *       first locked; it may enter direct compaction, whose migrate scanner may pick that very folio
 *       (4.2, 4.5 A). Three protections exist, from different kernel eras: migrate_folio_unmap's
 *       PF_MEMALLOC rule (v2.6.38), the SYNC_LIGHT !uptodate rule (posted 2023, release not checked), and the
 *       memalloc_nofs_save() scope around readahead, under which compaction isolates no page-cache
 *       folio at all (isolate_migratepages_block with !__GFP_FS);</li>
 *   <li>{@code two-migrators}: two migrators under the "Defer allocating new page until needed"
 *       proposal (4.1) each lock their source, then allocate a huge destination on the other's node;
 *       the allocation compacts that node, where the other's locked source lies;</li>
 *   <li>{@code oom}: a FOLL_LONGTERM migrator under the proposal locks its source and allocates an
 *       order-0 destination with GFP_USER, which reaches the OOM killer; the victim may be a task
 *       sleeping in folio_lock on that source; and, in v6.19's order, a list of two folios whose
 *       MIGRATE_ASYNC batch keeps S0 locked while D1's allocation reaches the OOM killer.</li>
 * </ul>
 * Knob defaults are v6.19; each variant's description names the kernel era it models (or says that
 * it is the proposal, or hypothetical). The readahead era variants run v6.19's page_cache_ra_order
 * with the later protections switched off: before v5.8 readahead allocated its pages before locking
 * them, and the allocations made while the first page was locked were mpage_readpages' for the next
 * pages (page-cache slot, bio); the model keeps one path and changes only the rules.
 */
public final class SourceLockedAllocScenario {
    private SourceLockedAllocScenario() {}

    public static final String ID = "source-locked-alloc";
    /** oom: the writer was killed and reaped (MMF_OOM_SKIP) while asleep in folio_lock on S (it had taken S's entry, does not hold S's lock, has not exited). */
    public static final String GOAL_REAPED_WHILE_ASLEEP = "victim-reaped-before-exit";

    static final String PUT_UNLOCK = "swap migrate_folio_move: folio_put <> folio_unlock";
    static final String BIO_ENDIO = "no-wait irq: bio_endio";
    static final String REFCOUNT = "test-false __migrate_folio: if folio_ref_count";
    static final String WRITER_LOCK = "no-lock writer: folio_lock";
    static final String WRITER_LOCK_DIRTY = "swap writer: folio_lock <> folio_mark_dirty";
    static final String WRITER_DIRTY_UNLOCK = "swap writer: folio_mark_dirty <> folio_unlock";
    static final String TARGET_MEMALLOC = "test-true migrate_folio_unmap/alloc_migration_target: if current->flags & PF_MEMALLOC";
    static final String TARGET_WRITEBACK = "test-true migrate_folio_unmap/alloc_migration_target: if folio_test_writeback";
    static final String REAPER_NO_WAIT = "no-wait oom_reaper: wait_event_freezable";
    static final String REAPER_SWAP = "swap oom_reaper: wait_event_freezable <> oom_reap_task";
    static final String NOFS_WRITER = "under the NOFS scope compaction isolates no page-cache folio, so no other thread ever"
            + " takes F0's lock or reads its PG_dirty";
    static final String KILLED_GOES_ON_REAPER = "a writer killed after the test goes on the same way (the kernel's own race);"
            + " the OOM reaper sets MMF_OOM_SKIP on it whatever it does, so the allocation proceeds";
    static final String ALLOC_UNLOCKED = "every allocation here runs with no source locked, so a killed writer that goes on"
            + " cannot block the allocating task";
    static final String SIGNAL = "a fatal signal may be pending at any time; the forced outcome only makes the task exit"
            + " early (exit_mmap) or finish its work first, both kernel behaviours";
    static final String VICTIM_NO_RESERVES = "a victim denied the reserves waits in out_of_memory only until MMF_OOM_SKIP,"
            + " which the OOM reaper sets";
    static final String REAPER_GAP = "rule gap: without the wait the reaper reaps the task its local names without a kill;"
            + " no rule states that only tasks queued by the OOM killer are reaped (mm/oom_kill.c queue_oom_reaper)";
    static final String FORCED_PAGE = "outside the model: the zone's free memory is one flag and the destination is always a"
            + " free folio of the model, so a forced success hands it out; page accounting is not a locking rule";

    /** One-line reasons of survivors shared by several variants, by mutant id. */
    static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry(PUT_UNLOCK, "this put is never the last reference here, so dropping it before the unlock is not observable"),
            Map.entry(BIO_ENDIO, "an interrupt that runs before any bio was submitted completes nothing and ends; the readahead"
                    + " folios then stay locked, which no thread here waits for (compaction only trylocks them), and a locked"
                    + " folio without a waiter is neither a deadlock nor a broken rule"),
            Map.entry(REFCOUNT, "the early refcount check is repeated atomically by folio_ref_freeze in __folio_migrate_mapping"),
            Map.entry(WRITER_LOCK, "the write path's folio lock excludes truncation and other writers, which this model lacks;"
                    + " against migration the writer's folio reference already makes folio_ref_freeze fail while it writes"),
            Map.entry(WRITER_LOCK_DIRTY, "the write path's folio lock excludes truncation and other writers, which this model"
                    + " lacks; against migration the writer's folio reference already makes folio_ref_freeze fail"),
            Map.entry(WRITER_DIRTY_UNLOCK, "the write path's folio lock excludes truncation and other writers, which this model"
                    + " lacks; against migration the writer's folio reference already makes folio_ref_freeze fail"),
            Map.entry(TARGET_MEMALLOC, "forcing the give-up only makes one attempt fail (-EAGAIN, putback); in other"
                    + " interleavings the source's lock is free and the goal is met"),
            Map.entry(TARGET_WRITEBACK, "no folio is ever under writeback here: the forced branch gives up in MIGRATE_ASYNC"
                    + " (-EBUSY, retried synchronously) or waits on writeback that is not in flight, which returns at once"),
            Map.entry("test-true migrator: if fatal_signal_pending", SIGNAL),
            Map.entry("test-false migrator: if fatal_signal_pending", SIGNAL),
            Map.entry("no-lock __alloc_pages_may_oom: mutex_trylock", "only the migrator allocates here, so no second task"
                    + " contends for oom_lock"),
            Map.entry("test-false __alloc_pages_may_oom: if get_page_from_freelist", "an allocation attempt may always fail;"
                    + " the slow path's retry, the OOM killer and migration's -ENOMEM handling (putback) are kernel paths"),
            Map.entry("test-false alloc_pages: if get_page_from_freelist #1", "an allocation attempt may always fail; the"
                    + " slow path's retry, the OOM killer and migration's -ENOMEM handling (putback) are kernel paths"),
            Map.entry("test-false alloc_pages: if get_page_from_freelist #2", "an allocation attempt may always fail; the"
                    + " slow path's retry, the OOM killer and migration's -ENOMEM handling (putback) are kernel paths"),
            Map.entry("test-false alloc_pages: if get_page_from_freelist #3", "an allocation attempt may always fail; the"
                    + " slow path's retry, the OOM killer and migration's -ENOMEM handling (putback) are kernel paths"),
            Map.entry("test-true alloc_pages: if tsk_is_oom_victim", "a forced ALLOC_OOM success hands the destination out"
                    + " from the reserves, as the kernel does for a real victim; no rule counts reserve pages"),
            Map.entry("no-wait alloc_pages: out_of_memory", "the mutant skips the wait for the victim, rechecks the free list"
                    + " and returns NULL (-ENOMEM, putback): an early failure of the allocation, which the kernel's slow path"
                    + " may also end in; the wait is the hazard here, not a protection"));

    /** The survivors every OOM variant shares (migcheck mutate source-locked-alloc --variant oom-victim-reaper). */
    static final String[] OOM_COMMON = {"test-true migrator: if fatal_signal_pending", "test-false migrator: if fatal_signal_pending",
        WRITER_LOCK, WRITER_LOCK_DIRTY, WRITER_DIRTY_UNLOCK, "no-lock __alloc_pages_may_oom: mutex_trylock",
        "test-false __alloc_pages_may_oom: if get_page_from_freelist", "test-false alloc_pages: if get_page_from_freelist #1",
        "test-false alloc_pages: if get_page_from_freelist #2", "test-false alloc_pages: if get_page_from_freelist #3",
        "test-true alloc_pages: if tsk_is_oom_victim", "no-wait alloc_pages: out_of_memory", TARGET_MEMALLOC, REFCOUNT,
        PUT_UNLOCK};

    /** The survivors of two-migrators-order-filter, at any number of migrators. */
    static Expect orderFilterSurvivors(Expect e) {
        return e.survives("no-lock migrate_folio_unmap/alloc_migration_target: folio_trylock #1", "no "
                        + "destination is ever allocated here, so each migration returns -ENOMEM before "
                        + "it uses its source, and no other thread touches a source (compaction skips "
                        + "them): the lock guards nothing in this variant (two-migrators-isolated kills it)")
                .survives(TARGET_WRITEBACK, REASONS.get(TARGET_WRITEBACK));
    }

    /** Declares each of {@code ids} a survivor of {@code e}, with its reason from {@link #REASONS}. */
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

    public static Scenario scenario() {
        return BaseScenario.builder(ID)
                .title("a folio locked across an allocation: direct compaction, two migrators, the OOM killer")
                .reference("docs/scenarios/source-locked-alloc.md; mm/migrate.c migrate_folio_unmap, mm/page_alloc.c, mm/compaction.c, "
                        + "mm/oom_kill.c, mm/readahead.c, fs/mpage.c")
                .knob(Knob.choice("workload", "readahead", "who holds the folio lock across the allocation",
                        "readahead", "two-migrators", "oom"))
                .knob(Knob.bool("memallocRule", true, "migrate_folio_unmap gives up on a locked source under PF_MEMALLOC "
                        + "(Mel Gorman's \"mm: compaction: Avoid a potential deadlock due to lock_page() during direct "
                        + "compaction\", January 2011, folded into 3e7d34497067 \"mm: vmscan: reclaim order-0 and use "
                        + "compaction instead of lumpy reclaim\" before it was merged for v2.6.38; false: that patch as it "
                        + "sat in -mm before the fix, where direct compaction could lock_page)"))
                .knob(Knob.bool("syncLightIoCheck", true, "MIGRATE_SYNC_LIGHT gives up on a locked !uptodate source "
                        + "(\"migrate_pages: avoid blocking for IO in MIGRATE_SYNC_LIGHT\", 2023)"))
                .knob(Knob.bool("nofsScope", true, "readahead: page_cache_ra_order runs inside memalloc_nofs_save(), so its "
                        + "allocations lose __GFP_FS and direct compaction isolates no page-cache folio "
                        + "(page_cache_ra_unbounded since v5.8, f2c817bed58d \"mm: use memalloc_nofs_save in readahead path\"; "
                        + "page_cache_ra_order, the path modelled, only since 30153e446664 (2024): large-folio readahead "
                        + "(v5.18, 793917d997df) ran without it until then, in mainline and in the stable trees until the fix's "
                        + "backports (it was sent to 6.1.y and 6.6.y; releases not checked); false: those kernels)").onlyWith("workload", "readahead"))
                .knob(Knob.choice("compactMode", "SYNC_LIGHT", "mode of the direct compaction in the allocator's retry loop "
                        + "(MIGRATE_SYNC_LIGHT since v3.3, through DEF_COMPACT_PRIORITY since the compaction priorities "
                        + "of about v4.8, not checked; SYNC: the synchronous direct compaction of earlier kernels; ASYNC: as for a costly __GFP_NORETRY request); the initial attempt for costly "
                        + "orders is always ASYNC; the oom workload wires no zone to compact", "ASYNC", "SYNC_LIGHT", "SYNC")
                        .onlyWith("workload", "readahead", "two-migrators"))
                .knob(Knob.bool("deferAlloc", false, "the \"Defer allocating new page until needed\" proposal: "
                        + "get_new_folio runs with the source locked (v6.19: allocate first)"))
                .knob(Knob.bool("srcIsolated", true, "two-migrators: each source is isolated from the LRU before it is "
                        + "locked (every migrate_pages caller does this); false keeps it on the LRU").onlyWith("workload", "two-migrators"))
                .knob(Knob.bool("reaper", true, "oom: the OOM reaper kthread exists (v4.6+)").onlyWith("workload", "oom"))
                .knob(Knob.range("oomFolios", 1, 2, 1, "oom: folios in the migrator's list (2: v6.19's migrate_pages_sync "
                        + "first migrates them in one MIGRATE_ASYNC batch, S0 staying locked while D1 is allocated)").onlyWith("workload", "oom"))
                .knob(Knob.range("passes", 1, 3, 1, "oom: bound on migrate_pages_batch's passes (the kernel makes up to "
                        + "NR_MAX_MIGRATE_ASYNC_RETRY = 3 in migrate_pages_sync's batch, 7 in each one-folio retry)").onlyWith("workload", "oom"))
                .knob(Knob.bool("writer", false, "readahead: another task writes to F0 meanwhile (__filemap_get_folio with "
                        + "FGP_LOCK), holding F0's lock for a moment").onlyWith("workload", "readahead"))
                .knob(Knob.bool("orderFilter", true, "two-migrators: compaction's isolate_migratepages_block skips a large "
                        + "folio whose order is at least the request's (skip_isolation_on_order, 2024, v6.9 by our reading; earlier kernels "
                        + "skipped every compound page), so an order-9 allocation never isolates an order-9 source; false: "
                        + "hypothetical compaction without that filter").onlyWith("workload", "two-migrators"))
                .knob(Knob.range("migrators", 2, 6, 2, "two-migrators: migrators in a ring; M_i holds S_i on node i-1 and "
                        + "allocates its destination on node i (mod N), where M_(i+1)'s source lies").onlyWith("workload", "two-migrators"))
                .knob(Knob.range("raFolios", 1, 2, 2, "readahead: folios in the batch (all locked before the read is submitted)").onlyWith("workload", "readahead"))
                .knob(Knob.bool("lockDst", true, "mutation knob: migrate_folio_unmap trylocks the destination "
                        + "(false: migrate into an unlocked folio)"))
                .model(SourceLockedAllocScenario::build)
                .variant("readahead-compaction-sleeps",
                        Map.of("workload", "readahead", "nofsScope", "false", "memallocRule", "false",
                                "syncLightIoCheck", "false", "compactMode", "SYNC"),
                        Expect.deadlock(),
                        "proposal (2011): the reclaim/compaction patch as it sat in -mm during the v2.6.38 cycle, "
                                + "before Mel Gorman's fix \"mm: compaction: Avoid a potential deadlock due to lock_page() "
                                + "during direct compaction\" (folded into that patch before it was merged; whether "
                                + "v2.6.35-v2.6.37, whose compaction also lacked both the rule and PF_MEMALLOC, could reach "
                                + "it from direct compaction is not checked): synchronous direct compaction, no PF_MEMALLOC rule, readahead not in "
                                + "a NOFS scope; run on v6.19's page_cache_ra_order with those protections off (then the "
                                + "allocation was the page-cache insertion's for the next page): the allocation of F2 "
                                + "compacts, migrate_folio_unmap sleeps in folio_lock on F1, which the same task added "
                                + "locked and has not submitted for read: it waits for itself")
                .variant("readahead-memalloc-rule",
                        Map.of("workload", "readahead", "nofsScope", "false", "memallocRule", "true", "syncLightIoCheck", "false"),
                        survivors(Expect.holds().reach("compaction-migrated-F0", true), PUT_UNLOCK, BIO_ENDIO).withinBounds(),
                        "hypothetical: the rules of v3.3-v5.7 (the PF_MEMALLOC rule, SYNC_LIGHT direct compaction, readahead "
                                + "not in a NOFS scope) run on v6.19's page_cache_ra_order (v5.18+) with folios compaction sees "
                                + "as order 0; which released kernels could reach compaction from a readahead allocation "
                                + "with a folio locked is not settled here: direct compaction only trylocks, gives up on "
                                + "the readahead folio F1, still migrates F0")
                .variant("readahead-io-check-only",
                        Map.of("workload", "readahead", "nofsScope", "false", "memallocRule", "false", "syncLightIoCheck", "true"),
                        survivors(Expect.holds().reach("compaction-migrated-F0", true), PUT_UNLOCK, BIO_ENDIO).withinBounds(),
                        "hypothetical (no kernel had the 2023 SYNC_LIGHT check without the PF_MEMALLOC rule and the NOFS "
                                + "scope): readahead folios are !uptodate, so SYNC_LIGHT compaction gives up on them as well")
                .variant("readahead-nofs-scope",
                        Map.of("workload", "readahead", "writer", "true"),
                        survivors(Expect.holds().reach("compaction-migrated-F0", false), BIO_ENDIO)
                                .survives(WRITER_LOCK, NOFS_WRITER).survives(WRITER_LOCK_DIRTY, NOFS_WRITER)
                                .survives(WRITER_DIRTY_UNLOCK, NOFS_WRITER),
                        "shipped v6.19 (unverified: that v6.19's page_cache_ra_order runs inside memalloc_nofs_save() rests on "
                                + "30153e446664's changelog, not on the v6.19 reading of mm/readahead.c), with a writer holding F0's "
                                + "lock for a moment: page_cache_ra_order's memalloc_nofs_save() "
                                + "makes F2's allocation GFP_NOFS, and isolate_migratepages_block isolates no folio with a "
                                + "mapping under !__GFP_FS: compaction from readahead never touches a page-cache folio")
                .variant("readahead-writer",
                        Map.of("workload", "readahead", "writer", "true", "nofsScope", "false", "syncLightIoCheck", "false"),
                        survivors(Expect.holds().reach("compaction-migrated-F0", true), REFCOUNT, PUT_UNLOCK, BIO_ENDIO,
                                WRITER_LOCK, WRITER_LOCK_DIRTY, WRITER_DIRTY_UNLOCK).withinBounds(),
                        "hypothetical, as readahead-memalloc-rule, with a writer holding F0's lock for a "
                                + "moment: compaction only trylocks F0 and gives up")
                .variant("readahead-writer-io-check-only",
                        Map.of("workload", "readahead", "writer", "true", "nofsScope", "false", "memallocRule", "false"),
                        Expect.violated("memalloc.folio-lock"),
                        "hypothetical (the 2023 SYNC_LIGHT check without the PF_MEMALLOC rule and the NOFS scope): the check "
                                + "spares the readahead folios (!uptodate), but compaction sleeps in folio_lock on the "
                                + "writer's uptodate F0 under PF_MEMALLOC")
                .expect(SourceLockedAllocScenario::expect)
                .variant("two-migrators-abba",
                        Map.of("workload", "two-migrators", "memallocRule", "false", "deferAlloc", "true", "srcIsolated", "false",
                                "orderFilter", "false"),
                        Expect.deadlock(),
                        "hypothetical three times over (no kernel has any of the three): the 2019 \"Defer allocating new "
                                + "page until needed\" proposal on v6.19 without the PF_MEMALLOC rule, sources left on the "
                                + "LRU, and compaction that isolates an order-9 folio for an order-9 request (every kernel "
                                + "skips it, see orderFilter): M1 holds S1 and compacts node 1, where the initial ASYNC "
                                + "attempt gives up on S2 and the SYNC_LIGHT retry sleeps on it; M2 holds S2 and does the "
                                + "same on S1")
                .variant("two-migrators-order-filter",
                        Map.of("workload", "two-migrators", "memallocRule", "false", "deferAlloc", "true", "srcIsolated", "false"),
                        orderFilterSurvivors(Expect.holds().reach("S1-migrated", false)),
                        "hypothetical (the proposal without the PF_MEMALLOC rule, sources left on the LRU) with the "
                                + "kernel's compaction: isolate_migratepages_block's skip_isolation_on_order keeps an order-9 "
                                + "request off every order-9 folio, so neither compaction touches the other's source; nothing "
                                + "else in these zones can be compacted, so no destination is ever allocated")
                .variant("two-migrators-memalloc-rule",
                        Map.of("workload", "two-migrators", "memallocRule", "true", "deferAlloc", "true", "srcIsolated", "false",
                                "orderFilter", "false"),
                        survivors(Expect.holds().reach("S1-migrated", true), REFCOUNT, PUT_UNLOCK, TARGET_MEMALLOC, TARGET_WRITEBACK).withinBounds(),
                        "hypothetical: the 2019 proposal on v6.19 with the PF_MEMALLOC rule, but sources left on the "
                                + "LRU and compaction without the order filter as in two-migrators-abba: each compaction "
                                + "gives up on the other's source (declared for two migrators: from three on the model "
                                + "migrates a source twice, see the migrators knob)")
                .variant("two-migrators-isolated",
                        Map.of("workload", "two-migrators", "memallocRule", "false", "deferAlloc", "true", "srcIsolated", "true",
                                "orderFilter", "false"),
                        survivors(Expect.holds().reach("S1-migrated", true), PUT_UNLOCK, TARGET_WRITEBACK),
                        "hypothetical: the 2019 proposal without the PF_MEMALLOC rule and with compaction without the "
                                + "order filter, but the sources are isolated (off the LRU) as every migrate_pages caller "
                                + "isolates them: compaction cannot pick another migrator's source while it is being "
                                + "migrated (only one put back after a failed attempt)")
                .variant("oom-victim-no-reaper",
                        Map.of("workload", "oom", "deferAlloc", "true", "reaper", "false"),
                        Expect.deadlock(),
                        "hypothetical: the 2019 proposal on a kernel without the OOM reaper (which came in v4.6): the "
                                + "migrator's GFP_USER allocation under S's lock kills the writer after its fatal_signal_pending "
                                + "check in generic_perform_write, so it goes on into ->write_begin and sleeps in folio_lock(S); "
                                + "the OOM killer waits for that victim forever")
                .variant("oom-victim-reaper",
                        Map.of("workload", "oom", "deferAlloc", "true", "reaper", "true"),
                        survivors(Expect.holds().reach("source-migrated", true).reach(GOAL_REAPED_WHILE_ASLEEP, true),
                                OOM_COMMON).survives("test-false writer: if fatal_signal_pending", KILLED_GOES_ON_REAPER)
                                .survives("test-false alloc_pages: if tsk_is_oom_victim", VICTIM_NO_RESERVES)
                                .survives(REAPER_NO_WAIT, REAPER_GAP).survives(REAPER_SWAP, REAPER_GAP)
                                .survives(TARGET_WRITEBACK, REASONS.get(TARGET_WRITEBACK)).withinBounds(),
                        "proposal (2019), on v6.19 with the OOM reaper: it reaps the victim and sets MMF_OOM_SKIP, "
                                + "the allocation succeeds")
                .variant("oom-alloc-before-lock",
                        Map.of("workload", "oom", "deferAlloc", "false", "reaper", "false"),
                        survivors(Expect.holds(), OOM_COMMON)
                                .survives("test-false writer: if fatal_signal_pending", ALLOC_UNLOCKED)
                                .survives("test-true writer: if fatal_signal_pending", SIGNAL)
                                .survives(TARGET_WRITEBACK, REASONS.get(TARGET_WRITEBACK))
                                .survives("test-true __migrate_folio: if folio_ref_count", "forcing the early refcount check to"
                                        + " fail only makes the attempt return -EAGAIN and putback: this variant declares no goal")
                                .survives("test-true __alloc_pages_may_oom: if get_page_from_freelist", FORCED_PAGE)
                                .survives("test-true alloc_pages: if get_page_from_freelist #1", FORCED_PAGE)
                                .survives("test-true alloc_pages: if get_page_from_freelist #2", FORCED_PAGE).withinBounds(),
                        "hypothetical as a whole: v4.5's order (allocate, then lock, one page at a time) and no OOM "
                                + "reaper (v4.6+), with a FOLL_LONGTERM caller, which came later (about v5.1, not checked), "
                                + "on v6.19's code with a one-folio list: every allocation runs with no source locked, so no OOM victim can be "
                                + "waiting for the allocating task (with two folios this no longer holds: oom-batch-no-reaper)")
                .variant("oom-batch-no-reaper",
                        Map.of("workload", "oom", "oomFolios", "2", "deferAlloc", "false", "reaper", "false"),
                        Expect.deadlock(),
                        "hypothetical: v6.19's batched migrate_pages (v6.3+) on a kernel without the OOM reaper (v4.6+; "
                                + "no kernel has the one without the other): the MIGRATE_ASYNC batch keeps S0 locked while "
                                + "D1 is allocated; that allocation kills the writer, asleep in folio_lock(S0) or (the "
                                + "shortest trace) past its fatal_signal_pending check and about to sleep there, and the OOM "
                                + "killer waits for it forever")
                .variant("oom-batch-reaper",
                        Map.of("workload", "oom", "oomFolios", "2", "deferAlloc", "false", "reaper", "true"),
                        survivors(Expect.holds().reach("source-migrated", true).reach(GOAL_REAPED_WHILE_ASLEEP, true),
                                OOM_COMMON).survives("test-false writer: if fatal_signal_pending", KILLED_GOES_ON_REAPER)
                                .survives("test-false alloc_pages: if tsk_is_oom_victim", VICTIM_NO_RESERVES)
                                .survives(REAPER_NO_WAIT, REAPER_GAP).survives(REAPER_SWAP, REAPER_GAP).withinBounds(),
                        "shipped v6.19: a FOLL_LONGTERM migration of two folios; D1's allocation inside the "
                                + "MIGRATE_ASYNC batch may kill the writer, asleep on the locked S0 or about to sleep there, and the OOM reaper "
                                + "sets MMF_OOM_SKIP on it, so the allocation goes on")
                .build();
    }

    /**
     * Expectations beyond the named variants: with the kernel's order filter the two-migrators ring holds at
     * every size and nothing is migrated (compaction for an order-9 request isolates no order-9 source).
     * Without the filter (hypothetical), the ring of {@code migrators} migrators without the PF_MEMALLOC rule
     * and with sources on the LRU fails at every size: a deadlock up to 3 migrators (each sleeps on the next
     * one's source), from 4 on the memalloc.folio-lock rule first; isolated sources hold at every size; the
     * PF_MEMALLOC rule with sources left on the LRU is declared for two migrators only: from three on, a
     * compaction can isolate a source from the LRU after its own migrator froze and moved it, and the folio is
     * migrated twice (the model reports the refcount underflow as a model error).
     */
    static Expect expect(Knobs k) {
        if (k.is("workload", "readahead") && k.flag("nofsScope") && k.flag("memallocRule") && k.flag("syncLightIoCheck")
                && k.is("compactMode", "SYNC_LIGHT") && !k.flag("deferAlloc") && k.flag("lockDst") && k.integer("raFolios") == 2) {
            // v6.19's readahead (the scenario's defaults, and readahead-nofs-scope with the writer): compaction from the
            // GFP_NOFS allocation isolates no page-cache folio
            Expect nofs = survivors(Expect.holds().reach("compaction-migrated-F0", false), BIO_ENDIO);
            return k.flag("writer") ? nofs.survives(WRITER_LOCK, NOFS_WRITER).survives(WRITER_LOCK_DIRTY, NOFS_WRITER)
                    .survives(WRITER_DIRTY_UNLOCK, NOFS_WRITER) : nofs;
        }
        if (!k.is("workload", "two-migrators") || !k.flag("deferAlloc") || !k.flag("lockDst")
                || !k.is("compactMode", "SYNC_LIGHT") || !k.flag("syncLightIoCheck")) {
            return null;
        }
        // the named variants' survivors are declared at every number of migrators, for their own protocol knobs only
        boolean rule = k.flag("memallocRule");
        boolean isolated = k.flag("srcIsolated");
        if (k.flag("orderFilter")) {
            // no zone holds a folio smaller than the order-9 request: compaction isolates nothing, nothing migrates
            Expect none = Expect.holds().reach("S1-migrated", false);
            return !rule && !isolated ? orderFilterSurvivors(none) : none;
        }
        if (!k.flag("memallocRule") && !k.flag("srcIsolated")) {
            // The ring's deadlock needs every migrator blocked: 29 steps at 2, 43 at 3, 14 more per migrator.
            // Two of them suffice for the rule: M_N sleeps on S1 under PF_MEMALLOC and gets it once M1 lets go,
            // 54 steps whatever N; so from 4 migrators on the rule breaks first (checked at 4 and 5).
            return k.integer("migrators") <= 3 ? Expect.deadlock() : Expect.violated("memalloc.folio-lock");
        }
        Expect migrates = Expect.holds().reach("S1-migrated", true);
        if (isolated && !rule) {
            return survivors(migrates, PUT_UNLOCK, TARGET_WRITEBACK); // two-migrators-isolated
        }
        if (isolated) {
            return migrates;
        }
        // two-migrators-memalloc-rule
        return k.integer("migrators") == 2 ? survivors(migrates, REFCOUNT, PUT_UNLOCK, TARGET_MEMALLOC, TARGET_WRITEBACK) : null;
    }

    static Model build(Knobs k) {
        Migrate.Rules rules = new Migrate.Rules(k.flag("memallocRule"), k.flag("syncLightIoCheck"),
                k.flag("deferAlloc"), k.flag("lockDst"));
        int compactMode = Migrate.mode(k.get("compactMode"));
        return switch (k.get("workload")) {
            case "readahead" -> readahead(rules, compactMode, k.integer("raFolios"), k.flag("writer"), k.flag("nofsScope"));
            case "two-migrators" -> twoMigrators(rules, compactMode, k.flag("srcIsolated"), k.flag("orderFilter"),
                    k.integer("migrators"));
            default -> oom(rules, compactMode, k.flag("reaper"), k.integer("oomFolios"), k.integer("passes"));
        };
    }

    /** A clean folio no task holds, for compaction to migrate; initially free. */
    private static Folio.Init free() {
        return new Folio.Init().ref(0).inCache(false).lru(false);
    }

    // ---------------------------------------------------------------- readahead (4.2, 4.5 A)

    /**
     * ra->order of the batch: 2, the first step of page_cache_async_ra's ramp-up (new_order += 2). Orders
     * 1..PAGE_ALLOC_COSTLY_ORDER get no initial compaction and reach the retry loop's SYNC_LIGHT compaction;
     * costly orders with __GFP_NORETRY (readahead's) compact only at COMPACT_PRIO_ASYNC, which never sleeps
     * on a folio lock.
     */
    static final int RA_ORDER = 2;

    static Model readahead(Migrate.Rules rules, int compactMode, int nRa, boolean writer, boolean nofsScope) {
        Model.Builder b = Model.builder(ID + "/readahead");
        Mm mm = new Mm(b);
        // A block-based filesystem reading with mpage_readahead; contiguous blocks are read without
        // buffer heads, so ->migrate_folio (buffer_migrate_folio) falls back to __migrate_folio.
        Mapping file = mm.mapping("blkfs", Mapping.MigrateFolio.BUFFER_MIGRATE_FOLIO, false, false);
        Folio f0 = mm.folio("F0", file); // an older clean, uptodate page-cache folio on the LRU
        // Simplification: the readahead folios are order 0 for compaction's isolation, as the era variants'
        // kernels had them; v6.19's order-RA_ORDER folios would be skipped by skip_isolation_on_order for
        // the order-RA_ORDER request as well (readahead-nofs-scope does not need it: !__GFP_FS skips them first).
        List<Folio> ra = new ArrayList<>();
        for (int i = 1; i <= nRa; i++) {
            ra.add(mm.folio("F" + i, file, free().uptodate(false)));
        }
        Folio free0 = mm.folio("free0", null, free());
        List<Folio> lru = new ArrayList<>();
        lru.add(f0);
        lru.addAll(ra);
        Migrate mig = new Migrate(mm, rules);
        new BufferMigrate(mig, file); // buffer_migrate_folio of folios without buffer heads
        PageAlloc pa = new PageAlloc(mm, mig, List.of(new PageAlloc.Zone(0, lru, free0)), compactMode, false);
        // readahead_gfp_mask(mapping) = mapping_gfp_mask (GFP_HIGHUSER_MOVABLE, set by inode_init_always)
        // | __GFP_NORETRY | __GFP_NOWARN; inside memalloc_nofs_save() current_gfp_context clears __GFP_FS.
        // Simplification: GFP_HIGHUSER_MOVABLE's reclaim bits are GFP_KERNEL's; __GFP_HARDWALL, __GFP_HIGHMEM,
        // __GFP_MOVABLE and __GFP_NOWARN are not modelled, so the trace prints GFP_KERNEL.
        Readahead rd = new Readahead(mm, pa, ra, 0, RA_ORDER, Gfp.KERNEL | Gfp.NORETRY, nofsScope);
        mm.thread("readahead").body(x -> x.call(rd.pageCacheRaOrder()));
        if (nofsScope) {
            pa.declareNofsScope(mm.task("readahead"));
        }
        rd.endIoThread("irq");
        if (writer) {
            Procedure w = b.thread("writer");
            writeToIndex(mm, w, f0, free0, null, null, null);
        }
        b.goal("compaction-migrated-F0", s -> s.isSet(f0.freed) && s.isSet(free0.inCache));
        return b.build();
    }

    // ---------------------------------------------------------------- two migrators (4.1 proposal)

    /** include/linux/huge_mm.h HPAGE_PMD_ORDER (x86-64): the order of the migrators' large sources. */
    static final int HPAGE_PMD_ORDER = 9;

    static Model twoMigrators(Migrate.Rules rules, int compactMode, boolean srcIsolated, boolean orderFilter, int n) {
        Model.Builder b = Model.builder(ID + "/two-migrators");
        Mm mm = new Mm(b);
        Mapping file = mm.mapping("file", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        // Sources: large page-cache folios, referenced by the page cache and by their migrator (the
        // isolation reference); with srcIsolated=false they stay on the LRU (hypothetical: every kernel
        // migrate_pages caller isolates first, and PG_lru test-and-clear makes isolation exclusive).
        // Sources are order-9 folios: their size appears as the order of the destination's allocation and in
        // compaction's skip_isolation_on_order, which (orderFilter) keeps an order-9 request off them.
        // Migrator M_i (1-based) migrates S_i from node i-1 into its huge destination D_i on node i mod n; free_j is
        // compaction's free page on node j. With n = 2: S1 node 0 -> D1 node 1, S2 node 1 -> D2 node 0.
        Folio.Init src = new Folio.Init().ref(2).lru(!srcIsolated).isolated(srcIsolated).order(HPAGE_PMD_ORDER);
        List<Folio> srcs = new ArrayList<>();
        List<Folio> dsts = new ArrayList<>();
        List<Folio> frees = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            srcs.add(mm.folio("S" + i, file, src));
        }
        for (int i = 1; i <= n; i++) {
            dsts.add(mm.folio("D" + i, null, free()));
        }
        for (int j = 0; j < n; j++) {
            frees.add(mm.folio("free" + j, null, free()));
        }
        int[] nodeOf = new int[mm.folios().size()];
        for (int i = 1; i <= n; i++) {
            nodeOf[srcs.get(i - 1).id()] = i - 1;
            nodeOf[dsts.get(i - 1).id()] = i % n;
            nodeOf[frees.get(i - 1).id()] = i - 1;
        }
        Migrate mig = new Migrate(mm, rules);
        List<PageAlloc.Zone> zones = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            zones.add(new PageAlloc.Zone(j, List.of(srcs.get(j)), frees.get(j)));
        }
        PageAlloc pa = new PageAlloc(mm, mig, zones, compactMode, false);
        if (!orderFilter) {
            pa.withoutOrderFilter();
        }
        // mbind / move_pages (mm/mempolicy.c migrate_to_node): mtc.gfp_mask = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE;
        // alloc_migration_target for a large source: gfp &= ~__GFP_RECLAIM, |= GFP_TRANSHUGE, order = folio_order:
        // order 9 (costly: initial ASYNC compaction, then reclaim and SYNC_LIGHT compaction; THISNODE: no OOM).
        // GFP_HIGHUSER_MOVABLE's __GFP_HIGHMEM and __GFP_MOVABLE are not modelled (one zone per node).
        Procedure target = mig.allocMigrationTarget(pa, HPAGE_PMD_ORDER, Gfp.TRANSHUGE | Gfp.THISNODE, nodeOf);
        Procedure migratePages = mig.migratePages(target, srcIsolated);
        for (int i = 1; i <= n; i++) {
            Folio si = srcs.get(i - 1);
            Folio di = dsts.get(i - 1);
            mm.thread("M" + i).body(x -> x.call(migratePages, e -> si.id(), e -> di.id(), e -> Migrate.MIGRATE_SYNC));
        }
        Folio d1 = dsts.get(0);
        b.goal("S1-migrated", s -> s.isSet(d1.inCache));
        return b.build();
    }

    // ---------------------------------------------------------------- OOM (4.4, 4.5 B)

    /**
     * mm/filemap.c filemap_get_entry for the page-cache index that S occupies (S, or D once migrated),
     * with folio_try_get under RCU and the xas_reload recheck: one atomic lookup.
     */
    private static Step filemapGetEntry(Folio s, Folio d, Local folio, Var inWrite) {
        return Step.named("filemap_get_entry")
                .args("index of " + s.name())
                .does(e -> {
                    Folio f = e.isSet(s.inCache) ? s : d;
                    if (!e.isSet(f.inCache) || e.get(f.ref) == 0) {
                        throw new ModelError(f.name(), "the page-cache index of " + s.name() + " is empty");
                    }
                    e.emit(new FolioEvent.RefTaken(f, true));
                    e.add(f.ref, 1);
                    e.setLocal(folio, f.id());
                    if (inWrite != null) {
                        e.set(inWrite, 1);
                    }
                })
                .build();
    }

    /**
     * A write(2) to the page-cache index of {@code s}: generic_perform_write -> ->write_begin ->
     * __filemap_get_folio(FGP_LOCK | FGP_WRITE): filemap_get_entry, then folio_lock, which sleeps
     * TASK_UNINTERRUPTIBLE (a SIGKILL does not wake it); the copy dirties the folio; ->write_end
     * unlocks and puts it. With {@code exitAs} the task can be an OOM victim: generic_perform_write
     * tests fatal_signal_pending(current) before ->write_begin and returns -EINTR, and the task then
     * exits (do_exit -> exit_mm -> mmput -> exit_mmap) either way. {@code inWrite} (may be null) is set
     * while the writer is between filemap_get_entry and its folio_put.
     * Simplification: __filemap_get_folio's folio->mapping recheck after folio_lock is omitted (the writer's reference makes a migration of the folio fail its freeze).
     * Simplification: balance_dirty_pages_ratelimited, called before the signal test, is not modelled.
     */
    private static void writeToIndex(Mm mm, Procedure thread, Folio s, Folio d, Oom oom, Oom.MmTask exitAs, Var inWrite) {
        Local folio = thread.local("folio", 0, mm.folios().size() - 1);
        FolioRef f = mm.at(folio);
        java.util.function.Consumer<org.migcheck.model.lang.Body> write = x -> x
                .step(filemapGetEntry(s, d, folio, inWrite))
                .step(FolioOps.folioLock(f))
                .step(FolioOps.folioMarkDirty(f))
                .step(FolioOps.folioUnlock(f))
                .step(folioPutEndWrite(f, inWrite));
        thread.body(x -> {
            if (exitAs != null) {
                // mm/filemap.c generic_perform_write: "if (fatal_signal_pending(current)) { status = -EINTR; break; }"
                x.ifThenElse(oom.fatalSignalPending(), killed -> { }, write);
                x.step(oom.exitMmap(exitAs));
            } else {
                write.accept(x);
            }
        });
    }

    /** folio_put at the end of the write; clears {@code inWrite}. */
    private static Step folioPutEndWrite(FolioRef f, Var inWrite) {
        Step put = FolioOps.folioPut(f);
        if (inWrite == null) {
            return put;
        }
        return Step.named("folio_put").args(e -> f.of(e).name())
                .does(e -> {
                    FolioOps.put(e, f.of(e));
                    e.set(inWrite, 0);
                })
                .build();
    }

    /**
     * The FOLL_LONGTERM migrator of {@code n} isolated page-cache folios (S, or S0 and S1) and a writer
     * of S (S0). With one folio the zone starts under pressure; with two it has one free page, which
     * the first destination takes, so that (allocating first, as v6.19 does) only the allocation of
     * D1 reaches the OOM killer, inside migrate_pages_sync's MIGRATE_ASYNC batch while S0 is locked.
     */
    static Model oom(Migrate.Rules rules, int compactMode, boolean reaper, int n, int passes) {
        Model.Builder b = Model.builder(ID + "/oom");
        Mm mm = new Mm(b);
        Mapping file = mm.mapping("file", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, false, false);
        // the sources: order-0 page-cache folios that the migrator has isolated (page cache + isolation reference)
        List<Folio> src = new ArrayList<>();
        List<Folio> dst = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            src.add(mm.folio(n == 1 ? "S" : "S" + i, file, new Folio.Init().ref(2).lru(false).isolated(true)));
        }
        for (int i = 0; i < n; i++) {
            dst.add(mm.folio(n == 1 ? "D" : "D" + i, null, free()));
        }
        Folio s = src.get(0);
        Folio d = dst.get(0);
        Migrate mig = new Migrate(mm, rules).passes(passes);
        // Order-0 destinations: direct compaction does not run for order 0, so no zones are wired.
        PageAlloc pa = new PageAlloc(mm, mig, List.of(), compactMode, true, n > 1);
        Oom oom = new Oom(mm, pa.zoneFree, reaper);
        pa.withOom(oom);
        Procedure migrator = mm.thread("migrator");
        Procedure writer = mm.thread("writer");
        Oom.MmTask migratorMm = oom.mmTask("migrator");
        Oom.MmTask writerMm = oom.mmTask("writer");
        // FOLL_LONGTERM pin migration (mm/gup.c migrate_longterm_unpinnable_folios): migrate_pages(list,
        // alloc_migration_target, NULL, &mtc, MIGRATE_SYNC, MR_LONGTERM_PIN) with mtc.gfp_mask =
        // GFP_USER | __GFP_NOWARN: no __GFP_THISNODE / __GFP_RETRY_MAYFAIL, so an order-0 allocation may
        // invoke the OOM killer.
        // Simplification: GFP_USER is modelled as GFP_KERNEL (__GFP_HARDWALL, the difference, restricts cpusets only).
        Procedure target = mig.allocMigrationTarget(pa, 0, Gfp.KERNEL, new int[mm.folios().size()]);
        Procedure migratePages = mig.migratePages(target, n, true);
        IntExpr[] args = new IntExpr[2 * n + 1];
        for (int i = 0; i < n; i++) {
            int si = src.get(i).id();
            int di = dst.get(i).id();
            args[2 * i] = e -> si;
            args[2 * i + 1] = e -> di;
        }
        args[2 * n] = e -> Migrate.MIGRATE_SYNC;
        migrator.body(x -> x
                .call(migratePages, args)
                // Back in user space: a pending SIGKILL ends the task.
                .ifThen(oom.fatalSignalPending(), y -> y.step(oom.exitMmap(migratorMm))));
        // The writer, the victim candidate, then exits.
        Var writing = b.var("writer.in_write_begin", 0, 1, 0, v -> v == 0 ? "no" : "yes", false);
        writeToIndex(mm, writer, s, d, oom, writerMm, writing);
        if (reaper) {
            oom.reaperThread();
        }
        b.goal("source-migrated", st -> st.isSet(d.inCache));
        // killed and reaped while it had taken S's entry and was not holding S's lock: asleep in folio_lock (a victim
        // killed before it ran, or after its write, does not count)
        int writerIdx = b.threadIndex("writer");
        b.goal(GOAL_REAPED_WHILE_ASLEEP, st -> st.isSet(writerMm.killed()) && st.isSet(writerMm.oomSkip())
                && !st.isSet(writerMm.exited()) && st.get(writing) == 1 && st.get(s.lock.holderVar()) != writerIdx + 1);
        return b.build();
    }
}
