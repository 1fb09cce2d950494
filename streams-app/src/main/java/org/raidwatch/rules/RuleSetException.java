package org.raidwatch.rules;

import java.util.List;

/** A rule set that cannot go live: one {@code file:line: message} line per problem. */
public class RuleSetException extends RuntimeException {

    private final List<String> problems;

    public RuleSetException(String source, List<String> problems) {
        super("rule set " + source + " does not build:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code file:line: message}. */
    public List<String> problems() {
        return problems;
    }
}
