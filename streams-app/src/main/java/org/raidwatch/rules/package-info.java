/**
 * Rule sets: loading and compiling the DRL folder ({@code RuleSet}), evaluating one case ({@code RuleSession}), the
 * fact rules see ({@code RaidCase}), working days for FOI deadlines, the rule set in force ({@code LiveRuleSet}), and
 * signed, published rule sets. Uses the contract, the schemas, the input files (scenarios are written as rows) and the serdes' class trust;
 * never the stream.
 */
package org.raidwatch.rules;
