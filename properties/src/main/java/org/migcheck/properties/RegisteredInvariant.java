package org.migcheck.properties;

import java.util.Objects;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.StateView;

/**
 * Makes an invariant held in a field ({@code Invariant.of(...)}) a class that the service file
 * {@code META-INF/services/org.migcheck.properties.Rule} can name: a subclass with a public
 * no-argument constructor passes the invariant in, and every method, {@code vacuous} included,
 * answers as the invariant does.
 *
 * <pre>
 * public final class WritebackInCache extends RegisteredInvariant {
 *     public WritebackInCache() { super(MyRules.WRITEBACK_IN_CACHE); }
 * }
 * </pre>
 */
public abstract class RegisteredInvariant implements Invariant {
    private final Invariant rule;

    protected RegisteredInvariant(Invariant rule) {
        this.rule = Objects.requireNonNull(rule, "RegisteredInvariant needs the invariant it registers");
    }

    @Override public final String id() { return rule.id(); }
    @Override public final String statement() { return rule.statement(); }
    @Override public final String kernelRef() { return rule.kernelRef(); }
    @Override public final Check check(StateView state) { return rule.check(state); }
    @Override public final boolean vacuous(Model model) { return rule.vacuous(model); }
}
