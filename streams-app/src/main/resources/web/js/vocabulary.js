/*
 * The rates' vocabulary, as GET api/vocabulary gives it: the national key, the window names, the
 * rolling window's length, the counters and each rate as a counter out of another. The dashboard
 * keeps no copy of it; this module reads the answer and builds what the page needs from it.
 */

import { NATIONAL_NAME, RATE_PRESENTATION } from './rates.js';

function isName(value) {
  return typeof value === 'string' && value !== '';
}

/**
 * The vocabulary from api/vocabulary's JSON, or null when the JSON is not one. Its `rates` are the
 * rates the dashboard shows, in the dashboard's order, each with its presentation and its `counted`
 * and `outOf` fields; `allRates` every rate the API listed.
 */
export function readVocabulary(json) {
  if (!json || typeof json !== 'object' || !isName(json.national) || !isName(json.allTime) || !isName(json.latest)
    || !Number.isInteger(json.rollingMonths) || json.rollingMonths < 1
    || !Array.isArray(json.counters) || !json.counters.every(isName) || !Array.isArray(json.rates)) {
    return null;
  }
  const allRates = [];
  for (const r of json.rates) {
    if (!r || typeof r !== 'object' || !isName(r.name) || !isName(r.counted) || !isName(r.outOf)) {
      continue;   // not a rate this page can read; the others still are
    }
    allRates.push(Object.freeze({ name: r.name, counted: r.counted, outOf: r.outOf }));
  }
  const byName = new Map(allRates.map(function (r) { return [r.name, r]; }));
  const rates = RATE_PRESENTATION.filter(function (p) { return byName.has(p.name); }).map(function (p) {
    const r = byName.get(p.name);
    return Object.freeze(Object.assign({}, p, { counted: r.counted, outOf: r.outOf }));
  });
  return Object.freeze({
    national: json.national,
    allTime: json.allTime,
    latest: json.latest,
    rollingMonths: json.rollingMonths,
    // A rate over fewer than this is low base (an older server without the field: nothing is marked).
    lowBaseBelow: Number.isInteger(json.lowBaseBelow) && json.lowBaseBelow >= 1 ? json.lowBaseBelow : null,
    interval: isName(json.interval) ? json.interval : '95% interval',
    counters: Object.freeze(json.counters.slice()),
    allRates: Object.freeze(allRates),
    rates: Object.freeze(rates)
  });
}

/** A force's figures over a window in which it has no data: every counter 0, every rate null. */
export function emptyRecord(vocabulary, force, windowKey) {
  const record = { force: force, window: windowKey };
  vocabulary.counters.forEach(function (counter) { record[counter] = 0; });
  vocabulary.allRates.forEach(function (rate) { record[rate.name] = null; });
  record.missing = true;
  return record;
}

/** The rate of that name the dashboard shows, or null. */
export function rateNamed(vocabulary, name) {
  return vocabulary.rates.filter(function (r) { return r.name === name; })[0] || null;
}

/** A force's name for people: the national key reads 'England and Wales'. */
export function forceName(vocabulary, force) {
  return vocabulary && force === vocabulary.national ? NATIONAL_NAME : force;
}
