package org.raidwatch.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full re-evaluation pass: when the rule set in force is not the one every case was last
 * evaluated under, every case is evaluated again in raid id order, a bounded batch per punctuation,
 * resuming from a cursor kept in the progress store. That is how a rule set replaced while the
 * stream runs ({@link org.raidwatch.rules.LiveRuleSet}) reaches the cases already stored.
 */
final class FullReevaluationPass {

    /** Progress key: the rule set version every case has been evaluated with. */
    static final String RULE_SET_IN_FORCE = "rule-set";
    /** Progress key: the last raid id of a full re-evaluation under way (absent when none is). */
    static final String PASS_CURSOR = "cursor";
    /** Progress key: the rule set version the full re-evaluation under way is for. */
    static final String PASS_RULE_SET = "pass-rule-set";

    private static final Logger LOG = LoggerFactory.getLogger(FullReevaluationPass.class);

    private final KeyValueStore<String, String> progress;
    private final KeyValueStore<String, CaseState> cases;
    private final int batchSize;
    private final TaskId taskId;
    private long passCount;

    FullReevaluationPass(KeyValueStore<String, String> progress, KeyValueStore<String, CaseState> cases, int batchSize, TaskId taskId) {
        this.progress = progress;
        this.cases = cases;
        this.batchSize = batchSize;
        this.taskId = taskId;
    }

    /**
     * A case was evaluated under another rule set than the last: "every case is evaluated under" no
     * longer holds (even if the first set comes back), so the next punctuation starts a full pass
     * under whatever set is then in force.
     */
    void ruleSetChanged() {
        progress.delete(RULE_SET_IN_FORCE);
    }

    /**
     * Goes on with the pass for this rule set (starting one when the cases were evaluated under
     * another), handing each case to {@code reevaluate}; at least one case per call, however little
     * time is left, so a pass always moves on.
     *
     * @param deadline a {@link System#nanoTime()} value
     */
    void continueFor(RuleSet ruleSet, long deadline, Consumer<CaseState> reevaluate) {
        String cursor = progress.get(PASS_CURSOR);
        if (cursor != null && !ruleSet.version().equals(progress.get(PASS_RULE_SET))) {
            // A pass for another rule set was under way: start again for this one. Some cases may have been
            // re-evaluated under that other set, so none counts as evaluated under this one yet.
            progress.delete(PASS_CURSOR);
            progress.delete(PASS_RULE_SET);
            progress.delete(RULE_SET_IN_FORCE);
            cursor = null;
        }
        if (cursor == null) {
            String inForce = progress.get(RULE_SET_IN_FORCE);
            if (ruleSet.version().equals(inForce)) {
                return;
            }
            try (KeyValueIterator<String, CaseState> any = cases.all()) {
                if (!any.hasNext()) {
                    progress.put(RULE_SET_IN_FORCE, ruleSet.version());
                    return;
                }
            }
            cursor = "";
            // Until the pass ends, the cases are evaluated under a mix of sets: not under any one of them.
            progress.delete(RULE_SET_IN_FORCE);
            progress.put(PASS_CURSOR, cursor);
            progress.put(PASS_RULE_SET, ruleSet.version());
            passCount = 0;
            LOG.info("Task {}: re-evaluating every case under rule set {} (they were evaluated under {})", taskId,
                    ruleSet.version(), inForce == null ? "an earlier version" : inForce);
        }
        do {
            List<CaseState> batch = new ArrayList<>();
            try (KeyValueIterator<String, CaseState> next = cases.range(cursor, null)) {
                while (next.hasNext() && batch.size() < batchSize) {
                    KeyValue<String, CaseState> entry = next.next();
                    if (!entry.key.equals(cursor)) {
                        batch.add(entry.value);
                    }
                }
            }
            if (batch.isEmpty()) {
                progress.put(RULE_SET_IN_FORCE, ruleSet.version());
                progress.delete(PASS_CURSOR);
                progress.delete(PASS_RULE_SET);
                LOG.info("Task {}: every case is evaluated under rule set {} ({} re-evaluated since this instance took the task)",
                        taskId, ruleSet.version(), passCount);
                return;
            }
            for (CaseState state : batch) {
                reevaluate.accept(state);
                passCount++;
                cursor = state.getRaidId();
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            progress.put(PASS_CURSOR, cursor);
        } while (System.nanoTime() < deadline);
    }
}
