/**
 * Benchmark commands: throughput against a pass-through baseline, and time passing over many cases falling due. They
 * run the production topology on the in-process stack. Only the command line reaches this package.
 */
package org.raidwatch.bench;
