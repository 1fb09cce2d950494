package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/** A flag is RAISED once, UPDATED when its evidence changes, RESOLVED when it no longer holds; nothing else. */
class FlagLifeCycleTest {

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
    void a_rule_that_newly_holds_is_raised_once() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));

        assertThat(driver.flagChanges()).extracting(CaseFlag::getRuleId, CaseFlag::getStatus).containsExactlyInAnyOrder(
                tuple("claimed-no-referral", FlagStatus.RAISED),
                tuple("rescue-overstated", FlagStatus.RAISED),
                tuple("identified-not-referred", FlagStatus.RAISED));
    }

    @Test
    void a_rule_that_still_holds_with_other_numbers_is_updated() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        driver.flagChanges();

        // When the force corrects its answer: 4 identified instead of 3, still none referred
        driver.send(Raids.answer("r-1").setRevision(1).setVictimsIdentified(4).setNrmReferrals(0));

        assertThat(driver.flagChanges()).extracting(CaseFlag::getRuleId, CaseFlag::getStatus, CaseFlag::getExplanation)
                .containsExactlyInAnyOrder(
                        tuple("claimed-no-referral", FlagStatus.UPDATED,
                                "Press reported trafficking (6 people rescued); the force's FOI answer (FOI-r-1) shows 4 identified and 0 referred to the NRM"),
                        tuple("rescue-overstated", FlagStatus.UPDATED,
                                "Press reported 6 people rescued; the force's FOI answer (FOI-r-1) shows 4 identified"),
                        tuple("identified-not-referred", FlagStatus.UPDATED,
                                "The force's FOI answer (FOI-r-1) shows 4 people identified but 0 referred to the NRM (declined: 2)"));
    }

    @Test
    void a_rule_that_no_longer_holds_is_resolved() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        driver.flagChanges();

        // When the correction shows all 3 identified were referred, and the press had said 3
        driver.send(Raids.answer("r-1").setRevision(1).setNrmReferrals(3).setNrmDeclined(0));
        driver.send(Raids.report("r-1").setRevision(1).setClaimedVictims(3));

        assertThat(driver.flagChanges()).extracting(CaseFlag::getRuleId, CaseFlag::getStatus).containsExactlyInAnyOrder(
                tuple("claimed-no-referral", FlagStatus.RESOLVED),
                tuple("identified-not-referred", FlagStatus.RESOLVED),
                tuple("rescue-overstated", FlagStatus.RESOLVED));
        assertThat(driver.caseOf("r-1").getFlags()).isEmpty();
    }

    @Test
    void a_resolved_flag_carries_what_it_said_before() {
        driver.send(Raids.report("r-1").setClaimedVictims(null));
        driver.send(Raids.answer("r-1").setNrmReferrals(3).setStatus(org.raidwatch.schema.FoiStatus.REFUSED));
        driver.flagChanges();

        driver.send(Raids.answer("r-1").setRevision(1).setNrmReferrals(3));

        CaseFlag resolved = driver.flagChanges().get(0);
        assertThat(resolved.getRuleId()).isEqualTo("foi-withheld");
        assertThat(resolved.getStatus()).isEqualTo(FlagStatus.RESOLVED);
        assertThat(resolved.getExplanation()).startsWith("No longer holds").contains("the force refused the FOI request (FOI-r-1)");
        assertThat(resolved.getEvidence()).isEmpty();
    }

    @Test
    void a_change_that_leaves_the_flags_as_they_were_emits_nothing() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        driver.flagChanges();

        // When the report is corrected in a way no rule looks at (a new article address)
        driver.send(Raids.report("r-1").setRevision(1).setSourceUrl("https://news.example/r-1-corrected"));

        assertThat(driver.flagChanges()).isEmpty();
    }

    @Test
    void a_flag_raised_again_after_resolution_is_raised_anew() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));
        driver.send(Raids.answer("r-1").setRevision(1).setNrmReferrals(1));
        driver.send(Raids.answer("r-1").setRevision(2).setNrmReferrals(0));

        assertThat(driver.flagChanges()).filteredOn(flag -> flag.getRuleId().equals("claimed-no-referral"))
                .extracting(CaseFlag::getStatus)
                .containsExactly(FlagStatus.RAISED, FlagStatus.RESOLVED, FlagStatus.RAISED);
    }

    @Test
    void flags_are_keyed_by_raid_and_rule_for_compaction() {
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setNrmReferrals(0));

        assertThat(Topics.flagKey("r-1", "claimed-no-referral")).isEqualTo("r-1|claimed-no-referral");
        assertThat(driver.caseOf("r-1").getFlags()).containsOnlyKeys(
                "claimed-no-referral", "rescue-overstated", "identified-not-referred");
    }
}
