// The LLM agent: an OpenAI-compatible Chat Completions endpoint plays the
// ticket. What the model is told and how its replies are read are defined
// once, in scenarios/agent/llm-protocol.json (dist/agent/), which inference.py
// reads too: the system prompt, the text of each turn, the reply rules and the
// request policy. This module interprets that file and repeats none of it.
// Blind by default: the model sees the ticket, the conversation, the article
// found, the step count and its own errors; "Show rewards to the model" adds
// each step's reward and reason (training experiments).
// The token lives in memory (localStorage only when the user ticks
// "remember"), goes only into the Authorization header, and is scrubbed from
// every message this module produces.

const PROTOCOL_URL = new URL('../agent/llm-protocol.json', import.meta.url);
const STORAGE_KEY = 'support-cc.llm';
import { store } from './store.js';

// ── Settings (kept in the store under 'llm') ─────────────────────────
const settingsNow = () => store.get('llm');

/** Reads remembered settings from this device into the store; returns them. */
export function loadSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (saved && typeof saved === 'object') {
      store.set('llm', { base: String(saved.base ?? ''), model: String(saved.model ?? ''), token: String(saved.token ?? ''), feedback: saved.feedback === true, remember: true });
    }
  } catch { /* storage unavailable or unreadable: settings stay in memory */ }
  return settingsNow();
}

/** Changes settings (announced through the store); kept on this device only when "remember" is ticked, otherwise forgotten there. */
export function updateSettings(patch) {
  const next = { ...settingsNow(), ...patch };
  store.set('llm', next);
  try {
    if (next.remember) localStorage.setItem(STORAGE_KEY, JSON.stringify({ base: next.base, model: next.model, token: next.token, feedback: next.feedback }));
    else localStorage.removeItem(STORAGE_KEY);
  } catch { /* storage unavailable */ }
}

export const endpoint = (settings = settingsNow()) => `${settings.base.trim().replace(/\/+$/, '')}/chat/completions`;

/** What is missing before the agent can play, or null. */
export function settingsProblem(settings = settingsNow()) {
  if (!settings.base.trim()) return 'Enter the endpoint’s base URL (for example https://router.huggingface.co/v1).';
  try {
    if (!/^https?:$/.test(new URL(settings.base.trim()).protocol)) throw new Error();
  } catch {
    return `The base URL must start with https:// or http://; got “${settings.base.trim().slice(0, 80)}”.`;
  }
  if (!settings.model.trim()) return 'Enter the model name.';
  return null;
}

const scrub = (text, token) => (token ? String(text).split(token).join('***') : String(text));

// ── The protocol file: load, check, interpret ─────────────────────────
export class LlmError extends Error {}

let protocolPromise = null;
/** The protocol file, fetched once (the service worker caches it with the site). */
export function loadProtocol() {
  protocolPromise ??= fetch(PROTOCOL_URL).then(async (response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return checkProtocol(await response.json());
  }).catch((error) => {
    protocolPromise = null;
    throw new LlmError(`the LLM protocol file (agent/llm-protocol.json) could not load: ${error.message}`);
  });
  return protocolPromise;
}

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_.]*)(?:\|([a-z]+)(?::([\s\S]*?))?)?\}\}/g;
const isPlain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (object, key) => (isPlain(object) && Object.hasOwn(object, key) ? object[key] : undefined);

function blockPaths(block) {
  const texts = typeof block === 'string' ? [block] : [block.text, block.else, block.label];
  const paths = texts.filter((t) => typeof t === 'string').flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1]));
  if (isPlain(block)) paths.push(...['when', 'unless', 'each'].map((k) => block[k]).filter((p) => typeof p === 'string'));
  return paths;
}

function checkBlocks(blocks, hidden, feedbackOnly, where) {
  blocks.forEach((block, i) => {
    const inside = feedbackOnly || (isPlain(block) && Boolean(block.feedback_only));
    for (const path of blockPaths(block)) {
      if (!inside && hidden.some((h) => path === h || path.startsWith(`${h}.`))) {
        throw new LlmError(`LLM protocol ${where}[${i}] shows ${path} outside a feedback_only block`);
      }
    }
    if (isPlain(block) && Array.isArray(block.blocks)) checkBlocks(block.blocks, hidden, inside, `${where}[${i}]`);
  });
}

/** Refuses a protocol in which a reward field could reach a blind prompt; returns it otherwise. */
export function checkProtocol(protocol) {
  const hidden = protocol.feedback_fields ?? [];
  for (const name of ['system_prompt', 'user_turn']) checkBlocks(protocol[name], hidden, false, name);
  return protocol;
}

const lookup = (context, path) => path.split('.').reduce((value, key) => own(value, key), context);

