// The page's shared state: one small store that announces every change.
// Modules read with get(key), write with set(key, value), and follow a key
// with on(key, fn); none of them exports a mutable object for others to poke.
//
// Keys:
//   tasks    {tasks, pack}: the missions being played; pack = {name, files} or null (built-in)
//   episode  {kind: 'start' | 'step' | 'clear', id, task, seed, pack, obs, trajectory, result}
//   llm      the LLM agent's settings {base, model, token, remember, feedback}
//   actor    who acts in the demo {who, label, manual}

/** A store over `initial`: get(key), set(key, value) (announces it), on(key, fn(value)) → unsubscribe. */
export function createStore(initial = {}) {
  const state = { ...initial };
  const events = new EventTarget();
  return {
    get: (key) => state[key],
    set(key, value) {
      state[key] = value;
      events.dispatchEvent(new CustomEvent(key, { detail: value }));
    },
    on(key, fn) {
      const listener = (event) => fn(event.detail);
      events.addEventListener(key, listener);
      return () => events.removeEventListener(key, listener);
    },
  };
}

export const store = createStore({
  tasks: { tasks: [], pack: null },
  episode: null,
  llm: { base: '', model: '', token: '', remember: false, feedback: false },
  actor: { who: 'you', label: 'You (agent)', manual: true },
});
