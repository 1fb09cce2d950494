/**
 * The alert subscribers: following {@code flagged-cases} as a consumer group ({@code FlagSubscription}), the filters an
 * operator chooses, and delivery to a webhook. Uses the JSON shapes, the serdes, the schemas and the topology's topic catalogue ({@code Topic}).
 */
package org.raidwatch.alerts;
