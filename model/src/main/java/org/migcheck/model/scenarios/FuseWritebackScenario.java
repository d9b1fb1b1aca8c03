package org.migcheck.model.scenarios;

import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.mm.Folio;
import org.migcheck.model.mm.FolioRef;
import org.migcheck.model.mm.Fuse;
import org.migcheck.model.mm.Gfp;
import org.migcheck.model.mm.Mapping;
import org.migcheck.model.mm.Memcg;
import org.migcheck.model.mm.Migrate;
import org.migcheck.model.mm.Mm;
import org.migcheck.model.mm.Task;
import org.migcheck.model.mm.TaskOps;
import org.migcheck.model.mm.Vmscan;

/**
 * FUSE writeback without temp pages vs legacy-memcg reclaim (docs/scenarios/fuse-writeback-memcg.md).
 * Without temporary folios, PG_writeback of a FUSE page-cache folio stays set until the FUSE server
 * replies to the FUSE_WRITE; if the server, while serving that request, charges memory to a memcg at
 * its limit, its memcg reclaim may reach that folio, and on a legacy (v1) hierarchy, or any hierarchy
 * without CONFIG_CGROUP_WRITEBACK, try_charge_memcg's reclaim passes first mark the folio PG_reclaim
 * (shrink_folio_list case 2) and then wait for it (case 3): for the writeback that only the server
 * itself can end. v6.16 routes mappings with AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM to case 2, but
 * fuse_init_file_inode sets that flag only on writeback_cache connections; MIGRATE_SYNC migration
 * still waits on writeback, so a server that never replies stalls it forever.
 *
 * <p>Objects: {@code folio0}, a dirty folio of a FUSE file (mapping {@code fuse_inode.i_data}; dirtied
 * by a buffered write on a writeback_cache connection, or through a shared writable mmap on any
 * connection), charged to memcg {@code G}, which is at its limit (usage 1 of 1 page: folio0). Threads
 * (each an {@link Mm#thread} with its task context):
 * <ul>
 *   <li>{@code flusher} (K): wb_workfn -> ... -> fuse_writepages(folio0): lock, start writeback,
 *       unlock, queue FUSE_WRITE (before v6.16: copy to a temp folio and end writeback at once);</li>
 *   <li>{@code kswapd0} (knob earlierReclaim): kswapd sets PF_MEMALLOC for its life, then one global
 *       reclaim pass (balance_pgdat) that finds folio0 dirty or under writeback and sets PG_reclaim,
 *       then puts it back. Not needed for the deadlock: the server's own charge makes several passes;</li>
 *   <li>{@code fuse-server} (S, a daemon): fuse_dev_do_read takes the FUSE_WRITE; to serve it the
 *       server allocates a page charged to G (alloc_pages with the gfp knob and __GFP_ACCOUNT ->
 *       __memcg_kmem_charge_page -> try_charge_memcg -> G at its limit -> try_to_free_mem_cgroup_pages
 *       -> shrink_folio_list on folio0, repeated by try_charge_memcg's retry loop); then it replies
 *       (fuse_dev_do_write -> fuse_writepage_end -> folio_end_writeback), or never replies and serves
 *       other requests forever;</li>
 *   <li>{@code migrator} (knob migrate): a migrate_pages caller in the given mode (MIGRATE_SYNC:
 *       memory hot-unplug's do_migrate_range, alloc_contig_range, move_pages(2), ...): isolates folio0
 *       (folio_isolate_lru) and runs the migration core's migrate_folio_unmap (alloc_migration_target takes
 *       the free page {@code D} first), which in MIGRATE_SYNC waits on writeback.</li>
 * </ul>
 * Not modelled, and stated in the variant texts: MGLRU (the verdicts are for the classic LRU; MGLRU's
 * sort_folio moves a folio under writeback to a younger generation instead of isolating it) and the
 * optional FUSE request timeout (with one, fuse_check_timeout aborts the connection, which ends the
 * writeback: the hang is bounded by the timeout).
 */
