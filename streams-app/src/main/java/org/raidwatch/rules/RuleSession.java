package org.raidwatch.rules;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.KieBase;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.ConsequenceException;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Evaluates the rule set on one case at a time with one reused stateful session (insert, fire,
 * delete). Not thread-safe: one per stream thread.
 *
 * <p>Firing is bounded: a rule set's rules each fire about once on a case, so a case on which rules
 * fire more than {@link #MAX_FIRINGS} times, or keep firing past {@link #TIME_BUDGET}, is stopped
 * (the session is halted between two firings) and fails with a {@link RuleEvaluationException}
 * naming the rule that fired most: a rule that re-triggers itself ({@code update} or
 * {@code modify} without {@code no-loop}) costs one dead letter, not the stream thread. A single
 * condition or consequence that never returns cannot be stopped from outside; review rules for that.
 */
public final class RuleSession implements AutoCloseable {

    /** The most rule firings one case may cause. */
    public static final int MAX_FIRINGS = 1_000;
    /** How long the rules may keep firing on one case. */
    public static final Duration TIME_BUDGET = Duration.ofSeconds(1);

    private static final Pattern RULE_NAME = Pattern.compile("[Rr]ule \"([^\"]+)\"|\\[Rule name='([^']+)'");

    private final KieBase kieBase;
    private final Function<Throwable, String> ruleOfError;
    private final Bounds bounds;
    private KieSession session;

    /** @param ruleOfError names the rule an evaluation error came from, or "unknown" */
    RuleSession(KieBase kieBase, Function<Throwable, String> ruleOfError) {
        this(kieBase, ruleOfError, MAX_FIRINGS, TIME_BUDGET);
    }

    RuleSession(KieBase kieBase, Function<Throwable, String> ruleOfError, int maxFirings, Duration timeBudget) {
        this.kieBase = kieBase;
        this.ruleOfError = ruleOfError;
        this.bounds = new Bounds(maxFirings, timeBudget.toNanos());
        this.session = newSession();
    }

    /**
     * The findings of every rule that holds on the case.
     *
     * @throws RuleEvaluationException when a rule throws, or the rules fire beyond their bounds; the
     *                                 session is renewed so the next case starts clean
     */
    public List<Finding> evaluate(RaidCase raidCase) {
        Findings findings = new Findings();
        session.setGlobal(Findings.GLOBAL, findings);
        bounds.start(session);
        FactHandle handle = null;
        try {
            handle = session.insert(raidCase);
            session.fireAllRules(bounds.maxFirings + 1);
            if (bounds.exceeded != null) {
                String ruleId = bounds.busiestRule();
                renew();
                throw new RuleEvaluationException(ruleId, raidCase.getRaidId(), bounds.exceeded);
            }
            session.delete(handle);
            return List.copyOf(findings.found());
        } catch (RuleEvaluationException e) {
            throw e;
        } catch (RuntimeException e) {
            renew();
            throw new RuleEvaluationException(ruleOfError.apply(e), raidCase.getRaidId(), e);
        }
    }

    private KieSession newSession() {
        KieSession created = kieBase.newKieSession();
        created.addEventListener(bounds);
        return created;
    }

    private void renew() {
        try {
            session.dispose();
        } catch (RuntimeException ignored) {
            // a session that failed mid-fire may not dispose cleanly; it is dropped either way
        }
        session = newSession();
    }

    /** Counts the firings on the current case and halts the session once they pass their bounds. */
    private static final class Bounds extends DefaultAgendaEventListener {

        private final int maxFirings;
        private final long budgetNanos;
        private final Map<String, Integer> firingsByRule = new HashMap<>();
        private KieSession session;
        private int firings;
        private long deadline;
        private IllegalStateException exceeded;

        Bounds(int maxFirings, long budgetNanos) {
            this.maxFirings = maxFirings;
            this.budgetNanos = budgetNanos;
        }

        void start(KieSession current) {
            session = current;
            firings = 0;
            firingsByRule.clear();
            exceeded = null;
            deadline = System.nanoTime() + budgetNanos;
        }

        @Override
        public void beforeMatchFired(BeforeMatchFiredEvent event) {
            firings++;
            firingsByRule.merge(event.getMatch().getRule().getName(), 1, Integer::sum);
            if (exceeded != null) {
                return;
            }
            if (firings > maxFirings) {
                exceeded = new IllegalStateException("the rules fired more than " + maxFirings + " times on one case ("
                        + busiestRule() + " " + firingsByRule.get(busiestRule()) + " times); a rule that triggers itself again"
                        + " (update or modify) needs no-loop or a condition that stops it");
                session.halt();
            } else if (System.nanoTime() > deadline) {
                exceeded = new IllegalStateException("the rules were still firing on one case after " + budgetNanos / 1_000_000
                        + " ms (" + firings + " firings, " + busiestRule() + " " + firingsByRule.get(busiestRule()) + " of them)");
                session.halt();
            }
        }

        String busiestRule() {
            return firingsByRule.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("unknown");
        }
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
