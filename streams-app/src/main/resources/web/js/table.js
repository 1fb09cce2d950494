/*
 * The per-force table: every force of England and Wales (from api/forces) with its claimed raids
 * and rates over the chosen period, sortable by each column, the national row in its footer.
 * Choosing a force shows it in the chart.
 */

import { ratesOf } from './api.js';
import { formatCount, formatInterval, formatRate, formatWindowRange, isNumber, lowBaseWhy, numberFormat, rateBase } from './format.js';
import { cssEscape, make, reduceMotion, setText } from './dom.js';
import { FOI_RATE } from './rates.js';
import { emptyRecord, rateNamed } from './vocabulary.js';

/**
 * options: state (period, sort, chartForce, forces, allTime, latest, vocabulary, tableSignature),
 * el (the page's elements), chartForces() (the forces the chart can show) and selectForce(force).
 */
export function createForceTable(options) {
  const state = options.state;
  const el = options.el;

  function tableRows(answer, windowKey, vocabulary) {
    const byForce = {};
    ratesOf(answer).forEach(function (r) {
      if (r.force !== vocabulary.national) {
        byForce[r.force] = r;
      }
    });
    const names = state.forces.slice();
    Object.keys(byForce).forEach(function (force) {
      if (names.indexOf(force) < 0) {
        names.push(force);
      }
    });
    return names.map(function (force) {
      return byForce[force] || emptyRecord(vocabulary, force, windowKey);
    });
  }

  function compareRows(key, dir) {
    const sign = dir === 'ascending' ? 1 : -1;
    return function (a, b) {
      if (key === 'force') {
        return sign * a.force.localeCompare(b.force, 'en-GB');
      }
      const x = a[key];
      const y = b[key];
      const xKnown = isNumber(x);
      const yKnown = isNumber(y);
      if (xKnown !== yKnown) {
        return xKnown ? -1 : 1;          // unknown rates last, whichever the direction
      }
      const xLow = a[key + 'LowBase'] === true;
      const yLow = b[key + 'LowBase'] === true;
      if (xLow !== yLow) {
        return xLow ? 1 : -1;            // then low-base rates, after every rate that rests on enough
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

  function rateCell(record, rate, national, foi) {
    const td = make('td', 'col-rate ' + rate.cls);
    const base = rateBase(record, rate);
    const value = base.value;
    td.setAttribute('data-rate', isNumber(value) ? String(value) : '');
    td.setAttribute('data-low', isNumber(base.low) ? String(base.low) : '');
    td.setAttribute('data-high', isNumber(base.high) ? String(base.high) : '');
    td.setAttribute('data-low-base', String(base.lowBase));
    const cell = make('div', 'rate-cell' + (isNumber(value) ? '' : ' is-null') + (base.lowBase ? ' is-low-base' : ''));
    if (base.lowBase) {
      cell.title = lowBaseWhy(base, rate, state.vocabulary);
    }
    cell.appendChild(make('span', 'rate-value', formatRate(value)));
    if (!record.claimedRaids) {
      td.appendChild(cell);     // nothing to show but the dash; the force cell says why
      return td;
    }
    const bar = make('span', 'bar');
    bar.setAttribute('aria-hidden', 'true');
    const fill = make('span', 'bar-fill');
    fill.style.width = isNumber(value) ? Math.max(0, Math.min(100, value * 100)).toFixed(1) + '%' : '0';
    bar.appendChild(fill);
    if (isNumber(base.low) && isNumber(base.high)) {
      // The 95% interval as a band across the bar
      const band = make('span', 'bar-interval');
      band.style.left = (base.low * 100).toFixed(1) + '%';
      band.style.width = Math.max(0.5, (base.high - base.low) * 100).toFixed(1) + '%';
      bar.appendChild(band);
    }
    const nationalValue = national ? national[rate.name] : null;
    if (isNumber(nationalValue)) {
      const mark = make('span', 'bar-mark');
      mark.style.left = Math.max(0, Math.min(100, nationalValue * 100)).toFixed(1) + '%';
      bar.appendChild(mark);
    }
    cell.appendChild(bar);
    let counts;
    if (isNumber(record[rate.outOf]) && record[rate.outOf] > 0) {
      const interval = formatInterval(base.low, base.high);
      counts = formatCount(record[rate.counted]) + ' of ' + formatCount(record[rate.outOf])
        + (interval ? ' · ' + interval : '') + (base.lowBase ? ' · low base' : '');
    } else if (foi && rate.name !== foi.name && !record[foi.counted]) {
      counts = 'no FOI answer yet';
    } else {
      counts = rate.unknown;
    }
    cell.appendChild(make('span', 'rate-counts', counts));
    td.appendChild(cell);
    return td;
  }

  function forceRow(record, national, selectable, vocabulary, foi) {
    const tr = make('tr');
    tr.setAttribute('data-force', record.force);
    const hasData = record.claimedRaids > 0;
    if (!hasData) {
      tr.className = 'no-data';
    }
    const th = make('th', 'col-force');
    th.setAttribute('scope', 'row');
    if (selectable) {
      const button = make('button', 'force-button', record.force);
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
    vocabulary.rates.forEach(function (rate) {
      tr.appendChild(rateCell(record, rate, national, foi));
    });
    if (record.force === state.chartForce) {
      tr.classList.add('is-selected');
    }
    return tr;
  }

  /** Draws the table from the last answer of the chosen period; nothing changes when nothing would. */
  function render() {
    const vocabulary = state.vocabulary;
    const answer = state.period === 'latest' ? state.latest : state.allTime;
    if (!answer || !vocabulary) {
      setText(el.tableCaption, state.period === 'latest' ? 'Loading the latest twelve months…' : 'Loading the figures…');
      return;
    }
    const windowKey = state.period === 'latest' ? answer.latestWindow || vocabulary.latest : vocabulary.allTime;
    const national = ratesOf(answer).filter(function (r) { return r.force === vocabulary.national; })[0] || null;
    const rows = tableRows(answer, windowKey, vocabulary).sort(compareRows(state.sort.key, state.sort.dir));
    const selectable = options.chartForces();

    const signature = JSON.stringify([state.period, state.sort, state.chartForce, rows, national]);
    if (signature === state.tableSignature) {
      return;
    }
    state.tableSignature = signature;

    // Keep keyboard focus on the same force across a re-render.
    const focused = document.activeElement;
    const focusedForce = focused && focused.classList && focused.classList.contains('force-button')
      ? focused.getAttribute('data-force') : null;

    const foi = rateNamed(vocabulary, FOI_RATE);
    const body = document.createDocumentFragment();
    rows.forEach(function (record) {
      body.appendChild(forceRow(record, national, selectable.indexOf(record.force) >= 0, vocabulary, foi));
    });
    const tbody = el.table.tBodies[0];
    tbody.textContent = '';
    tbody.appendChild(body);

    if (focusedForce) {
      const again = tbody.querySelector('button.force-button[data-force="' + cssEscape(focusedForce) + '"]');
      if (again) {
        again.focus({ preventScroll: true });
      }
    }

    // National row in the footer.
    const foot = el.nationalRow;
    while (foot.cells.length > 1) {
      foot.deleteCell(1);
    }
    const nationalRecord = national || emptyRecord(vocabulary, vocabulary.national, windowKey);
    foot.appendChild(make('td', 'col-num num', formatCount(nationalRecord.claimedRaids)));
    vocabulary.rates.forEach(function (rate) {
      foot.appendChild(rateCell(nationalRecord, rate, null, foi));
    });

    const withData = rows.filter(function (r) { return r.claimedRaids > 0; }).length;
    const period = state.period === 'latest'
      ? (answer.latestWindow ? 'twelve months ' + formatWindowRange(answer.latestWindow, vocabulary.rollingMonths) : 'latest twelve months')
      : 'all time';
    setText(el.tableCaption, 'Rates by police force, ' + period + ': ' + numberFormat.format(withData)
      + ' of ' + numberFormat.format(rows.length) + ' forces with raids claimed as rescues');
    el.table.setAttribute('data-window', windowKey);
  }

  function updateSortHeaders() {
    const headers = el.table.tHead.querySelectorAll('th');
    Array.prototype.forEach.call(headers, function (th) {
      const button = th.querySelector('button[data-sort]');
      if (!button) {
        return;
      }
      th.setAttribute('aria-sort', button.getAttribute('data-sort') === state.sort.key ? state.sort.dir : 'none');
    });
  }

  function onSortClick(event) {
    const button = event.target.closest('button[data-sort]');
    if (!button) {
      return;
    }
    const key = button.getAttribute('data-sort');
    if (state.sort.key === key) {
      state.sort.dir = state.sort.dir === 'ascending' ? 'descending' : 'ascending';
    } else {
      // Names read A to Z first; counts and rates highest first.
      state.sort = { key: key, dir: key === 'force' ? 'ascending' : 'descending' };
    }
    updateSortHeaders();
    render();
  }

  function onTableClick(event) {
    const row = event.target.closest('tbody tr[data-force]');
    if (!row) {
      return;
    }
    const force = row.getAttribute('data-force');
    if (options.chartForces().indexOf(force) < 0) {
      return;
    }
    options.selectForce(force);
    const chartPanel = document.querySelector('.trend');
    const rect = chartPanel.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) {
      chartPanel.scrollIntoView({ behavior: reduceMotion ? 'auto' : 'smooth', block: 'start' });
    }
  }

  return { render: render, updateSortHeaders: updateSortHeaders, onSortClick: onSortClick, onTableClick: onTableClick };
}
