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
 * reference: lock holders (thread + 1), the bits of variables marked {@link Var#markThreadMask() as
 * thread masks} (a wait queue's), and locals marked {@link Local#markObjectRef() as object
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
    /** Slots of variables that are bit masks over thread indices ({@link Var#markThreadMask()}): their bits move with the threads. */
    private final int[] maskSlots;
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
        boolean threadsMove = false;
        for (Group g : groups) {
            threadsMove |= g.threads[0].length > 0 && g.members > 1;
        }
        List<Integer> masks = new ArrayList<>();
        for (Var v : model.vars()) {
            if (!v.threadMask()) {
                continue;
            }
            for (Group g : groups) {
                if (g.isMemberSlot[v.slot()] && threadsMove) {
                    // its value moves with the member and its bits with the threads: sound, but the member's key would read
                    // the bits of the threads by index; refused rather than half done
                    throw new ModelError(v.name(), "symmetric set " + g.name + ": thread mask " + v.name() + " belongs to a member,"
                            + " and the declaration moves threads (a wait queue of a member is supported where the sets name no"
                            + " threads; declare the queue outside the members otherwise)");
                }
            }
            // a member thread whose bit the mask cannot hold while another member's can: a permutation would move a
            // set bit out of the domain (the model's own error, "uses wait queue ... declared for N threads", belongs
            // to the search without symmetry)
            int bits = 32 - Integer.numberOfLeadingZeros(Math.max(0, v.max()));
            for (Group g : groups) {
                for (int j = 0; j < g.threads[0].length; j++) {
                    int inside = 0;
                    for (int m = 0; m < g.members; m++) {
                        inside += g.threads[m][j] < bits ? 1 : 0;
                    }
                    if (inside > 0 && inside < g.members) {
                        int out = -1;
                        for (int m = 0; m < g.members && out < 0; m++) {
                            out = g.threads[m][j] < bits ? -1 : g.threads[m][j];
                        }
                        throw new ModelError(v.name(), "thread mask " + v.name() + " holds threads 0.." + (bits - 1) + ", and thread "
                                + model.thread(out).name() + " (index " + out + ") of symmetric set " + g.name + " is outside it"
                                + " while other members' threads are inside");
                    }
                }
            }
            masks.add(v.slot());
        }
        maskSlots = masks.stream().mapToInt(Integer::intValue).toArray();
        if (threadsMove) {
            for (WaitQueue q : model.objects(WaitQueue.class)) {
                if (q.wakesExclusiveWaitersInIndexOrder()) {
                    throw new ModelError(q.name(), "wait queue " + q.name() + " wakes exclusive waiters in thread-index order (the"
                            + " model's simplification of FIFO order), which a permutation of interchangeable threads does not preserve");
                }
            }
        }
        layout();
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
            for (String o : mem.objects()) {
                boolean owns = false;
                for (Var v : model.vars()) {
                    owns |= v.name().startsWith(o + ".") || v.name().contains("(" + o + ")");
                }
                if (!owns) {
                    // a misspelt object would leave its variables fixed while the threads that use them move
                    throw new ModelError(o, "symmetric set " + set.name() + " names object " + o + ", which no variable belongs"
                            + " to (an object's variables are named " + o + ".x or x(" + o + "))");
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
                if (id < 0 || id >= idGroup.length) {
                    throw new ModelError(set.name(), "symmetric set " + set.name() + " names object id " + id + ", outside 0.."
                            + (idGroup.length - 1));
                }
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

    /**
     * Interchangeable threads must run the same code (their main bodies instruction for instruction, each step with
     * the same function and idle flag) and be daemons alike.
     */
    private void sameCode(String set, ThreadSpec a, ThreadSpec b) {
        int la = mainHi[a.index()] - mainLo[a.index()];
        int lb = mainHi[b.index()] - mainLo[b.index()];
        boolean same = la == lb && a.frameSize == b.frameSize && a.maxDepth == b.maxDepth
                && a.main.locals().size() == b.main.locals().size() && a.daemon() == b.daemon();
        for (int i = 0; same && i < la; i++) {
            Insn x = code[mainLo[a.index()] + i];
            Insn y = code[mainLo[b.index()] + i];
            same = x.kind == y.kind && x.callee == y.callee
                    && (x.step == null) == (y.step == null)
                    // the idle flag changes no successor, so the run-time check of the declaration cannot see it, but a
                    // thread resting there is never stuck: members differing in it made a stuck thread vanish
                    && (x.step == null || x.step.function().equals(y.step.function()) && x.step.idle() == y.step.idle())
                    && (x.target < 0 ? y.target < 0 : y.target - mainLo[b.index()] == x.target - mainLo[a.index()]);
        }
        if (!same) {
            throw new ModelError(set, "symmetric set " + set + ": threads " + a.name() + " and " + b.name() + " do not run the same code");
        }
    }

    public Model model() { return model; }

    /**
     * Null when the locks that members own have, position for position, the same lock class in every
     * member; else which differ. Lock order is checked on lock classes, and a search over canonical
     * states sees an order between two members' locks from one side only (the canonical form puts the
     * member further on in a fixed place): with one class per member (a mutex's class is its name),
     * the other half of an inversion is never recorded.
     */
    public String memberLockClassesDiffer() {
        java.util.Map<Integer, Lock> bySlot = new java.util.HashMap<>();
        for (Lock l : model.locks()) {
            bySlot.put(l.holderVar().slot(), l);
        }
        for (Group g : groups) {
            for (int k = 0; k < g.varSlots[0].length; k++) {
                Lock first = bySlot.get(g.varSlots[0][k]);
                if (first == null) {
                    continue;
                }
                for (int m = 1; m < g.members; m++) {
                    Lock other = bySlot.get(g.varSlots[m][k]);
                    if (other != null && !other.lockClass().equals(first.lockClass())) {
                        return "symmetric set " + g.name + ": locks " + first.name() + " and " + other.name() + " have lock classes "
                                + first.lockClass() + " and " + other.lockClass();
                    }
                }
            }
        }
        return null;
    }

    /**
     * For the canonical form of {@code s}: from[slot] = the slot of {@code s} whose value the canonical
     * form holds at {@code slot} (a member's variables move with the member; other slots stay).
     */
    public int[] slotSources(int[] s) {
        Canon c = new Canon();
        canonical(s, c);
        int[] from = new int[s.length];
        for (int i = 0; i < from.length; i++) {
            from[i] = i;
        }
        for (int gi = 0; gi < groups.length; gi++) {
            Group g = groups[gi];
            for (int m = 0; m < g.members; m++) {
                int[] to = g.varSlots[c.perm[gi][m]];
                for (int k = 0; k < to.length; k++) {
                    from[to[k]] = g.varSlots[m][k];
                }
            }
        }
        return from;
    }

    /**
     * The instructions that play the part of {@code pc} in the other members: for a pc inside the main
     * body of a member's thread, the same instruction of the thread in the same place of every member
     * ({@code pc} itself included); for any other pc (shared procedures), {@code pc} alone.
     */
    public int[] counterparts(int pc) {
        for (int t = 0; t < threadGroup.length; t++) {
            if (threadGroup[t] >= 0 && pc >= mainLo[t] && pc < mainHi[t]) {
                Group g = groups[threadGroup[t]];
                int[] out = new int[g.members];
                for (int m = 0; m < g.members; m++) {
                    int u = g.threads[m][threadPos[t]];
                    out[m] = pc - mainLo[t] + mainLo[u];
                }
                return out;
            }
        }
        return new int[] {pc};
    }

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

    // ---- precomputed layout, so that canonicalisation reads arrays only (no lists, no allocation)

    private int[] pcSlot;
    private int[] depthSlot;
    private int[] frameBase;
    private int[] frameSize;
    private int[] maxDepth;
    private int[] blockSize;
    /** Object-reference local indices of the procedure called at return address ret (null: none or not a call). */
    private int[][] refLocalsAtRet;
    /** Object-reference local indices of each thread's main body. */
    private int[][] mainRefLocals;
    /** Per group: the fixed part of a member's key (its variables and thread blocks) and the row stride. */
    private int[] fixedLen;
    /** Room for the references from outside a set to one member: two entries per lock holder and per frame slot. */
    private int extStride;
    /** Per set: for each slot, the member whose key reads it (its variables and its threads' blocks), else -1. */
    private int[][] slotMember;
    /** Per group: bits of one member's entry in a permutation code, and the group's first bit; -1 when codes do not fit an int. */
    private int[] codeBits;
    private int[] codeShift;
    private boolean codesFit;
    private final java.util.Map<String, Integer> codeRegistry = new java.util.HashMap<>();
    private final List<int[][]> registered = new ArrayList<>();

    private void layout() {
        int n = model.threadCount();
        pcSlot = new int[n];
        depthSlot = new int[n];
        frameBase = new int[n];
        frameSize = new int[n];
        maxDepth = new int[n];
        blockSize = new int[n];
        mainRefLocals = new int[n][];
        for (ThreadSpec t : model.threads()) {
            int i = t.index();
            pcSlot[i] = t.pcSlot;
            depthSlot[i] = t.depthSlot;
            frameBase[i] = t.frameBase;
            frameSize[i] = t.frameSize;
            maxDepth[i] = t.maxDepth;
            blockSize[i] = 2 + (t.maxDepth + 1) * t.frameSize;
            mainRefLocals[i] = refLocals(t.main);
        }
        refLocalsAtRet = new int[code.length + 1][];
        for (int ret = 1; ret <= code.length; ret++) {
            if (code[ret - 1].kind == Insn.Kind.CALL && code[ret - 1].callee != null) {
                refLocalsAtRet[ret] = refLocals(code[ret - 1].callee);
            }
        }
        int frameSlots = 0;
        for (int t = 0; t < n; t++) {
            frameSlots += (maxDepth[t] + 1) * frameSize[t];
        }
        fixedLen = new int[groups.length];
        slotMember = new int[groups.length][];
        extStride = 2 * (holderSlots.length + frameSlots + maskSlots.length * n);
        codeBits = new int[groups.length];
        codeShift = new int[groups.length];
        int bits = 0;
        for (int gi = 0; gi < groups.length; gi++) {
            Group g = groups[gi];
            int k = g.varSlots[0].length;
            for (int t : g.threads[0]) {
                k += blockSize[t];
            }
            fixedLen[gi] = k;
            slotMember[gi] = new int[model.stateSize()];
            Arrays.fill(slotMember[gi], -1);
            for (int m = 0; m < g.members; m++) {
                for (int slot : g.varSlots[m]) {
                    slotMember[gi][slot] = m;
                }
                for (int t : g.threads[m]) {
                    Arrays.fill(slotMember[gi], pcSlot[t], pcSlot[t] + blockSize[t], m);
                }
            }
            codeBits[gi] = g.members <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(g.members - 1);
            codeShift[gi] = bits;
            bits += codeBits[gi] * g.members;
        }
        codesFit = bits <= 31;
    }

    private static int[] refLocals(Procedure p) {
        return p.locals().stream().filter(Local::objectRef).mapToInt(Local::index).toArray();
    }

    /** The object-reference locals of frame {@code d} of thread {@code t} in {@code s}, or null. */
    private int[] frameRefLocals(int[] s, int t, int d) {
        if (d == 0) {
            return mainRefLocals[t];
        }
        int ret = s[frameBase[t] + d * frameSize[t]];
        return ret > 0 && ret <= code.length ? refLocalsAtRet[ret] : null;
    }

    /**
     * Scratch space for {@link #canonical(int[], Canon)}: one per searching thread (not thread-safe).
     * After a call it also holds the permutation that was applied ({@link #code()}).
     */
    public final class Canon {
        /** Per set: the fixed part of each member's key, computed for this successor (rows of fixedLen). */
        private final int[][] keys = new int[groups.length][];
        /** Per set: the same for the parent given to {@link #prepare}. */
        private final int[][] parentKeys = new int[groups.length][];
        /** Per set and member: the row its fixed key is read from (keys or parentKeys). */
        private final int[][][] src = new int[groups.length][][];
        /** Per set: the references from outside the set to each member (rows of extStride), and their lengths. */
        private final int[][] ext = new int[groups.length][];
        private final int[][] len = new int[groups.length][];
        private final boolean[][] dirty = new boolean[groups.length][];
        private final int[][] idx = new int[groups.length][];
        private final int[][] perm = new int[groups.length][];
        private final int[] theta = new int[model.threadCount()];
        private final int[] iota = new int[idGroup.length];
        private final int[] out = new int[model.stateSize()];
        private final int[] parent = new int[model.stateSize()];
        private boolean prepared;
        private int code;

        private Canon() {
            for (int gi = 0; gi < groups.length; gi++) {
                int m = groups[gi].members;
                keys[gi] = new int[m * fixedLen[gi]];
                parentKeys[gi] = new int[m * fixedLen[gi]];
                src[gi] = new int[m][];
                ext[gi] = new int[m * extStride];
                len[gi] = new int[m];
                dirty[gi] = new boolean[m];
                idx[gi] = new int[m];
                perm[gi] = new int[m];
            }
        }

        /** The permutation of the last canonicalisation: 0 for the identity; {@link #threadMapOf} decodes it. */
        public int code() { return code; }

        /**
         * Announces the state whose successors come next: {@link #canonicalSuccessor} then recomputes
         * only the keys of the members a successor changed.
         */
        public void prepare(int[] state) {
            System.arraycopy(state, 0, parent, 0, parent.length);
            for (int gi = 0; gi < groups.length; gi++) {
                for (int m = 0; m < groups[gi].members; m++) {
                    fixedKey(state, groups[gi], gi, m, parentKeys[gi], m * fixedLen[gi]);
                }
            }
            prepared = true;
        }
    }

    /** The permutations that move each member of every set to the next position (the last to the first). */
    public int[][] rotation() { return rotationBy(1); }

    /** The permutations that move each member of every set {@code k} positions on (modulo the set's size). */
    private int[][] rotationBy(int k) {
        int[][] perm = new int[groups.length][];
        for (int gi = 0; gi < groups.length; gi++) {
            perm[gi] = new int[groups[gi].members];
            for (int m = 0; m < perm[gi].length; m++) {
                perm[gi][m] = (m + k) % perm[gi].length;
            }
        }
        return perm;
    }

    /**
     * The powers of {@link #rotation()}: element k moves each member of every set k places on (modulo its size),
     * for k from 0 to the largest set's size - 1 (element 0 is the identity).
     */
    public int[][][] rotations() {
        int most = 1;
        for (Group g : groups) {
            most = Math.max(most, g.members);
        }
        int[][][] out = new int[most][][];
        for (int k = 0; k < most; k++) {
            out[k] = rotationBy(k);
        }
        return out;
    }

    /**
     * The permutations that swap the first two members of every set of two or more (the rest stay): with
     * {@link #rotation()}, a pair that generates every permutation of the members.
     */
    public int[][] transposition() {
        int[][] perm = identityPermutations();
        for (int[] p : perm) {
            if (p.length >= 2) {
                p[0] = 1;
                p[1] = 0;
            }
        }
        return perm;
    }

    /** The largest group {@link #smallGroup()} lists: 7!, every permutation of seven members. */
    public static final int SMALL_GROUP = 5040;

    /** {@link #smallGroup()}'s answer once known (a list, or {@link #TOO_LARGE}); computed on first use. */
    private volatile Object smallGroup;
    private static final Object TOO_LARGE = new Object();

    /**
     * Every element of the group (each set's members permuted every way, the sets independently), or
     * null when there are more than {@link #SMALL_GROUP}: for exact orbit comparisons on a few states, where
     * the canonical form may keep more than one representative (sets whose members refer to another set's).
     * Computed once, on first use.
     */
    @SuppressWarnings("unchecked")
    public List<int[][]> smallGroup() {
        Object known = smallGroup;
        if (known == null) {
            List<int[][]> all = allPermutations(SMALL_GROUP);
            known = all == null ? TOO_LARGE : List.copyOf(all);
            smallGroup = known; // the same answer from any thread that computes it too
        }
        return known == TOO_LARGE ? null : (List<int[][]>) known;
    }

    /** Every element of the group, or null when there are more than {@code cap}. */
    private List<int[][]> allPermutations(int cap) {
        long total = 1;
        for (Group g : groups) {
            for (int k = 2; k <= g.members; k++) {
                total *= k;
                if (total > cap) {
                    return null;
                }
            }
        }
        List<int[][]> out = new ArrayList<>();
        out.add(new int[groups.length][]);
        for (int gi = 0; gi < groups.length; gi++) {
            List<int[][]> next = new ArrayList<>();
            for (int[] p : permutationsOf(groups[gi].members)) {
                for (int[][] partial : out) {
                    int[][] q = partial.clone();
                    q[gi] = p;
                    next.add(q);
                }
            }
            out = next;
        }
        return out;
    }

    /**
     * The least image of {@code s} under {@code all} (from {@link #smallGroup()}), in the order of int
     * arrays: one vector per orbit, for exact comparisons where the canonical form may not be.
     */
    public int[] leastImage(int[] s, List<int[][]> all) {
        int[] least = null;
        for (int[][] p : all) {
            int[] image = apply(s, p);
            if (least == null || Arrays.compare(image, least) < 0) {
                least = image;
            }
        }
        return least;
    }

    private static List<int[]> permutationsOf(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] p, boolean[] used, int at, List<int[]> out) {
        if (at == p.length) {
            out.add(p.clone());
            return;
        }
        for (int v = 0; v < p.length; v++) {
            if (!used[v]) {
                used[v] = true;
                p[at] = v;
                permute(p, used, at + 1, out);
                used[v] = false;
            }
        }
    }

    /**
     * The permutations that rotate set {@code g} alone (its members each one place on) and keep every
     * other set's members in place; with several sets, these and {@link #transpositionOf} are what
     * generate the group (the joint {@link #rotation()} and {@link #transposition()} move every set at
     * once and generate only part of it).
     */
    public int[][] rotationOf(int g) {
        int[][] perm = identityPermutations();
        perm[g] = rotation()[g];
        return perm;
    }

    /** The permutations that swap the first two members of set {@code g} alone (a set of one: the identity). */
    public int[][] transpositionOf(int g) {
        int[][] all = transposition();
        int[][] perm = identityPermutations();
        perm[g] = all[g];
        return perm;
    }

    private int[][] identityPermutations() {
        int[][] perm = new int[groups.length][];
        for (int gi = 0; gi < groups.length; gi++) {
            perm[gi] = new int[groups[gi].members];
            for (int m = 0; m < perm[gi].length; m++) {
                perm[gi][m] = m;
            }
        }
        return perm;
    }

    /** A fresh scratch space for one searching thread. */
    public Canon newCanon() { return new Canon(); }

    /**
     * Applies the permutations {@code perm[g][m]} (member m of set g moves to position perm[g][m])
     * to {@code s}; returns a new vector.
     */
    public int[] apply(int[] s, int[][] perm) {
        int[] theta = new int[model.threadCount()];
        int[] iota = new int[idGroup.length];
        maps(perm, theta, iota);
        int[] out = new int[s.length];
        applyInto(s, perm, theta, iota, out);
        return out;
    }

    /**
     * The same as {@link #apply(int[], int[][])} into the scratch vector of {@code c} (valid until
     * the next use of {@code c}), without allocating.
     */
    public int[] apply(int[] s, int[][] perm, Canon c) {
        maps(perm, c.theta, c.iota);
        applyInto(s, perm, c.theta, c.iota, c.out);
        return c.out;
    }

    /** theta: the thread each thread moves to; iota: the object id each id moves to. */
    private void maps(int[][] perm, int[] theta, int[] iota) {
        for (int t = 0; t < theta.length; t++) {
            theta[t] = threadGroup[t] < 0 ? t : groups[threadGroup[t]].threads[perm[threadGroup[t]][threadMember[t]]][threadPos[t]];
        }
        for (int id = 0; id < iota.length; id++) {
            iota[id] = idGroup[id] < 0 ? id : groups[idGroup[id]].ids[perm[idGroup[id]][idMember[id]]][idPos[id]];
        }
    }

    private void applyInto(int[] s, int[][] perm, int[] theta, int[] iota, int[] out) {
        int n = theta.length;
        System.arraycopy(s, 0, out, 0, s.length);
        for (int gi = 0; gi < groups.length; gi++) {
            Group g = groups[gi];
            for (int m = 0; m < g.members; m++) {
                if (perm[gi][m] == m) {
                    continue;
                }
                int[] from = g.varSlots[m];
                int[] to = g.varSlots[perm[gi][m]];
                for (int k = 0; k < from.length; k++) {
                    out[to[k]] = s[from[k]];
                }
            }
        }
        for (int t = 0; t < n; t++) {
            int d = theta[t];
            if (d != t) {
                System.arraycopy(s, pcSlot[t], out, pcSlot[d], blockSize[t]);
                int shift = mainLo[d] - mainLo[t];
                out[pcSlot[d]] = shiftPc(out[pcSlot[d]], t, shift);
                for (int depth = 1; depth <= maxDepth[t]; depth++) {
                    int slot = frameBase[d] + depth * frameSize[d];
                    out[slot] = shiftPc(out[slot], t, shift);
                }
            }
        }
        for (int t = 0; t < n; t++) {
            remapLocals(out, t, iota);
        }
        for (int hs : holderSlots) {
            int v = out[hs];
            if (v > 0 && v - 1 < n) {
                out[hs] = theta[v - 1] + 1;
            }
        }
        for (int ms : maskSlots) {
            int v = out[ms];
            int moved = 0;
            for (int t = 0; t < n && t < 31; t++) {
                if ((v & (1 << t)) != 0) {
                    moved |= 1 << theta[t];
                }
            }
            out[ms] = moved | (n < 31 ? v & ~((1 << n) - 1) : 0); // bits past the last thread stay where they are
        }
    }

    private int shiftPc(int pc, int t, int shift) {
        return pc >= mainLo[t] && pc < mainHi[t] ? pc + shift : pc;
    }

    private void remapLocals(int[] s, int t, int[] iota) {
        if (s[pcSlot[t]] == code.length) {
            return; // finished: frames are zero
        }
        int depth = s[depthSlot[t]];
        for (int d = 0; d <= depth; d++) {
            int[] refs = frameRefLocals(s, t, d);
            if (refs == null) {
                continue;
            }
            int base = frameBase[t] + d * frameSize[t] + 1;
            for (int li : refs) {
                int v = s[base + li];
                if (v >= 0 && v < iota.length) {
                    s[base + li] = iota[v];
                }
            }
        }
    }

    /**
     * The canonical representative of {@code s}'s orbit (a new vector, or {@code s} itself when it
     * is canonical). When {@code threadMap} is not null it receives, for each thread t of {@code s},
     * the thread that plays its part in the result.
     */
    public int[] canonical(int[] s, int[] threadMap) {
        Canon c = new Canon();
        int[] r = canonical(s, c);
        if (threadMap != null) {
            if (r == s) {
                for (int t = 0; t < threadMap.length; t++) {
                    threadMap[t] = t;
                }
            } else {
                System.arraycopy(c.theta, 0, threadMap, 0, threadMap.length);
            }
        }
        return r == s ? s : r.clone();
    }

    /**
     * The canonical representative of {@code s}'s orbit without allocating: {@code s} itself when it
     * is canonical ({@code c.code() == 0}), else the scratch vector of {@code c}, valid until the
     * next call with {@code c}.
     */
    public int[] canonical(int[] s, Canon c) {
        return canonical(s, c, false);
    }

    /**
     * The same for a successor of the state last given to {@link Canon#prepare}: the keys of the
     * members whose slots it does not change are taken from that state (the key of a member reads
     * only its own variables and thread blocks; the references from outside are recomputed).
     */
    public int[] canonicalSuccessor(int[] next, Canon c) {
        if (!c.prepared) {
            return canonical(next, c, false);
        }
        for (int gi = 0; gi < groups.length; gi++) {
            Arrays.fill(c.dirty[gi], false);
        }
        int[] parent = c.parent;
        int n = next.length;
        int i = Arrays.mismatch(parent, next);
        while (i >= 0) {
            for (int gi = 0; gi < groups.length; gi++) {
                int m = slotMember[gi][i];
                if (m >= 0) {
                    c.dirty[gi][m] = true;
                }
            }
            if (++i == n) {
                break;
            }
            int j = Arrays.mismatch(parent, i, n, next, i, n);
            if (j < 0) {
                break;
            }
            i += j;
        }
        return canonical(next, c, true);
    }

    private int[] canonical(int[] s, Canon c, boolean incremental) {
        boolean identity = true;
        for (int gi = 0; gi < groups.length; gi++) {
            identity &= order(s, gi, c, incremental);
        }
        if (identity) {
            c.code = 0;
            return s;
        }
        maps(c.perm, c.theta, c.iota);
        applyInto(s, c.perm, c.theta, c.iota, c.out);
        c.code = encode(c.perm);
        return c.out;
    }

    /** A code for the permutations {@code perm}: 0 for the identity. */
    private int encode(int[][] perm) {
        if (codesFit) {
            int code = 0;
            for (int gi = 0; gi < groups.length; gi++) {
                for (int m = 0; m < perm[gi].length; m++) {
                    code |= (perm[gi][m] ^ m) << (codeShift[gi] + m * codeBits[gi]);
                }
            }
            return code;
        }
        String key = Arrays.deepToString(perm);
        synchronized (codeRegistry) {
            Integer known = codeRegistry.get(key);
            if (known == null) {
                int[][] copy = new int[perm.length][];
                for (int gi = 0; gi < perm.length; gi++) {
                    copy[gi] = perm[gi].clone();
                }
                registered.add(copy);
                known = registered.size();
                codeRegistry.put(key, known);
            }
            return known;
        }
    }

    /** For a permutation {@link Canon#code() code}: map[t] = the thread that thread t of the source plays in the result. */
    public int[] threadMapOf(int code) {
        int[][] perm = new int[groups.length][];
        if (code == 0 || codesFit) {
            for (int gi = 0; gi < groups.length; gi++) {
                perm[gi] = new int[groups[gi].members];
                int mask = (1 << codeBits[gi]) - 1;
                for (int m = 0; m < perm[gi].length; m++) {
                    perm[gi][m] = ((code >>> (codeShift[gi] + m * codeBits[gi])) & mask) ^ m;
                }
            }
        } else {
            synchronized (codeRegistry) {
                perm = registered.get(code - 1);
            }
        }
        int[] theta = new int[model.threadCount()];
        maps(perm, theta, new int[idGroup.length]);
        return theta;
    }

    /**
     * Sorts the members of set gi by their keys into c.perm[gi] (perm[m] = the position of member m),
     * stable: members with equal keys keep their order. A key is the member's fixed part
     * ({@link #fixedKey}), a separator, then the references to it from outside the set; keys compare
     * lexicographically, a proper prefix first. With {@code incremental}, members not marked dirty
     * keep the fixed part computed by {@link Canon#prepare}. Returns whether the order is the identity.
     */
    private boolean order(int[] s, int gi, Canon c, boolean incremental) {
        Group g = groups[gi];
        int k = fixedLen[gi];
        int[][] src = c.src[gi];
        for (int m = 0; m < g.members; m++) {
            if (incremental && !c.dirty[gi][m]) {
                src[m] = c.parentKeys[gi];
            } else {
                fixedKey(s, g, gi, m, c.keys[gi], m * k);
                src[m] = c.keys[gi];
            }
        }
        int[] ext = c.ext[gi];
        int[] len = c.len[gi];
        Arrays.fill(len, 0);
        int es = extStride;
        // references from outside the set: lock holders outside member variables, object-id locals of other threads
        for (int hs : holderSlots) {
            int v = s[hs];
            if (!g.isMemberSlot[hs] && v > 0 && v - 1 < threadGroup.length && threadGroup[v - 1] == gi) {
                int m = threadMember[v - 1];
                int at = m * es + len[m];
                ext[at] = hs;
                ext[at + 1] = threadPos[v - 1];
                len[m] += 2;
            }
        }
        // a thread mask names each member's threads by their place in the member (not by index, which would make the key
        // depend on where the member sits when its threads are not declared in member order)
        for (int ms : maskSlots) {
            if (g.isMemberSlot[ms]) {
                continue; // a member's own mask moves with it (sets without threads only, see the constructor)
            }
            int v = s[ms];
            for (int m = 0; m < g.members; m++) {
                int[] ts = g.threads[m];
                for (int j = 0; j < ts.length; j++) {
                    if (ts[j] < 31 && (v & (1 << ts[j])) != 0) {
                        int at = m * es + len[m];
                        ext[at] = ms;
                        ext[at + 1] = j;
                        len[m] += 2;
                    }
                }
            }
        }
        for (int t = 0; t < threadGroup.length; t++) {
            if (threadGroup[t] == gi || s[pcSlot[t]] == code.length) {
                continue;
            }
            int depth = s[depthSlot[t]];
            for (int d = 0; d <= depth; d++) {
                int[] refs = frameRefLocals(s, t, d);
                if (refs == null) {
                    continue;
                }
                int base = frameBase[t] + d * frameSize[t] + 1;
                for (int li : refs) {
                    int v = s[base + li];
                    if (v >= 0 && v < idGroup.length && idGroup[v] == gi) {
                        int m = idMember[v];
                        int at = m * es + len[m];
                        ext[at] = -(base + li) - 1;
                        ext[at + 1] = idPos[v];
                        len[m] += 2;
                    }
                }
            }
        }
        // insertion sort of the member indices (stable; sets are small)
        int[] idx = c.idx[gi];
        for (int m = 0; m < g.members; m++) {
            int x = m;
            int j = m - 1;
            while (j >= 0 && compareKeys(src, k, ext, es, len, idx[j], x) > 0) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = x;
        }
        int[] perm = c.perm[gi];
        boolean identity = true;
        for (int pos = 0; pos < g.members; pos++) {
            perm[idx[pos]] = pos;
            identity &= idx[pos] == pos;
        }
        return identity;
    }

    /** The order of two members' keys: fixed parts (length k), then the outside references, a proper prefix first. */
    private static int compareKeys(int[][] src, int k, int[] ext, int es, int[] len, int a, int b) {
        int i = Arrays.mismatch(src[a], a * k, a * k + k, src[b], b * k, b * k + k);
        if (i >= 0) {
            return Integer.compare(src[a][a * k + i], src[b][b * k + i]);
        }
        int n = Math.min(len[a], len[b]);
        int j = Arrays.mismatch(ext, a * es, a * es + n, ext, b * es, b * es + n);
        if (j >= 0) {
            return Integer.compare(ext[a * es + j], ext[b * es + j]);
        }
        return Integer.compare(len[a], len[b]);
    }

    private static final int OWN = -1_000_000;
    private static final int OTHER = -2_000_000;

    /**
     * The position-independent part of member m's key, written at keys[at ..): its variables (lock
     * holders that name one of its own threads relative to itself), then each of its threads' blocks
     * with program counters inside the main body relative to it and object-id locals naming its own
     * objects relative to itself (another member's: one mark).
     */
    private void fixedKey(int[] s, Group g, int gi, int m, int[] keys, int at) {
        int n = at;
        for (int slot : g.varSlots[m]) {
            keys[n++] = normalThreadRef(s[slot], slot, gi, m);
        }
        for (int t : g.threads[m]) {
            int size = blockSize[t];
            int start = n;
            System.arraycopy(s, pcSlot[t], keys, n, size);
            n += size;
            keys[start] = normalPc(keys[start], t);
            for (int d = 1; d <= maxDepth[t]; d++) {
                int off = start + 2 + d * frameSize[t];
                keys[off] = normalPc(keys[off], t);
            }
            if (s[pcSlot[t]] != code.length) {
                for (int d = 0; d <= s[depthSlot[t]]; d++) {
                    int[] refs = frameRefLocals(s, t, d);
                    if (refs == null) {
                        continue;
                    }
                    for (int li : refs) {
                        int off = start + 2 + d * frameSize[t] + 1 + li;
                        int v = keys[off];
                        if (v >= 0 && v < idGroup.length && idGroup[v] == gi) {
                            keys[off] = idMember[v] == m ? OWN - idPos[v] : OTHER;
                        }
                    }
                }
            }
        }
    }

    private int normalThreadRef(int v, int slot, int gi, int m) {
        if (isHolderSlot[slot] && v > 0 && v - 1 < threadGroup.length && threadGroup[v - 1] == gi) {
            return threadMember[v - 1] == m ? OWN - threadPos[v - 1] : OTHER;
        }
        return v;
    }

    private int normalPc(int pc, int t) {
        return pc >= mainLo[t] && pc < mainHi[t] ? OWN + (pc - mainLo[t]) : pc;
    }
}
