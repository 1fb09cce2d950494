package org.raidwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** FOI working days: Monday to Friday, less England and Wales bank holidays. */
class WorkingDaysTest {

    @Test
    void weekends_do_not_count() {
        // Friday 2021-06-04 to Monday 2021-06-07
        assertThat(WorkingDays.between(LocalDate.of(2021, 6, 4), LocalDate.of(2021, 6, 7))).isEqualTo(1);
    }

    @Test
    void regular_bank_holidays_do_not_count() {
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2021, 4, 2))).as("Good Friday 2021").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2021, 4, 5))).as("Easter Monday 2021").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2021, 5, 3))).as("early May 2021").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2021, 5, 31))).as("spring 2021").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2021, 8, 30))).as("summer 2021").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2019, 4, 19))).as("Good Friday 2019").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2021, 6, 1))).isFalse();
    }

    @Test
    void christmas_and_new_year_on_a_weekend_move_to_the_next_weekdays() {
        // 2021: Christmas Saturday, Boxing Day Sunday -> Monday 27 and Tuesday 28
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2021, 12, 27))).isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2021, 12, 28))).isTrue();
        // 2022: New Year's Day Saturday -> Monday 3 January
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2022, 1, 3))).isTrue();
        // 2020: Boxing Day Saturday -> Monday 28
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2020, 12, 28))).isTrue();
    }

    @Test
    void moved_and_one_off_bank_holidays_count_as_holidays() {
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2020, 5, 8))).as("VE Day 2020, moved early May").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2020, 5, 4))).as("not the usual first Monday in 2020").isFalse();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2022, 6, 2))).as("spring 2022, moved").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2022, 6, 3))).as("Platinum Jubilee").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2022, 9, 19))).as("state funeral").isTrue();
        assertThat(WorkingDays.isBankHoliday(LocalDate.of(2023, 5, 8))).as("coronation").isTrue();
    }

    @Test
    void the_twentieth_working_day_skips_weekends_and_holidays() {
        // Request on Tuesday 2021-05-04: 20 working days later, skipping the spring bank holiday 31 May
        assertThat(WorkingDays.addWorkingDays(LocalDate.of(2021, 5, 4), 20)).isEqualTo(LocalDate.of(2021, 6, 2));
        assertThat(WorkingDays.between(LocalDate.of(2021, 5, 4), LocalDate.of(2021, 6, 2))).isEqualTo(20);
        // Over Christmas 2020: 25, 28 December and 1 January are holidays
        assertThat(WorkingDays.addWorkingDays(LocalDate.of(2020, 12, 18), 20)).isEqualTo(LocalDate.of(2021, 1, 20));
    }

    @Test
    void nothing_has_passed_on_the_day_itself_or_before() {
        assertThat(WorkingDays.between(LocalDate.of(2021, 6, 1), LocalDate.of(2021, 6, 1))).isZero();
        assertThat(WorkingDays.between(LocalDate.of(2021, 6, 1), LocalDate.of(2021, 5, 1))).isZero();
    }

    @Test
    void easter_sunday_is_computed_for_any_year() {
        assertThat(WorkingDays.easterSunday(2016)).isEqualTo(LocalDate.of(2016, 3, 27));
        assertThat(WorkingDays.easterSunday(2019)).isEqualTo(LocalDate.of(2019, 4, 21));
        assertThat(WorkingDays.easterSunday(2024)).isEqualTo(LocalDate.of(2024, 3, 31));
        assertThat(WorkingDays.easterSunday(2038)).isEqualTo(LocalDate.of(2038, 4, 25));
    }
}
