package example.hang;

import java.util.Map;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.DelegatingScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knob;

/**
 * A user's scenario with a bug in one variant: with {@code mode=1} the guard of its second step loops for ever
 * once the first step has set the flag (a stand-in for code that never returns). Outside migcheck's packages, as a
 * user's class is, so that the watchdog names it. Modes 0 and 2 are the same model without the loop.
 */
public final class HangingScenario extends DelegatingScenario {
    public HangingScenario() {
        super(BaseScenario.builder("hanging-plugin")
            .title("a user's model whose guard never returns in mode 1")
            .reference("test plugin")
            .knob(Knob.range("mode", 0, 2, 0, "1: the guard loops"))
            .model(k -> build(k.integer("mode") == 1))
            .variant("before", Map.of("mode", "0"), Expect.holds(), "returns")
            .variant("hangs", Map.of("mode", "1"), Expect.holds(), "never returns")
            .variant("after", Map.of("mode", "2"), Expect.holds(), "returns")
            .expect(k -> Expect.holds())
            .build());
    }

    static Model build(boolean loops) {
        Model.Builder m = Model.builder("hanging-plugin");
        Var f = m.flag("f", false);
        m.thread("t", body -> body.step(Step.named("set_flag").does(e -> e.set(f, true)).build())
                .step(Step.named("wait_flag").when(e -> spin(loops && e.get(f) == 1)).build()));
        return m.build();
    }

    private static boolean spin(boolean forever) {
        while (forever) {
            Thread.onSpinWait();
        }
        return true;
    }
}
