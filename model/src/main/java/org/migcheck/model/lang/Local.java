package org.migcheck.model.lang;

/**
 * A thread-local variable of one procedure (a parameter or a local). It lives in the procedure's
 * frame, which is part of the global state, so states stay exactly comparable. Reading a local
 * from code of another procedure is a model error.
 */
public final class Local {
    private final Procedure owner;
    private final int index;
    private final String name;
    private final int min;
    private final int max;
    private boolean objectRef;
    /** Set for the pass counter of a {@link Body#retry} loop: its largest value is the bound's (possibly raised) limit. */
    Bound bound;

    Local(Procedure owner, int index, String name, int min, int max) {
        this.owner = owner;
        this.index = index;
        this.name = name;
        this.min = min;
        this.max = max;
    }

    public Procedure owner() { return owner; }
    int index() { return index; }
    public String name() { return name; }
    public int min() { return min; }
    public int max() { return max; }

    /**
     * Declares that this local holds the id of a kernel object (a folio id), so that symmetry
     * reduction renames it when it permutes interchangeable objects. The vocabulary marks every local
     * it turns into an object reference ({@code Mm.at}).
     */
    public Local markObjectRef() { objectRef = true; return this; }

    /** Whether this local holds an object id (see {@link #markObjectRef()}). */
    public boolean objectRef() { return objectRef; }

    @Override public String toString() { return owner.name() + "." + name; }
}
