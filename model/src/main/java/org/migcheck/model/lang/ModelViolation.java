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
        super(message == null ? "(the model gave no message)" : message);
        if (ruleId == null || ruleId.isBlank()) {
            // reports, exit codes and expectations key on the id: a violation without one is the model's mistake
            throw new ModelError("violation", "a violation needs a rule id, not " + (ruleId == null ? "null" : "'" + ruleId + "'")
                    + " (message: " + getMessage() + ")");
        }
        this.ruleId = ruleId;
    }

    public String ruleId() { return ruleId; }
}