public final class FuseWritebackScenario {
    private FuseWritebackScenario() {}

    public static final String ID = "fuse-writeback-memcg";

    /** Reachability goal: some reclaimer took shrink_folio_list's case 3 (waited on PG_writeback). */
    public static final String GOAL_CASE3 = "reclaim-waits-on-writeback";

    /** What every verdict of this scenario leaves out (appended to the variant texts that depend on it). */
    static final String NOT_MODELLED = " (classic LRU: MGLRU off, its sort_folio does not isolate folios under "
            + "writeback; no FUSE request timeout, which would abort the connection and bound the wait)";

    static final List<Knob> KNOBS = List.of(
            Knob.choice("memcg", "v2", "hierarchy of the memory controller: v1 (legacy, CONFIG_MEMCG_V1) or v2", "v1", "v2"),
            Knob.bool("cgroupWriteback", true, "CONFIG_CGROUP_WRITEBACK (needs MEMCG and BLK_CGROUP)").onlyWith("memcg", "v2"),
            Knob.bool("mappingFlag", true, "the kernel has AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM (v6.16+, 0c4f8ed498ce): "
                    + "fuse_init_file_inode sets it on the mapping when the connection has writeback_cache").onlyWith("writebackCache", "true"),
            Knob.bool("writebackCache", true, "the connection uses writeback_cache (FUSE_WRITEBACK_CACHE); without it "
                    + "folio0 was dirtied through a shared writable mmap and its mapping never gets the flag"),
            Knob.choice("gfp", "KERNEL", "gfp mask of the server's allocation charged to its memcg (with __GFP_ACCOUNT)",
                    "KERNEL", "NOFS"),
            Knob.bool("tempPages", false, "FUSE before v6.16: writeback copies the folio to a temporary folio and "
                    + "ends the page-cache folio's writeback at once"),
            Knob.bool("earlierReclaim", true, "kswapd0 makes one earlier reclaim pass over folio0 (sets PG_reclaim); "
                    + "the server's own charge retries reclaim, so case 3 does not depend on it"),
            Knob.choice("migrate", "none", "a migrate_pages caller of folio0 in this mode (none: no migrator); its "
                    + "migrate_folio_unmap runs in that mode from the start: the MIGRATE_ASYNC first batch of migrate_pages_sync, "
                    + "which gives up on a folio under writeback (-EBUSY) before the retry in the caller's mode, is left out",
                    "none", "ASYNC", "SYNC_LIGHT", "SYNC"),
            Knob.bool("serverReplies", true, "the server replies to the FUSE_WRITE (false: it keeps the request "
                    + "and serves other requests forever)"),
            Knob.range("folios", 1, 8, 1, "dirty folios of the FUSE file (folio0..folioN-1), all charged to G, whose limit is "
                    + "their number: the flusher writes them back in index order, reclaim and the server go over all of them (the "
                    + "holding variants were checked at 1, 2 and, most of them, 4; larger sizes take longer than a CI job)"),
            Knob.choice("reclaimPasses", "kernel", "passes of try_charge_memcg's retry loop: kernel (until "
                    + "MAX_RECLAIM_RETRIES retries without progress, the kernel's bound up to mem_cgroup_oom, which "
                    + "resets it and is not modelled) or a smaller model bound "
                    + "(a simplification: 1 is the one-pass model of earlier migcheck versions; --bounds +K raises it)",
                    "kernel", "1", "2"),
            Knob.choice("mutant", "none", "a deliberate defect, for mutation tests: reclaim-ignores-writeback "
                    + "(shrink_folio_list without its writeback branch), writeback-without-folio-lock (the "
                    + "flusher clears PG_dirty and sets PG_writeback without the folio lock)",
                    "none", "reclaim-ignores-writeback", "writeback-without-folio-lock"));

