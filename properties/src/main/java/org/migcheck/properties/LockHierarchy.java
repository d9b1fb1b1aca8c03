package org.migcheck.properties;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.LockEvent;

/**
 * A declared lock-class hierarchy, checked on every blocking acquisition: taking a lock of class L
 * while holding a lock of class H is an inversion when the hierarchy puts L outside H (L before H).
 * Classes the hierarchy does not name, trylocks, and two locks of one class are not constrained.
 *
 * <p>{@link #mm()} is the mm hierarchy (header comments of mm/rmap.c and
 * mm/filemap.c, plus the buffer-lock facts of mm/migrate.c and fs/buffer.c). Where the two comments
 * disagree (swap_lock and private_lock) no order is declared. The hugetlb chain, which nests
 * folio_lock inside i_mmap_rwsem, is not included.
 */
public final class LockHierarchy implements StepRule {
    public static final String ID = "lock-order.hierarchy";

    private final Map<String, Set<String>> inner = new LinkedHashMap<>();
    private final Map<String, String> why = new LinkedHashMap<>();
    private final String id;
    private final String statement;
    private final String kernelRef;
    /** How a violation names the order: "the mm order" for {@link #mm()}, "the declared order" otherwise. */
    private final String orderName;

    private LockHierarchy(String id, String statement, String kernelRef, String orderName) {
        this.id = java.util.Objects.requireNonNull(id, "a lock hierarchy needs an id");
        this.statement = statement;
        this.kernelRef = kernelRef;
        this.orderName = orderName;
    }

    /** An empty hierarchy with the kernel rule's id ({@value #ID}); add edges with {@link #order}. */
    public static LockHierarchy empty() {
        return new LockHierarchy(ID, "locks are taken in the declared hierarchy order (outer before inner)",
                "mm/rmap.c and mm/filemap.c lock ordering comments", "the declared order");
    }

    /**
     * An empty hierarchy of one's own lock classes (a driver's, a subsystem's), as a rule with its own
     * id beside the kernel's {@value #ID}; add edges with {@link #order}.
     */
    public static LockHierarchy named(String id, String statement, String kernelRef) {
        return new LockHierarchy(id, statement, kernelRef, "the declared order");
    }

    /** Declares that {@code outer} is taken before (outside) {@code innerClass}; {@code source} cites the kernel. */
    public LockHierarchy order(String outer, String innerClass, String source) {
        if (outer.equals(innerClass)) {
            return this; // locks of one class are not ordered against each other (it never constrained anything)
        }
        List<String> back = path(innerClass, outer);
        if (back != null) {
            // with both orders declared, every acquisition of the two breaks the rule: the author's mistake, said here
            throw new IllegalArgumentException("lock hierarchy " + id + ": " + outer + " -> " + innerClass + " contradicts the declared "
                    + String.join(" -> ", back));
        }
        inner.computeIfAbsent(outer, k -> new LinkedHashSet<>()).add(innerClass);
        inner.computeIfAbsent(innerClass, k -> new LinkedHashSet<>());
        why.putIfAbsent(outer + " -> " + innerClass, source);
        return this;
    }

