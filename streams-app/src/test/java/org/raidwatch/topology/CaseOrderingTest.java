package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/** Per raid the highest revision is in force, a tie goes to the later arrival; FOI updates may come first; duplicates change nothing. */
class CaseOrderingTest {

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
    void an_foi_update_before_its_report_waits_for_the_report() {
        driver.send(Raids.answer("r-1").setNrmReferrals(0));

        assertThat(driver.flagChanges()).as("no flags without a report").isEmpty();
        assertThat(driver.rates("Kent Police", "all")).as("no rates without a report").isNull();

        driver.send(Raids.report("r-1"));

        assertThat(driver.flagChanges()).extracting(CaseFlag::getRuleId).contains("claimed-no-referral");
        assertThat(driver.rates("Kent Police", "all").getNoReferral()).isEqualTo(1);
    }

    @Test
    void an_older_revision_arriving_after_a_newer_one_changes_nothing() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setRevision(2).setNrmReferrals(1));
        driver.flagChanges();
        int rateRecords = driver.rateRecordsEmitted();

        driver.send(Raids.answer("r-1").setRevision(1).setNrmReferrals(0));

        assertThat(driver.flagChanges()).isEmpty();
        assertThat(driver.caseOf("r-1").getFoiUpdate().getNrmReferrals()).isEqualTo(1);
        assertThat(rateRecords).isPositive();
        assertThat(driver.rateRecordsEmitted()).as("rate records after the stale revision").isZero();
    }

    @Test
    void on_a_tie_the_later_arrival_is_in_force() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setRevision(1).setNrmReferrals(1));
        driver.send(Raids.answer("r-1").setRevision(1).setNrmReferrals(0));

        assertThat(driver.caseOf("r-1").getFoiUpdate().getNrmReferrals()).isEqualTo(0);
        assertThat(driver.flagChanges()).filteredOn(f -> f.getRuleId().equals("claimed-no-referral"))
                .extracting(CaseFlag::getStatus).containsExactly(FlagStatus.RAISED);
    }

    @Test
    void a_duplicate_changes_nothing() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        driver.flagChanges();
        driver.rateRecordsEmitted();

        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));

        assertThat(driver.flagChanges()).isEmpty();
        assertThat(driver.rateRecordsEmitted()).isZero();
        assertThat(driver.rates("Kent Police", "all").getClaimedRaids()).isEqualTo(1);
    }

    @Test
    void a_force_given_by_short_name_is_carried_by_its_canonical_name() {
        driver.send(Raids.report("r-1").setForce("devon and cornwall"));
        driver.send(Raids.answer("r-1").setForce("Devon & Cornwall Police").setNrmReferrals(0));

        assertThat(driver.flagChanges()).extracting(CaseFlag::getForce).containsOnly("Devon & Cornwall Police");
        assertThat(driver.rates("Devon & Cornwall Police", "all").getClaimedRaids()).isEqualTo(1);
    }
}