    public static Scenario scenario() {
        BaseScenario.Builder s = BaseScenario.builder(ID)
                .title("FUSE writeback without temp pages vs memcg reclaim: the server waits on writeback only it can end")
                .reference("docs/scenarios/fuse-writeback-memcg.md; mm/vmscan.c shrink_folio_list (writeback cases 1-3), "
                        + "writeback_throttling_sane, may_enter_fs, try_to_free_mem_cgroup_pages; mm/memcontrol.c "
                        + "try_charge_memcg; fs/fuse/file.c fuse_init_file_inode, fuse_writepages, fuse_writepage_end; "
                        + "fs/fuse/dev.c fuse_dev_do_read, fuse_dev_do_write; mm/migrate.c migrate_folio_unmap")
                .model(FuseWritebackScenario::build)
                .expect(FuseWritebackScenario::expect);
        for (Knob k : KNOBS) {
            s.knob(k);
        }
        variant(s, "legacy-no-flag", Map.of("memcg", "v1", "mappingFlag", "false"),
                "hypothetical (never shipped for writeback_cache mounts: v6.16 removed the temp pages and added the "
                        + "flag together): legacy memcg, GFP_KERNEL; the server's charge reclaims, marks folio0 PG_reclaim, "
                        + "retries, and waits in case 3 on folio0's writeback, which only its own reply can end"
                        + NOT_MODELLED);
        variant(s, "legacy-no-flag-no-kswapd", Map.of("memcg", "v1", "mappingFlag", "false", "earlierReclaim", "false"),
                "hypothetical (as legacy-no-flag), without kswapd's earlier pass: try_charge_memcg's first reclaim pass "
                        + "marks folio0 PG_reclaim (case 2), drain_all_stock and the retry's second pass waits (case 3); the model "
                        + "does not tell the active and inactive LRUs apart (the kernel's second pass meets folio0 only after "
                        + "shrink_active_list deactivates it)"
                        + NOT_MODELLED);
        variant(s, "legacy-flag", Map.of("memcg", "v1", "mappingFlag", "true"),
                "shipped v6.19 (the flag since v6.16; v6.16 wrote back without iomap, believed the same here), writeback_cache "
                        + "mount: AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM routes folio0 to "
                        + "case 2 on every pass (mark PG_reclaim, activate, move on)");
        variant(s, "v2-cgroup-writeback", Map.of("memcg", "v2", "cgroupWriteback", "true", "mappingFlag", "false"),
                "hypothetical (no temp pages and no flag, as legacy-no-flag; the same model as a v6.16-v6.19 mount without "
                        + "writeback_cache on cgroup v2, --set writebackCache=false): cgroup v2 with CONFIG_CGROUP_WRITEBACK is "
                        + "writeback_throttling_sane, so memcg reclaim never waits (case 2) even without the flag");
        variant(s, "v2-no-cgroup-writeback", Map.of("memcg", "v2", "cgroupWriteback", "false", "mappingFlag", "false"),
                "hypothetical (no temp pages and no flag; the same model as a v6.16-v6.19 mount without writeback_cache, "
                        + "see no-wbc-shared-mmap-legacy): cgroup v2 without CONFIG_CGROUP_WRITEBACK, memcg reclaim behaves "
                        + "as legacy (case 3)" + NOT_MODELLED);
        variant(s, "legacy-gfp-nofs", Map.of("memcg", "v1", "mappingFlag", "false", "gfp", "NOFS"),
                "hypothetical (no temp pages and no flag): the server allocates with GFP_NOFS: !may_enter_fs, so case 2 "
                        + "on every pass (a server in a scoped NOFS/NOIO context, e.g. after prctl(PR_SET_IO_FLUSHER), "
                        + "reclaims the same way on shipped kernels)");
        variant(s, "legacy-temp-pages", Map.of("memcg", "v1", "mappingFlag", "false", "tempPages", "true"),
                "hypothetical: FUSE with temp pages (up to v6.15) on v6.19's reclaim (v6.15's shrink_folio_list could also "
                        + "let kswapd page a dirty file folio out, not modelled): the server's charge does take case 3, but "
                        + "folio0's writeback is ended by the flusher, not by the server");
        variant(s, "migrate-sync-no-reply", Map.of("migrate", "SYNC", "serverReplies", "false"),
                "shipped v6.19 (v6.16-v6.18 believed the same; v2, CGROUP_WRITEBACK, writeback_cache with the flag): MIGRATE_SYNC migration "
                        + "waits in migrate_folio_unmap for folio0's writeback while the server, alive and serving other "
                        + "requests, never replies (migrate_pages_sync's MIGRATE_ASYNC first batch, which gives up on the "
                        + "folio under writeback, is left out: the retry in MIGRATE_SYNC waits as modelled)" + NOT_MODELLED);
        variant(s, "no-wbc-shared-mmap-legacy", Map.of("memcg", "v1", "mappingFlag", "true", "writebackCache", "false"),
                "shipped v6.19 (v6.16-v6.18 believed the same), open question (the model's verdict, not confirmed on a running kernel): a mount "
                        + "without writeback_cache writes back a folio dirtied through a shared mmap; there are no temp "
                        + "pages, and fuse_init_file_inode sets AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM only with "
                        + "writeback_cache, so legacy-memcg reclaim from the server's charge reaches case 3 as in "
                        + "legacy-no-flag; assumes folio0 is charged to the memcg the server's charge reclaims from "
                        + "(or a shared ancestor) and a server without PR_SET_IO_FLUSHER" + NOT_MODELLED);
        return s.build();
    }

