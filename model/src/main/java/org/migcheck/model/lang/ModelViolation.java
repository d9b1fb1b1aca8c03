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
        if (!plainRuleId(ruleId)) {
            // reports, --rule and --skip-rule name the id: it must read as one word
            throw new ModelError(what.substring(what.indexOf(' ') + 1), what + "'s rule id '" + UserCode.visible(ruleId)
                    + "' contains a comma, white space, a control character or one a report cannot show");
        }
    }

    /**
     * Whether {@code id} can be a rule's id: non-empty, without a comma (--rule takes a list), white space, control or
     * format characters, lone surrogates or noncharacters. The rule sets' ids and the model's own follow it alike.
     */
    public static boolean plainRuleId(String id) {
        return id != null && !id.isEmpty() && id.codePoints().noneMatch(c -> c == ',' || Character.isWhitespace(c)
                || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || UserCode.unshowable(c));
    }

    public String ruleId() { return ruleId; }
}
