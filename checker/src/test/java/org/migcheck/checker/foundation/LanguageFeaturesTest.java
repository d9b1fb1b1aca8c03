package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.engine.Strategy;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.checker.run.Checker;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.Trace;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.IntExpr;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.RuleSet;

/** Procedures, loops, branches and choice: exact state counts derived by hand. */
class LanguageFeaturesTest {

    static CheckResult check(Model m) {
        return Checker.check(m, RuleSet.empty(), Options.defaults());
    }

    /**
     * One thread:
     *
     * <pre>
     * inner(p):  record(p) [step: out := p];  return 2p
     * outer(q):  t := inner(q);  return t + 1
     * main:      for i in 0..4 { if i == 1 continue; if i == 3 break; r := outer(i); acc(r) [step: total += r] }
     *            k := 0; while k < 2 { tick(k) [step]; k := k + 1 }
     *            assert total == 6 && out == 2
     * </pre>
     *
     * By hand: i = 0 gives record(p=0), outer returns 2*0+1 = 1, acc(r=1): total 1; i = 1 is skipped;
     * i = 2 gives record(p=2), outer returns 2*2+1 = 5, acc(r=5): total 6; i = 3 breaks. Then tick(k=0),
     * tick(k=1), the assert. Calls, returns, assignments and local branches are free, so the only
     * transitions are these 7 steps, in one line: 8 distinct states, 7 transitions, depth 7.
     */
    static Model procedures() {
        Model.Builder b = Model.builder("procedures");
        Var out = b.var("out", 0, 7, 0);
        Var total = b.var("total", 0, 20, 0);
        Procedure inner = b.procedure("inner");
        Local p = inner.param("p", 0, 7);
        inner.body(body -> body
                .step(Step.named("record").args(e -> "p=" + e.local(p)).does(e -> e.set(out, e.local(p))).build())
                .ret(e -> 2 * e.local(p)));
        Procedure outer = b.procedure("outer");
        Local q = outer.param("q", 0, 7);
        Local t = outer.local("t", 0, 14);
        outer.body(body -> body
                .callInto(t, inner, IntExpr.of(q))
                .ret(e -> e.local(t) + 1));
        Procedure main = b.thread("main");
        Local i = main.local("i", 0, 5);
        Local r = main.local("r", 0, 15);
        Local k = main.local("k", 0, 2);
        main.body(body -> body
                .forRange(i, 0, 5, loop -> loop
                        .ifLocal(e -> e.local(i) == 1, x -> x.continueLoop())
                        .ifLocal(e -> e.local(i) == 3, x -> x.breakLoop())
                        .callInto(r, outer, IntExpr.of(i))
                        .step(Step.named("acc").args(e -> "r=" + e.local(r)).does(e -> e.add(total, e.local(r))).build()))
                .assign(k, IntExpr.of(0))
                .whileLocal(e -> e.local(k) < 2, w -> w
                        .step(Step.named("tick").args(e -> "k=" + e.local(k)).build())
                        .assign(k, e -> e.local(k) + 1))
                .assertThat("lang.total", "total == 6 && out == 2", e -> e.get(total) == 6 && e.get(out) == 2));
        return b.build();
    }

    @Test
    void proceduresLoopsAndReturnValues() {
        Model m = procedures();
        assertEquals(2, m.thread(0).maxDepth(), "main -> outer -> inner");
        CheckResult r = check(m);
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(8, r.stats().distinct());
        assertEquals(7, r.stats().generated());
        assertEquals(7, r.stats().maxDepth());
        Trace t = Trace.replay(m, new int[7]);
        List<String> labels = t.rows().stream().map(Trace.Row::label).toList();
        assertEquals(List.of("record(p=0)", "acc(r=1)", "record(p=2)", "acc(r=5)", "tick(k=0)", "tick(k=1)",
                "assert(total == 6 && out == 2)"), labels);
        assertEquals(List.of("total: 1"), t.rows().get(1).changes());
        assertEquals(List.of("out: 2"), t.rows().get(2).changes());
        assertEquals(List.of("total: 6"), t.rows().get(3).changes());
        assertTrue(t.rows().stream().allMatch(row -> row.failure() == null));
    }

