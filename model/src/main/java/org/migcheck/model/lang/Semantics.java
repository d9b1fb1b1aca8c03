package org.migcheck.model.lang;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The interleaving semantics of a {@link Model}: in every state, the next visible instruction
 * (a step or a shared test) of any thread whose guard holds may run. After a step, the thread's
 * local control flow (local branches, loops, calls, returns, assignments) is settled at once, so
 * every stored state has each thread resting before a visible instruction or finished.
 *
 * <p>This class is the only place that interprets models; the engine sees it through the checker's
 * adapter.
 */
public final class Semantics {
    /** Bound on local instructions between two steps; more means a loop without steps. */
    private static final int SETTLE_LIMIT = 100_000;

    private final Model model;
    private final Insn[] code;
    private final int done;
    /** Largest value of each slot (a lock holder's is the thread count, below its variable's 255). */
    private final int[] slotMax;

    public Semantics(Model model) {
        this.model = model;
        this.code = model.code();
        this.done = code.length;
        this.slotMax = model.slotMax();
    }

    public Model model() { return model; }

    /** Receives the outcome of each thread in a state. */
    public interface Sink {
        /** Thread {@code thread} took alternative {@code alt}, giving {@code next}. */
        void fired(int thread, int alt, int[] next, List<Event> events);

        /** The step failed: a {@link ModelError} or {@link ModelViolation}. */
        void failed(int thread, int alt, RuntimeException error);

        /** Thread {@code thread} cannot move for {@code reason}. */
        void blocked(int thread, BlockReason reason);
    }

    /** The initial state: every variable at its initial value, every thread settled at its first step. */
    public int[] initialState() {
        int[] s = new int[model.stateSize()];
        for (Var v : model.vars()) {
            s[v.slot()] = v.initial();
        }
        for (ThreadSpec t : model.threads()) {
            s[t.pcSlot] = t.main.entry;
            s[t.depthSlot] = 0;
            initLocals(s, t, 0, t.main);
            try {
                settle(s, t, null, null);
            } catch (ModelError | ModelViolation err) {
                throw err;
            } catch (Throwable err) {
                UserCode.rethrowJvmFailure(err);
                // local code before the thread's first step (a branch, an assignment, a call's arguments) is the model's code
                ModelError e = new ModelError(t.name(), "local code of thread " + t.name() + " before its first step threw " + err
                        + codeLine(err));
                e.initCause(err);
                throw e;
            }
        }
        return s;
    }

    /**
     * Runs every thread's next visible instruction in {@code s} and reports to {@code sink}. Each
     * successor vector and event list handed to {@link Sink#fired} is new and belongs to the sink.
     */
    public void expand(int[] s, Sink sink) {
        expand(s, null, sink);
    }

    /**
     * Reusable buffers of one caller thread for {@link #expand(int[], Scratch, Sink)}: the successor
     * vector, the event list and the contexts that guards, effects, tests and local code see. Not
     * thread-safe: one per thread.
     */
    public final class Scratch {
        private final int[] next = new int[model.stateSize()];
        private final ArrayList<Event> events = new ArrayList<>(4);
        private final Ctx guard = new PaddedCtx();
        private final Ctx write = new PaddedCtx();
        private final Ctx read = new PaddedCtx();
        private final Ctx local = new PaddedCtx();
        private final Ctx caller = new PaddedCtx();

        private Scratch() {
            write.pool = events;
        }
    }

    /** New buffers for {@link #expand(int[], Scratch, Sink)} (one per calling thread). */
    public Scratch newScratch() { return new Scratch(); }

