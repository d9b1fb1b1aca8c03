package org.migcheck.properties;

import java.util.List;
import java.util.function.IntPredicate;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Semantics;
import org.migcheck.model.lang.StateView;
import org.migcheck.model.lang.Var;

/**
 * Which step rules judge a transition: the one decision that the search (which runs them) and the
 * partial-order reduction's step footprints (which must read what they read) have to make alike.
 *
 * <p>A rule that is {@link StepRule#vacuous vacuous} on the model is left out: never due, never run.
 * The others are bits in rule order ({@link #rule}, {@link #size} number them); the first 63 have a
 * bit of their own, every later rule shares bit 63 and is due on every transition. A rule without triggers is due on every transition; one with triggers only
 * when an event of the transition has one of their types (a rule skipped would have passed: the
 * promise of its triggers). A rule that {@link StepRule#watches watches} variables is, besides,
 * due only when the transition changes one of them.
 */
public final class DueRules {
    private final StepRule[] rules;
    private final long always;
    private final long watching;
    private final int[][] watchSlots;
    /** Each rule's triggers, asked once (a rule's own code, which may fail: see {@link Rules}). */
    private final List<List<Class<? extends Event>>> triggers;

    /** @throws ModelError naming the rule when a rule watches a variable of another model */
    public DueRules(Model model, List<StepRule> stepRules) {
        // a rule vacuous on the model is left out here, whatever its place (the 64th rule on shares the last bit, so a
        // mask could not leave it out alone)
        List<StepRule> kept = new java.util.ArrayList<>(stepRules.size());
        for (StepRule r : stepRules) {
            if (!Rules.vacuous(r, model)) {
                kept.add(r);
            }
        }
        this.rules = kept.toArray(new StepRule[0]);
        long all = 0;
        this.triggers = new java.util.ArrayList<>(rules.length);
        for (int i = 0; i < rules.length; i++) {
            triggers.add(Rules.triggers(rules[i]));
            if (triggers.get(i).isEmpty() || i >= 63) {
                all |= bit(i);
            }
        }
        this.always = all;
        this.watchSlots = new int[rules.length][];
        long watch = 0;
        StateView initial = null;
        for (int i = 0; i < Math.min(rules.length, 63); i++) {
            List<Var> vars = Rules.watches(rules[i], model);
            if (vars == null) {
                continue;
            }
            if (initial == null) {
                Semantics sem = new Semantics(model);
                initial = sem.view(sem.initialState());
            }
            int[] slots = new int[vars.size()];
            for (int k = 0; k < slots.length; k++) {
                Var v = vars.get(k);
                try {
                    initial.get(v); // a variable of another model is the rule's error, named here
                } catch (ModelError e) {
                    throw new ModelError(rules[i].id(), "step rule " + rules[i].id() + " watches " + e.getMessage());
                }
                slots[k] = v.slot();
            }
            watchSlots[i] = slots;
            watch |= 1L << i;
        }
        this.watching = watch;
    }

    /** The bit of the {@code i}-th rule. */
    public static long bit(int i) { return 1L << Math.min(i, 63); }

    public int size() { return rules.length; }

    public StepRule rule(int i) { return rules[i]; }

    /** Every rule kept (those {@link StepRule#vacuous vacuous} on the model are not among them). */
    public long notVacuous() { return -1L; }

    /** The rules due on every transition (before the watched-variable filter). */
    public long always() { return always; }

    /** The rules triggered by an event of this type. */
    public long triggeredBy(Class<?> eventType) {
        long mask = 0;
        for (int i = 0; i < rules.length; i++) {
            for (Class<?> t : triggers.get(i)) {
                if (t.isAssignableFrom(eventType)) {
                    mask |= bit(i);
                }
            }
        }
        return mask;
    }

    /** Whether some rule of {@code due} is dropped unless the transition changes a variable it watches. */
    public boolean watchesAny(long due) { return (due & watching) != 0; }

    /** {@code due} without the watching rules none of whose slots {@code changed}. */
    public long dropUnchanged(long due, IntPredicate changed) {
        return drop(due, null, null, changed);
    }

    /**
     * {@code dropUnchanged} for a transition from {@code before} to {@code after} (whole state vectors): the
     * search's form, on every transition a watching rule may judge, so without a predicate object.
     */
    public long dropUnchanged(long due, int[] before, int[] after) {
        return drop(due, before, after, null);
    }

    /** Slots compared in the vectors, or tested by {@code changed} when it is not null. */
    private long drop(long due, int[] before, int[] after, IntPredicate changed) {
        long w = due & watching;
        while (w != 0) {
            int i = Long.numberOfTrailingZeros(w);
            w &= w - 1;
            boolean any = false;
            for (int slot : watchSlots[i]) {
                if (changed != null ? changed.test(slot) : before[slot] != after[slot]) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                due &= ~(1L << i);
            }
        }
        return due;
    }

    /** The rules due on a transition with these events whose changed slots are {@code changed}. */
    public long due(List<? extends Event> events, IntPredicate changed) {
        long due = always;
        for (Event e : events) {
            due |= triggeredBy(e.getClass());
        }
        return watchesAny(due) ? dropUnchanged(due, changed) : due;
    }

    /**
     * Whether some rule may judge a step with no guard, no effect and no event (an inert step): a
     * rule due on every transition that watches no variables, or one triggered by a reached model
     * bound (the local code after an inert step may reach one). Such a rule may read shared state
     * through the state before the step, its label or the call stack.
     */
    public boolean judgesInertSteps() {
        long bounded = triggeredBy(org.migcheck.model.lang.BoundReached.class);
        for (int i = 0; i < rules.length; i++) {
            // a watched-variable filter drops a rule on a step that changes nothing (rules from the 64th on have none)
            if ((always & bit(i)) != 0 && (i >= 63 || watchSlots[i] == null)) {
                return true;
            }
            if ((bounded & bit(i)) != 0) {
                return true;
            }
        }
        return false;
    }
}
