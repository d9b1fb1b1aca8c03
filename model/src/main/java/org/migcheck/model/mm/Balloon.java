package org.migcheck.model.mm;

import java.util.List;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.ModelViolation;
import org.migcheck.model.lang.LockEvent;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;

/**
 * The balloon owner of movable_ops pages (mm/balloon_compaction.c, include/linux/balloon_compaction.h,
 * v6.19; docs/scenarios/movable-ops.md): one balloon device with its {@code pages_lock} spinlock,
 * its page list and its {@code isolated_pages} counter; inflate ({@code balloon_page_enqueue}),
 * deflate ({@code balloon_page_dequeue}) and the three {@code movable_operations} callbacks
 * ({@code balloon_page_isolate}, {@code balloon_page_migrate}, {@code balloon_page_putback}).
 * {@code balloon_page_migrate} only checks the device and calls the driver's
 * {@code b_dev_info->migratepage}, which the driver installs with {@link #setMigratepage} (virtio:
 * {@link VirtioBalloon}, virtballoon_migratepage).
 *
 * <p>Per balloon-capable page the model keeps two variables: {@code <page>.balloon_list} (on
 * {@code b_dev_info->pages}) and {@code <page>.balloon_dev} ({@code page->private} =
 * {@code b_dev_info}, what {@code balloon_page_device()} reads).
 *
 * <p>Simplification: one balloon device; PageOffline (the page type) is folded into
 * {@link Folio#movableOps} since both are set together by balloon_page_insert and both stay until the
 * page is freed.
 *
 * <p>Kernel version: v6.19 (mm/balloon_compaction.c). Folds in balloon_page_dequeue's trylock under
 * pages_lock (a sleeping lock there is a mutation). Not modelled: the later rework a3fafdd38967
 * "mm/balloon_compaction: remove dependency on page lock" and its series (which also replaces the per-device
 * pages_lock with one balloon list lock), posted in January 2026, after v6.19 (release not checked).
 */
public final class Balloon {
    /** Rule id of the BUG_ON in balloon_page_enqueue_one: the page must be trylockable at inflate. */
    public static final String ENQUEUE_TRYLOCK = "balloon.enqueue-trylock";
    /** Rule id of the BUG() in balloon_page_dequeue: empty list and no isolated pages = lost pages. */
    public static final String DEQUEUE_LOST = "balloon.dequeue-lost-pages";

    /** How deflate locks each page while it holds pages_lock. */
    public enum DeflateLock {
        /** v6.19: trylock_page, skip the page when it is locked (never sleeps under the spinlock). */
        TRYLOCK,
        /** Mutation: a sleeping page lock under pages_lock. */
        SLEEPING
    }

    private final Mm mm;
    private final int nFolios;
    /** b_dev_info->pages_lock (spinlock, lock class {@code pages_lock}). */
    public final Lock pagesLock;
    /** b_dev_info->isolated_pages. */
    public final Var isolatedPages;
    private final Var[] onList;
    private final Var[] device;

    /** balloon_page_enqueue(page): inflate one page. */
    public final Procedure enqueue;
    /** balloon_page_dequeue(): deflate one page; returns its folio id, or -1 (NULL). */
    public final Procedure dequeue;
    /** movable_operations->isolate_page = balloon_page_isolate(page): 1 = isolated. */
    public final Procedure isolatePage;
    /** movable_operations->migrate_page = balloon_page_migrate(newpage, page): 0 = success, 1 = -EAGAIN. */
    public final Procedure migratePage;
    private final Local migrateDst;
    private final Local migrateSrc;
    private final Local migrateRc;
    /** movable_operations->putback_page = balloon_page_putback(page). */
    public final Procedure putbackPage;

    /**
     * Declares the balloon device on {@code mm} for the pages {@code pages} (all folios that may ever
     * be balloon pages: the inflated page and the migration destinations that replace it).
     */
    public Balloon(Mm mm, List<Folio> pages, DeflateLock deflateLock) {
        this.mm = mm;
        Model.Builder b = mm.builder();
        this.nFolios = mm.folios().size();
        this.pagesLock = b.lock("balloon.pages_lock", "pages_lock", Lock.Kind.SPINLOCK);
        this.isolatedPages = b.counter("balloon.isolated_pages", 0, 3, 0);
        this.onList = new Var[nFolios];
        this.device = new Var[nFolios];
        for (Folio f : pages) {
            onList[f.id()] = b.flag(f.name() + ".balloon_list", false);
            device[f.id()] = b.var(f.name() + ".balloon_dev", 0, 1, 0, v -> v == 0 ? "NULL" : "balloon", true);
        }
        this.enqueue = declareEnqueue(b);
        this.dequeue = declareDequeue(b, deflateLock);
        this.isolatePage = declareIsolate(b);
        this.migratePage = b.procedure("balloon_page_migrate");
        this.migrateDst = migratePage.param("newpage", 0, nFolios - 1).markObjectRef();
        this.migrateSrc = migratePage.param("page", 0, nFolios - 1).markObjectRef();
        this.migrateRc = migratePage.local("rc", 0, 1);
        this.putbackPage = declarePutback(b);
        b.register(this);
    }

