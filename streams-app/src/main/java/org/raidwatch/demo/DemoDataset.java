package org.raidwatch.demo;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.raidwatch.contract.Forces;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * A synthetic but realistic national dataset for the demo: raids by the 44 forces from 2016 to
 * 2021, press reports (most claiming trafficking or modern slavery, some corrected later), and FOI
 * requests sent months after the raids, answered weeks later, some partially, some refused or not
 * held, some never answered, some corrected, a few sent before the report was published. The
 * proportions are calibrated so the national all-time rates land near the research's figures: no
 * NRM referral in about 69% of answered claimed raids, no victim identified in about 25%, and about
 * 80% of FOI requests answered. The same seed gives the same dataset.
 */
public final class DemoDataset {

    /** The research's national figures the dataset is calibrated to. */
    public static final double TARGET_NO_REFERRAL = 0.69;
    public static final double TARGET_NO_VICTIMS = 0.25;
    public static final double TARGET_FOI_ANSWERED = 0.80;

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final LocalDate FIRST_RAID = LocalDate.of(2016, 1, 1);
    private static final LocalDate LAST_RAID = LocalDate.of(2021, 12, 31);

    /** One input as it arrives: when (in the dataset's own calendar) and what. */
    public record Event(Instant at, RaidReport report, FoiUpdate foiUpdate) {
        /** The day the event happens. */
        public LocalDate day() {
            return LocalDate.ofInstant(at, LONDON);
        }
    }

    private DemoDataset() {
    }