    /**
     * Two threads. chooser: pick() chooses c in {0,1,2} (3 alternatives), then publish sets
     * sel := c + 1. reader: if (sel_is_set(sel)) saw() else missed().
     *
     * <p>By hand. The chooser is in one of 7 configurations: before pick (sel 0); after pick with c =
     * 0, 1, 2 (sel 0); finished with sel = 1, 2, 3 (a finished thread keeps no locals). The reader is
     * before its test (R0), at saw, at missed, or finished (Rdone: saw and missed both lead there). R0
     * and missed combine with all 7 (missed: tested while sel was 0, then the chooser can go on);
     * saw only with the 3 published ones; Rdone with all 7: 7 + 3 + 7 + 7 = 24 states. Transitions:
     * the chooser has 3 moves before pick, 1 after it, 0 when finished (6 over its 7 configurations),
     * the reader 1 in R0, saw and missed. R0: 6 + 7, saw: 0 + 3, missed: 6 + 7, Rdone: 6 + 0: 35.
     * Depth: 2 chooser steps + 2 reader steps = 4.
     */
    static Model choiceAndSharedTest() {
        Model.Builder b = Model.builder("choice");
        Var sel = b.var("sel", 0, 3, 0);
        Procedure chooser = b.thread("chooser");
        Local c = chooser.local("c", 0, 2);
        chooser.body(body -> body
                .step(Steps.choose("pick", c, 3, a -> new String[] {"a", "b", "c"}[a]))
                .step(Step.named("publish").args(e -> "c=" + e.local(c)).does(e -> e.set(sel, e.local(c) + 1)).build()));
        b.thread("reader", body -> body.ifThenElse(Cond.of("sel_is_set", "sel", e -> e.get(sel) != 0),
                then -> then.step(Step.named("saw").build()),
                otherwise -> otherwise.step(Step.named("missed").build())));
        return b.build();
    }

    /** The same system written by hand for the brute force: [chooserPc, c, sel, readerPc]. */
    static BruteForce.Spec choiceByHand() {
        return new BruteForce.Spec() {
            // chooser pc: 0 pick, 1 publish, 2 done; reader pc: 0 test, 1 saw, 2 missed, 3 done
            @Override public List<Integer> initial() { return List.of(0, 0, 0, 0); }

            @Override public List<BruteForce.Move> moves(List<Integer> s) {
                List<BruteForce.Move> out = new ArrayList<>();
                int cp = s.get(0);
                if (cp == 0) {
                    for (int alt = 0; alt < 3; alt++) {
                        out.add(BruteForce.Move.to(List.of(1, alt, s.get(2), s.get(3))));
                    }
                } else if (cp == 1) {
                    out.add(BruteForce.Move.to(List.of(2, 0, s.get(1) + 1, s.get(3))));
                }
                int rp = s.get(3);
                if (rp == 0) {
                    out.add(BruteForce.Move.to(List.of(cp, s.get(1), s.get(2), s.get(2) != 0 ? 1 : 2)));
                } else if (rp == 1 || rp == 2) {
                    out.add(BruteForce.Move.to(List.of(cp, s.get(1), s.get(2), 3)));
                }
                return out;
            }

            @Override public boolean validEnd(List<Integer> s) { return s.get(0) == 2 && s.get(3) == 3; }
        };
    }

    @Test
    void chooseAndSharedBranch() {
        Model m = choiceAndSharedTest();
        CheckResult r = check(m);
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(24, r.stats().distinct());
        assertEquals(35, r.stats().generated());
        assertEquals(4, r.stats().maxDepth());
        BruteForce.Result bf = BruteForce.explore(choiceByHand());
        assertEquals(24, bf.distinct());
        assertEquals(35, bf.transitions());
        assertEquals(4, bf.maxDepth());
        CheckResult dfs = Checker.check(m, RuleSet.empty(), Options.defaults().withStrategy(Strategy.DFS));
        assertEquals(24, dfs.stats().distinct());
        assertEquals(35, dfs.stats().generated());
    }

