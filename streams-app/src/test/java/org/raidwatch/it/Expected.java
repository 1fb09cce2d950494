package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.rules.Finding;
import org.raidwatch.rules.RaidCase;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RaidReport;

/**
 * What raidwatch must end with for a sequence of inputs, recomputed from the inputs alone: the final
 * state of each case (highest revision, later arrival on a tie), the flags that hold on it, and the
 * rates (counted here independently of the topology's code). Also checks that a flag history is a
 * valid life cycle, which a duplicated record would break.
 */
public final class Expected {

    private final Map<String, String> holdingFlags;
    private final Map<String, int[]> rates;

    private Expected(Map<String, String> holdingFlags, Map<String, int[]> rates) {
        this.holdingFlags = holdingFlags;
        this.rates = rates;
    }

    public static Expected of(List<DemoDataset.Event> events, RuleSet rules, LocalDate asOf) {
        Map<String, RaidReport> reports = new HashMap<>();
        Map<String, FoiUpdate> updates = new HashMap<>();
        for (DemoDataset.Event event : events) {
            RaidReport report = event.report();
            if (report != null && (!reports.containsKey(report.getRaidId()) || reports.get(report.getRaidId()).getRevision() <= report.getRevision())) {
                reports.put(report.getRaidId(), report);
            }
            FoiUpdate update = event.foiUpdate();
            if (update != null && (!updates.containsKey(update.getRaidId()) || updates.get(update.getRaidId()).getRevision() <= update.getRevision())) {
                updates.put(update.getRaidId(), update);
            }
        }
        Map<String, String> flags = new TreeMap<>();
        Map<String, int[]> rates = new TreeMap<>();
        var session = rules.newSession();
        for (RaidReport report : reports.values()) {
            FoiUpdate foi = updates.get(report.getRaidId());
            for (Finding finding : session.evaluate(new RaidCase(report, foi, asOf))) {
                flags.put(report.getRaidId() + "|" + finding.ruleId(), finding.explanation());
            }
            if (report.getTraffickingClaimed() || report.getModernSlaveryClaimed()) {
                int[] counts = countsOf(foi);
                YearMonth month = YearMonth.from(report.getRaidDate());
                List<String> windows = new ArrayList<>(List.of("all"));
                for (int i = 0; i < 12; i++) {
                    windows.add(month.plusMonths(i).toString());
                }
                for (String window : windows) {
                    for (String force : List.of(report.getForce(), "ALL")) {
                        int[] sum = rates.computeIfAbsent(force + "|" + window, k -> new int[7]);
                        for (int i = 0; i < 7; i++) {
                            sum[i] += counts[i];
                        }
                    }
                }
            }
        }
        session.close();
        return new Expected(flags, rates);
    }

    /** claimedRaids, foiRequested, foiAnswered, referralKnown, noReferral, victimsKnown, noVictims of one claimed case. */
    private static int[] countsOf(FoiUpdate foi) {
        boolean answered = foi != null && (foi.getStatus() == FoiStatus.RESPONDED || foi.getStatus() == FoiStatus.PARTIAL);
        boolean referralKnown = answered && foi.getNrmReferrals() != null;
        boolean victimsKnown = answered && foi.getVictimsIdentified() != null;
        return new int[] {1, foi != null ? 1 : 0, answered ? 1 : 0, referralKnown ? 1 : 0,
                referralKnown && foi.getNrmReferrals() == 0 ? 1 : 0, victimsKnown ? 1 : 0,
                victimsKnown && foi.getVictimsIdentified() == 0 ? 1 : 0};
    }

    public int holdingFlagCount() {
        return holdingFlags.size();
    }

    /** Whether the latest flags and rates read from the output topics are what the inputs call for. */
    public boolean matches(Map<String, CaseFlag> latestFlags, Map<String, ForceRates> latestRates) {
        return mismatches(latestFlags, latestRates).isEmpty();
    }

    /** The differences, in words (empty when it matches). */
    public List<String> mismatches(Map<String, CaseFlag> latestFlags, Map<String, ForceRates> latestRates) {
        List<String> problems = new ArrayList<>();
        Map<String, String> holding = new TreeMap<>();
        latestFlags.forEach((key, flag) -> {
            if (flag.getStatus() != FlagStatus.RESOLVED) {
                holding.put(key, flag.getExplanation());
            }
        });
        if (!holding.equals(holdingFlags)) {
            Map<String, String> missing = new LinkedHashMap<>(holdingFlags);
            missing.entrySet().removeAll(holding.entrySet());
            Map<String, String> extra = new LinkedHashMap<>(holding);
            extra.entrySet().removeAll(holdingFlags.entrySet());
            problems.add("flags holding: " + missing.size() + " missing (e.g. " + first(missing) + "), " + extra.size()
                    + " unexpected (e.g. " + first(extra) + ")");
        }
        for (Map.Entry<String, int[]> want : rates.entrySet()) {
            ForceRates got = latestRates.get(want.getKey());
            int[] have = got == null ? new int[7] : new int[] {got.getClaimedRaids(), got.getFoiRequested(), got.getFoiAnswered(),
                    got.getReferralKnown(), got.getNoReferral(), got.getVictimsKnown(), got.getNoVictims()};
            if (!java.util.Arrays.equals(have, want.getValue())) {
                problems.add("rates " + want.getKey() + ": " + java.util.Arrays.toString(have) + " instead of "
                        + java.util.Arrays.toString(want.getValue()));
                if (problems.size() > 5) {
                    break;
                }
            }
        }
        latestRates.forEach((key, got) -> {
            if (!rates.containsKey(key) && got.getClaimedRaids() != 0) {
                problems.add("rates " + key + " count " + got.getClaimedRaids() + " raids where none belong");
            }
        });
        return problems;
    }

    private static String first(Map<String, String> map) {
        return map.isEmpty() ? "none" : map.entrySet().iterator().next().toString();
    }

    /**
     * Every flag's history, in topic order, is a life cycle: RAISED first or after RESOLVED; UPDATED
     * and RESOLVED only while it holds; never the same record twice in a row. A duplicate would break it.
     *
     * @return how many flag records were checked
     */
    public static int assertValidLifeCycles(List<CaseFlag> recordsInTopicOrder) {
        Map<String, CaseFlag> last = new HashMap<>();
        for (CaseFlag flag : recordsInTopicOrder) {
            String key = flag.getRaidId() + "|" + flag.getRuleId();
            CaseFlag previous = last.put(key, flag);
            boolean holding = previous != null && previous.getStatus() != FlagStatus.RESOLVED;
            switch (flag.getStatus()) {
                case RAISED -> assertThat(holding).as("%s RAISED while already holding: duplicate? previous %s", key, previous).isFalse();
                case UPDATED -> {
                    assertThat(holding).as("%s UPDATED while not holding", key).isTrue();
                    assertThat(flag.getExplanation()).as("%s UPDATED to the same evidence: duplicate?", key)
                            .isNotEqualTo(previous.getExplanation());
                }
                case RESOLVED -> assertThat(holding).as("%s RESOLVED while not holding: duplicate?", key).isTrue();
                default -> throw new AssertionError(flag.getStatus());
            }
        }
        return recordsInTopicOrder.size();
    }
}
