package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.raidwatch.schema.ForceRates;

class RateBaseTest {

    /**
     * Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
     * methods", Statistics in Medicine 17:857-872, Table II, method 3 (score interval without
     * continuity correction), to the four decimals the paper prints; then the small and middling
     * counts raidwatch meets (0 of 2, 1 of 2, 132 of 194), to four decimals.
     */
    @ParameterizedTest(name = "{0} of {1}: {2} to {3}")
    @CsvSource({
            "81, 263, 0.2553, 0.3662",
            "15, 148, 0.0624, 0.1605",
            "0, 20, 0.0000, 0.1611",
            "1, 29, 0.0061, 0.1718",
            "29, 29, 0.8830, 1.0000",
            "0, 10, 0.0000, 0.2775",
            "0, 2, 0.0000, 0.6576",
            "1, 2, 0.0945, 0.9055",
            "132, 194, 0.6118, 0.7420"})
    void wilsons_interval_agrees_with_the_published_reference_values(int counted, int outOf, double low, double high) {
        RateBase.Interval interval = RateBase.wilson(counted, outOf);

        assertThat(interval.low()).isCloseTo(low, within(0.00005));
        assertThat(interval.high()).isCloseTo(high, within(0.00005));
    }

    @Test
    void the_interval_holds_the_rate_and_stays_within_nought_and_one() {
        for (int outOf = 1; outOf <= 60; outOf++) {
            for (int counted = 0; counted <= outOf; counted++) {
                RateBase.Interval interval = RateBase.wilson(counted, outOf);
                double rate = (double) counted / outOf;
                assertThat(interval.low()).as("%d of %d", counted, outOf).isBetween(0.0, rate);
                assertThat(interval.high()).as("%d of %d", counted, outOf).isBetween(rate, 1.0);
            }
        }
        assertThat(RateBase.wilson(0, 5).low()).isEqualTo(0.0);
        assertThat(RateBase.wilson(5, 5).high()).isEqualTo(1.0);
    }

    @Test
    void nought_of_nought_is_no_rate_and_no_interval() {
        ForceRates none = RateVocabulary.zeroFilled("Kent Police", "all");

        RateBase.Reading reading = RateBase.DEFAULT.read(none, RateVocabulary.RATES.get(0));

        assertThat(RateBase.wilson(0, 0)).isNull();
        assertThat(reading.value()).isNull();
        assertThat(reading.interval()).isNull();
        assertThat(reading.lowBase()).isNull();
        assertThat(reading.counted()).isZero();
        assertThat(reading.outOf()).isZero();
    }

    @Test
    void a_rate_is_low_base_below_the_threshold_and_not_at_it() {
        // Given a threshold of 10 raids with a known figure
        RateBase base = new RateBase(10);
        RateVocabulary.Rate noReferral = RateVocabulary.RATES.get(0);

        // Then 9 of 9 rests on a low base, 9 of 10 does not
        assertThat(base.read(withReferrals(9, 9), noReferral).lowBase()).isTrue();
        assertThat(base.read(withReferrals(9, 10), noReferral).lowBase()).isFalse();
        assertThat(base.read(withReferrals(1, 1), noReferral).lowBase()).isTrue();
        assertThat(new RateBase(1).read(withReferrals(1, 1), noReferral).lowBase()).isFalse();
        // And the reading carries the rate the topic carries, with its interval
        RateBase.Reading reading = base.read(withReferrals(9, 10), noReferral);
        assertThat(reading.value()).isEqualTo(0.9);
        assertThat(reading.counted()).isEqualTo(9);
        assertThat(reading.outOf()).isEqualTo(10);
        assertThat(reading.interval().low()).isCloseTo(0.5958, within(0.00005));
        assertThat(reading.interval().high()).isCloseTo(0.9821, within(0.00005));
    }

    @Test
    void counts_that_cannot_be_a_proportion_and_thresholds_below_one_are_refused() {
        assertThatThrownBy(() -> RateBase.wilson(3, 2)).hasMessageContaining("3 of 2");
        assertThatThrownBy(() -> RateBase.wilson(-1, 2)).hasMessageContaining("-1 of 2");
        assertThatThrownBy(() -> new RateBase(0)).hasMessageContaining("at least 1");
    }

    private static ForceRates withReferrals(int noReferral, int referralKnown) {
        int[] counts = new int[RateVocabulary.COUNTERS.size()];
        counts[RateVocabulary.COUNTERS.indexOf("claimedRaids")] = referralKnown;
        counts[RateVocabulary.COUNTERS.indexOf("foiRequested")] = referralKnown;
        counts[RateVocabulary.COUNTERS.indexOf("foiAnswered")] = referralKnown;
        counts[RateVocabulary.COUNTERS.indexOf("referralKnown")] = referralKnown;
        counts[RateVocabulary.COUNTERS.indexOf("noReferral")] = noReferral;
        return RateVocabulary.rates("Kent Police", "all", counts);
    }
}
