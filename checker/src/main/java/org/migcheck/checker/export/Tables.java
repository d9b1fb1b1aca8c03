package org.migcheck.checker.export;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.ModelViolation;
import org.migcheck.model.lang.Probe;
import org.migcheck.model.lang.Semantics;
import org.migcheck.properties.Check;
import org.migcheck.properties.DueRules;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;
import org.migcheck.properties.StepView;

/**
 * Every transition and invariant of a model as an exact table over the slots it reads.
 *
 * <p>How: a transition (thread t at program counter pc, alternative a) is run by {@link Probe} on a
 * state that is known only slot by slot. When it reads a slot not yet fixed, the run is abandoned and
 * repeated once for every value that slot can take; the result is a decision tree whose inner nodes
 * are the slots read (in the order the model code reads them) and whose leaves are the outcome:
 * blocked, failed (model error, assertion, step rule) or fired with the slots written. Because a run
 * is repeated for every value of every slot it reads, the tree is the step's behaviour on every state
 * whose slots take those values, not only on states some search reached.
 *
 * <p>Which values can a slot take? Each slot's value set starts as its initial value and grows by
 * every value some tabulated transition writes to it, until nothing changes (a fixpoint). Every
 * reachable state has each slot inside its set (by induction over the path to it), so the tables cover
 * all reachable states; they may also cover some unreachable ones, which is harmless. Nothing here
 * looks at which states the migcheck search visits.
 */
final class Tables {
    /** Probes per transition before the transition is declared too large to tabulate. */
    static final int PER_TABLE_LIMIT = 250_000;
    /** Probes for the whole model. */
    static final long TOTAL_LIMIT = 6_000_000;

    /** A decision-tree node; instances are interned, so equal subtrees are the same object. */
    abstract static sealed class Node permits Branch, Leaf {
        int hash;
    }

    /** Reads {@code slot}; child i is for {@code values[i]}. */
    static final class Branch extends Node {
        final int slot;
        final int[] values;
        final Node[] children;

        Branch(int slot, int[] values, Node[] children) {
            this.slot = slot;
            this.values = values;
            this.children = children;
            int h = slot * 31 + Arrays.hashCode(values);
            for (Node c : children) {
                h = h * 31 + System.identityHashCode(c);
            }
            this.hash = h;
        }

