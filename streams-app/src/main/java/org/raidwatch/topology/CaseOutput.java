package org.raidwatch.topology;

import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.RateDelta;

/** What the case evaluator sends on, split by kind into the flag, rate and dead-letter branches. */
sealed interface CaseOutput permits CaseOutput.Flag, CaseOutput.Rate, DeadLetter {

    /** A flag raised, updated or resolved; key {@code <raid id>|<rule id>}. */
    record Flag(CaseFlag flag) implements CaseOutput {
    }

    /** How one case change moved one force's counts for one raid month; key {@code <force>|<month>}. */
    record Rate(RateDelta delta) implements CaseOutput {
    }
}
