// The episode loop every agent shares (the demo's player, the Evaluation Lab,
// a Lab run's failed seed reopened): ask the agent for an action, send it to
// the engine, tell the agent what came back, until the episode ends, the
// agent has nothing more to play, maxActions were played or the signal aborts.
// An agent is {next(obs, {signal}) → {action, problem?, recorded?} | null, observe?(result)}.
import { createLlmAgent } from './llm.js';

/**
 * Plays from `obs`: step(action, choice) sends one action and returns the
 * engine's step response; between(signal) waits between actions (the demo's
 * speed). Resolves {obs, played, ended} (ended: the agent had no more actions).
 */
export async function playEpisode({ agent, obs, step, signal, maxActions = Infinity, between, onStep }) {
  let played = 0;
  while (!obs.done && played < maxActions && !signal?.aborted) {
    const choice = await agent.next(obs, { signal });
    if (signal?.aborted) break;
    if (!choice) return { obs, played, ended: true };
    const result = step(choice.action, choice);
    agent.observe?.(result, choice);
    obs = result.observation;
    played++;
    onStep?.(result, choice);
    if (!obs.done && played < maxActions && between) await between(signal);
  }
  return { obs, played, ended: false };
}

/** The engine's built-in agent ('reference' or 'random') of env, for the episode env is playing. */
export const builtInAgent = (env, policy) => ({ next: () => ({ action: env.act({ policy }).action, problem: null }) });

/** A recorded episode's actions, one per step, then nothing. */
export const replayAgent = (steps) => ({
  next: (obs) => (obs.step_count < steps.length ? { action: steps[obs.step_count].action, problem: null, recorded: steps[obs.step_count].reward } : null),
});

/** The LLM agent for one episode (settings fixed when it is made); onRetry reports the endpoint's retries. */
export function llmAgent(spec, { settings, feedback, onRetry }) {
  const agent = createLlmAgent(spec, { settings, feedback });
  return {
    feedback,
    next: (obs, { signal } = {}) => agent.next(obs, { signal, onRetry }),
    observe: (result) => agent.observe(result),
  };
}
