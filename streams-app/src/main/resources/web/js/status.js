/*
 * The status pill in the header: whether the instance serves (GET ready), is starting or stopped,
 * or cannot be reached.
 */

import { URLS, fetchJson } from './api.js';
import { setText } from './dom.js';

function setStatus(el, kind, words) {
  el.status.setAttribute('data-state', kind);
  setText(el.statusText, words);
}

/** Asks ready and shows the answer. el: the page's elements (status, statusText). */
export function refreshReady(el) {
  return fetchJson(URLS.ready).then(function (answer) {
    const ready = answer.json && answer.json.ready === true;
    const streamsState = answer.json && typeof answer.json.state === 'string' ? answer.json.state : '';
    if (answer.ok && ready) {
      setStatus(el, 'live', 'live');
    } else if (/^(PENDING_SHUTDOWN|NOT_RUNNING)$/.test(streamsState)) {
      setStatus(el, 'down', 'stopped');
    } else if (/ERROR/.test(streamsState)) {
      setStatus(el, 'down', 'stopped on an error');
    } else {
      setStatus(el, 'starting', streamsState && streamsState !== 'CREATED'
        ? 'starting (' + streamsState.toLowerCase().replace(/_/g, ' ') + ')' : 'starting');
    }
  }, function () {
    setStatus(el, 'lost', 'connection lost, retrying');
  });
}
