package org.migcheck.checker.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.Symmetry;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;

class SymmetryTest {

    /**
     * Orbit counts by formula, independent of the canonical form: N interchangeable threads, each
     * stepping its own counter k times and touching nothing else. Each thread has k + 1 local states
     * (0..k steps done), so the model has (k + 1)^N states; a permutation of the threads maps one onto
     * another exactly when both have the same multiset of local states, so the orbits are the multisets
     * of N values out of k + 1: C(N + k, N).
     */
    @Test
    void orbitsOfIndependentInterchangeableThreadsAreMultisets() {
        for (int[] nk : new int[][] {{2, 1}, {3, 3}, {4, 2}, {5, 1}}) {
            int n = nk[0];
            int k = nk[1];
            Model.Builder b = Model.builder("counters-" + n + "x" + k);
            List<Model.SymmetricMember> members = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                org.migcheck.model.lang.Var v = b.var("o" + j + ".v", 0, k, 0);
                b.thread("t" + j, body -> {
                    for (int i = 0; i < k; i++) {
                        body.step(org.migcheck.model.lang.Step.named("WRITE_ONCE").args(v.name()).does(e -> e.set(v, e.get(v) + 1)).build());
                    }
                });
                members.add(new Model.SymmetricMember(List.of("t" + j), List.of("o" + j), List.of()));
            }
            b.symmetric("counters", members);
            Model m = b.build();
            long all = Math.round(Math.pow(k + 1, n));
            long orbits = binomial(n + k, n);
            org.migcheck.checker.run.CheckResult plain = org.migcheck.checker.run.Checker.check(m, org.migcheck.properties.RuleSet.empty(),
                    org.migcheck.checker.run.Options.defaults().unreduced());
            org.migcheck.checker.run.CheckResult sym = org.migcheck.checker.run.Checker.check(m, org.migcheck.properties.RuleSet.empty(),
                    org.migcheck.checker.run.Options.defaults().withSymmetry(org.migcheck.checker.run.Options.Switch.ON)
                            .withPor(org.migcheck.checker.run.Options.Switch.OFF));
            String what = n + " threads, " + k + " steps";
            assertEquals(org.migcheck.checker.run.Verdict.HOLDS, sym.verdict(), what + ": " + sym.message());
            assertEquals(all, plain.stats().distinct(), what + " unreduced");
            assertEquals(orbits, sym.stats().distinct(), what + " orbits");
            assertTrue(sym.reductions().contains("symmetry"), sym.reductions());
        }
    }

    private static long binomial(int n, int r) {
        long c = 1;
        for (int i = 1; i <= r; i++) {
            c = c * (n - r + i) / i;
        }
        return c;
    }
    static Model build(String id, java.util.Map<String, String> settings) {
        Scenario s = Catalogue.all().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        return s.build(Knobs.resolve(s.id(), s.knobs(), settings));
    }

    /** Every reachable state at two compactors (8803 states), the first 15000 at three, for each declaring variant. */
    @Test
    void movableOpsCompactorsAreAnAutomorphism() {
        for (String n : java.util.List.of("2", "3")) {
            for (java.util.Map<String, String> v : java.util.List.of(java.util.Map.<String, String>of(),
                    java.util.Map.of("putback", "page-locked-caller"), java.util.Map.of("checkIsolated", "false"),
                    java.util.Map.of("getRef", "plain"), java.util.Map.of("deflateLock", "sleeping"))) {
                java.util.Map<String, String> settings = new java.util.HashMap<>(v);
                settings.put("compactors", n);
                assertNull(Automorphism.check(build("movable-ops", settings), 15_000), settings.toString());
            }
        }
    }

    /**
     * The search canonicalises each successor incrementally (only the members it changed get new
     * keys) in a scratch space: on every successor of the first reachable states of movable-ops at
     * four compactors and of random models, that form and its permutation code equal the full,
     * allocating canonicalisation; and the form is one per orbit: every random permutation of the
     * successor has the same canonical form.
     */
    @Test
    void theIncrementalCanonicalFormIsTheFullOneAndOnePerOrbit() {
        List<Model> models = new ArrayList<>();
        models.add(build("movable-ops", java.util.Map.of("compactors", "4")));
        for (long seed = 1; seed <= 20; seed++) {
            models.add(RandomModels.generate(seed, false).model());
        }
        Random rnd = new Random(7);
        int randomPermuted = 0;
        int randomModels = 0;
        for (Model m : models) {
            Semantics sem = new Semantics(m);
            Symmetry sym = new Symmetry(m);
            Symmetry.Canon canon = sym.newCanon();
            Set<List<Integer>> seen = new HashSet<>();
            ArrayDeque<int[]> queue = new ArrayDeque<>();
            queue.add(sem.initialState());
            int permuted = 0;
            while (!queue.isEmpty() && seen.size() < 3_000) {
                int[] s = queue.poll();
                canon.prepare(s);
                List<int[]> succ = new ArrayList<>();
                sem.expand(s, new Semantics.Sink() {
                    @Override public void fired(int thread, int alt, int[] next, List<Event> events) { succ.add(next.clone()); }
                    @Override public void failed(int thread, int alt, RuntimeException error) { }
                    @Override public void blocked(int thread, BlockReason reason) { }
                });
                for (int[] next : succ) {
                    int[] map = new int[m.threadCount()];
                    int[] full = sym.canonical(next, map);
                    int[] fast = sym.canonicalSuccessor(next, canon);
                    assertArrayEquals(full, fast, m.name());
                    assertArrayEquals(map, sym.threadMapOf(canon.code()), m.name() + ": thread map of the code");
                    assertEquals(full == next, canon.code() == 0, m.name());
                    permuted += canon.code() == 0 ? 0 : 1;
                    int[][] perm = randomPermutation(sym, rnd);
                    assertArrayEquals(full, sym.canonical(sym.apply(next, perm), (int[]) null), m.name() + ": one form per orbit");
                    if (seen.add(Arrays.stream(next).boxed().toList())) {
                        queue.add(next);
                    }
                }
            }
            if (m.name().startsWith("random")) {
                randomPermuted += permuted;
                randomModels++;
            } else {
                assertTrue(permuted > 0, m.name() + ": some successor was permuted");
            }
        }
        // a random model's symmetric members may never leave canonical order, but not in every one of them
        assertTrue(randomModels == 0 || randomPermuted > 0, "no successor of " + randomModels + " random models was permuted");
    }

    private static int[][] randomPermutation(Symmetry sym, Random rnd) {
        int[][] perm = new int[sym.groupCount()][];
        for (int g = 0; g < perm.length; g++) {
            List<Integer> p = new ArrayList<>();
            for (int m = 0; m < sym.members(g); m++) {
                p.add(m);
            }
            java.util.Collections.shuffle(p, rnd);
            perm[g] = p.stream().mapToInt(Integer::intValue).toArray();
        }
        return perm;
    }
}
