package org.migcheck.model.lang;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * A finite model: shared variables with finite domains, locks, threads made of structured code,
 * named reachability goals, and the kernel objects (folios, mappings, ...) registered by the
 * vocabulary so that rules can find them.
 *
 * <p>The state vector is {@code [shared variables | thread 0: pc, depth, frames | thread 1: ...]}.
 * A frame is {@code [return pc, locals...]}; unused frames are all zero, so equal configurations
 * have equal vectors.
 */
public final class Model {
    private final String name;
    private final List<Var> vars;
    private final List<Lock> locks;
    private final List<ThreadSpec> threads;
    private final Insn[] code;
    private final Map<String, Predicate<StateView>> goals;
    private final List<Object> objects;
    /** {@link #objects(Class)} answers so far: type, list, type, list, ... (published whole, read without a lock). */
    private volatile Object[] objectsByType = new Object[0];
    private final int stateSize;
    private final int[] slotMin;
    private final int[] slotMax;
    private final List<SymmetricSet> symmetric;

    /**
     * One member of a set of interchangeable parts of a model: its threads, the kernel objects it owns
     * (by name: every variable named {@code <name>.x} or {@code x(<name>)} belongs to the member), and
     * the object ids (folio ids) that locals use to refer to those objects.
     */
    public record SymmetricMember(List<String> threads, List<String> objects, List<Integer> ids) {
        public SymmetricMember {
            if (nullIn(threads) || nullIn(objects) || nullIn(ids)) {
                throw new ModelError("symmetric", "a symmetric member's threads, objects and ids are lists without nulls (List.of() for none): "
                        + threads + ", " + objects + ", " + ids);
            }
            threads = List.copyOf(threads);
            objects = List.copyOf(objects);
            ids = List.copyOf(ids);
        }

        private static boolean nullIn(List<?> list) {
            return list == null || list.stream().anyMatch(java.util.Objects::isNull);
        }
    }

    /** A declared set of interchangeable members (see {@link Builder#symmetric}). */
    public record SymmetricSet(String name, List<SymmetricMember> members) {
        public SymmetricSet {
            members = List.copyOf(members);
        }
    }
    /** The builder this model was built from: variables and procedures of other builders are foreign. */
    final Builder origin;
    private final List<Bound> bounds;
    /** Effective limit of each bound (declared, or raised by {@link #withBoundsRaised}). */
    private final int[] limits;
    /** Per thread: the procedures it can run (for re-deriving slot domains when limits change). */
    private final List<Set<Procedure>> reach;

    private Model(Builder b, Insn[] code, int stateSize, int[] slotMin, int[] slotMax) {
        this.origin = b;
        this.bounds = List.copyOf(b.bounds);
        this.limits = new int[b.bounds.size()];
        for (Bound x : b.bounds) {
            limits[x.index] = x.limit();
        }
        this.reach = List.copyOf(b.reach);
        this.name = b.name;
        this.vars = List.copyOf(b.vars);
        this.locks = List.copyOf(b.locks);
        this.threads = List.copyOf(b.threads);
        this.code = code;
        this.goals = Collections.unmodifiableMap(new LinkedHashMap<>(b.goals));
        this.objects = List.copyOf(b.objects);
        this.stateSize = stateSize;
        this.slotMin = slotMin;
        this.slotMax = slotMax;
        this.symmetric = List.copyOf(b.symmetric);
    }

    private Model(Model base, String name, Insn[] code) {
        this(base, name, code, base.limits, base.slotMax);
    }

    private Model(Model base, String name, Insn[] code, int[] limits, int[] slotMax) {
        this(base, name, code, limits, base.stateSize, base.slotMin, slotMax);
    }

    private Model(Model base, String name, Insn[] code, int[] limits, int stateSize, int[] slotMin, int[] slotMax) {
        this.origin = base.origin;
        this.bounds = base.bounds;
        this.limits = limits;
        this.reach = base.reach;
        this.name = name;
        this.vars = base.vars;
        this.locks = base.locks;
        this.threads = base.threads;
        this.code = code;
        this.goals = base.goals;
        this.objects = base.objects;
        this.stateSize = stateSize;
        this.slotMin = slotMin;
        this.slotMax = slotMax;
        this.symmetric = base.symmetric;
    }

    public static Builder builder(String name) {
        checkName("model", name);
        return new Builder(name);
    }

