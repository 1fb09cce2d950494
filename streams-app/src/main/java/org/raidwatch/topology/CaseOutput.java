package org.raidwatch.topology;

import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.RateChange;

/** What the case evaluator sends on, split by kind into the flag, rate and dead-letter branches. */
sealed interface CaseOutput {

    /** A flag raised, updated or resolved; key {@code <raid id>|<rule id>}. */
    record Flag(CaseFlag flag) implements CaseOutput {
    }

    /** A change to one force's (or ALL's) counts over one window; key {@code <force>|<window>}. */
    record Rate(RateChange change) implements CaseOutput {
    }

    /** An input that could not be processed, serialized as it arrived (headers say why); key: raid id. */
    record DeadLetter(byte[] value) implements CaseOutput {
    }
}
