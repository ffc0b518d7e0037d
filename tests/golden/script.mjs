// The golden transcript's FIXED script: the requests, in order. Changing it is
// allowed (update.mjs records whatever it lists); changing the engine's answers
// to it is a new environment version.
//
// Per mission and seed 0..5: a good play, a wrong-terminal play, a play of
// invalid actions ending in a partial terminal, and a play of questions until
// the customer leaves (or the step limit); each followed by a step after the
// end and a state request. Before them: tasks, spec, and both built-in
// policies' evaluations, which pin the policies and the scores they earn.

export const TASKS = ['billing_receipt', 'dashboard_404', 'digital_refund', 'vip_outage', 'vague_complaint', 'plan_refund_difference'];
export const SEEDS = [0, 1, 2, 3, 4, 5];
export const VARIANT_SEEDS = 64;  // the seed -> variant table covers seeds 0..63

const PLAY = {
  billing_receipt: {
    category: 'Billing', wrong: 'Technical', query: 'billing receipt for a purchase', terminal: 'resolve_ticket',
    message: 'Thank you for your order. Your receipt is in the Billing History page of your account, where you can download it as a PDF, and a copy was also emailed to you.',
  },
  dashboard_404: {
    category: 'Technical', wrong: 'Billing', query: 'error 404 every time I log in', terminal: 'resolve_ticket',
    message: 'Sorry for the trouble. Your browser is loading an old cached route: please clear the browser cache and cookies for our site, then sign in again and the dashboard will load.',
  },
  digital_refund: {
    category: 'Refund_Request', wrong: 'Billing', query: 'refund for a downloaded ebook', terminal: 'escalate_to_human',
    message: 'I understand your frustration. I am handing your request to a human billing specialist who reviews disputes about digital purchases, and they will contact you.',
  },
  vip_outage: {
    category: 'Technical', wrong: 'Billing', query: 'API dashboard blank white screen', terminal: 'resolve_ticket',
    message: 'I am sorry your team is blocked. This is a technical fault, not a billing one: please sign out of all sessions, then regenerate the workspace API key, and the dashboard will load for everyone.',
  },
  vague_complaint: {
    category: 'Technical', wrong: 'Refund_Request', query: 'mobile app closes on start after update', terminal: 'resolve_ticket', ask: true,
    message: 'Thanks for explaining. Please update the app to the latest version from your app store, and if it still closes on start, uninstall it and reinstall it; your data is kept in your account.',
  },
  plan_refund_difference: {
    category: 'Refund_Request', wrong: 'Technical', query: 'bought the yearly plan by mistake instead of monthly', terminal: 'resolve_ticket',
    message: 'No problem at all. I have switched you to the monthly plan, and the prorated difference is refunded to your original payment method within 5 to 10 business days.',
  },
};

const line = (value) => JSON.stringify(value);
const step = (action) => line({ op: 'step', action });
const reset = (task, seed) => line({ op: 'reset', task, seed });
const AFTER = [step({ action_type: 'classify_issue', category_guess: 'Billing' }), line({ op: 'state' })];

/** The episodes of one mission and seed: [{title, requests}]. */
export function episodes(task, seed) {
  const p = PLAY[task];
  const other = p.terminal === 'resolve_ticket' ? 'escalate_to_human' : 'resolve_ticket';
  const ask = step({ action_type: 'ask_clarifying_question', message_to_customer: 'Could you tell me what exactly is not working?' });
  return [
    {
      title: 'good play',
      requests: [
        reset(task, seed),
        ...(p.ask ? [ask] : []),
        step({ action_type: 'classify_issue', category_guess: p.category }),
        step({ action_type: 'search_kb', search_query: p.query }),
        step({ action_type: p.terminal, message_to_customer: p.message }),
        ...AFTER,
      ],
    },
    {
      title: 'wrong category, off-target search, wrong terminal action',
      requests: [
        reset(task, seed),
        step({ action_type: 'classify_issue', category_guess: p.wrong }),
        step({ action_type: 'search_kb', search_query: 'reset my password' }),
        step({ action_type: 'classify_issue', category_guess: p.category }),
        step({ action_type: other, message_to_customer: 'I have looked into this for you and it is now handled; please tell us if anything else comes up.' }),
        ...AFTER,
      ],
    },
    {
      title: 'invalid actions, then the right terminal action with an unsound message',
      requests: [
        reset(task, seed),
        step({ action_type: 'check_logs' }),
        step({ action_type: 'classify_issue' }),
        step({ action_type: 'classify_issue', category_guess: 'Shipping' }),
        step({ action_type: 'search_kb', search_query: '   ' }),
        step({ action_type: 'resolve_ticket', message_to_customer: 'x'.repeat(2001) }),
        step({ action_type: 'search_kb', search_query: 'zzqx qqzx' }),
        step({ action_type: p.terminal, message_to_customer: 'Done. Closing this now.' }),
        ...AFTER,
      ],
    },
    {
      title: 'questions until the customer leaves',
      requests: [
        reset(task, seed),
        ...Array.from({ length: 10 }, (_, i) => step({ action_type: 'ask_clarifying_question', message_to_customer: `Question ${i + 1}: can you tell me more?` })),
        ...AFTER,
      ],
    },
  ];
}

/** Requests before the episodes. */
export const PREAMBLE = [
  line({ op: 'tasks' }),
  line({ op: 'spec' }),
  line({ op: 'evaluate', policy: 'reference', seeds: 8 }),
  line({ op: 'evaluate', policy: 'random', seeds: 8 }),
  line({ op: 'evaluate', policy: 'random', seeds: 8, first_seed: 8, stats: true, record: true }),
  line({ op: 'stats' }),
  line({ op: 'stats', clear: true }),
  line({ op: 'stats' }),
];

/** After every episode: the session's stats, which recorded each episode a step ended. */
export const EPILOGUE = [line({ op: 'stats' })];
