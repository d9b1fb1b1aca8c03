package org.migcheck.model.mm;

import java.util.function.Function;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Sleep;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;

/**
 * The virtio balloon driver on top of a {@link Balloon} device (drivers/virtio/virtio_balloon.c,
 * v6.19): {@code vb->balloon_lock}, {@code fill_balloon} (inflate), {@code leak_balloon} (deflate and
 * release), {@code tell_host}, and {@code virtballoon_migratepage}, which virtballoon_probe installs
 * as {@code vb->vb_dev_info.migratepage} and which balloon_page_migrate calls with both pages locked.
 *
 * <p>virtballoon_migratepage only trylocks balloon_lock and gives up with -EAGAIN when it is held
 * ("to avoid lock contention while migrating pages concurrently to leak_balloon() or fill_balloon()
 * ... This also prevents fill_balloon() getting stuck into a mutex recursion in the case it ends up
 * triggering memory compaction"). fill_balloon and leak_balloon hold balloon_lock across
 * balloon_page_enqueue / balloon_page_dequeue and tell_host.
 *
 * <p>tell_host sleeps until the host acknowledges the page frame numbers (wait_event(vb->acked, ...)).
 * In virtballoon_migratepage it runs holding balloon_lock and both page locks but no spinlock
 * (pages_lock was dropped before), so atomic.sleep holds, and it is no folio-lock sleep, so
 * memalloc.folio-lock and reclaim.folio-lock do not apply; a thread that wants one of the two page
 * locks meanwhile is the balloon deflate (trylock_page: skips the page) or another isolator
 * (folio_trylock: fails). The step emits the Sleep so that atomic.sleep would flag it under a spinlock.
 *
 * <p>Simplification: the host acknowledges at once: tell_host is one step that emits the Sleep and never blocks.
 * Simplification: one page per fill_balloon / leak_balloon call; vb->num_pages, the pfn array and adjust_managed_page_count (VIRTIO_BALLOON_F_DEFLATE_ON_OOM) are not modelled.
 *
 * <p>Kernel version: v6.19 (drivers/virtio/virtio_balloon.c). Folds in no later fix.
 */
public final class VirtioBalloon {
    private final Mm mm;
    private final Balloon balloon;
    private final int nFolios;
    /** vb->balloon_lock (mutex, lock class {@code balloon_lock}; not in the mm lock hierarchy). */
    public final Lock balloonLock;
    /** virtballoon_migratepage(newpage, page): 0, or 1 = -EAGAIN. */
    public final Procedure migratepage;
    /** fill_balloon(page): inflate one page that balloon_page_alloc gave (the model's initial state). */
    public final Procedure fillBalloon;
    /** leak_balloon(): deflate one page and release it; returns its folio id, or -1 when none was dequeued. */
    public final Procedure leakBalloon;

    /** The virtio balloon device over {@code balloon}; installs virtballoon_migratepage as its migratepage. */
    public VirtioBalloon(Mm mm, Balloon balloon) {
        this.mm = mm;
        this.balloon = balloon;
        this.nFolios = mm.folios().size();
        Model.Builder b = mm.builder();
        this.balloonLock = b.lock("vb.balloon_lock", "balloon_lock", Lock.Kind.MUTEX);
        this.migratepage = declareMigratepage(b);
        this.fillBalloon = declareFill(b);
        this.leakBalloon = declareLeak(b);
        balloon.setMigratepage(migratepage);
    }

    /**
     * tell_host(vb, vq) (drivers/virtio/virtio_balloon.c): virtqueue_add_outbuf, virtqueue_kick, then
     * wait_event(vb->acked, virtqueue_get_buf(vq, &amp;len)): sleeps until the host has read the pfns.
     */
    private static Step tellHost(String vq, Function<Exec, String> pages) {
        return Step.named("tell_host")
                .args(e -> "vb->" + vq + ", " + pages.apply(e))
                .does(e -> e.emit(new Sleep("tell_host", "vb->acked", Sleep.Kind.OTHER)))
                .build();
    }

