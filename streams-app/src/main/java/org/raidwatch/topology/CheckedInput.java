package org.raidwatch.topology;

/** What checking an input record gives: a case input to evaluate, or a dead letter. */
sealed interface CheckedInput permits CaseInput, DeadLetter {
}
