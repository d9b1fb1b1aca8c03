package org.migcheck.model.lang;

/**
 * A declared bound of a retry loop: how many passes the model lets the loop make. A {@link Kind#MODEL
 * model} bound is a simplification (the kernel loops longer or until something changes), so a
 * verdict that depends on it is not a kernel fact: every state in which such a loop wanted another
 * pass but hit the bound is recorded, the HOLDS report lists the bound, and {@code --bounds +K}
 * re-checks with it raised. A {@link Kind#KERNEL kernel} bound is the kernel's own retry constant
 * (cited by its source); reaching it is kernel behaviour and is not reported.
 *
 * <p>Bounds are declared on a {@link Model.Builder} and used by {@link Body#retry}.
 */
public final class Bound {
    /** Whose limit it is. */
    public enum Kind {
        /** A simplification of the model: reported when reached. */
        MODEL,
        /** The kernel's own limit (a named constant): reaching it is faithful, not reported. */
        KERNEL
    }

    private final String name;
    private final int limit;
    private final Kind kind;
    private final String source;
    private final int kernelLimit;
    final int index;
    final Model.Builder origin;

    Bound(Model.Builder origin, int index, String name, int limit, Kind kind, String source, int kernelLimit) {
        this.origin = origin;
        this.kernelLimit = kernelLimit;
        this.index = index;
        this.name = name;
        this.limit = limit;
        this.kind = kind;
        this.source = source;
    }

    /** What is bounded, e.g. "try_charge_memcg reclaim passes". */
    public String name() { return name; }

    /** The declared number of passes (at least 1). */
    public int limit() { return limit; }

    public Kind kind() { return kind; }

    /** For a model bound, the simplification it makes; for a kernel bound, the constant's source. */
    public String source() { return source; }

    /**
     * For a model bound: the limit at which the loop runs as far as the kernel's own (a raised bound at
     * least this high is never reached where the kernel would go on), or 0 when the kernel's loop has no
     * such count (it runs until something changes).
     */
    public int kernelLimit() { return kernelLimit; }

    /** Position among the model's bounds (see {@link Model#bounds()}). */
    public int index() { return index; }

    @Override public String toString() { return name; }
}
