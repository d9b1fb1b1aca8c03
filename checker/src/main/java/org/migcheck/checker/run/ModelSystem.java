package org.migcheck.checker.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.BoundReached;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.LockEvent;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.ModelViolation;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.StateView;
import org.migcheck.properties.Check;
import org.migcheck.properties.DueRules;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;
import org.migcheck.properties.StepView;

/**
 * Adapts a model and its rules to the engine: transitions are (thread, alternative) pairs encoded
 * as {@code thread | alternative << 8}; step rules run on every transition, invariants on every new
 * state; a state without transitions that is not a valid end is a deadlock.
 *
 * <p>It also keeps, per expanded state, which threads could move and which were blocked (for the
 * stuck-thread analysis) and the lockdep graph.
 */
final class ModelSystem implements TransitionSystem {
    private final Model model;
    private final Semantics sem;
    private final RuleSet rules;
    /** The kernel's rule ids (the lock-order rule's among them): with the rule set's, ids a model's own assertion may not take. */
    private static final java.util.Set<String> KERNEL_RULE_IDS = java.util.Set.copyOf(org.migcheck.properties.KernelRules.all().ids());

    /** The rules this system checks (its lock-order check among them, or not). */
    RuleSet rules() { return rules; }
    final Lockdep lockdep;
    /**
     * Per expanded state id, which threads could move (the low half) and which rested (the high half):
     * the two masks the stuck-thread analysis turns into its answer in place ({@link StateGraph#reach}).
     * {@link #blockedMasks} at id: which threads were blocked. In pages, so growing never copies them.
     */
    private final org.migcheck.checker.engine.LongPages masks = new org.migcheck.checker.engine.LongPages();
    private final org.migcheck.checker.engine.IntPages blockedMasks = new org.migcheck.checker.engine.IntPages(16);
    private final boolean keepMasks;
    /** Which step rules judge a transition (shared with the footprints' tables). */
    private final DueRules dueRules;
    /** The invariants that are not {@link Invariant#vacuous vacuous} on this model, in rule order. */
    private final Invariant[] invariants;
    /**
     * Program counters of transitions reached at least once, taken or blocked at (code coverage).
     * Workers only ever store true, so the plain array needs no lock; the search's barriers publish it.
     */
    private final boolean[] executed;
    /**
     * Per (bound, procedure): the number of states left by a transition that ended a retry loop at
     * its model bound, and the smallest such state id (for an order that does not depend on the
     * worker count). Updated under this object's lock, once per expanded state.
     */
    private final java.util.Map<String, long[]> saturated = new java.util.HashMap<>();
    private final boolean hasBounds;

    ModelSystem(Model model, RuleSet rules) {
        this(model, rules, true);
    }

    /**
     * @param keepMasks  record per expanded state which threads could move, were blocked or rested
     *                   (12 bytes per state; only the stuck-thread analysis reads them)
     */
    ModelSystem(Model model, RuleSet rules, boolean keepMasks) {
        this.model = model;
        this.sem = new Semantics(model);
        this.rules = rules;
        this.lockdep = new Lockdep(model.locks());
        this.invariants = rules.invariants().stream().filter(inv -> !org.migcheck.properties.Rules.vacuous(inv, model)).toArray(Invariant[]::new);
        this.dueRules = new DueRules(model, rules.stepRules());
        this.keepMasks = keepMasks;
        this.executed = new boolean[sem.codeSize() + 1];
        this.hasBounds = !model.bounds().isEmpty();
        Checker.refuseTooManyThreads(model);
    }

    Semantics semantics() { return sem; }

    /** Whether each state's steps run twice and must agree ({@link Options#determinism}). */
    private volatile boolean checkDeterminism;

    /** Runs each state's steps twice from now on, and fails a step whose two runs disagree. */
    void checkDeterminism(boolean on) { checkDeterminism = on; }

