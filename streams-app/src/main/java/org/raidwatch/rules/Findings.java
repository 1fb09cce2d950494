package org.raidwatch.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kie.api.runtime.rule.RuleContext;
import org.raidwatch.schema.Severity;

/**
 * The global through which a rule reports that it holds: {@code findings.flag(drools, "explanation",
 * "field", value, ...)}. The rule's name is its rule id and its {@code @severity(...)} its severity.
 */
public final class Findings {

    /** Name of the global every rule file declares: {@code global org.raidwatch.rules.Findings findings;} */
    public static final String GLOBAL = "findings";

    private final List<Finding> found = new ArrayList<>();

    /**
     * Records that the calling rule holds.
     *
     * @param evidence alternating field names and values the finding rests on; null values read "unknown"
     */
    public void flag(RuleContext rule, String explanation, Object... evidence) {
        // A malformed finding fails here, inside the rule's consequence, so the error names the rule:
        // at load on the sample cases, or on the case that reveals it (which then goes to the dead letters).
        if (explanation == null || explanation.isBlank()) {
            throw new IllegalArgumentException("the finding has no explanation (" + (explanation == null ? "null" : "blank")
                    + "); findings.flag(drools, \"explanation\", ...) needs plain-English text");
        }
        if (evidence.length % 2 != 0) {
            throw new IllegalArgumentException("evidence must alternate names and values, got " + evidence.length + " items");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < evidence.length; i += 2) {
            if (evidence[i] == null || String.valueOf(evidence[i]).isBlank()) {
                throw new IllegalArgumentException("evidence item " + (i / 2 + 1) + " has no field name");
            }
            values.put(String.valueOf(evidence[i]), evidence[i + 1] == null ? "unknown" : String.valueOf(evidence[i + 1]));
        }
        found.add(new Finding(rule.getRule().getName(), severityOf(rule.getRule()), explanation, values));
    }

    List<Finding> found() {
        return found;
    }

    static Severity severityOf(org.kie.api.definition.rule.Rule rule) {
        Object declared = rule.getMetaData().get("severity");
        if (declared == null) {
            throw new IllegalStateException("rule \"" + rule.getName() + "\" declares no @severity(HIGH|MEDIUM|LOW)");
        }
        try {
            return Severity.valueOf(String.valueOf(declared).replace("\"", "").trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("rule \"" + rule.getName() + "\" declares @severity(" + declared
                    + "); it must be HIGH, MEDIUM or LOW", e);
        }
    }
}
