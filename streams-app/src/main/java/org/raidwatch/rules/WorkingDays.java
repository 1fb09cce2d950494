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

    /**
     * Per year, index {@code d} holds the working days among days 1..d of the year (index 0 is 0), so a count within a
     * year is one subtraction.
     */
    private static final Map<Integer, int[]> WORKING_DAYS_TO_DAY_OF_YEAR = new ConcurrentHashMap<>();

    /** Ordinals count from the start of this year; any fixed year works, this one lies before every date we handle. */
    private static final int EPOCH_YEAR = 1900;

    /** Replaced, never mutated, so readers need no lock; only growing it takes {@link #YEAR_STARTS_LOCK}. */
    private static volatile YearStarts yearStarts = new YearStarts(EPOCH_YEAR, new long[] {0});
    private static final Object YEAR_STARTS_LOCK = new Object();

    private WorkingDays() {
    }

    /** Working days after {@code from} up to and including {@code to}; 0 when {@code to} is not after {@code from}. */
    public static int between(LocalDate from, LocalDate to) {
        if (!to.isAfter(from)) {
            return 0;
        }
        return Math.toIntExact(ordinal(to) - ordinal(from));
    }

    /** The day on which {@code count} working days after {@code from} have passed. */
    public static LocalDate addWorkingDays(LocalDate from, int count) {
        if (count <= 0) {
            return from;
        }
        long target = ordinal(from) + count;
        int year = from.getYear();
        while (startOfYear(year + 1) < target) {
            year++;
        }
        int[] toDayOfYear = workingDaysToDayOfYear(year);
        int wanted = Math.toIntExact(target - startOfYear(year));
        // The first day whose running count reaches the target is the working day that completes it.
        int low = 1;
        int high = toDayOfYear.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (toDayOfYear[middle] < wanted) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return LocalDate.ofYearDay(year, low);
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

    /**
     * Working days from the start of {@link #EPOCH_YEAR} up to and including {@code day} (negative before it), so that
     * {@link #between} is a difference of two ordinals whatever the age of the dates.
     */
    private static long ordinal(LocalDate day) {
        return startOfYear(day.getYear()) + workingDaysToDayOfYear(day.getYear())[day.getDayOfYear()];
    }

    private static int[] workingDaysToDayOfYear(int year) {
        return WORKING_DAYS_TO_DAY_OF_YEAR.computeIfAbsent(year, WorkingDays::countWorkingDaysToDayOfYear);
    }

    private static int[] countWorkingDaysToDayOfYear(int year) {
        LocalDate day = LocalDate.of(year, 1, 1);
        int[] counts = new int[day.lengthOfYear() + 1];
        for (int dayOfYear = 1; dayOfYear < counts.length; dayOfYear++, day = day.plusDays(1)) {
            counts[dayOfYear] = counts[dayOfYear - 1] + (isWorkingDay(day) ? 1 : 0);
        }
        return counts;
    }

    /** Working days from the start of {@link #EPOCH_YEAR} to the start of {@code year}. */
    private static long startOfYear(int year) {
        YearStarts starts = yearStarts;
        if (!starts.covers(year)) {
            synchronized (YEAR_STARTS_LOCK) {
                starts = yearStarts.extendedTo(year);
                yearStarts = starts;
            }
        }
        return starts.of(year);
    }

    /** Working days from the start of {@link #EPOCH_YEAR} to the start of each year from {@code firstYear} on. */
    private record YearStarts(int firstYear, long[] starts) {

        boolean covers(int year) {
            return year >= firstYear && year - firstYear < starts.length;
        }

        long of(int year) {
            return starts[year - firstYear];
        }

        YearStarts extendedTo(int year) {
            if (covers(year)) {
                return this;
            }
            int newFirstYear = Math.min(firstYear, year);
            int newLastYear = Math.max(firstYear + starts.length - 1, year);
            long[] extended = new long[Math.toIntExact((long) newLastYear - newFirstYear + 1)];
            int offset = firstYear - newFirstYear;
            System.arraycopy(starts, 0, extended, offset, starts.length);
            for (int i = offset - 1; i >= 0; i--) {
                extended[i] = extended[i + 1] - workingDaysIn(newFirstYear + i);
            }
            for (int i = offset + starts.length; i < extended.length; i++) {
                extended[i] = extended[i - 1] + workingDaysIn(newFirstYear + i - 1);
            }
            return new YearStarts(newFirstYear, extended);
        }

        private static int workingDaysIn(int year) {
            int[] toDayOfYear = workingDaysToDayOfYear(year);
            return toDayOfYear[toDayOfYear.length - 1];
        }
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
