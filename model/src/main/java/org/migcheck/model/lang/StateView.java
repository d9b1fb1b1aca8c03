package org.migcheck.model.lang;

/** Read access to one state of a model, as rules, goals and guards see it. */
public interface StateView {
    /** The value of a shared variable. */
    int get(Var v);

    default boolean isSet(Var flag) { return get(flag) != 0; }

    /** The model this state belongs to. */
    Model model();

    /** Whether thread {@code t} has run to completion. */
    boolean finished(int t);

    /**
     * The thread holding {@code lock}, or -1 when it is free. For bit locks (folio lock, buffer
     * lock) this is the thread that last took it, which the kernel does not track but traces show.
     */
    default int holder(Lock lock) { return get(lock.holderVar()) - 1; }
}
