package org.migcheck.model.lang;

import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The primitive steps of the language: sleeping and spinning lock acquisition, trylock, unlock,
 * "wait until a flag clears", nondeterministic choice, assertions. The kernel vocabulary builds its
 * named procedures ({@code folio_lock}, {@code folio_wait_writeback}, ...) from these.
 */
public final class Steps {
    private Steps() {}

    /**
     * Blocking acquisition: enabled when {@code lock} is free, then takes it. A thread that already
     * holds it waits for itself (self-deadlock), as with the folio lock, which has no recursion.
     */
    public static Step lock(String function, Function<Exec, Lock> lock) {
        return lock(function, lock, e -> lock.apply(e).name());
    }

    /** As {@link #lock(String, Function)}, with the trace label's objects given by {@code args}. */
    public static Step lock(String function, Function<Exec, Lock> lock, Function<Exec, String> args) {
        SleepCache sleeps = new SleepCache(function);
        return Step.named(function)
                .args(args)
                .when(e -> e.holder(lock.apply(e)) < 0)
                .blockedBy(e -> new BlockReason.OnLock(lock.apply(e), e.holder(lock.apply(e)), e.self()))
                .does(e -> {
                    Lock l = lock.apply(e);
                    if (l.kind().sleeps()) {
                        e.emit(sleeps.on(l));
                    }
                    e.set(l.holderVar(), e.self() + 1);
                    e.emit(new LockEvent.Acquired(l, e.self(), false));
                })
                .lockOp(Step.LockOp.Role.ACQUIRE, lock, null)
                .build();
    }

    /**
     * The {@link Sleep} event of one lock step for the lock it last took: events are immutable, so a
     * step that takes the same lock again (the usual case) emits the same object instead of a new one.
     */
    private static final class SleepCache {
        private record Entry(Lock lock, Sleep sleep) {}

        private final String function;
        /** Replaced whole; a racing worker may make an equal entry, never a torn one. */
        private volatile Entry last;

        SleepCache(String function) { this.function = function; }

        Sleep on(Lock l) {
            Entry e = last;
            if (e == null || e.lock != l) {
                e = new Entry(l, new Sleep(function, l.name(),
                        l.lockClass().equals("folio_lock") ? Sleep.Kind.FOLIO_LOCK : Sleep.Kind.SLEEPING_LOCK));
                last = e;
            }
            return e.sleep;
        }
    }

    public static Step lock(String function, Lock lock) { return lock(function, e -> lock).onFixed(lock); }

    /** Non-blocking acquisition: stores 1 in {@code result} when it took the lock, 0 when it was held. */
    public static Step trylock(String function, Function<Exec, Lock> lock, Local result) {
        return trylock(function, lock, result, e -> lock.apply(e).name());
    }

    /** As {@link #trylock(String, Function, Local)}, with the trace label's objects given by {@code args}. */
    public static Step trylock(String function, Function<Exec, Lock> lock, Local result, Function<Exec, String> args) {
        return Step.named(function)
                .args(args)
                .does(e -> {
                    Lock l = lock.apply(e);
                    if (e.holder(l) < 0) {
                        e.set(l.holderVar(), e.self() + 1);
                        e.emit(new LockEvent.Acquired(l, e.self(), true));
                        e.setLocal(result, 1);
                    } else {
                        e.emit(new LockEvent.TrylockFailed(l, e.self(), e.holder(l)));
                        e.setLocal(result, 0);
                    }
                })
                .lockOp(Step.LockOp.Role.TRYLOCK, lock, result)
                .build();
    }

    /**
     * Release. Unlocking a free lock is a model error; releasing an owned lock (mutex, spinlock)
     * held by another thread is one too. Bit locks have no owner: any thread may unlock them.
     */
    public static Step unlock(String function, Function<Exec, Lock> lock) {
        return unlock(function, lock, e -> lock.apply(e).name());
    }

    /** As {@link #unlock(String, Function)}, with the trace label's objects given by {@code args}. */
    public static Step unlock(String function, Function<Exec, Lock> lock, Function<Exec, String> args) {
        return Step.named(function)
                .args(args)
                .provides("lock")
                .does(e -> {
                    Lock l = lock.apply(e);
                    int h = e.holder(l);
                    if (h < 0) {
                        throw new ModelError(l.name(), "unlock of " + l.name() + ", which is not held");
                    }
                    if (l.kind().owned() && h != e.self()) {
                        throw new ModelError(l.name(), "unlock of " + l.name() + ", which is held by " + e.threadName(h));
                    }
                    e.set(l.holderVar(), 0);
                    e.emit(new LockEvent.Released(l, e.self()));
                })
                .lockOp(Step.LockOp.Role.RELEASE, lock, null)
                .build();
    }

    public static Step unlock(String function, Lock lock) { return unlock(function, e -> lock).onFixed(lock); }

    /**
     * Sleeps until {@code flag} is clear (for example folio_wait_writeback: PG_writeback). The waiter
     * is woken by steps that declare {@code provides(resource)}.
     */
    public static Step waitClear(String function, Function<Exec, Var> flag, String flagName,
                                 Function<Exec, String> object, String resource, Sleep.Kind kind) {
        return Step.named(function)
                .args(object)
                .when(e -> e.get(flag.apply(e)) == 0)
                .blockedBy(e -> new BlockReason.OnFlag(flagName, object.apply(e), resource))
                .does(e -> e.emit(new Sleep(function, object.apply(e), kind)))
                .build();
    }

    /** Nondeterministic choice among {@code n} alternatives, stored in {@code into}. */
    public static Step choose(String function, Local into, int n, IntFunction<String> name) {
        return Step.named(function)
                .choice(n, name)
                .does(e -> e.setLocal(into, e.choice()))
                .build();
    }

    /** Assertion: the step fails with rule {@code ruleId} when {@code holds} is false. */
    public static Step assertion(String ruleId, String statement, Predicate<Exec> holds) {
        ModelViolation.requireRuleId("an assertion", ruleId, statement);
        return Step.named("assert")
                .args(statement)
                .does(e -> {
                    if (!holds.test(e)) {
                        throw new ModelViolation(ruleId, "assertion failed: " + statement);
                    }
                })
                .build();
    }
}
