/**
 * Rule scenarios, a rule's tests without Java: reading them ({@code ScenarioFiles}), running them
 * ({@code ScenarioRun}) and their coverage of a rule set.
 */
package org.raidwatch.rules.scenario;