    /** One outcome of one run of a state's steps, in the semantics' order: fired, failed, failed in the state, blocked. */
    private record RunOutcome(char kind, int thread, int alt, int[] next, String error) {
        String describe() {
            return switch (kind) {
                case 'F' -> "gave a successor";
                case 'X', 'S' -> "threw " + error;
                default -> "was blocked";
            };
        }
    }

    /** The first run of a state's steps: what each gave, kept for the second. */
    private static final class FirstRun implements Semantics.Sink {
        final List<RunOutcome> got = new ArrayList<>();
        @Override public void fired(int thread, int alt, int[] next, List<Event> events) { got.add(new RunOutcome('F', thread, alt, next, null)); }
        @Override public void failed(int thread, int alt, RuntimeException error) {
            got.add(new RunOutcome(alt < 0 ? 'S' : 'X', thread, alt, null, error.getClass().getName()));
        }
        @Override public void blocked(int thread, BlockReason reason) { got.add(new RunOutcome('B', thread, 0, null, null)); }
    }

    /** Records that an interleaving reached {@code pc}: written once, so workers do not keep stealing the line from each other. */
    private void markExecuted(int pc) {
        if (!executed[pc]) {
            executed[pc] = true;
        }
    }

    /** Whether some interleaving reached the transition at {@code pc} (took it or blocked at it). */
    boolean executed(int pc) { return executed[pc]; }

    /** Bytes of the per-state thread masks (0 when they are not kept). */
    long maskBytes() { return keepMasks ? masks.bytes() + blockedMasks.bytes() : 0; }

    @Override
    public void reserve(int states) {
        if (keepMasks) {
            masks.growTo(states);
            blockedMasks.growTo(states);
        }
    }

    static int label(int thread, int alt) { return thread | (alt << 8); }

    static int thread(int label) { return label & 0xFF; }

    static int alt(int label) { return label >>> 8; }

    @Override public int[] slotMin() { return model.slotMin(); }
    @Override public int[] slotMax() { return model.slotMax(); }

    @Override public int[] initialState() { return sem.initialState(); }

    @Override public int actorOf(int label) { return thread(label); }

    int enabledMask(int id) { return (int) mask(id); }

    int blockedMask(int id) { return id < blockedMasks.size() ? blockedMasks.get(id) : 0; }

    /** Threads that have finished or rest at an idle point in state {@code id}. */
    int restMask(int id) { return (int) (mask(id) >>> 32); }

    /**
     * The enabled (low half) and resting (high half) masks themselves, one long per state; the
     * stuck-thread analysis rewrites them in place ({@link StateGraph#reach}), after which they are
     * read with {@link #canMoveMask} and {@link #canRestMask}.
     */
    org.migcheck.checker.engine.LongPages masks() { return masks; }

    /** After {@link StateGraph#reach}: the threads that can move again from state {@code id}. */
    int canMoveMask(int id) { return (int) mask(id); }

    /** After {@link StateGraph#reach}: the threads that can come to rest from state {@code id}. */
    int canRestMask(int id) { return (int) (mask(id) >>> 32); }

    private long mask(int id) { return id < masks.size() ? masks.get(id) : 0; }


    /** An {@link Expander} padded on both sides: each worker thread writes its own on every transition. */
    private final class PaddedExpander extends Expander {
        long t0, t1, t2, t3, t4, t5, t6, t7;
    }

