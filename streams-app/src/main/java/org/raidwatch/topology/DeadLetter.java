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
}
