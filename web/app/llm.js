// The LLM agent: an OpenAI-compatible Chat Completions endpoint plays the
// ticket. Same prompt (a test keeps the two equal), observation text and reply
// parsing as inference.py.
// The token lives in memory (localStorage only when the user ticks
// "remember"), goes only into the Authorization header, and is scrubbed from
// every message this module produces.

const SYSTEM_PROMPT = `You are a customer-support agent working one ticket in the Customer Support Command Center.
Each turn you receive the current state of the ticket and you reply with exactly ONE action.

Actions (a JSON object with "action_type" and the field that type needs):
- {"action_type": "classify_issue", "category_guess": "<Billing|Technical|Refund_Request>"}
    Set the ticket's category. Judge by the actual problem, not by incidental words:
    a customer who mentions their plan or payments but cannot use the product has a
    Technical issue. You may reclassify; the latest classification counts.
- {"action_type": "search_kb", "search_query": "<short keywords>"}
    Search the company knowledge base (policies and fixes). The best-matching article
    is shown to you. Use specific keywords for the customer's actual problem.
- {"action_type": "ask_clarifying_question", "message_to_customer": "<question>"}
    Ask the customer something. Only ask when the ticket is too vague to act on; the
    customer's patience is limited, and needless questions upset them.
- {"action_type": "resolve_ticket", "message_to_customer": "<final solution>"}
    Ends the episode. The message must give the customer the concrete fix or answer
    taken from the knowledge-base article, in plain words, and must never contradict
    policy (for example, never promise a refund that policy forbids, and never call
    something non-refundable when policy allows a refund or credit).
- {"action_type": "escalate_to_human", "message_to_customer": "<handoff note>"}
    Ends the episode by handing the ticket to a human specialist. Escalate only when
    the knowledge-base policy says the case must go to a human; otherwise resolve it.

How to work (policy first):
1. If the ticket is vague (you cannot tell what the problem is), ask one clarifying question first.
2. Classify the issue.
3. Search the knowledge base for the relevant policy or fix before you resolve or escalate.
4. Follow what the article says: resolve with its fix stated clearly, or escalate if it
   says disputes of this kind go to a human. Do not invent policies.
You have at most 10 steps; every action, including an invalid one, uses a step.

Reply with ONE JSON object and nothing else: no prose, no code fences, no list of actions.
Message texts must be under 2000 characters.`;

const RETRIES = 3;
const TIMEOUT_MS = 90_000;
const STORAGE_KEY = 'support-cc.llm';

// ── Settings ──────────────────────────────────────────────────────────
/** The endpoint settings, in memory. */
export const settings = { base: '', model: '', token: '', remember: false };

export function loadSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (saved && typeof saved === 'object') Object.assign(settings, { base: String(saved.base ?? ''), model: String(saved.model ?? ''), token: String(saved.token ?? ''), remember: true });
  } catch { /* storage unavailable or unreadable: settings stay in memory */ }
  return settings;
}

/** Keeps the settings on this device only when "remember" is ticked; otherwise forgets them there. */
export function saveSettings() {
  try {
    if (settings.remember) localStorage.setItem(STORAGE_KEY, JSON.stringify({ base: settings.base, model: settings.model, token: settings.token }));
    else localStorage.removeItem(STORAGE_KEY);
  } catch { /* storage unavailable */ }
}

export const endpoint = () => `${settings.base.trim().replace(/\/+$/, '')}/chat/completions`;

/** What is missing before the agent can play, or null. */
export function settingsProblem() {
  if (!settings.base.trim()) return 'Enter the endpoint’s base URL (for example https://api.openai.com/v1).';
  try {
    if (!/^https?:$/.test(new URL(settings.base.trim()).protocol)) throw new Error();
  } catch {
    return `The base URL must start with https:// or http://; got “${settings.base.trim().slice(0, 80)}”.`;
  }
  if (!settings.model.trim()) return 'Enter the model name.';
  return null;
}

const scrub = (text) => (settings.token ? String(text).split(settings.token).join('***') : String(text));

// ── Observation → text, reply → action ────────────────────────────────
export function describe(obs) {
  const lines = [
    `Ticket ${obs.ticket_id} (${obs.difficulty}): ${obs.subject}`,
    `Customer: ${obs.customer_name} (tier ${obs.customer_tier}), sentiment ${obs.sentiment}`,
    `Current classification: ${obs.issue_category || 'none yet'}`,
    `Step ${obs.step_count} of ${obs.max_steps} used`,
  ];
  const kb = obs.knowledge_base_result;
  lines.push(kb ? `Knowledge base result: [${kb.id}] ${kb.title}\n  ${kb.text}` : 'Knowledge base result: none');
  lines.push('Conversation:', ...(obs.conversation_history ?? []).map((t) => `  ${t.role}: ${t.text}`));
  if (obs.last_action_error) lines.push(`Your last action was invalid: ${obs.last_action_error}`);
  return lines.join('\n');
}

/** The first JSON object in a reply: tolerates code fences, prose around it, and braces inside strings. */
export function extractObject(text) {
  try {
    const value = JSON.parse(text.trim());
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch { /* not bare JSON: scan for a balanced {...} */ }
  const scan = text.slice(0, 20_000);
  for (let start = scan.indexOf('{'); start >= 0; start = scan.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    let escaped = false;
    for (let j = start; j < scan.length; j++) {
      const ch = scan[j];
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        try {
          const value = JSON.parse(scan.slice(start, j + 1));
          if (value && typeof value === 'object' && !Array.isArray(value)) return value;
        } catch { /* try the next "{" */ }
        break;
      }
    }
  }
  return null;
}

