package org.raidwatch.contract;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * The data contract of the two inputs (the README's "Input files"), applied to decoded records (reasons name the
 * contract's column names): what a raid report
 * or FOI update must satisfy to be processed, and the normal form it is processed in (the force's
 * canonical name). A record that breaks the contract is rejected with one reason; the caller routes
 * it to the dead-letter topic or the rejected-rows report.
 */
public final class InputContract {

    /** Dates before this are taken as mistakes (the monitoring starts long after). */
    public static final LocalDate EARLIEST_DATE = LocalDate.of(1990, 1, 1);
    /** Dates after this are taken as mistakes. */
    public static final LocalDate LATEST_DATE = LocalDate.of(2099, 12, 31);
    /** Longest id (raid id, FOI reference) accepted. */
    public static final int MAX_ID_LENGTH = 200;
    /** Longest source URL accepted. */
    public static final int MAX_URL_LENGTH = 2_000;

    private InputContract() {
    }

    /** The outcome of checking one record: the record in normal form, or why it was rejected. */
    public record Checked<T>(T record, String rejection) {
        static <T> Checked<T> accepted(T record) {
            return new Checked<>(record, null);
        }

        static <T> Checked<T> rejected(String reason) {
            return new Checked<>(null, reason);
        }

        public boolean isAccepted() {
            return rejection == null;
        }
    }

    public static Checked<RaidReport> check(RaidReport report) {
        String problem = firstProblem(
                raidId(report.getRaidId()),
                nonNegative("revision", report.getRevision()),
                date("raid_date", report.getRaidDate()),
                timestamp("reported_at", report.getReportedAt()),
                text("source_url", report.getSourceUrl(), MAX_URL_LENGTH),
                nonNegative("claimed_victims", report.getClaimedVictims()),
                nonNegative("claimed_arrests", report.getClaimedArrests()));
        if (problem != null) {
            return Checked.rejected(problem);
        }
        Optional<String> force = Forces.canonical(report.getForce());
        if (force.isEmpty()) {
            return Checked.rejected(unknownForce(report.getForce()));
        }
        return Checked.accepted(force.get().equals(report.getForce())
                ? report : RaidReport.newBuilder(report).setForce(force.get()).build());
    }

    public static Checked<FoiUpdate> check(FoiUpdate update) {
        String problem = firstProblem(
                id("foi_id", update.getFoiId()),
                raidId(update.getRaidId()),
                nonNegative("revision", update.getRevision()),
                date("requested_on", update.getRequestedOn()),
                update.getStatus() == null ? "status is missing" : null,
                update.getRespondedOn() == null ? null : date("responded_on", update.getRespondedOn()),
                nonNegative("victims_identified", update.getVictimsIdentified()),
                nonNegative("nrm_referrals", update.getNrmReferrals()),
                nonNegative("nrm_declined", update.getNrmDeclined()),
                nonNegative("arrests", update.getArrests()),
                nonNegative("trafficking_charges", update.getTraffickingCharges()));
        if (problem != null) {
            return Checked.rejected(problem);
        }
        Optional<String> force = Forces.canonical(update.getForce());
        if (force.isEmpty()) {
            return Checked.rejected(unknownForce(update.getForce()));
        }
        return Checked.accepted(force.get().equals(update.getForce())
                ? update : FoiUpdate.newBuilder(update).setForce(force.get()).build());
    }

    private static String firstProblem(String... problems) {
        for (String problem : problems) {
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * A raid id is part of the keys raidwatch writes ({@code <raid id>|<rule id>}), so it may not hold
     * the separator, nor control characters (line breaks would forge log lines and console output).
     */
    private static String raidId(String value) {
        String problem = id("raid_id", value);
        if (problem != null) {
            return problem;
        }
        if (value.indexOf('|') >= 0) {
            return "raid_id '" + LogText.of(value) + "' contains '|', which separates the parts of raidwatch's keys (<raid id>|<rule id>)";
        }
        return null;
    }

    private static String id(String field, String value) {
        if (value == null || value.isBlank()) {
            return field + " is missing";
        }
        return text(field, value, MAX_ID_LENGTH);
    }

    /**
     * A text field that reaches terminals, logs, chat messages and HTML: bounded, and without control
     * characters (line breaks, tabs, escape sequences that move a terminal's cursor) or the Unicode
     * line and paragraph separators, which would let a value forge a line of output.
     */
    private static String text(String field, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            return field + " is " + value.length() + " characters long, more than " + max;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isForbidden(c)) {
                return field + " contains a control character (" + LogText.of(String.valueOf(c)) + " at position " + (i + 1)
                        + "); ids and URLs may hold none (line breaks, tabs, terminal escape sequences and the like)";
            }
        }
        return null;
    }

    /** Whether a character is refused in ids and URLs: C0 and C1 controls, DEL, U+2028 and U+2029. */
    public static boolean isForbidden(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }

    private static String nonNegative(String field, Integer value) {
        return value != null && value < 0 ? field + " is negative (" + value + ")" : null;
    }

    private static String date(String field, LocalDate value) {
        if (value == null) {
            return field + " is missing";
        }
        return value.isBefore(EARLIEST_DATE) || value.isAfter(LATEST_DATE)
                ? field + " " + value + " is outside " + EARLIEST_DATE + ".." + LATEST_DATE : null;
    }

    private static String timestamp(String field, Instant value) {
        if (value == null) {
            return null;
        }
        LocalDate day = LocalDate.ofInstant(value, java.time.ZoneOffset.UTC);
        return day.isBefore(EARLIEST_DATE) || day.isAfter(LATEST_DATE)
                ? field + " " + value + " is outside " + EARLIEST_DATE + ".." + LATEST_DATE : null;
    }

    private static String unknownForce(String force) {
        return "force '" + LogText.of(force) + "' is not one of the 44 forces of England and Wales";
    }
}
