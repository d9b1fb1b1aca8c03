package org.migcheck.model.lang;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * One atomic kernel-level action of a thread. A step names the kernel function it stands for (what
 * traces print), may have a guard (a thread whose next step's guard is false is blocked, for the
 * typed {@link BlockReason} the step gives), an effect on the state, and several alternatives
 * (nondeterministic choice: each alternative is a separate transition).
 */
public final class Step {
    /** The most alternatives a step may have: a transition's label keeps the alternative in 24 bits. */
    public static final int MAX_ALTERNATIVES = 1 << 24;

    private final String function;
    private final Function<Exec, String> args;
    private final Predicate<Exec> guard;
    private final Function<Exec, BlockReason> blocked;
    private final Consumer<Exec> effect;
    private final int alternatives;
    private final IntFunction<String> alternativeName;
    private final boolean idle;
    private final Set<String> provides;
    /** What the step does to a lock, when it is a lock primitive of {@link Steps}: the mutation analysis pairs them. */
    private final LockOp lockOp;

    /** The lock primitive a step is: acquire (sleeping or spinning), trylock (result in a local), release. */
    record LockOp(Role role, Function<Exec, Lock> lock, Local result, Lock fixed) {
        enum Role { ACQUIRE, TRYLOCK, RELEASE }
    }

