/*
 * The report's scripts: sorting the tables, filtering the cases, drawing the rolling charts. The
 * figures themselves are in the page's HTML; this only arranges them. Everything it draws from is
 * inline (#report-data, the Chart.js library above it); it asks for nothing over the network.
 */
(function () {
  'use strict';
  document.body.classList.add('scripted');
  var data = JSON.parse(document.getElementById('report-data').textContent);

  // ---- sorting: a column's heading sorts by it; rates: known ones first, then low-base, then none
  function sortValue(cell, kind) {
    if (kind === 'text') {
      return cell.textContent.trim();
    }
    if (kind === 'number') {
      return Number(cell.getAttribute('data-value'));
    }
    var rate = cell.getAttribute('data-rate');
    return {
      group: rate === '' ? 2 : cell.getAttribute('data-low-base') === 'true' ? 1 : 0,
      value: rate === '' ? 0 : Number(rate)
    };
  }

  function sortTable(table, column, kind, ascending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = ascending ? 1 : -1;
    rows.sort(function (a, b) {
      var x = sortValue(a.cells[column], kind);
      var y = sortValue(b.cells[column], kind);
      if (kind === 'text') {
        return sign * x.localeCompare(y, 'en-GB');
      }
      if (kind === 'number') {
        return sign * (x - y) || a.cells[0].textContent.localeCompare(b.cells[0].textContent, 'en-GB');
      }
      if (x.group !== y.group) {
        return x.group - y.group;      // whichever the direction
      }
      return sign * (x.value - y.value) || a.cells[0].textContent.localeCompare(b.cells[0].textContent, 'en-GB');
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, column) {
      var kind = th.getAttribute('data-sort');
      var button = th.querySelector('button');
      if (!kind || !button) {
        return;
      }
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') === 'descending' || (th.getAttribute('aria-sort') !== 'ascending' && kind === 'text');
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        sortTable(table, column, kind, ascending);
      });
    });
  });

  // ---- filtering the cases
  var filters = ['rule', 'change', 'severity', 'force', 'status'].map(function (name) {
    return { name: name, select: document.getElementById('filter-' + name) };
  }).filter(function (f) { return f.select; });

  function applyFilters() {
    var table = document.getElementById('case-table');
    if (!table) {
      return;
    }
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var visible = filters.every(function (f) {
        return !f.select.value || row.getAttribute('data-' + f.name) === f.select.value;
      });
      row.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    var note = document.getElementById('cases-shown');
    if (note) {
      note.textContent = shown + ' of ' + table.tBodies[0].rows.length + ' shown';
    }
  }
  filters.forEach(function (f) { f.select.addEventListener('change', applyFilters); });
  applyFilters();

  // ---- charts: each force's rolling rate with its interval band, against England and Wales
  var grid = document.getElementById('chart-grid');
  var rateSelect = document.getElementById('chart-rate');
  if (!grid || !rateSelect || typeof window.Chart !== 'function') {
    return;
  }
  var byForce = {};
  (data.rates || []).forEach(function (r) {
    (byForce[r.force] = byForce[r.force] || []).push(r);
  });
  var national = byForce.ALL || [];
  // Windows up to the latest complete one as of the replay's date (later ones hold months yet to come)
  var months = national.map(function (r) { return r.window; }).filter(function (w) {
    return !data.latestWindow || w <= data.latestWindow;
  }).sort();
  // Windows ending in the data's first eleven months hold less than twelve months of raids
  var firstFull = months.length ? addMonths(months[0], 11) : null;
  var windows = months.filter(function (w) { return !firstFull || w >= firstFull || months[months.length - 1] < firstFull; });
  var forces = Array.prototype.map.call(document.querySelectorAll('#force-table tbody tr'), function (row) {
    return row.getAttribute('data-force');
  }).filter(function (force) { return byForce[force]; });

  function addMonths(month, n) {
    var y = Number(month.slice(0, 4));
    var m = Number(month.slice(5, 7)) - 1 + n;
    y += Math.floor(m / 12);
    m = ((m % 12) + 12) % 12 + 1;
    return y + '-' + (m < 10 ? '0' : '') + m;
  }

  function series(records, rate, field) {
    var at = {};
    records.forEach(function (r) { at[r.window] = r; });
    return windows.map(function (w) {
      var r = at[w];
      if (!r) {
        return field === 'lowBase' ? false : null;
      }
      return field === 'rate' ? r[rate] : field === 'lowBase' ? r[rate + 'LowBase'] === true : r[rate + field];
    });
  }

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 11;
  Chart.defaults.animation = false;
  var charts = [];
  grid.textContent = '';
  ['ALL'].concat(forces).forEach(function (force) {
    var figure = document.createElement('figure');
    figure.className = 'force-chart';
    figure.setAttribute('data-force', force);
    var caption = document.createElement('figcaption');
    caption.textContent = force === 'ALL' ? 'England and Wales' : force;
    var box = document.createElement('div');
    box.className = 'chart-box';
    var canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'Rolling twelve-month rate, ' + caption.textContent);
    box.appendChild(canvas);
    figure.appendChild(caption);
    figure.appendChild(box);
    grid.appendChild(figure);
    charts.push({ force: force, chart: new Chart(canvas, { type: 'line', data: { labels: windows, datasets: [] }, options: options() }) });
  });

  function options() {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { display: false },
        tooltip: {
          filter: function (item) { return !item.dataset.band; },
          callbacks: {
            label: function (item) {
              return item.dataset.label + ': ' + (item.raw === null ? '–' : Math.round(item.raw * 100) + '%');
            }
          }
        }
      },
      scales: {
        x: { ticks: { maxTicksLimit: 5, maxRotation: 0 }, grid: { display: false } },
        y: { min: 0, max: 1, ticks: { stepSize: 0.5, callback: function (v) { return Math.round(v * 100) + '%'; } } }
      }
    };
  }

  function draw() {
    var rate = rateSelect.value;
    var nationalRate = series(national, rate, 'rate');
    charts.forEach(function (entry) {
      var records = byForce[entry.force] || [];
      var lowBase = series(records, rate, 'lowBase');
      var color = '#bf4209';
      var datasets = [
        { label: 'high', band: true, data: series(records, rate, 'High'), borderWidth: 0, pointRadius: 0, fill: false },
        { label: 'low', band: true, data: series(records, rate, 'Low'), borderWidth: 0, pointRadius: 0, fill: '-1',
          backgroundColor: 'rgba(191, 66, 9, 0.16)' },
        { label: entry.force === 'ALL' ? 'England and Wales' : entry.force, data: series(records, rate, 'rate'),
          borderColor: color, backgroundColor: color, borderWidth: 2, spanGaps: false,
          pointRadius: lowBase.map(function (low) { return low ? 2.5 : 0; }),
          pointBackgroundColor: lowBase.map(function (low) { return low ? '#ffffff' : color; }),
          segment: { borderDash: function (ctx) { return lowBase[ctx.p0DataIndex] || lowBase[ctx.p1DataIndex] ? [3, 3] : undefined; } } }
      ];
      if (entry.force !== 'ALL') {
        datasets.push({ label: 'England and Wales', data: nationalRate, borderColor: '#4b5360', borderDash: [6, 4], borderWidth: 1.2,
          pointRadius: 0, spanGaps: false });
      }
      entry.chart.data.datasets = datasets;
      entry.chart.update();
    });
    grid.setAttribute('data-rate', rate);
  }
  rateSelect.addEventListener('change', draw);
  draw();
  window.addEventListener('beforeprint', function () { charts.forEach(function (entry) { entry.chart.resize(); }); });
  document.body.setAttribute('data-charts', String(charts.length));
}());
