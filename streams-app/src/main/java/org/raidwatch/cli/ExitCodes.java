package org.raidwatch.cli;

/** raidwatch's exit statuses, the same for every command (listed in the README). */
public final class ExitCodes {

    /** Everything worked; for replay and produce, every row was accepted. */
    public static final int OK = 0;
    /** The stream stopped on an unexpected error, a replay did not finish, or a rule scenario failed (rules test, rules check). */
    public static final int FAILED = 1;
    /** Usage error, unreadable file, invalid setting, a rule set that does not build, or a rule scenario file that cannot be used. */
    public static final int USAGE = 2;
    /** Some rows were rejected (replay, produce); everything else was processed and written. */
    public static final int ROWS_REJECTED = 3;
    /** Kafka or the schema registry could not be reached. */
    public static final int UNREACHABLE = 4;
    /**
     * Some records could not be delivered to Kafka (produce, replay): Kafka did not acknowledge them,
     * each is listed as file:line: reason. produce sent the others; replay wrote no output.
     */
    public static final int UNDELIVERED = 5;
    /**
     * The schema registry or Kafka refused raidwatch's credentials (HTTP 401 or 403, or a Kafka
     * authentication or authorization failure): retrying will not help until the settings change,
     * so a supervisor should not restart the process in a loop.
     */
    public static final int CREDENTIALS_REFUSED = 6;

    private ExitCodes() {
    }
}
