package org.raidwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

    @Test
    void working_days_between_two_dates_match_counting_day_by_day() {
        // Given ~20,000 request and reply dates across 1990..2099, replies before, on and long after the request
        List<LocalDate[]> pairs = samplePairs(new Random(20_240_601L), 20_000);

        // When the working days between them are counted, Then they match counting each day in turn
        for (LocalDate[] pair : pairs) {
            assertThat(WorkingDays.between(pair[0], pair[1]))
                    .as("working days from %s to %s", pair[0], pair[1])
                    .isEqualTo(betweenDayByDay(pair[0], pair[1]));
        }
    }

    @Test
    void a_deadline_so_many_working_days_on_matches_stepping_day_by_day() {
        // Given ~2,000 request dates across 1990..2099, including year ends, weekends and bank holidays
        Random random = new Random(19_900_101L);
        List<LocalDate> special = specialDays();
        List<LocalDate> requests = new ArrayList<>();
        while (requests.size() < 2_000) {
            requests.add(random.nextBoolean() ? special.get(random.nextInt(special.size())) : randomDay(random));
        }

        for (LocalDate request : requests) {
            for (int count = 0; count <= 45; count++) {
                // When the day is sought on which that many working days have passed
                LocalDate deadline = WorkingDays.addWorkingDays(request, count);

                // Then it is the day stepping one day at a time finds, and exactly that many working days have passed
                assertThat(deadline).as("%d working days after %s", count, request)
                        .isEqualTo(addWorkingDaysDayByDay(request, count));
                assertThat(WorkingDays.between(request, deadline)).isEqualTo(count);
            }
        }
    }

    private static final LocalDate FIRST_DAY = LocalDate.of(1990, 1, 1);
    private static final LocalDate LAST_DAY = LocalDate.of(2099, 12, 31);

    private static List<LocalDate[]> samplePairs(Random random, int size) {
        List<LocalDate[]> pairs = new ArrayList<>();
        List<LocalDate> special = specialDays();
        while (pairs.size() < size) {
            LocalDate from = random.nextBoolean() ? special.get(random.nextInt(special.size())) : randomDay(random);
            LocalDate to = switch (random.nextInt(5)) {
                case 0 -> from.plusDays(random.nextInt(61) - 10); // a typical FOI span, sometimes backwards
                case 1 -> from.plusDays(random.nextInt(1_461) - 365); // across one or two year ends
                case 2 -> from; // the request day itself
                case 3 -> special.get(random.nextInt(special.size())); // onto a year end or bank holiday
                default -> randomDay(random); // anywhere, often decades apart and either way round
            };
            pairs.add(new LocalDate[] {from, to});
        }
        return pairs;
    }

    /** The first and last days of each year and every bank holiday, each with the day after it. */
    private static List<LocalDate> specialDays() {
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate day = FIRST_DAY; !day.isAfter(LAST_DAY); day = day.plusDays(1)) {
            boolean yearEdge = day.getDayOfYear() == 1 || day.getDayOfYear() == day.lengthOfYear();
            if (yearEdge || WorkingDays.isBankHoliday(day)) {
                days.add(day);
                days.add(day.plusDays(1));
            }
        }
        return days;
    }

    private static LocalDate randomDay(Random random) {
        return FIRST_DAY.plusDays(random.nextInt((int) ChronoUnit.DAYS.between(FIRST_DAY, LAST_DAY) + 1));
    }

    private static int betweenDayByDay(LocalDate from, LocalDate to) {
        int count = 0;
        for (LocalDate day = from.plusDays(1); !day.isAfter(to); day = day.plusDays(1)) {
            if (WorkingDays.isWorkingDay(day)) {
                count++;
            }
        }
        return count;
    }

    private static LocalDate addWorkingDaysDayByDay(LocalDate from, int count) {
        LocalDate day = from;
        for (int passed = 0; passed < count; ) {
            day = day.plusDays(1);
            if (WorkingDays.isWorkingDay(day)) {
                passed++;
            }
        }
        return day;
    }
}
