package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.schema.Severity;

/** Each shipped rule, on cases where it holds, where it does not, and where the numbers are unknown. */
class RulesOnCasesTest {

    private RaidwatchDriver driver;

    @BeforeEach
    void start() {
        driver = new RaidwatchDriver();
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    /** Given a report and an FOI update for one raid, the rule ids raised on it. */
    private Set<String> raisedOn(RaidReport.Builder report, FoiUpdate.Builder update) {
        driver.send(report);
        if (update != null) {
            driver.send(update);
        }
        return driver.flagChanges().stream()
                .filter(flag -> flag.getStatus() == FlagStatus.RAISED)
                .map(CaseFlag::getRuleId)
                .collect(Collectors.toSet());
    }

    private CaseFlag raised(String ruleId, RaidReport.Builder report, FoiUpdate.Builder update) {
        driver.send(report);
        driver.send(update);
        List<CaseFlag> flags = driver.flagChanges().stream().filter(f -> f.getRuleId().equals(ruleId)).toList();
        assertThat(flags).as("flags of rule %s", ruleId).hasSize(1);
        return flags.get(0);
    }

    @Nested
    class ClaimedNoReferral {
        @Test
        void holds_when_trafficking_was_claimed_and_the_answer_shows_no_referral() {
            CaseFlag flag = raised("claimed-no-referral", Raids.report("r-1"), Raids.answer("r-1").setNrmReferrals(0));

            assertThat(flag.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(flag.getExplanation())
                    .isEqualTo("Press reported trafficking (6 people rescued); the force's FOI answer (FOI-r-1) shows 3 identified and 0 referred to the NRM");
            assertThat(flag.getEvidence()).containsEntry("nrmReferrals", "0").containsEntry("victimsIdentified", "3");
            assertThat(flag.getSourceUrl()).isEqualTo("https://news.example/r-1");
            assertThat(flag.getFoiReference()).isEqualTo("FOI-r-1");
            assertThat(flag.getForce()).isEqualTo("Kent Police");
            assertThat(flag.getRuleSetVersion()).isEqualTo(RaidwatchDriver.shippedRules().version());
        }

        @Test
        void holds_for_a_modern_slavery_claim_and_a_partial_answer() {
            assertThat(raisedOn(Raids.report("r-1").setTraffickingClaimed(false).setModernSlaveryClaimed(true),
                    Raids.answer("r-1").setStatus(FoiStatus.PARTIAL).setNrmReferrals(0)))
                    .contains("claimed-no-referral");
        }

        @Test
        void does_not_hold_when_someone_was_referred() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setNrmReferrals(1))).doesNotContain("claimed-no-referral");
        }

