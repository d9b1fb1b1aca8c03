package org.migcheck.model.mm;

import java.util.ArrayList;
import java.util.List;
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
