// Plays each mission through build/native/support-env (the JSON-lines
// protocol) and prints the conversation, rewards and reasons.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI, walkthrough } from '../tests/js/helpers.mjs';

const cli = spawn(CLI, [], { stdio: ['pipe', 'pipe', 'inherit'] });
const responses = createInterface({ input: cli.stdout })[Symbol.asyncIterator]();
async function send(request) {
  cli.stdin.write(JSON.stringify(request) + '\n');
  return JSON.parse((await responses.next()).value);
}

const seed = Number(process.argv[2] ?? 0);
const { tasks } = await send({ op: 'tasks' });
for (const task of tasks) {
  const { observation } = await send({ op: 'reset', task: task.id, seed });
  console.log(`\n━━ ${task.title} (${task.difficulty}) · ${observation.ticket_id} · ${observation.customer_name}, ${observation.customer_tier} · ${observation.sentiment}`);
  console.log(`   customer: ${observation.conversation_history[0].text}`);
  let seen = 1;
  for (const action of walkthrough(task.id, seed)) {
    const r = await send({ op: 'step', action });
    const field = action.category_guess ?? action.search_query ?? action.message_to_customer ?? '';
    console.log(`▶ ${action.action_type}${field ? `: ${field}` : ''}`);
    for (const line of r.observation.conversation_history.slice(seen)) {
      if (line.role !== 'agent') console.log(`   ${line.role}: ${line.text}`);
    }
    seen = r.observation.conversation_history.length;
    console.log(`   reward ${r.reward.toFixed(2)} · ${r.info.reason}`);
    if (r.done) console.log(`   ⇒ ${r.observation.outcome}, success ${r.observation.success}, score ${r.observation.cumulative_reward.toFixed(2)}`);
  }
}
cli.stdin.end();
