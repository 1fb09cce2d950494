package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RateCounts;

class RateVocabularyTest {

    @Test
    void the_counters_are_the_fields_of_the_counts_schema_in_order() {
        assertThat(RateVocabulary.COUNTERS).containsExactly("claimedRaids", "foiRequested", "foiAnswered", "referralKnown",
                "noReferral", "victimsKnown", "noVictims");
        assertThat(RateVocabulary.COUNTERS).hasSize(RateCounts.getClassSchema().getFields().size());
    }

    @Test
    void each_rate_is_a_field_of_the_rates_schema_and_a_counter_out_of_another() {
        for (RateVocabulary.Rate rate : RateVocabulary.RATES) {
            assertThat(ForceRates.getClassSchema().getField(rate.name())).as(rate.name()).isNotNull();
            assertThat(RateVocabulary.COUNTERS).as(rate.name()).contains(rate.counted(), rate.outOf());
        }
    }

    @Test
    void a_force_with_no_claimed_raids_in_a_window_counts_zero_everywhere_and_has_no_rates() {
        ForceRates zero = RateVocabulary.zeroFilled("Kent Police", "2021-05");

        assertThat(zero).isEqualTo(ForceRates.newBuilder().setForce("Kent Police").setWindow("2021-05").setClaimedRaids(0)
                .setFoiRequested(0).setFoiAnswered(0).setReferralKnown(0).setNoReferral(0).setVictimsKnown(0).setNoVictims(0)
                .setNoReferralRate(null).setNoVictimsRate(null).setFoiResponseRate(null).build());
    }

    @Test
    void rates_are_the_counted_share_of_what_is_known_and_null_while_nothing_is() {
        // Given 10 claimed raids, 8 asked about, 6 answered, 4 with referrals known (1 with none), victims never known
        ForceRates rates = RateVocabulary.rates("ALL", "all", new int[] {10, 8, 6, 4, 1, 0, 0});

        assertThat(rates.getNoReferralRate()).isEqualTo(0.25);
        assertThat(rates.getFoiResponseRate()).isEqualTo(0.75);
        assertThat(rates.getNoVictimsRate()).isNull();
        assertThat(RateVocabulary.counts(rates)).containsExactly(10, 8, 6, 4, 1, 0, 0);
    }

    @Test
    void the_latest_complete_window_ends_with_the_month_before_today() {
        assertThat(RateVocabulary.latestCompleteWindow(LocalDate.of(2021, 3, 1))).isEqualTo("2021-02");
        assertThat(RateVocabulary.latestCompleteWindow(LocalDate.of(2021, 1, 31))).isEqualTo("2020-12");
    }
}
