package org.raidwatch.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.raidwatch.rules.Finding;
import org.raidwatch.rules.RaidCase;
import org.raidwatch.schema.ActiveFlag;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/**
 * A flag's life on one case: a rule that newly holds is RAISED, one that still holds with other
 * evidence is UPDATED, one that no longer holds is RESOLVED. A rule that holds as before produces
 * nothing, so subscribers never see the same alert twice.
 */
final class FlagChanges {

    /** The flag records to emit, and the flags that hold afterwards. */
    record Result(List<CaseFlag> changes, Map<String, ActiveFlag> flagsNow) {
        boolean isEmpty() {
            return changes.isEmpty();
        }
    }

    private FlagChanges() {
    }

    static Result between(Map<String, ActiveFlag> before, List<Finding> findings, RaidCase raidCase,
                          String ruleSetVersion, Instant at) {
        Map<String, ActiveFlag> now = new TreeMap<>();
        List<CaseFlag> changes = new ArrayList<>();
        for (Finding finding : findings) {
            ActiveFlag flag = ActiveFlag.newBuilder()
                    .setSeverity(finding.severity())
                    .setExplanation(finding.explanation())
                    .setEvidence(new TreeMap<>(finding.evidence()))
                    .setRuleSetVersion(ruleSetVersion)
                    .build();
            ActiveFlag previous = before.get(finding.ruleId());
            if (previous == null) {
                changes.add(record(raidCase, finding.ruleId(), FlagStatus.RAISED, flag, at));
                now.put(finding.ruleId(), flag);
            } else if (sameEvidence(previous, flag)) {
                now.put(finding.ruleId(), previous);
            } else {
                changes.add(record(raidCase, finding.ruleId(), FlagStatus.UPDATED, flag, at));
                now.put(finding.ruleId(), flag);
            }
        }
        for (Map.Entry<String, ActiveFlag> held : new TreeMap<>(before).entrySet()) {
            if (!now.containsKey(held.getKey())) {
                ActiveFlag resolved = ActiveFlag.newBuilder(held.getValue())
                        .setExplanation("No longer holds on the latest report and FOI update; it said: "
                                + held.getValue().getExplanation())
                        .setEvidence(Map.of())
                        .setRuleSetVersion(ruleSetVersion)
                        .build();
                changes.add(record(raidCase, held.getKey(), FlagStatus.RESOLVED, resolved, at));
            }
        }
        return new Result(changes, new LinkedHashMap<>(now));
    }

    private static boolean sameEvidence(ActiveFlag a, ActiveFlag b) {
        return a.getSeverity() == b.getSeverity()
                && a.getExplanation().equals(b.getExplanation())
                && a.getEvidence().equals(b.getEvidence());
    }

    private static CaseFlag record(RaidCase raidCase, String ruleId, FlagStatus status, ActiveFlag flag, Instant at) {
        return CaseFlag.newBuilder()
                .setRaidId(raidCase.getRaidId())
                .setRuleId(ruleId)
                .setStatus(status)
                .setSeverity(flag.getSeverity())
                .setForce(raidCase.getForce())
                .setRaidDate(raidCase.getRaidDate())
                .setExplanation(flag.getExplanation())
                .setEvidence(flag.getEvidence())
                .setSourceUrl(raidCase.getSourceUrl())
                .setFoiReference(raidCase.getFoiReference())
                .setRuleSetVersion(flag.getRuleSetVersion())
                .setChangedAt(at)
                .build();
    }
}
