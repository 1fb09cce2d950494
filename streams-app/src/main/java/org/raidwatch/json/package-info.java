/**
 * The JSON shapes of a flag, a force's rates (with what each rests on: its interval and low-base mark, from the
 * topology's rates vocabulary) and a case, shared by the API, the live feed, the replay's output, the reports and the
 * alert subscribers. Above the topology, below everything that serves or prints.
 */
package org.raidwatch.json;
