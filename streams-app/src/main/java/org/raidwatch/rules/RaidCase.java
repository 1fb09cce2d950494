package org.raidwatch.rules;

import java.time.LocalDate;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * The fact the rules see: one case (a raid report and the FOI update in force, if any) as flat,
 * read-only properties, plus {@code today} for rules that depend on time passing. Unknown numbers
 * are null; DRL must test for null explicitly ({@code x == 0} is simply false when x is null).
 */
public final class RaidCase {

    private final RaidReport report;
    private final FoiUpdate foi;
    private final LocalDate today;

    public RaidCase(RaidReport report, FoiUpdate foi, LocalDate today) {
        this.report = report;
        this.foi = foi;
        this.today = today;
    }

    /** The case as the rules see it, or null when it has no raid report yet (rules only run on reported raids). */
    public static RaidCase of(CaseState state, LocalDate today) {
        return state.getReport() == null ? null : new RaidCase(state.getReport(), state.getFoiUpdate(), today);
    }

    public String getRaidId() {
        return report.getRaidId();
    }

    public String getForce() {
        return report.getForce();
    }

    public LocalDate getRaidDate() {
        return report.getRaidDate();
    }

    public String getSourceUrl() {
        return report.getSourceUrl();
    }

    public boolean isTraffickingClaimed() {
        return report.getTraffickingClaimed();
    }

    public boolean isModernSlaveryClaimed() {
        return report.getModernSlaveryClaimed();
    }

    /** The report said trafficking or modern slavery. */
    public boolean isClaimed() {
        return report.getTraffickingClaimed() || report.getModernSlaveryClaimed();
    }

    public Integer getClaimedVictims() {
        return report.getClaimedVictims();
    }

    public Integer getClaimedArrests() {
        return report.getClaimedArrests();
    }

    /** Whether any FOI update has arrived for this raid. */
    public boolean isFoiRequested() {
        return foi != null;
    }

    public String getFoiReference() {
        return foi == null ? null : foi.getFoiId();
    }

    /** The FOI status, or null when no FOI update has arrived. */
    public FoiStatus getStatus() {
        return foi == null ? null : foi.getStatus();
    }

    /** The force answered the FOI request (status RESPONDED or PARTIAL). */
    public boolean isAnswered() {
        return foi != null && (foi.getStatus() == FoiStatus.RESPONDED || foi.getStatus() == FoiStatus.PARTIAL);
    }

    public LocalDate getRequestedOn() {
        return foi == null ? null : foi.getRequestedOn();
    }

    public LocalDate getRespondedOn() {
        return foi == null ? null : foi.getRespondedOn();
    }

    public Integer getVictimsIdentified() {
        return foi == null ? null : foi.getVictimsIdentified();
    }

    public Integer getNrmReferrals() {
        return foi == null ? null : foi.getNrmReferrals();
    }

    public Integer getNrmDeclined() {
        return foi == null ? null : foi.getNrmDeclined();
    }

    public Integer getArrests() {
        return foi == null ? null : foi.getArrests();
    }

    public Integer getTraffickingCharges() {
        return foi == null ? null : foi.getTraffickingCharges();
    }

    /** "Now" as a date: the wall clock in live operation, the as-of date in a replay. */
    public LocalDate getToday() {
        return today;
    }

    /** Working days (FOI Act reckoning) from the request to today, or null when there is no FOI update. */
    public Integer getWorkingDaysSinceRequest() {
        return foi == null ? null : WorkingDays.between(foi.getRequestedOn(), today);
    }

    /** The day the FOI Act's 20 working days ran out, or null when there is no FOI update. */
    public LocalDate getFoiDueOn() {
        return foi == null ? null : WorkingDays.addWorkingDays(foi.getRequestedOn(), 20);
    }

    /** What the press said, in words: "Press reported trafficking (6 people rescued)". */
    public String pressClaim() {
        String what = isTraffickingClaimed() && isModernSlaveryClaimed() ? "trafficking and modern slavery"
                : isTraffickingClaimed() ? "trafficking" : isModernSlaveryClaimed() ? "modern slavery" : "no trafficking";
        Integer rescued = getClaimedVictims();
        return "Press reported " + what + (rescued == null ? "" : " (" + people(rescued) + " rescued)");
    }

    /** "the force's FOI answer (FOI-123)", naming the reference when there is an FOI update. */
    public String foiAnswer() {
        return "the force's FOI answer (" + getFoiReference() + ")";
    }

    /** A count in words: "1 person", "3 people", "an unknown number of people". */
    public static String people(Integer count) {
        return count == null ? "an unknown number of people" : count == 1 ? "1 person" : count + " people";
    }

    /** A count, or "unknown". */
    public static String number(Integer count) {
        return count == null ? "unknown" : String.valueOf(count);
    }

    @Override
    public String toString() {
        return "RaidCase[" + getRaidId() + ", " + getForce() + "]";
    }
}