const canonical = (value, allowed) => {
  const key = value.trim().toLowerCase().replace(/[ -]/g, '_');
  return allowed.find((name) => name.toLowerCase() === key) ?? null;
};

/**
 * A model reply → {action, problem}. problem is null for a usable action;
 * otherwise it says what was wrong and action is what to send anyway (the
 * parsed object, or {}), so the engine counts the invalid step.
 */
export function parseAction(text, spec) {
  if (typeof text !== 'string' || !text.trim()) return { action: {}, problem: 'the model’s reply was empty' };
  let obj = extractObject(text);
  if (!obj) return { action: {}, problem: `the model’s reply has no JSON object: “${text.split(/\s+/).join(' ').trim().slice(0, 80)}”` };
  if (!('action_type' in obj) && obj.action && typeof obj.action === 'object') obj = obj.action;
  const fields = Object.fromEntries(spec.actions.map((a) => [a.action_type, a.field]));
  const types = Object.keys(fields);
  if (typeof obj.action_type !== 'string') return { action: obj, problem: `the reply has no string action_type; allowed: ${types.join(', ')}` };
  const type = canonical(obj.action_type, types);
  if (!type) return { action: obj, problem: `the reply’s action_type “${obj.action_type.slice(0, 40)}” is not one of ${types.join(', ')}` };
  const field = fields[type];
  let value = obj[field];
  if (type === 'escalate_to_human' && value == null) return { action: { action_type: type }, problem: null };
  if (typeof value !== 'string') return { action: { ...obj, action_type: type }, problem: `${type} needs ${field}, which is ${value == null ? 'missing' : 'not a string'}` };
  if (field === 'category_guess') {
    const category = canonical(value, spec.categories);
    if (!category) return { action: { ...obj, action_type: type }, problem: `category_guess “${value.slice(0, 40)}” is not one of ${spec.categories.join(', ')}` };
    value = category;
  }
  return { action: { action_type: type, [field]: value }, problem: null };
}

// ── The endpoint ──────────────────────────────────────────────────────
export class LlmError extends Error {}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
});

/** POST {base}/chat/completions → the reply text. Retries 429, 5xx and network failures with backoff. */
export async function complete(messages, { signal, onRetry } = {}) {
  const url = endpoint();
  const headers = { 'Content-Type': 'application/json' };
  if (settings.token) headers.Authorization = `Bearer ${settings.token}`;
  const body = JSON.stringify({ model: settings.model.trim(), messages, temperature: 0 });
  for (let attempt = 0; ; attempt++) {
    let problem;
    let wait = 600 * 2 ** attempt;
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        method: 'POST', headers, body, mode: 'cors', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if (response.ok) return content(await response.text(), url);
      const detail = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
      problem = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${url}${detail ? `: ${detail}` : ''}`;
      if (response.status !== 429 && response.status < 500) throw new LlmError(scrub(problem));
      const retryAfter = Number(response.headers.get('Retry-After'));
      if (retryAfter > 0) wait = Math.max(wait, Math.min(retryAfter, 30) * 1000);
    } catch (error) {
      if (error instanceof LlmError || signal?.aborted) throw error;
      problem = timeout.aborted ? `no answer from ${url} within ${TIMEOUT_MS / 1000} s`
        : `cannot reach ${url} (the server is down, the address is wrong, or it does not allow requests from this page: CORS)`;
    }
    if (attempt === RETRIES) throw new LlmError(scrub(`${problem} (gave up after ${RETRIES} retries)`));
    onRetry?.(scrub(`${problem}; retry ${attempt + 1} of ${RETRIES} in ${(wait / 1000).toFixed(1)} s`));
    await sleep(wait, signal);
  }
}

function content(raw, url) {
  let text;
  try {
    text = JSON.parse(raw).choices[0].message.content;
  } catch {
    throw new LlmError(scrub(`the answer from ${url} is not a chat completion (no choices[0].message.content)`));
  }
  if (Array.isArray(text)) text = text.map((part) => part?.text ?? '').join('');
  return typeof text === 'string' ? text : '';
}

/** One LLM agent for one episode at a time: it keeps the chat going like inference.py. */
export function createLlmAgent(spec) {
  let messages = [];
  let problem = null;
  return {
    start(obs) {
      messages = [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: `New ticket.\n${describe(obs)}\n\nReply with your next action as ONE JSON object.` },
      ];
    },
    /** → {action, problem}; throws LlmError when the endpoint gives no usable answer. */
    async next(options) {
      const reply = await complete(messages, options);
      messages.push({ role: 'assistant', content: reply || '(empty reply)' });
      const parsed = parseAction(reply, spec);
      problem = parsed.problem;
      return parsed;
    },
    observe(result) {
      const prefix = problem ? `Your reply could not be used as an action (${problem}). Reply with ONE JSON object such as {"action_type": "search_kb", "search_query": "..."}.\n` : '';
      messages.push({
        role: 'user',
        content: `${prefix}Result: reward ${Number(result.reward || 0).toFixed(2)}. ${result.info?.reason ?? ''}\n${describe(result.observation)}\n\nReply with your next action as ONE JSON object.`,
      });
    },
  };
}