    private static void variant(BaseScenario.Builder s, String name, Map<String, String> settings, String doc) {
        s.variant(name, settings, expect(Knobs.resolve(ID, KNOBS, settings)), doc);
    }

    /**
     * The mutants that survive in a holding named variant (migcheck mutate fuse-writeback-memcg --variant V),
     * each with the reason the rules need not notice it there.
     */
    static Expect survivors(Expect e, Knobs k) {
        boolean temp = k.flag("tempPages");
        String kswapdCase1 = "kswapd's case 1 and case 2 both unlock the folio and activate it without waiting (case 2 only"
                + " sets PG_reclaim again), so which one kswapd takes is not observable (and in the model case 1 never runs:"
                + " PGDAT_WRITEBACK is set only at the end of kswapd's single pass)";
        String reclaimMark = temp
                ? "PG_reclaim is not ordered by the folio lock in the kernel either (folio_end_writeback clears it unlocked); a"
                        + " late mark only changes whether a later pass waits in case 3, and that wait always ends (the flusher"
                        + " ends folio0's writeback)"
                : "every pass takes case 2 here whatever PG_reclaim says (the flag, writeback_throttling_sane or !__GFP_FS),"
                        + " and the folio lock does not order PG_reclaim in the kernel either (folio_end_writeback clears it"
                        + " unlocked)";
        e = e.survives("test-true shrink_folio_list: if folio_test_reclaim #1", kswapdCase1)
                .survives("test-false shrink_folio_list: if folio_test_reclaim #1", kswapdCase1)
                .survives("test-true shrink_folio_list: if test_bit", kswapdCase1)
                .survives("swap shrink_folio_list: folio_set_reclaim <> folio_unlock #1", reclaimMark)
                .survives("swap shrink_folio_list: folio_set_reclaim <> folio_unlock #3", reclaimMark)
                .survives("test-true shrink_folio_list: if folio_test_dirty", "a clean folio taken for dirty is activated instead"
                        + " of reclaimed: reclaim frees less, and a charge that then fails (-ENOMEM) is a legal outcome")
                .survives("test-false shrink_folio_list: if folio_test_dirty", "__remove_mapping re-tests PG_dirty after"
                        + " freezing the refcount (mm/vmscan.c: \"if (unlikely(folio_test_dirty(folio)))\") and keeps a dirty folio")
                .survives("swap fuse-server: fuse_dev_do_read <> alloc_pages", "alloc_pages' entry step only records the"
                        + " server's own gfp context, which no other thread reads and no rule checks while it waits for a request");
        if (temp) {
            return e.survives("swap fuse_writepages: folio_copy <> folio_unlock", "outside the model: folio contents are not"
                            + " modelled and no thread here writes folio0's data, so copying it after the unlock reads the same data")
                    .survives("swap shrink_folio_list: folio_set_reclaim <> folio_unlock #2", reclaimMark)
                    .survives("test-true shrink_folio_list: if folio_test_reclaim #2", "with temp pages the flusher's"
                            + " allocations (the temp folios, GFP_NOFS) neither enter the filesystem nor are charged to the memcg,"
                            + " so its folio_end_writeback never waits on this reclaim, and waiting in case 3 without PG_reclaim"
                            + " always ends (the model sends one folio per request)")
                    .survives("no-wait shrink_folio_list: folio_wait_writeback", "case 3 goes back to folio_trylock after the"
                            + " wait, so without it reclaim retries folio0 until the flusher has ended its writeback: the same"
                            + " outcome, by polling");
        }
        return e.survives("swap fuse_writepages: fuse_iomap_writeback_range <> folio_unlock", "the request is queued only by"
                        + " fuse_writepages_send after both steps, and reclaim meets PG_writeback (set before) and takes case 2,"
                        + " so no thread can observe the range set up after the unlock")
                .survives("test-true shrink_folio_list: if folio_test_writeback", "here the writeback branch always ends in"
                        + " case 2 (activate without waiting), so a folio wrongly taken for under writeback is only kept")
                .survives("test-true try_charge_memcg: if current->flags & PF_MEMALLOC", "outside the model: the forced"
                        + " charge over the limit (page_counter_charge) only skips reclaim, and no rule bounds memcg usage");
    }

