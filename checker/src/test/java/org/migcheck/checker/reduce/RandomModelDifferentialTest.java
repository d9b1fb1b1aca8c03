package org.migcheck.checker.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.Symmetry;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.RuleSet;

/**
 * Differential tests of the reductions on seeded random models with interchangeable threads and
 * objects generated on purpose: same verdicts, rules, goal answers and counterexample lengths as
 * the unreduced search; counterexamples replay in the unpermuted model; reduced counts never exceed
 * the unreduced ones; and the symmetry-reduced count equals the number of orbits, computed here by
 * brute force: every reachable state (own breadth-first enumeration over the semantics) mapped to the
 * lexicographically smallest vector over all permutations of the members.
 */
// a hang (an engine mutant that made states collide showed itself only so) fails the test within minutes
// instead of running on to CI's own limit; each test here takes seconds to a minute
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class RandomModelDifferentialTest {
    private static final int SEEDS = 60;

    private static RuleSet rules(RandomModels.Generated g) {
        Invariant inv = Invariant.of("random.not-all-two-at-zero", "not every flag at 2 while c is 0", "test",
                s -> g.flags().stream().allMatch(f -> s.get(f) == 2) && s.get(g.counter()) == 0
                        ? Check.violated("every flag is 2 and c is 0") : Check.ok());
        return RuleSet.of(List.of(inv), false);
    }

    @Test
    void reductionsAgreeWithTheUnreducedSearchOnRandomModels() {
        int holds = 0;
        int failures = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomModels.Generated g = RandomModels.generate(seed, false);
            assertNull(Automorphism.check(g.model(), 50_000), "seed " + seed + ": the generated symmetry is an automorphism");
            RuleSet rules = rules(g);
            Options base = Options.defaults();
            CheckResult plain = Checker.check(g.model(), rules, base.unreduced());
            for (Options o : List.of(base.withPor(Options.Switch.OFF).withSymmetry(Options.Switch.ON),
                    base.withPor(Options.Switch.ON).withSymmetry(Options.Switch.OFF), base.withPor(Options.Switch.ON).withSymmetry(Options.Switch.ON))) {
                String what = "seed " + seed + " symmetry " + o.symmetry() + " por " + o.por();
                CheckResult red = Checker.check(g.model(), rules, o);
                assertEquals(plain.verdict(), red.verdict(), what);
                assertEquals(plain.ruleId(), red.ruleId(), what);
                assertEquals(plain.schedule().length, red.schedule().length, what + " counterexample length");
                // goal answers are final only after an exhaustive search (a failure stops it within a BFS level
                // whose order the reductions change); symmetry keeps shortest witnesses, partial-order reduction
                // may lengthen them (goals are not re-shortened)
                plain.goals().forEach((goal, res) -> {
                    if (plain.verdict() != Verdict.HOLDS) {
                        return;
                    }
                    assertEquals(res.answer(), red.goals().get(goal).answer(), what + " " + goal);
                    if (res.witness() != null) {
                        int[] w = red.goals().get(goal).witness();
                        if (o.por() == Options.Switch.OFF) {
                            assertEquals(res.witness().length, w.length, what + " " + goal);
                        } else {
                            assertTrue(w.length >= res.witness().length, what + " " + goal);
                        }
                        Trace.replay(g.model(), w);
                    }
                });
                if (red.schedule().length > 0) {
                    Trace t = Trace.replay(g.model(), red.schedule());
                    assertEquals(red.schedule().length, t.rows().size(), what);
                    if (red.verdict() == Verdict.VIOLATED) {
                        // the unpermuted counterexample ends in the same broken rule
                        assertTrue(rules.invariants().get(0).check(new Semantics(g.model()).view(t.last())) instanceof Check.Violated, what);
                    }
                }
                if (plain.verdict() == Verdict.HOLDS) {
                    assertTrue(red.stats().distinct() <= plain.stats().distinct(), what);
                }
            }
            if (plain.verdict() == Verdict.HOLDS) {
                holds++;
                CheckResult sym = Checker.check(g.model(), rules, base.withPor(Options.Switch.OFF).withSymmetry(Options.Switch.ON));
                List<int[]> reachable = enumerate(g.model());
                assertEquals(reachable.size(), plain.stats().distinct(), "seed " + seed + ": unreduced count vs own enumeration");
                assertEquals(orbits(g.model(), reachable), sym.stats().distinct(), "seed " + seed + ": orbit count");
            } else {
                failures++;
            }
        }
        assertTrue(holds >= 5 && failures >= 5, "the generator gives both outcomes: " + holds + " hold, " + failures + " fail");
    }

    @Test
    void reducedRunsDoNotDependOnTheWorkerCount() {
        int reducedSomewhere = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomModels.Generated g = RandomModels.generate(seed, false);
            RuleSet rules = rules(g);
            Options base = Options.defaults();
            for (Options o : List.of(base.withPor(Options.Switch.ON).withSymmetry(Options.Switch.OFF),
                    base.withPor(Options.Switch.ON).withSymmetry(Options.Switch.ON).withLiveness(false),
                    base.withPor(Options.Switch.ON).withSymmetry(Options.Switch.ON))) {
                String what = "seed " + seed + " symmetry " + o.symmetry() + " por " + o.por() + " liveness " + o.liveness();
                CheckResult one = Checker.check(g.model(), rules, o.withWorkers(1));
                CheckResult four = Checker.check(g.model(), rules, o.withWorkers(4));
                assertEquals(one.verdict(), four.verdict(), what);
                assertEquals(one.stats().distinct(), four.stats().distinct(), what);
                assertEquals(java.util.Arrays.toString(one.schedule()), java.util.Arrays.toString(four.schedule()), what);
                assertEquals(one.reductions(), four.reductions(), what);
                if (one.reductions() != null && !one.reductions().contains("(0 states expanded")) {
                    reducedSomewhere++;
                }
            }
        }
        assertTrue(reducedSomewhere > 0, "partial-order reduction pruned something");
    }

    @Test
    void aGoalThatNamesOneMemberRefusesSymmetry() {
        int refused = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomModels.Generated g = RandomModels.generate(seed, true);
            CheckResult plain = Checker.check(g.model(), RuleSet.empty(), Options.defaults().unreduced().withLiveness(false));
            CheckResult sym = Checker.check(g.model(), RuleSet.empty(), Options.defaults().withSymmetry(Options.Switch.ON).withLiveness(false));
            assertEquals(plain.verdict(), sym.verdict(), "seed " + seed);
            if (plain.verdict() == Verdict.HOLDS) {
                assertEquals(plain.goals().get("o0-set").answer(), sym.goals().get("o0-set").answer(), "seed " + seed);
            }
            if (plain.verdict() == Verdict.HOLDS && plain.goals().get("o0-set").answer() == CheckResult.GoalResult.Answer.REACHABLE) {
                refused++;
                assertTrue(sym.notes().stream().anyMatch(n -> n.startsWith("symmetry refused: goal o0-set")), "seed " + seed + " " + sym.notes());
            }
        }
        assertTrue(refused >= 3, "refusals exercised: " + refused);
    }

    /**
     * An invariant that names one member ("o0's flag is 2 while o1's is not") is not symmetric: the
     * canonical forms sort the members, so the reduced search alone could miss its violations. The
     * run-time guard (each stored state against its rotation) refuses symmetry, and the verdict is
     * the unreduced one.
     */
    @Test
    void anInvariantThatNamesOneMemberRefusesSymmetry() {
        int refused = 0;
        int violated = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomModels.Generated g = RandomModels.generate(seed, false);
            Invariant inv = Invariant.of("random.o0-two-o1-not", "o0's flag is not 2 while o1's is not 2", "test",
                    s -> s.get(g.flags().get(0)) == 2 && s.get(g.flags().get(1)) != 2 ? Check.violated("o0 is 2, o1 is not") : Check.ok());
            RuleSet rules = RuleSet.of(List.of(inv), false);
            CheckResult plain = Checker.check(g.model(), rules, Options.defaults().unreduced().withLiveness(false));
            CheckResult sym = Checker.check(g.model(), rules, Options.defaults().withSymmetry(Options.Switch.ON).withLiveness(false));
            assertEquals(plain.verdict(), sym.verdict(), "seed " + seed);
            assertEquals(plain.schedule().length, sym.schedule().length, "seed " + seed);
            if (plain.verdict() == Verdict.VIOLATED) {
                violated++;
            }
            if (sym.notes().stream().anyMatch(n -> n.startsWith("symmetry refused: rule random.o0-two-o1-not"))) {
                refused++;
            }
        }
        assertTrue(violated >= 3 && refused >= 3, "violations " + violated + ", refusals " + refused);
    }

    private static List<int[]> enumerate(Model m) {
        Semantics sem = new Semantics(m);
        Set<List<Integer>> seen = new HashSet<>();
        List<int[]> out = new ArrayList<>();
        ArrayDeque<int[]> q = new ArrayDeque<>();
        int[] init = sem.initialState();
        seen.add(Arrays.stream(init).boxed().toList());
        q.add(init);
        out.add(init);
        while (!q.isEmpty()) {
            int[] s = q.poll();
            sem.expand(s, new Semantics.Sink() {
                @Override public void fired(int thread, int alt, int[] next, List<Event> events) {
                    if (seen.add(Arrays.stream(next).boxed().toList())) {
                        q.add(next);
                        out.add(next);
                    }
                }
                @Override public void failed(int thread, int alt, RuntimeException error) { }
                @Override public void blocked(int thread, BlockReason reason) { }
            });
        }
        return out;
    }

    /** Distinct orbits: each state's smallest image over every permutation of the members. */
    private static int orbits(Model m, List<int[]> states) {
        Symmetry sym = new Symmetry(m);
        List<int[]> perms = new ArrayList<>();
        permutations(new int[sym.members(0)], 0, new boolean[sym.members(0)], perms);
        Set<List<Integer>> reps = new HashSet<>();
        for (int[] s : states) {
            int[] best = null;
            for (int[] p : perms) {
                int[] img = sym.apply(s, new int[][] {p});
                if (best == null || Arrays.compare(img, best) < 0) {
                    best = img;
                }
            }
            reps.add(Arrays.stream(best).boxed().toList());
        }
        return reps.size();
    }

    private static void permutations(int[] cur, int i, boolean[] used, List<int[]> out) {
        if (i == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int v = 0; v < cur.length; v++) {
            if (!used[v]) {
                used[v] = true;
                cur[i] = v;
                permutations(cur, i + 1, used, out);
                used[v] = false;
            }
        }
    }
}
