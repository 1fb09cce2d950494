package org.raidwatch.topology;

import java.util.Map;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * How one input changes a case: per raid the highest revision is in force and a tie goes to the
 * later arrival, so an older revision arriving late changes nothing, and neither does a duplicate.
 */
final class CaseMerge {

    private CaseMerge() {
    }

    /** The case after the input, or null when the input changes nothing. */
    static CaseState apply(CaseState current, String raidId, CaseInput input) {
        CaseState before = current != null ? current : new CaseState(raidId, null, null, Map.of(), null);
        if (input.report() != null) {
            RaidReport inForce = before.getReport();
            if (inForce != null && (input.report().getRevision() < inForce.getRevision() || input.report().equals(inForce))) {
                return null;
            }
            return new CaseState(before.getRaidId(), input.report(), before.getFoiUpdate(), before.getFlags(), before.getReevaluateOn());
        }
        FoiUpdate inForce = before.getFoiUpdate();
        if (inForce != null && (input.foiUpdate().getRevision() < inForce.getRevision() || input.foiUpdate().equals(inForce))) {
            return null;
        }
        return new CaseState(before.getRaidId(), before.getReport(), input.foiUpdate(), before.getFlags(), before.getReevaluateOn());
    }
}
