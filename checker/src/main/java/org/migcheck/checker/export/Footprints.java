package org.migcheck.checker.export;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.migcheck.model.lang.Model;
import org.migcheck.properties.RuleSet;

/**
 * The static footprint of every transition of a model, for the partial-order reduction: the slots a
 * transition (thread t at program counter pc, any alternative) may read and write in any reachable
 * state, and the same united over everything thread t may still do from pc on.
 *
 * <p>The sets come from the exporter's tables ({@link Tables}) built without their decision trees:
 * each transition is run by {@code Probe} once for every combination of values of the slots it
 * reads, over value sets that grow to a fixpoint, so they hold on every reachable state (the
 * argument is in {@link Tables}). Reads include what the step rules the search runs on a firing
 * read when they judge it (they run inside each probe, chosen by their triggers and watched
 * variables as the search chooses them), the guard and block reason, and the local code up to the
 * thread's next step. With lockdep on, a transition that takes or drops a lock also reads the
 * holder of every lock that some transition may take or drop while another thread holds it (a bit
 * lock released by another thread): lockdep reads "which locks does the acquiring thread hold". A
 * finishing thread's check that it holds no owned lock reads those locks' holders, but only the
 * holder can change that answer, so those reads count only for a lock some transition may take
 * from or give to another thread.
 * A transition is visible when it may write a slot some invariant or reachability goal reads.
 */