    /** The mm hierarchy, outermost first. */
    public static LockHierarchy mm() {
        String rmap = "mm/rmap.c lock ordering comment";
        String filemap = "mm/filemap.c lock ordering comment";
        // the two comments do not name the buffer lock: that edge is a convention of the code (bit locks, no lockdep map)
        return new LockHierarchy(ID, "locks are taken in the declared hierarchy order (outer before inner)",
                "mm/rmap.c and mm/filemap.c lock ordering comments; folio lock before buffer lock by convention (bit locks, no"
                        + " lockdep map): mm/migrate.c buffer_migrate_lock_buffers, fs/buffer.c __block_write_full_folio", "the mm order")
                .order("i_rwsem", "mmap_lock", rmap)
                .order("mmap_lock", "invalidate_lock", rmap)
                .order("invalidate_lock", "folio_lock", rmap)
                .order("folio_lock", "i_mmap_rwsem", rmap)
                .order("i_mmap_rwsem", "anon_vma", rmap)
                .order("anon_vma", "ptl", rmap)
                .order("ptl", "swap_lock", rmap)
                // mm/rmap.c nests private_lock inside swap_lock, mm/filemap.c the reverse: no order is declared between them
                .order("ptl", "i_private_lock", rmap)
                .order("swap_lock", "i_pages", rmap + "; " + filemap)
                .order("i_private_lock", "i_pages", rmap)
                .order("i_pages", "lru_lock", rmap)
                .order("ptl", "i_lock", rmap)
                .order("ptl", "wb_list_lock", rmap)
                .order("wb_list_lock", "i_pages", filemap)
                .order("i_rwsem", "invalidate_lock", filemap)
                .order("invalidate_lock", "i_mmap_rwsem", filemap)
                .order("mmap_lock", "i_mmap_rwsem", filemap)
                .order("i_mmap_rwsem", "i_private_lock", filemap)
                .order("ptl", "i_pages", filemap)
                .order("ptl", "lru_lock", filemap)
                .order("folio_lock", "buffer_lock", "mm/migrate.c buffer_migrate_lock_buffers; fs/buffer.c __block_write_full_folio")
                .order("buffer_lock", "BH_Migrate", "mm/migrate.c __buffer_migrate_folio")
                .order("BH_Migrate", "i_private_lock", "mm/migrate.c __buffer_migrate_folio");
    }

    @Override public String id() { return id; }

    /** Only a blocking acquisition can break the order: {@link #check} looks at nothing else. */
    @Override public List<Class<? extends org.migcheck.model.lang.Event>> triggers() { return List.of(LockEvent.Acquired.class); }

    /** A model none of whose locks has a class the hierarchy names: {@link #check} passes every step. */
    @Override public boolean vacuous(org.migcheck.model.lang.Model model) {
        return model.locks().stream().noneMatch(l -> inner.containsKey(l.lockClass()));
    }

    @Override public String statement() { return statement; }

    @Override public String kernelRef() { return kernelRef; }

    /** Whether {@code outer} is (transitively) declared outside {@code innerClass}. */
    public boolean before(String outer, String innerClass) {
        return path(outer, innerClass) != null;
    }

    /** The chain of declared classes from {@code a} to {@code b}, or null. */
    List<String> path(String a, String b) {
        if (!inner.containsKey(a) || !inner.containsKey(b) || a.equals(b)) {
            return null;
        }
        Map<String, String> parent = new LinkedHashMap<>();
        List<String> queue = new ArrayList<>();
        queue.add(a);
        parent.put(a, null);
        for (int i = 0; i < queue.size(); i++) {
            String x = queue.get(i);
            for (String y : inner.get(x)) {
                if (!parent.containsKey(y)) {
                    parent.put(y, x);
                    if (y.equals(b)) {
                        List<String> out = new ArrayList<>();
                        for (String c = b; c != null; c = parent.get(c)) {
                            out.add(0, c);
                        }
                        return out;
                    }
                    queue.add(y);
                }
            }
        }
        return null;
    }

    @Override
    public Check check(StepView v) {
        for (LockEvent.Acquired a : v.events(LockEvent.Acquired.class)) {
            if (a.trylock()) {
                continue;
            }
            Lock taken = a.lock();
            if (!inner.containsKey(taken.lockClass())) {
                continue; // a class the hierarchy does not name is not constrained (path() is null for every held lock)
            }
            for (Lock held : Context.held(v.before(), v.thread())) {
                List<String> p = path(taken.lockClass(), held.lockClass());
                if (p != null) {
                    return Check.violated(v.threadName() + " takes " + taken.name() + " (" + taken.lockClass() + ") while holding "
                            + held.name() + " (" + held.lockClass() + "); " + orderName + " is " + String.join(" -> ", p)
                            + " (" + why.getOrDefault(p.get(0) + " -> " + p.get(1), "declared") + ")");
                }
            }
        }
        return Check.ok();
    }
}