    /**
     * One worker thread's expansion of one state at a time: the semantics' scratch buffers (no vector,
     * context or event list per successor when the receiver packs vectors at once) and the sink.
     */
    private class Expander extends org.migcheck.checker.engine.LinePadded implements Semantics.Sink {
        final Semantics.Scratch scratch = sem.newScratch();
        /** Why each thread in {@link #waiting} cannot move (kept per thread; a list is built only for a deadlock). */
        final BlockReason[] reasons = new BlockReason[model.threadCount()];
        /** Threads that reported a block reason in this expansion (idle ones included). */
        int waiting;
        /** A view of the scratch's successor vector (the same array for every successor). */
        StateView scratchAfter;
        int id;
        int[] state;
        Successors out;
        StateView before;
        /** The array {@link #before} views: the engine expands from one buffer per worker, so the view is reused. */
        int[] beforeOf;
        boolean reuse;
        int enabled;
        int blocked;
        java.util.Set<String> saturating;
        /** The transition a step rule is looking at (read by {@link #labelFn} and {@link #stackFn} during the check). */
        int ruleThread;
        int ruleAlt;
        /** The step view's label and call stack, computed only when a rule asks, from the fields above. */
        final java.util.function.Supplier<String> labelFn = () -> sem.label(state, ruleThread, ruleAlt);
        final java.util.function.Supplier<List<String>> stackFn = () -> sem.callStack(state, ruleThread);
        /** The determinism check: what the first run of this state's steps gave (null: no check), and how far the second has come. */
        List<RunOutcome> firstRun;
        int compared;

        /**
         * The determinism check: whether the second run's next outcome is the first run's; when not, the step fails
         * (once per state: later outcomes are not compared) and this returns false.
         */
        private boolean agrees(char kind, int thread, int alt, int[] next, RuntimeException error) {
            if (firstRun == null) {
                return true;
            }
            RunOutcome was = compared < firstRun.size() ? firstRun.get(compared) : null;
            compared++;
            if (was != null && was.kind == kind && was.thread == thread && was.alt == alt
                    && (kind != 'F' || Arrays.equals(was.next, next))
                    && (error == null || error.getClass().getName().equals(was.error))) {
                return true;
            }
            RunOutcome now = new RunOutcome(kind, thread, alt, next, error == null ? null : error.getClass().getName());
            notDeterministic(was, now);
            return false;
        }

        /** Fails the step of {@code now} (or of {@code was}, when the second run gave nothing more). */
        private void notDeterministic(RunOutcome was, RunOutcome now) {
            firstRun = null;
            RunOutcome at = now != null ? now : was;
            String what = was == null ? "the first run had no such step"
                    : now == null ? "the first time it " + was.describe() + ", the second time it did not run"
                    : was.kind == 'F' && now.kind == 'F' && was.thread == now.thread && was.alt == now.alt
                    ? "its two runs gave different successors"
                    : "the first time " + model.thread(was.thread).name() + "'s step " + was.describe() + ", the second time "
                            + model.thread(now.thread).name() + "'s step " + now.describe();
            String step;
            try {
                step = sem.label(state, at.thread, Math.max(0, at.alt));
            } catch (RuntimeException e) {
                step = "?";
            }
            out.failure(label(at.thread, Math.max(0, at.alt)), new Problem.ModelFault(org.migcheck.checker.engine.Search.NOT_DETERMINISTIC,
                    "the model is not deterministic: its steps, run twice on the same state, disagree (" + what + ")"
                            + Checker.NOT_DETERMINISTIC_WHY + " (thread " + model.thread(at.thread).name() + ", step " + step + ")",
                    at.thread, Math.max(0, at.alt)));
        }

