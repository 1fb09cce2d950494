package org.raidwatch.rules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * Cases that exercise every field, tried on a rule set before it goes live: classic DRL compiles
 * some type errors and then throws on every evaluation, and such a rule is refused at load rather
 * than found by the first real case.
 */
final class SampleCases {

    private SampleCases() {
    }

    /**
     * Evaluates every sample case with the session (and closes it).
     *
     * @param fileOfRule the file a rule id came from, for the problems' {@code file:0:}
     * @return a problem per rule that threw, on the first sample it threw on; empty when none did
     */
    static List<String> tryOn(RuleSession session, UnaryOperator<String> fileOfRule) {
        Map<String, String> problemByRule = new LinkedHashMap<>();
        try (session) {
            for (RaidCase sample : cases()) {
                try {
                    session.evaluate(sample);
                } catch (RuleEvaluationException e) {
                    problemByRule.putIfAbsent(e.ruleId(), fileOfRule.apply(e.ruleId()) + ":0: rule \"" + e.ruleId()
                            + "\" throws on a sample case (" + sample.getRaidId() + "): " + e.getMessage());
                }
            }
        }
        return new ArrayList<>(problemByRule.values());
    }

    static List<RaidCase> cases() {
        LocalDate today = LocalDate.of(2021, 6, 1);
        RaidReport claimed = RaidReport.newBuilder()
                .setRaidId("sample-claimed").setForce("Kent Police").setRaidDate(LocalDate.of(2020, 3, 4))
                .setSourceUrl("https://example.org/raid").setTraffickingClaimed(true).setModernSlaveryClaimed(true)
                .setClaimedVictims(6).setClaimedArrests(3).build();
        FoiUpdate answered = FoiUpdate.newBuilder()
                .setFoiId("FOI-1").setRaidId("sample-claimed").setForce("Kent Police")
                .setRequestedOn(LocalDate.of(2020, 9, 1)).setStatus(FoiStatus.RESPONDED).setRespondedOn(LocalDate.of(2020, 10, 1))
                .setVictimsIdentified(3).setNrmReferrals(1).setNrmDeclined(2).setArrests(2).setTraffickingCharges(1).build();
        FoiUpdate pending = FoiUpdate.newBuilder(answered).setStatus(FoiStatus.REQUESTED).setRespondedOn(null)
                .setVictimsIdentified(null).setNrmReferrals(null).setNrmDeclined(null).setArrests(null)
                .setTraffickingCharges(null).build();
        RaidReport unclaimed = RaidReport.newBuilder(claimed).setRaidId("sample-unknowns").setSourceUrl(null)
                .setTraffickingClaimed(false).setModernSlaveryClaimed(false).setClaimedVictims(null).setClaimedArrests(null).build();
        return List.of(
                new RaidCase(claimed, answered, today),
                new RaidCase(claimed, pending, today),
                new RaidCase(claimed, null, today),
                new RaidCase(unclaimed, null, today));
    }
}
