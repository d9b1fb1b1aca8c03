package org.migcheck.checker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.Catalogue;
import org.migcheck.model.scenarios.Knobs;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.RuleSet;

/**
 * The edges of the breadth-first search that a review of its concurrency found: a budget that fires
 * while a counterexample's level is being finished, several blocks throwing at once, and an interrupt.
 */
class ParallelEdgesTest {

    static final int WIDE = 20_000;

    private record Stop(String summary) implements Failure {}

    /**
     * The initial state has {@link #WIDE} successors (1, i); (1, 5) has a failing transition (length 2);
     * (1, WIDE-1) breaks an invariant (length 1, the shortest failure); every other (1, i) steps to (2, i).
     * {@code throwAt}: the level-1 states whose expansion throws, each with its own message.
     */
    private static TransitionSystem wide(int... throwAt) {
        return wide(i -> {
            for (int t : throwAt) {
                if (i == t) {
                    throw new IllegalStateException("expanding (1, " + t + ")");
                }
            }
        });
    }

    /** {@link #wide(int...)} whose level-1 state (1, i) first runs {@code onExpand.accept(i)}, which may throw. */
    static TransitionSystem wide(java.util.function.IntConsumer onExpand) {
        return new TransitionSystem() {
            @Override public int[] slotMin() { return new int[] {0, 0}; }
            @Override public int[] slotMax() { return new int[] {2, WIDE}; }
            @Override public int[] initialState() { return new int[] {0, 0}; }
            @Override public int actorOf(int label) { return 0; }
            @Override public void expand(int id, int[] s, Successors out) {
                if (s[0] == 0) {
                    for (int i = 0; i < WIDE; i++) {
                        out.successor(i, new int[] {1, i});
                    }
                } else if (s[0] == 1) {
                    onExpand.accept(s[1]);
                    if (s[1] == 5) {
                        out.failure(0, new Stop("failing transition from (1, 5)"));
                    } else {
                        out.successor(1, new int[] {2, s[1]});
                    }
                }
            }
            @Override public Failure checkState(int[] s) {
                return s[0] == 1 && s[1] == WIDE - 1 ? new Stop("invariant broken in (1, " + (WIDE - 1) + ")") : null;
            }
        };
    }

    @Test
    void aBudgetThatEndsTheCounterexamplesLevelIsCarriedWithTheFailure() {
        for (int workers : new int[] {1, 2, 3}) {
            // the failing transition is found expanding (1, 5); the budget stops the level before (1, WIDE-1) is checked
            Budget budget = Budget.unlimited().withMaxStates(WIDE + 50);
            SearchResult r = new Search(wide(), Strategy.BFS, budget, System::nanoTime, Long.MAX_VALUE / 4, workers,
                    Fingerprint.DEFAULT).run();
            assertEquals(SearchResult.Status.FAILED, r.status(), "workers " + workers);
            assertEquals(2, r.schedule().length, "the failing transition, not the shorter invariant: workers " + workers);
            assertEquals("max states " + (WIDE + 50), r.limit(), "the budget that cut the level short: workers " + workers);
            // without the budget the whole level is checked and the shorter failure wins, with no limit
            SearchResult whole = new Search(wide(), Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, workers,
                    Fingerprint.DEFAULT).run();
            assertEquals(1, whole.schedule().length, "workers " + workers);
            assertEquals(null, whole.limit());
        }
    }

    /**
     * The root has a failing transition after two successors; each of those has ten. The two are all that
     * can hold a failure as short (a bad state below the cut-off): once they are checked, a budget that
     * stops the search while it stores their successors skipped nothing, and the result carries no limit.
     */
    @Test
    void aBudgetThatFiresAfterTheNeededChecksIsNotCarried() {
        TransitionSystem sys = new TransitionSystem() {
            @Override public int[] slotMin() { return new int[] {0, 0}; }
            @Override public int[] slotMax() { return new int[] {2, 100}; }
            @Override public int[] initialState() { return new int[] {0, 0}; }
            @Override public int actorOf(int label) { return 0; }
            @Override public void expand(int id, int[] s, Successors out) {
                if (s[0] == 0) {
                    out.successor(0, new int[] {1, 0});
                    out.successor(1, new int[] {1, 1});
                    out.failure(2, new Stop("failing transition from the root"));
                } else if (s[0] == 1) {
                    for (int i = 0; i < 10; i++) {
                        out.successor(i, new int[] {2, s[1] * 10 + i});
                    }
                }
            }
            @Override public Failure checkState(int[] s) { return null; }
        };
        for (int workers : new int[] {1, 2}) {
            SearchResult r = new Search(sys, Strategy.BFS, Budget.unlimited().withMaxStates(5), System::nanoTime, Long.MAX_VALUE / 4,
                    workers, Fingerprint.DEFAULT).run();
            assertEquals(SearchResult.Status.FAILED, r.status());
            assertEquals(1, r.schedule().length);
            assertEquals(null, r.limit(), "both states below the cut-off were checked: workers " + workers);
            // a depth limit at the counterexample's length leaves the states at that depth checked, only not expanded
            SearchResult deep = new Search(sys, Strategy.BFS, Budget.unlimited().withMaxDepth(1), System::nanoTime, Long.MAX_VALUE / 4,
                    workers, Fingerprint.DEFAULT).run();
            assertEquals(SearchResult.Status.FAILED, deep.status());
            assertEquals(null, deep.limit(), "workers " + workers);
        }
    }

