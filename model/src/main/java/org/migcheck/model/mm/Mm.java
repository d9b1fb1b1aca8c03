package org.migcheck.model.mm;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.model.lang.Exec;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Var;

/**
 * Declares kernel objects on a model under construction: mappings, folios and kernel threads with
 * their task context. Objects are registered with the model so rules can find them.
 *
 * <p><b>Kernel:</b> none of its own: it only declares objects; the kernel version is that of the
 * building blocks ({@link FolioOps}, {@link Writeback}, ...) a model uses.
 */
public final class Mm {
    private final Model.Builder b;
    private final List<Folio> folios = new ArrayList<>();
    private final List<Task> tasks = new ArrayList<>();
    /** PF_MEMALLOC_NOFS per thread index, for the tasks that enter a memalloc_nofs_save() scope. */
    private final java.util.Map<Integer, Var> nofs = new java.util.LinkedHashMap<>();

    public Mm(Model.Builder b) { this.b = b; }

    public Model.Builder builder() { return b; }

    public Mapping mapping(String name, Mapping.MigrateFolio migrate, boolean mayDeadlockOnReclaim, boolean writebackCache) {
        return b.register(new Mapping(b, name, migrate, mayDeadlockOnReclaim, writebackCache));
    }

    public Folio folio(String name, Mapping mapping, Folio.Init init) {
        Folio f = new Folio(b, folios.size(), name, mapping, init);
        folios.add(f);
        return b.register(f);
    }

    public Folio folio(String name, Mapping mapping) { return folio(name, mapping, new Folio.Init()); }

    public List<Folio> folios() { return List.copyOf(folios); }

    /**
     * A folio id as traces name it (the folio's own name, F or D, not its number); read when a trace is
     * printed, so that folios declared after the variable that holds the id (a migration's destination) are named too.
     */
    public String folioName(int id) {
        return id >= 0 && id < folios.size() ? folios.get(id).name() : "folio#" + id;
    }

    /** The folio whose id is in {@code l}. */
    public FolioRef at(Local l) {
        l.markObjectRef();
        return e -> {
            int i = e.local(l);
            if (i < 0 || i >= folios.size()) {
                throw new ModelError(l.toString(), "local " + l + " = " + i + " is not a folio id (model has " + folios.size() + ")");
            }
            return folios.get(i);
        };
    }

    /** A kernel thread with its task context; declare locals on the returned procedure, then its body. */
    public Procedure thread(String name) {
        Procedure p = b.thread(name);
        int index = b.threadIndex(name);
        Var pf = b.flag(name + ".PF_MEMALLOC", false);
        Var gfp = b.var(name + ".gfp", 0, Gfp.MAX, 0, Gfp::describe, false);
        Var inReclaim = b.var(name + ".in_reclaim", 0, 1, 0, v -> v == 0 ? "no" : "yes", false);
        tasks.add(b.register(new Task(index, name, pf, gfp, inReclaim)));
        return p;
    }

    /**
     * Declares PF_MEMALLOC_NOFS ({@code <task>.PF_MEMALLOC_NOFS}) for a task that enters a
     * memalloc_nofs_save() scope ({@link PageAlloc#memallocNofsSave()}); returns the flag (declared once).
     */
    public Var declareNofsScope(Task t) {
        return nofs.computeIfAbsent(t.thread(), k -> b.flag(t.name() + ".PF_MEMALLOC_NOFS", false));
    }

    /** The running thread's PF_MEMALLOC_NOFS flag, or null when it declares no NOFS scope. */
    Var nofsFlag(int thread) {
        return nofs.get(thread);
    }

    /**
     * include/linux/sched/mm.h current_gfp_context(flags) for the running thread: PF_MEMALLOC_NOFS clears
     * __GFP_FS. The page allocator (__alloc_pages) and memcg reclaim (try_to_free_mem_cgroup_pages) both apply it.
     * Simplification: PF_MEMALLOC_NOIO and PF_MEMALLOC_PIN scopes are not modelled.
     */
    public int currentGfpContext(Exec e, int gfp) {
        Var v = nofs.get(e.self());
        return v != null && e.isSet(v) ? gfp & ~Gfp.FS : gfp;
    }

    /** The task of thread {@code name}. */
    public Task task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new ModelError(name, "no kernel thread " + name + " declared with Mm.thread"));
    }

    /** The task of thread index {@code t} among the model's tasks, or null for plain threads. */
    public static Task taskOf(List<Task> tasks, int t) {
        for (Task k : tasks) {
            if (k.thread() == t) {
                return k;
            }
        }
        return null;
    }
}
