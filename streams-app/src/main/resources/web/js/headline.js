/*
 * The national headline: the all-time national rates with their counts, the raids claimed as
 * rescues, the data's date and the latest window's label.
 */

import { ratesOf } from './api.js';
import { formatCount, formatDate, formatRate, formatWindowRange, isNumber } from './format.js';
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
    const value = national ? national[rate.name] : null;
    const count = national ? national[rate.counted] : null;
    const of = national ? national[rate.outOf] : null;
    setText(node, formatRate(value));
    node.setAttribute('data-rate', isNumber(value) ? String(value) : '');
    node.setAttribute('data-count', isNumber(count) ? String(count) : '');
    node.setAttribute('data-of', isNumber(of) ? String(of) : '');
    setText(counts, national ? formatCount(count) + ' of ' + formatCount(of) + ' ' + rate.ofWords : 'no figures yet');
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