    /**
     * The root's successors x1 and x2; x1 steps to a bad state (a failure of length 2), x2 has a failing
     * transition (length 2 too, later in the search's order). With room for three states the bad state is
     * dropped at the budget before x2's failure is met: the failing transition is reported, and the budget
     * with it, since the state that comes first was never checked (the cut-off counts stored states only).
     */
    @Test
    void aFailureMetAfterTheBudgetDroppedStatesCarriesTheBudget() {
        TransitionSystem sys = new TransitionSystem() {
            @Override public int[] slotMin() { return new int[] {0, 0}; }
            @Override public int[] slotMax() { return new int[] {2, 1}; }
            @Override public int[] initialState() { return new int[] {0, 0}; }
            @Override public int actorOf(int label) { return 0; }
            @Override public void expand(int id, int[] s, Successors out) {
                if (s[0] == 0) {
                    out.successor(0, new int[] {1, 0});
                    out.successor(1, new int[] {1, 1});
                } else if (s[0] == 1 && s[1] == 0) {
                    out.successor(0, new int[] {2, 0});
                } else if (s[0] == 1) {
                    out.failure(0, new Stop("failing transition from x2"));
                }
            }
            @Override public Failure checkState(int[] s) { return s[0] == 2 ? new Stop("bad state after x1") : null; }
        };
        for (int workers : new int[] {1, 2}) {
            SearchResult whole = new Search(sys, Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, workers,
                    Fingerprint.DEFAULT).run();
            assertEquals("bad state after x1", whole.failure().summary(), "workers " + workers);
            SearchResult cut = new Search(sys, Strategy.BFS, Budget.unlimited().withMaxStates(3), System::nanoTime, Long.MAX_VALUE / 4,
                    workers, Fingerprint.DEFAULT).run();
            assertEquals("failing transition from x2", cut.failure().summary(), "workers " + workers);
            assertEquals("max states 3", cut.limit(), "a state before it was dropped: workers " + workers);
        }
    }

    @Test
    void theReportSaysABudgetCutTheCounterexamplesLevelShort() {
        Scenario s = Catalogue.all().stream().filter(x -> x.id().equals("movable-ops")).findFirst().orElseThrow();
        Model m = s.build(Knobs.resolve(s.id(), s.knobs(), Map.of("compactors", "2", "getRef", "plain")));
        Options opts = Options.defaults().withSymmetry(Options.Switch.OFF);
        CheckResult whole = Checker.check(m, KernelRules.all(), opts);
        assertEquals(Verdict.VIOLATED, whole.verdict(), whole.message());
        assertTrue(whole.notes().stream().noneMatch(n -> n.contains("stopped the search while it finished")), whole.notes().toString());
        CheckResult cut = Checker.check(m, KernelRules.all(), opts.withBudget(opts.budget().withMaxStates(1000)));
        assertEquals(Verdict.VIOLATED, cut.verdict(), cut.message());
        assertEquals(null, cut.limit(), "a verdict, not INCOMPLETE: the counterexample is real");
        assertTrue(cut.notes().stream().anyMatch(n -> n.startsWith("the search was stopped (max states 1000) before it had checked every state"
                + " that could hold a shorter failure")), cut.notes().toString());
    }

    @Test
    void whenSeveralBlocksThrowTheLowestStatesErrorIsReported() {
        for (int round = 0; round < 20; round++) { // states (1, 0) and (1, 300) lie in different blocks
            for (int workers : new int[] {1, 2, 4}) {
                try {
                    new Search(wide(0, 300), Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, workers,
                            Fingerprint.DEFAULT).run();
                    fail("expansion throws");
                } catch (IllegalStateException e) {
                    assertEquals("expanding (1, 0)", e.getMessage(), "workers " + workers + ", round " + round);
                }
            }
        }
    }