    /**
     * virtballoon_migratepage(vb_dev_info, newpage, page, mode) (drivers/virtio/virtio_balloon.c),
     * both pages locked by the migration core:
     * <pre>
     * if (!mutex_trylock(&amp;vb-&gt;balloon_lock)) return -EAGAIN;
     * get_page(newpage);                       // balloon reference
     * spin_lock_irqsave(&amp;vb_dev_info-&gt;pages_lock); balloon_page_insert(vb_dev_info, newpage);
     * vb_dev_info-&gt;isolated_pages--; spin_unlock_irqrestore(...);
     * tell_host(vb, vb-&gt;inflate_vq);           // newpage
     * tell_host(vb, vb-&gt;deflate_vq);           // page
     * mutex_unlock(&amp;vb-&gt;balloon_lock);
     * balloon_page_finalize(page); put_page(page);   // balloon reference
     * return 0;
     * </pre>
     */
    private Procedure declareMigratepage(Model.Builder b) {
        Procedure p = b.procedure("virtballoon_migratepage");
        Local dst = p.param("newpage", 0, nFolios - 1).markObjectRef();
        Local src = p.param("page", 0, nFolios - 1).markObjectRef();
        Local locked = p.local("locked", 0, 1);
        FolioRef d = mm.at(dst);
        FolioRef s = mm.at(src);
        return p.body(body -> body
                .step(Steps.trylock("mutex_trylock", e -> balloonLock, locked))
                .ifLocal(e -> e.local(locked) == 0, busy -> busy.ret(e -> 1))          // -EAGAIN
                .step(Step.named("get_page")
                        .args(e -> d.of(e).name())
                        .does(e -> {
                            Folio x = d.of(e);
                            e.emit(new FolioEvent.RefTaken(x, false));
                            e.add(x.ref, 1);
                        })
                        .build())
                .step(balloon.spinLock())
                .step(balloon.balloonPageInsert(d, s))
                .step(balloon.spinUnlock())
                .step(tellHost("inflate_vq", e -> d.of(e).name()))
                .step(tellHost("deflate_vq", e -> s.of(e).name()))
                .step(Steps.unlock("mutex_unlock", balloonLock))
                .step(balloon.balloonPageFinalize(s, false))
                .step(balloon.putPage(s))
                .ret(e -> 0));
    }

    /**
     * fill_balloon(vb, num) (drivers/virtio/virtio_balloon.c) for one page: balloon_page_alloc (done:
     * the page is in the model's initial state), mutex_lock(&amp;vb->balloon_lock),
     * balloon_page_enqueue, tell_host(vb, vb->inflate_vq), mutex_unlock.
     */
    private Procedure declareFill(Model.Builder b) {
        Procedure p = b.procedure("fill_balloon");
        Local page = p.param("page", 0, nFolios - 1).markObjectRef();
        FolioRef f = mm.at(page);
        return p.body(body -> body
                .step(Steps.lock("mutex_lock", balloonLock))
                .call(balloon.enqueue, e -> e.local(page))
                .step(tellHost("inflate_vq", e -> f.of(e).name()))
                .step(Steps.unlock("mutex_unlock", balloonLock)));
    }

    /**
     * leak_balloon(vb, num) (drivers/virtio/virtio_balloon.c) for one page: mutex_lock(&amp;vb->balloon_lock),
     * balloon_page_dequeue (NULL: stop), tell_host(vb, vb->deflate_vq) when a page was dequeued,
     * release_pages_balloon (put_page: the balloon's reference, the final one), mutex_unlock.
     */
    private Procedure declareLeak(Model.Builder b) {
        Procedure p = b.procedure("leak_balloon");
        Local got = p.local("page", -1, nFolios - 1).markObjectRef();
        FolioRef f = mm.at(got);
        return p.body(body -> body
                .step(Steps.lock("mutex_lock", balloonLock))
                .callInto(got, balloon.dequeue)
                .ifLocal(e -> e.local(got) >= 0, released -> released
                        .step(tellHost("deflate_vq", e -> f.of(e).name()))
                        // release_pages_balloon
                        .step(balloon.putPage(f)))
                .step(Steps.unlock("mutex_unlock", balloonLock))
                .ret(e -> e.local(got)));
    }
}
