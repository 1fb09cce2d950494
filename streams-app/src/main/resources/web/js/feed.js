/*
 * The live feed of flag changes (server-sent events from api/feed), newest first, filtered by
 * severity, and the count of open flags beside it.
 */

import { URLS, fetchJson } from './api.js';
import { formatCount, formatDate, formatInstant, isNumber, safeHttpUrl, text } from './format.js';
import { make, setText } from './dom.js';

const FEED_CAP = 200;
const SEEN_CAP = 5000;
const FEED_RETRY_MS = 5000;

const SEVERITIES = { HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' };
const STATUSES = { RAISED: 'Raised', UPDATED: 'Updated', RESOLVED: 'Resolved' };

/** options: el (the page's elements) and forceName(force) (the name to show for a force key). */
export function createFeed(options) {
  const el = options.el;
  const feed = {
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
    const severity = SEVERITIES[f.severity] ? f.severity : 'LOW';
    const status = STATUSES[f.status] ? f.status : 'RAISED';
    const li = make('li', 'flag sev-' + severity.toLowerCase() + ' status-' + status.toLowerCase());
    li.setAttribute('data-raid-id', text(f.raidId));
    li.setAttribute('data-rule-id', text(f.ruleId));
    li.setAttribute('data-severity', text(f.severity));
    li.setAttribute('data-status', text(f.status));

    const top = make('div', 'flag-top');
    const sev = make('span', 'badge sev-' + severity.toLowerCase(), SEVERITIES[f.severity] || text(f.severity) || 'Unknown');
    sev.appendChild(make('span', 'visually-hidden', ' severity'));
    top.appendChild(sev);
    top.appendChild(make('span', 'badge status status-' + status.toLowerCase(), STATUSES[f.status] || text(f.status)));
    top.appendChild(make('span', 'flag-force', options.forceName(text(f.force))));
    const raid = make('span', 'flag-raid', text(f.raidId));
    raid.title = 'Raid id';
    top.appendChild(raid);
    const rule = make('span', 'flag-rule', text(f.ruleId));
    rule.title = 'Rule';
    top.appendChild(rule);
    li.appendChild(top);

    li.appendChild(make('p', 'flag-explanation', text(f.explanation)));

    const meta = make('div', 'flag-meta');
    if (f.raidDate) {
      const raidDate = make('span');
      raidDate.appendChild(document.createTextNode('Raid on '));
      const time = make('time', null, formatDate(f.raidDate));
      time.setAttribute('datetime', text(f.raidDate));
      raidDate.appendChild(time);
      meta.appendChild(raidDate);
    }
    if (f.foiReference) {
      const reference = text(f.foiReference);
      const ref = make('span', null, /^foi/i.test(reference) ? reference : 'FOI ' + reference);
      ref.title = 'The force’s FOI reference';
      meta.appendChild(ref);
    }
    const href = safeHttpUrl(f.sourceUrl);
    if (href) {
      const link = make('a', 'flag-source', 'Press article');
      link.href = href;
      link.target = '_blank';
      link.rel = 'noopener';
      link.appendChild(make('span', 'visually-hidden', ' (opens in a new tab)'));
      const arrow = make('span', null, ' ↗');
      arrow.setAttribute('aria-hidden', 'true');
      link.appendChild(arrow);
      meta.appendChild(link);
    }
    if (f.changedAt) {
      const changed = make('span');
      changed.appendChild(document.createTextNode(status === 'RESOLVED' ? 'Resolved ' : 'Found '));
      const at = make('time', null, formatInstant(f.changedAt));
      at.setAttribute('datetime', text(f.changedAt));
      changed.appendChild(at);
      meta.appendChild(changed);
    }
    li.appendChild(meta);
    return li;
  }

  function applySeverityFilter(li) {
    const wanted = el.severityFilter.value;
    li.hidden = !!wanted && li.getAttribute('data-severity') !== wanted;
  }

  function updateFeedEmpty() {
    const items = el.feed.children;
    let visible = 0;
    for (let i = 0; i < items.length; i++) {
      if (!items[i].hidden) {
        visible++;
      }
    }
    el.feedEmpty.hidden = visible > 0;
    el.feed.classList.toggle('all-hidden', visible === 0);
    setText(el.feedEmpty, items.length ? 'No flag changes of this severity among the latest ' + formatCount(items.length) + '.' : 'No flag changes yet.');
  }

  /** The severity filter changed: show and hide the items already in the feed. */
  function onSeverityChange() {
    Array.prototype.forEach.call(el.feed.children, applySeverityFilter);
    updateFeedEmpty();
  }

  function onFlag(event) {
    let f;
    try {
      f = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (!f || typeof f !== 'object') {
      return;
    }
    const key = flagKey(f);
    if (feed.seen.has(key)) {
      return;   // sent again after a reconnection
    }
    remember(key);
    const li = flagItem(f);
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
    const source = new EventSource(URLS.feed);
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

  /** Shows how many flags are open (api/flags' total). */
  function refreshOpenFlags() {
    return fetchJson(URLS.openFlags).then(function (answer) {
      if (answer.ok && answer.json && isNumber(answer.json.total)) {
        setText(el.openFlags, '· ' + formatCount(answer.json.total) + (answer.json.total === 1 ? ' flag open' : ' flags open'));
      }
    }, function () { /* shown by the status */ });
  }

  return { connect: connectFeed, onSeverityChange: onSeverityChange, refreshOpenFlags: refreshOpenFlags };
}
