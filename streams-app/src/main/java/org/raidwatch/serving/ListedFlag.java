package org.raidwatch.serving;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;

/**
 * A flag as the listing holds it: what ordering and filtering read (raid, rule, status, severity,
 * force, when it changed), and the whole flag as the store's record bytes, decoded again only when the
 * flag is on a page. A million flags held decoded are some thirty million objects for the collector to
 * trace while the stream runs; held this way they are a few each, most of them byte arrays it never
 * looks into. Rule ids and force names, a few dozen in all, are shared.
 */
public final class ListedFlag {

    private static final Map<String, String> SHARED = new ConcurrentHashMap<>();
    /** Shared names at most: past it a name is kept as it came (a store full of odd names must not grow this). */
    private static final int SHARED_AT_MOST = 10_000;

    private final String raidId;
    private final String ruleId;
    private final FlagStatus status;
    private final Severity severity;
    private final String force;
    private final long changedAtMillis;
    private final CaseFlag flag;
    private final byte[] record;
    private final Function<byte[], CaseFlag> decoder;

    private ListedFlag(CaseFlag flag, CaseFlag held, byte[] record, Function<byte[], CaseFlag> decoder) {
        this.raidId = flag.getRaidId();
        this.ruleId = shared(flag.getRuleId());
        this.status = flag.getStatus();
        this.severity = flag.getSeverity();
        this.force = shared(flag.getForce());
        this.changedAtMillis = flag.getChangedAt().toEpochMilli();
        this.flag = held;
        this.record = record;
        this.decoder = decoder;
    }

    /** A flag held as it is (tests, and listings built from flags in hand). */
    public static ListedFlag of(CaseFlag flag) {
        return new ListedFlag(flag, flag, null, null);
    }

    /** A flag decoded from the store's record, holding only the record: {@code decoder} makes the flag again when it is shown. */
    public static ListedFlag of(CaseFlag decoded, byte[] record, Function<byte[], CaseFlag> decoder) {
        return new ListedFlag(decoded, null, record, decoder);
    }

    private static String shared(String name) {
        if (name == null) {
            return null;
        }
        String known = SHARED.get(name);
        if (known != null) {
            return known;
        }
        if (SHARED.size() >= SHARED_AT_MOST) {
            return name;
        }
        known = SHARED.putIfAbsent(name, name);
        return known != null ? known : name;
    }

    public String getRaidId() {
        return raidId;
    }

    public String getRuleId() {
        return ruleId;
    }

    public FlagStatus getStatus() {
        return status;
    }

    public Severity getSeverity() {
        return severity;
    }

    public String getForce() {
        return force;
    }

    public Instant getChangedAt() {
        return Instant.ofEpochMilli(changedAtMillis);
    }

    long changedAtMillis() {
        return changedAtMillis;
    }

    /** The whole flag. */
    public CaseFlag flag() {
        return flag != null ? flag : decoder.apply(record);
    }
}
