/*
 * The dashboard's API client: the same-origin addresses it reads (relative, so the page works under
 * any path) and a JSON fetch that gives up after a timeout.
 */

/** A request not answered within this many milliseconds is abandoned. */
export const REQUEST_TIMEOUT_MS = 4500;

/** The addresses the dashboard reads, relative to the page. */
export const URLS = Object.freeze({
  vocabulary: 'api/vocabulary',
  forces: 'api/forces',
  rates: 'api/rates',
  openFlags: 'api/flags?limit=1',
  feed: 'api/feed',
  ready: 'ready'
});

/**
 * GETs a URL, never from the cache: resolves with { ok, status, json } (json null when the body is
 * not JSON), rejects when the request fails or times out.
 */
export function fetchJson(url) {
  const controller = typeof AbortController === 'function' ? new AbortController() : null;
  const timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
  return fetch(url, {
    cache: 'no-store',
    headers: { Accept: 'application/json' },
    signal: controller ? controller.signal : undefined
  }).then(function (response) {
    return response.text().then(function (body) {
      let json = null;
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

/** api/rates with these query parameters, e.g. { force: 'Kent Police' } or { window: 'all' }. */
export function ratesUrl(params) {
  const query = Object.keys(params).map(function (k) {
    return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]);
  }).join('&');
  return URLS.rates + (query ? '?' + query : '');
}

/** The records of an api/rates answer that name a force; none when there is no answer. */
export function ratesOf(answer) {
  return answer && Array.isArray(answer.rates) ? answer.rates.filter(function (r) {
    return r && typeof r.force === 'string';
  }) : [];
}
