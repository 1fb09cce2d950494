package org.raidwatch.rules;

import java.util.Map;
import org.raidwatch.schema.Severity;

/** One rule holding on one case: the rule id, its severity, and what it found, in words and values. */
public record Finding(String ruleId, Severity severity, String explanation, Map<String, String> evidence) {

    public Finding {
        evidence = Map.copyOf(evidence);
    }
}
