package org.raidwatch.topology;

import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * One accepted input to a case, from either input topic: exactly one of report and FOI update is
 * set, in the contract's normal form, with the record as it arrived. Never leaves the process.
 */
record CaseInput(RaidReport report, FoiUpdate foiUpdate, RawInput raw) implements CheckedInput {

    static CaseInput of(RaidReport report, RawInput raw) {
        return new CaseInput(report, null, raw);
    }

    static CaseInput of(FoiUpdate update, RawInput raw) {
        return new CaseInput(null, update, raw);
    }

    String raidId() {
        return report != null ? report.getRaidId() : foiUpdate.getRaidId();
    }
}
