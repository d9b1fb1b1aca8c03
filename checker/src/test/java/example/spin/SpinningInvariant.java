package example.spin;

import org.migcheck.model.lang.StateView;
import org.migcheck.model.lang.Var;
import org.migcheck.properties.Check;
import org.migcheck.properties.Invariant;

/**
 * A user's rule with a bug: once {@code flag} is set it loops until {@link #release} (a test's stand-in
 * for a loop that never ends). Outside migcheck's packages, as a user's rule is.
 */
public final class SpinningInvariant implements Invariant {
    private static volatile boolean released;
    private final Var flag;

    public SpinningInvariant(Var flag) { this.flag = flag; }

    public static void arm() { released = false; }

    public static void release() { released = true; }

    @Override public String id() { return "example.spins"; }
    @Override public String statement() { return "loops while the flag is set"; }
    @Override public String kernelRef() { return "none"; }

    @Override public Check check(StateView s) {
        while (s.get(flag) == 1 && !released) {
            Thread.onSpinWait();
        }
        return Check.ok();
    }
}
