package org.migcheck.checker.engine;

/**
 * A limit of a visited set's own indexing (more than 2^31 states or tree nodes, a full table), reached before the
 * heap ran out. An {@link OutOfMemoryError}, so that every search stops on it as on the heap (INCOMPLETE, never a
 * verdict), but reported as what it is: {@link #limitText}.
 */
public final class StoreFull extends OutOfMemoryError {
    private static final long serialVersionUID = 1L;

    public StoreFull(String what) {
        super(what);
    }

    /** The budget-like limit a search reports for {@code oom}: this store's limit, or the heap's. */
    public static String limitText(OutOfMemoryError oom) {
        return oom instanceof StoreFull full ? "the visited set's capacity (" + full.getMessage() + "), not the heap"
                : "the JVM's heap limit (out of memory)";
    }
}
