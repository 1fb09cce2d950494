/**
 * The raidwatch topology as a pure description ({@code CaseTopology.build}): where a record enters, where a case is
 * kept and a rule fires, where a rate is counted, the flags' life cycle, dead letters, the topic catalogue. No IO: it is given
 * its settings, serdes and rule set. Uses the rules, the contract and the serdes.
 */
package org.raidwatch.topology;
