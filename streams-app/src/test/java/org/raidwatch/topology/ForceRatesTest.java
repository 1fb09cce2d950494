package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.ForceRates;

/** Per-force and national rates over all time and rolling twelve months, on the latest state of each case. */
class ForceRatesTest {

    private RaidwatchDriver driver;

    @BeforeEach
    void start() {
        driver = new RaidwatchDriver();
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void counts_and_rates_follow_the_definitions() {
        // Given four claimed raids in Kent: no referral; referred; refused; no FOI yet
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0).setVictimsIdentified(0));
        driver.send(Raids.report("r-2"));
        driver.send(Raids.answer("r-2").setNrmReferrals(2).setVictimsIdentified(2));
        driver.send(Raids.report("r-3"));
        driver.send(Raids.answer("r-3").setStatus(FoiStatus.REFUSED));
        driver.send(Raids.report("r-4"));
        // and one unclaimed raid, which never counts
        driver.send(Raids.report("r-5").setTraffickingClaimed(false));
        driver.send(Raids.answer("r-5").setNrmReferrals(0));

        ForceRates kent = driver.rates("Kent Police", "all");
        assertThat(kent.getClaimedRaids()).isEqualTo(4);
        assertThat(kent.getFoiRequested()).isEqualTo(3);
        assertThat(kent.getFoiAnswered()).isEqualTo(2);
        assertThat(kent.getReferralKnown()).isEqualTo(2);
        assertThat(kent.getNoReferral()).isEqualTo(1);
        assertThat(kent.getVictimsKnown()).isEqualTo(2);
        assertThat(kent.getNoVictims()).isEqualTo(1);
        assertThat(kent.getNoReferralRate()).isEqualTo(0.5);
        assertThat(kent.getNoVictimsRate()).isEqualTo(0.5);
        assertThat(kent.getFoiResponseRate()).isEqualTo(2.0 / 3);
        assertThat(driver.rates("ALL", "all")).usingRecursiveComparison().ignoringFields("force").isEqualTo(kent);
    }

    @Test
    void a_window_an_earlier_release_moved_but_did_not_send_is_sent_after_the_upgrade() {
        // Given Kent's rates counted and sent
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        ForceRates sent = driver.rates("Kent Police", "all");
        assertThat(driver.rateRecordsEmitted()).as("nothing moved since").isZero();

        // When a release that marked moved windows in its store had left Kent's all-time window unsent
        driver.markMovedByEarlierRelease("Kent Police", "all");

        // Then the next flush sends it, with the same figures, and only it
        assertThat(driver.rateRecordsEmitted()).isEqualTo(1);
        assertThat(driver.rates("Kent Police", "all")).isEqualTo(sent);
    }

    @Test
    void rates_are_null_when_nothing_is_known() {
        driver.send(Raids.report("r-1"));

        ForceRates kent = driver.rates("Kent Police", "all");
        assertThat(kent.getClaimedRaids()).isEqualTo(1);
        assertThat(kent.getNoReferralRate()).isNull();
        assertThat(kent.getNoVictimsRate()).isNull();
        assertThat(kent.getFoiResponseRate()).isNull();
    }

    @Test
    void a_case_moving_from_no_referral_to_referred_moves_its_count() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        assertThat(driver.rates("Kent Police", "all").getNoReferral()).isEqualTo(1);

        driver.send(Raids.answer("r-1").setRevision(1).setNrmReferrals(2));

        ForceRates kent = driver.rates("Kent Police", "all");
        assertThat(kent.getReferralKnown()).isEqualTo(1);
        assertThat(kent.getNoReferral()).isZero();
        assertThat(kent.getNoReferralRate()).isEqualTo(0.0);
    }

    @Test
    void a_correction_that_makes_a_raid_unclaimed_removes_it() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        driver.send(Raids.report("r-2"));

        driver.send(Raids.report("r-1").setRevision(1).setTraffickingClaimed(false));

        ForceRates kent = driver.rates("Kent Police", "all");
        assertThat(kent.getClaimedRaids()).isEqualTo(1);
        assertThat(kent.getFoiRequested()).isZero();
        assertThat(kent.getNoReferral()).isZero();
        assertThat(driver.rates("ALL", "all").getClaimedRaids()).isEqualTo(1);
    }

    @Test
    void a_correction_of_the_force_moves_the_raid_between_forces_and_not_nationally() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));

        driver.send(Raids.report("r-1").setRevision(1).setForce("Essex"));

        assertThat(driver.rates("Kent Police", "all").getClaimedRaids()).isZero();
        assertThat(driver.rates("Essex Police", "all").getClaimedRaids()).isEqualTo(1);
        assertThat(driver.rates("Essex Police", "all").getNoReferral()).isEqualTo(1);
        assertThat(driver.rates("ALL", "all").getClaimedRaids()).isEqualTo(1);
    }

    @Test
    void the_national_rates_sum_every_force() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        driver.send(Raids.report("r-2").setForce("Metropolitan"));
        driver.send(Raids.answer("r-2").setForce("Metropolitan").setNrmReferrals(1));
        driver.send(Raids.report("r-3").setForce("British Transport Police"));

        ForceRates all = driver.rates("ALL", "all");
        assertThat(all.getClaimedRaids()).isEqualTo(3);
        assertThat(all.getReferralKnown()).isEqualTo(2);
        assertThat(all.getNoReferral()).isEqualTo(1);
        assertThat(driver.rates("Metropolitan Police Service", "all").getClaimedRaids()).isEqualTo(1);
    }

    @Test
    void a_raid_counts_in_the_twelve_rolling_windows_that_contain_its_month() {
        driver.send(Raids.report("r-1").setRaidDate(LocalDate.of(2020, 3, 31)));

        assertThat(driver.rates("Kent Police", "2020-03").getClaimedRaids()).isEqualTo(1);
        assertThat(driver.rates("Kent Police", "2021-02").getClaimedRaids()).isEqualTo(1);
        assertThat(driver.rates("Kent Police", "2020-02")).as("window ending before the raid").isNull();
        assertThat(driver.rates("Kent Police", "2021-03")).as("window starting after the raid").isNull();
    }

    @Test
    void rolling_windows_cross_the_year_boundary() {
        // Given raids in November 2019, January 2020 and December 2020
        driver.send(Raids.report("r-1").setRaidDate(LocalDate.of(2019, 11, 15)));
        driver.send(Raids.report("r-2").setRaidDate(LocalDate.of(2020, 1, 2)));
        driver.send(Raids.report("r-3").setRaidDate(LocalDate.of(2020, 12, 31)));

        // The window ending 2020-10 covers 2019-11 .. 2020-10
        assertThat(driver.rates("Kent Police", "2020-10").getClaimedRaids()).isEqualTo(2);
        // ending 2020-11 covers 2019-12 .. 2020-11: the November 2019 raid has left
        assertThat(driver.rates("Kent Police", "2020-11").getClaimedRaids()).isEqualTo(1);
        // ending 2020-12 covers 2020-01 .. 2020-12
        assertThat(driver.rates("Kent Police", "2020-12").getClaimedRaids()).isEqualTo(2);
        // ending 2021-01 covers 2020-02 .. 2021-01: the January 2020 raid has left
        assertThat(driver.rates("Kent Police", "2021-01").getClaimedRaids()).isEqualTo(1);
        assertThat(driver.rates("Kent Police", "all").getClaimedRaids()).isEqualTo(3);
    }

    @Test
    void a_corrected_raid_date_moves_the_raid_between_windows() {
        driver.send(Raids.report("r-1").setRaidDate(LocalDate.of(2019, 1, 10)));

        driver.send(Raids.report("r-1").setRevision(1).setRaidDate(LocalDate.of(2021, 1, 10)));

        assertThat(driver.rates("Kent Police", "2019-06").getClaimedRaids()).isZero();
        assertThat(driver.rates("Kent Police", "2021-06").getClaimedRaids()).isEqualTo(1);
        assertThat(driver.rates("Kent Police", "all").getClaimedRaids()).isEqualTo(1);
    }

    @Test
    void nothing_is_counted_twice_however_often_a_case_changes() {
        driver.send(Raids.answer("r-1").setStatus(FoiStatus.REQUESTED).setNrmReferrals(null).setVictimsIdentified(null));
        driver.send(Raids.report("r-1"));
        for (int revision = 1; revision <= 5; revision++) {
            driver.send(Raids.answer("r-1").setRevision(revision).setNrmReferrals(revision % 2));
            driver.send(Raids.report("r-1").setRevision(revision).setClaimedVictims(revision));
        }

        ForceRates kent = driver.rates("Kent Police", "all");
        assertThat(kent.getClaimedRaids()).isEqualTo(1);
        assertThat(kent.getFoiRequested()).isEqualTo(1);
        assertThat(kent.getReferralKnown()).isEqualTo(1);
        assertThat(kent.getNoReferral()).isZero();
        assertThat(driver.rates("Kent Police", "2020-03").getClaimedRaids()).isEqualTo(1);
    }

    @Test
    void a_window_keeps_counting_across_flushes_whichever_months_move_it() {
        // Given raids in March and May 2020, counted in one flush
        driver.send(Raids.report("r-1").setRaidDate(LocalDate.of(2020, 3, 10)));
        driver.send(Raids.report("r-2").setRaidDate(LocalDate.of(2020, 5, 10)));
        assertThat(driver.rates("Kent Police", "2020-12").getClaimedRaids()).isEqualTo(2);

        // When a later flush brings another March raid and an answer for the May one
        driver.send(Raids.report("r-3").setRaidDate(LocalDate.of(2020, 3, 20)));
        driver.send(Raids.answer("r-2").setNrmReferrals(0));

        // Then each window counts them on top of what the first flush counted
        ForceRates year2020 = driver.rates("Kent Police", "2020-12");
        assertThat(year2020.getClaimedRaids()).isEqualTo(3);
        assertThat(year2020.getNoReferral()).isEqualTo(1);
        assertThat(driver.rates("Kent Police", "all").getClaimedRaids()).isEqualTo(3);
        assertThat(driver.rates("ALL", "2020-12").getClaimedRaids()).isEqualTo(3);
        // the window ending 2021-03 covers April 2020 to March 2021: the May raid alone
        ForceRates toMarch2021 = driver.rates("Kent Police", "2021-03");
        assertThat(toMarch2021.getClaimedRaids()).isEqualTo(1);
        assertThat(toMarch2021.getNoReferral()).isEqualTo(1);
    }
}
