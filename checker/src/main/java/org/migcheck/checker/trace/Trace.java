package org.migcheck.checker.trace;

import java.util.ArrayList;
import java.util.List;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.LockEvent;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.ModelViolation;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.Var;

/**
 * A counterexample rendered by replaying its schedule from the initial state: one row per step, with
 * the thread, the kernel function and objects, and the shared variables it changed.
 *
 * @param model   the model replayed
 * @param rows    the steps in order
 * @param states  the state before each step, and after the last one ({@code rows.size() + 1} entries,
 *                or {@code rows.size()} when the last step failed)
 */
public record Trace(Model model, List<Row> rows, List<int[]> states) {

    /**
     * One step of the trace.
     *
     * @param thread   the thread that ran
     * @param label    kernel function and objects, e.g. {@code folio_lock(folio0)}
     * @param writes   every shown variable the step changed, in the model's order; for a step that
     *                 changed none, every one it wrote with the value it already had
     * @param failure  the error the step raised (the last step of a failing schedule), or null
     * @param outcome  what a step that may or may not succeed did ("-> taken", "-> failed, held by T"), or null
     */
    public record Row(int thread, String label, List<Change> writes, String failure, String outcome) {
        public Row {
            writes = List.copyOf(writes); // a remembered trace's rows are handed to every report
        }

        /** The label with the outcome, as traces print it. */
        public String shown() { return outcome == null ? label : label + " " + outcome; }

        /** The writes as the changes column prints them: "variable: new value", "(unchanged)" after a value it had. */
        public List<String> changes() { return writes.stream().map(Change::toString).toList(); }
    }

    /**
     * A shown variable a step wrote: its value after the step, formatted, and whether it had that value
     * before (a write that changes nothing, such as the second of two racing increments, is still shown:
     * it is often what a reader looks for).
     */
    public record Change(String variable, String value, boolean unchanged) {
        @Override public String toString() { return variable + ": " + value + (unchanged ? " (unchanged)" : ""); }
    }

    /**
     * Why thread {@code t} cannot move in {@code s}, or null when it can, has finished, or its block
     * reason itself fails (a malformed model; the check reports that as a model error already).
     */
    public static BlockReason blockReason(Semantics sem, int[] s, int t) {
        try {
            return sem.finished(s, t) ? null : sem.blockReason(s, t);
        } catch (Throwable e) {
            org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
            return null;
        }
    }

    /**
     * The steps of {@code c} after {@code schedule}, replayed from the state the schedule ends in: its rows are
     * the continuation's, its first state is the schedule's last (row i is step {@code schedule.length + i + 1}).
     */
    public static Trace continuation(Model model, int[] schedule, org.migcheck.checker.run.Continuation c) {
        int[] steps = c.steps();
        int[] all = java.util.Arrays.copyOf(schedule, schedule.length + steps.length);
        System.arraycopy(steps, 0, all, schedule.length, steps.length);
        Trace whole = replay(model, all);
        return new Trace(model, whole.rows.subList(schedule.length, whole.rows.size()),
                whole.states.subList(schedule.length, whole.states.size()));
    }

    /** The state after the last successful step. */
    public int[] last() { return states.get(states.size() - 1); }

    /** Labels encode {@code thread | alternative << 8}. */
    public static int thread(int label) { return label & 0xFF; }

    public static int alternative(int label) { return label >>> 8; }

    public static int label(int thread, int alternative) { return thread | (alternative << 8); }

    /** The largest alternative a label holds (24 bits above the thread's 8). */
    public static final int MAX_ALTERNATIVE = org.migcheck.model.lang.Step.MAX_ALTERNATIVES - 1;

