package org.migcheck.checker.export;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.migcheck.checker.export.Tables.Branch;
import org.migcheck.checker.export.Tables.Kind;
import org.migcheck.checker.export.Tables.Leaf;
import org.migcheck.checker.export.Tables.Node;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Probe;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/**
 * Writes a model and its rules as a Promela program with the same states (docs/promela.md).
 *
 * <p>Correspondence: every slot of migcheck's state vector (shared variables, and per thread its pc,
 * call depth and frames) is one global Promela variable with the same value. Each thread is one
 * process; each alternative of each of its transitions is one {@code d_step} whose guard is the
 * tabulated executability and whose body the tabulated effect (see {@link Tables}). A process rests at
 * one of three locations, chosen by the thread's pc: running, at an idle point ({@code end_idle}), or
 * finished ({@code end_done}); so a state where nothing can move is an invalid end state in SPIN
 * exactly when migcheck calls it a deadlock. Assertions, model errors, step rules and invariants are
 * assertions on hidden flags ({@code assert(violated_RULE)}, {@code assert(model_error)}), which do not
 * add to the state. A monitor process at an end label checks the invariants and that every slot
 * stays inside the values the tables cover. The process locations are functions of the pcs and the
 * monitor never moves, so SPIN's stored states are migcheck's distinct states, one for one.
 */
public final class PromelaExport {
    private PromelaExport() {}

    /**
     * The export of one model.
     *
     * @param promela        the program text
     * @param exact          whether SPIN's reachable states are migcheck's, one for one
     * @param notExpressible the checks of migcheck that the program does not make, each with the reason
     * @param failureFlags   hidden assertion flag to what it stands for (a rule id, or "model error")
     * @param vectorBytes    an upper estimate of SPIN's state vector in bytes (for -DVECTORSZ)
     * @param tableEntries   decision-tree probes the tabulation needed
     */
    public record Result(String promela, boolean exact, List<String> notExpressible, Map<String, String> failureFlags,
                         int vectorBytes, long tableEntries, int transitions) {
        /** pan's -DVECTORSZ for this program: twice the estimate, at least pan's default 1024. */
        public int vectorSize() {
            return PromelaExport.vectorSize(vectorBytes);
        }

        /** The commands that check the program, for a file named {@code file}. */
        public String panCommands(String file) {
            return PromelaExport.panCommands(file, vectorBytes);
        }
    }

    private static int vectorSize(int vectorBytes) {
        return Math.max(1024, 2 * vectorBytes);
    }

    private static String panCommands(String file, int vectorBytes) {
        return "spin -a " + file + "; gcc -O2 -DSAFETY -DNOREDUCE -DVECTORSZ=" + vectorSize(vectorBytes) + " -o pan pan.c; ./pan";
    }

    /** Where the header's pan commands go once the vector's size is known. */
    private static final String PAN_PLACE = "@PAN_COMMANDS@";

    /** Exports {@code model} with {@code rules}; {@code title} heads the file. */
    public static Result export(Model model, RuleSet rules, String title) {
        if (model.threadCount() > 250) {
            throw new NotExpressible("model " + model.name() + " has more than 250 threads (SPIN runs at most 255 processes)");
        }
        Tables tables = new Tables(model, rules);
        return new Writer(model, rules, tables, title).write();
    }

    /** The Promela identifier the export makes of free text (a rule id in a failure flag's name, say). */
    public static String identifier(String s) { return ident(s); }

