package org.raidwatch.rules.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * Which of the three kinds of scenario each rule has: one where it holds, one where it does not, and
 * one on unknown values (a scenario marked {@code unknowns: true} that lists the rule, holding or not).
 */
public final class Coverage {

    /** The kinds of scenario every rule should have. */
    public enum Kind {
        HOLDING("where it holds (list it under holds)"),
        NOT_HOLDING("where it does not hold (list it under not_holds)"),
        UNKNOWNS("on unknown values (a scenario marked unknowns: true that lists it)");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private Coverage() {
    }

    /** The kinds of scenario a rule lacks, in the order of {@link Kind}. */
    public static List<Kind> missing(String ruleId, List<Scenario> scenarios) {
        boolean holding = false;
        boolean notHolding = false;
        boolean unknowns = false;
        for (Scenario scenario : scenarios) {
            holding |= !scenario.unknowns() && scenario.holds().contains(ruleId);
            notHolding |= !scenario.unknowns() && scenario.notHolds().contains(ruleId);
            unknowns |= scenario.unknowns() && scenario.ruleIds().contains(ruleId);
        }
        List<Kind> missing = new ArrayList<>();
        if (!holding) {
            missing.add(Kind.HOLDING);
        }
        if (!notHolding) {
            missing.add(Kind.NOT_HOLDING);
        }
        if (!unknowns) {
            missing.add(Kind.UNKNOWNS);
        }
        return missing;
    }

    /** One warning per rule that lacks a kind of scenario, naming the kinds it lacks. */
    public static List<String> warnings(List<String> ruleIds, List<Scenario> scenarios) {
        List<String> warnings = new ArrayList<>();
        for (String ruleId : ruleIds) {
            List<Kind> missing = missing(ruleId, scenarios);
            if (missing.size() == Kind.values().length) {
                warnings.add("rule " + ruleId + " has no scenarios");
            } else if (!missing.isEmpty()) {
                warnings.add("rule " + ruleId + " has no scenario " + String.join(", nor ", missing.stream().map(Kind::words).toList()));
            }
        }
        return warnings;
    }
}