    @Test
    void sharedTestShowsItsOutcome() {
        Model m = choiceAndSharedTest();
        // the reader tests first: false
        Trace early = Trace.replay(m, new int[] {Trace.label(1, 0), Trace.label(1, 0)});
        assertEquals("sel_is_set(sel) -> false", early.rows().get(0).label());
        assertEquals("missed()", early.rows().get(1).label());
        // the chooser picks "b" (alternative 1) and publishes 2, then the reader tests: true
        Trace late = Trace.replay(m, new int[] {Trace.label(0, 1), Trace.label(0, 0), Trace.label(1, 0), Trace.label(1, 0)});
        List<String> labels = late.rows().stream().map(Trace.Row::label).toList();
        assertEquals(List.of("pick() -> b", "publish(c=1)", "sel_is_set(sel) -> true", "saw()"), labels);
        assertEquals(List.of("sel: 2"), late.rows().get(1).changes());
        assertEquals(List.of(), late.rows().get(2).changes(), "a test changes nothing shared");
    }

    @Test
    void aTestNamedByAnExpressionDoesNotReadAsACallOfItsLastWord() {
        // four tests in a row, each true: a function, a negated function, an expression asked of an object,
        // and a complete expression without arguments
        Model.Builder b = Model.builder("cond-labels");
        Var x = b.var("x", 0, 1, 0);
        b.thread("t", body -> body
                .ifThen(Cond.of("folio_test_clean", "folio0", e -> e.get(x) == 0), then -> then.step(Step.named("a").build()))
                .ifThen(Cond.of("!folio_test_dirty", "folio0", e -> e.get(x) == 0), then -> then.step(Step.named("b").build()))
                .ifThen(Cond.of("folio->mapping == mapping", "folio0", e -> e.get(x) == 0), then -> then.step(Step.named("c").build()))
                .ifThen(Cond.of("READ_ONCE(x) == 0", "", e -> e.get(x) == 0), then -> then.step(Step.named("d").build())));
        int[] run = new int[8];
        java.util.Arrays.fill(run, Trace.label(0, 0));
        Trace t = Trace.replay(b.build(), run);
        List<String> tests = t.rows().stream().map(Trace.Row::label).filter(l -> l.endsWith("-> true")).toList();
        assertEquals(List.of("folio_test_clean(folio0) -> true", "!folio_test_dirty(folio0) -> true",
                "(folio->mapping == mapping) on folio0 -> true", "READ_ONCE(x) == 0 -> true"), tests);
    }

    @Test
    void everyAlternativeIsItsOwnTransition() {
        Model m = choiceAndSharedTest();
        for (int alt = 0; alt < 3; alt++) {
            Trace t = Trace.replay(m, new int[] {Trace.label(0, alt), Trace.label(0, 0)});
            assertEquals("pick() -> " + "abc".charAt(alt), t.rows().get(0).label());
            assertEquals(List.of("sel: " + (alt + 1)), t.rows().get(1).changes());
        }
    }

    /**
     * A shared test inside a loop: a thread polls a flag up to 3 times (each poll a transition) and
     * gives up; another thread sets the flag once. By hand: the poller is at poll 1, 2, 3 or finished
     * (4 configurations; finished whether it saw the flag or gave up, as it keeps no locals), the
     * setter before or after its step; the flag is set exactly when the setter ran. 4 * 2 = 8
     * states, all reachable (the poller can give up before or finish after the set).
     */
    @Test
    void pollingLoop() {
        Model.Builder b = Model.builder("poll");
        Var flag = b.flag("flag", false);
        Procedure poller = b.thread("poller");
        Local n = poller.local("n", 0, 3);
        poller.body(body -> body.forRange(n, 0, 3, loop -> loop
                .ifThen(Cond.of("READ_ONCE", "flag", e -> e.isSet(flag)), found -> found.breakLoop())));
        b.thread("setter", body -> body.step(Step.named("WRITE_ONCE").args("flag").does(e -> e.set(flag, true)).build()));
        CheckResult r = check(b.build());
        assertEquals(Verdict.HOLDS, r.verdict(), r.message());
        assertEquals(8, r.stats().distinct());
        // transitions: the poller moves in its 3 polling configurations x 2 setter states = 6,
        // the setter in its 4 poller configurations = 4
        assertEquals(10, r.stats().generated());
    }
}
