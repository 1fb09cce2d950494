package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/** Live, every store is backed by a changelog topic; a replay's stores are not, and keep the cases all the same. */
class StoreChangelogsTest {

    private static final LocalDate AS_OF = LocalDate.of(2021, 6, 1);

    @Test
    void live_the_case_and_rate_stores_write_their_changelogs() {
        try (RaidwatchDriver driver = new RaidwatchDriver()) {
            driver.send(Raids.report("r-1"));
            driver.flushRates();

            assertThat(driver.topicsWritten()).as("topics written after one raid report and a rate flush")
                    .contains("raidwatch-test-" + CaseTopology.CASES_STORE + "-changelog",
                            "raidwatch-test-" + CaseTopology.RATE_BUFFER_STORE + "-changelog",
                            "raidwatch-test-" + CaseTopology.FORCE_RATES_STORE + "-changelog");
        }
    }

    @Test
    void a_replay_writes_no_changelog_and_still_keeps_each_case_between_its_inputs() {
        CaseTopology.Settings replay = CaseTopology.Settings.replayAsOf(AS_OF).withoutFlagsListing().withoutChangelogs();
        try (RaidwatchDriver driver = new RaidwatchDriver(RaidwatchDriver.shippedRules(), replay)) {
            driver.send(Raids.report("r-1"));
            driver.send(Raids.answer("r-1").setNrmReferrals(0));
            driver.flushRates();
            int noReferralAfterFirstAnswer = driver.rates("Kent Police", "all").getNoReferral();
            driver.send(Raids.answer("r-1").setRevision(2).setNrmReferrals(3));
            driver.flushRates();

            assertThat(driver.flagChanges()).as("the no-referral flag raised by the first answer, then resolved by the second")
                    .filteredOn(flag -> flag.getRuleId().equals("claimed-no-referral"))
                    .extracting(CaseFlag::getStatus).containsExactly(FlagStatus.RAISED, FlagStatus.RESOLVED);
            assertThat(noReferralAfterFirstAnswer).as("raids with no referral after the first answer").isEqualTo(1);
            assertThat(driver.rates("Kent Police", "all").getNoReferral()).as("raids with no referral, once the answer changed").isZero();
            assertThat(driver.topicsWritten()).as("topics written by the replay's topology").noneMatch(topic -> topic.endsWith("-changelog"));
        }
    }
}