    /**
     * The state b_dev_info->pages_lock protects: the page list (membership of each balloon page) and
     * isolated_pages (mm/balloon_compaction.c takes pages_lock around every list_add, list_del and
     * isolated_pages update).
     */
    public List<Var> protectedByPagesLock() {
        List<Var> out = new java.util.ArrayList<>();
        for (Var v : onList) {
            if (v != null) {
                out.add(v);
            }
        }
        out.add(isolatedPages);
        return out;
    }

    /** The callbacks as the migration core sees them (set_movable_ops(&amp;balloon_mops, PGTY_offline)). */
    public MovableOps.Operations operations() {
        return new MovableOps.Operations("balloon", isolatePage, migratePage, putbackPage);
    }

    /** Whether {@code f} is on the balloon list (for goals and tests). */
    public Var onList(Folio f) { return onList[f.id()]; }

    /** page->private of {@code f}: 1 while the page belongs to the balloon device. */
    public Var device(Folio f) { return device[f.id()]; }

    private Var listVar(Folio f) {
        Var v = onList[f.id()];
        if (v == null) {
            throw new ModelError(f.name(), f.name() + " is not a balloon page of this model");
        }
        return v;
    }

    /** spin_lock_irqsave(&amp;b_dev_info->pages_lock, flags). */
    Step spinLock() { return Steps.lock("spin_lock_irqsave", pagesLock); }

    /** spin_unlock_irqrestore(&amp;b_dev_info->pages_lock, flags). */
    Step spinUnlock() { return Steps.unlock("spin_unlock_irqrestore", pagesLock); }

    /**
     * balloon_page_insert (include/linux/balloon_compaction.h): __SetPageOffline, SetPageMovableOps,
     * set_page_private(page, balloon), list_add(&amp;page->lru, &amp;balloon->pages). Caller holds pages_lock
     * and the page lock. With {@code replacing} non-null the page is a migration destination taking
     * over the balloon slot of {@code replacing} (virtballoon_migratepage: the step also emits the
     * migration event and does the caller's {@code isolated_pages--}).
     */
    Step balloonPageInsert(FolioRef page, FolioRef replacing) {
        return Step.named("balloon_page_insert")
                .args(e -> page.of(e).name())
                .does(e -> {
                    Folio f = page.of(e);
                    e.emit(new FolioEvent.Accessed(f, "balloon_page_insert"));
                    e.set(f.movableOps, true);
                    e.set(device[f.id()], 1);
                    setOnList(e, f, true);
                    if (replacing != null) {
                        // newpage takes over page's role in the balloon (a balloon page has no contents to copy)
                        e.emit(new FolioEvent.Migrated(replacing.of(e), f));
                        // Simplification: virtballoon_migratepage's "vb_dev_info->isolated_pages--" in the same pages_lock section is folded into this step.
                        e.add(isolatedPages, -1);
                    }
                })
                .build();
    }

    /** Puts {@code x} on b_dev_info->pages ({@code on}) or takes it off, telling the rules whether it was on the list. */
    private void setOnList(org.migcheck.model.lang.Exec e, Folio x, boolean on) {
        e.emit(new FolioEvent.ListChanged(x, "b_dev_info->pages", on, e.isSet(listVar(x))));
        e.set(listVar(x), on);
    }

    /**
     * balloon_page_finalize (include/linux/balloon_compaction.h), page locked: set_page_private(page, 0);
     * PageOffline and PG_movable_ops stay until the page is freed.
     */
    Step balloonPageFinalize(FolioRef page, boolean listDel) {
        return Step.named("balloon_page_finalize")
                .args(e -> page.of(e).name())
                .does(e -> {
                    Folio x = page.of(e);
                    e.emit(new FolioEvent.Accessed(x, "balloon_page_finalize"));
                    if (listDel) {
                        setOnList(e, x, false);
                    }
                    e.set(device[x.id()], 0);
                })
                .build();
    }

