package org.raidwatch.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/** The demo's calendar: it stands at the moment of the latest event fed, so years pass in a minute. */
public final class SimulatedClock extends Clock {

    private volatile Instant now;
    private final ZoneId zone;

    public SimulatedClock(Instant start, ZoneId zone) {
        this.now = start;
        this.zone = zone;
    }

    public void advanceTo(Instant instant) {
        if (instant.isAfter(now)) {
            now = instant;
        }
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new SimulatedClock(now, zone);
    }
}
