package org.migcheck.checker.trace;

import java.util.List;
import org.migcheck.checker.run.CheckResult;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;

/**
 * A lock-order cycle in the shape of lockdep's "possible circular locking dependency" splat: the
 * acquisition that closes the cycle, the dependency chain with the step that took each lock, and
 * the two-CPU "possible unsafe locking scenario". Acquisition sites are steps of the paths printed
 * above it ("path P step S"), since a model has no kernel stack.
 */
public final class LockdepReport {
    private LockdepReport() {}

    /** {@code paths} are the witnesses of the cycle in order, each with its {@link CheckResult.LockEdge}. */
    public static String render(Model m, List<CheckResult.Witness> paths) {
        StringBuilder b = new StringBuilder();
        String rule = "======================================================";
        b.append("  ").append(rule).append('\n');
        b.append("  WARNING: possible circular locking dependency detected\n");
        b.append("  ").append("-".repeat(rule.length())).append('\n');
        int lastPath = paths.size();
        CheckResult.Witness closing = paths.get(lastPath - 1);
        CheckResult.LockEdge e = closing.edge();
        Trace ct = closing.trace(m);
        b.append("  ").append(m.thread(e.thread()).name()).append(" is trying to acquire lock:\n");
        b.append("   ").append(named(e.toClass(), e.acquired())).append(", at: ").append(site(ct, ct.rows().size(), lastPath)).append('\n');
        b.append("\n  but task is already holding lock:\n");
        b.append("   ").append(named(e.fromClass(), e.held())).append(", at: ")
                .append(site(ct, ct.heldSinceBefore(lock(m, e.held()), e.thread()), lastPath)).append('\n');
        b.append("\n  which lock already depends on the new lock.\n\n  the existing dependency chain (in reverse order) is:\n");
        // as lockdep's print_circular_bug: from the held lock's dependency back along the chain (#n-1 .. #1), then the
        // new acquisition (#0)
        for (int k = 0; k < paths.size(); k++) {
            int p = k == paths.size() - 1 ? paths.size() : paths.size() - 1 - k; // path number, 1-based
            CheckResult.LockEdge d = paths.get(p - 1).edge();
            Trace t = paths.get(p - 1).trace(m);
            b.append("\n  -> #").append(paths.size() - 1 - k).append(" (").append(d.toClass()).append("):\n");
            b.append("         ").append(m.thread(d.thread()).name()).append(" took ").append(d.acquired()).append(" at ")
                    .append(site(t, t.rows().size(), p)).append('\n');
            b.append("         holding ").append(d.held()).append(" (").append(d.fromClass()).append("), taken at ")
                    .append(site(t, t.heldSinceBefore(lock(m, d.held()), d.thread()), p)).append('\n');
        }
        // lockdep's names (print_circular_lock_scenario): the task of the header holds the target and wants the source;
        // the parent is the class the target was taken after on the other side of the chain
        String target = e.fromClass();
        String source = e.toClass();
        String parent = paths.get(lastPath - 2).edge().fromClass();
        if (!parent.equals(source)) {
            b.append("\n  Chain exists of:\n    ").append(source).append(" --> ").append(parent).append(" --> ").append(target).append('\n');
        }
        b.append("\n  other info that might help us debug this:\n\n   Possible unsafe locking scenario:\n\n");
        String f = "  %-28s %s%n";
        b.append(String.format(java.util.Locale.ROOT, f, "       CPU0", "CPU1"));
        b.append(String.format(java.util.Locale.ROOT, f, "       ----", "----"));
        b.append(String.format(java.util.Locale.ROOT, f, "  lock(" + target + ");", ""));
        b.append(String.format(java.util.Locale.ROOT, f, "", "lock(" + parent + ");"));
        b.append(String.format(java.util.Locale.ROOT, f, "", "lock(" + target + ");"));
        b.append(String.format(java.util.Locale.ROOT, f, "  lock(" + source + ");", ""));
        b.append("\n   *** DEADLOCK ***\n");
        // as lockdep's lockdep_print_held_locks: every lock the acquiring task holds, in the order it took them (an outer
        // lock both paths take, which keeps them apart in this model, shows here)
        String task = m.thread(e.thread()).name();
        java.util.List<int[]> held = new java.util.ArrayList<>(); // {declaration index, step that took it}
        if (ct.states().size() >= 2) {
            int[] before = ct.states().get(ct.states().size() - 2);
            org.migcheck.model.lang.StateView view = new org.migcheck.model.lang.Semantics(m).view(before);
            for (Lock l : org.migcheck.properties.Context.held(view, e.thread())) {
                held.add(new int[] {m.locks().indexOf(l), ct.heldSinceBefore(l, e.thread())});
            }
        }
        held.sort(java.util.Comparator.comparingInt((int[] h) -> h[1]).thenComparingInt(h -> h[0]));
        b.append("\n  ").append(held.size()).append(held.size() == 1 ? " lock" : " locks").append(" held by ").append(task).append(":\n");
        for (int i = 0; i < held.size(); i++) {
            Lock l = m.locks().get(held.get(i)[0]);
            b.append("   #").append(i).append(": ").append(named(l.lockClass(), l.name())).append(", at: ")
                    .append(site(ct, held.get(i)[1], lastPath)).append('\n');
        }
        return b.toString().replaceAll(" +\n", "\n");
    }

    /** "(class)" as lockdep prints it, with the lock's own name when it differs from its class. */
    private static String named(String lockClass, String lock) {
        return "(" + lockClass + ")" + (lock.equals(lockClass) ? "" : " " + lock);
    }

    private static String site(Trace t, int step, int path) {
        if (step <= 0) {
            return "the initial state (path " + path + ")";
        }
        return t.rows().get(step - 1).shown() + " [path " + path + " step " + step + "]";
    }

    static Lock lock(Model m, String name) {
        for (Lock l : m.locks()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("model " + m.name() + " has no lock " + name);
    }
}