    /**
     * balloon_page_enqueue (mm/balloon_compaction.c): under pages_lock, balloon_page_enqueue_one:
     * BUG_ON(!trylock_page(page)); balloon_page_insert; unlock_page.
     */
    private Procedure declareEnqueue(Model.Builder b) {
        Procedure p = b.procedure("balloon_page_enqueue");
        Local page = p.param("page", 0, nFolios - 1).markObjectRef();
        FolioRef f = mm.at(page);
        return p.body(body -> body
                .step(spinLock())
                // balloon_page_enqueue_one: "We should be the only one holding a reference to the 'page'"
                .step(Step.named("trylock_page")
                        .args(e -> f.of(e).name())
                        .does(e -> {
                            Folio x = f.of(e);
                            int h = e.holder(x.lock);
                            if (h >= 0) {
                                throw new ModelViolation(ENQUEUE_TRYLOCK, "BUG_ON(!trylock_page(" + x.name()
                                        + ")) in balloon_page_enqueue_one: the page is locked by " + e.threadName(h));
                            }
                            e.set(x.lock.holderVar(), e.self() + 1);
                            e.emit(new LockEvent.Acquired(x.lock, e.self(), true));
                        })
                        .build())
                .step(balloonPageInsert(f, null))
                .step(Steps.unlock("unlock_page", e -> f.of(e).lock))
                .step(spinUnlock()));
    }

    /**
     * balloon_page_dequeue -> balloon_page_list_dequeue(b_dev_info, &amp;pages, 1) (mm/balloon_compaction.c):
     * under pages_lock walk b_dev_info->pages; trylock each page (skip it when locked); list_del,
     * balloon_page_finalize (page->private = NULL; PageOffline and PG_movable_ops stay until free),
     * unlock_page. Isolated pages are not on the list, so they cannot be deflated. Without a page:
     * BUG() if the list is empty and no page is isolated, else return NULL.
     */
    private Procedure declareDequeue(Model.Builder b, DeflateLock how) {
        Procedure p = b.procedure("balloon_page_dequeue");
        Local i = p.local("i", -1, nFolios);
        Local ok = p.local("locked", 0, 1);
        Local got = p.local("page", -1, nFolios - 1).markObjectRef();
        FolioRef cur = mm.at(i);
        return p.body(body -> {
            body.assign(got, e -> -1);
            body.assign(i, e -> -1);
            // balloon_page_list_dequeue
            body.step(spinLock());
            // list_for_each_entry_safe over b_dev_info->pages: one step per list entry (pages not on the list are not visited).
            // Simplification: entries are visited in folio-id order (the kernel's list is LIFO); the scenarios have at most one
            // page on the list at a time, where the two orders agree.
            body.whileLocal(e -> e.local(i) < nFolios, loop -> loop
                    .step(Step.named("list_for_each_entry")
                            .args(e -> {
                                for (int j = e.local(i) + 1; j < nFolios; j++) {
                                    if (onList[j] != null && e.isSet(onList[j])) {
                                        return mm.folios().get(j).name();
                                    }
                                }
                                return "end of b_dev_info->pages";
                            })
                            .does(e -> {
                                int next = nFolios;
                                for (int j = e.local(i) + 1; j < nFolios; j++) {
                                    if (onList[j] != null && e.isSet(onList[j])) {
                                        next = j;
                                        break;
                                    }
                                }
                                e.setLocal(i, next);
                            })
                            .build())
                    .ifLocal(e -> e.local(i) < nFolios, member -> {
                        if (how == DeflateLock.TRYLOCK) {
                            member.step(Steps.trylock("trylock_page", e -> cur.of(e).lock, ok));
                        } else {
                            // the bad variant: a sleeping page lock while holding the pages_lock spinlock
                            member.step(Steps.lock("lock_page", e -> cur.of(e).lock)).assign(ok, e -> 1);
                        }
                        member.ifLocal(e -> e.local(ok) == 1, locked -> locked
                                // Simplification: list_del(&page->lru) and balloon_page_finalize (page->private = NULL) are one step.
                                .step(balloonPageFinalize(cur, true))
                                .step(Steps.unlock("unlock_page", e -> cur.of(e).lock))
                                .assign(got, e -> e.local(i))
                                .breakLoop());
                    }));
            body.step(spinUnlock());
            body.ifLocal(e -> e.local(got) < 0, none -> none
                    .step(spinLock())
                    .assertThat(DEQUEUE_LOST, "!list_empty(pages) || isolated_pages",
                            e -> !(listEmpty(e) && e.get(isolatedPages) == 0))
                    .step(spinUnlock())
                    .ret(e -> -1));
            body.ret(e -> e.local(got));
        });
    }

