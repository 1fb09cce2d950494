package org.raidwatch.rules;

import org.raidwatch.contract.LogText;

/** A rule that threw while evaluating one case. The case's other inputs are unaffected. */
public class RuleEvaluationException extends RuntimeException {

    private final String ruleId;

    public RuleEvaluationException(String ruleId, String raidId, Throwable cause) {
        super("rule " + ruleId + " failed on raid " + raidId + ": " + LogText.rootCause(cause), cause);
        this.ruleId = ruleId;
    }

    /** Id of the rule that threw, or "unknown" when Drools did not say. */
    public String ruleId() {
        return ruleId;
    }

}
