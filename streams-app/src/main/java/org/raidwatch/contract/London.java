package org.raidwatch.contract;

import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The contract's calendar: raid dates, FOI dates, working days and "today" are days in
 * Europe/London, and a date-time without an offset is London's local time.
 */
public final class London {

    public static final ZoneId ZONE = ZoneId.of("Europe/London");

    private London() {
    }

    /** Today in London: "now" for live operation. */
    public static LocalDate today() {
        return LocalDate.now(ZONE);
    }
}
