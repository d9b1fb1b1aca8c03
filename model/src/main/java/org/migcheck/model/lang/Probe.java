package org.migcheck.model.lang;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one transition of a model on a state that is read slot by slot, for tools that translate a
 * model into another formalism (the Promela exporter). Every read of the state before the step goes
 * through a {@link Reader}, so the caller learns exactly which slots a step's guard, effect and the
 * local control flow after it depend on; writes are returned as a map.
 *
 * <p>The interpretation is the same as {@link Semantics} (guard with alternative 0, then the effect of
 * the chosen alternative, then the thread's local control flow up to its next visible instruction);
 * a test checks the two against each other on every reachable state of the catalogue. Model code
 * that throws is reported as {@link Semantics} reports it. A {@link Reader} may throw a
 * {@link UserCode.Passing} to abandon a probe (for example when it meets a slot it has not fixed yet);
 * that signal passes through untouched (any other throwable is the model code's failure).
 */
public final class Probe {
    private static final int SETTLE_LIMIT = 100_000;

    private final Model model;
    private final Insn[] code;
    private final int done;

    public Probe(Model model) {
        this.model = model;
        this.code = model.code();
        this.done = code.length;
    }

    public Model model() { return model; }

    /** Reads one slot of the state before the step. */
    @FunctionalInterface
    public interface Reader {
        int read(int slot);

        /**
         * Reads the holder of an owned lock for the exit check of a thread that finishes (does it
         * still hold the lock?). Only the holder can make that answer change, so a reader that
         * collects footprints may treat this read as one no other thread's step can disturb.
         */
        default int readOwnHold(int slot) { return read(slot); }
    }

    /** Where a thread's program counter, call depth and frames live in the state vector. */
    public record Layout(int pcSlot, int depthSlot, int frameBase, int frameSize, int maxDepth) {
        /** Slot of the return pc of frame {@code d} (frame 0 has none in use). */
        public int retSlot(int d) { return frameBase + d * frameSize; }
    }

    public Layout layout(int thread) {
        ThreadSpec t = model.thread(thread);
        return new Layout(t.pcSlot, t.depthSlot, t.frameBase, t.frameSize, t.maxDepth);
    }

    /** The program counter of a finished thread. */
    public int donePc() { return done; }

    /** Whether {@code pc} is a transition (a step or a shared test). */
    public boolean isTransition(int pc) { return pc >= 0 && pc < done && code[pc].visible(); }

    /** Whether {@code pc} is a step declared as an idle point. */
    public boolean isIdle(int pc) { return pc >= 0 && pc < done && code[pc].kind == Insn.Kind.STEP && code[pc].step.idle(); }

    /** Alternatives of the transition at {@code pc}. */
    public int alternatives(int pc) { return code[pc].kind == Insn.Kind.STEP ? code[pc].step.alternatives() : 1; }

    /** "procedure: kernel_function" of the transition at {@code pc}. */
    public String describe(int pc) {
        Insn i = code[pc];
        return i.proc.name() + ": " + (i.kind == Insn.Kind.STEP ? i.step.function() : "if " + i.cond.function);
    }

    /** What one probed transition did. */
    public sealed interface Outcome {}

    /** The step's guard is false: the thread is blocked. */
    public record Blocked() implements Outcome {}

    /** The guard is false and the block reason itself fails: the state is a model error. */
    public record BlockedFault(ModelError error) implements Outcome {}

    /** The transition fails with a {@link ModelError} or {@link ModelViolation}. */
    public record Failed(RuntimeException error) implements Outcome {}

    /** The transition fires: the slots it writes (in write order, last value wins) and its events. */
    public record Fired(Map<Integer, Integer> writes, List<Event> events) implements Outcome {}

    /** A read-only view of the state {@code reader} gives. */
    public StateView view(Reader reader) {
        return new StateView() {
            @Override public int get(Var v) {
                if (v.origin != model.origin) {
                    throw Model.foreign("variable " + v.name(), v.modelName(), model.name());
                }
                return reader.read(v.slot());
            }
            @Override public Model model() { return model; }
            @Override public boolean finished(int t) { return reader.read(model.thread(t).pcSlot) == done; }
        };
    }

    /** Runs alternative {@code alt} of the next transition of {@code thread}, whose pc the reader gives. */
    public Outcome fire(int thread, int alt, Reader before) {
        ThreadSpec t = model.thread(thread);
        int pc = before.read(t.pcSlot);
        if (pc == done) {
            throw new IllegalStateException("thread " + t.name() + " has finished");
        }
        Insn insn = code[pc];
        if (insn.kind == Insn.Kind.STEP) {
            Ctx guard = new Ctx(new Overlay(before), t, insn.proc, Mode.READ, 0);
            boolean enabled;
            try {
                enabled = insn.step.enabled(guard);
            } catch (ModelError | ModelViolation err) {
                return new Failed(err);
            } catch (Throwable err) {
                UserCode.rethrowJvmFailure(err);
                return new Failed(Semantics.foreign(insn, "guard", err));
            }
            if (!enabled) {
                try {
                    insn.step.blockReason(guard);
                } catch (ModelError err) {
                    return new BlockedFault(err);
                } catch (Throwable err) {
                    UserCode.rethrowJvmFailure(err);
                    return new BlockedFault(Semantics.foreign(insn, "block reason", err));
                }
                return new Blocked();
            }
        }
        Overlay next = new Overlay(before);
        Ctx ctx = new Ctx(next, t, insn.proc, Mode.WRITE, alt);
        try {
            if (insn.kind == Insn.Kind.STEP) {
                insn.step.run(ctx);
                next.set(t.pcSlot, next.get(t.pcSlot) + 1);
            } else {
                Ctx read = new Ctx(new Overlay(before), t, insn.proc, Mode.READ, 0);
                boolean outcome = insn.cond.test.test(read);
                next.set(t.pcSlot, outcome ? next.get(t.pcSlot) + 1 : insn.target);
            }
            settle(next, t, ctx);
        } catch (ModelError | ModelViolation err) {
            return new Failed(err);
        } catch (Throwable err) {
            UserCode.rethrowJvmFailure(err);
            return new Failed(Semantics.foreign(insn, "effect", err));
        }
        return new Fired(next.writes, ctx.events == null ? List.of() : ctx.events);
    }

    /** The trace label of the thread's next transition (alternative {@code alt}), reading through {@code before}. */
    public String label(int thread, int alt, Reader before) {
        ThreadSpec t = model.thread(thread);
        int pc = before.read(t.pcSlot);
        if (pc == done) {
            return "(finished)";
        }
        Insn insn = code[pc];
        Ctx read = new Ctx(new Overlay(before), t, insn.proc, Mode.READ, alt);
        try {
            if (insn.kind == Insn.Kind.STEP) {
                return insn.step.label(read, alt);
            }
            return insn.cond.label(read, insn.cond.test.test(read));
        } catch (Throwable e) {
            UserCode.rethrowJvmFailure(e);
            return Semantics.unlabelled(insn, e);
        }
    }

    /** The call stack of the thread, innermost first, as {@link Semantics#callStack} gives it. */
    public List<String> callStack(int thread, Reader before) {
        ThreadSpec t = model.thread(thread);
        List<String> out = new ArrayList<>();
        int pc = before.read(t.pcSlot);
        if (pc == done) {
            return out;
        }
        int depth = before.read(t.depthSlot);
        out.add(code[pc].proc.name());
        for (int d = depth; d > 0; d--) {
            int ret = before.read(t.frameBase + d * t.frameSize);
            out.add(code[ret - 1].proc.name());
        }
        return out;
    }


    /** The state after the writes so far: written slots from the map, the rest from the reader. */
    private static final class Overlay {
        final Reader base;
        final Map<Integer, Integer> writes = new LinkedHashMap<>();

        Overlay(Reader base) { this.base = base; }

        int get(int slot) {
            Integer w = writes.get(slot);
            return w != null ? w : base.read(slot);
        }

        int getOwnHold(int slot) {
            Integer w = writes.get(slot);
            return w != null ? w : base.readOwnHold(slot);
        }

        void set(int slot, int value) { writes.put(slot, value); }
    }

    private static int initialValue(Local l) {
        return Math.max(l.min(), Math.min(l.max(), 0));
    }

    private void checkLocal(Local l, int value, String where) {
        int max = l.bound == null ? l.max() : model.limit(l.bound);
        if (value < l.min() || value > max) {
            throw new ModelError(l.toString(), "local " + l + " gets " + value + ", outside [" + l.min() + ", " + max + "] (" + where + ")");
        }
    }

    /** As {@link Semantics}' settle: local instructions until the thread rests before a visible one. */
    private void settle(Overlay s, ThreadSpec t, Ctx effects) {
        for (int n = 0; ; n++) {
            int pc = s.get(t.pcSlot);
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
            Ctx local = new Ctx(s, t, insn.proc, Mode.LOCAL, 0);
            switch (insn.kind) {
                case JUMP -> s.set(t.pcSlot, insn.target);
                case LBRANCH -> s.set(t.pcSlot, insn.pred.test(local) ? pc + 1 : insn.target);
                case ASSIGN -> {
                    local.setLocal(insn.local, insn.value.eval(local));
                    s.set(t.pcSlot, pc + 1);
                }
                case CALL -> {
                    int depth = s.get(t.depthSlot) + 1;
                    int[] argv = new int[insn.args.size()];
                    for (int i = 0; i < argv.length; i++) {
                        argv[i] = insn.args.get(i).eval(local);
                    }
                    s.set(t.depthSlot, depth);
                    int base = t.frameBase + depth * t.frameSize;
                    s.set(base, pc + 1);
                    for (Local l : insn.callee.locals()) {
                        s.set(base + 1 + l.index(), initialValue(l));
                    }
                    for (int i = 0; i < argv.length; i++) {
                        Local param = insn.callee.params().get(i);
                        checkLocal(param, argv[i], insn.callee.name() + " called from " + insn.proc.name());
                        s.set(base + 1 + param.index(), argv[i]);
                    }
                    s.set(t.pcSlot, insn.callee.entry);
                }
                case RETURN -> {
                    int value = insn.value == null ? 0 : insn.value.eval(local);
                    int depth = s.get(t.depthSlot);
                    int base = t.frameBase + depth * t.frameSize;
                    int ret = s.get(base);
                    for (int i = 0; i < t.frameSize; i++) {
                        s.set(base + i, 0);
                    }
                    s.set(t.depthSlot, depth - 1);
                    s.set(t.pcSlot, ret);
                    Insn call = code[ret - 1];
                    if (call.local != null) {
                        Ctx caller = new Ctx(s, t, call.proc, Mode.LOCAL, 0);
                        caller.setLocal(call.local, value);
                    }
                }
                case SATURATE -> {
                    if (effects != null && model.reportsSaturation(insn.bound)) {
                        effects.emit(new BoundReached(insn.bound, insn.where));
                    }
                    s.set(t.pcSlot, pc + 1);
                }
                case END -> {
                    s.set(t.pcSlot, done);
                    for (int i = 0; i < t.frameSize; i++) {
                        s.set(t.frameBase + i, 0);
                    }
                    for (Lock l : model.locks()) {
                        if (l.kind().owned() && s.getOwnHold(l.holderVar().slot()) == t.index() + 1) {
                            throw new ModelViolation("lock.exit-held", "thread " + t.name() + " exits holding " + l.name());
                        }
                    }
                }
                default -> throw new IllegalStateException(insn.kind.toString());
            }
        }
    }

    private enum Mode { READ, WRITE, LOCAL }

    /** As {@link Semantics}' context, over an {@link Overlay}. */
    private final class Ctx implements Exec {
        private final Overlay s;
        private final ThreadSpec t;
        private final Procedure proc;
        private final Mode mode;
        private final int alt;
        List<Event> events;

        Ctx(Overlay s, ThreadSpec t, Procedure proc, Mode mode, int alt) {
            this.s = s;
            this.t = t;
            this.proc = proc;
            this.mode = mode;
            this.alt = alt;
        }

        @Override public int get(Var v) {
            if (mode == Mode.LOCAL) {
                throw Semantics.localReadsShared(proc, v);
            }
            if (v.origin != model.origin) {
                throw Model.foreign("variable " + v.name(), v.modelName(), model.name());
            }
            return s.get(v.slot());
        }

        @Override public Model model() { return model; }
        @Override public boolean finished(int th) {
            if (mode == Mode.LOCAL && th != t.index()) {
                throw Semantics.localReadsFinished(model, proc, th);
            }
            return s.get(model.thread(th).pcSlot) == done;
        }
        @Override public int self() { return t.index(); }
        @Override public int choice() { return alt; }

        private int frame() { return t.frameBase + s.get(t.depthSlot) * t.frameSize; }

        private void own(Local l) {
            if (l.owner() != proc) {
                throw new ModelError(l.toString(), "local " + l + " used in procedure " + proc.name());
            }
        }

        @Override public int local(Local l) {
            own(l);
            return s.get(frame() + 1 + l.index());
        }

        @Override public void setLocal(Local l, int value) {
            own(l);
            if (mode == Mode.READ) {
                throw new ModelError(l.toString(), "a guard or label of " + proc.name() + " writes local " + l);
            }
            checkLocal(l, value, "in " + proc.name());
            s.set(frame() + 1 + l.index(), value);
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
            s.set(v.slot(), value);
        }

        @Override public void emit(Event e) {
            if (mode != Mode.WRITE) {
                throw new ModelError(proc.name(), "a guard of " + proc.name() + " emits " + e.describe());
            }
            if (events == null) {
                events = new ArrayList<>(2);
            }
            events.add(e);
        }
    }
}