    /** fs/fuse/file.c fuse_init_file_inode: the mapping carries the flag iff the kernel has it and the connection has writeback_cache. */
    static boolean mappingHasFlag(Knobs k) {
        return k.flag("mappingFlag") && k.flag("writebackCache");
    }

    /**
     * The expected verdict for any knob values (docs/scenarios/fuse-writeback-memcg.md): case 3 needs
     * memcg reclaim that is not writeback_throttling_sane (v1, or no CGROUP_WRITEBACK), a mapping without
     * the flag and __GFP_FS; PG_reclaim comes from the charge's own first pass (or kswapd's), and
     * try_charge_memcg always makes a second pass. Without temp pages that wait is a deadlock; with temp
     * pages it is a harmless wait for the flusher. MIGRATE_SYNC waits on writeback forever if the server
     * never replies.
     */
    static Expect expect(Knobs k) {
        if (k.is("mutant", "reclaim-ignores-writeback")) {
            return Expect.violated("cache.remove-locked-no-writeback");
        }
        if (k.is("mutant", "writeback-without-folio-lock")) {
            // its first write without the lock is folio_clear_dirty_for_io; with that rule off, folio_start_writeback
            return Expect.violated("dirty.clear-under-lock");
        }
        boolean sane = k.is("memcg", "v2") && k.flag("cgroupWriteback");
        boolean case3 = !sane && !mappingHasFlag(k) && k.is("gfp", "KERNEL");
        boolean temp = k.flag("tempPages");
        // with a one-pass model bound and no earlier kswapd pass, the charge's only pass marks folio0 PG_reclaim
        // (case 2) and gives up: nothing waits (a HOLDS that depends on the bound, and the report says so)
        if (case3 && k.is("reclaimPasses", "1") && !k.flag("earlierReclaim")) {
            case3 = false;
        }
        if (case3 && !temp) {
            return Expect.deadlock();
        }
        if (!temp && k.is("migrate", "SYNC") && !k.flag("serverReplies")) {
            return Expect.stuck();
        }
        // the holding named variants' survivors, declared at any number of folios and reclaim passes (so that mutate
        // of such a variant moved along those knobs is judged too; checked at folios=1 and 2: MutationReportTest);
        // with a migrator or without kswapd's pass other steps run and the declarations are not theirs
        Expect holds = Expect.holds().reach(GOAL_CASE3, case3);
        return k.is("migrate", "none") && k.flag("earlierReclaim") ? survivors(holds, k) : holds;
    }