function text(value) {
  if (value == null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.map(text).join(', ');
  if (typeof value === 'object') return '';
  return String(value);
}

/** One pass of {{path}}, {{path|join:SEP}}, {{path|fixed:N}} over a template. */
export function fill(template, context) {
  return template.replace(PLACEHOLDER, (_, path, kind, arg) => {
    const value = lookup(context, path);
    if (kind === 'join') return Array.isArray(value) ? value.map(text).join(arg ?? '') : text(value);
    if (kind === 'fixed') return typeof value === 'number' ? value.toFixed(Number(arg ?? 0)) : '';
    if (kind) throw new LlmError(`unknown template filter ${kind}`);
    return text(value);
  });
}

const truthy = (v) => !(v == null || v === false || v === '' || v === 0
  || (Array.isArray(v) && v.length === 0) || (isPlain(v) && Object.keys(v).length === 0));

export function renderBlocks(blocks, context) {
  const feedback = Boolean(lookup(context, 'turn.feedback'));
  const lines = [];
  for (const block of blocks) {
    if (typeof block === 'string') {
      lines.push(fill(block, context));
      continue;
    }
    if (block.feedback_only && !feedback) continue;
    if ('unless' in block && truthy(lookup(context, block.unless))) continue;
    let template = block.text;
    if ('when' in block && !truthy(lookup(context, block.when))) {
      if (!('else' in block)) continue;
      template = block.else;
    }
    const { label } = block;
    const body = (inner) => (template != null ? fill(template, inner) : renderBlocks(block.blocks ?? [], inner));
    if ('each' in block) {
      if (label) lines.push(`${label}:`);
      for (const item of lookup(context, block.each) ?? []) lines.push(body({ ...context, item }));
      continue;
    }
    lines.push(label ? `${label}: ${body(context)}` : body(context));
  }
  return lines.join('\n');
}

/** The system prompt: the protocol's rules, each spec action with its action_help (templates too). */
export function systemPrompt(protocol, spec, feedback) {
  const context = { spec, turn: { feedback } };
  const actions = spec.actions.map((action) => {
    const help = own(protocol.action_help, action.action_type);
    if (!help) throw new LlmError(`the LLM protocol has no action_help for ${action.action_type}`);
    return { ...action, help: Object.fromEntries(Object.entries(help).map(([k, v]) => [k, fill(v, context)])) };
  });
  return renderBlocks(protocol.system_prompt, { ...context, spec: { ...spec, actions } });
}

/** The user message for one turn. Rewards and reasons are passed on only in feedback mode. */
export function renderTurn(protocol, obs, { first, feedback, reward, reason, replyProblem }) {
  const turn = { first, feedback, reply_problem: replyProblem ?? null };
  if (feedback) Object.assign(turn, { reward, reason });
  return renderBlocks(protocol.user_turn, { obs, turn });
}

/** The first `n` code points of a string (as Python slices). */
function cut(string, n) {
  let i = 0;
  let count = 0;
  for (const ch of string) {
    if (count++ === n) return string.slice(0, i);
    i += ch.length;
  }
  return string;
}

function jsonObject(string) {
  try {
    const value = JSON.parse(string);
    return isPlain(value) ? value : null;
  } catch {
    return null;
  }
}

/** Index of the brace closing the one at string[start] (braces inside strings ignored), or -1. */
function balancedEnd(string, start) {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let j = start; j < string.length; j++) {
    const ch = string[j];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return j;
  }
  return -1;
}

/** The first JSON object of a trimmed reply (rules: the protocol's reply section), or null. */
export function extractObject(string, rules) {
  let scan = cut(string, rules.max_chars);
  const fenced = new RegExp(rules.fence).exec(scan);
  if (fenced) scan = fenced[1];
  const whole = jsonObject(scan);
  if (whole) return whole;
  for (let start = scan.indexOf('{'); start >= 0; start = scan.indexOf('{', start + 1)) {
    const end = balancedEnd(scan, start);
    const value = end >= 0 ? jsonObject(scan.slice(start, end + 1)) : null;
    if (value) return value;
  }
  return null;
}

const trim = (string, rules) => string.replace(new RegExp(`^(?:${rules.whitespace})`), '').replace(new RegExp(`(?:${rules.whitespace})$`), '');

function canonical(value, allowed, rules) {
  let key = trim(value, rules).toLowerCase();
  for (const sep of rules.name_separators) key = key.split(sep).join('_');
  return allowed.find((name) => name.toLowerCase() === key) ?? null;
}

/**
 * A model reply → {action, problem}. problem is null for a usable action;
 * otherwise it says what was wrong and action is what to send anyway (the
 * parsed object, or {}), so the engine counts the invalid step.
 */
