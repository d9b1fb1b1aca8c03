package org.migcheck.model.scenarios;

import java.util.List;
import org.migcheck.model.lang.Model;

/**
 * A scenario class for {@code --classpath} (a public class with a no-argument constructor, listed in
 * {@code META-INF/services/org.migcheck.model.scenarios.Scenario}) that hands every question to a scenario
 * built elsewhere, for example with {@link BaseScenario#builder}:
 * <pre>{@code
 * public final class FlushWork extends DelegatingScenario {
 *     public FlushWork() { super(FlushWorkModel.scenario()); }
 * }
 * }</pre>
 * It forwards {@link #expect(Knobs)} too, which a hand-written wrapper forgets easily: the scenario's own
 * expectations for knob combinations that no named variant covers were then lost without a word. The
 * source file that code-scanning reports name stays this class's (the user's own file).
 */
public abstract class DelegatingScenario implements Scenario {
    private final Scenario delegate;

    protected DelegatingScenario(Scenario delegate) {
        if (delegate == null) {
            throw new IllegalArgumentException(getClass().getName() + " delegates to no scenario (null)");
        }
        this.delegate = delegate;
    }

    @Override public String id() { return delegate.id(); }
    @Override public String title() { return delegate.title(); }
    @Override public String reference() { return delegate.reference(); }
    @Override public List<Knob> knobs() { return delegate.knobs(); }
    @Override public List<Variant> variants() { return delegate.variants(); }
    @Override public Model build(Knobs knobs) { return delegate.build(knobs); }
    @Override public Expect expect(Knobs knobs) { return delegate.expect(knobs); }
    @Override public Variant variant(String name) { return delegate.variant(name); }
}