        @Override public void fired(int thread, int alt, int[] next, List<Event> events) {
            enabled |= 1 << thread;
            if (firstRun != null && !agrees('F', thread, alt, next, null)) {
                return;
            }
            markExecuted(sem.pc(state, thread));
            int label = label(thread, alt);
            if (hasBounds && id >= 0 && !events.isEmpty()) {
                collectSaturation(this, events);
            }
            // the step rules that can fail here, as bits in rule order: those without triggers, those with a
            // trigger type among the events (a rule skipped would have passed: the promise of its triggers);
            // rules past the 63rd share the last bit and are always due
            long due = dueRules.always();
            for (int i = 0; i < events.size(); i++) {
                due |= due(events.get(i).getClass());
            }
            if (dueRules.watchesAny(due)) {
                due = dueRules.dropUnchanged(due, state, next);
            }
            if (due != 0 || rules.lockdep()) {
                if (reuse && scratchAfter == null) {
                    scratchAfter = sem.view(next);
                }
                ruleThread = thread;
                ruleAlt = alt;
                StepView view = due == 0 ? null : new StepView(model, thread, labelFn, events, before,
                        reuse ? scratchAfter : sem.view(next), stackFn);
                for (int i = 0; due != 0 && i < dueRules.size(); i++) {
                    if ((due & DueRules.bit(i)) == 0) {
                        continue;
                    }
                    StepRule r = dueRules.rule(i);
                    Check c;
                    try {
                        c = r.check(view);
                    } catch (Throwable err) {
                        org.migcheck.model.lang.UserCode.rethrowJvmFailure(err);
                        out.failure(label, new Problem.ModelFault(r.id(), ruleThrew("step rule", r.id(), err), thread, alt));
                        return;
                    }
                    if (c == null) {
                        // not a pass: a rule with a bug would hide its violations
                        out.failure(label, new Problem.ModelFault(r.id(), org.migcheck.properties.Rules.returnedNull("step rule", r.id()), thread, alt));
                        return;
                    }
                    if (c instanceof Check.Violated v) {
                        // the transition fails: it has no successor (random walks must not step over it)
                        out.failure(label, new Problem.RuleBroken("step rule", r.id(), v.message(), thread));
                        return;
                    }
                }
                if (rules.lockdep() && (id >= 0 || out.wantsMarks())) {
                    for (int i = 0; i < events.size(); i++) {
                        if (events.get(i) instanceof LockEvent.Acquired a && !a.trylock()) {
                            if (id >= 0) {
                                lockdep.acquired(before, thread, a.lock(), id, label);
                            } else {
                                lockdep.mark(before, thread, a.lock(), label, out);
                            }
                        }
                    }
                }
            }
            out.successor(label, next);
        }

        /** {@link DueRules#triggeredBy} answers for the event types this expander has met (a model emits a handful). */
        private Class<?>[] dueTypes = new Class<?>[8];
        private long[] dueMasks = new long[8];
        private int dueKnown;

        private long due(Class<?> type) {
            for (int i = 0; i < dueKnown; i++) {
                if (dueTypes[i] == type) {
                    return dueMasks[i];
                }
            }
            long mask = dueRules.triggeredBy(type);
            if (dueKnown == dueTypes.length) {
                dueTypes = Arrays.copyOf(dueTypes, dueKnown * 2);
                dueMasks = Arrays.copyOf(dueMasks, dueKnown * 2);
            }
            dueTypes[dueKnown] = type;
            dueMasks[dueKnown++] = mask;
            return mask;
        }

        @Override public void failed(int thread, int alt, RuntimeException error) {
            if (firstRun != null && !agrees(alt < 0 ? 'S' : 'X', thread, alt, null, error)) {
                enabled |= alt < 0 ? 0 : 1 << thread;
                return;
            }
            if (alt < 0) {
                // raised while finding out why a blocked thread waits: the state itself is the counterexample
                ModelError m = (ModelError) error;
                out.stateFailure(new Problem.ModelFault(m.element(), m.getMessage(), thread, 0));
                return;
            }
            enabled |= 1 << thread;
            int label = label(thread, alt);
            if (error instanceof ModelViolation v && v.ruleId().startsWith("lock.")) {
                out.failure(label, new Problem.RuleBroken("lock rule", v.ruleId(), v.getMessage(), thread));
            } else if (error instanceof ModelViolation v && (KERNEL_RULE_IDS.contains(v.ruleId()) || rules.ids().contains(v.ruleId()))) {
                // the model's own assertion under a rule's id, whichever rules a check selects (--rule, --skip-rule): a review
                // saw assertThat("atomic.sleep", ...) reported as the kernel rule, with its statement, and assertViolates pass
                out.failure(label, new Problem.ModelFault(model.thread(thread).name(), "the model's own assertion in thread "
                        + model.thread(thread).name() + " failed under the id " + v.ruleId() + ", which is a rule's (of the rule set"
                        + " checked or the kernel's): give the model's check an id of its own (" + v.getMessage() + ")", thread, alt));
            } else if (error instanceof ModelViolation v) {
                out.failure(label, new Problem.RuleBroken("assertion", v.ruleId(), v.getMessage(), thread));
            } else {
                ModelError m = (ModelError) error;
                out.failure(label, new Problem.ModelFault(m.element(), m.getMessage(), thread, alt));
            }
        }