export function parseAction(reply, spec, protocol) {
  const rules = protocol.reply;
  const err = rules.errors;
  const trimmed = typeof reply === 'string' ? trim(reply, rules) : '';
  if (!trimmed) return { action: {}, problem: fill(err.empty, {}) };
  let obj = extractObject(trimmed, rules);
  if (!obj) return { action: {}, problem: fill(err.no_object, { snippet: cut(trimmed.replace(new RegExp(rules.whitespace, 'g'), ' '), rules.snippet_chars) }) };
  if (!Object.hasOwn(obj, 'action_type')) {
    const key = rules.wrapper_keys.find((k) => isPlain(own(obj, k)));
    if (key) obj = obj[key];
  }
  const byType = new Map(spec.actions.map((a) => [a.action_type, a]));
  const allowed = [...byType.keys()];
  const rawType = own(obj, 'action_type');
  if (typeof rawType !== 'string') return { action: obj, problem: fill(err.no_action_type, { allowed }) };
  const type = canonical(rawType, allowed, rules);
  if (!type) return { action: obj, problem: fill(err.unknown_action_type, { value: cut(rawType, rules.value_chars), allowed }) };
  const { field, optional } = byType.get(type);
  let value = own(obj, field);
  if (value == null && optional) return { action: { action_type: type }, problem: null };
  if (typeof value !== 'string') {
    return { action: { ...obj, action_type: type }, problem: fill(value == null ? err.missing_field : err.field_not_string, { action_type: type, field }) };
  }
  if (field === 'category_guess') {
    const category = canonical(value, spec.categories, rules);
    if (!category) return { action: { ...obj, action_type: type }, problem: fill(err.bad_category, { value: cut(value, rules.value_chars), allowed: spec.categories }) };
    value = category;
  }
  return { action: { action_type: type, [field]: value }, problem: null };
}

// ── The endpoint ──────────────────────────────────────────────────────
const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
});

const retried = (status, policy) => policy.retry_statuses.includes(status)
  || policy.retry_status_ranges.some(([lo, hi]) => status >= lo && status <= hi);

/** POST {base}/chat/completions → the reply text, with the protocol's request policy (timeout, retries, backoff). */
export async function complete(messages, { signal, onRetry } = {}, policy, settings = settingsNow()) {
  const url = endpoint(settings);
  const token = settings.token;
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const body = JSON.stringify({ model: settings.model.trim(), messages, temperature: policy.temperature, max_tokens: policy.max_tokens });
  const retries = policy.max_retries;
  for (let attempt = 0; ; attempt++) {
    let problem;
    let wait = 1000 * policy.backoff_seconds * policy.backoff_factor ** attempt;
    const timeout = AbortSignal.timeout(1000 * policy.timeout_seconds);
    try {
      const response = await fetch(url, {
        method: 'POST', headers, body, mode: 'cors', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if (response.ok) return content(await response.text(), url, token);
      const detail = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
      problem = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${url}${detail ? `: ${detail}` : ''}`;
      if (!retried(response.status, policy)) throw new LlmError(scrub(problem, token));
      const retryAfter = Number(response.headers.get('Retry-After'));
      if (retryAfter > 0) wait = Math.max(wait, Math.min(retryAfter, policy.max_retry_after_seconds) * 1000);
    } catch (error) {
      if (error instanceof LlmError || signal?.aborted) throw error;
      problem = timeout.aborted ? `no answer from ${url} within ${policy.timeout_seconds} s`
        : `cannot reach ${url} (the server is down, the address is wrong, or it does not allow requests from this page: CORS)`;
    }
    if (attempt === retries) throw new LlmError(scrub(`${problem} (gave up after ${retries} retries)`, token));
    onRetry?.(scrub(`${problem}; retry ${attempt + 1} of ${retries} in ${(wait / 1000).toFixed(1)} s`, token));
    await sleep(wait, signal);
  }
}

function content(raw, url, token) {
  let reply;
  try {
    reply = JSON.parse(raw).choices[0].message.content;
  } catch {
    throw new LlmError(scrub(`the answer from ${url} is not a chat completion (no choices[0].message.content)`, token));
  }
  if (Array.isArray(reply)) reply = reply.map((part) => part?.text ?? '').join('');
  return typeof reply === 'string' ? reply : '';
}

/**
 * One LLM agent for one episode: it keeps the chat going like inference.py.
 * settings: the endpoint, or a function returning it (read at each request:
 * the demo follows edits); feedback (show the model each step's reward and
 * reason) is fixed for the episode. The first next(obs) starts the chat.
 */
export function createLlmAgent(spec, { settings = settingsNow, feedback = false } = {}) {
  let protocol = null;
  let messages = [];
  let problem = null;
  return {
    feedback,
    /** → {action, problem}; throws LlmError when the protocol or the endpoint gives no usable answer. */
    async next(obs, options) {
      protocol ??= await loadProtocol();
      if (!messages.length) {
        messages = [
          { role: 'system', content: systemPrompt(protocol, spec, feedback) },
          { role: 'user', content: renderTurn(protocol, obs, { first: true, feedback }) },
        ];
      }
      const reply = await complete(messages, options, protocol.request, typeof settings === 'function' ? settings() : settings);
      messages.push({ role: 'assistant', content: reply || protocol.empty_reply });
      const parsed = parseAction(reply, spec, protocol);
      problem = parsed.problem;
      return parsed;
    },
    observe(result) {
      messages.push({
        role: 'user',
        content: renderTurn(protocol, result.observation, { first: false, feedback, reward: result.reward, reason: result.info?.reason, replyProblem: problem }),
      });
    },
  };
}
