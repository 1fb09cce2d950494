package org.raidwatch.topology;

import org.raidwatch.schema.FlagStatus;

/**
 * What the topology tells the outside about its work, for metrics: inputs read, flag changes sent,
 * dead letters written and the time rules take. Called on stream threads, so implementations must be
 * thread-safe and quick. Under exactly-once a retried task reports its records again; these are
 * counts of work done, not of results (the output topics are those).
 */
public interface ProcessingObserver {

    /** Does nothing: the topology's default, and what tests use. */
    ProcessingObserver NONE = new ProcessingObserver() {
    };

    /** Why an input became a dead letter, as a small fixed set of labels. */
    enum DeadLetterReason {
        /** The value is not Avro of the topic's type in the Confluent wire format, or its schema is unknown. */
        UNDECODABLE("undecodable"),
        /** It decodes but breaks the input contract (a field, the key, a tombstone). */
        INVALID("invalid"),
        /** A rule failed on the case. */
        RULE_FAILED("rule-failed"),
        /** Anything else (the message says what). */
        OTHER("other");

        private final String label;

        DeadLetterReason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** An input record was read from {@code input} ("raid-reports" or "foi-updates"), good or bad. */
    default void inputRead(String input) {
    }

    /** A flag change was sent. */
    default void flagChanged(String ruleId, FlagStatus status) {
    }

    /** An input was sent to the dead-letter topic. */
    default void deadLetter(DeadLetterReason reason) {
    }

    /** The rules were run on one case, taking this long. */
    default void rulesEvaluated(long nanos) {
    }
}
