package org.migcheck.checker.reduce;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;
import org.migcheck.checker.engine.Failure;
import org.migcheck.checker.engine.TransitionSystem;
import org.migcheck.model.lang.Symmetry;

/**
 * Turns a schedule found among canonical states into a schedule of the unpermuted model, so that
 * traces name the real threads and objects. Step i of the canonical schedule goes from canonical
 * state c_i to c_{i+1}; in the real state r_i (whose canonical form is c_i) some transition leads
 * to a state whose canonical form is c_{i+1} (symmetry maps transitions to transitions), and the
 * first such transition, in the system's order, is taken. A final failing transition is matched by
 * a failing transition of r_n with the same kind of failure.
 */
public final class Unpermute {
    private final TransitionSystem inner;
    private final Symmetry symmetry;

    public Unpermute(TransitionSystem inner, Symmetry symmetry) {
        this.inner = inner;
        this.symmetry = symmetry;
    }

    /**
     * The result: the real schedule, the real state it ends in (before a failing last step), the real state
     * before its last step (the initial state for an empty schedule), and that step's failure.
     */
    public record Real(int[] schedule, int[] last, int[] beforeLast, Failure failure) {}

    private record Out(List<int[]> labelsAndNext, List<Object[]> failures, Failure stateFailure) {}

    private Out expand(int[] s) {
        List<int[]> succ = new ArrayList<>();
        List<Object[]> fails = new ArrayList<>();
        Failure[] sf = {null};
        inner.expand(-1, s, new TransitionSystem.Successors() {
            @Override public void successor(int label, int[] next) {
                int[] row = new int[next.length + 1];
                row[0] = label;
                System.arraycopy(next, 0, row, 1, next.length);
                succ.add(row);
            }
            @Override public void failure(int label, Failure f) { fails.add(new Object[] {label, f}); }
            @Override public void stateFailure(Failure f) { sf[0] = f; }
        });
        return new Out(succ, fails, sf[0]);
    }

    private int[] canon(int[] s) { return symmetry.canonical(s, (int[]) null); }

    /**
     * Maps {@code schedule}; when {@code failingLast} its last label is a failing transition, matched
     * by a real failing transition whose failure satisfies {@code sameFailure} with the canonical one.
     */
    public Real map(int[] schedule, boolean failingLast, BiPredicate<Failure, Failure> sameFailure) {
        int[] real = inner.initialState();
        int[] c = canon(real);
        int steps = failingLast ? schedule.length - 1 : schedule.length;
        int[] out = new int[schedule.length];
        int[] before = real;
        for (int i = 0; i < steps; i++) {
            int[] cNext = null;
            for (int[] row : expand(c).labelsAndNext) {
                if (row[0] == schedule[i]) {
                    cNext = canon(Arrays.copyOfRange(row, 1, row.length));
                    break;
                }
            }
            if (cNext == null) {
                throw new IllegalStateException("canonical schedule step " + i + " does not replay");
            }
            int[] rNext = null;
            List<int[]> realSuccessors = expand(real).labelsAndNext;
            for (int[] row : realSuccessors) {
                int[] next = Arrays.copyOfRange(row, 1, row.length);
                if (Arrays.equals(canon(next), cNext)) {
                    out[i] = row[0];
                    rNext = next;
                    break;
                }
            }
            if (rNext == null) {
                // no real successor has the stored canonical form: where sets refer to each other the form is not always
                // one per orbit, so the real successor in the same orbit is looked for exactly (least image under every
                // permutation of the group) before the declaration is blamed
                rNext = sameOrbit(realSuccessors, cNext, out, i);
            }
            if (rNext == null) {
                // the reduced search's path has no real counterpart: the declaration is false (a user's members that
                // differ in code the static check cannot see), found late; the caller re-runs without symmetry
                throw new ReducedSystem.SymmetryRefused("no transition of the real model matches step " + (i + 1)
                        + " of the reduced search's path: the declared members are not interchangeable (found when the"
                        + " trace was rebuilt)");
            }
            before = real;
            real = rNext;
            c = cNext;
        }
        Failure failure = null;
        if (failingLast) {
            Failure canonicalFailure = null;
            for (Object[] f : expand(c).failures) {
                if ((int) f[0] == schedule[steps]) {
                    canonicalFailure = (Failure) f[1];
                    break;
                }
            }
            for (Object[] f : expand(real).failures) {
                if (canonicalFailure == null || sameFailure.test(canonicalFailure, (Failure) f[1])) {
                    out[steps] = (int) f[0];
                    failure = (Failure) f[1];
                    break;
                }
            }
            if (failure == null) {
                throw new ReducedSystem.SymmetryRefused("the reduced search's failing transition has no real counterpart: the"
                        + " declared members are not interchangeable (found when the trace was rebuilt)");
            }
        } else {
            Out o = expand(real);
            failure = o.stateFailure != null ? o.stateFailure : inner.checkState(real);
        }
        return new Real(out, real, failingLast ? real : before, failure);
    }

    /**
     * The real lock that plays the part of the canonical state's lock {@code name} in real state
     * {@code real}: a member's lock moves with its member. {@code name} itself when no lock has it.
     */
    public String realLock(int[] real, String name) {
        org.migcheck.model.lang.Lock canonicalLock = null;
        for (org.migcheck.model.lang.Lock l : symmetry.model().locks()) {
            if (l.name().equals(name)) {
                canonicalLock = l;
            }
        }
        if (canonicalLock == null) {
            return name;
        }
        int slot = symmetry.slotSources(real)[canonicalLock.holderVar().slot()];
        for (org.migcheck.model.lang.Lock l : symmetry.model().locks()) {
            if (l.holderVar().slot() == slot) {
                return l.name();
            }
        }
        return name;
    }

    /**
     * The first real successor (in the system's order) in the orbit of {@code cNext}, its label written to
     * {@code out[i]}; null when none is, or when the group is too large to compare orbits exactly.
     */
    private int[] sameOrbit(List<int[]> successors, int[] cNext, int[] out, int i) {
        List<int[][]> all = symmetry.smallGroup();
        if (all == null) {
            return null;
        }
        int[] want = symmetry.leastImage(cNext, all);
        for (int[] row : successors) {
            int[] next = Arrays.copyOfRange(row, 1, row.length);
            if (Arrays.equals(symmetry.leastImage(next, all), want)) {
                out[i] = row[0];
                return next;
            }
        }
        return null;
    }

    /** The real thread that plays canonical thread {@code t} in real state {@code real}. */
    public int realThread(int[] real, int t) {
        int[] map = new int[symmetry.model().threadCount()];
        symmetry.canonical(real, map);
        for (int u = 0; u < map.length; u++) {
            if (map[u] == t) {
                return u;
            }
        }
        return t;
    }
}
