/*
 * raidwatch dashboard: national headline, per-force table, rolling-rate chart and live flag feed.
 *
 * Reads the same-origin JSON API (api/rates, api/flags, api/feed, ready). Every text that comes from
 * the API goes into the page through textContent or attributes, never as markup; links are made only
 * for http and https URLs. Plain browser JavaScript, no build step; Chart.js (global Chart) draws the
 * line chart when it is available.
 */
(function () {
  'use strict';

  var REFRESH_MS = 5000;
  var REQUEST_TIMEOUT_MS = 4500;
  var FEED_CAP = 200;
  var SEEN_CAP = 5000;
  var FEED_RETRY_MS = 5000;
  var NATIONAL = 'ALL';
  var NATIONAL_NAME = 'England and Wales';

  /** The three rates: JSON field, its numerator and denominator, words, colour, chart point style. */
  var RATES = [
    { key: 'noReferralRate', count: 'noReferral', of: 'referralKnown', label: 'No NRM referral',
      cls: 'col-noref', color: '#bf4209', phrase: 'no NRM referral', point: 'circle', headline: 'headline-no-referral',
      ofWords: 'raids with referral numbers', unknown: 'referrals not given' },
    { key: 'noVictimsRate', count: 'noVictims', of: 'victimsKnown', label: 'No victims identified',
      cls: 'col-novict', color: '#0b5ea8', phrase: 'no victims identified', point: 'triangle', headline: 'headline-no-victims',
      ofWords: 'raids with victim numbers', unknown: 'victims not given' },
    { key: 'foiResponseRate', count: 'foiAnswered', of: 'foiRequested', label: 'FOI answered',
      cls: 'col-foi', color: '#00704d', phrase: 'FOI answered', point: 'rectRot', headline: 'headline-foi-answered',
      ofWords: 'FOI requests', unknown: 'no FOI request yet' }
  ];

  /** The forces of England and Wales, from api/forces: each gets a row even before it has data. */
  var FORCES = [];

  var SEVERITIES = { HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' };
  var STATUSES = { RAISED: 'Raised', UPDATED: 'Updated', RESOLVED: 'Resolved' };
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  var reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  var numberFormat = new Intl.NumberFormat('en-GB');

  var state = {
    allTime: null,          // last /api/rates?window=all answer
    latest: null,           // last /api/rates?window=latest answer
    period: 'all',          // 'all' or 'latest': the table's window
    sort: { key: 'claimedRaids', dir: 'descending' },
    chartForce: null,       // force the chart shows, or ALL
    chartSeries: null,      // { force: [R...], national: [R...] } of the chart's last data
    hiddenRates: {},        // rate key -> true when switched off in the chart legend
    tableSignature: '',
    chartSignature: '',
    refreshTimer: null,
    refreshing: false
  };

  var el = {};

  // ---------------------------------------------------------------- formatting

  function isNumber(value) {
    return typeof value === 'number' && isFinite(value);
  }

  function formatCount(value) {
    return isNumber(value) ? numberFormat.format(value) : '–';
  }

  function formatRate(rate) {
    return isNumber(rate) ? numberFormat.format(Math.round(rate * 100)) + '%' : '–';
  }

  /** 'YYYY-MM' -> 'Jun 2021'. */
  function formatMonth(windowKey) {
    var m = /^(\d{4})-(\d{2})$/.exec(windowKey || '');
    if (!m) {
      return String(windowKey || '');
    }
    return MONTHS[Number(m[2]) - 1] + ' ' + m[1];
  }

  /** 'YYYY-MM' -> 'Jul 2020 – Jun 2021', the twelve calendar months ending with that month. */
  function formatWindowRange(windowKey) {
    var m = /^(\d{4})-(\d{2})$/.exec(windowKey || '');
    if (!m) {
      return String(windowKey || '');
    }
    var year = Number(m[1]);
    var month = Number(m[2]);          // 1..12, the last month
    var startMonth = month === 12 ? 1 : month + 1;
    var startYear = month === 12 ? year : year - 1;
    return MONTHS[startMonth - 1] + ' ' + startYear + ' – ' + MONTHS[month - 1] + ' ' + year;
  }

  /** 'YYYY-MM-DD' -> '2 Mar 2019' (no time zone involved). */
  function formatDate(date) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date || '');
    if (!m) {
      return String(date || '');
    }
    return Number(m[3]) + ' ' + MONTHS[Number(m[2]) - 1] + ' ' + m[1];
  }

  /** An ISO instant -> '1 Apr 2019, 10:00 UTC'. */
  function formatInstant(instant) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(instant || '');
    if (!m) {
      return String(instant || '');
    }
    var d = new Date(instant);
    if (isNaN(d.getTime())) {
      return formatDate(instant) + ', ' + m[4] + ':' + m[5];
    }
    return d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear() + ', '
      + pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ' UTC';
  }

  function pad2(n) {
    return n < 10 ? '0' + n : String(n);
  }

  function clockTime(date) {
    return pad2(date.getHours()) + ':' + pad2(date.getMinutes()) + ':' + pad2(date.getSeconds());
  }

  function forceName(force) {
    return force === NATIONAL ? NATIONAL_NAME : force;
  }

  /** The URL when it is an absolute http(s) URL, else null. */
  function safeHttpUrl(value) {
    if (typeof value !== 'string' || value.trim() === '') {
      return null;
    }
    try {
      var url = new URL(value.trim());
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function text(value) {
    return value === null || value === undefined ? '' : String(value);
  }

  function make(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content !== undefined && content !== null) {
      node.textContent = String(content);
    }
    return node;
  }

  function setText(node, value) {
    if (node && node.textContent !== value) {
      node.textContent = value;
    }
  }

  // ---------------------------------------------------------------- network

  function fetchJson(url) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    return fetch(url, {
      cache: 'no-store',
      headers: { Accept: 'application/json' },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.text().then(function (body) {
        var json = null;
        try {
          json = body ? JSON.parse(body) : null;
        } catch (e) {
          json = null;
        }
        return { ok: response.ok, status: response.status, json: json };
      });
    }).finally(function () {
      if (timer) {
        clearTimeout(timer);
      }
    });
  }

  function ratesUrl(params) {
    var query = Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]);
    }).join('&');
    return 'api/rates' + (query ? '?' + query : '');
  }

  function ratesOf(answer) {
    return answer && Array.isArray(answer.rates) ? answer.rates.filter(function (r) {
      return r && typeof r.force === 'string';
    }) : [];
  }

  // ---------------------------------------------------------------- status

  function setStatus(kind, words) {
    el.status.setAttribute('data-state', kind);
    setText(el.statusText, words);
  }

  function refreshReady() {
    return fetchJson('ready').then(function (answer) {
      var ready = answer.json && answer.json.ready === true;
      var streamsState = answer.json && typeof answer.json.state === 'string' ? answer.json.state : '';
      if (answer.ok && ready) {
        setStatus('live', 'live');
      } else if (/^(PENDING_SHUTDOWN|NOT_RUNNING)$/.test(streamsState)) {
        setStatus('down', 'stopped');
      } else if (/ERROR/.test(streamsState)) {
        setStatus('down', 'stopped on an error');
      } else {
        setStatus('starting', streamsState && streamsState !== 'CREATED'
          ? 'starting (' + streamsState.toLowerCase().replace(/_/g, ' ') + ')' : 'starting');
      }
    }, function () {
      setStatus('lost', 'connection lost, retrying');
    });
  }

  // ---------------------------------------------------------------- headline

  function renderHeadline(answer) {
    var national = ratesOf(answer).filter(function (r) { return r.force === NATIONAL && r.window === 'all'; })[0] || null;
    RATES.forEach(function (rate) {
      var node = document.getElementById(rate.headline);
      var counts = document.getElementById(rate.headline + '-counts');
      var value = national ? national[rate.key] : null;
      var count = national ? national[rate.count] : null;
      var of = national ? national[rate.of] : null;
      setText(node, formatRate(value));
      node.setAttribute('data-rate', isNumber(value) ? String(value) : '');
      node.setAttribute('data-count', isNumber(count) ? String(count) : '');
      node.setAttribute('data-of', isNumber(of) ? String(of) : '');
      setText(counts, national ? formatCount(count) + ' of ' + formatCount(of) + ' ' + rate.ofWords : 'no figures yet');
    });
    var claimed = national ? national.claimedRaids : null;
    var claimedNode = document.getElementById('headline-claimed');
    setText(claimedNode, formatCount(isNumber(claimed) ? claimed : (national ? 0 : null)));
    claimedNode.setAttribute('data-count', isNumber(claimed) ? String(claimed) : '');
    setText(document.getElementById('headline-claimed-counts'), national
      ? formatCount(national.foiRequested) + ' asked about under FOI, ' + formatCount(national.foiAnswered) + ' answered'
      : 'no figures yet');

    if (answer && typeof answer.asOf === 'string') {
      setText(el.asOf, formatDate(answer.asOf));
      el.asOf.setAttribute('datetime', answer.asOf);
      el.asOf.setAttribute('data-date', answer.asOf);
    }
    if (answer && typeof answer.latestWindow === 'string' && /^\d{4}-\d{2}$/.test(answer.latestWindow)) {
      setText(el.latestLabel, 'Latest twelve months (' + formatWindowRange(answer.latestWindow) + ')');
    }
  }

  // ---------------------------------------------------------------- force table

  function emptyRecord(force, windowKey) {
    return {
      force: force, window: windowKey, claimedRaids: 0, foiRequested: 0, foiAnswered: 0,
      referralKnown: 0, noReferral: 0, victimsKnown: 0, noVictims: 0,
      noReferralRate: null, noVictimsRate: null, foiResponseRate: null, missing: true
    };
  }

  function tableRows(answer, windowKey) {
    var byForce = {};
    ratesOf(answer).forEach(function (r) {
      if (r.force !== NATIONAL) {
        byForce[r.force] = r;
      }
    });
    var names = FORCES.slice();
    Object.keys(byForce).forEach(function (force) {
      if (names.indexOf(force) < 0) {
        names.push(force);
      }
    });
    return names.map(function (force) {
      return byForce[force] || emptyRecord(force, windowKey);
    });
  }

  function compareRows(key, dir) {
    var sign = dir === 'ascending' ? 1 : -1;
    return function (a, b) {
      if (key === 'force') {
        return sign * a.force.localeCompare(b.force, 'en-GB');
      }
      var x = a[key];
      var y = b[key];
      var xKnown = isNumber(x);
      var yKnown = isNumber(y);
      if (xKnown !== yKnown) {
        return xKnown ? -1 : 1;          // unknown rates last, whichever the direction
      }
      if (xKnown && x !== y) {
        return sign * (x - y);
      }
      if ((b.claimedRaids || 0) !== (a.claimedRaids || 0)) {
        return (b.claimedRaids || 0) - (a.claimedRaids || 0);
      }
      return a.force.localeCompare(b.force, 'en-GB');
    };
  }

  function rateCell(record, rate, national) {
    var td = make('td', 'col-rate ' + rate.cls);
    var value = record[rate.key];
    td.setAttribute('data-rate', isNumber(value) ? String(value) : '');
    var cell = make('div', 'rate-cell' + (isNumber(value) ? '' : ' is-null'));
    cell.appendChild(make('span', 'rate-value', formatRate(value)));
    if (!record.claimedRaids) {
      td.appendChild(cell);     // nothing to show but the dash; the force cell says why
      return td;
    }
    var bar = make('span', 'bar');
    bar.setAttribute('aria-hidden', 'true');
    var fill = make('span', 'bar-fill');
    fill.style.width = isNumber(value) ? Math.max(0, Math.min(100, value * 100)).toFixed(1) + '%' : '0';
    bar.appendChild(fill);
    var nationalValue = national ? national[rate.key] : null;
    if (isNumber(nationalValue)) {
      var mark = make('span', 'bar-mark');
      mark.style.left = Math.max(0, Math.min(100, nationalValue * 100)).toFixed(1) + '%';
      bar.appendChild(mark);
    }
    cell.appendChild(bar);
    var counts;
    if (isNumber(record[rate.of]) && record[rate.of] > 0) {
      counts = formatCount(record[rate.count]) + ' of ' + formatCount(record[rate.of]);
    } else if (rate.key !== 'foiResponseRate' && !record.foiAnswered) {
      counts = 'no FOI answer yet';
    } else {
      counts = rate.unknown;
    }
    cell.appendChild(make('span', 'rate-counts', counts));
    td.appendChild(cell);
    return td;
  }

  function forceRow(record, national, selectable) {
    var tr = make('tr');
    tr.setAttribute('data-force', record.force);
    var hasData = record.claimedRaids > 0;
    if (!hasData) {
      tr.className = 'no-data';
    }
    var th = make('th', 'col-force');
    th.setAttribute('scope', 'row');
    if (selectable) {
      var button = make('button', 'force-button', record.force);
      button.type = 'button';
      button.setAttribute('data-force', record.force);
      button.setAttribute('aria-pressed', String(record.force === state.chartForce));
      button.title = 'Show ' + record.force + ' in the chart';
      th.appendChild(button);
    } else {
      th.appendChild(make('span', 'force-button', record.force));
      th.appendChild(make('span', 'force-note', state.period === 'all'
        ? 'no raids claimed as rescues' : 'none claimed as rescues in these twelve months'));
    }
    tr.appendChild(th);
    tr.appendChild(make('td', 'col-num num', formatCount(record.claimedRaids)));
    RATES.forEach(function (rate) {
      tr.appendChild(rateCell(record, rate, national));
    });
    if (record.force === state.chartForce) {
      tr.classList.add('is-selected');
    }
    return tr;
  }

  function renderTable() {
    var answer = state.period === 'latest' ? state.latest : state.allTime;
    var windowKey = state.period === 'latest' ? (answer && answer.latestWindow) || 'latest' : 'all';
    var national = ratesOf(answer).filter(function (r) { return r.force === NATIONAL; })[0] || null;
    if (!answer) {
      setText(el.tableCaption, state.period === 'latest' ? 'Loading the latest twelve months…' : 'Loading the figures…');
      return;
    }
    var rows = tableRows(answer, windowKey).sort(compareRows(state.sort.key, state.sort.dir));
    var selectable = chartForces();

    var signature = JSON.stringify([state.period, state.sort, state.chartForce, rows, national]);
    if (signature === state.tableSignature) {
      return;
    }
    state.tableSignature = signature;

    // Keep keyboard focus on the same force across a re-render.
    var focused = document.activeElement;
    var focusedForce = focused && focused.classList && focused.classList.contains('force-button')
      ? focused.getAttribute('data-force') : null;

    var body = document.createDocumentFragment();
    rows.forEach(function (record) {
      body.appendChild(forceRow(record, national, selectable.indexOf(record.force) >= 0));
    });
    var tbody = el.table.tBodies[0];
    tbody.textContent = '';
    tbody.appendChild(body);

    if (focusedForce) {
      var again = tbody.querySelector('button.force-button[data-force="' + cssEscape(focusedForce) + '"]');
      if (again) {
        again.focus({ preventScroll: true });
      }
    }

    // National row in the footer.
    var foot = el.nationalRow;
    while (foot.cells.length > 1) {
      foot.deleteCell(1);
    }
    var nationalRecord = national || emptyRecord(NATIONAL, windowKey);
    foot.appendChild(make('td', 'col-num num', formatCount(nationalRecord.claimedRaids)));
    RATES.forEach(function (rate) {
      foot.appendChild(rateCell(nationalRecord, rate, null));
    });

    var withData = rows.filter(function (r) { return r.claimedRaids > 0; }).length;
    var period = state.period === 'latest'
      ? (answer && answer.latestWindow ? 'twelve months ' + formatWindowRange(answer.latestWindow) : 'latest twelve months')
      : 'all time';
    setText(el.tableCaption, 'Rates by police force, ' + period + ': ' + numberFormat.format(withData)
      + ' of ' + numberFormat.format(rows.length) + ' forces with raids claimed as rescues');
    el.table.setAttribute('data-window', windowKey);
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, '\\$&');
  }

  function updateSortHeaders() {
    var headers = el.table.tHead.querySelectorAll('th');
    Array.prototype.forEach.call(headers, function (th) {
      var button = th.querySelector('button[data-sort]');
      if (!button) {
        return;
      }
      th.setAttribute('aria-sort', button.getAttribute('data-sort') === state.sort.key ? state.sort.dir : 'none');
    });
  }

  function onSortClick(event) {
    var button = event.target.closest('button[data-sort]');
    if (!button) {
      return;
    }
    var key = button.getAttribute('data-sort');
    if (state.sort.key === key) {
      state.sort.dir = state.sort.dir === 'ascending' ? 'descending' : 'ascending';
    } else {
      // Names read A to Z first; counts and rates highest first.
      state.sort = { key: key, dir: key === 'force' ? 'ascending' : 'descending' };
    }
    updateSortHeaders();
    renderTable();
  }

  function onTableClick(event) {
    var row = event.target.closest('tbody tr[data-force]');
    if (!row) {
      return;
    }
    var force = row.getAttribute('data-force');
    if (chartForces().indexOf(force) < 0) {
      return;
    }
    selectForce(force);
    var chartPanel = document.querySelector('.trend');
    var rect = chartPanel.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) {
      chartPanel.scrollIntoView({ behavior: reduceMotion ? 'auto' : 'smooth', block: 'start' });
    }
  }

  function onPeriodChange(event) {
    if (!event.target || event.target.name !== 'window') {
      return;
    }
    state.period = event.target.value === 'latest' ? 'latest' : 'all';
    if (state.period === 'latest' && !state.latest) {
      setText(el.tableCaption, 'Loading the latest twelve months…');
    }
    renderTable();
    refreshTableRates().then(renderTable);
  }

  // ---------------------------------------------------------------- force select and chart

  /** Forces the chart can show: those with raids claimed as rescues, by name. */
  function chartForces() {
    return ratesOf(state.allTime).filter(function (r) {
      return r.force !== NATIONAL && r.window === 'all' && r.claimedRaids > 0;
    }).map(function (r) { return r.force; }).sort(function (a, b) { return a.localeCompare(b, 'en-GB'); });
  }

  function renderForceSelect() {
    var forces = chartForces();
    if (state.chartForce === null) {
      state.chartForce = initialForce(forces);
    }
    var wanted = [NATIONAL].concat(forces);
    if (wanted.indexOf(state.chartForce) < 0) {
      wanted.push(state.chartForce);  // keep a choice whose data has gone, until the user changes it
    }
    var current = Array.prototype.map.call(el.forceSelect.options, function (o) { return o.value; });
    if (current.join('\n') !== wanted.join('\n')) {
      el.forceSelect.textContent = '';
      wanted.forEach(function (force) {
        var option = make('option', null, forceName(force));
        option.value = force;
        el.forceSelect.appendChild(option);
      });
    }
    if (el.forceSelect.value !== state.chartForce) {
      el.forceSelect.value = state.chartForce;
    }
  }

  /** The force named in ?force=, else the force with most claimed raids, else national. */
  function initialForce(forces) {
    var asked = null;
    try {
      asked = new URLSearchParams(window.location.search).get('force');
    } catch (e) {
      asked = null;
    }
    if (asked && (asked === NATIONAL || forces.indexOf(asked) >= 0)) {
      return asked;
    }
    var best = null;
    ratesOf(state.allTime).forEach(function (r) {
      if (r.force !== NATIONAL && r.window === 'all' && r.claimedRaids > 0
        && (!best || r.claimedRaids > best.claimedRaids)) {
        best = r;
      }
    });
    return best ? best.force : NATIONAL;
  }

  function selectForce(force) {
    if (!force || force === state.chartForce) {
      return;
    }
    state.chartForce = force;
    renderForceSelect();
    renderTable();
    try {
      var url = new URL(window.location.href);
      if (force === NATIONAL) {
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

  function refreshChart(forceChanged) {
    var force = state.chartForce;
    if (!force) {
      return Promise.resolve();
    }
    var latestWindow = state.allTime && state.allTime.latestWindow;
    var requests = [fetchJson(ratesUrl({ force: NATIONAL }))];
    if (force !== NATIONAL) {
      requests.push(fetchJson(ratesUrl({ force: force })));
    }
    return Promise.all(requests).then(function (answers) {
      if (force !== state.chartForce) {
        return;   // the user chose another force meanwhile
      }
      if (!answers.every(function (a) { return a.ok; })) {
        throw new Error('rates answered ' + answers.map(function (a) { return a.status; }).join(', '));
      }
      var national = monthlySeries(answers[0].json, latestWindow);
      var own = force === NATIONAL ? national : monthlySeries(answers[1].json, latestWindow);
      // Windows ending in the data's first eleven months hold less than twelve months of raids:
      // leave them out, unless there is nothing else to show yet.
      var firstFull = national.length ? addMonths(national[0].window, 11) : null;
      if (firstFull && national.some(function (r) { return r.window >= firstFull; })) {
        var full = function (r) { return r.window >= firstFull; };
        national = national.filter(full);
        own = own.filter(full);
      }
      state.chartSeries = { force: force, own: own, national: national };
      renderChart(forceChanged === true);
    }).catch(function () {
      if (!state.chartSeries || state.chartSeries.force !== force) {
        showChartMessage('The rates for ' + forceName(force) + ' could not be loaded; retrying.');
      }
    });
  }

  function showChartMessage(message) {
    el.chartMessage.hidden = !message;
    setText(el.chartMessage, message || '');
  }

  function point(record, rate, label) {
    return {
      x: label,
      y: record && isNumber(record[rate.key]) ? record[rate.key] : null,
      count: record ? record[rate.count] : null,
      of: record ? record[rate.of] : null
    };
  }

  function renderChart(forceChanged) {
    var series = state.chartSeries;
    if (!series) {
      return;
    }
    var signature = JSON.stringify([series, state.hiddenRates]);
    if (signature === state.chartSignature) {
      return;
    }
    state.chartSignature = signature;

    var windows = {};
    series.own.concat(series.national).forEach(function (r) { windows[r.window] = true; });
    var keys = Object.keys(windows).sort();
    var ownBy = index(series.own);
    var nationalBy = index(series.national);
    var labels = keys.map(formatMonth);
    var isNational = series.force === NATIONAL;
    var name = forceName(series.force);

    renderChartTable(keys, ownBy, name);
    describeChart(keys, ownBy, name);

    if (!keys.length) {
      showChartMessage(isNational
        ? 'No twelve-month windows yet.'
        : 'No twelve-month windows yet for ' + name + '.');
    } else if (typeof window.Chart !== 'function') {
      showChartMessage('The chart library is not available; the chart’s figures are in the table below it.');
      el.chartDetails.open = true;
      return;
    } else {
      showChartMessage('');
    }
    if (typeof window.Chart !== 'function') {
      return;
    }

    var datasets = [];
    RATES.forEach(function (rate) {
      datasets.push({
        label: (isNational ? NATIONAL_NAME : name) + ': ' + rate.label,
        data: keys.map(function (k, i) { return point((isNational ? nationalBy : ownBy)[k], rate, labels[i]); }),
        borderColor: rate.color,
        backgroundColor: rate.color,
        borderWidth: 2.5,
        pointStyle: rate.point,
        pointRadius: keys.length > 48 ? 0 : 2.5,
        pointHoverRadius: 5,
        tension: 0.15,
        spanGaps: false,
        clip: 8,
        hidden: !!state.hiddenRates[rate.key],
        rateKey: rate.key
      });
    });
    if (!isNational) {
      RATES.forEach(function (rate) {
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
          hidden: !!state.hiddenRates[rate.key],
          rateKey: rate.key
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
    renderLegend(isNational, name);
  }

  /** 'YYYY-MM' plus n months. */
  function addMonths(windowKey, n) {
    var m = /^(\d{4})-(\d{2})$/.exec(windowKey);
    var months = Number(m[1]) * 12 + Number(m[2]) - 1 + n;
    return Math.floor(months / 12) + '-' + pad2(months % 12 + 1);
  }

  function index(records) {
    var by = {};
    records.forEach(function (r) { by[r.window] = r; });
    return by;
  }

  function chartConfig(labels, datasets) {
    var Chart = window.Chart;
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
            callbacks: {
              title: function (items) {
                return items.length ? 'Twelve months ending ' + items[0].label : '';
              },
              label: function (item) {
                var raw = item.raw || {};
                var counts = isNumber(raw.of) && raw.of > 0 ? ' (' + formatCount(raw.count) + ' of ' + formatCount(raw.of) + ')' : '';
                return item.dataset.label + ': ' + formatRate(raw.y) + counts;
              }
            }
          }
        }
      }
    };
  }

  /** A legend in HTML: the rates as toggle buttons, and which line style is which. */
  function renderLegend(isNational, name) {
    var legend = el.chartLegend;
    var signature = JSON.stringify([isNational, name, state.hiddenRates]);
    if (legend.getAttribute('data-signature') === signature) {
      return;   // unchanged: keep the buttons (and any keyboard focus on them)
    }
    legend.setAttribute('data-signature', signature);
    legend.textContent = '';
    RATES.forEach(function (rate) {
      var button = make('button', 'legend-rate');
      button.type = 'button';
      button.setAttribute('aria-pressed', String(!state.hiddenRates[rate.key]));
      button.setAttribute('data-rate-key', rate.key);
      var swatch = make('span', 'legend-swatch');
      swatch.style.backgroundColor = rate.color;
      swatch.setAttribute('aria-hidden', 'true');
      button.appendChild(swatch);
      button.appendChild(document.createTextNode(rate.label));
      legend.appendChild(button);
    });
    var styles = make('span', 'legend-styles');
    var solid = make('span', 'legend-style');
    solid.appendChild(make('span', 'legend-line solid'));
    solid.appendChild(document.createTextNode(isNational ? NATIONAL_NAME : name));
    styles.appendChild(solid);
    if (!isNational) {
      var dashed = make('span', 'legend-style');
      dashed.appendChild(make('span', 'legend-line dashed'));
      dashed.appendChild(document.createTextNode(NATIONAL_NAME));
      styles.appendChild(dashed);
    }
    legend.appendChild(styles);
  }

  function onLegendClick(event) {
    var button = event.target.closest('button[data-rate-key]');
    if (!button) {
      return;
    }
    var key = button.getAttribute('data-rate-key');
    var visibleCount = RATES.filter(function (r) { return !state.hiddenRates[r.key]; }).length;
    if (!state.hiddenRates[key] && visibleCount === 1) {
      return;   // keep at least one rate on the chart
    }
    state.hiddenRates[key] = !state.hiddenRates[key];
    state.chartSignature = '';
    renderChart(false);
    var again = el.chartLegend.querySelector('button[data-rate-key="' + key + '"]');
    if (again) {
      again.focus();
    }
  }

  function describeChart(keys, ownBy, name) {
    var label;
    if (!keys.length) {
      label = 'Line chart of rolling twelve-month rates for ' + name + ': no data yet.';
    } else {
      var last = ownBy[keys[keys.length - 1]];
      label = 'Line chart of ' + name + '’s rolling twelve-month rates'
        + (name === NATIONAL_NAME ? '' : ' against ' + NATIONAL_NAME)
        + ', twelve months ending ' + formatMonth(keys[0]) + ' to ' + formatMonth(keys[keys.length - 1]) + '.'
        + (last ? ' Latest: ' + RATES.map(function (rate) {
          return rate.phrase + ' ' + formatRate(last[rate.key]);
        }).join(', ') + '.' : '');
    }
    el.chartCanvas.setAttribute('aria-label', label);

  }

  function renderChartTable(keys, ownBy, name) {
    setText(el.chartTableCaption, 'Rolling twelve-month rates, ' + name);
    var tbody = el.chartTable.tBodies[0];
    var rows = document.createDocumentFragment();
    keys.slice().reverse().forEach(function (k) {
      var r = ownBy[k];
      var tr = make('tr');
      var th = make('th', null, formatWindowRange(k));
      th.setAttribute('scope', 'row');
      tr.appendChild(th);
      RATES.forEach(function (rate) {
        tr.appendChild(make('td', null, r
          ? formatRate(r[rate.key]) + (r[rate.of] > 0 ? ' (' + formatCount(r[rate.count]) + ' of ' + formatCount(r[rate.of]) + ')' : '')
          : '–'));
      });
      tr.appendChild(make('td', null, r ? formatCount(r.claimedRaids) : '0'));
      rows.appendChild(tr);
    });
    tbody.textContent = '';
    tbody.appendChild(rows);
  }

  // ---------------------------------------------------------------- rates refresh

  function refreshTableRates() {
    if (state.period !== 'latest') {
      return Promise.resolve();
    }
    return fetchJson(ratesUrl({ window: 'latest' })).then(function (answer) {
      if (answer.ok && answer.json) {
        state.latest = answer.json;
      }
    }, function () { /* keep the last figures */ });
  }

  function refreshRates() {
    return Promise.all([
      fetchJson(ratesUrl({ window: 'all' })),
      refreshTableRates()
    ]).then(function (results) {
      var answer = results[0];
      if (!answer.ok || !answer.json) {
        throw new Error('rates answered ' + answer.status);
      }
      state.allTime = answer.json;
      renderHeadline(answer.json);
      renderForceSelect();
      renderTable();
      var now = new Date();
      setText(el.updatedAt, clockTime(now));
      el.updatedAt.setAttribute('datetime', now.toISOString());
    });
  }

  function refreshOpenFlags() {
    return fetchJson('api/flags?limit=1').then(function (answer) {
      if (answer.ok && answer.json && isNumber(answer.json.total)) {
        setText(el.openFlags, '· ' + formatCount(answer.json.total) + (answer.json.total === 1 ? ' flag open' : ' flags open'));
      }
    }, function () { /* shown by the status */ });
  }

  function refresh() {
    if (state.refreshing) {
      return;
    }
    state.refreshing = true;
    clearTimeout(state.refreshTimer);
    var work = [
      refreshReady(),
      refreshRates().then(function () { return refreshChart(false); }),
      refreshOpenFlags()
    ];
    Promise.all(work.map(function (p) { return p.catch(function () { return null; }); })).then(function () {
      state.refreshing = false;
      state.refreshTimer = setTimeout(refresh, REFRESH_MS);
    });
  }

  // ---------------------------------------------------------------- live feed

  var feed = {
    source: null,
    seen: new Set(),
    seenOrder: [],
    openedAt: 0,
    retryTimer: null
  };

  function flagKey(f) {
    return [f.raidId, f.ruleId, f.status, f.changedAt].map(text).join('|');
  }

  function remember(key) {
    feed.seen.add(key);
    feed.seenOrder.push(key);
    if (feed.seenOrder.length > SEEN_CAP) {
      feed.seen.delete(feed.seenOrder.shift());
    }
  }

  function setFeedState(kind, words) {
    el.feedState.setAttribute('data-state', kind);
    setText(el.feedState, words);
  }

  function flagItem(f) {
    var severity = SEVERITIES[f.severity] ? f.severity : 'LOW';
    var status = STATUSES[f.status] ? f.status : 'RAISED';
    var li = make('li', 'flag sev-' + severity.toLowerCase() + ' status-' + status.toLowerCase());
    li.setAttribute('data-raid-id', text(f.raidId));
    li.setAttribute('data-rule-id', text(f.ruleId));
    li.setAttribute('data-severity', text(f.severity));
    li.setAttribute('data-status', text(f.status));

    var top = make('div', 'flag-top');
    var sev = make('span', 'badge sev-' + severity.toLowerCase(), SEVERITIES[f.severity] || text(f.severity) || 'Unknown');
    sev.appendChild(make('span', 'visually-hidden', ' severity'));
    top.appendChild(sev);
    top.appendChild(make('span', 'badge status status-' + status.toLowerCase(), STATUSES[f.status] || text(f.status)));
    top.appendChild(make('span', 'flag-force', forceName(text(f.force))));
    var raid = make('span', 'flag-raid', text(f.raidId));
    raid.title = 'Raid id';
    top.appendChild(raid);
    var rule = make('span', 'flag-rule', text(f.ruleId));
    rule.title = 'Rule';
    top.appendChild(rule);
    li.appendChild(top);

    li.appendChild(make('p', 'flag-explanation', text(f.explanation)));

    var meta = make('div', 'flag-meta');
    if (f.raidDate) {
      var raidDate = make('span');
      raidDate.appendChild(document.createTextNode('Raid on '));
      var time = make('time', null, formatDate(f.raidDate));
      time.setAttribute('datetime', text(f.raidDate));
      raidDate.appendChild(time);
      meta.appendChild(raidDate);
    }
    if (f.foiReference) {
      var reference = text(f.foiReference);
      var ref = make('span', null, /^foi/i.test(reference) ? reference : 'FOI ' + reference);
      ref.title = 'The force’s FOI reference';
      meta.appendChild(ref);
    }
    var href = safeHttpUrl(f.sourceUrl);
    if (href) {
      var link = make('a', 'flag-source', 'Press article');
      link.href = href;
      link.target = '_blank';
      link.rel = 'noopener';
      link.appendChild(make('span', 'visually-hidden', ' (opens in a new tab)'));
      var arrow = make('span', null, ' ↗');
      arrow.setAttribute('aria-hidden', 'true');
      link.appendChild(arrow);
      meta.appendChild(link);
    }
    if (f.changedAt) {
      var changed = make('span');
      changed.appendChild(document.createTextNode(status === 'RESOLVED' ? 'Resolved ' : 'Found '));
      var at = make('time', null, formatInstant(f.changedAt));
      at.setAttribute('datetime', text(f.changedAt));
      changed.appendChild(at);
      meta.appendChild(changed);
    }
    li.appendChild(meta);
    return li;
  }

  function applySeverityFilter(li) {
    var wanted = el.severityFilter.value;
    li.hidden = !!wanted && li.getAttribute('data-severity') !== wanted;
  }

  function updateFeedEmpty() {
    var items = el.feed.children;
    var visible = 0;
    for (var i = 0; i < items.length; i++) {
      if (!items[i].hidden) {
        visible++;
      }
    }
    el.feedEmpty.hidden = visible > 0;
    el.feed.classList.toggle('all-hidden', visible === 0);
    setText(el.feedEmpty, items.length ? 'No flag changes of this severity among the latest ' + formatCount(items.length) + '.' : 'No flag changes yet.');
  }

  function onFlag(event) {
    var f;
    try {
      f = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (!f || typeof f !== 'object') {
      return;
    }
    var key = flagKey(f);
    if (feed.seen.has(key)) {
      return;   // sent again after a reconnection
    }
    remember(key);
    var li = flagItem(f);
    if (Date.now() - feed.openedAt > 1500) {
      li.classList.add('is-new');
    }
    applySeverityFilter(li);
    el.feed.insertBefore(li, el.feed.firstChild);
    while (el.feed.children.length > FEED_CAP) {
      el.feed.removeChild(el.feed.lastElementChild);
    }
    updateFeedEmpty();
  }

  function connectFeed() {
    clearTimeout(feed.retryTimer);
    if (typeof window.EventSource !== 'function') {
      setFeedState('lost', 'This browser cannot show the live feed.');
      return;
    }
    if (feed.source) {
      feed.source.close();
    }
    setFeedState('connecting', 'Connecting to the feed…');
    var source = new EventSource('api/feed');
    feed.source = source;
    source.addEventListener('open', function () {
      feed.openedAt = Date.now();
      setFeedState('open', 'Live: new changes appear at the top.');
    });
    source.addEventListener('flag', onFlag);
    source.addEventListener('message', onFlag);
    source.addEventListener('error', function () {
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. an error status); try again ourselves.
        setFeedState('lost', 'Feed lost, retrying…');
        source.close();
        feed.retryTimer = setTimeout(connectFeed, FEED_RETRY_MS);
      } else {
        // The browser reconnects by itself; changes sent meanwhile come with the replay.
        setFeedState('reconnecting', 'Reconnecting to the feed…');
      }
    });
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

    el.table.tHead.addEventListener('click', onSortClick);
    el.table.tBodies[0].addEventListener('click', onTableClick);
    document.querySelector('.window-toggle').addEventListener('change', onPeriodChange);
    el.forceSelect.addEventListener('change', function () { selectForce(el.forceSelect.value); });
    el.chartLegend.addEventListener('click', onLegendClick);
    el.severityFilter.addEventListener('change', function () {
      Array.prototype.forEach.call(el.feed.children, applySeverityFilter);
      updateFeedEmpty();
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') {
        refresh();
      }
    });

    var checked = document.querySelector('.window-toggle input:checked');
    state.period = checked && checked.value === 'latest' ? 'latest' : 'all';
    if (typeof window.Chart !== 'function') {
      showChartMessage('The chart library is not available; the chart’s figures are in the table below it.');
    }
    updateSortHeaders();
    renderTable();
    fetchJson('api/forces').then(function (answer) {
      if (answer.ok && answer.json && Array.isArray(answer.json.forces)) {
        FORCES = answer.json.forces;
        renderTable();
      }
    }).catch(function () { /* the table then lists the forces with data only */ });
    refresh();
    connectFeed();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
