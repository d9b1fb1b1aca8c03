package org.migcheck.model.lang;

/**
 * Raised by a step when a rule that the model checks itself is broken: an assertion step, or a
 * built-in lock rule such as "exit with a lock held". Carries the rule id and a message naming the
 * objects involved.
 */
public final class ModelViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String ruleId;

    public ModelViolation(String ruleId, String message) {
        super(message);
        this.ruleId = ruleId;
    }

    public String ruleId() { return ruleId; }
}
