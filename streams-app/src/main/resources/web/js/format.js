/*
 * Formatting helpers: counts, rates, months and windows, dates and instants, safe links. No DOM.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const numberFormat = new Intl.NumberFormat('en-GB');

export function isNumber(value) {
  return typeof value === 'number' && isFinite(value);
}

export function formatCount(value) {
  return isNumber(value) ? numberFormat.format(value) : '–';
}

export function formatRate(rate) {
  return isNumber(rate) ? numberFormat.format(Math.round(rate * 100)) + '%' : '–';
}

/** A rate's 95% interval, '58–78%'; '' when it has none. */
export function formatInterval(low, high) {
  return isNumber(low) && isNumber(high)
    ? numberFormat.format(Math.round(low * 100)) + '–' + numberFormat.format(Math.round(high * 100)) + '%'
    : '';
}

/**
 * What a rate rests on, as the API gives it beside the rate: its counts, its 95% interval
 * (<rate>Low, <rate>High) and whether its base is low (<rate>LowBase).
 */
export function rateBase(record, rate) {
  const value = record ? record[rate.name] : null;
  return {
    value: isNumber(value) ? value : null,
    count: record ? record[rate.counted] : null,
    of: record ? record[rate.outOf] : null,
    low: record && isNumber(record[rate.name + 'Low']) ? record[rate.name + 'Low'] : null,
    high: record && isNumber(record[rate.name + 'High']) ? record[rate.name + 'High'] : null,
    lowBase: !!(record && record[rate.name + 'LowBase'] === true)
  };
}

/** Why a low-base rate is marked, in words: 'Low base: 3 raids with referral numbers, fewer than 10 …'. */
export function lowBaseWhy(base, rate, vocabulary) {
  return 'Low base: ' + formatCount(base.of) + ' ' + (rate.ofWords || 'underneath') + ', fewer than '
    + formatCount(vocabulary.lowBaseBelow) + '. One more or less moves this rate by '
    + Math.round(100 / Math.max(1, base.of)) + ' points; the 95% interval is ' + formatInterval(base.low, base.high) + '.';
}

/** 'YYYY-MM' -> 'Jun 2021'. */
export function formatMonth(windowKey) {
  const m = /^(\d{4})-(\d{2})$/.exec(windowKey || '');
  if (!m) {
    return String(windowKey || '');
  }
  return MONTHS[Number(m[2]) - 1] + ' ' + m[1];
}

/**
 * 'YYYY-MM' -> 'Jul 2020 – Jun 2021': the window of `months` calendar months ending with that month
 * (the vocabulary's rollingMonths).
 */
export function formatWindowRange(windowKey, months) {
  if (!/^\d{4}-\d{2}$/.test(windowKey || '')) {
    return String(windowKey || '');
  }
  return formatMonth(addMonths(windowKey, 1 - months)) + ' – ' + formatMonth(windowKey);
}

/** 'YYYY-MM' plus n months (n may be negative). */
export function addMonths(windowKey, n) {
  const m = /^(\d{4})-(\d{2})$/.exec(windowKey);
  const months = Number(m[1]) * 12 + Number(m[2]) - 1 + n;
  return Math.floor(months / 12) + '-' + pad2(months % 12 + 1);
}

/** 'YYYY-MM-DD' -> '2 Mar 2019' (no time zone involved). */
export function formatDate(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date || '');
  if (!m) {
    return String(date || '');
  }
  return Number(m[3]) + ' ' + MONTHS[Number(m[2]) - 1] + ' ' + m[1];
}

/** An ISO instant -> '1 Apr 2019, 10:00 UTC'. */
export function formatInstant(instant) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(instant || '');
  if (!m) {
    return String(instant || '');
  }
  const d = new Date(instant);
  if (isNaN(d.getTime())) {
    return formatDate(instant) + ', ' + m[4] + ':' + m[5];
  }
  return d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear() + ', '
    + pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ' UTC';
}

export function pad2(n) {
  return n < 10 ? '0' + n : String(n);
}

/** The local time of day, 'HH:MM:SS'. */
export function clockTime(date) {
  return pad2(date.getHours()) + ':' + pad2(date.getMinutes()) + ':' + pad2(date.getSeconds());
}

/** The URL when it is an absolute http(s) URL, else null. */
export function safeHttpUrl(value) {
  if (typeof value !== 'string' || value.trim() === '') {
    return null;
  }
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch (e) {
    return null;
  }
}

/** A value as text: '' for null or undefined. */
export function text(value) {
  return value === null || value === undefined ? '' : String(value);
}