        @Override public void blocked(int thread, BlockReason reason) {
            if (firstRun != null && !agrees('B', thread, 0, null, null)) {
                enabled |= 1 << thread;
                return;
            }
            markExecuted(sem.pc(state, thread));
            if (!sem.atIdlePoint(state, thread)) {
                blocked |= 1 << thread;
            }
            reasons[thread] = reason;
            waiting |= 1 << thread;
        }
    }

    /**
     * Expanders of the threads that call {@link #expand}; each thread uses its own. Not a ThreadLocal: an expander refers to this system, so as a thread-local value it would keep
     * its own key reachable and every system a thread ever used (tests run thousands) alive.
     */
    private final java.util.concurrent.ConcurrentHashMap<Thread, Expander> expanders = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void expand(int id, int[] state, Successors out) {
        Expander x = expanders.get(Thread.currentThread()); // no capturing lambda per call: that allocates
        if (x == null) {
            x = expanders.computeIfAbsent(Thread.currentThread(), t -> new PaddedExpander());
        }
        if (x.out != null) {
            x = new Expander(); // re-entered from a receiver on this thread: buffers of its own
        }
        x.id = id;
        x.state = state;
        x.out = out;
        x.reuse = !out.keepsVectors();
        x.enabled = 0;
        x.blocked = 0;
        x.waiting = 0;
        x.saturating = null;
        if (x.beforeOf != state) {
            x.before = sem.view(state);
            x.beforeOf = state;
        }
        if (checkDeterminism) {
            FirstRun first = new FirstRun();
            sem.expand(state, null, first);
            x.firstRun = first.got;
            x.compared = 0;
        }
        try {
            sem.expand(state, x.reuse ? x.scratch : null, x);
            if (x.firstRun != null && x.compared < x.firstRun.size()) {
                x.enabled |= 1 << x.firstRun.get(x.compared).thread;
                x.notDeterministic(x.firstRun.get(x.compared), null);
            }
            finish(x);
        } finally {
            x.out = null;
            x.state = null;
            x.firstRun = null;
        }
    }

    private void finish(Expander x) {
        int id = x.id;
        int[] state = x.state;
        if (x.saturating != null && !x.saturating.isEmpty()) {
            countSaturation(id, x.saturating);
        }
        int rest = 0;
        for (int t = 0; t < model.threadCount(); t++) {
            if (sem.finished(state, t) || sem.atIdlePoint(state, t)) {
                rest |= 1 << t;
            }
        }
        record(id, x.enabled, x.blocked, rest);
        int all = (1 << model.threadCount()) - 1; // at most 31 threads (constructor)
        if (x.enabled == 0 && rest != all) { // not a valid end: some thread neither finished nor idle
            List<Problem.Blocked> stuck = new ArrayList<>();
            for (int t = 0; t < model.threadCount(); t++) { // thread order, as the semantics reported them
                if ((x.waiting & (1 << t)) != 0 && !sem.atIdlePoint(state, t)) {
                    stuck.add(new Problem.Blocked(t, x.reasons[t]));
                }
            }
            x.out.stateFailure(new Problem.Deadlock(stuck));
        }
    }

    private void record(int id, int enabled, int blocked, int rest) {
        if (id < 0 || !keepMasks) {
            return; // expansions outside the exhaustive search (random walks, replays) keep no graph
        }
        if (id >= blockedMasks.size()) {
            synchronized (this) { // DFS and sequential callers that did not reserve
                reserve(id + 1);
            }
        }
        masks.set(id, (enabled & 0xFFFF_FFFFL) | ((long) rest << 32));
        blockedMasks.set(id, blocked);
    }