        @Override public boolean equals(Object o) {
            if (!(o instanceof Branch b) || b.slot != slot || !Arrays.equals(values, b.values) || b.children.length != children.length) {
                return false;
            }
            for (int i = 0; i < children.length; i++) {
                if (children[i] != b.children[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override public int hashCode() { return hash; }
    }

    enum Kind { BLOCKED, FAIL, FIRE, OK }

    /**
     * An outcome. FIRE: {@code writes} (slot to value, sorted by slot) and the next program counter;
     * FAIL: {@code failure} names the Promela flag of the failure (model_error, violated_RULE).
     */
    static final class Leaf extends Node {
        final Kind kind;
        final TreeMap<Integer, Integer> writes;
        final String failure;
        final int nextPc;

        Leaf(Kind kind, TreeMap<Integer, Integer> writes, String failure, int nextPc) {
            this.kind = kind;
            this.writes = writes;
            this.failure = failure;
            this.nextPc = nextPc;
            this.hash = Objects.hash(kind, writes, failure, nextPc);
        }

        @Override public boolean equals(Object o) {
            return o instanceof Leaf l && l.kind == kind && Objects.equals(l.writes, writes) && Objects.equals(l.failure, failure)
                    && l.nextPc == nextPc;
        }

        @Override public int hashCode() { return hash; }
    }

    /** A transition's table. */
    record Transition(int thread, int pc, int alt, Node tree) {}

    /** An invariant's table: leaves OK or FAIL. */
    record InvariantTable(Invariant invariant, Node tree) {}

    final Model model;
    final Probe probe;
    final RuleSet rules;
    final int[] init;
    final int[] slotMin;
    final BitSet[] values;
    /** Flag name of each failure (model_error, violated_RULE) to what it stands for. */
    final Map<String, String> failures = new LinkedHashMap<>();
    final Map<List<Integer>, Transition> transitions = new LinkedHashMap<>();
    final List<InvariantTable> invariants = new ArrayList<>();
    long probes;
    /** Control tuples compared with a partial state, all probes together. */
    long tupleWork;
    private final Map<Node, Node> interned = new HashMap<>();
    /** Keep the decision trees (the exporter); without them only the footprints below are collected. */
    private final boolean keepTrees;
    private final long totalLimit;
    /** Per transition key (thread, pc, alternative): every slot any probe of it read, and wrote. */
    final Map<List<Integer>, BitSet> readSets = new HashMap<>();
    final Map<List<Integer>, BitSet> writeSets = new HashMap<>();
    /** Per transition key: the program counters its firing leaves go to. */
    final Map<List<Integer>, BitSet> nextPcs = new HashMap<>();
    /**
     * Per transition key: the lock holder slots it may change while another thread holds that lock
     * (a bit lock released by a thread other than the one that took it), which lockdep reads.
     */
    final Map<List<Integer>, BitSet> otherHolds = new HashMap<>();
    /**
     * Per transition key: owned locks' holder slots that an exit check read (footprints only). They
     * are footprint reads only where some transition may change another thread's hold of that lock
     * ({@link #otherHolds}), which the lock steps never do.
     */
    final Map<List<Integer>, BitSet> ownHoldReadSets = new HashMap<>();
    /** Slots each invariant and each reachability goal reads. */
    final BitSet propertyReads = new BitSet();
    private BitSet curWrites;
    private BitSet curNext;
    private BitSet curOtherHolds;
    private final BitSet holderSlots = new BitSet();

    Tables(Model model, RuleSet rules) {
        this(model, rules, true, TOTAL_LIMIT);
    }

    /**
     * @param keepTrees  build the decision trees (the exporter); false: collect footprints only
     * @param totalLimit probes for the whole model before it is {@link NotExpressible}
     */
    Tables(Model model, RuleSet rules, boolean keepTrees, long totalLimit) {
        this.keepTrees = keepTrees;
        this.totalLimit = totalLimit;
        for (org.migcheck.model.lang.Lock l : model.locks()) {
            holderSlots.set(l.holderVar().slot());
        }
        this.model = model;
        this.probe = new Probe(model);
        this.rules = rules;
        this.init = new Semantics(model).initialState();
        this.slotMin = model.slotMin();
        int[] max = model.slotMax();
        for (int s = 0; s < model.stateSize(); s++) {
            // a slot's values are indexed by their offset from its minimum, in an int: a wider domain cannot be tabulated
            // (shared variables and the locals of procedures' frames alike: a review's local of the whole int range ended
            // the export in an internal error)
            if ((long) max[s] - slotMin[s] >= Integer.MAX_VALUE) {
                String name = slotName(s);
                int slot = s;
                boolean shared = model.vars().stream().anyMatch(v -> v.slot() == slot);
                throw new NotExpressible((shared ? "variable " : "local ") + name + " of model " + model.name() + " has a domain of "
                        + String.format(java.util.Locale.ROOT, "%,d", (long) max[s] - slotMin[s] + 1)
                        + " values [" + slotMin[s] + ", " + max[s] + "]; the tables of step footprints and of"
                        + " the Promela export take domains of fewer than 2^31 values");
            }
        }
        this.values = new BitSet[model.stateSize()];
        for (int s = 0; s < values.length; s++) {
            values[s] = new BitSet();
            values[s].set(init[s] - slotMin[s]);
        }
        build();
    }

    /** A readable name of slot {@code s}: the variable, or thread.pc/depth/frame d slot i. */
    String slotName(int s) {
        for (org.migcheck.model.lang.Var v : model.vars()) {
            if (v.slot() == s) {
                return v.name();
            }
        }
        for (int t = 0; t < model.threadCount(); t++) {
            Probe.Layout l = probe.layout(t);
            String th = model.thread(t).name();
            if (s == l.pcSlot()) {
                return th + ".pc";
            }
            if (s == l.depthSlot()) {
                return th + ".depth";
            }
            if (s >= l.frameBase() && s < l.frameBase() + (l.maxDepth() + 1) * l.frameSize()) {
                int d = (s - l.frameBase()) / l.frameSize();
                int i = (s - l.frameBase()) % l.frameSize();
                return th + ".frame" + d + (i == 0 ? ".ret" : ".local" + (i - 1));
            }
        }
        return "slot" + s;
    }

    /** The values slot {@code s} can take, ascending. */
    int[] valuesOf(int s) {
        return values[s].stream().map(v -> v + slotMin[s]).toArray();
    }

    /**
     * Local state of each thread: the reachable tuples of all its slots (pc, depth, every frame's
     * return pc and locals), by pc. Kept as whole tuples, not as independent value sets, so that a
     * return goes only to a caller that can really be on the stack at that depth, and locals are
     * combined only as the thread's own code can combine them.
     */
    private final List<Map<Integer, Set<List<Integer>>>> control = new ArrayList<>();
    /** Per thread, the slots of its local-state tuple: pc, depth, frames. */
    private final List<int[]> controlSlots = new ArrayList<>();
    /** For each slot: the thread whose control tuple holds it, or -1; and its index in the tuple. */
    private int[] controlThread;
    private int[] controlIndex;

    private int curThread = -1;
    private int curPc;
    private final List<int[]> pendingWrites = new ArrayList<>();
    private final List<List<Integer>> pendingTuples = new ArrayList<>();

    private void build() {
        controlThread = new int[model.stateSize()];
        controlIndex = new int[model.stateSize()];
        Arrays.fill(controlThread, -1);
        for (int t = 0; t < model.threadCount(); t++) {
            Probe.Layout l = probe.layout(t);
            // the thread's slots are contiguous: pc, depth, then the frames
            int[] cs = new int[2 + (l.maxDepth() + 1) * l.frameSize()];
            for (int i = 0; i < cs.length; i++) {
                cs[i] = l.pcSlot() + i;
            }
            if (cs[1] != l.depthSlot() || cs[2] != l.frameBase()) {
                throw new IllegalStateException("unexpected state layout of thread " + model.thread(t).name());
            }
            for (int i = 0; i < cs.length; i++) {
                controlThread[cs[i]] = t;
                controlIndex[cs[i]] = i;
            }
            controlSlots.add(cs);
            List<Integer> tuple = new ArrayList<>();
            for (int x : cs) {
                tuple.add(init[x]);
            }
            Map<Integer, Set<List<Integer>>> byPc = new HashMap<>();
            byPc.computeIfAbsent(init[l.pcSlot()], k -> new LinkedHashSet<>()).add(List.copyOf(tuple));
            control.add(byPc);
        }
        Map<Integer, Set<List<Integer>>> readers = new HashMap<>();
        ArrayDeque<List<Integer>> work = new ArrayDeque<>();
        Set<List<Integer>> queued = new LinkedHashSet<>();
        for (int t = 0; t < model.threadCount(); t++) {
            enqueuePc(t, init[probe.layout(t).pcSlot()], work, queued);
        }
        while (!work.isEmpty()) {
            List<Integer> key = work.poll();
            queued.remove(key);
            int t = key.get(0);
            int pc = key.get(1);
            int alt = key.get(2);
            Set<Integer> reads = new LinkedHashSet<>();
            curThread = t;
            curPc = pc;
            curWrites = writeSets.computeIfAbsent(key, k -> new BitSet());
            curNext = nextPcs.computeIfAbsent(key, k -> new BitSet());
            curOtherHolds = otherHolds.computeIfAbsent(key, k -> new BitSet());
            pendingWrites.clear();
            pendingTuples.clear();
            Node tree = tabulate(reads, probe.layout(t).pcSlot(), pc, assign -> transitionLeaf(t, alt, assign),
                    "step " + probe.describe(pc) + (probe.alternatives(pc) > 1 ? " (alternative " + alt + ")" : "")
                            + " of thread " + model.thread(t).name());
            transitions.put(key, new Transition(t, pc, alt, tree));
            BitSet rs = readSets.computeIfAbsent(key, k -> new BitSet());
            for (int s : reads) {
                rs.set(s);
            }
            for (int s : reads) {
                readers.computeIfAbsent(s, k -> new LinkedHashSet<>()).add(key);
            }
            for (int s : ownHoldReads) {
                readers.computeIfAbsent(s, k -> new LinkedHashSet<>()).add(key);
                ownHoldReadSets.computeIfAbsent(key, k -> new BitSet()).set(s);
            }
            for (int[] w : pendingWrites) {
                int s = w[0];
                int bit = w[1] - slotMin[s];
                if (values[s].get(bit)) {
                    continue;
                }
                values[s].set(bit);
                for (List<Integer> k : readers.getOrDefault(s, Set.of())) {
                    if (queued.add(k)) {
                        work.add(k);
                    }
                }
            }
            for (List<Integer> tuple : pendingTuples) {
                int npc = tuple.get(0);
                if (control.get(t).computeIfAbsent(npc, k -> new LinkedHashSet<>()).add(tuple)) {
                    enqueuePc(t, npc, work, queued);
                }
            }
        }
        curThread = -1;
        for (Invariant inv : rules.invariants()) {
            if (org.migcheck.properties.Rules.vacuous(inv, model)) {
                continue; // never evaluated on this model, by the search or in the export
            }
            Set<Integer> reads = new LinkedHashSet<>();
            Node tree = tabulate(reads, -1, 0, assign -> invariantLeaf(inv, assign), "invariant " + inv.id());
            invariants.add(new InvariantTable(inv, tree));
            reads.forEach(propertyReads::set);
        }
        for (Map.Entry<String, java.util.function.Predicate<org.migcheck.model.lang.StateView>> g
                : keepTrees ? Map.<String, java.util.function.Predicate<org.migcheck.model.lang.StateView>>of().entrySet() : model.goals().entrySet()) {
            Set<Integer> reads = new LinkedHashSet<>();
            tabulate(reads, -1, 0, assign -> goalLeaf(g.getValue(), assign), "goal " + g.getKey());
            reads.forEach(propertyReads::set);
        }
    }

    private Leaf goalLeaf(java.util.function.Predicate<org.migcheck.model.lang.StateView> goal, Assignment state) {
        boolean reached;
        try {
            reached = goal.test(probe.view(state));
        } catch (Throwable e) {
            org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
            return new Leaf(Kind.OK, null, null, -1); // the search reports it; only the slots read so far matter here
        }
        return new Leaf(Kind.OK, null, null, reached ? 1 : 0);
    }

    /** Control tuples of the current thread at the current pc that agree with the fixed control slots. */
    private List<List<Integer>> consistentTuples(Assignment a) {
        List<List<Integer>> out = new ArrayList<>();
        int[] cs = controlSlots.get(curThread);
        for (List<Integer> tuple : control.get(curThread).getOrDefault(curPc, Set.of())) {
            tupleWork++;
            boolean ok = true;
            for (int i = 0; i < cs.length && ok; i++) {
                ok = !a.fixed[cs[i]] || a.value[cs[i]] == tuple.get(i);
            }
            if (ok) {
                out.add(tuple);
            }
        }
        return out;
    }

    /** The values to try for {@code slot} under the partial state {@code a}, ascending. */
    private int[] candidates(int slot, Assignment a) {
        if (curThread >= 0 && controlThread[slot] == curThread) {
            java.util.TreeSet<Integer> vals = new java.util.TreeSet<>();
            for (List<Integer> tuple : consistentTuples(a)) {
                vals.add(tuple.get(controlIndex[slot]));
            }
            return vals.stream().mapToInt(Integer::intValue).toArray();
        }
        return valuesOf(slot);
    }

    /** Records what a fired leaf writes: new values, and new control tuples of the running thread. */
    private void fired(Assignment a, Leaf leaf) {
        int[] cs = controlSlots.get(curThread);
        for (Map.Entry<Integer, Integer> w : leaf.writes.entrySet()) {
            pendingWrites.add(new int[] {w.getKey(), w.getValue()});
            int slot = w.getKey();
            curWrites.set(slot);
            if (holderSlots.get(slot)) {
                // lockdep reads "does thread u hold this lock" for other threads u: a write that may end
                // or start another thread's hold changes what lockdep sees in that thread's steps
                int before = a.fixed[slot] ? a.value[slot] : -1;
                if (before < 0 || (before != 0 && before != curThread + 1) || (w.getValue() != 0 && w.getValue() != curThread + 1)) {
                    curOtherHolds.set(slot);
                }
            }
        }
        curNext.set(leaf.nextPc);
        for (List<Integer> tuple : consistentTuples(a)) {
            List<Integer> next = new ArrayList<>(tuple);
            for (int i = 0; i < cs.length; i++) {
                Integer w = leaf.writes.get(cs[i]);
                if (w != null) {
                    next.set(i, w);
                }
            }
            pendingTuples.add(List.copyOf(next));
        }
    }

    private void enqueuePc(int t, int pc, ArrayDeque<List<Integer>> work, Set<List<Integer>> queued) {
        if (!probe.isTransition(pc)) {
            return;
        }
        for (int a = 0; a < probe.alternatives(pc); a++) {
            List<Integer> key = List.of(t, pc, a);
            if (queued.add(key)) {
                work.add(key);
            }
        }
    }

    /** Thrown by the reader when the run meets a slot that is not fixed yet. */
    private static final class Need extends org.migcheck.model.lang.UserCode.Passing {
        private static final long serialVersionUID = 1L;
        int slot;
        /** The read is an exit check's read of an owned lock's holder (see {@link Probe.Reader#readOwnHold}). */
        boolean ownHold;
    }

    private final Need need = new Need();

    /** A partial state: the fixed slots. */
    final class Assignment implements Probe.Reader {
        final int[] value = new int[model.stateSize()];
        final boolean[] fixed = new boolean[model.stateSize()];

        /** Slots fixed by an exit check's read of an owned lock's holder only: a later ordinary read still counts. */
        final boolean[] ownHoldOnly = new boolean[model.stateSize()];
        /** Ordinary reads of slots that an exit check had fixed first: footprint reads all the same. */
        final Set<Integer> lateReads = new LinkedHashSet<>();

        @Override public int read(int slot) {
            if (!fixed[slot]) {
                need.slot = slot;
                need.ownHold = false;
                throw need;
            }
            if (ownHoldOnly[slot]) {
                lateReads.add(slot);
            }
            return value[slot];
        }

        @Override public int readOwnHold(int slot) {
            if (!fixed[slot]) {
                need.slot = slot;
                need.ownHold = !keepTrees; // footprints only: the exporter's tables read it like any slot
                throw need;
            }
            return value[slot];
        }
    }

    interface Evaluator {
        Leaf eval(Assignment a);
    }

    private int budget;

    /** Exit checks' reads of owned locks' holders in the current tabulation (footprints only). */
    private final Set<Integer> ownHoldReads = new LinkedHashSet<>();

    private Node tabulate(Set<Integer> reads, int fixedSlot, int fixedValue, Evaluator ev, String what) {
        ownHoldReads.clear();
        Assignment a = new Assignment();
        if (fixedSlot >= 0) {
            a.fixed[fixedSlot] = true;
            a.value[fixedSlot] = fixedValue;
        }
        budget = PER_TABLE_LIMIT;
        Node tree = explore(a, reads, ev, what);
        reads.addAll(a.lateReads);
        return tree;
    }

    /** "page0.ref (8 values), C1.depth (3 values)": the slots a table reads, with the size of each one's value set. */
    private String readsText(Set<Integer> reads) {
        StringBuilder r = new StringBuilder();
        for (int x : reads) {
            r.append(r.length() == 0 ? "" : ", ").append(slotName(x)).append(" (").append(values[x].cardinality()).append(" values)");
        }
        return r.toString();
    }

    /**
     * The reads of the table being built: its footprint's, and the holders of owned locks that an exit check reads (a
     * review saw "needs more than 250000 entries; it reads L0 (2 values)" where the exit check's 30 holders made it).
     */
    private String tableReadsText(Set<Integer> reads) {
        Set<Integer> held = new LinkedHashSet<>(ownHoldReads);
        held.removeAll(reads);
        return readsText(reads) + (held.isEmpty() ? "" : (reads.isEmpty() ? "" : "; ") + "its exit check reads the holders "
                + readsText(held));
    }

    private Node explore(Assignment a, Set<Integer> reads, Evaluator ev, String what) {
        if (--budget < 0) {
            throw new NotExpressible(what + ": its table needs more than " + PER_TABLE_LIMIT + " entries; it reads " + tableReadsText(reads));
        }
        if (++probes > totalLimit) {
            // name where it ran out, as the per-table message does
            String r = tableReadsText(reads);
            throw new NotExpressible("the tables of model " + model.name() + " need more than " + totalLimit + " entries in all; they"
                    + " ran out at " + what + (r.isEmpty() ? "" : ", which reads " + r));
        }
        if (!keepTrees && probes + tupleWork > totalLimit) {
            // footprints only: the comparisons of control tuples count as well (deep threads have many)
            throw new NotExpressible("the step footprints of model " + model.name() + " need more than " + totalLimit
                    + " probes and comparisons");
        }
        int slot;
        boolean ownHold;
        try {
            Leaf leaf = ev.eval(a);
            if (leaf.kind == Kind.FIRE && curThread >= 0) {
                fired(a, leaf);
            }
            return keepTrees ? intern(leaf) : leaf;
        } catch (Need n) {
            slot = n.slot;
            ownHold = n.ownHold;
        }
        if (!ownHold) {
            reads.add(slot);
        } else {
            ownHoldReads.add(slot); // not a footprint read, but the fixpoint still retabulates when its values grow
        }
        a.ownHoldOnly[slot] = ownHold;
        int[] vals = candidates(slot, a);
        Node[] children = new Node[vals.length];
        a.fixed[slot] = true;
        for (int i = 0; i < vals.length; i++) {
            a.value[slot] = vals[i];
            children[i] = explore(a, reads, ev, what);
        }
        a.fixed[slot] = false;
        a.ownHoldOnly[slot] = false;
        if (!keepTrees) {
            return children[0];
        }
        boolean same = true;
        for (Node c : children) {
            same &= c == children[0];
        }
        return same ? children[0] : intern(new Branch(slot, vals, children));
    }

    private Node intern(Node n) {
        Node old = interned.putIfAbsent(n, n);
        return old == null ? n : old;
    }

    private Leaf fail(RuntimeException e) {
        if (e instanceof ModelViolation v) {
            return failRule(v.ruleId());
        }
        failures.putIfAbsent("model_error", "model error");
        return new Leaf(Kind.FAIL, null, "model_error", -1);
    }

    /** The failure leaf of each rule (finding its Promela name is not cheap, and many probes fail). */
    private final Map<String, Leaf> ruleLeaves = new HashMap<>();

    private Leaf failRule(String ruleId) {
        Leaf known = ruleLeaves.get(ruleId);
        if (known != null) {
            return known;
        }
        Leaf leaf = newFailRule(ruleId);
        ruleLeaves.put(ruleId, leaf);
        return leaf;
    }

    private Leaf newFailRule(String ruleId) {
        String flag = "violated_" + PromelaExport.ident(ruleId);
        String old = failures.putIfAbsent(flag, ruleId);
        if (old != null && !old.equals(ruleId)) {
            throw new NotExpressible("rules " + old + " and " + ruleId + " have the same Promela name " + flag);
        }
        return new Leaf(Kind.FAIL, null, flag, -1);
    }

    private Leaf transitionLeaf(int t, int alt, Assignment before) {
        Probe.Outcome o = probe.fire(t, alt, before);
        if (o instanceof Probe.Blocked) {
            return new Leaf(Kind.BLOCKED, null, null, -1);
        }
        if (o instanceof Probe.BlockedFault f) {
            return fail(f.error());
        }
        if (o instanceof Probe.Failed f) {
            return fail(f.error());
        }
        Probe.Fired fired = (Probe.Fired) o;
        Probe.Reader after = s -> {
            Integer w = fired.writes().get(s);
            return w != null ? w : before.read(s);
        };
        if (!rules.stepRules().isEmpty()) {
            StepView view = new StepView(model, t, () -> probe.label(t, alt, before), fired.events(), probe.view(before),
                    probe.view(after), () -> probe.callStack(t, before));
            // footprints: only the rules the search runs on this transition read anything (a watching rule
            // reads the old value of each watched slot the transition writes); numbered as DueRules numbers them
            DueRules dr = dueRules();
            long due = keepTrees ? dr.notVacuous() : dr.due(fired.events(), slot -> {
                Integer w = fired.writes().get(slot);
                return w != null && w != before.read(slot);
            });
            for (int i = 0; i < dr.size(); i++) {
                StepRule r = dr.rule(i);
                if ((due & DueRules.bit(i)) == 0) {
                    continue;
                }
                Check c;
                try {
                    c = r.check(view);
                } catch (Throwable e) {
                    org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
                    return fail(new ModelError(r.id(), "step rule " + r.id() + " threw " + e));
                }
                if (c == null) {
                    return fail(new ModelError(r.id(), org.migcheck.properties.Rules.returnedNull("step rule", r.id())));
                }
                if (c instanceof Check.Violated) {
                    return failRule(r.id());
                }
            }
        }
        int pcSlot = probe.layout(t).pcSlot();
        return new Leaf(Kind.FIRE, new TreeMap<>(fired.writes()), null, fired.writes().getOrDefault(pcSlot, before.read(pcSlot)));
    }

    private DueRules dueRules;

    /** The search's choice of step rules (built on first use: trees for export run every rule). */
    private DueRules dueRules() {
        if (dueRules == null) {
            dueRules = new DueRules(model, rules.stepRules());
        }
        return dueRules;
    }

    private Leaf invariantLeaf(Invariant inv, Assignment state) {
        Check c;
        try {
            c = inv.check(probe.view(state));
        } catch (Throwable e) {
            org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
            return fail(new ModelError(inv.id(), "invariant " + inv.id() + " threw " + e));
        }
        if (c == null) {
            return fail(new ModelError(inv.id(), org.migcheck.properties.Rules.returnedNull("invariant", inv.id())));
        }
        return c instanceof Check.Violated ? failRule(inv.id()) : new Leaf(Kind.OK, null, null, -1);
    }

    /** The distinct leaves of a tree. */
    static List<Leaf> leaves(Node n) {
        Set<Leaf> out = new LinkedHashSet<>();
        collect(n, out, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return new ArrayList<>(out);
    }

    private static void collect(Node n, Set<Leaf> out, Set<Node> seen) {
        if (!seen.add(n)) {
            return;
        }
        if (n instanceof Leaf l) {
            out.add(l);
        } else {
            for (Node c : ((Branch) n).children) {
                collect(c, out, seen);
            }
        }
    }
}
