package org.raidwatch.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * What every rule of a compiled set must declare: a valid {@code @severity}, and, for a rule whose
 * outcome can change as days pass, {@code @dueAfterWorkingDays(N)}. A rule that reads
 * {@code workingDaysSinceRequest} or {@code today} in its source without declaring a deadline is a
 * problem; so is a set with no rules.
 *
 * @param ruleIds              the rule ids, in name order
 * @param workingDayDeadlines  the declared deadlines, ascending and distinct
 * @param problems             {@code file:0: message} for each problem, empty when none
 */
record RuleDeclarations(List<String> ruleIds, List<Integer> workingDayDeadlines, List<String> problems) {

    /** Properties of {@link RaidCase} whose value changes as days pass. */
    private static final Pattern TIME_DEPENDENT = Pattern.compile("\\b(workingDaysSinceRequest|getWorkingDaysSinceRequest|today|getToday)\\b");

    static RuleDeclarations check(String source, RuleSetCompiler.Compiled compiled) {
        List<String> ruleIds = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        TreeSet<Integer> deadlines = new TreeSet<>();
        for (KiePackage kiePackage : compiled.kieBase().getKiePackages()) {
            for (Rule rule : kiePackage.getRules()) {
                ruleIds.add(rule.getName());
                try {
                    Findings.severityOf(rule);
                } catch (IllegalStateException e) {
                    problems.add(compiled.fileOf(rule) + ":0: " + e.getMessage());
                }
                String timeProblem = timeDependence(rule, compiled.ruleSources().getOrDefault(rule.getName(), ""), deadlines);
                if (timeProblem != null) {
                    problems.add(compiled.fileOf(rule) + ":0: " + timeProblem);
                }
            }
        }
        ruleIds.sort(null);
        if (ruleIds.isEmpty()) {
            problems.add(source + ":0: the rule set defines no rules");
        }
        return new RuleDeclarations(List.copyOf(ruleIds), List.copyOf(deadlines), List.copyOf(problems));
    }

    /** Adds the rule's declared deadlines; returns a problem when it reads time without declaring one, or declares nonsense. */
    private static String timeDependence(Rule rule, String ruleSource, Set<Integer> deadlines) {
        Object declared = rule.getMetaData().get(RuleSet.DUE_AFTER_WORKING_DAYS);
        if (declared == null) {
            Matcher reads = TIME_DEPENDENT.matcher(ruleSource);
            return reads.find() ? "rule \"" + rule.getName() + "\" reads " + reads.group(1) + ", which changes as days pass, but declares"
                    + " no @" + RuleSet.DUE_AFTER_WORKING_DAYS + "(N): say after how many working days since the FOI request its outcome can"
                    + " change, so the daily check re-evaluates the cases falling due" : null;
        }
        String text = String.valueOf(declared).replace("\"", "").trim();
        try {
            int days = Integer.parseInt(text);
            if (days < 0 || days > 10_000) {
                throw new NumberFormatException();
            }
            deadlines.add(days);
            return null;
        } catch (NumberFormatException e) {
            return "rule \"" + rule.getName() + "\" declares @" + RuleSet.DUE_AFTER_WORKING_DAYS + "(" + declared
                    + "); it must be a whole number of working days from 0 to 10000";
        }
    }
}
