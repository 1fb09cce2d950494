package org.raidwatch.contract;

import java.time.LocalDate;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * The latest date some inputs mention (a report's raid day and the UK day it was reported, an FOI
 * request's and answer's days): "today" for the rules when none is given, so that evaluating the
 * same inputs again gives the same flags. A replay's default {@code --as-of} and a rule scenario's
 * default {@code today} are both this.
 */
public final class LatestDate {

    private LocalDate latest;

    public void see(RaidReport report) {
        see(report.getRaidDate());
        if (report.getReportedAt() != null) {
            see(LocalDate.ofInstant(report.getReportedAt(), London.ZONE));
        }
    }

    public void see(FoiUpdate update) {
        see(update.getRequestedOn());
        see(update.getRespondedOn());
    }

    private void see(LocalDate date) {
        if (date != null && (latest == null || date.isAfter(latest))) {
            latest = date;
        }
    }

    /** The latest date seen, or null when none was. */
    public LocalDate latest() {
        return latest;
    }
}