public final class Footprints {
    /**
     * A thread reached a program counter the tables never reached: they were not an
     * over-approximation of this model's behaviour, so neither they nor any reduction made with them
     * can be trusted (the checker starts again without them and says so).
     */
    public static final class Uncovered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Uncovered(String message) { super(message, null, false, false); }
    }

    private final int threads;
    private final int words;
    /** Per thread, by pc x words: the shared slots the transition at pc reads and writes, and the same for the thread's future from pc on. */
    private final long[][] reads;
    private final long[][] writes;
    private final long[][] futureReads;
    private final long[][] futureWrites;
    private final boolean[][] known;
    /**
     * Per thread and pc: 0 unknown (the tables did not cover it, or not every pc after it), {@link
     * #KNOWN}, or {@link #CANDIDATE} (known and invisible: may stand for the others when independent
     * of them).
     */
    private final byte[][] flags;
    private static final byte KNOWN = 1;
    private static final byte CANDIDATE = 2;
    private final String[] threadNames;
    /** Each pc's "procedure: step" for messages. */
    private final String[] describe;
    /** The slots the footprints of two threads or more touch, ascending; and each slot's index among them, or -1. */
    private final int[] sharedSlots;
    private final int[] index;

    private Footprints(Tables t, RuleSet rules) {
        Model model = t.model;
        this.threads = model.threadCount();
        int codeLength = t.probe.donePc();
        this.threadNames = new String[threads];
        for (int th = 0; th < threads; th++) {
            threadNames[th] = model.thread(th).name();
        }
        this.describe = new String[codeLength];
        for (int pc = 0; pc < codeLength; pc++) {
            describe[pc] = t.probe.isTransition(pc) ? t.probe.describe(pc) : "pc " + pc;
        }
        BitSet othersHolds = new BitSet();
        t.otherHolds.values().forEach(othersHolds::or);
        BitSet lockdepReads = rules.lockdep() ? othersHolds : new BitSet();
        BitSet holders = new BitSet();
        for (org.migcheck.model.lang.Lock l : model.locks()) {
            holders.set(l.holderVar().slot());
        }
        BitSet[][] r = new BitSet[threads][codeLength];
        BitSet[][] w = new BitSet[threads][codeLength];
        BitSet[][] next = new BitSet[threads][codeLength];
        for (Map.Entry<List<Integer>, BitSet> e : t.readSets.entrySet()) {
            int th = e.getKey().get(0);
            int pc = e.getKey().get(1);
            if (r[th][pc] == null) {
                r[th][pc] = new BitSet();
                w[th][pc] = new BitSet();
                next[th][pc] = new BitSet();
            }
            r[th][pc].or(e.getValue());
            BitSet written = t.writeSets.getOrDefault(e.getKey(), new BitSet());
            w[th][pc].or(written);
            next[th][pc].or(t.nextPcs.getOrDefault(e.getKey(), new BitSet()));
            if (written.intersects(holders)) {
                r[th][pc].or(lockdepReads);
            }
            // a finishing thread's exit check asks whether it still holds an owned lock: only a transition that can
            // change another thread's hold of that lock (none of the lock steps can) makes that a dependency
            BitSet exitReads = t.ownHoldReadSets.get(e.getKey());
            if (exitReads != null) {
                BitSet disturbed = (BitSet) exitReads.clone();
                disturbed.and(othersHolds);
                r[th][pc].or(disturbed);
            }
        }
        // only slots that the footprints of two threads or more touch can make transitions of different
        // threads dependent: the bit sets are over those alone (usually a word or two)
        int[] touchedBy = new int[model.stateSize()];
        java.util.Arrays.fill(touchedBy, -1);
        BitSet shared = new BitSet();
        for (int th = 0; th < threads; th++) {
            for (int pc = 0; pc < codeLength; pc++) {
                if (r[th][pc] == null) {
                    continue;
                }
                BitSet rw = (BitSet) r[th][pc].clone();
                rw.or(w[th][pc]);
                for (int x = rw.nextSetBit(0); x >= 0; x = rw.nextSetBit(x + 1)) {
                    if (touchedBy[x] == -1) {
                        touchedBy[x] = th;
                    } else if (touchedBy[x] != th) {
                        shared.set(x);
                    }
                }
            }
        }
        this.sharedSlots = shared.stream().toArray();
        this.index = new int[model.stateSize()];
        java.util.Arrays.fill(index, -1);
        for (int i = 0; i < sharedSlots.length; i++) {
            index[sharedSlots[i]] = i;
        }
        this.words = Math.max(1, (sharedSlots.length + 63) >>> 6);
        reads = new long[threads][codeLength * words];
        writes = new long[threads][codeLength * words];
        futureReads = new long[threads][codeLength * words];
        futureWrites = new long[threads][codeLength * words];
        known = new boolean[threads][codeLength];
        flags = new byte[threads][codeLength];
        for (int th = 0; th < threads; th++) {
            for (int pc = 0; pc < codeLength; pc++) {
                if (r[th][pc] == null) {
                    continue;
                }
                known[th][pc] = true;
                put(reads[th], pc, r[th][pc]);
                put(writes[th], pc, w[th][pc]);
                boolean visible = w[th][pc].intersects(t.propertyReads);
                flags[th][pc] = visible ? KNOWN : CANDIDATE;
                // everything the thread may do from pc on: the transitions reachable over the leaves' next pcs
                BitSet fr = new BitSet();
                BitSet fw = new BitSet();
                BitSet seen = new BitSet();
                boolean incomplete = false;
                ArrayDeque<Integer> work = new ArrayDeque<>();
                work.add(pc);
                seen.set(pc);
                while (!work.isEmpty()) {
                    int p = work.poll();
                    if (p == codeLength) {
                        continue; // finished
                    }
                    if (r[th][p] == null) {
                        incomplete = true; // a next pc the tables did not tabulate: the future is not known
                        continue;
                    }
                    fr.or(r[th][p]);
                    fw.or(w[th][p]);
                    BitSet n = next[th][p];
                    for (int q = n.nextSetBit(0); q >= 0; q = n.nextSetBit(q + 1)) {
                        if (q <= codeLength && !seen.get(q)) {
                            seen.set(q);
                            work.add(q);
                        }
                    }
                }
                put(futureReads[th], pc, fr);
                put(futureWrites[th], pc, fw);
                if (incomplete) {
                    flags[th][pc] = 0; // reaching this pc ends the reduction with Uncovered
                }
            }
        }
    }

    /** Writes {@code b}, restricted to the shared slots over their compact indices, at pc's words of {@code into}. */
    private void put(long[] into, int pc, BitSet b) {
        for (int x = b.nextSetBit(0); x >= 0; x = b.nextSetBit(x + 1)) {
            int i = index[x];
            if (i >= 0) {
                into[pc * words + (i >>> 6)] |= 1L << (i & 63);
            }
        }
    }

    /**
     * The footprints of {@code model} under {@code rules}, or {@link NotExpressible} when the tables
     * need more than {@code workLimit} probes and comparisons of control tuples (or one transition
     * more than the exporter's limit of probes).
     */
    public static Footprints compute(Model model, RuleSet rules, long workLimit) {
        return new Footprints(new Tables(model, rules, false, workLimit), rules);
    }

    /** Scratch space for {@link #candidates}: one per calling thread. */
    public final class Scratch {
        private final long[] preR = new long[threads * words];
        private final long[] preW = new long[threads * words];
        private final long[] sufR = new long[words];
        private final long[] sufW = new long[words];
        /** The program counter of each thread, -1 for a finished one: the caller fills it in. */
        public final int[] pcs = new int[threads];
    }

    public Scratch newScratch() { return new Scratch(); }

    private Uncovered uncovered(int thread, int pc) {
        return new Uncovered("thread " + threadNames[thread] + " reached " + (pc < describe.length ? describe[pc] : "pc " + pc)
                + (known[thread][pc] ? ", from which the footprints' tables do not cover every next step"
                        : ", which the footprints' tables did not cover"));
    }

    /** {@link #candidates} when the shared slots fit one word (the common case): the same passes over scalars. */
    private long candidates1(Scratch s) {
        int[] pcs = s.pcs;
        long[] preR = s.preR;
        long[] preW = s.preW;
        long accR = 0;
        long accW = 0;
        boolean any = false;
        for (int k = 0; k < threads; k++) {
            preR[k] = accR; // the union of the futures of threads 0..k-1
            preW[k] = accW;
            int pc = pcs[k];
            if (pc < 0) {
                continue;
            }
            byte f = flags[k][pc];
            if (f == 0) {
                throw uncovered(k, pc);
            }
            any |= f == CANDIDATE;
            accR |= futureReads[k][pc];
            accW |= futureWrites[k][pc];
        }
        if (!any) {
            return 0;
        }
        long mask = 0;
        long sufR = 0;
        long sufW = 0;
        for (int t = threads - 1; t >= 0; t--) {
            int pc = pcs[t];
            if (pc < 0) {
                continue;
            }
            if (flags[t][pc] == CANDIDATE && t < 64) {
                long othersR = preR[t] | sufR;
                long othersW = preW[t] | sufW;
                if ((writes[t][pc] & (othersR | othersW)) == 0 && (reads[t][pc] & othersW) == 0) {
                    mask |= 1L << t;
                }
            }
            sufR |= futureReads[t][pc];
            sufW |= futureWrites[t][pc];
        }
        return mask;
    }

    /**
     * The threads t (below 64), as bits, whose transition at {@code s.pcs[t]} is known, invisible and
     * independent of everything every other unfinished thread may still do from its pc on. The
     * others' futures are united once per state (a forward pass of prefix unions, then a backward
     * pass that tests each thread against its prefix and the suffix so far), so this costs a few
     * word operations per thread, not one test per pair of threads.
     */
    public long candidates(Scratch s) {
        if (words == 1) {
            return candidates1(s);
        }
        int[] pcs = s.pcs;
        int w = words;
        long[] preR = s.preR;
        long[] preW = s.preW;
        long[] sufR = s.sufR;
        long[] sufW = s.sufW;
        for (int i = 0; i < w; i++) {
            sufR[i] = 0;
            sufW[i] = 0;
        }
        boolean any = false;
        for (int k = 0; k < threads; k++) {
            int pc = pcs[k];
            int at = k * w;
            if (pc < 0) {
                for (int i = 0; i < w; i++) {
                    preR[at + i] = k == 0 ? 0 : preR[at - w + i];
                    preW[at + i] = k == 0 ? 0 : preW[at - w + i];
                }
                continue;
            }
            byte f = flags[k][pc];
            if (f == 0) {
                throw uncovered(k, pc);
            }
            any |= f == CANDIDATE;
            long[] fr = futureReads[k];
            long[] fw = futureWrites[k];
            int from = pc * w;
            // preR[k] = union of the futures of threads 0..k (inclusive)
            for (int i = 0; i < w; i++) {
                preR[at + i] = (k == 0 ? 0 : preR[at - w + i]) | fr[from + i];
                preW[at + i] = (k == 0 ? 0 : preW[at - w + i]) | fw[from + i];
            }
        }
        if (!any) {
            return 0;
        }
        long mask = 0;
        for (int t = threads - 1; t >= 0; t--) {
            int pc = pcs[t];
            if (pc < 0) {
                continue;
            }
            int from = pc * w;
            if (flags[t][pc] == CANDIDATE && t < 64) {
                long[] r = reads[t];
                long[] wr = writes[t];
                boolean ok = true;
                for (int i = 0; i < w && ok; i++) {
                    long othersR = (t == 0 ? 0 : preR[(t - 1) * w + i]) | sufR[i];
                    long othersW = (t == 0 ? 0 : preW[(t - 1) * w + i]) | sufW[i];
                    ok = (wr[from + i] & (othersR | othersW)) == 0 && (r[from + i] & othersW) == 0;
                }
                if (ok) {
                    mask |= 1L << t;
                }
            }
            long[] fr = futureReads[t];
            long[] fw = futureWrites[t];
            for (int i = 0; i < w; i++) {
                sufR[i] |= fr[from + i];
                sufW[i] |= fw[from + i];
            }
        }
        return mask;
    }
}
