package org.raidwatch.topology;

import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/** One input to a case, from either input topic: exactly one of the two is set. Never leaves the process. */
record CaseInput(RaidReport report, FoiUpdate foiUpdate) {

    static CaseInput of(RaidReport report) {
        return new CaseInput(report, null);
    }

    static CaseInput of(FoiUpdate update) {
        return new CaseInput(null, update);
    }
}
