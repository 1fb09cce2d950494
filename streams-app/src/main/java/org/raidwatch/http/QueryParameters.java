package org.raidwatch.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.raidwatch.contract.Forces;
import org.raidwatch.contract.London;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;
import org.raidwatch.serving.FlagFilter;
import org.raidwatch.serving.ListedFlag;
import org.raidwatch.topology.RateVocabulary;

/** The API's query parameters, checked: each wrong value is a {@link BadRequest} saying what is accepted. */
final class QueryParameters {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    /** A parameter with a value the API does not accept; answered 400 with the message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private QueryParameters() {
    }

    /** A force's canonical name or ALL, or null when not given. */
    static String force(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.trim().equalsIgnoreCase(Forces.ALL)) {
            return Forces.ALL;
        }
        return Forces.canonical(value.trim()).orElseThrow(() -> new BadRequest("unknown force '" + value
                + "': give a police force of England and Wales (e.g. Kent, Metropolitan Police) or ALL"));
    }

    /** {@code all}, {@code latest} or {@code YYYY-MM}, or null when not given. */
    static String window(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String window = value.trim().toLowerCase(Locale.ROOT);
        if (window.equals(RateVocabulary.ALL_TIME) || window.equals(RateVocabulary.LATEST)) {
            return window;
        }
        try {
            return YearMonth.parse(window).toString();
        } catch (DateTimeParseException e) {
            throw new BadRequest("window must be all, latest or a month YYYY-MM (the twelve months ending with it), got '" + value + "'");
        }
    }

    static String raidId(String value) {
        if (value == null || value.isBlank() || value.length() > 200) {
            throw new BadRequest("give a raid id, e.g. /api/cases/R-2019-0042");
        }
        return value;
    }

    /** Which flags to list. */
    record FlagQuery(Set<FlagStatus> statuses, Set<Severity> severities, String force, Set<String> rules, Instant since, int limit)
            implements FlagFilter {

        @Override
        public boolean test(ListedFlag flag) {
            return statuses.contains(flag.getStatus())
                    && (severities.isEmpty() || severities.contains(flag.getSeverity()))
                    && (force == null || force.equals(flag.getForce()) || Forces.ALL.equals(force))
                    && (rules.isEmpty() || rules.contains(flag.getRuleId()))
                    && (since == null || !flag.getChangedAt().isBefore(since));
        }
    }

    static FlagQuery flagQuery(Function<String, String> parameter) {
        return new FlagQuery(statuses(parameter.apply("status")), severities(parameter.apply("severity")),
                force(parameter.apply("force")), rules(parameter.apply("rule")), since(parameter.apply("since")),
                limit(parameter.apply("limit")));
    }

    /** A comma list of RAISED, UPDATED, RESOLVED; or open (RAISED and UPDATED: the flags that hold), the default; or any. */
    private static Set<FlagStatus> statuses(String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("open")) {
            return EnumSet.of(FlagStatus.RAISED, FlagStatus.UPDATED);
        }
        if (value.trim().equalsIgnoreCase("any")) {
            return EnumSet.allOf(FlagStatus.class);
        }
        Set<FlagStatus> statuses = EnumSet.noneOf(FlagStatus.class);
        for (String item : items(value)) {
            try {
                statuses.add(FlagStatus.valueOf(item.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("status must be open, any, or a comma list of RAISED, UPDATED, RESOLVED; got '" + item + "'");
            }
        }
        return statuses;
    }

    private static Set<Severity> severities(String value) {
        Set<Severity> severities = EnumSet.noneOf(Severity.class);
        for (String item : items(value)) {
            try {
                severities.add(Severity.valueOf(item.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("severity must be a comma list of HIGH, MEDIUM, LOW; got '" + item + "'");
            }
        }
        return severities;
    }

    private static Set<String> rules(String value) {
        return Set.copyOf(items(value));
    }

    /** A day (its start, in UK time) or an instant. */
    private static Instant since(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return value.contains("T") ? Instant.parse(value.trim()) : LocalDate.parse(value.trim()).atStartOfDay(London.ZONE).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequest("since must be a date YYYY-MM-DD or an instant such as 2021-03-01T12:00:00Z, got '" + value + "'");
        }
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + value + "'");
    }

    private static List<String> items(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }
}