    /** Whether some active step rule may judge an inert step ({@link DueRules#judgesInertSteps}). */
    boolean judgesInertSteps() {
        return dueRules.judgesInertSteps();
    }

    @Override
    public Failure checkState(int[] state) {
        if (invariants.length == 0) {
            return null;
        }
        StateView view = sem.view(state);
        for (Invariant inv : invariants) {
            Check c;
            try {
                c = inv.check(view);
            } catch (Throwable err) {
                org.migcheck.model.lang.UserCode.rethrowJvmFailure(err);
                return new Problem.ModelFault(inv.id(), ruleThrew("invariant", inv.id(), err), -1, 0);
            }
            if (c == null) {
                return new Problem.ModelFault(inv.id(), org.migcheck.properties.Rules.returnedNull("invariant", inv.id()), -1, 0);
            }
            if (c instanceof Check.Violated v) {
                return new Problem.RuleBroken("invariant", inv.id(), v.message(), -1);
            }
        }
        return null;
    }

    /** A goal's predicate that threw: the model's error, with {@link #ruleThrew}'s message naming the goal and its line. */
    static final class GoalFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String goal;

        GoalFailed(String goal, Throwable cause) {
            super(ruleThrew("goal", goal, cause), cause, false, false);
            this.goal = goal;
        }
    }

    /** Goal {@code name}'s answer on {@code view}; an exception or error of its predicate is a {@link GoalFailed}. */
    static boolean reached(String name, java.util.function.Predicate<org.migcheck.model.lang.StateView> goal,
            org.migcheck.model.lang.StateView view) {
        try {
            return goal.test(view);
        } catch (Throwable err) {
            org.migcheck.model.lang.UserCode.rethrowJvmFailure(err);
            throw new GoalFailed(name, err);
        }
    }

    /** "step rule X threw ...": a rule with a bug is a model error naming it, not a raw exception. */
    static String ruleThrew(String kind, String id, Throwable err) {
        // the rule's own line (its first frame outside the JDK and migcheck's model): where a user starts looking
        return kind + " " + id + " threw " + (err instanceof ModelError ? err.getMessage() : err.toString()) + ScenarioRunner.where(err);
    }

    /** Records the model bounds the events say were reached (the set is made on the first one only). */
    private static void collectSaturation(Expander x, List<Event> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof BoundReached b) {
                if (x.saturating == null) {
                    x.saturating = new java.util.LinkedHashSet<>();
                }
                x.saturating.add(b.bound().name() + "\u0000" + b.procedure());
            }
        }
    }

    /** State {@code id} saturates the bounds {@code keys} (called once per expanded state, from any worker). */
    private synchronized void countSaturation(int id, java.util.Set<String> keys) {
        for (String key : keys) {
            long[] n = saturated.computeIfAbsent(key, k -> new long[] {0, Long.MAX_VALUE});
            n[0]++;
            n[1] = Math.min(n[1], id);
        }
    }

    /** The model bounds saturated in the exhaustive search so far, with the number of states, first met first. */
    synchronized List<CheckResult.Saturation> saturations() {
        List<CheckResult.Saturation> out = new ArrayList<>();
        List<java.util.Map.Entry<String, long[]>> ordered = new ArrayList<>(saturated.entrySet());
        ordered.sort((x, y) -> x.getValue()[1] != y.getValue()[1] ? Long.compare(x.getValue()[1], y.getValue()[1])
                : x.getKey().compareTo(y.getKey()));
        ordered.forEach(entry -> {
            String key = entry.getKey();
            long[] n = entry.getValue();
            String[] parts = key.split("\u0000", 2);
            for (org.migcheck.model.lang.Bound b : model.bounds()) {
                if (b.name().equals(parts[0])) {
                    out.add(new CheckResult.Saturation(b.name(), parts[1], model.limit(b), n[0], b.source()));
                }
            }
        });
        return out;
    }
}
