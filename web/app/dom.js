// Tiny DOM helpers. Every piece of text goes in through text nodes
// (append/textContent): engine and user strings are never parsed as HTML.

/** Element by data-testid (the page's stable hooks, documented in web/README.md). */
export const $ = (id, root = document) => root.querySelector(`[data-testid="${id}"]`);

/** h('li', {class: 'x', 'aria-current': 'true'}, 'text', child…) → element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

/** "ask_clarifying_question" → text with line-break chances after each "_" (for narrow screens). */
export const breakable = (id) => String(id).split(/(?<=_)/).flatMap((part, i) => (i ? [document.createElement('wbr'), part] : [part]));

const SVG = 'http://www.w3.org/2000/svg';

/** An icon from the sprite in index.html (decorative: hidden from assistive tech). */
export function icon(name, className = 'icon') {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const use = document.createElementNS(SVG, 'use');
  use.setAttribute('href', `#${name}`);
  svg.append(use);
  return svg;
}

/** 0.03 → "+0.03" (rewards are never negative; the sign reads as "earned"). */
export const fmtReward = (value) => `+${(Number(value) || 0).toFixed(2)}`;

/** 0.9 → "0.90". */
export const fmtScore = (value) => (Number(value) || 0).toFixed(2);

/** "escalate_to_human" → "Escalate to human". */
export const humanize = (id) => {
  const s = String(id).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

export const prefersReducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Saves text as a file through the browser's download (a blob URL on this origin). */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** {id: element} for each data-testid: a module's hooks, found once. */
export const byTestId = (ids, root = document) => Object.fromEntries(ids.map((id) => [id, $(id, root)]));

/** Shows a message in an alert/status element, or hides it (null/''). */
export function setMessage(el, message) {
  el.textContent = message ?? '';
  el.hidden = !message;
}

/** plural(3, 'step') → "3 steps". */
export const plural = (n, one, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The UTF-8 size of a string: what the engine's byte limit counts. */
export const utf8Bytes = (text) => new TextEncoder().encode(text).length;
