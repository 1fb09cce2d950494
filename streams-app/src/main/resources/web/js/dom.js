/*
 * DOM helpers. Text goes into the page only as textContent or attributes, never as markup.
 */

export const reduceMotion = !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);

/** A new element with an optional class and text content. */
export function make(tag, className, content) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (content !== undefined && content !== null) {
    node.textContent = String(content);
  }
  return node;
}

/** Sets a node's text only when it changes (no needless mutations for screen readers). */
export function setText(node, value) {
  if (node && node.textContent !== value) {
    node.textContent = value;
  }
}

export function cssEscape(value) {
  return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, '\\$&');
}