    /** At every worker count and in the depth-first and sequential loops (one worker did not look for interrupts). */
    @Test
    void anInterruptEndsASearchIncomplete() throws Exception {
        for (int workers : new int[] {1, 2}) {
            interruptEnds(slow -> new Search(slow, Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, workers,
                    Fingerprint.DEFAULT), "BFS, " + workers + " workers");
        }
        interruptEnds(slow -> new Search(slow, Strategy.DFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, 1,
                Fingerprint.DEFAULT), "DFS");
        interruptEnds(slow -> new Search(slow, Strategy.BFS, Budget.unlimited(), System::nanoTime, Long.MAX_VALUE / 4, 1,
                Fingerprint.DEFAULT).sequential(), "sequential BFS");
        // random walks: a billion of them, a thousand steps each
        interruptEnds(slow -> new RandomSearch(slow, 1, 1_000_000_000, 1000, Budget.unlimited())::run, "random walks",
                "an interrupt of the searching thread after ");
    }

    private static void interruptEnds(java.util.function.Function<TransitionSystem, Search> search, String what) throws Exception {
        interruptEnds(slow -> search.apply(slow)::run, what, "an interrupt of the searching thread");
    }

    private static void interruptEnds(java.util.function.Function<TransitionSystem, java.util.function.Supplier<SearchResult>> search,
                                      String what, String limit) throws Exception {
        TransitionSystem slow = new TransitionSystem() {
            @Override public int[] slotMin() { return new int[] {0}; }
            @Override public int[] slotMax() { return new int[] {Integer.MAX_VALUE - 1}; }
            @Override public int[] initialState() { return new int[] {0}; }
            @Override public int actorOf(int label) { return 0; }
            @Override public void expand(int id, int[] s, Successors out) {
                long until = System.nanoTime() + 200_000; // 0.2 ms a state: the search runs for minutes unless stopped
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                if (s[0] < Integer.MAX_VALUE / 4) {
                    out.successor(0, new int[] {2 * s[0] + 1});
                    out.successor(1, new int[] {2 * s[0] + 2});
                }
            }
            @Override public Failure checkState(int[] s) { return null; }
        };
        SearchResult[] result = {null};
        boolean[] flagKept = {false};
        Thread searcher = new Thread(() -> {
            result[0] = search.apply(slow).get();
            flagKept[0] = Thread.currentThread().isInterrupted();
        }, "searcher");
        searcher.start();
        Thread.sleep(500);
        searcher.interrupt();
        searcher.join(60_000);
        assertTrue(!searcher.isAlive(), what + ": the search ended after the interrupt");
        assertNotNull(result[0], what + ": a result, not an exception");
        assertEquals(SearchResult.Status.INCOMPLETE, result[0].status(), what);
        assertTrue(result[0].limit().startsWith(limit), what + ": " + result[0].limit());
        assertTrue(flagKept[0], what + ": the caller still sees the interrupt");
    }

    @Test
    void anInvariantThatThrowsOnOneArrangementOfMembersIsAModelErrorUnderSymmetry() {
        Model.Builder b = Model.builder("throws-on-one");
        Var[] c = new Var[2];
        for (int i = 0; i < 2; i++) {
            Var v = b.counter("W" + (i + 1) + ".c", 0, 1, 0);
            c[i] = v;
            b.thread("W" + (i + 1), body -> body.step(Step.named("WRITE_ONCE").args(v.name()).does(e -> e.set(v, 1)).build()));
        }
        b.symmetric("workers", List.of(new Model.SymmetricMember(List.of("W1"), List.of("W1"), List.of()),
                new Model.SymmetricMember(List.of("W2"), List.of("W2"), List.of())));
        Model m = b.build();
        Invariant throwing = Invariant.of("user.throws", "W1 alone", "-", s -> {
            if (s.get(c[0]) == 1 && s.get(c[1]) == 0) {
                throw new IllegalStateException("W1 alone");
            }
            return Check.ok();
        });
        RuleSet rules = RuleSet.empty().with(throwing);
        CheckResult plain = Checker.check(m, rules, Options.defaults().unreduced());
        CheckResult sym = Checker.check(m, rules, Options.defaults().withSymmetry(Options.Switch.ON));
        assertEquals(Verdict.MODEL_ERROR, plain.verdict(), plain.message());
        assertEquals(Verdict.MODEL_ERROR, sym.verdict(), sym.message());
    }
}
