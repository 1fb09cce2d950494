package org.raidwatch.topology;

/**
 * An input that could not be processed, and why: the record exactly as it arrived, the kind of
 * error and its message, and the rule that failed when a rule did. Written to the dead-letter topic
 * by {@link DeadLetterRecords}.
 */
record DeadLetter(RawInput raw, String exception, String message, String ruleId) implements CheckedInput, CaseOutput {

    static DeadLetter of(RawInput raw, Exception error) {
        return new DeadLetter(raw, error.getClass().getName(), String.valueOf(error.getMessage()), null);
    }

    static DeadLetter ofRule(RawInput raw, Exception error, String ruleId) {
        return new DeadLetter(raw, error.getClass().getName(), String.valueOf(error.getMessage()), ruleId);
    }

    ProcessingObserver.DeadLetterReason reason() {
        if (ruleId != null) {
            return ProcessingObserver.DeadLetterReason.RULE_FAILED;
        }
        if (exception.equals(org.apache.kafka.common.errors.SerializationException.class.getName())) {
            return ProcessingObserver.DeadLetterReason.UNDECODABLE;
        }
        if (exception.equals(InputCheck.InvalidInputException.class.getName())) {
            return ProcessingObserver.DeadLetterReason.INVALID;
        }
        return ProcessingObserver.DeadLetterReason.OTHER;
    }
}
