/**
 * Reports for a reader who never saw raidwatch: one self-contained HTML file from a replay (rates with
 * their counts and intervals, per-force tables and charts, the flagged cases, the rejected rows, what
 * produced it and how to read it), and one from {@code rules diff}. Styles, scripts and the chart
 * library are inlined; the page asks for nothing over the network. Uses the JSON shapes, the rules'
 * descriptions, the topology's rates vocabulary and the replay's flag comparison; used by {@code cli} only.
 */
package org.raidwatch.report;
