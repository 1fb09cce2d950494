package org.raidwatch.topology;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.raidwatch.rules.RaidCase;
import org.raidwatch.rules.RuleSession;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.CaseState;

/**
 * Where a rule fires: the rule set evaluated on a case as of a day gives the flag changes, and the
 * case as it is to be stored (the flags that hold, and the next day on which time passing alone can
 * change them). Pure: nothing is stored or sent here, so a rule that throws leaves no trace.
 */
final class CaseEvaluation {

    /** The case to store, and the flag records to send. */
    record Result(CaseState after, List<CaseFlag> flagChanges) {
    }

    private CaseEvaluation() {
    }

    /**
     * @throws org.raidwatch.rules.RuleEvaluationException when a rule throws or reports a malformed finding
     */
    static Result of(CaseState state, RuleSet ruleSet, RuleSession rules, LocalDate today, Instant at) {
        RaidCase raidCase = RaidCase.of(state, today);
        if (raidCase == null) {
            // Rules run only on reported raids; until the report arrives nothing holds and nothing falls due.
            return new Result(copy(state, state.getFlags(), null), List.of());
        }
        FlagChanges.Result flags = FlagChanges.between(state.getFlags(), rules.evaluate(raidCase), raidCase, ruleSet.version(), at);
        return new Result(copy(state, flags.flagsNow(), ruleSet.reevaluateOn(raidCase)), flags.changes());
    }

    private static CaseState copy(CaseState state, java.util.Map<String, org.raidwatch.schema.ActiveFlag> flags, LocalDate reevaluateOn) {
        return new CaseState(state.getRaidId(), state.getReport(), state.getFoiUpdate(), flags, reevaluateOn);
    }
}
