package org.raidwatch.rules.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.raidwatch.rules.Finding;
import org.raidwatch.rules.RuleEvaluationException;
import org.raidwatch.rules.RuleSet;

/** Runs scenarios against a built rule set: each passes, or fails with the differences in words. */
public final class ScenarioRun {

    private ScenarioRun() {
    }

    /** One scenario's outcome; {@code differences} is empty when it passed. */
    public record Outcome(Scenario scenario, List<String> differences) {
        public boolean passed() {
            return differences.isEmpty();
        }
    }

    /**
     * The rule ids the scenarios list that the rule set does not define, as {@code file:line: message};
     * such a scenario cannot be run.
     */
    public static List<String> undefinedRuleIds(RuleSet rules, List<Scenario> scenarios) {
        List<String> problems = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            for (String ruleId : scenario.ruleIds()) {
                if (!rules.ruleIds().contains(ruleId)) {
                    problems.add(scenario.locationOf(ruleId) + ": scenario \"" + scenario.name() + "\": the rule set defines no rule "
                            + ruleId + " (it defines " + String.join(", ", rules.ruleIds()) + ")");
                }
            }
        }
        return problems;
    }

    /**
     * Everything that keeps a rule set from going live by its scenarios: problems in the scenario
     * files, rule ids the set does not define, and each failing scenario with its differences; empty
     * when every scenario passed.
     */
    public static List<String> problems(RuleSet rules, ScenarioFiles.Read read) {
        List<String> problems = new ArrayList<>(read.problems());
        problems.addAll(undefinedRuleIds(rules, read.scenarios()));
        for (Scenario scenario : read.scenarios()) {
            if (runnable(rules, scenario)) {
                Outcome outcome = run(rules, scenario);
                if (!outcome.passed()) {
                    problems.add(scenario.file() + ":" + scenario.line() + ": scenario \"" + scenario.name() + "\" fails: "
                            + String.join("; ", outcome.differences()));
                }
            }
        }
        return problems;
    }

    /** Whether every rule id the scenario lists is defined by the rule set. */
    public static boolean runnable(RuleSet rules, Scenario scenario) {
        return rules.ruleIds().containsAll(scenario.ruleIds());
    }

    /** Evaluates the scenario's case and compares what held with what it expects. */
    public static Outcome run(RuleSet rules, Scenario scenario) {
        List<Finding> findings;
        try {
            // A session of its own: a thread that checks many rule sets (the rules-topic follower) keeps none of them alive.
            try (var session = rules.newSession()) {
                findings = session.evaluate(scenario.raidCase());
            }
        } catch (RuleEvaluationException e) {
            return new Outcome(scenario, List.of(e.getMessage()));
        } catch (RuntimeException e) {
            return new Outcome(scenario, List.of("the rules could not be evaluated on this case: " + e));
        }
        Map<String, Finding> held = findings.stream().collect(Collectors.toMap(Finding::ruleId, Function.identity(), (a, b) -> a,
                java.util.LinkedHashMap::new));
        List<String> differences = new ArrayList<>();
        for (String ruleId : scenario.holds()) {
            Finding finding = held.get(ruleId);
            if (finding == null) {
                differences.add("expected " + ruleId + " to hold; it did not (held: "
                        + (held.isEmpty() ? "none" : String.join(", ", held.keySet())) + ")");
                continue;
            }
            for (String text : scenario.explanations().getOrDefault(ruleId, List.of())) {
                if (!finding.explanation().contains(text)) {
                    differences.add("the explanation of " + ruleId + " lacks \"" + text + "\"; it reads: \"" + finding.explanation() + "\"");
                }
            }
        }
        for (String ruleId : scenario.notHolds()) {
            Finding finding = held.get(ruleId);
            if (finding != null) {
                differences.add("expected " + ruleId + " not to hold; it held: \"" + finding.explanation() + "\"");
            }
        }
        return new Outcome(scenario, differences);
    }
}