    /** A Promela identifier from free text: letters, digits and underscores. */
    static String ident(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        }
        return b.toString();
    }

    private static String comment(String s) {
        return s.replace("*/", "* /").replace("/*", "/ *");
    }

    private static final class Writer {
        private final Model model;
        private final RuleSet rules;
        private final Tables tables;
        private final String title;
        private final Probe probe;
        private final String[] names;
        private final StringBuilder out = new StringBuilder();

        Writer(Model model, RuleSet rules, Tables tables, String title) {
            this.model = model;
            this.rules = rules;
            this.tables = tables;
            this.title = title;
            this.probe = tables.probe;
            this.names = new String[model.stateSize()];
            for (Var v : model.vars()) {
                names[v.slot()] = "g" + v.slot() + "_" + ident(v.name());
            }
            for (int t = 0; t < model.threadCount(); t++) {
                Probe.Layout l = probe.layout(t);
                names[l.pcSlot()] = "t" + t + "_pc";
                names[l.depthSlot()] = "t" + t + "_depth";
                for (int d = 0; d <= l.maxDepth(); d++) {
                    names[l.retSlot(d)] = "t" + t + "_f" + d + "_ret";
                    for (int i = 1; i < l.frameSize(); i++) {
                        names[l.retSlot(d) + i] = "t" + t + "_f" + d + "_l" + (i - 1);
                    }
                }
            }
        }

        private static final int RUN = 0;
        private static final int IDLE = 1;
        private static final int DONE = 2;
        private static final String[] LOCATION = {"L_run", "end_idle", "end_done"};

        private int location(int pc) {
            return pc == probe.donePc() ? DONE : probe.isIdle(pc) ? IDLE : RUN;
        }

        Result write() {
            List<String> missing = new ArrayList<>();
            if (rules.lockdep()) {
                missing.add("lock-order.cycle: lockdep collects lock-class edges over every explored transition and looks for a"
                        + " cycle among them; that is a property of the whole graph, not of one state or step");
            }
            missing.add("stuck threads (liveness): a thread that waits forever while others run is not a safety property;"
                    + " SPIN's safety search checks deadlocks, assertions, step rules and invariants only");
            if (!model.goals().isEmpty()) {
                missing.add("reachability goals " + model.goals().keySet() + ": not exported (they do not decide the verdict)");
            }
            int[] min = model.slotMin();
            int[] max = model.slotMax();
            int vector = 16;
            header(missing);
            out.append("/* state: one global per slot of migcheck's state vector */\n");
            for (int s = 0; s < names.length; s++) {
                String type;
                if (min[s] >= 0 && max[s] <= 255) {
                    type = "byte";
                    vector += 1;
                } else if (min[s] >= Short.MIN_VALUE && max[s] <= Short.MAX_VALUE) {
                    type = "short";
                    vector += 2;
                } else {
                    type = "int";
                    vector += 4;
                }
                out.append(type).append(' ').append(names[s]).append(" = ").append(tables.init[s]).append(";\n");
            }
            out.append("\n/* failure flags: hidden (not part of the state), always 0, so assert(flag) fails and names the failure */\n");
            Map<String, String> flags = new LinkedHashMap<>(tables.failures);
            flags.put("export_gap", "a slot left the values the tables cover (an exporter bug)");
            out.append("/* spin -DOFF_flag=1 turns one check off (its transitions then change nothing) */\n");
            for (Map.Entry<String, String> f : flags.entrySet()) {
                String off = "OFF_" + f.getKey();
                out.append("#ifndef ").append(off).append("\n#define ").append(off).append(" 0\n#endif\n");
                out.append("hidden byte ").append(f.getKey()).append(" = ").append(off).append(";   /* ")
                        .append(comment(f.getValue())).append(" */\n");
            }
            int count = 0;
            for (int t = 0; t < model.threadCount(); t++) {
                count += thread(t);
                vector += 8;
            }
            monitor();
            vector += 8;
            int at = out.indexOf(PAN_PLACE);
            out.replace(at, at + PAN_PLACE.length(), panCommands("FILE.pml", vector));
            return new Result(out.toString(), true, missing, flags, vector, tables.probes, count);
        }

        private void header(List<String> missing) {
            out.append("/*\n * ").append(comment(title)).append("\n * exported by migcheck export --promela (docs/promela.md)\n");
            out.append(" *\n * states: exact. SPIN's stored states are migcheck's distinct states one for one (migcheck's without\n")
                    .append(" * reductions: check --symmetry off --por off; symmetry and partial-order reduction store fewer): the globals are\n")
                    .append(" * migcheck's state vector, each process rests at a location fixed by its thread's pc (running,\n")
                    .append(" * end_idle, end_done), one d_step is one migcheck transition, the monitor never moves.\n")
                    .append(" * Deadlock = SPIN invalid end state; assertions, model errors, step rules and invariants =\n")
                    .append(" * assertion violated FLAG (flags below). Check with (FILE.pml: this file):\n *   " + PAN_PLACE + "\n *\n");
            out.append(" * not expressible (not checked by this program):\n");
            for (String m : missing) {
                out.append(" *   - ").append(comment(m)).append('\n');
            }
            out.append(" */\n\n");
        }

        /** Emits thread {@code t}'s process; returns the number of d_steps. */
        private int thread(int t) {
            Probe.Layout l = probe.layout(t);
            int initLoc = location(tables.init[l.pcSlot()]);
            Map<Integer, StringBuilder> locs = new LinkedHashMap<>();
            locs.put(initLoc, new StringBuilder());
            for (int pc : tables.valuesOf(l.pcSlot())) {
                locs.putIfAbsent(location(pc), new StringBuilder());
            }
            int count = 0;
            for (Tables.Transition tr : tables.transitions.values()) {
                if (tr.thread() != t) {
                    continue;
                }
                int from = location(tr.pc());
                StringBuilder loc = locs.get(from);
                for (int to = RUN; to <= DONE; to++) {
                    int target = to;
                    Predicate<Leaf> accept = leaf -> leaf.kind == Kind.FAIL ? target == from
                            : leaf.kind == Kind.FIRE && location(leaf.nextPc) == target;
                    String guard = exec(tr.tree(), accept, new IdentityHashMap<>());
                    if (guard.equals("0")) {
                        continue;
                    }
                    String what = probe.describe(tr.pc()) + (probe.alternatives(tr.pc()) > 1 ? " [alternative " + tr.alt() + "]" : "");
                    String jump = target == from ? "" : "; goto " + LOCATION[target];
                    if (target != from) {
                        locs.putIfAbsent(target, new StringBuilder());
                    }
                    count += options(tr.tree(), accept, new ArrayList<>(), names[l.pcSlot()] + " == " + tr.pc(),
                            "pc " + tr.pc() + ": " + what, jump, loc);
                }
            }
            out.append("\n/* thread ").append(comment(model.thread(t).name())).append(" */\n");
            out.append("active proctype p").append(t).append('_').append(ident(model.thread(t).name())).append("() {\n");
            for (Map.Entry<Integer, StringBuilder> e : locs.entrySet()) {
                out.append(LOCATION[e.getKey()]).append(":\n");
                if (e.getKey() == DONE) {
                    out.append("  false\n");
                } else if (e.getValue().length() == 0) {
                    out.append("  false /* no transition starts here */\n");
                } else {
                    out.append("  do\n").append(e.getValue()).append("  od;\n");
                }
            }
            out.append("}\n");
            return count;
        }

        /** Statements in a d_step: SPIN rejects a d_step of more than about 2000. */
        private static final int MAX_STATEMENTS = 1200;

        /**
         * Emits the part of a transition's tree under the conditions {@code prefix} as one d_step, or,
         * when it is too long for SPIN, as one d_step per value group of its first branch (the groups
         * are disjoint, so exactly one of them runs in any state). Returns the number of d_steps.
         */
        private int options(Node n, Predicate<Leaf> accept, List<String> prefix, String pcTest, String what, String jump,
                            StringBuilder loc) {
            Map<Node, String> memo = new IdentityHashMap<>();
            String guard = exec(n, accept, memo);
            if (guard.equals("0")) {
                return 0;
            }
            if (n instanceof Branch br && statements(n, accept, memo, new IdentityHashMap<>()) > MAX_STATEMENTS) {
                int count = 0;
                for (Map.Entry<Node, List<Integer>> g : groups(br).entrySet()) {
                    List<String> p = new ArrayList<>(prefix);
                    p.add(in(names[br.slot], ints(g.getValue())));
                    count += options(g.getKey(), accept, p, pcTest, what, jump, loc);
                }
                return count;
            }
            loc.append("  :: /* ").append(comment(what)).append(" */\n");
            loc.append("     d_step { ").append(pcTest);
            for (String c : prefix) {
                loc.append(" && ").append(c);
            }
            if (!guard.equals("1")) {
                loc.append(" && (").append(guard).append(")");
            }
            loc.append(" ->\n");
            body(n, accept, "       ", loc, memo);
            loc.append("     }").append(jump).append('\n');
            return 1;
        }

        /** Statements {@link #body} writes for {@code n}. */
        private int statements(Node n, Predicate<Leaf> accept, Map<Node, String> memo, Map<Node, Integer> counts) {
            Integer c = counts.get(n);
            if (c != null) {
                return c;
            }
            int r;
            if (n instanceof Leaf leaf) {
                r = leaf.kind == Kind.FIRE ? Math.max(1, leaf.writes.size()) : 1;
            } else {
                Branch br = (Branch) n;
                List<Node> live = new ArrayList<>();
                for (Node child : groups(br).keySet()) {
                    if (!exec(child, accept, memo).equals("0")) {
                        live.add(child);
                    }
                }
                if (live.size() == 1) {
                    r = statements(live.get(0), accept, memo, counts);
                } else {
                    r = 2;
                    for (Node child : live) {
                        r += 1 + statements(child, accept, memo, counts);
                    }
                }
            }
            counts.put(n, r);
            return r;
        }

        private void monitor() {
            StringBuilder opts = new StringBuilder();
            for (Tables.InvariantTable inv : tables.invariants) {
                for (Leaf leaf : Tables.leaves(inv.tree())) {
                    if (leaf.kind != Kind.FAIL) {
                        continue;
                    }
                    String flag = leaf.failure;
                    String e = exec(inv.tree(), x -> x.kind == Kind.FAIL && x.failure.equals(flag), new IdentityHashMap<>());
                    opts.append("  :: /* invariant ").append(comment(inv.invariant().id())).append(" */\n");
                    opts.append("     d_step { (").append(e).append(") -> assert(").append(flag).append(") }\n");
                }
            }
            List<String> outside = new ArrayList<>();
            for (int s = 0; s < names.length; s++) {
                // every slot, even one whose values fill its domain: SPIN drops a variable that no statement
                // reads (a write-only slot), which would merge states that migcheck keeps apart
                outside.add("!(" + in(names[s], tables.valuesOf(s)) + ")");
            }
            if (!outside.isEmpty()) {
                opts.append("  :: /* every slot stays inside the values the tables cover */\n");
                opts.append("     d_step { (").append(String.join(" || ", outside)).append(") -> assert(export_gap) }\n");
            }
            out.append("\n/* monitor: at an end label, never moves unless a check fails */\n");
            out.append("active proctype monitor() {\nend_monitor:\n");
            if (opts.length() == 0) {
                out.append("  false\n}\n");
            } else {
                out.append("  do\n").append(opts).append("  od\n}\n");
            }
        }

        /** {@code "(x == 1 || (x >= 3 && x <= 5))"} for the values {@code vals} (ascending). */
        private static String in(String name, int[] vals) {
            List<String> parts = new ArrayList<>();
            int i = 0;
            while (i < vals.length) {
                int j = i;
                while (j + 1 < vals.length && vals[j + 1] == vals[j] + 1) {
                    j++;
                }
                if (j == i) {
                    parts.add(name + " == " + vals[i]);
                } else if (j == i + 1) {
                    parts.add(name + " == " + vals[i]);
                    parts.add(name + " == " + vals[j]);
                } else {
                    parts.add("(" + name + " >= " + vals[i] + " && " + name + " <= " + vals[j] + ")");
                }
                i = j + 1;
            }
            return parts.size() == 1 ? parts.get(0) : "(" + String.join(" || ", parts) + ")";
        }

        /** The children of a branch grouped by subtree: subtree -> its values, in order of first value. */
        private static Map<Node, List<Integer>> groups(Branch b) {
            Map<Node, List<Integer>> g = new IdentityHashMap<>();
            Map<Node, List<Integer>> ordered = new LinkedHashMap<>();
            for (int i = 0; i < b.values.length; i++) {
                List<Integer> vs = g.computeIfAbsent(b.children[i], k -> new ArrayList<>());
                if (vs.isEmpty()) {
                    ordered.put(b.children[i], vs);
                }
                vs.add(b.values[i]);
            }
            return ordered;
        }

        private static int[] ints(List<Integer> l) {
            return l.stream().mapToInt(Integer::intValue).toArray();
        }

        /** A Promela expression true exactly on the states whose leaf {@code accept} takes ("1", "0" or a formula). */
        private String exec(Node n, Predicate<Leaf> accept, Map<Node, String> memo) {
            String m = memo.get(n);
            if (m != null) {
                return m;
            }
            String r;
            if (n instanceof Leaf leaf) {
                r = accept.test(leaf) ? "1" : "0";
            } else {
                Branch b = (Branch) n;
                List<String> terms = new ArrayList<>();
                boolean all = true;
                for (Map.Entry<Node, List<Integer>> g : groups(b).entrySet()) {
                    String e = exec(g.getKey(), accept, memo);
                    if (e.equals("0")) {
                        all = false;
                        continue;
                    }
                    if (!e.equals("1")) {
                        all = false;
                    }
                    String c = in(names[b.slot], ints(g.getValue()));
                    terms.add(e.equals("1") ? c : "(" + c + " && (" + e + "))");
                }
                r = all ? "1" : terms.isEmpty() ? "0" : terms.size() == 1 ? terms.get(0) : String.join(" || ", terms);
            }
            memo.put(n, r);
            return r;
        }

        /** The statements of the tree's leaves that {@code accept} takes; others are excluded by the guard. */
        private void body(Node n, Predicate<Leaf> accept, String indent, StringBuilder b, Map<Node, String> memo) {
            if (n instanceof Leaf leaf) {
                if (leaf.kind == Kind.FAIL) {
                    b.append(indent).append("assert(").append(leaf.failure).append(")\n");
                } else if (leaf.kind == Kind.FIRE) {
                    List<String> as = new ArrayList<>();
                    leaf.writes.forEach((s, v) -> {
                        int[] vals = tables.valuesOf(s);
                        if (vals.length != 1 || vals[0] != v) { // a slot that only ever holds v needs no write
                            as.add(names[s] + " = " + v);
                        }
                    });
                    b.append(indent).append(as.isEmpty() ? "skip" : String.join("; ", as)).append('\n');
                } else {
                    b.append(indent).append("assert(export_gap)\n");
                }
                return;
            }
            Branch br = (Branch) n;
            List<Map.Entry<Node, List<Integer>>> live = new ArrayList<>();
            for (Map.Entry<Node, List<Integer>> g : groups(br).entrySet()) {
                if (!exec(g.getKey(), accept, memo).equals("0")) {
                    live.add(g);
                }
            }
            if (live.size() == 1) {
                body(live.get(0).getKey(), accept, indent, b, memo);
                return;
            }
            b.append(indent).append("if\n");
            for (Map.Entry<Node, List<Integer>> g : live) {
                b.append(indent).append(":: ").append(in(names[br.slot], ints(g.getValue()))).append(" ->\n");
                body(g.getKey(), accept, indent + "   ", b, memo);
            }
            b.append(indent).append(":: else -> assert(export_gap)\n");
            b.append(indent).append("fi\n");
        }
    }
}
