package org.raidwatch.topology;

import java.time.LocalDate;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/** Test data: a claimed raid in Kent and a full FOI answer about it, to be varied per test. */
final class Raids {

    private Raids() {
    }

    /** A report claiming trafficking, 6 people rescued, 3 arrests, raid on 2020-03-04. */
    static RaidReport.Builder report(String raidId) {
        return RaidReport.newBuilder()
                .setRaidId(raidId)
                .setRevision(0)
                .setForce("Kent Police")
                .setRaidDate(LocalDate.of(2020, 3, 4))
                .setReportedAt(null)
                .setSourceUrl("https://news.example/" + raidId)
                .setTraffickingClaimed(true)
                .setModernSlaveryClaimed(false)
                .setClaimedVictims(6)
                .setClaimedArrests(3);
    }

    /** An FOI answer: 3 identified, 1 referred, 2 declined, 2 arrests, 1 trafficking charge. */
    static FoiUpdate.Builder answer(String raidId) {
        return FoiUpdate.newBuilder()
                .setFoiId("FOI-" + raidId)
                .setRaidId(raidId)
                .setForce("Kent Police")
                .setRequestedOn(LocalDate.of(2020, 9, 1))
                .setStatus(FoiStatus.RESPONDED)
                .setRespondedOn(LocalDate.of(2020, 10, 1))
                .setVictimsIdentified(3)
                .setNrmReferrals(1)
                .setNrmDeclined(2)
                .setArrests(2)
                .setTraffickingCharges(1)
                .setRevision(0);
    }

    /** An FOI request sent on the given day and not yet answered. */
    static FoiUpdate.Builder pending(String raidId, LocalDate requestedOn) {
        return answer(raidId).setStatus(FoiStatus.REQUESTED).setRequestedOn(requestedOn).setRespondedOn(null)
                .setVictimsIdentified(null).setNrmReferrals(null).setNrmDeclined(null).setArrests(null)
                .setTraffickingCharges(null);
    }
}
