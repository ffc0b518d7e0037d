// The page's engine-driven static sections: hero stats, ticker, Mission
// Library, Control Panel and Reward Signal. Every number comes from the
// engine (env.spec(), env.tasks()); this file only holds the copy.
import { $, h, icon, breakable, fmtReward, fmtScore, humanize } from './dom.js';
import { store } from './store.js';

// Copy and look for each action card, keyed by the engine's action_type.
export const ACTIONS = {
  classify_issue: { icon: 'i-tag', tone: 'yellow', text: 'Tag the ticket type first. Classify again if you change your mind: the latest classification is the one graded.' },
  search_kb: { icon: 'i-book', tone: 'blue', text: 'Query the knowledge base with keywords. The best-ranked policy article comes back: the exact rule the agent must follow.' },
  ask_clarifying_question: { icon: 'i-chat', tone: 'green', text: 'Talk to the customer. Warning: ask more than the ticket needs and their patience runs out fast.' },
  resolve_ticket: { icon: 'i-check', tone: 'red', text: 'Close the ticket with a final solution that states the fix and stays within policy.' },
  escalate_to_human: { icon: 'i-siren', tone: 'purple', text: 'Hand off to a real person when policy requires it. For some refund tasks, this is the successful terminal action.' },
};

const DIFFICULTY_TONE = { Easy: 'green', Medium: 'yellow', Hard: 'red' };
export const difficultyBadge = (difficulty, id) =>
  h('span', { class: `badge badge-${DIFFICULTY_TONE[difficulty] ?? 'plain'}`, id }, difficulty);

export const pad2 = (n) => String(n).padStart(2, '0');

function renderStats(spec, tasks) {
  $('stat-tasks').textContent = String(tasks.length);
  $('stat-actions').textContent = String(spec.actions.length);
  $('stat-steps').textContent = String(spec.max_steps);
  $('stat-target').textContent = fmtScore(spec.target_score);
  $('action-count').textContent = String(spec.actions.length);
}

function renderTicker(spec) {
  const words = [...spec.actions.map((a) => humanize(a.action_type)), 'Knowledge base policy', 'Customer sentiment', 'Reward signal'];
  const belt = document.querySelector('.ticker-belt');
  const list = h('ul', { class: 'ticker-track', 'aria-label': 'What the environment does' }, words.map((w) => h('li', {}, w)));
  const copies = [1, 2].map(() => {
    const copy = list.cloneNode(true);
    copy.removeAttribute('aria-label');
    copy.setAttribute('aria-hidden', 'true');
    return copy;
  });
  belt.replaceChildren(list, ...copies);
}

export function initTicker() {
  const ticker = $('ticker');
  const toggle = $('ticker-toggle');
  toggle.addEventListener('click', () => {
    const paused = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(paused));
    ticker.classList.toggle('is-paused', paused);
    toggle.querySelector('use').setAttribute('href', paused ? '#i-play' : '#i-pause');
  });
}

/** The Mission Library: its heading count, the hero's count and one card per mission (built-in or from a pack). */
export function renderMissions(tasks, onChoose) {
  $('stat-tasks').textContent = String(tasks.length);
  const count = $('mission-count');
  count.textContent = String(tasks.length);
  count.nextSibling.textContent = tasks.length === 1 ? ' Ticket Mission' : ' Ticket Missions';
  const list = $('mission-list');
  list.replaceChildren(...tasks.map((task, i) => {
    const base = `mission-${task.id}`;
    const button = h('button', {
      class: 'card-button', type: 'button', 'data-testid': `mission-card-${task.id}`, 'data-task': task.id,
      'aria-describedby': `${base}-diff ${base}-sum`,
    }, task.title);
    button.addEventListener('click', () => onChoose(task.id));
    return h('li', { class: 'mission-card', 'data-task': task.id },
      h('div', { class: 'card-top' },
        h('span', { class: 'card-num', 'aria-hidden': 'true' }, pad2(i + 1)),
        difficultyBadge(task.difficulty, `${base}-diff`)),
      h('h3', { class: 'card-title' }, button),
      h('p', { class: 'card-summary', id: `${base}-sum` }, task.summary),
      h('p', { class: 'card-foot' },
        h('span', { class: 'card-meta' }, `${task.ticket_id} · ${task.customer_tier}`),
        h('span', { class: 'card-cta', 'aria-hidden': 'true' }, 'Play', icon('i-arrow'))));
  }));
  list.removeAttribute('aria-busy');
}