    static Model build(Knobs k) {
        Model.Builder b = Model.builder(ID);
        Mm mm = new Mm(b);
        boolean temp = k.flag("tempPages");
        // fs/fuse/file.c fuse_init_file_inode: "if (fc->writeback_cache) mapping_set_writeback_may_deadlock_on_reclaim(...)";
        // filemap_migrate_folio is fuse_file_aops' ->migrate_folio
        Mapping mapping = mm.mapping("fuse_inode.i_data", Mapping.MigrateFolio.FILEMAP_MIGRATE_FOLIO, mappingHasFlag(k), true);
        // written by the FUSE client (a buffered write with writeback_cache, or a store through a shared mmap),
        // not yet written back: dirty, on the inactive LRU, only the page cache's reference.
        // Simplification: the folios are not mapped; reclaim's writeback branch comes before folio_check_references,
        // so a mapped folio under writeback meets the same cases.
        int n = k.integer("folios");
        List<Folio> folios = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            folios.add(mm.folio("folio" + i, mapping, new Folio.Init().dirty(true)));
        }
        Folio folio = folios.get(0);
        FolioRef f = FolioRef.fixed(folio);

        Memcg.Controller memcgs = new Memcg.Controller(mm, k.is("memcg", "v1") ? Memcg.Hierarchy.V1 : Memcg.Hierarchy.V2,
                k.flag("cgroupWriteback"));
        // G: the server's memcg, which also holds folio0's charge (docs/scenarios/fuse-writeback-memcg.md, step 3), at its limit.
        // Simplification: the limit is the FUSE file's folios, all charged to G (one page, folio0's, by default).
        Memcg g = memcgs.create("G", n, n);
        for (Folio x : folios) {
            memcgs.charged(g, x);
        }
        Vmscan vmscan = new Vmscan(mm, memcgs,
                k.is("mutant", "reclaim-ignores-writeback") ? Vmscan.Mutation.IGNORE_WRITEBACK : Vmscan.Mutation.NONE);
        Fuse fuse = new Fuse(mm, temp,
                k.is("mutant", "writeback-without-folio-lock") ? Fuse.Mutation.START_WRITEBACK_UNLOCKED : Fuse.Mutation.NONE);
        // __GFP_ACCOUNT: a page allocated by alloc_pages is charged to a memcg only with it (mm/page_alloc.c:
        // "if (memcg_kmem_online() && (gfp & __GFP_ACCOUNT)) __memcg_kmem_charge_page").
        int gfp = (k.is("gfp", "NOFS") ? Gfp.NOFS : Gfp.KERNEL) | Gfp.ACCOUNT;

        // K: fs/fs-writeback.c wb_workfn -> wb_do_writeback -> ... -> do_writepages -> fuse_writepages
        Procedure writepages = fuse.writepages();
        if (n == 1) {
            mm.thread("flusher").body(body -> body.call(writepages, IntExpr.of(folio.id())));
        } else {
            // writeback_iter walks the dirty-tagged folios in index order, one fuse_writepages pass each
            Procedure flusher = mm.thread("flusher");
            Local i = flusher.local("index", 0, n);
            flusher.body(body -> body.forRange(i, 0, n, loop -> loop.call(writepages, IntExpr.of(i))));
        }

        if (k.flag("earlierReclaim")) {
            // mm/vmscan.c kswapd(): "tsk->flags |= PF_MEMALLOC | PF_KSWAPD" for its whole life, then balance_pgdat.
            // Simplification: one kswapd pass, after which the thread ends.
            Procedure balance = vmscan.balancePgdat();
            Procedure kswapd = mm.thread("kswapd0");
            Task task = mm.task("kswapd0");
            kswapd.body(body -> body
                    .step(TaskOps.kswapdSetsPfMemalloc(task))
                    .call(balance));
        }

