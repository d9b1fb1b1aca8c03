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
        super(message == null ? "(the model gave no message)" : UserCode.oneLine(message));
        requireRuleId("a violation", ruleId, "message: " + getMessage());
        this.ruleId = ruleId;
    }

    /**
     * Refuses a violation or assertion without a rule id ({@code what}: "a violation", "an assertion"):
     * reports, exit codes and expectations key on the id, so one without it is the model's mistake.
     */
    static void requireRuleId(String what, String ruleId, String context) {
        if (ruleId == null || ruleId.isBlank()) {
            throw new ModelError(what.substring(what.indexOf(' ') + 1), what + " needs a rule id, not " + (ruleId == null ? "null" : "'" + ruleId + "'")
                    + (context == null ? "" : " (" + context + ")"));
        }
    }

    public String ruleId() { return ruleId; }
}
