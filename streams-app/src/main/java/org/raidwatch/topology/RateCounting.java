package org.raidwatch.topology;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.schema.RateCounts;
import org.raidwatch.schema.RateDelta;

/**
 * The rate definitions: what one case counts for (only claimed raids count), which windows a raid
 * counts in, and how a case change moves the counts of its force's raid month. Because a change
 * subtracts what the case counted before and adds what it counts now, nothing is counted twice and
 * corrections move counts between months, windows and forces.
 */
final class RateCounting {


    private RateCounting() {
    }

    /** What a case counts for, by force and raid month: nothing unless it has a report claiming trafficking or modern slavery. */
    record Contribution(String force, String raidMonth, RateCounts counts) {
    }

    static Contribution contributionOf(CaseState state) {
        if (state == null || state.getReport() == null) {
            return null;
        }
        RaidReport report = state.getReport();
        if (!report.getTraffickingClaimed() && !report.getModernSlaveryClaimed()) {
            return null;
        }
        FoiUpdate foi = state.getFoiUpdate();
        boolean answered = foi != null && (foi.getStatus() == FoiStatus.RESPONDED || foi.getStatus() == FoiStatus.PARTIAL);
        boolean referralKnown = answered && foi.getNrmReferrals() != null;
        boolean victimsKnown = answered && foi.getVictimsIdentified() != null;
        RateCounts counts = RateCounts.newBuilder()
                .setClaimedRaids(1)
                .setFoiRequested(foi != null ? 1 : 0)
                .setFoiAnswered(answered ? 1 : 0)
                .setReferralKnown(referralKnown ? 1 : 0)
                .setNoReferral(referralKnown && foi.getNrmReferrals() == 0 ? 1 : 0)
                .setVictimsKnown(victimsKnown ? 1 : 0)
                .setNoVictims(victimsKnown && foi.getVictimsIdentified() == 0 ? 1 : 0)
                .build();
        return new Contribution(report.getForce(), YearMonth.from(report.getRaidDate()).toString(), counts);
    }

    /**
     * The signed changes, per force and raid month, that take the counts from {@code before} to
     * {@code after}: what the case counted is subtracted from its month, what it counts now added; at
     * most two, none when the counts do not move. The windows and ALL are derived downstream.
     */
    static List<RateDelta> deltas(CaseState before, CaseState after) {
        Contribution was = contributionOf(before);
        Contribution now = contributionOf(after);
        Map<List<String>, RateCounts> byForceAndMonth = new LinkedHashMap<>();
        if (was != null) {
            add(byForceAndMonth, was.force(), was.raidMonth(), was.counts(), -1);
        }
        if (now != null) {
            add(byForceAndMonth, now.force(), now.raidMonth(), now.counts(), +1);
        }
        List<RateDelta> deltas = new ArrayList<>(2);
        byForceAndMonth.forEach((key, counts) -> {
            if (!isZero(counts)) {
                deltas.add(RateDelta.newBuilder().setForce(key.get(0)).setMonth(key.get(1)).setCounts(counts).build());
            }
        });
        return deltas;
    }

    /** The windows a raid in this month counts in: all time, and the twelve rolling windows that contain the month. */
    static List<String> windowsContaining(String raidMonth) {
        YearMonth month = YearMonth.parse(raidMonth);
        List<String> windows = new ArrayList<>(RateVocabulary.ROLLING_MONTHS + 1);
        windows.add(RateVocabulary.ALL_TIME);
        for (int i = 0; i < RateVocabulary.ROLLING_MONTHS; i++) {
            windows.add(month.plusMonths(i).toString());
        }
        return windows;
    }

    /** Moves counters (in the order of {@link RateVocabulary#COUNTERS}) by a change, in place. */
    static void add(int[] counts, RateCounts change) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += (Integer) change.get(i);
        }
    }

    private static void add(Map<List<String>, RateCounts> into, String force, String month, RateCounts counts, int sign) {
        into.merge(List.of(force, month), plus(zero(), counts, sign), (a, b) -> plus(a, b, 1));
    }

    static RateCounts zero() {
        RateCounts zero = new RateCounts();
        for (int i = 0; i < RateVocabulary.COUNTERS.size(); i++) {
            zero.put(i, 0);
        }
        return zero;
    }

    /** {@code a + sign * b}, counter by counter (the counts' fields are the counters, in order). */
    static RateCounts plus(RateCounts a, RateCounts b, int sign) {
        RateCounts sum = new RateCounts();
        for (int i = 0; i < RateVocabulary.COUNTERS.size(); i++) {
            sum.put(i, (Integer) a.get(i) + sign * (Integer) b.get(i));
        }
        return sum;
    }

    static boolean isZero(RateCounts c) {
        for (int i = 0; i < RateVocabulary.COUNTERS.size(); i++) {
            if ((Integer) c.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