    /**
     * Traces already replayed, per model (weakly held) and schedule: a report replays the same path several times (text,
     * swimlane, JSON), and a model whose code is not deterministic could answer differently each time, so that one
     * replay passed where the next one throws. The first replay stands; a deterministic model gives the same either way.
     */
    private static final java.util.Map<Model, java.util.Map<java.util.List<Integer>, Replayed>> REPLAYED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** A replayed trace without its model (a value that held the model would keep its weak key alive). */
    private record Replayed(List<Row> rows, List<int[]> states) {
        /** A trace of its own: the state vectors copied (callers may write into them). */
        Trace trace(Model model) {
            return new Trace(model, rows, states.stream().map(int[]::clone).toList());
        }
    }
    /**
     * Schedules remembered per model: far more than one check asks for (its counterexample, lock-order paths and goal
     * witnesses), so that none is replayed twice while its reports are written; {@link #forget} starts over per check.
     */
    private static final int REMEMBERED = 100_000;

    /** Forgets the traces of {@code model}: a new check of it replays afresh (code outside the model may have changed). */
    public static void forget(Model model) {
        REPLAYED.remove(model);
    }

    /**
     * Replays {@code schedule}. A step that is not possible (unknown thread, finished or blocked
     * thread, missing alternative) is an {@link IllegalArgumentException} naming its position. The same
     * schedule of the same model object gives the same trace (see {@link #REPLAYED}).
     */
    public static Trace replay(Model model, int[] schedule) {
        java.util.List<Integer> key = java.util.Arrays.stream(schedule).boxed().toList();
        java.util.Map<java.util.List<Integer>, Replayed> known;
        synchronized (REPLAYED) {
            known = REPLAYED.computeIfAbsent(model, m -> new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override protected boolean removeEldestEntry(java.util.Map.Entry<java.util.List<Integer>, Replayed> eldest) {
                    return size() > REMEMBERED;
                }
            });
            Replayed r = known.get(key);
            if (r != null) {
                return r.trace(model);
            }
        }
        Trace t = replayOnce(model, schedule);
        synchronized (REPLAYED) {
            return known.computeIfAbsent(key, k -> new Replayed(t.rows(), t.states())).trace(model);
        }
    }

    private static Trace replayOnce(Model model, int[] schedule) {
        Semantics sem = new Semantics(model);
        int[] s = sem.initialState();
        List<Row> rows = new ArrayList<>();
        List<int[]> states = new ArrayList<>();
        states.add(s);
        for (int i = 0; i < schedule.length; i++) {
            int t = thread(schedule[i]);
            int alt = alternative(schedule[i]);
            if (t >= model.threadCount()) {
                throw new IllegalArgumentException("schedule step " + (i + 1) + ": model " + model.name() + " has no thread " + t
                        + " (it has " + model.threadCount() + ")");
            }
            if (sem.finished(s, t)) {
                throw new IllegalArgumentException("schedule step " + (i + 1) + ": thread " + model.thread(t).name() + " has finished");
            }
            if (!sem.enabled(s, t)) {
                throw new IllegalArgumentException("schedule step " + (i + 1) + ": thread " + model.thread(t).name()
                        + " is blocked at " + sem.label(s, t, 0));
            }
            if (alt >= sem.alternatives(s, t)) {
                throw new IllegalArgumentException("schedule step " + (i + 1) + ": " + sem.label(s, t, 0) + " has no alternative " + alt);
            }
            String label = sem.label(s, t, alt);
            try {
                Semantics.Fired fired = sem.fire(s, t, alt);
                int[] next = fired.next();
                rows.add(new Row(t, label, changes(model, s, next, fired.written()), null, outcome(model, fired, s, next)));
                s = next;
                states.add(s);
            } catch (ModelError | ModelViolation e) {
                if (i != schedule.length - 1) {
                    throw new IllegalArgumentException("schedule step " + (i + 1) + " fails before the end: " + e.getMessage());
                }
                rows.add(new Row(t, label, List.of(), e.getMessage(), null));
            }
        }
        return new Trace(model, List.copyOf(rows), List.copyOf(states));
    }

    /**
     * The step at which {@code holder} took {@code lock}, looking back from the state before the last
     * step (for a lock held while the last step takes another), or 0 when held from the start.
     */
    public int heldSinceBefore(Lock lock, int holder) {
        int slot = lock.holderVar().slot();
        int end = Math.min(rows.size() - 1, states.size() - 1);
        for (int i = end; i > 0; i--) {
            if (states.get(i)[slot] == holder + 1 && states.get(i - 1)[slot] != holder + 1) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The kernel path the thread of row {@code row} was on when it took that step, innermost first, as
     * {@link org.migcheck.checker.run.Checker#frames} names it; {@code sem} is this trace's model's.
     */
    public List<String> callStack(Semantics sem, int row) {
        return org.migcheck.checker.run.Checker.frames(sem, states.get(row), rows.get(row).thread());
    }

    /** As {@link #callStack(Semantics, int)}, for one row. */
    public List<String> callStack(int row) {
        return callStack(new Semantics(model), row);
    }

    /**
     * A trylock's outcome, else the shared values the step read and did not change ("reads x=0"), else
     * null. A lock's holder counts as read only where the step is not a lock operation: one that tests
     * whether a folio is locked (compaction's folded trylock of a dirty folio) shows what it saw, while
     * a lock step's outcome already says it.
     */
    private static String outcome(Model model, Semantics.Fired fired, int[] before, int[] after) {
        List<String> read = new ArrayList<>();
        boolean lockStep = fired.events().stream().anyMatch(ev -> ev instanceof LockEvent);
        java.util.Set<Var> holders = new java.util.HashSet<>();
        if (lockStep) {
            for (Lock l : model.locks()) {
                holders.add(l.holderVar());
            }
        }
        fired.reads().forEach((v, value) -> {
            if (v.shown() && !holders.contains(v) && before[v.slot()] == after[v.slot()]) {
                read.add(v.name() + "=" + v.format(value));
            }
        });
        String lock = lockOutcome(model, fired.events());
        if (lock != null || read.isEmpty()) {
            return lock;
        }
        return "[reads " + String.join(", ", read) + "]";
    }

    private static String lockOutcome(Model model, List<Event> events) {
        for (Event e : events) {
            if (e instanceof LockEvent.Acquired a && a.trylock()) {
                return "-> taken";
            }
            if (e instanceof LockEvent.TrylockFailed f) {
                return "-> failed, " + f.lock().name() + " held by " + (f.holder() >= 0 ? model.thread(f.holder()).name() : "another thread");
            }
        }
        return null;
    }

    /**
     * The step at which thread {@code holder} last took {@code lock} before the end of the trace
     * (1-based), or 0 when it held it from the initial state or does not hold it at the end.
     */
    public int heldSince(Lock lock, int holder) {
        int slot = lock.holderVar().slot();
        if (last()[slot] != holder + 1) {
            return 0;
        }
        for (int i = states.size() - 1; i > 0; i--) {
            if (states.get(i - 1)[slot] != holder + 1) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The shown variables the step changed; for a step that changed none, those it wrote with the value
     * they had (the second write of a lost update). A step that changes something lists no unchanged
     * writes: the kernel blocks reset every flag of a folio they allocate or free, most of them already
     * clear, and a row of those would hide what did change.
     */
    private static List<Change> changes(Model model, int[] before, int[] after, java.util.Set<Var> written) {
        List<Change> changed = new ArrayList<>();
        List<Change> rewritten = new ArrayList<>();
        for (Var v : model.vars()) {
            int a = before[v.slot()];
            int b = after[v.slot()];
            if (v.shown() && a != b) {
                changed.add(new Change(v.name(), v.format(b), false));
            } else if (v.shown() && written.contains(v)) {
                rewritten.add(new Change(v.name(), v.format(b), true));
            }
        }
        return changed.isEmpty() ? rewritten : changed;
    }
}
