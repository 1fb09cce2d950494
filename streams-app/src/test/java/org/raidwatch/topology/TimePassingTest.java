package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/**
 * Time passing is proportionate: only cases whose declared deadline falls due are re-evaluated, in
 * bounded batches, whatever the number of cases.
 */
class TimePassingTest {

    @Test
    void only_cases_with_a_deadline_ahead_are_indexed_and_each_falls_due_once() {
        try (RaidwatchDriver driver = new RaidwatchDriver()) {
            // Given on 2021-06-01 forty claimed raids: ten with a pending FOI request sent a week ago, and thirty answered
            for (int i = 0; i < 40; i++) {
                driver.send(Raids.report("r-" + i));
                driver.send(i < 10 ? Raids.pending("r-" + i, LocalDate.of(2021, 5, 25)) : Raids.answer("r-" + i));
            }
            driver.flagChanges();

            // Then only the ten pending requests wait in the index, due on the day after their 20th working day
            assertThat(driver.dueCases()).hasSize(10).allMatch(key -> key.startsWith("2021-06-24|"));

            // When a month passes
            driver.advanceWallClock(Duration.ofDays(30));

            // Then each pending request is flagged overdue once, and the index is empty
            assertThat(driver.flagChanges()).extracting(CaseFlag::getRuleId, CaseFlag::getStatus)
                    .hasSize(10).containsOnly(org.assertj.core.groups.Tuple.tuple("foi-overdue", FlagStatus.RAISED));
            assertThat(driver.dueCases()).isEmpty();
        }
    }

    @Test
    void a_punctuation_stops_at_its_time_budget_and_the_next_one_goes_on_where_it_stopped() {
        // Given a budget so small that each punctuation re-evaluates a single case
        CaseTopology.Settings settings = CaseTopology.Settings.live().withReevaluation(Duration.ofSeconds(1), Duration.ZERO, 5);
        try (RaidwatchDriver driver = new RaidwatchDriver(RaidwatchDriver.shippedRules(), settings)) {
            for (int i = 0; i < 12; i++) {
                driver.send(Raids.report("r-" + i));
                driver.send(Raids.pending("r-" + i, LocalDate.of(2021, 5, 25)));
            }
            driver.flagChanges();

            // When the deadline has passed, one punctuation at a time
            driver.advanceWallClock(Duration.ofDays(30));
            assertThat(driver.flagChanges()).as("after the first punctuation").hasSize(1);
            assertThat(driver.dueCases()).as("still due").hasSize(11);
            for (int i = 0; i < 11; i++) {
                driver.advanceWallClock(Duration.ofSeconds(1));
            }

            // Then every case was re-evaluated exactly once, across the punctuations
            assertThat(driver.flagChanges()).hasSize(11).extracting(CaseFlag::getRaidId).doesNotHaveDuplicates();
            assertThat(driver.dueCases()).isEmpty();
        }
    }

    @Test
    void an_answer_before_the_deadline_takes_the_case_out_of_the_index() {
        try (RaidwatchDriver driver = new RaidwatchDriver()) {
            driver.send(Raids.report("r-1"));
            driver.send(Raids.pending("r-1", LocalDate.of(2021, 5, 25)));
            assertThat(driver.dueCases()).containsExactly("2021-06-24|r-1");

            driver.send(Raids.answer("r-1").setRequestedOn(LocalDate.of(2021, 5, 25)).setRevision(1));

            // Answered requests can still be declared time-dependent by a rule, so the case stays indexed
            // until its deadline has passed; re-evaluating it then changes nothing
            driver.advanceWallClock(Duration.ofDays(30));
            assertThat(driver.flagChanges()).noneMatch(flag -> flag.getRuleId().equals("foi-overdue"));
            assertThat(driver.dueCases()).isEmpty();
        }
    }
}
