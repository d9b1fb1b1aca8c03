package org.migcheck.model.lang;

/**
 * A lock instance. Its holder is a shared variable (0 = free, t+1 = held by thread t), so it is part
 * of the state and of every trace.
 *
 * <p>The lock class groups instances for lock-order rules the way lockdep does: every folio lock has
 * class {@code folio_lock}, every i_pages lock class {@code i_pages}.
 */
public final class Lock {

    /** The kinds of lock the kernel uses in the modelled paths. */
    public enum Kind {
        /** mutex / rw_semaphore taken exclusively: sleeps, only the owner may release it. */
        MUTEX(true, true),
        /** spinlock: never sleeps, makes the holder's context atomic, only the owner releases it. */
        SPINLOCK(false, true),
        /**
         * A bit lock such as PG_locked or BH_Lock: sleeps, has no owner in the kernel (read I/O
         * completion unlocks a folio that readahead locked), no recursion.
         */
        BIT(true, false);

        private final boolean sleeps;
        private final boolean owned;

        Kind(boolean sleeps, boolean owned) {
            this.sleeps = sleeps;
            this.owned = owned;
        }

        /** Waiting for it sleeps (as opposed to spinning). */
        public boolean sleeps() { return sleeps; }

        /** Only the acquiring thread may release it, and a thread must not exit holding it. */
        public boolean owned() { return owned; }
    }

    private final String name;
    private final String lockClass;
    private final Kind kind;
    private final Var holder;

    Lock(String name, String lockClass, Kind kind, Var holder) {
        this.name = name;
        this.lockClass = lockClass;
        this.kind = kind;
        this.holder = holder;
    }

    public String name() { return name; }
    public String lockClass() { return lockClass; }
    public Kind kind() { return kind; }
    public Var holderVar() { return holder; }

    @Override public String toString() { return name; }
}
