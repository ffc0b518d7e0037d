// Shared by the Node tests: where the builds are, and a seeded random source.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = process.env.SUPPORT_ENV_CLI ?? `${ROOT}build/native/support-env`;
export const API = process.env.SUPPORT_ENV_API ?? `${ROOT}dist/support-env.mjs`;
export const MESSAGES = JSON.parse(readFileSync(`${ROOT}tests/data/messages.json`, 'utf8')).missions;

/** mulberry32: a small deterministic PRNG, so a failing run can be replayed. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (list) => list[next.int(list.length)];
  return next;
}

export const CATEGORY = {
  billing_receipt: 'Billing', dashboard_404: 'Technical', digital_refund: 'Refund_Request',
  vip_outage: 'Technical', vague_complaint: 'Technical', plan_refund_difference: 'Refund_Request',
};
export const QUERY = {
  billing_receipt: 'billing receipt invoice', dashboard_404: 'error 404 after login',
  digital_refund: 'refund ebook downloaded', vip_outage: 'blank white screen api dashboard',
  vague_complaint: 'mobile app crashes on start after update', plan_refund_difference: 'yearly plan bought by mistake refund difference',
};
export const TERMINAL = {
  billing_receipt: 'resolve_ticket', dashboard_404: 'resolve_ticket', digital_refund: 'escalate_to_human',
  vip_outage: 'resolve_ticket', vague_complaint: 'resolve_ticket', plan_refund_difference: 'resolve_ticket',
};

/** A competent play of a mission: the actions, in order. */
export function walkthrough(task, variant = 0) {
  const actions = [];
  if (task === 'vague_complaint') actions.push({ action_type: 'ask_clarifying_question', message_to_customer: 'Could you tell me what exactly is broken?' });
  actions.push({ action_type: 'classify_issue', category_guess: CATEGORY[task] });
  actions.push({ action_type: 'search_kb', search_query: QUERY[task] });
  const pass = MESSAGES[task].pass;
  actions.push({ action_type: TERMINAL[task], message_to_customer: pass[variant % pass.length] });
  return actions;
}
