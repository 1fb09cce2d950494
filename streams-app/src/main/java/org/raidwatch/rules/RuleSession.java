package org.raidwatch.rules;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.KieBase;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.ConsequenceException;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Evaluates the rule set on one case at a time with one reused stateful session (insert, fire,
 * delete). Not thread-safe: one per stream thread.
 */
public final class RuleSession implements AutoCloseable {

    private static final Pattern RULE_NAME = Pattern.compile("[Rr]ule \"([^\"]+)\"|\\[Rule name='([^']+)'");

    private final KieBase kieBase;
    private final Function<Throwable, String> ruleOfError;
    private KieSession session;

    /** @param ruleOfError names the rule an evaluation error came from, or "unknown" */
    RuleSession(KieBase kieBase, Function<Throwable, String> ruleOfError) {
        this.kieBase = kieBase;
        this.ruleOfError = ruleOfError;
        this.session = kieBase.newKieSession();
    }

    /**
     * The findings of every rule that holds on the case.
     *
     * @throws RuleEvaluationException when a rule throws; the session is renewed so the next case starts clean
     */
    public List<Finding> evaluate(RaidCase raidCase) {
        Findings findings = new Findings();
        session.setGlobal(Findings.GLOBAL, findings);
        FactHandle handle = null;
        try {
            handle = session.insert(raidCase);
            session.fireAllRules();
            session.delete(handle);
            return List.copyOf(findings.found());
        } catch (RuntimeException e) {
            renew();
            throw new RuleEvaluationException(ruleOfError.apply(e), raidCase.getRaidId(), e);
        }
    }

    private void renew() {
        try {
            session.dispose();
        } catch (RuntimeException ignored) {
            // a session that failed mid-fire may not dispose cleanly; it is dropped either way
        }
        session = kieBase.newKieSession();
    }

    /** The rule named by a Drools error: a consequence's match, or a rule name in a message; else "unknown". */
    static String ruleNamedBy(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConsequenceException consequence && consequence.getMatch() != null) {
                return consequence.getMatch().getRule().getName();
            }
            if (t.getMessage() != null) {
                Matcher matcher = RULE_NAME.matcher(t.getMessage());
                if (matcher.find()) {
                    return matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
                }
            }
        }
        return "unknown";
    }

    @Override
    public void close() {
        session.dispose();
    }
}
