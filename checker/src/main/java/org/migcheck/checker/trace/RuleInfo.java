package org.migcheck.checker.trace;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.migcheck.properties.KernelRules;
import org.migcheck.properties.Rule;
import org.migcheck.properties.RuleSet;

/**
 * A rule's id, one-line statement and kernel reference, as reports print them next to the step that
 * broke it. Rules of the kernel rule set and the lock-order rule are known by id; a user's own rule is
 * known once a check has run with a rule set that contains it ({@link #know}); an assertion step of a
 * model is known by id only (statement and reference null).
 */
public record RuleInfo(String id, String statement, String kernelRef) {
    /** Rules of users' rule sets seen by a check, by id (a kernel rule of the same id wins). */
    private static final Map<String, RuleInfo> USER_RULES = new ConcurrentHashMap<>();

    /** Remembers the statements of the rules in {@code rules} for the reports of later checks. */
    public static void know(RuleSet rules) {
        for (Rule r : rules.rules()) {
            String statement;
            String ref;
            try {
                statement = r.statement();
                ref = r.kernelRef();
            } catch (Throwable e) {
                org.migcheck.model.lang.UserCode.rethrowJvmFailure(e);
                // the rule's own description failed: reports print its id and say so rather than end the check
                statement = "(its statement() threw " + e.getClass().getSimpleName() + ")";
                ref = null;
            }
            // one line each in every report (a newline in a rule's text split report lines)
            USER_RULES.put(r.id(), new RuleInfo(r.id(), org.migcheck.model.lang.UserCode.oneLine(statement), org.migcheck.model.lang.UserCode.oneLine(ref)));
        }
    }

    public static RuleInfo of(String id) {
        if (id == null) {
            return null;
        }
        if (id.equals(RuleSet.LOCK_CYCLE)) {
            return new RuleInfo(id, "lock classes are always taken in one order: the lock-class dependency graph has no cycle",
                    "kernel/locking/lockdep.c check_noncircular; lock ordering comments in mm/rmap.c and mm/filemap.c");
        }
        if (id.equals("lock.exit-held")) {
            return new RuleInfo(id, "a thread does not exit holding a lock", "kernel/exit.c do_exit (lockdep: debug_check_no_locks_held)");
        }
        for (Rule r : KernelRules.all().rules()) {
            if (r.id().equals(id)) {
                return new RuleInfo(id, r.statement(), r.kernelRef());
            }
        }
        RuleInfo user = USER_RULES.get(id);
        return user != null ? user : new RuleInfo(id, null, null);
    }

    /** "id: statement [kernel reference]", leaving out what is unknown. */
    public String line() {
        return id + (statement == null ? " (an assertion of the model)" : ": " + statement) + (kernelRef == null ? "" : "   [" + kernelRef + "]");
    }
}
