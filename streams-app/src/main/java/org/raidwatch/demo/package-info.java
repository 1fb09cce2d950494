/**
 * The demo's synthetic national dataset (calibrated to the research's rates) and the simulated calendar it runs on.
 * Uses the contract, the schemas and the serdes' class trust.
 */
package org.raidwatch.demo;
