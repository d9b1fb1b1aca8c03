package org.migcheck.checker.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Body;
import org.migcheck.model.lang.Cond;
import org.migcheck.model.lang.Local;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Procedure;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;
import org.migcheck.properties.Rule;
import org.migcheck.properties.RuleSet;
import org.migcheck.properties.StepRule;
import org.migcheck.properties.StepView;

/**
 * Seeded random models in the modelling language, for differential tests of the engine: 2 to 4
 * threads over 1 to 3 mutexes and 1 to 3 small shared variables, with lock and unlock steps (in
 * random order, so deadlocks, unlocks of locks not held and exits with a lock held all occur),
 * writes, bounded increments (overflow is a model error), steps that wait for a value, two-way
 * choices, shared tests with branches, bounded loops over a local, assertions, an optional
 * invariant, an optional step rule and an optional idle (daemon) thread. The same seed gives the
 * same model.
 *
 * <p>The mix is tuned so that about half of the models fail (in every kind) and half hold, with
 * state spaces from a handful to a few thousand states.
 */
final class RandomModels {
    private RandomModels() {}

    /** A model and the rules it is checked with. */
    record Case(long seed, Model model, RuleSet rules) {}

    static Case generate(long seed) {
        return generate(seed, false);
    }

    /**
     * {@code goal}: the same model with a reachability goal "some variable has some value", drawn from a
     * second random stream so that the rest of the model is the one {@code generate(seed)} gives.
     */
    static Case generate(long seed, boolean goal) {
        Random rnd = new Random(seed);
        Model.Builder m = Model.builder("random-" + seed);
        int nLocks = 1 + rnd.nextInt(3);
        int nVars = 1 + rnd.nextInt(3);
        Lock[] locks = new Lock[nLocks];
        for (int i = 0; i < nLocks; i++) {
            locks[i] = m.mutex("L" + i);
        }
        Var[] vars = new Var[nVars];
        for (int i = 0; i < nVars; i++) {
            vars[i] = m.counter("v" + i, 0, 1 + rnd.nextInt(3), 0);
        }
        // half of the models use no step that can fail by itself (unbalanced locking, overflow, failing
        // assertions, waits, rules): those fail only by a lock-order deadlock, so many of them hold
        boolean clean = rnd.nextBoolean();
        int nThreads = 2 + rnd.nextInt(clean ? 2 : 3);
        for (int t = 0; t < nThreads; t++) {
            Procedure p = m.thread("t" + t);
            Local choice = p.local("c", 0, 1);
            Local loop = p.local("i", 0, 3);
            int budget = nThreads >= 4 ? 2 : 4;
            p.body(b -> body(rnd, clean, b, locks, vars, choice, loop, 2 + rnd.nextInt(budget), 0));
        }
        if (rnd.nextInt(4) == 0) {
            Var v = vars[rnd.nextInt(nVars)];
            Procedure d = m.thread("daemon");
            d.daemon();
            d.body(b -> b.forever(f -> f
                    .step(Step.named("wait_event").args(v.name()).when(e -> e.get(v) > 0).idle()
                            .blockedBy(e -> new BlockReason.OnCondition(v.name() + " > 0", null)).build())
                    .step(Step.named("consume").args(v.name()).does(e -> e.set(v, 0)).build())));
        }
        List<Rule> rules = new ArrayList<>();
        if (!clean && rnd.nextInt(2) == 0) {
            Var v = vars[rnd.nextInt(nVars)];
            int bad = 1 + rnd.nextInt(v.max());
            Var w = vars[rnd.nextInt(nVars)];
            int bad2 = rnd.nextInt(w.max() + 1);
            rules.add(Invariant.of("random.invariant", v.name() + " != " + bad + " || " + w.name() + " != " + bad2, "test",
                    s -> Check.unless(s.get(v) == bad && s.get(w) == bad2, () -> v.name() + " = " + bad + " and " + w.name() + " = " + bad2)));
        }
        if (!clean && rnd.nextInt(3) == 0) {
            Var v = vars[rnd.nextInt(nVars)];
            java.util.function.Function<StepView, Check> monotone =
                    sv -> Check.unless(sv.before().get(v) - sv.after().get(v) > 1, () -> v.name() + " dropped");
            // the same rule with and without the promise that only a change of v can break it (no extra random draw)
            rules.add(v.slot() % 2 == 0
                    ? StepRule.onChange("random.monotone", v.name() + " never drops by more than 1", "test", model -> List.of(v), monotone)
                    : StepRule.of("random.monotone", v.name() + " never drops by more than 1", "test", monotone));
        }
        RuleSet ruleSet = RuleSet.of(rules, rnd.nextInt(4) == 0);
        if (goal) {
            Random g = new Random(~seed);
            Var v = vars[g.nextInt(nVars)];
            int value = 1 + g.nextInt(v.max());
            m.goal(v.name() + "=" + value, s -> s.get(v) == value);
        }
        return new Case(seed, m.build(), ruleSet);
    }

