package org.raidwatch.topology;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.raidwatch.contract.Forces;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RateCounts;

/**
 * The rates' vocabulary, in one place for the topology, the API (and through it the dashboard), the
 * metrics, the console and the replay's files: the national key, the windows (all time, and rolling
 * twelve months named after their last month), the latest complete window on a day, the counters,
 * taken from the schema of {@code RateCounts} in its order, and the three rates, each a counter out of
 * another. A new counter is a field of {@code RateCounts} and {@code ForceRates} and the arithmetic
 * that counts it ({@link RateCounting#contributionOf}); everything that lists, sums, zero-fills or
 * prints counters iterates {@link #COUNTERS}.
 */
public final class RateVocabulary {

    /** The force key of the national figures. */
    public static final String NATIONAL = Forces.ALL;
    /** The all-time window. */
    public static final String ALL_TIME = "all";
    /** How the API's queries name the latest complete rolling window, whatever month it ends with. */
    public static final String LATEST = "latest";
    /** A rolling window covers this many calendar months, ending with the month it is named after. */
    public static final int ROLLING_MONTHS = 12;
    /** The counters every force and window carries ({@code claimedRaids}, {@code foiRequested}, ...), in the schema's order. */
    public static final List<String> COUNTERS = RateCounts.getClassSchema().getFields().stream().map(Schema.Field::name).toList();

    /**
     * A rate: the share of {@code outOf} that is {@code counted}, null while {@code outOf} is zero.
     *
     * @param name    its field in {@code ForceRates} and the API's JSON, e.g. {@code noReferralRate}
     * @param counted the counter on top, e.g. {@code noReferral}
     * @param outOf   the counter underneath, e.g. {@code referralKnown}
     * @param label   its short name in metrics, e.g. {@code no_referral}
     */
    public record Rate(String name, String counted, String outOf, String label) {
    }

    /** The rates, in the schema's order. */
    public static final List<Rate> RATES = List.of(
            new Rate("noReferralRate", "noReferral", "referralKnown", "no_referral"),
            new Rate("noVictimsRate", "noVictims", "victimsKnown", "no_victims"),
            new Rate("foiResponseRate", "foiAnswered", "foiRequested", "foi_answered"));

    private static final int[] COUNTER_POSITIONS = positions(COUNTERS);
    private static final int[] RATE_POSITIONS = positions(RATES.stream().map(Rate::name).toList());
    private static final int[] RATE_COUNTED = RATES.stream().mapToInt(rate -> COUNTERS.indexOf(rate.counted())).toArray();
    private static final int[] RATE_OUT_OF = RATES.stream().mapToInt(rate -> COUNTERS.indexOf(rate.outOf())).toArray();

    static {
        for (int i = 0; i < RATES.size(); i++) {
            if (RATE_COUNTED[i] < 0 || RATE_OUT_OF[i] < 0) {
                throw new ExceptionInInitializerError("rate " + RATES.get(i).name() + " is not a counter out of a counter: " + RATES.get(i));
            }
        }
        int described = 2 + COUNTERS.size() + RATES.size();
        if (ForceRates.getClassSchema().getFields().size() != described) {
            throw new ExceptionInInitializerError("ForceRates has fields this vocabulary does not describe: "
                    + ForceRates.getClassSchema().getFields().stream().map(Schema.Field::name).toList());
        }
    }

    private RateVocabulary() {
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

    /** The counters of a force's rates, in the order of {@link #COUNTERS}. */
    static int[] counts(ForceRates rates) {
        int[] counts = new int[COUNTER_POSITIONS.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (Integer) rates.get(COUNTER_POSITIONS[i]);
        }
        return counts;
    }

    /** A force's rates over a window from its counters (in the order of {@link #COUNTERS}), the rates computed. */
    static ForceRates rates(String force, String window, int[] counts) {
        ForceRates rates = new ForceRates();
        rates.setForce(force);
        rates.setWindow(window);
        for (int i = 0; i < counts.length; i++) {
            rates.put(COUNTER_POSITIONS[i], counts[i]);
        }
        for (int i = 0; i < RATE_POSITIONS.length; i++) {
            int whole = counts[RATE_OUT_OF[i]];
            rates.put(RATE_POSITIONS[i], whole == 0 ? null : (double) counts[RATE_COUNTED[i]] / whole);
        }
        return rates;
    }

    /** A force's figures over a window in which none of its raids was claimed as a rescue: every counter 0, every rate null. */
    public static ForceRates zeroFilled(String force, String window) {
        return rates(force, window, new int[COUNTERS.size()]);
    }

    /** A counter's or rate's name as a Prometheus label value: {@code claimedRaids} becomes {@code claimed_raids}. */
    public static String snakeCase(String name) {
        return name.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    private static int[] positions(List<String> fields) {
        Schema schema = ForceRates.getClassSchema();
        return fields.stream().mapToInt(name -> {
            Schema.Field field = schema.getField(name);
            if (field == null) {
                throw new ExceptionInInitializerError("ForceRates has no field " + name);
            }
            return field.pos();
        }).toArray();
    }
}