    /** The events of {@code raids} raids, in arrival order. */
    public static List<Event> generate(long seed, int raids) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>();
        long daysOfRaids = LAST_RAID.toEpochDay() - FIRST_RAID.toEpochDay();
        for (int i = 1; i <= raids; i++) {
            String raidId = String.format(Locale.ROOT, "R%04d", i);
            String force = pickForce(random);
            LocalDate raidDate = FIRST_RAID.plusDays((long) (random.nextDouble() * daysOfRaids));
            addRaid(random, events, raidId, force, raidDate);
        }
        events.sort(Comparator.comparing(Event::at));
        return List.copyOf(events);
    }

    private static void addRaid(Random random, List<Event> events, String raidId, String force, LocalDate raidDate) {
        double claim = random.nextDouble();
        boolean trafficking = claim < 0.78;
        boolean modernSlavery = claim >= 0.70 && claim < 0.88;
        boolean claimed = trafficking || modernSlavery;
        Integer claimedVictims = random.nextDouble() < 0.7 ? 1 + random.nextInt(9) : null;
        Integer claimedArrests = random.nextDouble() < 0.6 ? random.nextInt(6) : null;
        LocalDate reportedOn = raidDate.plusDays(random.nextInt(4));

        boolean requested = random.nextDouble() < (claimed ? 0.85 : 0.3);
        LocalDate requestedOn = raidDate.plusDays(60 + random.nextInt(340));
        if (requested && random.nextDouble() < 0.03) {
            // The request was prompted by another source; the press report comes out after it.
            reportedOn = requestedOn.plusDays(5 + random.nextInt(20));
        }
        RaidReport report = RaidReport.newBuilder()
                .setRaidId(raidId).setRevision(0).setForce(force).setRaidDate(raidDate)
                .setReportedAt(at(reportedOn, 9))
                .setSourceUrl("https://news.example.org/" + force.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-") + "/" + raidId)
                .setTraffickingClaimed(trafficking).setModernSlaveryClaimed(modernSlavery)
                .setClaimedVictims(claimedVictims).setClaimedArrests(claimedArrests)
                .build();
        events.add(new Event(report.getReportedAt(), report, null));
        if (random.nextDouble() < 0.04) {
            RaidReport corrected = RaidReport.newBuilder(report).setRevision(1)
                    .setClaimedVictims(claimedVictims == null ? 1 + random.nextInt(5) : Math.max(0, claimedVictims - 1 - random.nextInt(3)))
                    .build();
            events.add(new Event(at(reportedOn.plusDays(1 + random.nextInt(10)), 15), corrected, null));
        }
        if (!requested) {
            return;
        }

        String foiId = String.format(Locale.ROOT, "FOI-%d-%s", requestedOn.getYear(), raidId.substring(1));
        FoiUpdate request = FoiUpdate.newBuilder()
                .setFoiId(foiId).setRaidId(raidId).setForce(force).setRequestedOn(requestedOn)
                .setStatus(FoiStatus.REQUESTED).setRevision(0).build();
        events.add(new Event(at(requestedOn, 10), null, request));

        double outcome = random.nextDouble();
        if (outcome >= 0.93) {
            return; // never answered: it becomes overdue and stays so
        }
        LocalDate respondedOn = requestedOn.plusDays(outcome < 0.80 ? 14 + random.nextInt(50) : 20 + random.nextInt(30));
        FoiUpdate.Builder answer = FoiUpdate.newBuilder(request).setRevision(1).setRespondedOn(respondedOn);
        if (outcome < 0.80) {
            answer.setStatus(outcome < 0.68 ? FoiStatus.RESPONDED : FoiStatus.PARTIAL);
            int victims = random.nextDouble() < TARGET_NO_VICTIMS ? 0 : 1 + Math.min(7, (int) (-Math.log(1 - random.nextDouble()) * 2.5));
            // Of raids with victims identified, the share with no referral that yields ~69% overall.
            double noReferralGivenVictims = (TARGET_NO_REFERRAL - TARGET_NO_VICTIMS) / (1 - TARGET_NO_VICTIMS);
            int referrals = victims == 0 || random.nextDouble() < noReferralGivenVictims ? 0 : 1 + random.nextInt(victims);
            int arrests = random.nextInt(6);
            answer.setVictimsIdentified(victims).setNrmReferrals(referrals)
                    .setNrmDeclined(random.nextDouble() < 0.7 ? victims - referrals : null)
                    .setArrests(arrests)
                    .setTraffickingCharges(arrests == 0 ? 0 : random.nextDouble() < 0.7 ? 0 : 1 + random.nextInt(arrests));
            if (answer.getStatus() == FoiStatus.PARTIAL && random.nextDouble() < 0.3) {
                answer.setArrests(null).setTraffickingCharges(null).setNrmDeclined(null);
            }
        } else {
            answer.setStatus(outcome < 0.88 ? FoiStatus.REFUSED : FoiStatus.NOT_HELD);
        }
        FoiUpdate answered = answer.build();
        events.add(new Event(at(respondedOn, 14), null, answered));
        if (answered.getNrmReferrals() != null && random.nextDouble() < 0.06) {
            // A correction months later: the force recounts its referrals, one way or the other.
            int victims = answered.getVictimsIdentified();
            int referrals = answered.getNrmReferrals() == 0 && victims > 0 ? 1 : 0;
            FoiUpdate correction = FoiUpdate.newBuilder(answered).setRevision(2)
                    .setVictimsIdentified(victims).setNrmReferrals(referrals)
                    .setNrmDeclined(answered.getNrmDeclined() == null ? null : victims - referrals).build();
            events.add(new Event(at(respondedOn.plusDays(30 + random.nextInt(170)), 11), null, correction));
        }
    }

    /** Larger forces raid more often: the Met and the big metropolitan forces weigh more. */
    private static String pickForce(Random random) {
        List<String> forces = Forces.CANONICAL_NAMES;
        double roll = random.nextDouble();
        if (roll < 0.15) {
            return "Metropolitan Police Service";
        }
        if (roll < 0.30) {
            return List.of("West Midlands Police", "Greater Manchester Police", "West Yorkshire Police", "Thames Valley Police",
                    "Merseyside Police").get(random.nextInt(5));
        }
        return forces.get(random.nextInt(forces.size()));
    }

    private static Instant at(LocalDate day, int hour) {
        return day.atTime(hour, 0).atZone(LONDON).toInstant();
    }
}
