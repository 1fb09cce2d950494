package org.raidwatch.topology;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import org.apache.avro.Schema;
import org.raidwatch.contract.Forces;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RateCounts;

/**
 * The rates' vocabulary, in one place for the topology, the API, the metrics, the console and the
 * replay's files: the national key, the windows (all time, and rolling twelve months named after
 * their last month), the latest complete window on a day, and the counters, taken from the schema
 * of {@code RateCounts} in its order.
 */
public final class RateWindows {

    /** The force key of the national figures. */
    public static final String NATIONAL = Forces.ALL;
    /** The all-time window. */
    public static final String ALL_TIME = "all";
    /** A rolling window covers this many calendar months, ending with the month it is named after. */
    public static final int ROLLING_MONTHS = 12;
    /** The counters every force and window carries ({@code claimedRaids}, {@code foiRequested}, ...), in the schema's order. */
    public static final List<String> COUNTERS = RateCounts.getClassSchema().getFields().stream().map(Schema.Field::name).toList();

    private RateWindows() {
    }

    /**
     * The latest complete twelve-month window on a day: the twelve calendar months ending with the
     * month before it ({@code YYYY-MM}, as the rates' window keys).
     */
    public static String latestCompleteWindow(LocalDate today) {
        return YearMonth.from(today).minusMonths(1).toString();
    }

    public static boolean isNational(ForceRates rates) {
        return NATIONAL.equals(rates.getForce());
    }

    public static boolean isAllTime(ForceRates rates) {
        return ALL_TIME.equals(rates.getWindow());
    }

    /** One counter of a force's rates, by its name in {@link #COUNTERS}. */
    public static int count(ForceRates rates, String counter) {
        return (Integer) rates.get(counter);
    }
}
