package org.raidwatch.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/**
 * What changes between two evaluations of the same data, rule by rule: the flags open after the
 * second that were not open after the first (they would appear), the reverse (they would
 * disappear), and the flags open after both whose severity, explanation or evidence differ.
 */
public record FlagDiff(List<RuleDiff> rules) {

    /** One rule's share; {@code inBefore}/{@code inAfter} say whether each rule set defines the rule. */
    public record RuleDiff(String ruleId, boolean inBefore, boolean inAfter, int openBefore, int openAfter,
                           List<CaseFlag> appear, List<CaseFlag> disappear, List<Changed> changed) {

        public boolean isUnchanged() {
            return appear.isEmpty() && disappear.isEmpty() && changed.isEmpty();
        }
    }

    public record Changed(CaseFlag before, CaseFlag after) {
    }

    /**
     * @param before      the final flags under the current rule set (any status; only open ones count)
     * @param after       the final flags under the new rule set
     * @param rulesBefore the current set's rule ids
     * @param rulesAfter  the new set's rule ids
     */
    public static FlagDiff between(Collection<CaseFlag> before, Collection<CaseFlag> after, Collection<String> rulesBefore,
                                   Collection<String> rulesAfter) {
        Map<String, Map<String, CaseFlag>> openBefore = openByRule(before);
        Map<String, Map<String, CaseFlag>> openAfter = openByRule(after);
        TreeSet<String> ruleIds = new TreeSet<>(rulesBefore);
        ruleIds.addAll(rulesAfter);
        ruleIds.addAll(openBefore.keySet());
        ruleIds.addAll(openAfter.keySet());
        List<RuleDiff> rules = new ArrayList<>();
        for (String ruleId : ruleIds) {
            Map<String, CaseFlag> was = openBefore.getOrDefault(ruleId, Map.of());
            Map<String, CaseFlag> will = openAfter.getOrDefault(ruleId, Map.of());
            List<CaseFlag> appear = will.entrySet().stream().filter(e -> !was.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
            List<CaseFlag> disappear = was.entrySet().stream().filter(e -> !will.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
            List<Changed> changed = new ArrayList<>();
            for (Map.Entry<String, CaseFlag> flag : will.entrySet()) {
                CaseFlag old = was.get(flag.getKey());
                if (old != null && !sameFinding(old, flag.getValue())) {
                    changed.add(new Changed(old, flag.getValue()));
                }
            }
            rules.add(new RuleDiff(ruleId, rulesBefore.contains(ruleId), rulesAfter.contains(ruleId), was.size(), will.size(),
                    appear, disappear, List.copyOf(changed)));
        }
        return new FlagDiff(List.copyOf(rules));
    }

    /** Whether nothing would change. */
    public boolean isEmpty() {
        return rules.stream().allMatch(RuleDiff::isUnchanged);
    }

    private static Map<String, Map<String, CaseFlag>> openByRule(Collection<CaseFlag> flags) {
        return flags.stream().filter(flag -> flag.getStatus() != FlagStatus.RESOLVED)
                .sorted(Comparator.comparing(CaseFlag::getRaidId))
                .collect(Collectors.groupingBy(CaseFlag::getRuleId, TreeMap::new,
                        Collectors.toMap(CaseFlag::getRaidId, Function.identity(), (a, b) -> b, TreeMap::new)));
    }

    private static boolean sameFinding(CaseFlag a, CaseFlag b) {
        return a.getSeverity() == b.getSeverity() && Objects.equals(a.getExplanation(), b.getExplanation())
                && Objects.equals(a.getEvidence(), b.getEvidence());
    }
}