function renderActions(spec) {
  const list = $('action-list');
  list.replaceChildren(...spec.actions.map((action) => {
    const copy = ACTIONS[action.action_type] ?? { icon: 'i-tag', tone: 'yellow', text: '' };
    const rewards = h('ul', { class: 'reward-chips', 'aria-label': 'Rewards' },
      action.rewards.map((r) => h('li', {}, h('strong', {}, fmtReward(r.reward)), ' ', r.when)));
    return h('li', { class: `action-card tone-${copy.tone}`, 'data-testid': `action-card-${action.action_type}` },
      h('div', { class: 'action-top' },
        h('span', { class: 'action-icon' }, icon(copy.icon)),
        action.terminal ? h('span', { class: 'tag' }, 'Terminal') : null),
      h('h3', { class: 'action-name' }, h('code', {}, breakable(action.action_type))),
      h('p', { class: 'action-text' }, copy.text,
        action.action_type === 'classify_issue' ? ` Categories: ${spec.categories.join(', ')}.` : ''),
      h('p', { class: 'action-field' }, 'Field ', h('code', {}, action.field)),
      rewards);
  }));
  list.removeAttribute('aria-busy');
}

function renderRewardSignal(spec) {
  const parts = [];
  for (const action of spec.actions.filter((a) => !a.terminal)) {
    const values = [...new Set(action.rewards.map((r) => r.reward))].sort((a, b) => a - b).map(fmtReward).join('/');
    parts.push([h('code', {}, action.action_type), ' ', h('strong', {}, values)]);
  }
  const terminal = Math.max(...spec.actions.filter((a) => a.terminal).flatMap((a) => a.rewards.map((r) => r.reward)));
  parts.push(['correct terminal action ', h('strong', {}, fmtReward(terminal)), ` within ${spec.max_steps} steps`]);
  const text = h('p', { class: 'reward-signal-text' }, 'Graduated rewards: ');
  parts.forEach((p, i) => text.append(...(i ? [' · '] : []), ...p));
  text.append(`. Episode score capped at ${fmtScore(spec.max_score)}; target ${fmtScore(spec.target_score)}+.`);
  $('reward-signal').querySelector('.reward-signal-text').replaceWith(text);
}

/** Fills every engine-driven section, and the missions again whenever they change; onChoose(taskId) runs when a mission card is chosen. */
export function renderSections({ spec, onChoose }) {
  const { tasks } = store.get('tasks');
  renderStats(spec, tasks);
  renderTicker(spec);
  renderMissions(tasks, onChoose);
  renderActions(spec);
  renderRewardSignal(spec);
  store.on('tasks', (next) => renderMissions(next.tasks, onChoose));
}

/** The menu that reaches every section on a narrow screen (the links sit in the top bar on a wide one). */
export function initNav() {
  const toggle = $('nav-toggle');
  const links = $('nav-links');
  const set = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    links.classList.toggle('is-open', open);
  };
  toggle.addEventListener('click', () => set(toggle.getAttribute('aria-expanded') !== 'true'));
  links.addEventListener('click', (event) => { if (event.target.closest('a')) set(false); });
  addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && toggle.getAttribute('aria-expanded') === 'true') {
      set(false);
      toggle.focus();
    }
  });
}

/** A Copy button on every code block of Get Running. */
export function initCopyButtons() {
  for (const pre of document.querySelectorAll('.code-card pre')) {
    const title = pre.parentElement.querySelector('.code-title');
    const name = title.textContent.replace(/^\d+/, '').trim();
    const button = h('button', { class: 'copy-button', type: 'button', 'data-testid': 'copy-code' },
      icon('i-copy'), h('span', {}, 'Copy'), h('span', { class: 'visually-hidden' }, ` the ${name} commands`));
    const label = button.querySelector('span');
    button.addEventListener('click', async () => {
      let copied = true;
      try {
        await navigator.clipboard.writeText(pre.textContent);
      } catch {
        copied = false;
        getSelection().selectAllChildren(pre);
      }
      label.textContent = copied ? 'Copied' : 'Selected: press Ctrl+C';
      setTimeout(() => { label.textContent = 'Copy'; }, 2000);
    });
    title.append(button);
  }
}