        // S: the FUSE server's loop (libfuse: read /dev/fuse, handle, reply).
        if (!k.is("reclaimPasses", "kernel")) {
            memcgs.modelReclaimPasses(k.integer("reclaimPasses"));
        }
        Procedure charge = memcgs.tryChargeMemcg(vmscan);
        fuse.server("fuse-server", k.flag("serverReplies"), (loop, req) -> {
            Task task = mm.task("fuse-server");
            // Serving FUSE_WRITE, the server allocates a page charged to its memcg G: alloc_pages(gfp | __GFP_ACCOUNT)
            // -> __memcg_kmem_charge_page -> obj_cgroup_charge_pages -> try_charge_memcg(G). (A user-space page
            // fault or a page-cache insertion for its backing file charges through mem_cgroup_charge instead, with
            // the same try_charge_memcg.) Simplification: the zone has free pages; only G's limit is hit. The server
            // replies whether or not the charge succeeded (an -ENOMEM becomes an error reply, which also ends
            // the request).
            loop.step(TaskOps.allocEnter(task, "alloc_pages", gfp))
                    .call(charge, IntExpr.of(g.id()), IntExpr.of(gfp))
                    .step(TaskOps.allocExit(task, "alloc_pages"));
        });

        if (!k.is("migrate", "none")) {
            int mode = Migrate.mode(k.get("migrate"));
            // D: a free page on the target node for alloc_migration_target; declared after the FUSE, memcg and
            // reclaim objects, which deal with the FUSE file's folio0 only
            Folio target = mm.folio("D", null, new Folio.Init().ref(0).inCache(false).lru(false));
            FolioRef d = FolioRef.fixed(target);
            Migrate mig = new Migrate(mm, Migrate.Rules.v6_19());
            Procedure unmap = mig.unmap(mig.allocMigrationTarget());
            Procedure putback = mig.putbackMovablePages();
            Procedure migrator = mm.thread("migrator");
            Local isolated = migrator.local("isolated", 0, 1);
            Local rc = migrator.local("rc", Migrate.EBUSY, Migrate.SUCCESS);
            migrator.body(body -> body
                    // e.g. mm/memory_hotplug.c do_migrate_range -> isolate_folio_to_list -> folio_isolate_lru
                    .step(vmscan.isolateLru("folio_isolate_lru", f, isolated))
                    .ifLocal(e -> e.local(isolated) == 0, none -> none.ret())
                    // migrate_pages(&source, alloc_migration_target, NULL, ..., mode, ...) -> migrate_pages_batch:
                    // migrate_folio_unmap again while it returns -EAGAIN, under the model bound on its passes.
                    // Simplification: the unmap runs in the caller's mode from the first pass (v6.19's migrate_pages_sync tries MIGRATE_ASYNC first).
                    .retry(mig.passBound(), "unmap loop", pass -> pass
                            .callInto(rc, unmap, IntExpr.of(folio.id()), IntExpr.of(target.id()), e -> mode)
                            .ifLocal(e -> e.local(rc) != Migrate.EAGAIN, Body::breakLoop))
                    // Simplification: the move itself (move_to_new_folio) is left to the migration scenarios; here the unmapped pair is undone as after a failed move.
                    .ifLocal(e -> e.local(rc) == Migrate.SUCCESS, undo -> {
                        mig.migrateFolioUndoSrc(undo, f);
                        mig.migrateFolioUndoDst(undo, d, true, Migrate.PutNewFolio.NONE);
                    })
                    // the caller's putback_movable_pages returns folio0 to the LRU
                    .call(putback, IntExpr.of(folio.id())));
        }

        b.goal(GOAL_CASE3, st -> st.isSet(vmscan.waitedOnWriteback));
        return b.build();
    }
}
