package org.raidwatch.topology;

import java.util.List;
import org.raidwatch.schema.ForceRates;

/**
 * How much a rate rests on, for everything that shows one: its counts, a 95% interval and whether its
 * base is low. The interval is Wilson's score interval (Newcombe 1998, method 3), which stays within
 * 0 and 1 and keeps its coverage for the small counts most forces have, unlike the textbook
 * {@code p ± 1.96 sqrt(p(1-p)/n)}. A rate whose denominator is below {@link #lowBaseBelow()} (10 by
 * default) is "low base": one raid more or less moves it by a tenth or more, so it is shown but marked.
 * Computed from the counts the rates already carry; nothing of it is stored.
 *
 * @param lowBaseBelow a rate whose denominator is below this is low base (at least 1)
 */
public record RateBase(int lowBaseBelow) {

    public static final int DEFAULT_LOW_BASE_BELOW = 10;
    public static final RateBase DEFAULT = new RateBase(DEFAULT_LOW_BASE_BELOW);
    /** The standard normal quantile of a two-sided 95% interval. */
    static final double Z_95 = 1.959963984540054;
    /** How the intervals are computed, in words (the API's vocabulary, reports). */
    public static final String METHOD = "95% Wilson score interval";

    public RateBase {
        if (lowBaseBelow < 1) {
            throw new IllegalArgumentException("the low-base threshold must be at least 1, got " + lowBaseBelow);
        }
    }

    /** A 95% interval of a proportion, its bounds within 0 and 1. */
    public record Interval(double low, double high) {
    }

    /** One rate of a force's figures and what it rests on; value, interval and lowBase are null while outOf is 0. */
    public record Reading(RateVocabulary.Rate rate, int counted, int outOf, Double value, Interval interval, Boolean lowBase) {
    }

    /**
     * Wilson's score interval at 95% for {@code counted} out of {@code outOf}; null when {@code outOf}
     * is 0 (no rate, so no interval).
     *
     * @throws IllegalArgumentException when the counts cannot be a proportion
     */
    public static Interval wilson(int counted, int outOf) {
        if (counted < 0 || outOf < 0 || counted > outOf) {
            throw new IllegalArgumentException("not a proportion: " + counted + " of " + outOf);
        }
        if (outOf == 0) {
            return null;
        }
        double n = outOf;
        double p = counted / n;
        double z2 = Z_95 * Z_95;
        double centre = p + z2 / (2 * n);
        double spread = Z_95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        double scale = 1 + z2 / n;
        // At 0 and at outOf the bound is exactly 0 or 1; computed, it would be off by a rounding error.
        double low = counted == 0 ? 0 : (centre - spread) / scale;
        double high = counted == outOf ? 1 : (centre + spread) / scale;
        return new Interval(Math.max(0, low), Math.min(1, high));
    }

    /** Whether a rate over this denominator is low base (false when there is no rate at all). */
    public boolean isLowBase(int outOf) {
        return outOf > 0 && outOf < lowBaseBelow;
    }

    /** One rate of a force's figures with its counts, interval and low-base mark. */
    public Reading read(ForceRates rates, RateVocabulary.Rate rate) {
        int counted = RateVocabulary.count(rates, rate.counted());
        int outOf = RateVocabulary.count(rates, rate.outOf());
        if (outOf == 0) {
            return new Reading(rate, counted, outOf, null, null, null);
        }
        return new Reading(rate, counted, outOf, (double) counted / outOf, wilson(counted, outOf), isLowBase(outOf));
    }

    /** Every rate of a force's figures, in the vocabulary's order. */
    public List<Reading> read(ForceRates rates) {
        return RateVocabulary.RATES.stream().map(rate -> read(rates, rate)).toList();
    }
}
