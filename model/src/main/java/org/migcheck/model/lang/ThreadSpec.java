package org.migcheck.model.lang;

/**
 * A thread of the model: its name, main procedure and where its program counter, call depth and
 * frames live in the state vector.
 */
public final class ThreadSpec {
    private final String name;
    private final int index;
    final Procedure main;
    int pcSlot;
    int depthSlot;
    int frameBase;
    int frameSize;
    int maxDepth;

    ThreadSpec(String name, int index, Procedure main) {
        this.name = name;
        this.index = index;
        this.main = main;
    }

    public String name() { return name; }
    public int index() { return index; }
    public Procedure main() { return main; }

    /** A daemon may run forever; see {@link Procedure#daemon()}. */
    public boolean daemon() { return main.isDaemon(); }

    /** Deepest call nesting of this thread (0 = main body only). */
    public int maxDepth() { return maxDepth; }

    @Override public String toString() { return name; }
}
