// Customer Support Command Center: the environment's JavaScript API.
// The same module works in browsers and in Node 20:
//
//   import createSupportEnv from './support-env.mjs';
//   const env = await createSupportEnv();
//   env.tasks();                                   // {ok, tasks:[{id,title,difficulty,summary,…}]}
//   env.reset({task: 'billing_receipt', seed: 0}); // {ok, observation}
//   env.step({action_type: 'classify_issue', category_guess: 'Billing'});
//                                                  // {ok, observation, reward, done, info}
//   env.state();  env.spec();  env.close();
//   env.act({policy: 'reference'});                // {ok, action}: a built-in agent's next action
//   env.evaluate({policy: 'reference', seeds: 100}); // {ok, results:[{task, scores, success, steps, stats}], overall}
//   env.stats();                                   // {ok, results:[{task, stats}], overall}: episodes this env finished
//   env.loadScenarios([{name: 'missions/x.json', text}, …]);  // play a scenario pack
//   env.useBuiltInScenarios();
//
// Results are the protocol's JSON responses (mission.md §3.1) as plain
// objects. A request the engine cannot serve (unknown task, step after the
// end…) throws a SupportEnvError with the engine's message; an invalid
// *action* is not an error: it costs a step and reports last_action_error.
import createSupportEnvCore from './support-env-core.mjs';

const WASM_URL = new URL('./support-env-core.wasm', import.meta.url);
const isNode = typeof process === 'object' && typeof process.versions?.node === 'string' &&
  typeof window === 'undefined';

/** Thrown when the engine answers {"ok":false,"error":…}. */
export class SupportEnvError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SupportEnvError';
  }
}

// Text crosses into the module as UTF-8 written straight into its memory.
// TextEncoder turns lone UTF-16 surrogates into U+FFFD, so any JS string is
// sent as valid UTF-8.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let corePromise = null;

// One compiled module per page or process; each environment gets its own session.
function loadCore(options) {
  if (options.wasmBinary) return createSupportEnvCore({ wasmBinary: options.wasmBinary });
  corePromise ??= (async () => {
    const args = { locateFile: (path) => new URL(path, import.meta.url).href };
    if (isNode) {
      const { readFile } = await import('node:fs/promises');
      args.wasmBinary = await readFile(WASM_URL);
    }
    return createSupportEnvCore(args);
  })();
  return corePromise;
}

/** An environment: one episode at a time, driven by reset and step. */
export class SupportEnv {
  #core;
  #session;
  #handle;         // support_env_handle: the engine's handle() as a direct export
  #self;           // the session's address, its first argument
  #slot;           // address of the word where handle() leaves the response's address
  #capacity = 0;   // bytes of the request buffer
  #input = null;   // view of the request buffer; rebuilt when it grows or memory grows
  #address = 0;    // the request buffer's address in the module's memory

  constructor(core) {
    this.#core = core;
    this.#session = new core.Core();
    this.#handle = core._support_env_handle;
    this.#self = this.#session.address();
    this.#slot = this.#session.responseSlot();
  }

  /** Sends one raw protocol line and returns the raw response line. */
  request(line) {
    if (this.#session === null) throw new SupportEnvError('the environment is closed');
    if (typeof line !== 'string') throw new TypeError('request(line): line must be a string');
    const needed = line.length * 3;  // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (needed > this.#capacity) {
      this.#capacity = Math.max(needed, 4096);
      this.#input = null;
      this.#address = this.#session.requestBuffer(this.#capacity);
    }
    // Memory growth replaces HEAPU8's buffer (and detaches old views): re-view it then.
    if (this.#input === null || this.#input.buffer !== this.#core.HEAPU8.buffer) {
      this.#input = this.#core.HEAPU8.subarray(this.#address, this.#address + this.#capacity);
    }
    const { written } = encoder.encodeInto(line, this.#input);
    const length = this.#handle(this.#self, written);
    const heap = this.#core.HEAPU8;  // read after the call: it may have grown memory
    const address = this.#core.HEAPU32[this.#slot >>> 2];
    return decoder.decode(heap.subarray(address, address + length));
  }

  #call(request) {
    const response = JSON.parse(this.request(JSON.stringify(request)));
    if (!response.ok) throw new SupportEnvError(response.error);
    return response;
  }

  /** The missions: {ok, tasks:[{id, title, difficulty, summary, ticket_id, customer_tier, variants}]}. */
  tasks() { return this.#call({ op: 'tasks' }); }

  /** The environment's constants (steps, actions, rewards): {ok, spec}. */
  spec() { return this.#call({ op: 'spec' }); }

  /** Starts an episode: {ok, observation}. seed defaults to 0 (the canonical wording). */
  reset({ task, seed = 0 } = {}) { return this.#call({ op: 'reset', task, seed }); }

  /** Applies an action: {ok, observation, reward, done, info: {reason, valid}}. */
  step(action) { return this.#call({ op: 'step', action }); }

  /** The episode's bookkeeping: {ok, state}. */
  state() { return this.#call({ op: 'state' }); }

  /** A built-in policy's next action for the current episode, not taken: {ok, action}. */
  act({ policy = 'reference' } = {}) { return this.#call({ op: 'act', policy }); }

  /**
   * Plays a built-in policy over tasks x seeds inside the engine:
   * {ok, policy, first_seed, seeds, results: [{task, scores[], success[], steps[], stats}], overall}.
   * stats and overall are the engine's aggregated figures ({episodes, successes, success_rate,
   * mean_score, total_score, mean_steps, total_steps, invalid_actions, outcomes}); record: true
   * also adds the episodes to this environment's stats().
   */
  evaluate({ policy = 'reference', tasks = null, seeds = 1, firstSeed = 0, record = false } = {}) {
    return this.#call({ op: 'evaluate', policy, tasks, seeds, first_seed: firstSeed, stats: true, record });
  }

  /**
   * The engine's figures for the episodes this environment finished (by step, or evaluate with
   * record): {ok, results: [{task, stats}], overall}. clear: true empties them after answering.
   */
  stats({ clear = false } = {}) { return this.#call({ op: 'stats', clear }); }

  /**
   * Switches to a scenario pack: files [{name: 'missions/….json' | 'kb/….json', text}].
   * Returns {ok, tasks}; a broken pack throws SupportEnvError "<file>: <JSON path>: problem".
   */
  loadScenarios(files) { return this.#call({ op: 'load_scenarios', files }); }

  /** Switches back to the built-in missions: {ok, tasks}. */
  useBuiltInScenarios() { return this.#call({ op: 'load_scenarios', builtin: true }); }

  /** Frees the session; further calls throw. */
  close() {
    this.#session?.delete();
    this.#session = null;
  }
}

/**
 * Loads the WebAssembly engine and returns a new environment.
 * options.wasmBinary: the .wasm bytes, when the loader should not fetch or read them itself.
 */
export default async function createSupportEnv(options = {}) {
  return new SupportEnv(await loadCore(options));
}

export { createSupportEnv };
