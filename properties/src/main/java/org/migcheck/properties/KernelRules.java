package org.migcheck.properties;

import java.util.ArrayList;
import java.util.List;

/** The rule set every bundled scenario is checked against. */
public final class KernelRules {
    private KernelRules() {}

    /** All kernel rules, with the lockdep dependency graph on. */
    public static RuleSet all() {
        List<Rule> rules = new ArrayList<>();
        return RuleSet.of(rules, true);
    }
}
