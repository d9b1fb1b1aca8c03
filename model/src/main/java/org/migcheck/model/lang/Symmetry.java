package org.migcheck.model.lang;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Permutations of a model's declared {@link Model.SymmetricSet interchangeable members} acting on
 * state vectors, and a canonical representative of each state's orbit.
 *
 * <p>A permutation of the members of a set moves, member by member: the values of the member's
 * variables, the whole block of each of its threads (program counter, call depth, frames; a
 * program counter or return address inside the thread's own main body is shifted to the same
 * instruction of the other thread's main body, which has the same code), and then renames every
 * reference: lock holders (thread + 1) and locals marked {@link Local#markObjectRef() as object
 * references} whose value is an id owned by a member.
 *
 * <p>The canonical form sorts the members of each set by a key that does not depend on the
 * members' current positions: the member's own variable values and thread blocks with references
 * to itself written relative to itself, followed by the places outside the set (lock holder
 * variables, locals of other threads) that refer to it. Two members with equal keys are then
 * identical and unreferenced from outside, so their order does not matter and the form is exact
 * (one representative per orbit) as long as members do not refer to each other; when they do,
 * the form is still a member of the orbit (the reduction stays sound) but an orbit may keep
 * more than one representative.
 */
public final class Symmetry {
    private final Model model;
    private final Insn[] code;
    private final Group[] groups;
    private final int[] holderSlots;
    private final boolean[] isHolderSlot;
    /** Group-local thread identity: threadGroup[t] = g, or -1; threadMember[t], threadPos[t]. */
    private final int[] threadGroup;
    private final int[] threadMember;
    private final int[] threadPos;
    private final int[] idGroup;
    private final int[] idMember;
    private final int[] idPos;
    /** [lo, hi) of each thread's main body. */
    private final int[] mainLo;
    private final int[] mainHi;

    private static final class Group {
        String name;
        int members;
        int[][] varSlots;
        int[][] threads;
        int[][] ids;
        boolean[] isMemberSlot;
    }

    /** Builds the permutation machinery; a malformed declaration is a {@link ModelError} naming it. */
    public Symmetry(Model model) {
        this.model = model;
        this.code = model.code();
        int n = model.threadCount();
        threadGroup = new int[n];
        threadMember = new int[n];
        threadPos = new int[n];
        Arrays.fill(threadGroup, -1);
        mainLo = new int[n];
        mainHi = new int[n];
        for (ThreadSpec t : model.threads()) {
            mainLo[t.index()] = t.main.entry;
            int hi = t.main.entry;
            while (hi < code.length && code[hi].proc == t.main) {
                hi++;
            }
            mainHi[t.index()] = hi;
        }
        int maxId = 0;
        for (Model.SymmetricSet set : model.symmetricSets()) {
            for (Model.SymmetricMember m : set.members()) {
                for (int id : m.ids()) {
                    maxId = Math.max(maxId, id);
                }
            }
        }
        idGroup = new int[maxId + 1];
        idMember = new int[maxId + 1];
        idPos = new int[maxId + 1];
        Arrays.fill(idGroup, -1);
        List<Group> gs = new ArrayList<>();
        for (Model.SymmetricSet set : model.symmetricSets()) {
            gs.add(resolve(set, gs.size()));
        }
        groups = gs.toArray(new Group[0]);
        int[] hs = new int[model.locks().size()];
        for (int i = 0; i < hs.length; i++) {
            hs[i] = model.locks().get(i).holderVar().slot();
        }
        holderSlots = hs;
        isHolderSlot = new boolean[model.stateSize()];
        for (int h : hs) {
            isHolderSlot[h] = true;
        }
    }

    private Group resolve(Model.SymmetricSet set, int gi) {
        Group g = new Group();
        g.name = set.name();
        g.members = set.members().size();
        g.varSlots = new int[g.members][];
        g.threads = new int[g.members][];
        g.ids = new int[g.members][];
        g.isMemberSlot = new boolean[model.stateSize()];
        List<String> pattern0 = null;
        for (int m = 0; m < g.members; m++) {
            Model.SymmetricMember mem = set.members().get(m);
            List<String> names = new ArrayList<>(mem.threads());
            names.addAll(mem.objects());
            List<Integer> slots = new ArrayList<>();
            List<String> pattern = new ArrayList<>();
            for (Var v : model.vars()) {
                for (int k = 0; k < names.size(); k++) {
                    String nm = names.get(k);
                    if (v.name().startsWith(nm + ".") || v.name().contains("(" + nm + ")")) {
                        slots.add(v.slot());
                        String p = v.name().startsWith(nm + ".") ? "#" + k + v.name().substring(nm.length())
                                : v.name().replace("(" + nm + ")", "(#" + k + ")");
                        pattern.add(p + "[" + v.min() + "," + v.max() + "]");
                        break;
                    }
                }
            }
            if (pattern0 == null) {
                pattern0 = pattern;
            } else if (!pattern0.equals(pattern)) {
                throw new ModelError(set.name(), "symmetric set " + set.name() + ": member " + m + " has variables " + pattern
                        + ", member 0 has " + pattern0);
            }
            g.varSlots[m] = slots.stream().mapToInt(Integer::intValue).toArray();
            for (int sl : g.varSlots[m]) {
                if (g.isMemberSlot[sl]) {
                    throw new ModelError(set.name(), "symmetric set " + set.name() + ": a variable belongs to two members");
                }
                g.isMemberSlot[sl] = true;
            }
            g.threads[m] = new int[mem.threads().size()];
            for (int j = 0; j < mem.threads().size(); j++) {
                int t = model.threadIndex(mem.threads().get(j));
                if (t < 0) {
                    throw new ModelError(mem.threads().get(j), "symmetric set " + set.name() + " names no thread " + mem.threads().get(j));
                }
                if (threadGroup[t] >= 0) {
                    throw new ModelError(mem.threads().get(j), "thread " + mem.threads().get(j) + " is in two symmetric members");
                }
                threadGroup[t] = gi;
                threadMember[t] = m;
                threadPos[t] = j;
                g.threads[m][j] = t;
            }
            g.ids[m] = mem.ids().stream().mapToInt(Integer::intValue).toArray();
            for (int j = 0; j < g.ids[m].length; j++) {
                int id = g.ids[m][j];
                if (idGroup[id] >= 0) {
                    throw new ModelError(set.name(), "object id " + id + " is in two symmetric members");
                }
                idGroup[id] = gi;
                idMember[id] = m;
                idPos[id] = j;
            }
            if (g.threads[m].length != g.threads[0].length || g.ids[m].length != g.ids[0].length) {
                throw new ModelError(set.name(), "symmetric set " + set.name() + ": members differ in their number of threads or objects");
            }
            for (int j = 0; j < g.threads[m].length; j++) {
                sameCode(set.name(), model.thread(g.threads[0][j]), model.thread(g.threads[m][j]));
            }
        }
        return g;
    }

    /** Interchangeable threads must run the same code (their main bodies instruction for instruction). */
    private void sameCode(String set, ThreadSpec a, ThreadSpec b) {
        int la = mainHi[a.index()] - mainLo[a.index()];
        int lb = mainHi[b.index()] - mainLo[b.index()];
        boolean same = la == lb && a.frameSize == b.frameSize && a.maxDepth == b.maxDepth
                && a.main.locals().size() == b.main.locals().size() && a.daemon() == b.daemon();
        for (int i = 0; same && i < la; i++) {
            Insn x = code[mainLo[a.index()] + i];
            Insn y = code[mainLo[b.index()] + i];
            same = x.kind == y.kind && x.callee == y.callee
                    && (x.step == null) == (y.step == null) && (x.step == null || x.step.function().equals(y.step.function()))
                    && (x.target < 0 ? y.target < 0 : y.target - mainLo[b.index()] == x.target - mainLo[a.index()]);
        }
        if (!same) {
            throw new ModelError(set, "symmetric set " + set + ": threads " + a.name() + " and " + b.name() + " do not run the same code");
        }
    }

    public Model model() { return model; }

    /** Whether the model declares any symmetric set. */
    public boolean active() { return groups.length > 0; }

    /** Names of the declared sets with their sizes, e.g. "compactors (5)". */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Group g : groups) {
            out.add(g.name + " (" + g.members + ")");
        }
        return out;
    }

    /** Number of declared sets. */
    public int groupCount() { return groups.length; }

    /** Members of set {@code g}. */
    public int members(int g) { return groups[g].members; }

    /**
     * Applies the permutations {@code perm[g][m]} (member m of set g moves to position perm[g][m])
     * to {@code s}; returns a new vector.
     */
    public int[] apply(int[] s, int[][] perm) {
        int n = model.threadCount();
        int[] theta = new int[n];
        for (int t = 0; t < n; t++) {
            theta[t] = threadGroup[t] < 0 ? t : groups[threadGroup[t]].threads[perm[threadGroup[t]][threadMember[t]]][threadPos[t]];
        }
        int[] iota = new int[idGroup.length];
        for (int id = 0; id < iota.length; id++) {
            iota[id] = idGroup[id] < 0 ? id : groups[idGroup[id]].ids[perm[idGroup[id]][idMember[id]]][idPos[id]];
        }
        int[] out = s.clone();
        for (int gi = 0; gi < groups.length; gi++) {
            Group g = groups[gi];
            for (int m = 0; m < g.members; m++) {
                int[] from = g.varSlots[m];
                int[] to = g.varSlots[perm[gi][m]];
                for (int k = 0; k < from.length; k++) {
                    out[to[k]] = s[from[k]];
                }
            }
        }
        for (ThreadSpec t : model.threads()) {
            ThreadSpec d = model.thread(theta[t.index()]);
            if (d != t) {
                int size = 2 + (t.maxDepth + 1) * t.frameSize;
                System.arraycopy(s, t.pcSlot, out, d.pcSlot, size);
                int shift = mainLo[d.index()] - mainLo[t.index()];
                out[d.pcSlot] = shiftPc(out[d.pcSlot], t.index(), shift);
                for (int depth = 1; depth <= t.maxDepth; depth++) {
                    int slot = d.frameBase + depth * d.frameSize;
                    out[slot] = shiftPc(out[slot], t.index(), shift);
                }
            }
        }
        for (ThreadSpec t : model.threads()) {
            remapLocals(out, t, iota);
        }
        for (int hs : holderSlots) {
            int v = out[hs];
            if (v > 0 && v - 1 < n) {
                out[hs] = theta[v - 1] + 1;
            }
        }
        return out;
    }

    private int shiftPc(int pc, int t, int shift) {
        return pc >= mainLo[t] && pc < mainHi[t] ? pc + shift : pc;
    }

    /** The procedure running in frame {@code depth} of thread {@code t} in {@code s}. */
    private Procedure frameProc(int[] s, ThreadSpec t, int depth) {
        if (depth == 0) {
            return t.main;
        }
        int ret = s[t.frameBase + depth * t.frameSize];
        return ret > 0 && ret <= code.length && code[ret - 1].kind == Insn.Kind.CALL ? code[ret - 1].callee : null;
    }

    private void remapLocals(int[] s, ThreadSpec t, int[] iota) {
        if (s[t.pcSlot] == code.length) {
            return; // finished: frames are zero
        }
        int depth = s[t.depthSlot];
        for (int d = 0; d <= depth; d++) {
            Procedure p = frameProc(s, t, d);
            if (p == null) {
                continue;
            }
            int base = t.frameBase + d * t.frameSize + 1;
            for (Local l : p.locals()) {
                if (l.objectRef()) {
                    int v = s[base + l.index()];
                    if (v >= 0 && v < iota.length) {
                        s[base + l.index()] = iota[v];
                    }
                }
            }
        }
    }

    /**
     * The canonical representative of {@code s}'s orbit. When {@code threadMap} is not null it
     * receives, for each thread t of {@code s}, the thread that plays its part in the result.
     */
    public int[] canonical(int[] s, int[] threadMap) {
        int[][] perm = new int[groups.length][];
        boolean identity = true;
        for (int gi = 0; gi < groups.length; gi++) {
            perm[gi] = order(s, gi);
            for (int m = 0; m < perm[gi].length; m++) {
                identity &= perm[gi][m] == m;
            }
        }
        if (threadMap != null) {
            for (int t = 0; t < threadMap.length; t++) {
                threadMap[t] = threadGroup[t] < 0 ? t : groups[threadGroup[t]].threads[perm[threadGroup[t]][threadMember[t]]][threadPos[t]];
            }
        }
        return identity ? s : apply(s, perm);
    }

    /** perm[m] = the position of member m after sorting the members of set gi by their keys. */
    private int[] order(int[] s, int gi) {
        Group g = groups[gi];
        int[][] keys = new int[g.members][];
        List<List<Integer>> external = new ArrayList<>();
        for (int m = 0; m < g.members; m++) {
            external.add(new ArrayList<>());
        }
        // references from outside the set: lock holders outside member variables, object-id locals of other threads
        for (int hs : holderSlots) {
            int v = s[hs];
            if (!g.isMemberSlot[hs] && v > 0 && v - 1 < threadGroup.length && threadGroup[v - 1] == gi) {
                external.get(threadMember[v - 1]).add(hs);
                external.get(threadMember[v - 1]).add(threadPos[v - 1]);
            }
        }
        for (ThreadSpec t : model.threads()) {
            if (threadGroup[t.index()] == gi || s[t.pcSlot] == code.length) {
                continue;
            }
            int depth = s[t.depthSlot];
            for (int d = 0; d <= depth; d++) {
                Procedure p = frameProc(s, t, d);
                if (p == null) {
                    continue;
                }
                int base = t.frameBase + d * t.frameSize + 1;
                for (Local l : p.locals()) {
                    int v = s[base + l.index()];
                    if (l.objectRef() && v >= 0 && v < idGroup.length && idGroup[v] == gi) {
                        external.get(idMember[v]).add(-(base + l.index()) - 1);
                        external.get(idMember[v]).add(idPos[v]);
                    }
                }
            }
        }
        for (int m = 0; m < g.members; m++) {
            keys[m] = key(s, g, gi, m, external.get(m));
        }
        Integer[] idx = new Integer[g.members];
        for (int m = 0; m < idx.length; m++) {
            idx[m] = m;
        }
        Arrays.sort(idx, (a, b) -> Arrays.compare(keys[a], keys[b]));
        int[] perm = new int[g.members];
        for (int pos = 0; pos < idx.length; pos++) {
            perm[idx[pos]] = pos;
        }
        return perm;
    }

    private static final int OWN = -1_000_000;
    private static final int OTHER = -2_000_000;

    private int[] key(int[] s, Group g, int gi, int m, List<Integer> external) {
        int[] buf = new int[64];
        int n = 0;
        for (int slot : g.varSlots[m]) {
            buf = grow(buf, n + 1);
            buf[n++] = normalThreadRef(s[slot], slot, gi, m);
        }
        for (int t : g.threads[m]) {
            ThreadSpec ts = model.thread(t);
            int size = 2 + (ts.maxDepth + 1) * ts.frameSize;
            buf = grow(buf, n + size);
            int start = n;
            System.arraycopy(s, ts.pcSlot, buf, n, size);
            n += size;
            buf[start] = normalPc(buf[start], t);
            for (int d = 1; d <= ts.maxDepth; d++) {
                int off = start + 2 + d * ts.frameSize;
                buf[off] = normalPc(buf[off], t);
            }
            if (s[ts.pcSlot] != code.length) {
                for (int d = 0; d <= s[ts.depthSlot]; d++) {
                    Procedure p = frameProc(s, ts, d);
                    if (p == null) {
                        continue;
                    }
                    for (Local l : p.locals()) {
                        int off = start + 2 + d * ts.frameSize + 1 + l.index();
                        int v = buf[off];
                        if (l.objectRef() && v >= 0 && v < idGroup.length && idGroup[v] == gi) {
                            buf[off] = idMember[v] == m ? OWN - idPos[v] : OTHER;
                        }
                    }
                }
            }
        }
        buf = grow(buf, n + 1 + external.size());
        buf[n++] = Integer.MIN_VALUE;
        for (int x : external) {
            buf[n++] = x;
        }
        return Arrays.copyOf(buf, n);
    }

    private int normalThreadRef(int v, int slot, int gi, int m) {
        if (isHolder(slot) && v > 0 && v - 1 < threadGroup.length && threadGroup[v - 1] == gi) {
            return threadMember[v - 1] == m ? OWN - threadPos[v - 1] : OTHER;
        }
        return v;
    }

    private boolean isHolder(int slot) { return isHolderSlot[slot]; }

    private int normalPc(int pc, int t) {
        return pc >= mainLo[t] && pc < mainHi[t] ? OWN + (pc - mainLo[t]) : pc;
    }

    private static int[] grow(int[] a, int need) {
        return need <= a.length ? a : Arrays.copyOf(a, Math.max(need, a.length * 2));
    }
}
