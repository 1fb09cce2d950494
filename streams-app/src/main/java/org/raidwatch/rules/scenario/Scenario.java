package org.raidwatch.rules.scenario;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.raidwatch.rules.RaidCase;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * One rule scenario: a case (a raid report and, optionally, the FOI update in force), the day that is
 * "today" for it, and what the rules must find on it. Only the rules it lists are asserted, so adding
 * a rule never breaks an older scenario.
 *
 * @param file         the scenario file, as shown in messages
 * @param line         the line the scenario starts on
 * @param holds        rule ids expected to hold
 * @param notHolds     rule ids expected not to hold
 * @param explanations per rule id in {@code holds}, texts its explanation must contain
 * @param unknowns     the scenario shows its rules on unknown values (the fields they read left empty)
 * @param ruleLines    the line each listed rule id is written on, for messages
 */
public record Scenario(String file, int line, String name, LocalDate today, RaidReport report, FoiUpdate foi,
                       List<String> holds, List<String> notHolds, Map<String, List<String>> explanations,
                       boolean unknowns, Map<String, Integer> ruleLines) {

    public Scenario {
        holds = List.copyOf(holds);
        notHolds = List.copyOf(notHolds);
        explanations = Map.copyOf(explanations);
        ruleLines = Map.copyOf(ruleLines);
    }

    /** The case as the rules see it. */
    public RaidCase raidCase() {
        return new RaidCase(report, foi, today);
    }

    /** Where the scenario starts, as {@code file:line}. */
    public String location() {
        return file + ":" + line;
    }

    /** Where a rule id it lists is written, as {@code file:line}. */
    public String locationOf(String ruleId) {
        return file + ":" + ruleLines.getOrDefault(ruleId, line);
    }

    /** All the rule ids it asserts, expected to hold or not. */
    public List<String> ruleIds() {
        return java.util.stream.Stream.concat(holds.stream(), notHolds.stream()).toList();
    }
}
