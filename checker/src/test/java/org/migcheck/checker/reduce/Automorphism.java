package org.migcheck.checker.reduce;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.Symmetry;

/**
 * Checks the claim behind symmetry reduction directly on the semantics, without the engine: for
 * every reachable state s (breadth-first, up to a cap) and every transposition g of two members
 * of a declared set, the successors of g(s) are exactly g applied to the successors of s, and
 * the number of failing transitions is the same. Returns a description of the first mismatch, or null.
 */
final class Automorphism {
    private Automorphism() {}

    private record Succ(List<List<Integer>> next, int failures) {}

    private static Succ successors(Semantics sem, int[] s) {
        List<List<Integer>> out = new ArrayList<>();
        int[] fails = {0};
        sem.expand(s, new Semantics.Sink() {
            @Override public void fired(int thread, int alt, int[] next, List<Event> events) {
                out.add(Arrays.stream(next).boxed().toList());
            }
            @Override public void failed(int thread, int alt, RuntimeException error) { fails[0]++; }
            @Override public void blocked(int thread, BlockReason reason) { }
        });
        return new Succ(out, fails[0]);
    }

    static String check(Model model, int cap) {
        Semantics sem = new Semantics(model);
        Symmetry sym = new Symmetry(model);
        List<int[][]> gens = new ArrayList<>();
        for (int g = 0; g < sym.groupCount(); g++) {
            for (int a = 0; a < sym.members(g); a++) {
                for (int b = a + 1; b < sym.members(g); b++) {
                    int[][] perm = new int[sym.groupCount()][];
                    for (int h = 0; h < perm.length; h++) {
                        perm[h] = new int[sym.members(h)];
                        for (int m = 0; m < perm[h].length; m++) {
                            perm[h][m] = m;
                        }
                    }
                    perm[g][a] = b;
                    perm[g][b] = a;
                    gens.add(perm);
                }
            }
        }
        Set<List<Integer>> seen = new HashSet<>();
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        int[] init = sem.initialState();
        seen.add(Arrays.stream(init).boxed().toList());
        queue.add(init);
        while (!queue.isEmpty() && seen.size() < cap) {
            int[] s = queue.poll();
            Succ here = successors(sem, s);
            for (int[][] g : gens) {
                int[] gs = sym.apply(s, g);
                Succ there = successors(sem, gs);
                Set<List<Integer>> mapped = new HashSet<>();
                for (List<Integer> n : here.next) {
                    mapped.add(Arrays.stream(sym.apply(n.stream().mapToInt(Integer::intValue).toArray(), g)).boxed().toList());
                }
                if (!mapped.equals(new HashSet<>(there.next)) || here.failures != there.failures) {
                    return diff(model, s, gs, mapped, new HashSet<>(there.next), here.failures, there.failures);
                }
            }
            for (List<Integer> n : here.next) {
                if (seen.add(n)) {
                    queue.add(n.stream().mapToInt(Integer::intValue).toArray());
                }
            }
        }
        return null;
    }

    private static String diff(Model model, int[] s, int[] gs, Set<List<Integer>> mapped, Set<List<Integer>> actual, int f1, int f2) {
        StringBuilder sb = new StringBuilder("not an automorphism at state " + Arrays.toString(s) + "\n permuted " + Arrays.toString(gs)
                + "\n failures " + f1 + " vs " + f2 + "\n");
        Set<List<Integer>> onlyMapped = new HashSet<>(mapped);
        onlyMapped.removeAll(actual);
        Set<List<Integer>> onlyActual = new HashSet<>(actual);
        onlyActual.removeAll(mapped);
        sb.append(" only in g(succ(s)): ").append(onlyMapped.size()).append(", only in succ(g(s)): ").append(onlyActual.size()).append('\n');
        if (!onlyMapped.isEmpty() && !onlyActual.isEmpty()) {
            List<Integer> a = onlyMapped.iterator().next();
            List<Integer> b = onlyActual.iterator().next();
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).equals(b.get(i))) {
                    sb.append("  slot ").append(i).append(' ').append(slotName(model, i)).append(": ").append(a.get(i)).append(" vs ").append(b.get(i)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static String slotName(Model m, int slot) {
        for (var v : m.vars()) {
            if (v.slot() == slot) {
                return v.name();
            }
        }
        return "(thread slot)";
    }
}