    /**
     * As {@link #expand(int[], Sink)}, without allocating per successor when {@code scratch} is
     * non-null: the successor vector and the event list handed to {@link Sink#fired} are the
     * scratch's own and valid only during that call (a sink that keeps them copies them). The
     * events themselves are whatever the model's steps emit. With a null scratch this is
     * {@link #expand(int[], Sink)}.
     */
    public void expand(int[] s, Scratch scratch, Sink sink) {
        for (ThreadSpec t : model.threads()) {
            int pc = s[t.pcSlot];
            if (pc == done) {
                continue;
            }
            Insn insn = code[pc];
            if (insn.kind == Insn.Kind.STEP) {
                Ctx guard = scratch == null ? new Ctx(s, t, insn.proc, Mode.READ, 0) : scratch.guard.reset(s, t, insn.proc, Mode.READ, 0);
                boolean enabled;
                try {
                    enabled = insn.step.enabled(guard);
                } catch (ModelError | ModelViolation err) {
                    sink.failed(t.index(), 0, err);
                    continue;
                } catch (Throwable err) {
                    UserCode.rethrowJvmFailure(err);
                    sink.failed(t.index(), 0, foreign(insn, "guard", err));
                    continue;
                }
                if (!enabled) {
                    BlockReason why;
                    try {
                        why = insn.step.blockReason(guard);
                    } catch (ModelError err) {
                        sink.failed(t.index(), -1, err);
                        continue;
                    } catch (Throwable err) {
                        UserCode.rethrowJvmFailure(err);
                        sink.failed(t.index(), -1, foreign(insn, "block reason", err));
                        continue;
                    }
                    sink.blocked(t.index(), why);
                    continue;
                }
                for (int alt = 0; alt < insn.step.alternatives(); alt++) {
                    fireInto(s, t, insn, alt, sink, null, null, scratch);
                }
            } else {
                fireInto(s, t, insn, 0, sink, null, null, scratch);
            }
        }
    }

    /**
     * With {@code reads} non-null, the shared variables the step reads (first read of each) are added
     * to it, with {@code writes} non-null those it writes (whether or not the value changes). With
     * {@code sc} non-null, the successor and its events live in the scratch buffers.
     */
    private void fireInto(int[] s, ThreadSpec t, Insn insn, int alt, Sink sink, Map<Var, Integer> reads, Set<Var> writes, Scratch sc) {
        int[] next;
        Ctx ctx;
        if (sc == null) {
            next = s.clone();
            ctx = new Ctx(next, t, insn.proc, Mode.WRITE, alt);
        } else {
            next = sc.next;
            System.arraycopy(s, 0, next, 0, next.length);
            ctx = sc.write.reset(next, t, insn.proc, Mode.WRITE, alt);
        }
        ctx.reads = reads;
        ctx.writes = writes;
        try {
            if (insn.kind == Insn.Kind.STEP) {
                insn.step.run(ctx);
                next[t.pcSlot] = next[t.pcSlot] + 1;
            } else {
                Ctx read = sc == null ? new Ctx(s, t, insn.proc, Mode.READ, 0) : sc.read.reset(s, t, insn.proc, Mode.READ, 0);
                boolean outcome = insn.cond.test.test(read);
                next[t.pcSlot] = outcome ? next[t.pcSlot] + 1 : insn.target;
            }
            settle(next, t, ctx, sc);
        } catch (ModelError | ModelViolation err) {
            sink.failed(t.index(), alt, err);
            return;
        } catch (Throwable err) {
            UserCode.rethrowJvmFailure(err);
            sink.failed(t.index(), alt, foreign(insn, "effect", err));
            return;
        }
        sink.fired(t.index(), alt, next, ctx.events == null ? List.of() : ctx.events);
    }

    /**
     * An exception other than {@link ModelError} thrown by model code (an index out of bounds in a
     * lambda, a null object) becomes a model error naming the step, with the exception as its cause.
     */
    static ModelError foreign(Insn insn, String part, Throwable err) {
        String where = insn.kind == Insn.Kind.STEP ? insn.step.function() : insn.cond.function;
        ModelError e = new ModelError(where, "the " + part + " of " + where + " in " + insn.proc.name() + " threw " + err + codeLine(err));
        e.initCause(err);
        return e;
    }

