/*
 * raidwatch dashboard: national headline, per-force table, rolling-rate chart and live flag feed.
 *
 * The entry module: finds the page's elements, holds the page's state, wires the parts together and
 * runs the refresh every REFRESH_MS. Reads the same-origin JSON API (api/vocabulary, api/forces,
 * api/rates, api/flags, api/feed, ready). Every text that comes from the API goes into the page
 * through textContent or attributes, never as markup; links are made only for http and https URLs.
 * Native ES modules, no build step; Chart.js (global Chart, a classic script loaded before this
 * module) draws the line chart when it is available.
 */

import { URLS, fetchJson, ratesUrl } from './api.js';
import { clockTime } from './format.js';
import { setText } from './dom.js';
import { readVocabulary, forceName } from './vocabulary.js';
import { renderHeadline } from './headline.js';
import { refreshReady } from './status.js';
import { createForceTable } from './table.js';
import { createChart, NO_CHART_LIBRARY } from './chart.js';
import { createFeed } from './feed.js';

const REFRESH_MS = 5000;

const state = {
  vocabulary: null,       // the rates' vocabulary, from api/vocabulary (see vocabulary.js)
  forces: [],             // the forces of England and Wales, from api/forces: each gets a row even before it has data
  allTime: null,          // last api/rates?window=<all time> answer
  latest: null,           // last api/rates?window=<latest> answer
  period: 'all',          // 'all' or 'latest': the table's window, as the page's radio buttons name it
  sort: { key: 'claimedRaids', dir: 'descending' },
  chartForce: null,       // force the chart shows, or the national key
  chartSeries: null,      // { force, own: [R...], national: [R...] } of the chart's last data
  chart: null,            // the Chart.js chart, once drawn
  hiddenRates: {},        // rate name -> true when switched off in the chart legend
  tableSignature: '',
  chartSignature: '',
  refreshTimer: null,
  refreshing: false
};

const el = {};

const chart = createChart({ state: state, el: el, renderTable: function () { table.render(); } });
const table = createForceTable({ state: state, el: el, chartForces: chart.chartForces, selectForce: chart.selectForce });
const feed = createFeed({ el: el, forceName: function (force) { return forceName(state.vocabulary, force); } });

// ---------------------------------------------------------------- vocabulary

let vocabularyRequest = null;

/**
 * The vocabulary: asked once at start; while it is being asked, every caller waits for the same
 * answer. Nothing about rates can be shown without it, so a failed request is asked again by the
 * next refresh.
 */
function loadVocabulary() {
  if (state.vocabulary) {
    return Promise.resolve(state.vocabulary);
  }
  if (!vocabularyRequest) {
    vocabularyRequest = fetchJson(URLS.vocabulary).then(function (answer) {
      const vocabulary = answer.ok ? readVocabulary(answer.json) : null;
      if (!vocabulary) {
        throw new Error('vocabulary answered ' + answer.status);
      }
      state.vocabulary = vocabulary;
      return vocabulary;
    }).finally(function () {
      vocabularyRequest = null;
    });
  }
  return vocabularyRequest;
}

// ---------------------------------------------------------------- rates refresh

function refreshTableRates() {
  if (state.period !== 'latest' || !state.vocabulary) {
    return Promise.resolve();
  }
  return fetchJson(ratesUrl({ window: state.vocabulary.latest })).then(function (answer) {
    if (answer.ok && answer.json) {
      state.latest = answer.json;
    }
  }, function () { /* keep the last figures */ });
}

function refreshRates() {
  return loadVocabulary().then(function (vocabulary) {
    return Promise.all([
      fetchJson(ratesUrl({ window: vocabulary.allTime })),
      refreshTableRates()
    ]).then(function (results) {
      const answer = results[0];
      if (!answer.ok || !answer.json) {
        throw new Error('rates answered ' + answer.status);
      }
      state.allTime = answer.json;
      renderHeadline(answer.json, vocabulary, el);
      chart.renderForceSelect();
      table.render();
      const now = new Date();
      setText(el.updatedAt, clockTime(now));
      el.updatedAt.setAttribute('datetime', now.toISOString());
    });
  });
}

function refresh() {
  if (state.refreshing) {
    return;
  }
  state.refreshing = true;
  clearTimeout(state.refreshTimer);
  const work = [
    refreshReady(el),
    refreshRates().then(function () { return chart.refresh(false); }),
    feed.refreshOpenFlags()
  ];
  Promise.all(work.map(function (p) { return p.catch(function () { return null; }); })).then(function () {
    state.refreshing = false;
    state.refreshTimer = setTimeout(refresh, REFRESH_MS);
  });
}

function onPeriodChange(event) {
  if (!event.target || event.target.name !== 'window') {
    return;
  }
  state.period = event.target.value === 'latest' ? 'latest' : 'all';
  if (state.period === 'latest' && !state.latest) {
    setText(el.tableCaption, 'Loading the latest twelve months…');
  }
  table.render();
  refreshTableRates().then(table.render);
}

// ---------------------------------------------------------------- start

function start() {
  el.status = document.getElementById('status');
  el.statusText = document.getElementById('status-text');
  el.asOf = document.getElementById('as-of');
  el.updatedAt = document.getElementById('updated-at');
  el.table = document.getElementById('force-table');
  el.tableCaption = document.getElementById('force-table-caption');
  el.nationalRow = document.getElementById('force-table-national');
  el.latestLabel = document.getElementById('window-latest-label');
  el.forceSelect = document.getElementById('force-select');
  el.chartCanvas = document.getElementById('force-chart');
  el.chartMessage = document.getElementById('chart-message');
  el.chartNote = document.getElementById('chart-note');
  el.chartLegend = document.getElementById('chart-legend');
  el.chartDetails = document.querySelector('.chart-data');
  el.chartTable = document.getElementById('chart-table');
  el.chartTableCaption = document.getElementById('chart-table-caption');
  el.feed = document.getElementById('flag-feed');
  el.feedEmpty = document.getElementById('feed-empty');
  el.feedState = document.getElementById('feed-state');
  el.openFlags = document.getElementById('open-flags');
  el.severityFilter = document.getElementById('severity-filter');

  el.table.tHead.addEventListener('click', table.onSortClick);
  el.table.tBodies[0].addEventListener('click', table.onTableClick);
  document.querySelector('.window-toggle').addEventListener('change', onPeriodChange);
  el.forceSelect.addEventListener('change', function () { chart.selectForce(el.forceSelect.value); });
  el.chartLegend.addEventListener('click', chart.onLegendClick);
  el.severityFilter.addEventListener('change', feed.onSeverityChange);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') {
      refresh();
    }
  });

  const checked = document.querySelector('.window-toggle input:checked');
  state.period = checked && checked.value === 'latest' ? 'latest' : 'all';
  if (typeof window.Chart !== 'function') {
    chart.showMessage(NO_CHART_LIBRARY);
  }
  table.updateSortHeaders();
  table.render();
  loadVocabulary().catch(function () { /* asked again by the refresh */ });
  fetchJson(URLS.forces).then(function (answer) {
    if (answer.ok && answer.json && Array.isArray(answer.json.forces)) {
      state.forces = answer.json.forces;
      table.render();
    }
  }).catch(function () { /* the table then lists the forces with data only */ });
  refresh();
  feed.connect();
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
