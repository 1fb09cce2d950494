/*
 * The national headline: the all-time national rates with their counts, the raids claimed as
 * rescues, the data's date and the latest window's label.
 */

import { ratesOf } from './api.js';
import { formatCount, formatDate, formatInterval, formatRate, formatWindowRange, isNumber, lowBaseWhy, rateBase } from './format.js';
import { setText } from './dom.js';
import { FOI_RATE } from './rates.js';
import { rateNamed } from './vocabulary.js';

/** Shows an api/rates?window=all answer. el: the page's elements (asOf, latestLabel). */
export function renderHeadline(answer, vocabulary, el) {
  const national = ratesOf(answer).filter(function (r) {
    return r.force === vocabulary.national && r.window === vocabulary.allTime;
  })[0] || null;
  vocabulary.rates.forEach(function (rate) {
    const node = document.getElementById(rate.headline);
    const counts = document.getElementById(rate.headline + '-counts');
    const base = rateBase(national, rate);
    const value = base.value;
    const count = base.count;
    const of = base.of;
    setText(node, formatRate(value));
    node.setAttribute('data-rate', isNumber(value) ? String(value) : '');
    node.setAttribute('data-count', isNumber(count) ? String(count) : '');
    node.setAttribute('data-of', isNumber(of) ? String(of) : '');
    node.setAttribute('data-low', isNumber(base.low) ? String(base.low) : '');
    node.setAttribute('data-high', isNumber(base.high) ? String(base.high) : '');
    node.setAttribute('data-low-base', String(base.lowBase));
    node.closest('.headline').classList.toggle('is-low-base', base.lowBase);
    node.title = base.lowBase ? lowBaseWhy(base, rate, vocabulary) : '';
    const interval = formatInterval(base.low, base.high);
    setText(counts, national
      ? formatCount(count) + ' of ' + formatCount(of) + ' ' + rate.ofWords + (interval ? '; 95% interval ' + interval : '')
        + (base.lowBase ? '; low base' : '')
      : 'no figures yet');
  });
  const claimed = national ? national.claimedRaids : null;
  const claimedNode = document.getElementById('headline-claimed');
  setText(claimedNode, formatCount(isNumber(claimed) ? claimed : (national ? 0 : null)));
  claimedNode.setAttribute('data-count', isNumber(claimed) ? String(claimed) : '');
  const foi = rateNamed(vocabulary, FOI_RATE);
  setText(document.getElementById('headline-claimed-counts'), national && foi
    ? formatCount(national[foi.outOf]) + ' asked about under FOI, ' + formatCount(national[foi.counted]) + ' answered'
    : 'no figures yet');

  if (answer && typeof answer.asOf === 'string') {
    setText(el.asOf, formatDate(answer.asOf));
    el.asOf.setAttribute('datetime', answer.asOf);
    el.asOf.setAttribute('data-date', answer.asOf);
  }
  if (answer && typeof answer.latestWindow === 'string' && /^\d{4}-\d{2}$/.test(answer.latestWindow)) {
    setText(el.latestLabel, 'Latest twelve months (' + formatWindowRange(answer.latestWindow, vocabulary.rollingMonths) + ')');
  }
}
