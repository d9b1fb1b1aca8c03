package org.migcheck.model.lang;

/** Lock events emitted by the lock primitives of {@link Steps}. */
public sealed interface LockEvent extends Event {

    Lock lock();

    /** {@code thread} took {@code lock}; {@code trylock} acquisitions cannot wait and so add no order edge. */
    record Acquired(Lock lock, int thread, boolean trylock) implements LockEvent {
        @Override public String describe() { return (trylock ? "trylock " : "lock ") + lock.name(); }
    }

    /** {@code thread} tried {@code lock} without waiting and failed: {@code holder} had it. Traces show the outcome. */
    record TrylockFailed(Lock lock, int thread, int holder) implements LockEvent {
        @Override public String describe() { return "trylock " + lock.name() + " failed"; }
    }

    /** {@code thread} released {@code lock}. */
    record Released(Lock lock, int thread) implements LockEvent {
        @Override public String describe() { return "unlock " + lock.name(); }
    }
}