        @Test
        void does_not_hold_when_referrals_are_unknown() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setNrmReferrals(null))).doesNotContain("claimed-no-referral");
        }

        @Test
        void does_not_hold_when_nothing_was_claimed() {
            assertThat(raisedOn(Raids.report("r-1").setTraffickingClaimed(false), Raids.answer("r-1").setNrmReferrals(0)))
                    .doesNotContain("claimed-no-referral");
        }

        @Test
        void does_not_hold_before_the_force_answers() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setStatus(FoiStatus.REFUSED).setNrmReferrals(0)))
                    .doesNotContain("claimed-no-referral");
        }
    }

    @Nested
    class NoVictimsIdentified {
        @Test
        void holds_when_the_answer_shows_nobody_identified() {
            CaseFlag flag = raised("no-victims-identified", Raids.report("r-1"),
                    Raids.answer("r-1").setVictimsIdentified(0).setNrmReferrals(0).setNrmDeclined(0));
            assertThat(flag.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(flag.getExplanation()).contains("6 people rescued").contains("0 potential victims identified");
        }

        @Test
        void does_not_hold_when_victims_identified_is_unknown() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setVictimsIdentified(null)))
                    .doesNotContain("no-victims-identified");
        }

        @Test
        void does_not_hold_while_the_request_is_unanswered() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.pending("r-1", LocalDate.of(2021, 5, 25)).setVictimsIdentified(0)))
                    .doesNotContain("no-victims-identified");
        }
    }

    @Nested
    class RescueOverstated {
        @Test
        void holds_when_the_press_claimed_more_rescued_than_were_identified() {
            CaseFlag flag = raised("rescue-overstated", Raids.report("r-1"), Raids.answer("r-1"));
            assertThat(flag.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(flag.getExplanation()).isEqualTo("Press reported 6 people rescued; the force's FOI answer (FOI-r-1) shows 3 identified");
        }

        @Test
        void does_not_hold_when_the_numbers_match() {
            assertThat(raisedOn(Raids.report("r-1").setClaimedVictims(3), Raids.answer("r-1"))).doesNotContain("rescue-overstated");
        }

        @Test
        void does_not_hold_when_the_press_gave_no_number() {
            assertThat(raisedOn(Raids.report("r-1").setClaimedVictims(null), Raids.answer("r-1"))).doesNotContain("rescue-overstated");
        }
    }

    @Nested
    class IdentifiedNotReferred {
        @Test
        void holds_when_fewer_were_referred_than_identified() {
            CaseFlag flag = raised("identified-not-referred", Raids.report("r-1"), Raids.answer("r-1"));
            assertThat(flag.getSeverity()).isEqualTo(Severity.MEDIUM);
            assertThat(flag.getExplanation())
                    .isEqualTo("The force's FOI answer (FOI-r-1) shows 3 people identified but 1 referred to the NRM (declined: 2)");
        }

        @Test
        void does_not_hold_when_everyone_identified_was_referred() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setNrmReferrals(3))).doesNotContain("identified-not-referred");
        }

        @Test
        void does_not_hold_when_nobody_was_identified() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setVictimsIdentified(0).setNrmReferrals(0)))
                    .doesNotContain("identified-not-referred");
        }

        @Test
        void does_not_hold_when_referrals_are_unknown() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setNrmReferrals(null))).doesNotContain("identified-not-referred");
        }
    }

    @Nested
    class FoiWithheld {
        @Test
        void holds_when_the_force_refused() {
            CaseFlag flag = raised("foi-withheld", Raids.report("r-1"), Raids.answer("r-1").setStatus(FoiStatus.REFUSED));
            assertThat(flag.getSeverity()).isEqualTo(Severity.LOW);
            assertThat(flag.getExplanation()).isEqualTo("Press reported trafficking (6 people rescued); the force refused the FOI request (FOI-r-1)");
        }

        @Test
        void holds_when_the_force_holds_no_information() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setStatus(FoiStatus.NOT_HELD))).contains("foi-withheld");
        }

        @Test
        void does_not_hold_when_nothing_was_claimed() {
            assertThat(raisedOn(Raids.report("r-1").setTraffickingClaimed(false), Raids.answer("r-1").setStatus(FoiStatus.REFUSED)))
                    .doesNotContain("foi-withheld");
        }
    }

    @Nested
    class ArrestsWithoutTraffickingCharge {
        @Test
        void holds_when_there_were_arrests_and_no_trafficking_charge() {
            CaseFlag flag = raised("arrests-without-trafficking-charge", Raids.report("r-1"), Raids.answer("r-1").setTraffickingCharges(0));
            assertThat(flag.getSeverity()).isEqualTo(Severity.LOW);
            assertThat(flag.getExplanation()).endsWith("shows 2 arrests and 0 trafficking or modern-slavery charges");
        }

        @Test
        void does_not_hold_when_charges_are_unknown() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setTraffickingCharges(null)))
                    .doesNotContain("arrests-without-trafficking-charge");
        }

        @Test
        void does_not_hold_without_arrests() {
            assertThat(raisedOn(Raids.report("r-1"), Raids.answer("r-1").setArrests(0).setTraffickingCharges(0)))
                    .doesNotContain("arrests-without-trafficking-charge");
        }
    }

    @Test
    void a_report_without_any_foi_update_raises_nothing() {
        assertThat(raisedOn(Raids.report("r-1"), null)).isEmpty();
    }

    @Test
    void an_answer_that_matches_the_claim_raises_nothing() {
        assertThat(raisedOn(Raids.report("r-1").setClaimedVictims(2),
                Raids.answer("r-1").setVictimsIdentified(2).setNrmReferrals(2).setNrmDeclined(0).setTraffickingCharges(1)))
                .isEmpty();
    }
}
