package org.raidwatch.alerts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;

/**
 * Which flag changes a subscriber wants: by severity, force, rule and status. Each criterion is a set
 * of accepted values, empty for "any"; a flag change matches when it matches every criterion. A
 * severity means exactly that severity, not "that or worse": HIGH and MEDIUM are asked for together.
 * Forces are compared by canonical name, which is what flags carry.
 */
public record FlagFilter(Set<Severity> severities, Set<String> forces, Set<String> rules, Set<FlagStatus> statuses) {

    /** Every flag change. */
    public static final FlagFilter ANY = new FlagFilter(Set.of(), Set.of(), Set.of(), Set.of());

    public FlagFilter {
        severities = severities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(severities));
        forces = Set.copyOf(forces);
        rules = Set.copyOf(rules);
        statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    }

    /** A filter from option values; null or empty collections accept anything. */
    public static FlagFilter of(Collection<Severity> severities, Collection<String> forces, Collection<String> rules,
                                Collection<FlagStatus> statuses) {
        return new FlagFilter(orEmpty(severities), orEmpty(forces), orEmpty(rules), orEmpty(statuses));
    }

    public boolean matches(CaseFlag flag) {
        return (severities.isEmpty() || severities.contains(flag.getSeverity()))
                && (forces.isEmpty() || forces.contains(flag.getForce()))
                && (rules.isEmpty() || rules.contains(flag.getRuleId()))
                && (statuses.isEmpty() || statuses.contains(flag.getStatus()));
    }

    /** In words, for the start-up line: "every flag change", or e.g. "severity HIGH or MEDIUM, force Kent Police". */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!severities.isEmpty()) {
            parts.add("severity " + either(EnumSet.copyOf(severities)));
        }
        if (!forces.isEmpty()) {
            parts.add("force " + either(new java.util.TreeSet<>(forces)));
        }
        if (!rules.isEmpty()) {
            parts.add("rule " + either(new java.util.TreeSet<>(rules)));
        }
        if (!statuses.isEmpty()) {
            parts.add("status " + either(EnumSet.copyOf(statuses)));
        }
        return parts.isEmpty() ? "every flag change" : String.join(", ", parts);
    }

    private static String either(Collection<?> values) {
        List<String> names = values.stream().map(Object::toString).toList();
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static <T> Set<T> orEmpty(Collection<T> values) {
        return values == null ? Set.of() : new LinkedHashSet<>(values);
    }
}
