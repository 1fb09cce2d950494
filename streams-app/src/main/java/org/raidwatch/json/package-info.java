/**
 * The JSON shapes of a flag, a force's rates and a case, shared by the API, the live feed, the replay's output and the
 * alert subscribers.
 */
package org.raidwatch.json;