    private static void body(Random rnd, boolean clean, Body b, Lock[] locks, Var[] vars, Local choice, Local loop, int n, int nest) {
        body(rnd, clean, b, locks, vars, choice, loop, n, nest, 0);
    }

    /** Nested critical sections take locks from index {@code firstLock} on: in order, except by a rare inversion. */
    private static void body(Random rnd, boolean clean, Body b, Lock[] locks, Var[] vars, Local choice, Local loop, int n, int nest,
                             int firstLock) {
        for (int k = 0; k < n; k++) {
            int op = rnd.nextInt(nest < 1 ? 14 : 12);
            Var v = vars[rnd.nextInt(vars.length)];
            int c = rnd.nextInt(v.max() + 1);
            switch (op) {
                case 0, 1, 2, 3 -> {
                    int li = rnd.nextInt(8) == 0 ? rnd.nextInt(locks.length) : firstLock + rnd.nextInt(Math.max(1, locks.length - firstLock));
                    if (li >= locks.length) {
                        b.step(Step.named("cpu_relax").build());
                        break;
                    }
                    Lock l = locks[li];
                    // a critical section; rarely left unbalanced (an unlock of a lock not held, an exit holding it)
                    int shape = clean ? 2 : rnd.nextInt(20);
                    if (shape == 0) {
                        b.step(Steps.unlock("mutex_unlock", l));
                    } else if (shape == 1) {
                        b.step(Steps.lock("mutex_lock", l));
                    } else {
                        b.step(Steps.lock("mutex_lock", l));
                        if (nest < 2) {
                            body(rnd, clean, b, locks, vars, choice, loop, 1 + rnd.nextInt(2), nest + 1, li + 1);
                        }
                        b.step(Steps.unlock("mutex_unlock", l));
                    }
                }
                case 4 -> b.step(Step.named("READ_ONCE").args(v.name()).does(e -> e.setLocal(choice, Math.min(1, e.get(v)))).build());
                case 5 -> b.step(Step.named("inc_saturating").args(v.name()).does(e -> e.set(v, Math.min(v.max(), e.get(v) + 1))).build());
                case 6, 11 -> b.step(Step.named("WRITE_ONCE").args(v.name() + "=" + c).does(e -> e.set(v, c)).build());
                case 7 -> {
                    if (!clean && rnd.nextInt(4) == 0) {
                        b.step(Step.named("inc").args(v.name()).does(e -> e.add(v, 1)).build()); // may overflow: a model error
                    } else {
                        b.step(Step.named("dec_saturating").args(v.name()).does(e -> e.set(v, Math.max(0, e.get(v) - 1))).build());
                    }
                }
                case 8 -> {
                    if (clean) {
                        b.step(Step.named("cond_resched").build());
                    } else if (rnd.nextBoolean()) {
                        b.step(Step.named("wait_for").args(v.name() + "==" + c).when(e -> e.get(v) == c)
                                .blockedBy(e -> new BlockReason.OnCondition(v.name() + " == " + c, null)).build());
                    } else {
                        b.step(Step.named("wait_below_max").args(v.name()).when(e -> e.get(v) < v.max())
                                .blockedBy(e -> new BlockReason.OnCondition(v.name() + " < max", null)).build());
                    }
                }
                case 9 -> {
                    int c2 = rnd.nextInt(v.max() + 1);
                    b.step(Step.named("choose").args(v.name()).choice(2, i -> i == 0 ? "a" : "b")
                            .does(e -> e.set(v, e.choice() == 0 ? c : c2)).build());
                }
                case 10 -> {
                    int limit = !clean && rnd.nextInt(3) == 0 ? v.max() - 1 : v.max();
                    b.step(Steps.assertion("random.assert", v.name() + " <= " + limit, e -> e.get(v) <= limit));
                }
                case 12 -> {
                    Consumer<Body> then = t -> body(rnd, clean, t, locks, vars, choice, loop, 1 + rnd.nextInt(2), nest + 1, firstLock);
                    b.ifThen(Cond.of("test", v.name() + "==" + c, e -> e.get(v) == c), then);
                }
                default -> {
                    Consumer<Body> inner = t -> body(rnd, clean, t, locks, vars, choice, loop, 1 + rnd.nextInt(2), nest + 1, firstLock);
                    b.forRange(loop, 0, 1 + rnd.nextInt(2), inner);
                }
            }
        }
    }
}
