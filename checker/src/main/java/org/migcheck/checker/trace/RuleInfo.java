package org.migcheck.checker.trace;

import org.migcheck.properties.KernelRules;
import org.migcheck.properties.Rule;
import org.migcheck.properties.RuleSet;

/**
 * A rule's id, one-line statement and kernel reference, as reports print them next to the step that
 * broke it. Rules of the kernel rule set and the lock-order rule are known by id; a user's own rule is
 * known from the rule set its check ran with, which {@link org.migcheck.checker.run.Checker#check} puts in
 * the result ({@code CheckResult.rule()}): not from a table of the process, where two checks' rules of one id
 * (in one JVM, at once or one after another) would take each other's text; an assertion step of a model is
 * known by id only (statement and reference null).
 */
public record RuleInfo(String id, String statement, String kernelRef) {
    /** The rule {@code id} of {@code rules} (a kernel rule of the same id wins), or null when the id is none of them. */
    public static RuleInfo of(RuleSet rules, String id) {
        if (id == null) {
            return null;
        }
        RuleInfo known = of(id);
        if (known.statement() != null) {
            return known;
        }
        for (Rule r : rules.rules()) {
            if (!r.id().equals(id)) {
                continue;
            }
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
            if (statement == null) {
                // a rule of the set, not the model's assertion, which is what a null statement reads as
                statement = "(its statement() returned null)";
            }
            // one line each in every report (a newline in a rule's text split report lines)
            return new RuleInfo(r.id(), org.migcheck.model.lang.UserCode.oneLine(statement), org.migcheck.model.lang.UserCode.oneLine(ref));
        }
        return null;
    }

    /** A result's broken rule: the one its check ran with, else as {@link #of(String)} knows it. */
    public static RuleInfo of(org.migcheck.checker.run.CheckResult r) {
        return r.rule() != null && r.rule().id().equals(r.ruleId()) ? r.rule() : of(r.ruleId());
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
        return new RuleInfo(id, null, null);
    }

    /** "id: statement [kernel reference]", leaving out what is unknown. */
    public String line() {
        return id + (statement == null ? " (an assertion of the model)" : ": " + statement) + (kernelRef == null ? "" : "   [" + kernelRef + "]");
    }
}
