package org.raidwatch.rules;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Working days as the Freedom of Information Act counts them in England and Wales: Monday to
 * Friday, less bank holidays (the regular ones with their substitute days, the moved ones and the
 * one-off ones).
 */
public final class WorkingDays {

    private static final Set<LocalDate> ONE_OFF_HOLIDAYS = Set.of(
            LocalDate.of(1999, 12, 31), // millennium
            LocalDate.of(2002, 6, 3),   // Golden Jubilee
            LocalDate.of(2011, 4, 29),  // royal wedding
            LocalDate.of(2012, 6, 5),   // Diamond Jubilee
            LocalDate.of(2022, 6, 3),   // Platinum Jubilee
            LocalDate.of(2022, 9, 19),  // state funeral
            LocalDate.of(2023, 5, 8));  // coronation
    private static final Map<Integer, LocalDate> MOVED_EARLY_MAY = Map.of(
            1995, LocalDate.of(1995, 5, 8), 2020, LocalDate.of(2020, 5, 8));
    private static final Map<Integer, LocalDate> MOVED_SPRING = Map.of(
            2002, LocalDate.of(2002, 6, 4), 2012, LocalDate.of(2012, 6, 4), 2022, LocalDate.of(2022, 6, 2));

    private static final Map<Integer, Set<LocalDate>> HOLIDAYS_BY_YEAR = new ConcurrentHashMap<>();

    private WorkingDays() {
    }

    /** Working days after {@code from} up to and including {@code to}; 0 when {@code to} is not after {@code from}. */
    public static int between(LocalDate from, LocalDate to) {
        int count = 0;
        for (LocalDate day = from.plusDays(1); !day.isAfter(to); day = day.plusDays(1)) {
            if (isWorkingDay(day)) {
                count++;
            }
        }
        return count;
    }

    /** The day on which {@code count} working days after {@code from} have passed. */
    public static LocalDate addWorkingDays(LocalDate from, int count) {
        LocalDate day = from;
        for (int passed = 0; passed < count; ) {
            day = day.plusDays(1);
            if (isWorkingDay(day)) {
                passed++;
            }
        }
        return day;
    }

    public static boolean isWorkingDay(LocalDate day) {
        DayOfWeek dayOfWeek = day.getDayOfWeek();
        return dayOfWeek != DayOfWeek.SATURDAY && dayOfWeek != DayOfWeek.SUNDAY && !isBankHoliday(day);
    }

    public static boolean isBankHoliday(LocalDate day) {
        return HOLIDAYS_BY_YEAR.computeIfAbsent(day.getYear(), WorkingDays::bankHolidays).contains(day);
    }

    private static Set<LocalDate> bankHolidays(int year) {
        Set<LocalDate> days = new HashSet<>();
        days.add(nextWeekday(LocalDate.of(year, 1, 1)));
        LocalDate easter = easterSunday(year);
        days.add(easter.minusDays(2));
        days.add(easter.plusDays(1));
        days.add(MOVED_EARLY_MAY.getOrDefault(year,
                LocalDate.of(year, 5, 1).with(TemporalAdjusters.firstInMonth(DayOfWeek.MONDAY))));
        days.add(MOVED_SPRING.getOrDefault(year,
                LocalDate.of(year, 5, 1).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY))));
        days.add(LocalDate.of(year, 8, 1).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY)));
        LocalDate christmas = LocalDate.of(year, Month.DECEMBER, 25);
        LocalDate christmasObserved = nextWeekday(christmas);
        days.add(christmasObserved);
        days.add(nextWeekday(christmasObserved.plusDays(1)));
        for (LocalDate oneOff : ONE_OFF_HOLIDAYS) {
            if (oneOff.getYear() == year) {
                days.add(oneOff);
            }
        }
        return Set.copyOf(days);
    }

    private static LocalDate nextWeekday(LocalDate day) {
        LocalDate result = day;
        while (result.getDayOfWeek() == DayOfWeek.SATURDAY || result.getDayOfWeek() == DayOfWeek.SUNDAY) {
            result = result.plusDays(1);
        }
        return result;
    }

    /** Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm). */
    static LocalDate easterSunday(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int day = ((h + l - 7 * m + 114) % 31) + 1;
        return LocalDate.of(year, month, day);
    }
}
