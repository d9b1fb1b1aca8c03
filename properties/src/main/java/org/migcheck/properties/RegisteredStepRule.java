package org.migcheck.properties;

import java.util.List;
import java.util.Objects;
import org.migcheck.model.lang.Event;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Var;

/**
 * Makes a step rule held in a field ({@code StepRule.onEvents(...)}, {@code LockHierarchy.named(...)})
 * a class that the service file {@code META-INF/services/org.migcheck.properties.Rule} can name: a
 * subclass with a public no-argument constructor passes the rule in, and every method, the promises
 * ({@code triggers}, {@code watches}, {@code vacuous}) included, answers as the rule does.
 *
 * <pre>
 * public final class MyLockOrder extends RegisteredStepRule {
 *     public MyLockOrder() { super(MyRules.LOCK_ORDER); }
 * }
 * </pre>
 * {@link RegisteredInvariant} does the same for an invariant.
 */
public abstract class RegisteredStepRule implements StepRule {
    private final StepRule rule;

    protected RegisteredStepRule(StepRule rule) {
        this.rule = Objects.requireNonNull(rule, "RegisteredStepRule needs the rule it registers");
    }

    @Override public final String id() { return rule.id(); }
    @Override public final String statement() { return rule.statement(); }
    @Override public final String kernelRef() { return rule.kernelRef(); }
    @Override public final Check check(StepView step) { return rule.check(step); }
    @Override public final List<Class<? extends Event>> triggers() { return rule.triggers(); }
    @Override public final List<Var> watches(Model model) { return rule.watches(model); }
    @Override public final boolean vacuous(Model model) { return rule.vacuous(model); }
}
