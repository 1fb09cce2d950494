package org.raidwatch.topology;

import java.time.LocalDate;

/**
 * The keys of the index of cases by the day time passing can next change their flags:
 * {@code <yyyy-mm-dd>|<raid id>}. Dates lie within 1990..2099 (the input contract), so key order is
 * date order and the cases due by a day are the index's first keys.
 */
final class DueCases {

    private DueCases() {
    }

    static String key(LocalDate due, String raidId) {
        return due + "|" + raidId;
    }

    static LocalDate dueOf(String key) {
        return LocalDate.parse(key.substring(0, key.indexOf('|')));
    }

    static String raidIdOf(String key) {
        return key.substring(key.indexOf('|') + 1);
    }
}
