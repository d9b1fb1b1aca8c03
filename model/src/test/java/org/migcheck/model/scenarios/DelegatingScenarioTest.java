package org.migcheck.model.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;

/** A scenario class for --classpath that delegates keeps the delegate's expectations for every knob combination. */
class DelegatingScenarioTest {
    static Scenario counters() {
        return BaseScenario.builder("counters").title("t").reference("r")
                .knob(Knob.range("n", 1, 4, 1, "threads"))
                .model(k -> {
                    Model.Builder b = Model.builder("counters");
                    Var c = b.var("c", 0, 4, 0);
                    for (int i = 0; i < k.integer("n"); i++) {
                        b.thread("t" + i, x -> x.step(Step.named("atomic_inc").does(e -> e.add(c, 1)).build()));
                    }
                    return b.build();
                })
                .variant("one", Map.of("n", "1"), Expect.holds(), "mutation: one")
                .expect(k -> Expect.holds())
                .build();
    }

    static final class Wrapper extends DelegatingScenario {
        Wrapper() { super(counters()); }
    }

    /** The hand-written wrapper a reviewer followed the docs to write: six methods, expect(Knobs) forgotten. */
    static final class HandWritten implements Scenario {
        private final Scenario s = counters();
        @Override public String id() { return s.id(); }
        @Override public String title() { return s.title(); }
        @Override public String reference() { return s.reference(); }
        @Override public java.util.List<Knob> knobs() { return s.knobs(); }
        @Override public java.util.List<Variant> variants() { return s.variants(); }
        @Override public Model build(Knobs k) { return s.build(k); }
    }

    @Test
    void expectationsOfCombinationsNoVariantCoversAreKept() {
        Knobs three = Knobs.resolve("counters", counters().knobs(), Map.of("n", "3"));
        assertEquals(Expect.holds(), new Wrapper().expect(three));
        assertNull(new HandWritten().expect(three)); // what the delegating class is for
        assertEquals("one", new Wrapper().variant("one").name());
        assertEquals(3, new Wrapper().build(three).threadCount());
        assertEquals("org/migcheck/model/scenarios/DelegatingScenarioTest.java", new Wrapper().sourceFile());
        assertThrows(IllegalArgumentException.class, () -> new DelegatingScenario(null) { });
    }
}
