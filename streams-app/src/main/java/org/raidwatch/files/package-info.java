/**
 * Reading input files (CSV with a header row, JSON Lines) into raid reports and FOI updates, with each rejected row
 * named by file, line and reason. Uses the contract and the serdes' class trust.
 */
package org.raidwatch.files;