    /**
     * " at class.method(File:line)": the first frame of {@code err} outside the JDK and this package (the
     * model's own lambda, or the vocabulary block that runs it), where a user starts looking; "" when none.
     */
    private static String codeLine(Throwable err) {
        for (StackTraceElement f : err.getStackTrace()) {
            String c = f.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.") && !c.startsWith("org.migcheck.model.lang.")) {
                return " at " + f;
            }
        }
        return "";
    }

    /**
     * The result of running one transition, for replay.
     *
     * @param reads   the shared variables the step's effect read, with the value it saw (first read of
     *                each, in order); empty for a test (its outcome is in its label)
     * @param written the shared variables the step's effect wrote, also those it wrote with the value
     *                they had (a lost update writes what another thread already wrote)
     */
    public record Fired(int[] next, List<Event> events, Map<Var, Integer> reads, Set<Var> written) {
        public Fired(int[] next, List<Event> events) { this(next, events, Map.of(), Set.of()); }
    }

    /**
     * Runs thread {@code thread}'s alternative {@code alt} in {@code s}. Throws {@link ModelError} or
     * {@link ModelViolation} if the step fails, and {@link IllegalStateException} if it is not enabled.
     */
    public Fired fire(int[] s, int thread, int alt) {
        List<Fired> out = new ArrayList<>(1);
        List<RuntimeException> err = new ArrayList<>(1);
        ThreadSpec t = model.thread(thread);
        int pc = s[t.pcSlot];
        if (pc == done) {
            throw new IllegalStateException("thread " + t.name() + " has finished");
        }
        Insn insn = code[pc];
        if (insn.kind == Insn.Kind.STEP) {
            boolean ok;
            try {
                ok = insn.step.enabled(new Ctx(s, t, insn.proc, Mode.READ, 0));
            } catch (ModelError | ModelViolation e) {
                throw e; // the guard itself fails: replay reproduces the failure
            } catch (Throwable e) {
                UserCode.rethrowJvmFailure(e);
                throw foreign(insn, "guard", e);
            }
            if (!ok) {
                throw new IllegalStateException("thread " + t.name() + " is blocked at " + insn.step.function());
            }
        }
        int alts = insn.kind == Insn.Kind.STEP ? insn.step.alternatives() : 1;
        if (alt < 0 || alt >= alts) {
            throw new IllegalStateException("thread " + t.name() + " has no alternative " + alt + " at " + label(s, thread, 0));
        }
        Map<Var, Integer> reads = new LinkedHashMap<>();
        Set<Var> written = new LinkedHashSet<>();
        fireInto(s, t, insn, alt, new Sink() {
            @Override public void fired(int th, int a, int[] next, List<Event> events) {
                out.add(new Fired(next, events, Collections.unmodifiableMap(reads), Collections.unmodifiableSet(written)));
            }
            @Override public void failed(int th, int a, RuntimeException error) { err.add(error); }
            @Override public void blocked(int th, BlockReason reason) { }
        }, insn.kind == Insn.Kind.STEP ? reads : null, written, null);
        if (!err.isEmpty()) {
            throw err.get(0);
        }
        return out.get(0);
    }

    /** The trace label of thread {@code thread}'s next transition (alternative {@code alt}) in {@code s}. */
    public String label(int[] s, int thread, int alt) {
        ThreadSpec t = model.thread(thread);
        int pc = s[t.pcSlot];
        if (pc == done) {
            return "(finished)";
        }
        Insn insn = code[pc];
        Ctx read = new Ctx(s, t, insn.proc, Mode.READ, alt);
        try {
            if (insn.kind == Insn.Kind.STEP) {
                return insn.step.label(read, alt);
            }
            return insn.cond.label(read, insn.cond.test.test(read));
        } catch (Throwable e) {
            UserCode.rethrowJvmFailure(e);
            return unlabelled(insn, e);
        }
    }

    /**
     * The label of the thread's next transition as a thread at rest shows it: a step as {@link #label}
     * does, a test of shared state without an outcome (it has not run; what it would find depends on the
     * state when it does).
     */
    public String upcoming(int[] s, int thread) {
        ThreadSpec t = model.thread(thread);
        int pc = s[t.pcSlot];
        if (pc == done || code[pc].kind == Insn.Kind.STEP) {
            return label(s, thread, 0);
        }
        Insn insn = code[pc];
        try {
            return insn.cond.pending(new Ctx(s, t, insn.proc, Mode.READ, 0));
        } catch (Throwable e) {
            UserCode.rethrowJvmFailure(e);
            return unlabelled(insn, e);
        }
    }

    /**
     * The label of a step whose own label (its arguments' or outcome's text) threw: the function, and in
     * place of the arguments what went wrong and where, so that a trace says why it cannot name them.
     */
    static String unlabelled(Insn insn, Throwable err) {
        String where = insn.kind == Insn.Kind.STEP ? insn.step.function() : insn.cond.function;
        return where + "(? its label threw " + err.getClass().getSimpleName() + codeLine(err) + ")";
    }

    /** Program counter of the thread's next visible instruction (its finished value when done). */
    public int pc(int[] s, int thread) { return s[model.thread(thread).pcSlot]; }

    /** Number of instructions (program counters range over [0, codeSize()]). */
    public int codeSize() { return code.length; }

    /** Whether the instruction at {@code pc} is an {@link Step#inert() inert} step (for partial-order reduction). */
    public boolean isInert(int pc) { return pc >= 0 && pc < code.length && code[pc].kind == Insn.Kind.STEP && code[pc].step.inert(); }

    /** Whether {@code pc} is a transition (a step or a shared test) rather than local control flow. */
    public boolean isTransition(int pc) { return pc >= 0 && pc < code.length && code[pc].visible(); }

    /** "procedure: kernel_function" of the transition at {@code pc}, for coverage reports. */
    public String describe(int pc) {
        Insn i = code[pc];
        return i.proc.name() + ": " + (i.kind == Insn.Kind.STEP ? i.step.function() : "if " + i.cond.function);
    }

    /** The kernel function of the thread's next step, without objects. */
    public String function(int[] s, int thread) {
        int pc = s[model.thread(thread).pcSlot];
        if (pc == done) {
            return "(finished)";
        }
        Insn insn = code[pc];
        return insn.kind == Insn.Kind.STEP ? insn.step.function() : insn.cond.function;
    }

    /** Number of alternatives of the thread's next transition (0 when finished). */
    public int alternatives(int[] s, int thread) {
        int pc = s[model.thread(thread).pcSlot];
        if (pc == done) {
            return 0;
        }
        Insn insn = code[pc];
        return insn.kind == Insn.Kind.STEP ? insn.step.alternatives() : 1;
    }

    public boolean finished(int[] s, int thread) { return s[model.thread(thread).pcSlot] == done; }

    /** Local code (the tests and expressions of local flow) reads shared variable {@code v}: refused, here and in {@link Probe}. */
    static ModelError localReadsShared(Procedure proc, Var v) {
        return new ModelError(v.name(), "local code of " + proc.name() + " reads shared variable " + v.name()
                + "; test shared state with a Cond step (ifThen) instead");
    }

    /**
     * Local code reads whether another thread {@code th} has finished: that is shared state too, which could change
     * between steps, while the partial-order reduction lets local code run with the step before it as one.
     */
    static ModelError localReadsFinished(Model model, Procedure proc, int th) {
        return new ModelError(model.thread(th).name(), "local code of " + proc.name() + " reads whether thread "
                + model.thread(th).name() + " has finished; test it in a Cond step (ifThen) instead");
    }

    /** Whether the thread's next step can run in {@code s}. */
    public boolean enabled(int[] s, int thread) {
        ThreadSpec t = model.thread(thread);
        int pc = s[t.pcSlot];
        if (pc == done) {
            return false;
        }
        Insn insn = code[pc];
        if (insn.kind != Insn.Kind.STEP) {
            return true;
        }
        try {
            return insn.step.enabled(new Ctx(s, t, insn.proc, Mode.READ, 0));
        } catch (Throwable e) {
            UserCode.rethrowJvmFailure(e);
            return true; // firing it reports the error
        }
    }

    /** Whether the thread rests at a declared idle point (a daemon waiting for work). */
    public boolean atIdlePoint(int[] s, int thread) {
        int pc = s[model.thread(thread).pcSlot];
        return pc != done && code[pc].kind == Insn.Kind.STEP && code[pc].step.idle();
    }

    /** Why the thread is blocked in {@code s}, or null if it is not. */
    public BlockReason blockReason(int[] s, int thread) {
        ThreadSpec t = model.thread(thread);
        int pc = s[t.pcSlot];
        if (pc == done || code[pc].kind != Insn.Kind.STEP) {
            return null;
        }
        Ctx read = new Ctx(s, t, code[pc].proc, Mode.READ, 0);
        if (code[pc].step.enabled(read)) {
            return null;
        }
        return code[pc].step.blockReason(read);
    }

    /** The call stack of the thread, innermost first, e.g. [folio_wait_writeback, shrink_folio_list, fuse-server]. */
    public List<String> callStack(int[] s, int thread) {
        ThreadSpec t = model.thread(thread);
        List<String> out = new ArrayList<>();
        int pc = s[t.pcSlot];
        int depth = s[t.depthSlot];
        if (pc == done) {
            return out;
        }
        out.add(code[pc].proc.name());
        for (int d = depth; d > 0; d--) {
            int ret = s[t.frameBase + d * t.frameSize];
            out.add(code[ret - 1].proc.name());
        }
        return out;
    }

    /** Live threads whose code contains a step that provides {@code resource}. */
    public Set<Integer> providers(int[] s, String resource) {
        Set<Integer> out = new LinkedHashSet<>();
        for (ThreadSpec t : model.threads()) {
            if (s[t.pcSlot] == done) {
                continue;
            }
            if (provides(t.main, resource, new LinkedHashSet<>())) {
                out.add(t.index());
            }
        }
        return out;
    }

    /** Kernel functions of {@code thread} that provide {@code resource}. */
    public Set<String> providerSteps(int thread, String resource) {
        Set<String> out = new LinkedHashSet<>();
        collectProviders(model.thread(thread).main, resource, new LinkedHashSet<>(), out);
        return out;
    }

    private boolean provides(Procedure p, String resource, Set<Procedure> seen) {
        Set<String> out = new LinkedHashSet<>();
        collectProviders(p, resource, seen, out);
        return !out.isEmpty();
    }

    private void collectProviders(Procedure p, String resource, Set<Procedure> seen, Set<String> out) {
        if (!seen.add(p)) {
            return;
        }
        for (Insn i : code) {
            if (i.proc != p) {
                continue;
            }
            if (i.kind == Insn.Kind.STEP && i.step.provides().contains(resource)) {
                out.add(i.step.function());
            } else if (i.kind == Insn.Kind.CALL) {
                collectProviders(i.callee, resource, seen, out);
            }
        }
    }

    /** A read-only view of state {@code s}. */
    public StateView view(int[] s) {
        return new View(s);
    }

    private final class View implements StateView {
        private final int[] s;

        View(int[] s) { this.s = s; }

        @Override public int get(Var v) {
            if (v.origin != model.origin) {
                throw Model.foreign("variable " + v.name(), v.modelName(), model.name());
            }
            return s[v.slot()];
        }
        @Override public Model model() { return model; }
        @Override public boolean finished(int t) { return s[model.thread(t).pcSlot] == done; }
    }

    private void initLocals(int[] s, ThreadSpec t, int depth, Procedure p) {
        int base = t.frameBase + depth * t.frameSize;
        for (Local l : p.locals()) {
            s[base + 1 + l.index()] = initialValue(l);
        }
    }

    private static int initialValue(Local l) {
        return Math.max(l.min(), Math.min(l.max(), 0));
    }

    /** Runs local instructions until the thread rests before a visible instruction or finishes. */
    private void settle(int[] s, ThreadSpec t, Ctx effects, Scratch sc) {
        for (int n = 0; ; n++) {
            int pc = s[t.pcSlot];
            if (pc == done) {
                return;
            }
            Insn insn = code[pc];
            if (insn.visible()) {
                return;
            }
            if (n > SETTLE_LIMIT) {
                throw new ModelError(insn.proc.name(), "procedure " + insn.proc.name()
                        + " loops without taking a step (more than " + SETTLE_LIMIT + " local instructions)");
            }
            Ctx local = sc == null ? new Ctx(s, t, insn.proc, Mode.LOCAL, 0) : sc.local.reset(s, t, insn.proc, Mode.LOCAL, 0);
            switch (insn.kind) {
                case JUMP -> s[t.pcSlot] = insn.target;
                case LBRANCH -> s[t.pcSlot] = insn.pred.test(local) ? pc + 1 : insn.target;
                case ASSIGN -> {
                    local.setLocal(insn.local, insn.value.eval(local));
                    s[t.pcSlot] = pc + 1;
                }
                case CALL -> {
                    int depth = s[t.depthSlot] + 1;
                    int[] argv = new int[insn.args.size()];
                    for (int i = 0; i < argv.length; i++) {
                        argv[i] = insn.args.get(i).eval(local);
                    }
                    s[t.depthSlot] = depth;
                    int base = t.frameBase + depth * t.frameSize;
                    s[base] = pc + 1;
                    initLocals(s, t, depth, insn.callee);
                    for (int i = 0; i < argv.length; i++) {
                        Local param = insn.callee.params().get(i);
                        checkLocal(param, argv[i], insn.callee.name() + " called from " + insn.proc.name());
                        s[base + 1 + param.index()] = argv[i];
                    }
                    s[t.pcSlot] = insn.callee.entry;
                }
                case RETURN -> {
                    int value = insn.value == null ? 0 : insn.value.eval(local);
                    int depth = s[t.depthSlot];
                    int base = t.frameBase + depth * t.frameSize;
                    int ret = s[base];
                    for (int i = 0; i < t.frameSize; i++) {
                        s[base + i] = 0;
                    }
                    s[t.depthSlot] = depth - 1;
                    s[t.pcSlot] = ret;
                    Insn call = code[ret - 1];
                    if (call.local != null) {
                        Ctx caller = sc == null ? new Ctx(s, t, call.proc, Mode.LOCAL, 0) : sc.caller.reset(s, t, call.proc, Mode.LOCAL, 0);
                        caller.setLocal(call.local, value);
                    }
                }
                case SATURATE -> {
                    if (effects != null && model.reportsSaturation(insn.bound)) {
                        effects.emit(new BoundReached(insn.bound, insn.where));
                    }
                    s[t.pcSlot] = pc + 1;
                }
                case END -> {
                    s[t.pcSlot] = done;
                    int base = t.frameBase;
                    for (int i = 0; i < t.frameSize; i++) {
                        s[base + i] = 0;
                    }
                    for (Lock l : model.locks()) {
                        if (l.kind().owned() && s[l.holderVar().slot()] == t.index() + 1) {
                            throw new ModelViolation("lock.exit-held", "thread " + t.name() + " exits holding " + l.name());
                        }
                    }
                }
                default -> throw new IllegalStateException(insn.kind.toString());
            }
        }
    }

    private void checkLocal(Local l, int value, String where) {
        int max = l.bound == null ? l.max() : model.limit(l.bound);
        if (value < l.min() || value > max) {
            throw new ModelError(l.toString(), "local " + l + " gets " + value + ", outside [" + l.min() + ", " + max + "] (" + where + ")");
        }
    }

    private enum Mode { READ, WRITE, LOCAL }

    /**
     * 64 bytes before a subclass's fields (a superclass's fields are laid out first). Scratch contexts are
     * rewritten on every step by the worker thread that owns them; padded on both sides ({@link PaddedCtx})
     * they never share a cache line with another worker's objects, which a copying collection may put
     * right next to them.
     */
    private abstract static class LinePad {
        long h0, h1, h2, h3, h4, h5, h6, h7;
    }

    /** A scratch context: {@link Ctx} with 64 bytes after its fields as well. */
    private final class PaddedCtx extends Ctx {
        long t0, t1, t2, t3, t4, t5, t6, t7;
    }

    /** What model code sees; a scratch context is {@link #reset} for every use, others are used once. */
    private class Ctx extends LinePad implements Exec {
        private int[] s;
        private ThreadSpec t;
        private Procedure proc;
        private Mode mode;
        private int alt;
        List<Event> events;
        /** The scratch's event list, reused for every step (null: a new list per step). */
        ArrayList<Event> pool;
        /** Non-null when replay asks which shared variables the step reads. */
        Map<Var, Integer> reads;
        /** Non-null when replay asks which shared variables the step writes. */
        Set<Var> writes;

        Ctx() { }

        Ctx(int[] s, ThreadSpec t, Procedure proc, Mode mode, int alt) {
            reset(s, t, proc, mode, alt);
        }

        Ctx reset(int[] s, ThreadSpec t, Procedure proc, Mode mode, int alt) {
            this.s = s;
            this.t = t;
            this.proc = proc;
            this.mode = mode;
            this.alt = alt;
            this.events = null;
            this.reads = null;
            this.writes = null;
            return this;
        }

        @Override public int get(Var v) {
            if (mode == Mode.LOCAL) {
                throw localReadsShared(proc, v);
            }
            if (v.origin != model.origin) {
                throw Model.foreign("variable " + v.name(), v.modelName(), model.name());
            }
            if (reads != null) {
                reads.putIfAbsent(v, s[v.slot()]);
            }
            return s[v.slot()];
        }

        @Override public Model model() { return model; }
        @Override public boolean finished(int th) {
            if (mode == Mode.LOCAL && th != t.index()) {
                throw localReadsFinished(model, proc, th);
            }
            return s[model.thread(th).pcSlot] == done;
        }
        @Override public int self() { return t.index(); }
        @Override public int choice() { return alt; }

        private int frame() { return t.frameBase + s[t.depthSlot] * t.frameSize; }

        private void own(Local l) {
            if (l.owner() != proc) {
                throw new ModelError(l.toString(), "local " + l + " used in procedure " + proc.name());
            }
        }

        @Override public int local(Local l) {
            own(l);
            return s[frame() + 1 + l.index()];
        }

        @Override public void setLocal(Local l, int value) {
            own(l);
            if (mode == Mode.READ) {
                throw new ModelError(l.toString(), "a guard or label of " + proc.name() + " writes local " + l);
            }
            checkLocal(l, value, "in " + proc.name());
            s[frame() + 1 + l.index()] = value;
        }

        @Override public void set(Var v, int value) {
            if (mode != Mode.WRITE) {
                throw new ModelError(v.name(), (mode == Mode.READ ? "a guard or label" : "local code") + " of "
                        + proc.name() + " writes shared variable " + v.name());
            }
            if (v.origin != model.origin) {
                throw Model.foreign("variable " + v.name(), v.modelName(), model.name());
            }
            if (value < v.min() || value > v.max()) {
                throw new ModelError(v.name(), "variable " + v.name() + " would become " + value + ", outside ["
                        + v.min() + ", " + v.max() + "]");
            }
            if (value > slotMax[v.slot()]) {
                throw new ModelError(v.name(), "lock holder " + v.name() + " would become " + value + ", but the model has only "
                        + slotMax[v.slot()] + (slotMax[v.slot()] == 1 ? " thread" : " threads") + " (a holder is 0 or a thread number + 1)");
            }
            if (writes != null) {
                writes.add(v);
            }
            s[v.slot()] = value;
        }

        @Override public void emit(Event e) {
            if (e == null) {
                throw new ModelError(proc.name(), "a step of " + proc.name() + " emits null (an event is needed: rules read it)");
            }
            if (mode != Mode.WRITE) {
                throw new ModelError(proc.name(), "a guard of " + proc.name() + " emits " + e.describe());
            }
            if (events == null) {
                if (pool != null) {
                    pool.clear();
                    events = pool;
                } else {
                    events = new ArrayList<>(2);
                }
            }
            events.add(e);
        }
    }
}