    private Step(Builder b) {
        this.function = b.function;
        this.args = b.args;
        this.guard = b.guard;
        this.blocked = b.blocked;
        this.effect = b.effect;
        this.alternatives = b.alternatives;
        this.alternativeName = b.alternativeName;
        this.idle = b.idle;
        this.provides = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.provides));
        this.lockOp = b.lockOp;
    }

    private Step(Step base, String function, Predicate<Exec> guard, Function<Exec, BlockReason> blocked, Consumer<Exec> effect) {
        this(base, function, guard, blocked, effect, null);
    }

    private Step withLockOp(LockOp op) {
        return new Step(this, function, guard, blocked, effect, op);
    }

    private Step(Step base, String function, Predicate<Exec> guard, Function<Exec, BlockReason> blocked, Consumer<Exec> effect,
                 LockOp op) {
        this.function = function;
        this.args = base.args;
        this.guard = guard;
        this.blocked = blocked;
        this.effect = effect;
        this.alternatives = base.alternatives;
        this.alternativeName = base.alternativeName;
        this.idle = base.idle;
        this.provides = base.provides;
        this.lockOp = op;
    }

    /** A mutant of this step: same name (marked), objects and alternatives; the given guard and effect. */
    Step mutant(String mark, boolean keepGuard, Consumer<Exec> effect) {
        return new Step(this, function + "[" + mark + "]", keepGuard ? guard : null, keepGuard ? blocked : null, effect);
    }

    LockOp lockOp() { return lockOp; }

    /** This lock primitive, known to act on the fixed lock {@code l} (checked against the model at build time). */
    Step onFixed(Lock l) {
        return withLockOp(new LockOp(lockOp.role(), lockOp.lock(), lockOp.result(), l));
    }

    private Step(Step base, String function) {
        this.function = function;
        this.args = base.args;
        this.guard = null;
        this.blocked = null;
        this.effect = base.effect;
        this.alternatives = base.alternatives;
        this.alternativeName = base.alternativeName;
        this.idle = base.idle;
        this.provides = base.provides;
        this.lockOp = null;
    }

    /**
     * Whether the step touches no shared state at all: no guard, no effect (so no writes and no
     * events), one alternative, not an idle point, provides nothing. Only its trace label may read
     * shared state. Partial-order reduction treats such a step as invisible and independent.
     */
    public boolean inert() {
        return guard == null && effect == null && alternatives == 1 && !idle && provides.isEmpty();
    }

    /** Whether the step can block (it has a guard): a lock acquisition or a wait. */
    public boolean blocking() { return guard != null; }

    /**
     * A mutant of this step that never waits: the guard is dropped, the effect kept (a lock is taken
     * even when held, a wait returns at once). Used by mutation analysis.
     */
    public Step withoutWait() { return new Step(this, function + "[no wait]"); }

    /**
     * {@link #withoutWait()} that also records in {@code waitSkipped} whether it ever ran where this step
     * would have waited (its guard false in the state it ran from): the effect evaluates the guard
     * first, before it writes anything, so the guard sees the state the step runs from.
     */
    Step withoutWait(java.util.concurrent.atomic.AtomicBoolean waitSkipped) {
        Predicate<Exec> g = guard;
        Consumer<Exec> eff = effect;
        return new Step(this, function + "[no wait]", null, null, e -> {
            if (!g.test(e)) {
                waitSkipped.set(true);
            }
            if (eff != null) {
                eff.accept(e);
            }
        });
    }

    /** Starts a step that stands for the kernel function {@code kernelFunction}. */
    public static Builder named(String kernelFunction) { return new Builder(kernelFunction); }

    public String function() { return function; }
    public int alternatives() { return alternatives; }

    /** A daemon resting blocked at this step is a valid end state, not a deadlock. */
    public boolean idle() { return idle; }

    /** Resource classes this step may provide to waiters (e.g. "PG_writeback" for folio_end_writeback). */
    public Set<String> provides() { return provides; }

    boolean enabled(Exec e) { return guard == null || guard.test(e); }

    BlockReason blockReason(Exec e) {
        if (blocked != null) {
            BlockReason why = blocked.apply(e);
            if (why != null) {
                return why;
            }
            // the model's blockedBy gave no reason: still a wait, described by the guard it is
            return new BlockReason.OnCondition("the guard of " + function + " to hold (its blockedBy gave no reason)", null);
        }
        return new BlockReason.OnCondition("the guard of " + function + " to hold", null);
    }

    void run(Exec e) {
        if (effect != null) {
            effect.accept(e);
        }
    }

    /** The trace label: kernel function, objects, and the chosen alternative. */
    String label(Exec e, int alternative) {
        // the model's text, one line (a review: a newline in it printed a forged row of the trace)
        String a = args == null ? "" : UserCode.oneLine(String.valueOf(args.apply(e)));
        String base = function + "(" + a + ")";
        if (alternatives > 1) {
            return base + " -> " + UserCode.oneLine(String.valueOf(alternativeName.apply(alternative)));
        }
        return base;
    }

    /** Builder; see {@link Step}. */
    public static final class Builder {
        private final String function;
        private Function<Exec, String> args;
        private Predicate<Exec> guard;
        private Function<Exec, BlockReason> blocked;
        private Consumer<Exec> effect;
        private int alternatives = 1;
        private IntFunction<String> alternativeName = Integer::toString;
        private boolean idle;
        private final Set<String> provides = new LinkedHashSet<>();
        private LockOp lockOp;

        private Builder(String function) {
            // the name a trace prints: blank, or a newline that splits a report's row, is the model author's slip
            Model.checkName("step", function);
            this.function = function;
        }

        /** The objects the step acts on, as printed inside the parentheses of the trace label. */
        public Builder args(Function<Exec, String> args) {
            if (args == null) {
                throw new ModelError(function, "step " + function + " has null args (leave args out for none)");
            }
            this.args = args;
            return this;
        }

        /** Fixed objects. */
        public Builder args(String args) {
            if (args == null) {
                throw new ModelError(function, "step " + function + " has null args (leave args out for none)");
            }
            if (args.chars().anyMatch(c -> Character.isISOControl(c))) {
                throw new ModelError(function, "args of step " + function + " contain a control character");
            }
            this.args = e -> args;
            return this;
        }

        /** The step is enabled only when {@code guard} holds. */
        public Builder when(Predicate<Exec> guard) { this.guard = guard; return this; }

        /** Why the thread is blocked when the guard is false. */
        public Builder blockedBy(Function<Exec, BlockReason> reason) { this.blocked = reason; return this; }

        public Builder does(Consumer<Exec> effect) { this.effect = effect; return this; }

        /**
         * Makes the step a nondeterministic choice of {@code n} alternatives; the effect reads
         * {@link Exec#choice()}.
         */
        public Builder choice(int n, IntFunction<String> name) {
            if (n < 1) {
                throw new ModelError(function, "step " + function + " needs at least one alternative, got " + n);
            }
            if (n > MAX_ALTERNATIVES) {
                throw new ModelError(function, "step " + function + " has " + n + " alternatives; a transition's label holds at most " + MAX_ALTERNATIVES);
            }
            if (name == null) {
                throw new ModelError(function, "step " + function + " has no names for its alternatives (null): a trace names the one taken");
            }
            this.alternatives = n;
            this.alternativeName = name;
            return this;
        }

        /** Declares this step an idle point: a daemon blocked here at the end is not deadlocked. */
        public Builder idle() { this.idle = true; return this; }

        /** Declares that this step can provide {@code resource} to threads waiting for it. */
        public Builder provides(String resource) {
            if (resource == null) {
                throw new ModelError(function, "step " + function + " provides a resource without a name (null)");
            }
            this.provides.add(resource);
            return this;
        }

        Builder lockOp(LockOp.Role role, Function<Exec, Lock> lock, Local result) {
            this.lockOp = new LockOp(role, lock, result, null);
            return this;
        }

        public Step build() { return new Step(this); }
    }

    @Override public String toString() { return function; }
}