    private boolean listEmpty(Exec e) {
        for (Var v : onList) {
            if (v != null && e.isSet(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * balloon_page_isolate (mm/balloon_compaction.c), called by isolate_movable_ops_page with the page
     * locked: a page whose balloon_page_device() is NULL was already deflated -> false; else under
     * pages_lock list_del(&amp;page->lru) and isolated_pages++. Simplification: those two stores are one step (nothing
     * outside pages_lock reads them in the kernel, so a lock-respecting model cannot tell; a mutant that reads them
     * without the lock, balloon_page_dequeue's BUG() check, would see the list emptied before isolated_pages counts
     * the page in the kernel, not here).
     */
    private Procedure declareIsolate(Model.Builder b) {
        Procedure p = b.procedure("balloon_page_isolate");
        Local page = p.param("page", 0, nFolios - 1).markObjectRef();
        FolioRef f = mm.at(page);
        return p.body(body -> body
                .ifThen(Cond.of("!balloon_page_device", e -> f.of(e).name(),
                        e -> e.get(device[f.of(e).id()]) == 0), deflated -> deflated.ret(e -> 0))
                .step(spinLock())
                .step(Step.named("list_del")
                        .args(e -> f.of(e).name())
                        .does(e -> {
                            Folio x = f.of(e);
                            e.emit(new FolioEvent.Accessed(x, "balloon_page_isolate"));
                            setOnList(e, x, false); // a page already off the list (taken by deflate or another isolator) breaks list.integrity
                            e.add(isolatedPages, 1);
                        })
                        .build())
                .step(spinUnlock())
                .ret(e -> 1));
    }

    /**
     * Installs the driver's {@code b_dev_info->migratepage(b_dev_info, newpage, page, mode)} (0 or
     * 1 = -EAGAIN; e.g. virtballoon_probe: {@code vb->vb_dev_info.migratepage = virtballoon_migratepage})
     * and with it the body of balloon_page_migrate.
     */
    public void setMigratepage(Procedure driverMigratepage) {
        FolioRef s = mm.at(migrateSrc);
        // balloon_page_migrate (mm/balloon_compaction.c), called by migrate_movable_ops_page with both pages locked:
        // VM_BUG_ON_PAGE(!PageLocked(page)); VM_BUG_ON_PAGE(!PageLocked(newpage));
        // if (WARN_ON_ONCE(!balloon)) return -EAGAIN; return balloon->migratepage(balloon, newpage, page, mode);
        // Simplification: the two VM_BUG_ON_PAGE(!PageLocked) are not steps; the migrate.both-locked rule checks the same at the driver's Migrated event.
        // Simplification: the migrate_mode argument is not passed (virtballoon_migratepage ignores it).
        migratePage.body(body -> body
                .ifThen(Cond.of("WARN_ON_ONCE", "!balloon",
                        e -> e.get(device[s.of(e).id()]) == 0), gone -> gone.ret(e -> 1))
                .callInto(migrateRc, driverMigratepage, e -> e.local(migrateDst), e -> e.local(migrateSrc))
                .ret(e -> e.local(migrateRc)));
    }

    /**
     * balloon_page_putback (mm/balloon_compaction.c), called by putback_movable_ops_page with the page
     * locked: under pages_lock list_add(&amp;page->lru, &amp;b_dev_info->pages) and isolated_pages--.
     */
    private Procedure declarePutback(Model.Builder b) {
        Procedure p = b.procedure("balloon_page_putback");
        Local page = p.param("page", 0, nFolios - 1).markObjectRef();
        FolioRef f = mm.at(page);
        // Simplification: the WARN_ON_ONCE(!b_dev_info) early return is omitted (isolated balloon pages cannot be deflated).
        return p.body(body -> body
                .step(spinLock())
                .step(Step.named("list_add")
                        .args(e -> f.of(e).name())
                        .does(e -> {
                            Folio x = f.of(e);
                            e.emit(new FolioEvent.Accessed(x, "balloon_page_putback"));
                            setOnList(e, x, true);
                            e.add(isolatedPages, -1);
                        })
                        .build())
                .step(spinUnlock()));
    }

    /** put_page(page) of the balloon's own reference (release_pages_balloon, virtballoon_migratepage). */
    Step putPage(FolioRef f) {
        return Step.named("put_page").args(e -> f.of(e).name())
                .does(e -> FolioOps.put(e, f.of(e))).build();
    }
}
