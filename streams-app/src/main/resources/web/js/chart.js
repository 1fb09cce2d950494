/*
 * The force select and the rolling-rate chart: a force's rolling rates against the national line
 * (Chart.js, the global Chart, when it is available), its HTML legend that switches rates on and
 * off, its description for screen readers and the same figures as a table.
 */

import { fetchJson, ratesOf, ratesUrl } from './api.js';
import { addMonths, formatCount, formatInterval, formatMonth, formatRate, formatWindowRange, isNumber, rateBase } from './format.js';
import { make, reduceMotion, setText } from './dom.js';
import { NATIONAL_NAME } from './rates.js';
import { forceName } from './vocabulary.js';

export const NO_CHART_LIBRARY = 'The chart library is not available; the chart’s figures are in the table below it.';

/**
 * options: state (allTime, vocabulary, chartForce, chartSeries, hiddenRates, chartSignature, chart),
 * el (the page's elements) and renderTable() (the table marks the chosen force).
 */
export function createChart(options) {
  const state = options.state;
  const el = options.el;

  /** Forces the chart can show: those with raids claimed as rescues, by name. */
  function chartForces() {
    const vocabulary = state.vocabulary;
    if (!vocabulary) {
      return [];
    }
    return ratesOf(state.allTime).filter(function (r) {
      return r.force !== vocabulary.national && r.window === vocabulary.allTime && r.claimedRaids > 0;
    }).map(function (r) { return r.force; }).sort(function (a, b) { return a.localeCompare(b, 'en-GB'); });
  }

  function renderForceSelect() {
    const vocabulary = state.vocabulary;
    const forces = chartForces();
    if (state.chartForce === null) {
      state.chartForce = initialForce(forces, vocabulary);
    }
    const wanted = [vocabulary.national].concat(forces);
    if (wanted.indexOf(state.chartForce) < 0) {
      wanted.push(state.chartForce);  // keep a choice whose data has gone, until the user changes it
    }
    const current = Array.prototype.map.call(el.forceSelect.options, function (o) { return o.value; });
    if (current.join('\n') !== wanted.join('\n')) {
      el.forceSelect.textContent = '';
      wanted.forEach(function (force) {
        const option = make('option', null, forceName(vocabulary, force));
        option.value = force;
        el.forceSelect.appendChild(option);
      });
    }
    if (el.forceSelect.value !== state.chartForce) {
      el.forceSelect.value = state.chartForce;
    }
  }

  /** The force named in ?force=, else the force with most claimed raids, else national. */
  function initialForce(forces, vocabulary) {
    let asked = null;
    try {
      asked = new URLSearchParams(window.location.search).get('force');
    } catch (e) {
      asked = null;
    }
    if (asked && (asked === vocabulary.national || forces.indexOf(asked) >= 0)) {
      return asked;
    }
    let best = null;
    ratesOf(state.allTime).forEach(function (r) {
      if (r.force !== vocabulary.national && r.window === vocabulary.allTime && r.claimedRaids > 0
        && (!best || r.claimedRaids > best.claimedRaids)) {
        best = r;
      }
    });
    return best ? best.force : vocabulary.national;
  }

  function selectForce(force) {
    const vocabulary = state.vocabulary;
    if (!force || force === state.chartForce || !vocabulary) {
      return;
    }
    state.chartForce = force;
    renderForceSelect();
    options.renderTable();
    try {
      const url = new URL(window.location.href);
      if (force === vocabulary.national) {
        url.searchParams.delete('force');
      } else {
        url.searchParams.set('force', force);
      }
      window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    } catch (e) {
      // history unavailable (e.g. file:); the choice still holds for this page
    }
    state.chartSignature = '';
    refreshChart(true);
  }

  function monthlySeries(answer, latestWindow) {
    return ratesOf(answer).filter(function (r) {
      return /^\d{4}-\d{2}$/.test(r.window) && (!latestWindow || r.window <= latestWindow);
    }).sort(function (a, b) { return a.window < b.window ? -1 : a.window > b.window ? 1 : 0; });
  }

  /** Fetches the chosen force's and the national rolling rates, then draws them. */
  function refreshChart(forceChanged) {
    const force = state.chartForce;
    const vocabulary = state.vocabulary;
    if (!force || !vocabulary) {
      return Promise.resolve();
    }
    const latestWindow = state.allTime && state.allTime.latestWindow;
    const requests = [fetchJson(ratesUrl({ force: vocabulary.national }))];
    if (force !== vocabulary.national) {
      requests.push(fetchJson(ratesUrl({ force: force })));
    }
    return Promise.all(requests).then(function (answers) {
      if (force !== state.chartForce) {
        return;   // the user chose another force meanwhile
      }
      if (!answers.every(function (a) { return a.ok; })) {
        throw new Error('rates answered ' + answers.map(function (a) { return a.status; }).join(', '));
      }
      let national = monthlySeries(answers[0].json, latestWindow);
      let own = force === vocabulary.national ? national : monthlySeries(answers[1].json, latestWindow);
      // Windows ending in the data's first months (all but the last of a rolling window) hold less
      // than a whole window of raids: leave them out, unless there is nothing else to show yet.
      const firstFull = national.length ? addMonths(national[0].window, vocabulary.rollingMonths - 1) : null;
      if (firstFull && national.some(function (r) { return r.window >= firstFull; })) {
        const full = function (r) { return r.window >= firstFull; };
        national = national.filter(full);
        own = own.filter(full);
      }
      state.chartSeries = { force: force, own: own, national: national };
      renderChart(forceChanged === true);
    }).catch(function () {
      if (!state.chartSeries || state.chartSeries.force !== force) {
        showChartMessage('The rates for ' + forceName(vocabulary, force) + ' could not be loaded; retrying.');
      }
    });
  }

  function showChartMessage(message) {
    el.chartMessage.hidden = !message;
    setText(el.chartMessage, message || '');
  }

  function point(record, rate, label) {
    const base = rateBase(record, rate);
    return { x: label, y: base.value, count: base.count, of: base.of, low: base.low, high: base.high, lowBase: base.lowBase };
  }

  /** A point of an interval's edge: y the low or the high bound. */
  function edge(record, rate, label, bound) {
    const base = rateBase(record, rate);
    return { x: label, y: base[bound] };
  }

  function renderChart(forceChanged) {
    const series = state.chartSeries;
    const vocabulary = state.vocabulary;
    if (!series || !vocabulary) {
      return;
    }
    const signature = JSON.stringify([series, state.hiddenRates]);
    if (signature === state.chartSignature) {
      return;
    }
    state.chartSignature = signature;

    const windows = {};
    series.own.concat(series.national).forEach(function (r) { windows[r.window] = true; });
    const keys = Object.keys(windows).sort();
    const ownBy = index(series.own);
    const nationalBy = index(series.national);
    const labels = keys.map(formatMonth);
    const isNational = series.force === vocabulary.national;
    const name = forceName(vocabulary, series.force);

    renderChartTable(keys, ownBy, name, vocabulary);
    describeChart(keys, ownBy, name, vocabulary);

    if (!keys.length) {
      showChartMessage(isNational
        ? 'No twelve-month windows yet.'
        : 'No twelve-month windows yet for ' + name + '.');
    } else if (typeof window.Chart !== 'function') {
      showChartMessage(NO_CHART_LIBRARY);
      el.chartDetails.open = true;
      return;
    } else {
      showChartMessage('');
    }
    if (typeof window.Chart !== 'function') {
      return;
    }

    const datasets = [];
    const shownBy = isNational ? nationalBy : ownBy;
    vocabulary.rates.forEach(function (rate) {
      // The 95% interval as a band: its high edge, then its low edge filled up to it
      datasets.push({
        label: rate.label + ' 95% interval, high', band: true,
        data: keys.map(function (k, i) { return edge(shownBy[k], rate, labels[i], 'high'); }),
        borderWidth: 0, pointRadius: 0, pointHoverRadius: 0, fill: false, spanGaps: false, tension: 0.15,
        hidden: !!state.hiddenRates[rate.name], rateKey: rate.name
      });
      datasets.push({
        label: rate.label + ' 95% interval, low', band: true,
        data: keys.map(function (k, i) { return edge(shownBy[k], rate, labels[i], 'low'); }),
        borderWidth: 0, pointRadius: 0, pointHoverRadius: 0, fill: '-1', backgroundColor: rate.color + '22',
        spanGaps: false, tension: 0.15, hidden: !!state.hiddenRates[rate.name], rateKey: rate.name
      });
    });
    vocabulary.rates.forEach(function (rate) {
      const dense = keys.length > 48;
      datasets.push({
        label: (isNational ? NATIONAL_NAME : name) + ': ' + rate.label,
        data: keys.map(function (k, i) { return point(shownBy[k], rate, labels[i]); }),
        borderColor: rate.color,
        backgroundColor: rate.color,
        borderWidth: 2.5,
        pointStyle: rate.point,
        // A low-base point is drawn hollow, and the line into or out of it dashed: never as solid as the rest
        pointRadius: function (ctx) { return ctx.raw && ctx.raw.lowBase ? 3.5 : (dense ? 0 : 2.5); },
        pointBackgroundColor: function (ctx) { return ctx.raw && ctx.raw.lowBase ? '#ffffff' : rate.color; },
        segment: {
          borderDash: function (ctx) {
            const data = ctx.chart.data.datasets[ctx.datasetIndex].data;
            return lowBaseAt(data[ctx.p0DataIndex]) || lowBaseAt(data[ctx.p1DataIndex]) ? [3, 3] : undefined;
          }
        },
        pointHoverRadius: 5,
        tension: 0.15,
        spanGaps: false,
        clip: 8,
        hidden: !!state.hiddenRates[rate.name],
        rateKey: rate.name
      });
    });
    if (!isNational) {
      vocabulary.rates.forEach(function (rate) {
        datasets.push({
          label: NATIONAL_NAME + ': ' + rate.label,
          data: keys.map(function (k, i) { return point(nationalBy[k], rate, labels[i]); }),
          borderColor: rate.color + '99',
          backgroundColor: rate.color + '99',
          borderWidth: 1.5,
          borderDash: [6, 4],
          pointRadius: 0,
          pointHoverRadius: 3,
          pointStyle: rate.point,
          tension: 0.15,
          spanGaps: false,
          clip: 8,
          hidden: !!state.hiddenRates[rate.name],
          rateKey: rate.name
        });
      });
    }

    if (!state.chart) {
      state.chart = new window.Chart(el.chartCanvas, chartConfig(labels, datasets));
    } else {
      state.chart.data.labels = labels;
      state.chart.data.datasets = datasets;
      state.chart.update(forceChanged && !reduceMotion ? undefined : 'none');
    }
    renderLegend(isNational, name, vocabulary);
  }

  function lowBaseAt(dataPoint) {
    return !!(dataPoint && dataPoint.lowBase);
  }

  function index(records) {
    const by = {};
    records.forEach(function (r) { by[r.window] = r; });
    return by;
  }

  function chartConfig(labels, datasets) {
    const Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = 12;
    Chart.defaults.color = '#4b5360';
    return {
      type: 'line',
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 350 },
        interaction: { mode: 'index', intersect: false },
        layout: { padding: { top: 4, right: 8 } },
        scales: {
          x: {
            grid: { display: false },
            ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 10 },
            title: { display: true, text: 'Twelve months ending' }
          },
          y: {
            min: 0,
            max: 1,
            ticks: { stepSize: 0.2, callback: function (v) { return Math.round(v * 100) + '%'; } },
            grid: { color: '#e4e7ec' }
          }
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            backgroundColor: 'rgba(20, 33, 58, 0.95)',
            padding: 10,
            boxPadding: 4,
            usePointStyle: true,
            filter: function (item) { return !item.dataset.band; },
            callbacks: {
              title: function (items) {
                return items.length ? 'Twelve months ending ' + items[0].label : '';
              },
              label: function (item) {
                const raw = item.raw || {};
                const interval = formatInterval(raw.low, raw.high);
                const counts = isNumber(raw.of) && raw.of > 0 ? ' (' + formatCount(raw.count) + ' of ' + formatCount(raw.of)
                  + (interval ? '; 95% interval ' + interval : '') + (raw.lowBase ? '; low base' : '') + ')' : '';
                return item.dataset.label + ': ' + formatRate(raw.y) + counts;
              }
            }
          }
        }
      }
    };
  }

  /** A legend in HTML: the rates as toggle buttons, and which line style is which. */
  function renderLegend(isNational, name, vocabulary) {
    const legend = el.chartLegend;
    const signature = JSON.stringify([isNational, name, state.hiddenRates]);
    if (legend.getAttribute('data-signature') === signature) {
      return;   // unchanged: keep the buttons (and any keyboard focus on them)
    }
    legend.setAttribute('data-signature', signature);
    legend.textContent = '';
    vocabulary.rates.forEach(function (rate) {
      const button = make('button', 'legend-rate');
      button.type = 'button';
      button.setAttribute('aria-pressed', String(!state.hiddenRates[rate.name]));
      button.setAttribute('data-rate-key', rate.name);
      const swatch = make('span', 'legend-swatch');
      swatch.style.backgroundColor = rate.color;
      swatch.setAttribute('aria-hidden', 'true');
      button.appendChild(swatch);
      button.appendChild(document.createTextNode(rate.label));
      legend.appendChild(button);
    });
    const styles = make('span', 'legend-styles');
    const solid = make('span', 'legend-style');
    solid.appendChild(make('span', 'legend-line solid'));
    solid.appendChild(document.createTextNode(isNational ? NATIONAL_NAME : name));
    styles.appendChild(solid);
    if (!isNational) {
      const dashed = make('span', 'legend-style');
      dashed.appendChild(make('span', 'legend-line dashed'));
      dashed.appendChild(document.createTextNode(NATIONAL_NAME));
      styles.appendChild(dashed);
    }
    const band = make('span', 'legend-style');
    band.appendChild(make('span', 'legend-band'));
    band.appendChild(document.createTextNode('95% interval'));
    styles.appendChild(band);
    if (vocabulary.lowBaseBelow) {
      const low = make('span', 'legend-style');
      low.appendChild(make('span', 'legend-hollow'));
      low.appendChild(document.createTextNode('low base (fewer than ' + formatCount(vocabulary.lowBaseBelow) + ' underneath)'));
      styles.appendChild(low);
    }
    legend.appendChild(styles);
  }

  function onLegendClick(event) {
    const button = event.target.closest('button[data-rate-key]');
    if (!button || !state.vocabulary) {
      return;
    }
    const key = button.getAttribute('data-rate-key');
    const visibleCount = state.vocabulary.rates.filter(function (r) { return !state.hiddenRates[r.name]; }).length;
    if (!state.hiddenRates[key] && visibleCount === 1) {
      return;   // keep at least one rate on the chart
    }
    state.hiddenRates[key] = !state.hiddenRates[key];
    state.chartSignature = '';
    renderChart(false);
    const again = el.chartLegend.querySelector('button[data-rate-key="' + key + '"]');
    if (again) {
      again.focus();
    }
  }

  function describeChart(keys, ownBy, name, vocabulary) {
    let label;
    if (!keys.length) {
      label = 'Line chart of rolling twelve-month rates for ' + name + ': no data yet.';
    } else {
      const last = ownBy[keys[keys.length - 1]];
      label = 'Line chart of ' + name + '’s rolling twelve-month rates'
        + (name === NATIONAL_NAME ? '' : ' against ' + NATIONAL_NAME)
        + ', twelve months ending ' + formatMonth(keys[0]) + ' to ' + formatMonth(keys[keys.length - 1]) + '.'
        + (last ? ' Latest: ' + vocabulary.rates.map(function (rate) {
          return rate.phrase + ' ' + formatRate(last[rate.name]);
        }).join(', ') + '.' : '');
    }
    el.chartCanvas.setAttribute('aria-label', label);
  }

  function renderChartTable(keys, ownBy, name, vocabulary) {
    setText(el.chartTableCaption, 'Rolling twelve-month rates, ' + name);
    const tbody = el.chartTable.tBodies[0];
    const rows = document.createDocumentFragment();
    keys.slice().reverse().forEach(function (k) {
      const r = ownBy[k];
      const tr = make('tr');
      const th = make('th', null, formatWindowRange(k, vocabulary.rollingMonths));
      th.setAttribute('scope', 'row');
      tr.appendChild(th);
      vocabulary.rates.forEach(function (rate) {
        const base = rateBase(r, rate);
        const interval = formatInterval(base.low, base.high);
        const td = make('td', base.lowBase ? 'is-low-base' : null, r
          ? formatRate(base.value) + (base.of > 0 ? ' (' + formatCount(base.count) + ' of ' + formatCount(base.of)
            + (interval ? '; ' + interval : '') + (base.lowBase ? '; low base' : '') + ')' : '')
          : '–');
        td.setAttribute('data-low-base', String(base.lowBase));
        tr.appendChild(td);
      });
      tr.appendChild(make('td', null, r ? formatCount(r.claimedRaids) : '0'));
      rows.appendChild(tr);
    });
    tbody.textContent = '';
    tbody.appendChild(rows);
  }

  return {
    chartForces: chartForces,
    renderForceSelect: renderForceSelect,
    selectForce: selectForce,
    refresh: refreshChart,
    showMessage: showChartMessage,
    onLegendClick: onLegendClick
  };
}
