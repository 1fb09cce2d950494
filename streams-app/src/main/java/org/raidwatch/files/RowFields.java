package org.raidwatch.files;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.raidwatch.contract.London;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * One row's cells by column, parsed as the input contract says: an empty cell is unknown (null); booleans are
 * true/false/yes/no/1/0; dates ISO yyyy-mm-dd; date-times ISO-8601; counts non-negative integers.
 * Column names match in snake_case or camelCase, in any case.
 */
final class RowFields {


    private static final int MAX_REMEMBERED_COLUMNS = 1024;
    private static final int MAX_REMEMBERED_LENGTH = 64;
    private static final Map<String, String> NORMALISED = new ConcurrentHashMap<>();

    private final Map<String, String> cells;

    private RowFields(Map<String, String> cells) {
        this.cells = cells;
    }

    static RowFields of(Map<String, String> row) {
        Map<String, String> cells = new HashMap<>();
        row.forEach((column, value) -> {
            if (column != null) {
                cells.put(normalise(column), value == null || value.isBlank() ? null : value.trim());
            }
        });
        return new RowFields(cells);
    }

    static RaidReport raidReport(RowFields row) {
        LocalDate raidDate = row.requiredDate("raid_date");
        Instant reportedAt = row.dateTime("reported_at");
        return RaidReport.newBuilder()
                .setRaidId(row.required("raid_id"))
                .setRevision(row.count("revision", 0))
                .setForce(row.required("force"))
                .setRaidDate(raidDate)
                .setReportedAt(reportedAt != null ? reportedAt : raidDate.atStartOfDay(London.ZONE).toInstant())
                .setSourceUrl(row.text("source_url"))
                .setTraffickingClaimed(row.requiredBoolean("trafficking_claimed"))
                .setModernSlaveryClaimed(row.bool("modern_slavery_claimed", false))
                .setClaimedVictims(row.count("claimed_victims", null))
                .setClaimedArrests(row.count("claimed_arrests", null))
                .build();
    }

    static FoiUpdate foiUpdate(RowFields row) {
        return FoiUpdate.newBuilder()
                .setFoiId(row.required("foi_id"))
                .setRaidId(row.required("raid_id"))
                .setForce(row.required("force"))
                .setRequestedOn(row.requiredDate("requested_on"))
                .setStatus(row.status("status"))
                .setRespondedOn(row.date("responded_on"))
                .setVictimsIdentified(row.count("victims_identified", null))
                .setNrmReferrals(row.count("nrm_referrals", null))
                .setNrmDeclined(row.count("nrm_declined", null))
                .setArrests(row.count("arrests", null))
                .setTraffickingCharges(row.count("trafficking_charges", null))
                .setRevision(row.count("revision", 0))
                .build();
    }

    private String text(String column) {
        return cells.get(normalise(column));
    }

    private String required(String column) {
        String value = text(column);
        if (value == null) {
            throw new RowRejected(column + " is missing");
        }
        return value;
    }

    private LocalDate requiredDate(String column) {
        required(column);
        return date(column);
    }

    private LocalDate date(String column) {
        String value = text(column);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new RowRejected(column + " '" + value + "' is not a date (yyyy-mm-dd)");
        }
    }

    private Instant dateTime(String column) {
        String value = text(column);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(value).atZone(London.ZONE).toInstant();
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(value).atStartOfDay(London.ZONE).toInstant();
                } catch (DateTimeParseException notADate) {
                    throw new RowRejected(column + " '" + value + "' is not an ISO-8601 date-time");
                }
            }
        }
    }

    private boolean requiredBoolean(String column) {
        required(column);
        return bool(column, false);
    }

    private boolean bool(String column, boolean unknown) {
        String value = text(column);
        if (value == null) {
            return unknown;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new RowRejected(column + " '" + value + "' is not a boolean (true/false/yes/no/1/0)");
        };
    }

    private Integer count(String column, Integer unknown) {
        String value = text(column);
        if (value == null) {
            return unknown;
        }
        int count;
        try {
            count = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new RowRejected(column + " '" + value + "' is not a whole number");
        }
        if (count < 0) {
            throw new RowRejected(column + " is negative (" + count + ")");
        }
        return count;
    }

    private FoiStatus status(String column) {
        String value = required(column);
        try {
            return FoiStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RowRejected(column + " '" + value + "' is not one of REQUESTED, RESPONDED, PARTIAL, REFUSED, NOT_HELD");
        }
    }

    static String normalise(String column) {
        String known = NORMALISED.get(column);
        if (known != null) {
            return known;
        }
        String normalised = column.trim().replace("_", "").toLowerCase(Locale.ROOT);
        // The same few column names come on every row; a file with endless new ones is not remembered beyond the bound.
        if (NORMALISED.size() < MAX_REMEMBERED_COLUMNS && column.length() <= MAX_REMEMBERED_LENGTH) {
            NORMALISED.put(column, normalised);
        }
        return normalised;
    }

    /** A row that breaks the contract; the message is the reason. */
    static final class RowRejected extends RuntimeException {
        RowRejected(String reason) {
            super(reason, null, false, false);
        }
    }
}