    /**
     * A name of the model or of an element: not null, not blank, no control characters (a newline or a
     * tab would split a report's line, and reports, replay tokens and rule ids are read by people and tools).
     */
    static void checkName(String kind, String name) {
        if (name == null || name.isBlank()) {
            throw new ModelError(kind, "a " + kind + " needs a name, not " + (name == null ? "null" : "'" + name + "'"));
        }
        // a line or paragraph separator (U+2028, U+2029) splits a report's line as a newline does
        if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || UserCode.unshowable(c)
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR)) {
            // a lone surrogate or a noncharacter (U+FFFF) prints as '?' and makes a JUnit report one no XML parser reads
            throw new ModelError(kind, kind + " name '" + UserCode.visible(name) + "' contains a control character or one a report cannot show");
        }
    }

    /** Program counters of the blocking steps (lock acquisitions and waits): the mutation points. */
    public List<Integer> blockingSteps() {
        List<Integer> out = new ArrayList<>();
        for (int pc = 0; pc < code.length; pc++) {
            if (code[pc].kind == Insn.Kind.STEP && code[pc].step.blocking()) {
                out.add(pc);
            }
        }
        return out;
    }

    /** "procedure: kernel_function" of the step at {@code pc}. */
    public String stepAt(int pc) {
        Insn i = code[pc];
        return i.proc.name() + ": " + (i.kind == Insn.Kind.STEP ? i.step.function() : "if " + i.cond.function);
    }

    /**
     * The mutant of this model in which the blocking step at {@code pc} never waits (see
     * {@link Step#withoutWait()}). Everything else is shared with this model.
     */
    public Model withoutWait(int pc) {
        return withoutWait(pc, null);
    }

    /** {@link #withoutWait(int)}; when {@code waitSkipped} is given, it records whether the wait ever mattered. */
    private Model withoutWait(int pc, java.util.concurrent.atomic.AtomicBoolean waitSkipped) {
        if (pc < 0 || pc >= code.length || code[pc].kind != Insn.Kind.STEP || !code[pc].step.blocking()) {
            throw new ModelError(name, "model " + name + " has no blocking step at " + pc);
        }
        Insn[] copy = code.clone();
        Insn m = new Insn(Insn.Kind.STEP, code[pc].proc);
        m.step = waitSkipped == null ? code[pc].step.withoutWait() : code[pc].step.withoutWait(waitSkipped);
        copy[pc] = m;
        return new Model(this, name + " without wait at " + stepAt(pc), copy);
    }

    /**
     * A mutant for mutation analysis (README: Bounds, Mutation analysis).
     *
     * @param id       stable name: kind, "procedure: function" and, for a repeated name, "#n" in code order
     * @param kind     what was removed or changed
     * @param pc       the (first) instruction changed
     * @param model    the mutated model
     * @param differs  after checking {@code model}: whether the change ever made a difference (a forced test
     *                 whose real outcome always equalled the forced one never did, nor a removed wait that never
     *                 ran where it would have waited); true for other kinds
     */
    public record Mutant(String id, MutantKind kind, int pc, Model model, java.util.function.BooleanSupplier differs) {}

    /** The kinds of mutant. */
    public enum MutantKind {
        /** A lock acquisition or wait no longer waits (its effect stays). */
        NO_WAIT("no-wait"),
        /** A lock acquisition (or trylock) and its matching releases are removed: the thread runs unlocked. */
        NO_LOCK("no-lock"),
        /** A test of shared state always takes its true branch. */
        TEST_TRUE("test-true"),
        /** A test of shared state always takes its false branch. */
        TEST_FALSE("test-false"),
        /** A step moved out of a critical section, or before the wait that precedes it (adjacent steps swapped). */
        SWAP("swap");

        private final String word;

        MutantKind(String word) { this.word = word; }

        public String word() { return word; }
    }

    /**
     * Every mutant of this model, in code order: for each blocking step its no-wait mutant; for each
     * lock acquisition and trylock of {@link Steps} its no-lock mutant (the acquisition takes nothing and
     * a trylock succeeds; a later release of that lock by the same thread, or of a free bit lock by
     * anyone, is skipped, tracked in hidden per-lock, per-thread slots); for each shared test both
     * forced outcomes; for each pair of adjacent steps that moves a step out of a critical section or
     * before a wait (see {@link #protocolPair}; the second is no jump target, so the pair always runs
     * together) the swapped order.
     */
    public List<Mutant> mutants() {
        List<Mutant> out = new ArrayList<>();
        Set<Integer> targets = jumpTargets();
        for (int pc = 0; pc < code.length; pc++) {
            Insn i = code[pc];
            if (i.kind == Insn.Kind.STEP && i.step.blocking()) {
                // Equivalence: the mutant differs from this model only in that the step may run where its guard
                // is false. If, in the mutant's exhaustive search, it never does, every transition the mutant
                // took is one of this model's (same guard outcome, same effect), and every transition of this
                // model is one of the mutant's (dropping a guard only enables more), so by induction from the
                // shared initial state both reach the same states by the same transitions: the mutant is
                // this model, as for a forced test whose real outcome always equalled the forced one.
                java.util.concurrent.atomic.AtomicBoolean waitSkipped = new java.util.concurrent.atomic.AtomicBoolean();
                out.add(new Mutant(MutantKind.NO_WAIT.word() + " " + stepAt(pc), MutantKind.NO_WAIT, pc, withoutWait(pc, waitSkipped),
                        waitSkipped::get));
            }
            if (i.kind == Insn.Kind.STEP && i.step.lockOp() != null && i.step.lockOp().role() != Step.LockOp.Role.RELEASE) {
                out.add(new Mutant(MutantKind.NO_LOCK.word() + " " + stepAt(pc), MutantKind.NO_LOCK, pc, withoutLock(pc), () -> true));
            }
            if (i.kind == Insn.Kind.BRANCH) {
                for (boolean outcome : new boolean[] {true, false}) {
                    java.util.concurrent.atomic.AtomicBoolean differs = new java.util.concurrent.atomic.AtomicBoolean();
                    MutantKind k = outcome ? MutantKind.TEST_TRUE : MutantKind.TEST_FALSE;
                    out.add(new Mutant(k.word() + " " + stepAt(pc), k, pc, withForcedTest(pc, outcome, differs), differs::get));
                }
            }
            if (i.kind == Insn.Kind.STEP && pc + 1 < code.length && code[pc + 1].kind == Insn.Kind.STEP
                    && code[pc + 1].proc == i.proc && !targets.contains(pc + 1) && protocolPair(i.step, code[pc + 1].step)) {
                Insn[] copy = code.clone();
                copy[pc] = stepInsn(i.proc, code[pc + 1].step);
                copy[pc + 1] = stepInsn(i.proc, i.step);
                String id = MutantKind.SWAP.word() + " " + stepAt(pc) + " <> " + code[pc + 1].step.function();
                out.add(new Mutant(id, MutantKind.SWAP, pc, new Model(this, name + " " + id, copy), () -> true));
            }
        }
        // a repeated id gets "#n" (its occurrence in code order), so declarations stay unambiguous
        Map<String, Integer> total = new LinkedHashMap<>();
        out.forEach(m -> total.merge(m.id(), 1, Integer::sum));
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<Mutant> named = new ArrayList<>();
        for (Mutant m : out) {
            if (total.get(m.id()) > 1) {
                int n = seen.merge(m.id(), 1, Integer::sum);
                named.add(new Mutant(m.id() + " #" + n, m.kind(), m.pc(), m.model(), m.differs()));
            } else {
                named.add(m);
            }
        }
        return named;
    }

    /**
     * Swaps that move a step out of the protection of a lock or a wait: (acquire or wait, X) becomes
     * (X, acquire or wait), and (X, release) becomes (release, X), for X no lock operation. Moving a
     * step into a critical section only makes it more conservative, so those swaps are not made.
     */
    private static boolean protocolPair(Step a, Step b) {
        boolean aEnters = a.blocking() || (a.lockOp() != null && a.lockOp().role() != Step.LockOp.Role.RELEASE);
        boolean bReleases = b.lockOp() != null && b.lockOp().role() == Step.LockOp.Role.RELEASE;
        return (aEnters && b.lockOp() == null) || (bReleases && a.lockOp() == null && !a.blocking());
    }

    private static Insn stepInsn(Procedure p, Step s) {
        Insn i = new Insn(Insn.Kind.STEP, p);
        i.step = s;
        return i;
    }

    /** Instructions control can reach other than by falling through: jump targets, procedure entries, return points. */
    private Set<Integer> jumpTargets() {
        Set<Integer> out = new HashSet<>();
        for (int pc = 0; pc < code.length; pc++) {
            Insn i = code[pc];
            if (i.kind == Insn.Kind.JUMP || i.kind == Insn.Kind.LBRANCH || i.kind == Insn.Kind.BRANCH) {
                out.add(i.target);
            }
            if (i.kind == Insn.Kind.CALL) {
                out.add(i.callee.entry);
                out.add(pc + 1);
            }
        }
        for (ThreadSpec t : threads) {
            out.add(t.main.entry);
        }
        return out;
    }

    /** The mutant whose shared test at {@code pc} always gives {@code outcome}; {@code differs} records a real difference. */
    private Model withForcedTest(int pc, boolean outcome, java.util.concurrent.atomic.AtomicBoolean differs) {
        Insn orig = code[pc];
        Insn[] copy = code.clone();
        Insn m = new Insn(Insn.Kind.BRANCH, orig.proc);
        m.target = orig.target;
        Predicate<Exec> real = orig.cond.test;
        m.cond = orig.cond.forced(outcome, e -> {
            if (real.test(e) != outcome) {
                differs.set(true);
            }
            return outcome;
        });
        copy[pc] = m;
        return new Model(this, name + " with " + stepAt(pc) + " forced " + outcome, copy);
    }

    /**
     * The mutant without the lock acquisition (or trylock) at {@code pc} and its matching releases;
     * see {@link #mutants()}.
     */
    public Model withoutLock(int pc) {
        Step.LockOp op = pc >= 0 && pc < code.length && code[pc].kind == Insn.Kind.STEP ? code[pc].step.lockOp() : null;
        if (op == null || op.role() == Step.LockOp.Role.RELEASE) {
            throw new ModelError(name, "model " + name + " has no lock acquisition at " + pc);
        }
        int nThreads = threads.size();
        Map<Lock, Var[]> ghost = new LinkedHashMap<>();
        int slot = stateSize;
        for (Lock l : locks) {
            Var[] perThread = new Var[nThreads];
            for (int t = 0; t < nThreads; t++) {
                perThread[t] = new Var(origin, slot++, l.name() + ".skipped-by-" + threads.get(t).name(), 0, 1, 0, Integer::toString, false);
            }
            ghost.put(l, perThread);
        }
        int[] min = java.util.Arrays.copyOf(slotMin, slot);
        int[] max = java.util.Arrays.copyOf(slotMax, slot);
        for (int i = stateSize; i < slot; i++) {
            max[i] = 1;
        }
        Insn[] copy = code.clone();
        Step acquire = code[pc].step;
        Local result = op.result();
        copy[pc] = stepInsn(code[pc].proc, acquire.mutant("removed", false, e -> {
            Lock l = op.lock().apply(e);
            e.set(ghostOf(ghost, l, e.self()), 1);
            if (result != null) {
                e.setLocal(result, 1);
            }
        }));
        for (int i = 0; i < code.length; i++) {
            Step.LockOp r = code[i].kind == Insn.Kind.STEP ? code[i].step.lockOp() : null;
            if (r == null || r.role() != Step.LockOp.Role.RELEASE) {
                continue;
            }
            Step release = code[i].step;
            copy[i] = stepInsn(code[i].proc, release.mutant("unless removed", false, e -> {
                Lock l = r.lock().apply(e);
                Var[] g = ghost.get(l);
                int self = e.self();
                if (e.holder(l) != self && e.get(g[self]) == 1) {
                    e.set(g[self], 0); // the release matching the removed acquisition
                    return;
                }
                if (!l.kind().owned() && e.holder(l) < 0) {
                    for (Var other : g) {
                        if (e.get(other) == 1) {
                            e.set(other, 0); // a bit lock released for its (removed) taker, e.g. by I/O completion
                            return;
                        }
                    }
                }
                release.run(e);
            }));
        }
        return new Model(this, name + " without lock " + stepAt(pc), copy, limits, slot, min, max);
    }

    private static Var ghostOf(Map<Lock, Var[]> ghost, Lock l, int thread) {
        Var[] g = ghost.get(l);
        if (g == null) {
            throw new ModelError(l.name(), "lock " + l.name() + " is not declared in this model");
        }
        return g[thread];
    }

    /** The declared bounds of retry loops, in declaration order. */
    public List<Bound> bounds() { return bounds; }

    /**
     * Whether a loop that ends at {@code b} is reported: a model bound below the kernel's own limit. At or
     * above a declared {@link Bound#kernelLimit()} the kernel's loop ends there too, so reaching it is kernel
     * behaviour, like a {@link Bound.Kind#KERNEL kernel} bound.
     */
    public boolean reportsSaturation(Bound b) {
        return b.kind() == Bound.Kind.MODEL && (b.kernelLimit() == 0 || limit(b) < b.kernelLimit());
    }

    /** The limit of {@code b} in this model: declared, or raised by {@link #withBoundsRaised}. */
    public int limit(Bound b) {
        if (b.origin != origin) {
            throw foreign("bound " + b.name(), b.origin.name(), name);
        }
        return limits[b.index];
    }

    /**
     * This model with each bound of {@code raise} allowed {@code k} more passes; code, rules and
     * objects are shared, only the pass counters' domains grow.
     */
    public Model withBoundsRaised(java.util.Collection<Bound> raise, int k) {
        if (k < 0) {
            throw new ModelError(name, "bounds can only be raised, not by " + k);
        }
        int[] lim = limits.clone();
        for (Bound b : raise) {
            lim[indexOf(b)] += k;
        }
        int[] max = slotMax.clone();
        for (int ti = 0; ti < threads.size(); ti++) {
            ThreadSpec t = threads.get(ti);
            for (Procedure p : reach.get(ti)) {
                for (Local l : p.locals()) {
                    if (l.bound == null) {
                        continue;
                    }
                    for (int d = 0; d <= t.maxDepth; d++) {
                        int slot = t.frameBase + d * t.frameSize + 1 + l.index();
                        max[slot] = Math.max(max[slot], lim[l.bound.index]);
                    }
                }
            }
        }
        return new Model(this, name, code, lim, max);
    }

    private int indexOf(Bound b) {
        limit(b);
        return b.index;
    }

    public String name() { return name; }
    public List<Var> vars() { return vars; }
    public List<Lock> locks() { return locks; }
    public List<ThreadSpec> threads() { return threads; }
    public ThreadSpec thread(int t) { return threads.get(t); }
    public int threadCount() { return threads.size(); }
    public Map<String, Predicate<StateView>> goals() { return goals; }
    public int stateSize() { return stateSize; }

    /** The declared sets of interchangeable members (empty when the model declares none). */
    public List<SymmetricSet> symmetricSets() { return symmetric; }

    /** Smallest value of each state slot (for packing). */
    public int[] slotMin() { return slotMin.clone(); }

    /** Largest value of each state slot (for packing). */
    public int[] slotMax() { return slotMax.clone(); }

    Insn[] code() { return code; }

    /** Kernel objects of type {@code type} registered by the vocabulary, in registration order. */
    public <T> List<T> objects(Class<T> type) {
        // rules ask on every transition: the answer (immutable, like the object list) is kept per type
        Object[] known = objectsByType; // pairs (type, list), replaced as a whole when a type is added
        for (int i = 0; i < known.length; i += 2) {
            if (known[i] == type) {
                @SuppressWarnings("unchecked")
                List<T> cached = (List<T>) known[i + 1];
                return cached;
            }
        }
        List<T> out = new ArrayList<>();
        for (Object o : objects) {
            if (type.isInstance(o)) {
                out.add(type.cast(o));
            }
        }
        List<T> frozen = List.copyOf(out);
        Object[] more = java.util.Arrays.copyOf(known, known.length + 2);
        more[known.length] = type;
        more[known.length + 1] = frozen;
        objectsByType = more; // a racing thread may drop another's entry: it is recomputed, equal, next time
        return frozen;
    }

    /** Thread index by name, or -1. */
    public int threadIndex(String threadName) {
        for (ThreadSpec t : threads) {
            if (t.name().equals(threadName)) {
                return t.index();
            }
        }
        return -1;
    }

    /** Builds a model; every element is declared here, then {@link #build()} compiles the code. */
    public static final class Builder {
        private final String name;
        private final List<Var> vars = new ArrayList<>();
        private final List<Lock> locks = new ArrayList<>();
        private final List<ThreadSpec> threads = new ArrayList<>();
        private final List<Procedure> procedures = new ArrayList<>();
        private final Map<String, Predicate<StateView>> goals = new LinkedHashMap<>();
        private final List<Object> objects = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private final List<SymmetricSet> symmetric = new ArrayList<>();
        private final List<Bound> bounds = new ArrayList<>();
        private final List<Set<Procedure>> reach = new ArrayList<>();
        private boolean built;

        private Builder(String name) { this.name = name; }

        public String name() { return name; }

        /** Whether {@link #build()} has run: a procedure's locals, daemon flag and body are frozen then. */
        boolean isBuilt() { return built; }

        private void checkOpen(String element) {
            if (built) {
                throw new ModelError(element, "model " + name + " is already built; cannot add " + element);
            }
        }

        private void unique(String element) {
            if (!names.add(element)) {
                throw new ModelError(element, "model " + name + " declares " + element + " twice");
            }
        }

        /** A shared variable with domain [min, max] and an initial value. */
        public Var var(String vname, int min, int max, int initial) {
            return var(vname, min, max, initial, Integer::toString, true);
        }

        /** A shared variable with a custom rendering for traces; {@code shown=false} hides its changes. */
        public Var var(String vname, int min, int max, int initial, IntFunction<String> format, boolean shown) {
            checkOpen(vname);
            checkName("variable", vname);
            // keyed apart from threads, procedures and bounds ("thread t" is a legal variable name); locks are variables
            if (!names.add("variable " + vname)) {
                throw new ModelError(vname, "model " + name + " declares " + vname + " twice (as a variable or lock)");
            }
            if (min > max) {
                throw new ModelError(vname, "variable " + vname + " has empty domain [" + min + ", " + max + "]");
            }
            if (format == null) {
                throw new ModelError(vname, "variable " + vname + " has no format (Integer::toString is the plain one)");
            }
            if (initial < min || initial > max) {
                throw new ModelError(vname, "variable " + vname + " starts at " + initial + ", outside [" + min + ", " + max + "]");
            }
            Var v = new Var(this, vars.size(), vname, min, max, initial, format, shown);
            vars.add(v);
            return v;
        }

        /** A boolean flag, rendered as +/- in traces. */
        public Var flag(String fname, boolean initial) {
            return var(fname, 0, 1, initial ? 1 : 0, x -> x != 0 ? "set" : "clear", true);
        }

        /** A bounded counter; leaving [min, max] is a model error naming it. */
        public Var counter(String cname, int min, int max, int initial) {
            return var(cname, min, max, initial);
        }

        /** A lock; its holder variable is part of the state and shown in traces. */
        public Lock lock(String lname, String lockClass, Lock.Kind kind) {
            // a lock class names the lock in lock-order reports, as a name does (a null class or kind failed only at the
            // first lock step, as "the effect of lock ... threw NullPointerException")
            checkName("lock class", lockClass);
            if (kind == null) {
                throw new ModelError(String.valueOf(lname), "lock " + lname + " has no kind (null): Lock.Kind.MUTEX, SPINLOCK or BIT");
            }
            Var holder = var(lname, 0, 255, 0, v -> v == 0 ? "free" : "held by " + threadNameOrIndex(v - 1), true);
            Lock l = new Lock(lname, lockClass, kind, holder);
            locks.add(l);
            return l;
        }

        public Lock mutex(String lname) { return lock(lname, lname, Lock.Kind.MUTEX); }

        public Lock spinlock(String lname) { return lock(lname, lname, Lock.Kind.SPINLOCK); }

        private String threadNameOrIndex(int t) {
            return t >= 0 && t < threads.size() ? threads.get(t).name() : "thread" + t;
        }

        /**
         * A bound of a retry loop that is a simplification of this model (the kernel retries longer):
         * {@code simplification} says what the model leaves out. Saturating it is reported with HOLDS.
         */
        public Bound bound(String bname, int limit, String simplification) {
            return declareBound(bname, limit, Bound.Kind.MODEL, simplification, 0);
        }

        /**
         * As {@link #bound(String, int, String)}, for a loop the kernel ends after at most {@code kernelLimit}
         * passes (its own retry constant): raised to that limit, the model's loop is the kernel's, and a
         * HOLDS report says how far to raise it.
         */
        public Bound bound(String bname, int limit, String simplification, int kernelLimit) {
            if (kernelLimit < limit) {
                throw new ModelError(bname, "bound " + bname + ": the kernel's limit " + kernelLimit + " is below the model's " + limit);
            }
            return declareBound(bname, limit, Bound.Kind.MODEL, simplification, kernelLimit);
        }

        /** A bound that is the kernel's own retry constant, cited by {@code source}; not reported. */
        public Bound kernelBound(String bname, int limit, String source) {
            return declareBound(bname, limit, Bound.Kind.KERNEL, source, limit);
        }

        private Bound declareBound(String bname, int limit, Bound.Kind kind, String source, int kernelLimit) {
            checkOpen(bname);
            checkName("bound", bname);
            unique("bound " + bname);
            if (limit < 1) {
                throw new ModelError(bname, "bound " + bname + " must allow at least one pass, not " + limit);
            }
            Bound x = new Bound(this, bounds.size(), bname, limit, kind, source, kernelLimit);
            bounds.add(x);
            return x;
        }

        /** A named procedure that threads call. */
        public Procedure procedure(String pname) {
            checkOpen(pname);
            checkName("procedure", pname);
            unique("procedure " + pname);
            Procedure p = new Procedure(this, pname, false);
            procedures.add(p);
            return p;
        }

        /**
         * A thread; declare its locals on the returned procedure, then give its {@link Procedure#body
         * body}. Threads are numbered in declaration order.
         */
        public Procedure thread(String tname) {
            checkOpen(tname);
            checkName("thread", tname);
            unique("thread " + tname);
            Procedure main = new Procedure(this, tname, true);
            procedures.add(main);
            threads.add(new ThreadSpec(tname, threads.size(), main));
            return main;
        }

        /** A thread without locals. */
        public ThreadSpec thread(String tname, java.util.function.Consumer<Body> body) {
            thread(tname).body(body);
            return threads.get(threads.size() - 1);
        }

        /** A reachability goal: {@code reachable(goal)} asks whether some state satisfies it. */
        public Builder goal(String gname, Predicate<StateView> goal) {
            checkOpen(gname);
            checkName("goal", gname);
            if (goal == null) {
                throw new ModelError(gname, "goal " + gname + " of model " + name + " has no predicate (null)");
            }
            if (goals.putIfAbsent(gname, goal) != null) {
                throw new ModelError(gname, "model " + name + " declares goal " + gname + " twice");
            }
            return this;
        }

        /**
         * Declares that the members are interchangeable: permuting them (their threads, the
         * variables of their objects, and every reference to them) maps behaviours to behaviours.
         * Symmetry reduction checks the structure when the model is reduced; the differential tests
         * check the claim itself.
         */
        public Builder symmetric(String set, List<SymmetricMember> members) {
            checkOpen(set);
            if (set == null) {
                throw new ModelError("symmetric", "model " + name + " declares a symmetric set without a name (null)");
            }
            if (SymmetricMember.nullIn(members)) {
                throw new ModelError(set, "symmetric set " + set + " of model " + name + (members == null ? " has no member list (null)" : " has a null member"));
            }
            if (members.size() >= 2) {
                symmetric.add(new SymmetricSet(set, members));
            }
            return this;
        }

        /** Registers a kernel object (folio, mapping, ...) so rules can find it. */
        public <T> T register(T object) {
            checkOpen(String.valueOf(object));
            if (object == null) {
                throw new ModelError("register", "model " + name + " registers a null kernel object");
            }
            foreignParts(object);
            objects.add(object);
            return object;
        }

        /**
         * Refuses a variable, lock or procedure declared by another builder, or a kernel object whose
         * public variables, locks or procedures were (a folio of another model's {@code Mm}).
         */
        private void foreignParts(Object object) {
            Builder other = originOf(object);
            if (other == null && !(object instanceof Var || object instanceof Lock || object instanceof Procedure)) {
                for (java.lang.reflect.Field f : object.getClass().getFields()) {
                    if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    try {
                        other = originOf(f.get(object));
                    } catch (IllegalAccessException e) {
                        continue;
                    }
                    if (other != null && other != this) {
                        break;
                    }
                }
            }
            if (other != null && other != this) {
                throw foreign(String.valueOf(object), other.name, name);
            }
        }

        private static Builder originOf(Object o) {
            if (o instanceof Var v) {
                return v.origin;
            }
            if (o instanceof Lock l) {
                return l.holderVar().origin;
            }
            if (o instanceof Procedure p) {
                return p.origin;
            }
            return null;
        }

        public int threadCount() { return threads.size(); }

        /** The name of declared thread {@code t}, or "thread" + t when no such thread is declared (yet). */
        public String threadName(int t) { return threadNameOrIndex(t); }

        /** The thread index of a declared thread, for wiring objects to threads. */
        public int threadIndex(String tname) {
            for (ThreadSpec t : threads) {
                if (t.name().equals(tname)) {
                    return t.index();
                }
            }
            throw new ModelError(tname, "model " + name + " has no thread " + tname);
        }

        /** Compiles all code and fixes the state layout. */
        public Model build() {
            checkOpen("build");
            if (threads.isEmpty()) {
                throw new ModelError(name, "model " + name + " has no threads");
            }
            if (threads.size() > 255) {
                // the step labels give a thread 8 bits; the checker takes at most 31 threads (its thread masks), and says so
                throw new ModelError(name, "model " + name + " has " + threads.size() + " threads: a model has at most 255, and"
                        + " migcheck checks at most 31");
            }
            built = true;
            Compiler c = new Compiler();
            for (Procedure p : procedures) {
                if (p.bodyOrNull() == null) {
                    throw new ModelError(p.name(), (p.threadMain ? "thread " : "procedure ") + p.name() + " has no body");
                }
                if (p.threadMain && p.bodyOrNull().nodes.isEmpty()) {
                    // it would finish at once, and a deadlock report would list it as finished without a hint
                    throw new ModelError(p.name(), "thread " + p.name() + " has no steps (were they added to another body?"
                            + " leave out a thread with nothing to do)");
                }
                c.compile(p);
            }
            Insn[] code = c.code.toArray(new Insn[0]);
            int slot = vars.size();
            List<int[]> threadSlotDomains = new ArrayList<>();
            for (ThreadSpec t : threads) {
                Set<Procedure> reach = new LinkedHashSet<>();
                t.maxDepth = depth(t.main, code, new ArrayList<>(), reach);
                this.reach.add(reach);
                int maxLocals = 0;
                for (Procedure p : reach) {
                    maxLocals = Math.max(maxLocals, p.locals().size());
                }
                t.frameSize = 1 + maxLocals;
                t.pcSlot = slot;
                t.depthSlot = slot + 1;
                t.frameBase = slot + 2;
                int size = 2 + (t.maxDepth + 1) * t.frameSize;
                int[] mins = new int[size];
                int[] maxs = new int[size];
                maxs[0] = code.length;
                maxs[1] = t.maxDepth;
                for (int d = 0; d <= t.maxDepth; d++) {
                    int base = 2 + d * t.frameSize;
                    // the return pc of a frame: the main body's frame (d = 0) never has one (it ends, it does not return)
                    maxs[base] = d == 0 ? 0 : code.length;
                    for (int i = 0; i < maxLocals; i++) {
                        int lo = 0;
                        int hi = 0;
                        for (Procedure p : reach) {
                            if (i < p.locals().size()) {
                                lo = Math.min(lo, p.locals().get(i).min());
                                hi = Math.max(hi, p.locals().get(i).max());
                            }
                        }
                        mins[base + 1 + i] = lo;
                        maxs[base + 1 + i] = hi;
                    }
                }
                threadSlotDomains.add(mins);
                threadSlotDomains.add(maxs);
                slot += size;
            }
            int[] slotMin = new int[slot];
            int[] slotMax = new int[slot];
            for (Var v : vars) {
                slotMin[v.slot()] = v.min();
                slotMax[v.slot()] = v.max();
            }
            for (Lock l : locks) {
                // a holder is 0 or a thread index + 1: the packed state needs the bits of the thread count, not of 255
                int s = l.holderVar().slot();
                slotMax[s] = Math.min(slotMax[s], threads.size());
            }
            for (int i = 0; i < threads.size(); i++) {
                ThreadSpec t = threads.get(i);
                int[] mins = threadSlotDomains.get(2 * i);
                int[] maxs = threadSlotDomains.get(2 * i + 1);
                System.arraycopy(mins, 0, slotMin, t.pcSlot, mins.length);
                System.arraycopy(maxs, 0, slotMax, t.pcSlot, maxs.length);
            }
            return new Model(this, code, slot, slotMin, slotMax);
        }

        /** Deepest call nesting below {@code p}; recursion is a model error. */
        private int depth(Procedure p, Insn[] code, List<Procedure> stack, Set<Procedure> reach) {
            if (stack.contains(p)) {
                List<String> cycle = new ArrayList<>();
                for (Procedure q : stack.subList(stack.indexOf(p), stack.size())) {
                    cycle.add(q.name());
                }
                cycle.add(p.name());
                throw new ModelError(p.name(), "recursive procedure calls are not supported: " + String.join(" -> ", cycle));
            }
            reach.add(p);
            stack.add(p);
            int deepest = 0;
            for (Insn i : code) {
                if (i.proc == p && i.kind == Insn.Kind.CALL) {
                    if (i.callee.threadMain) {
                        throw new ModelError(i.callee.name(), "procedure " + p.name() + " calls the thread body " + i.callee.name());
                    }
                    deepest = Math.max(deepest, 1 + depth(i.callee, code, stack, reach));
                }
            }
            stack.remove(stack.size() - 1);
            return deepest;
        }
    }

    /** Compiles structured bodies into flat code with jumps. */
    private static final class Compiler {
        final List<Insn> code = new ArrayList<>();

        private static final class LoopCtx {
            final List<Insn> breaks = new ArrayList<>();
            final List<Insn> continues = new ArrayList<>();
        }

        void compile(Procedure p) {
            p.entry = code.size();
            emit(p.bodyOrNull(), p, null);
            code.add(p.threadMain ? new Insn(Insn.Kind.END, p) : new Insn(Insn.Kind.RETURN, p));
        }

        private Insn add(Insn.Kind k, Procedure p) {
            Insn i = new Insn(k, p);
            code.add(i);
            return i;
        }

        private void emit(Body b, Procedure p, LoopCtx loop) {
            if (b.owner != p) {
                throw new ModelError(p.name(), "code of procedure " + b.owner.name() + " used inside " + p.name());
            }
            for (Body.Node n : b.nodes) {
                if (n instanceof Body.StepNode s) {
                    Step.LockOp op = s.step().lockOp();
                    if (op != null && op.fixed() != null && op.fixed().holderVar().origin != p.origin) {
                        throw foreign("lock " + op.fixed().name(), op.fixed().holderVar().modelName(), p.origin.name());
                    }
                    add(Insn.Kind.STEP, p).step = s.step();
                } else if (n instanceof Body.IfShared s) {
                    Insn br = add(Insn.Kind.BRANCH, p);
                    br.cond = s.cond();
                    emitIf(br, s.then(), s.otherwise(), p, loop);
                } else if (n instanceof Body.IfLocal s) {
                    Insn br = add(Insn.Kind.LBRANCH, p);
                    br.pred = s.cond();
                    emitIf(br, s.then(), s.otherwise(), p, loop);
                } else if (n instanceof Body.While w) {
                    int top = code.size();
                    Insn test = add(Insn.Kind.LBRANCH, p);
                    test.pred = w.cond();
                    LoopCtx inner = new LoopCtx();
                    emit(w.body(), p, inner);
                    int cont = code.size();
                    if (w.increment() != null) {
                        Insn inc = add(Insn.Kind.ASSIGN, p);
                        inc.local = w.increment().local();
                        inc.value = w.increment().value();
                    }
                    add(Insn.Kind.JUMP, p).target = top;
                    test.target = code.size();
                    inner.breaks.forEach(i -> i.target = code.size());
                    inner.continues.forEach(i -> i.target = cont);
                } else if (n instanceof Body.Forever f) {
                    int top = code.size();
                    LoopCtx inner = new LoopCtx();
                    emit(f.body(), p, inner);
                    add(Insn.Kind.JUMP, p).target = top;
                    inner.breaks.forEach(i -> i.target = code.size());
                    inner.continues.forEach(i -> i.target = top);
                } else if (n instanceof Body.Retry r) {
                    // passes = 0; top: body; cont: if (passes + 1 < limit) { passes++; goto top; }
                    // saturate; exit: passes = 0
                    Local passes = r.passes();
                    Bound bound = r.bound();
                    Insn reset = add(Insn.Kind.ASSIGN, p);
                    reset.local = passes;
                    reset.value = e -> 0;
                    int top = code.size();
                    LoopCtx inner = new LoopCtx();
                    emit(r.body(), p, inner);
                    int cont = code.size();
                    Insn again = add(Insn.Kind.LBRANCH, p);
                    again.pred = e -> e.local(passes) + 1 < e.model().limit(bound);
                    Insn inc = add(Insn.Kind.ASSIGN, p);
                    inc.local = passes;
                    inc.value = e -> e.local(passes) + 1;
                    add(Insn.Kind.JUMP, p).target = top;
                    again.target = code.size();
                    Insn saturate = add(Insn.Kind.SATURATE, p);
                    saturate.bound = bound;
                    saturate.where = p.name() + (r.loop() == null ? "" : " (" + r.loop() + ")");
                    int exit = code.size();
                    Insn clear = add(Insn.Kind.ASSIGN, p);
                    clear.local = passes;
                    clear.value = e -> 0;
                    inner.breaks.forEach(i -> i.target = exit);
                    inner.continues.forEach(i -> i.target = cont);
                } else if (n instanceof Body.Break) {
                    if (loop == null) {
                        throw new ModelError(p.name(), "break outside a loop in " + p.name());
                    }
                    loop.breaks.add(add(Insn.Kind.JUMP, p));
                } else if (n instanceof Body.Continue) {
                    if (loop == null) {
                        throw new ModelError(p.name(), "continue outside a loop in " + p.name());
                    }
                    loop.continues.add(add(Insn.Kind.JUMP, p));
                } else if (n instanceof Body.Return r) {
                    if (p.threadMain) {
                        add(Insn.Kind.END, p);
                    } else {
                        add(Insn.Kind.RETURN, p).value = r.value();
                    }
                } else if (n instanceof Body.Call c) {
                    if (c.args().size() != c.callee().params().size()) {
                        throw new ModelError(c.callee().name(), p.name() + " calls " + c.callee().name() + " with "
                                + c.args().size() + " arguments; it takes " + c.callee().params().size());
                    }
                    if (c.result() != null && c.result().owner() != p) {
                        throw new ModelError(c.result().toString(), "result local " + c.result() + " does not belong to " + p.name());
                    }
                    if (c.callee().origin != p.origin) {
                        throw foreign("procedure " + c.callee().name(), c.callee().origin.name(), p.origin.name());
                    }
                    Insn call = add(Insn.Kind.CALL, p);
                    call.callee = c.callee();
                    call.args = c.args();
                    call.local = c.result();
                } else if (n instanceof Body.Assign a) {
                    if (a.local().owner() != p) {
                        throw new ModelError(a.local().toString(), "local " + a.local() + " assigned in " + p.name());
                    }
                    Insn as = add(Insn.Kind.ASSIGN, p);
                    as.local = a.local();
                    as.value = a.value();
                }
            }
        }

        private void emitIf(Insn br, Body then, Body otherwise, Procedure p, LoopCtx loop) {
            emit(then, p, loop);
            if (otherwise.nodes.isEmpty()) {
                br.target = code.size();
            } else {
                Insn skip = add(Insn.Kind.JUMP, p);
                br.target = code.size();
                emit(otherwise, p, loop);
                skip.target = code.size();
            }
        }
    }

    /** The error for an object of model {@code owner} used in model {@code user}. */
    static ModelError foreign(String object, String owner, String user) {
        return new ModelError(object, object + " was declared by the builder of model " + owner
                + " and cannot be used in model " + user + " (declare it on " + user + "'s builder)");
    }

    /** Helper for vocabulary code: a function returning a fixed lock. */
    public static Function<Exec, Lock> fixed(Lock l) { return e -> l; }
}
