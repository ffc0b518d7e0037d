"""A class shaped for TRL's GRPOTrainer(environment_factory=...).

TRL makes one instance per generation, calls reset(**row) with the dataset row and
offers every public method as a tool, described by its docstring. The reward function
reads each instance's `reward`:

    from support_env import SupportToolEnv

    def episode_reward(environments, **kwargs):
        return [env.reward for env in environments]

    trainer = GRPOTrainer(model=..., train_dataset=dataset,  # rows such as {"prompt": [...], "task": "vip_outage", "seed": 3}
                          reward_funcs=episode_reward, environment_factory=SupportToolEnv)

The text returned to the model is what a support agent sees (the ticket, the customer's
replies, the article found, its own errors, the steps used); never a reward, as in the
blind evaluation of inference.py.
"""
from __future__ import annotations

from .env import SupportEnv, SupportEnvError


def render_ticket(obs: dict) -> str:
    """The ticket as text: the start of an episode."""
    lines = [f"Ticket {obs['ticket_id']} from {obs['customer_name']} ({obs['customer_tier']} customer, "
             f"sentiment {obs['sentiment']})", f"Subject: {obs['subject']}"]
    lines += [f"{m['role'].capitalize()}: {m['text']}" for m in obs["conversation_history"]]
    lines.append(f"Steps used: {obs['step_count']} of {obs['max_steps']}.")
    return "\n".join(lines)


def render_step(before: dict | None, obs: dict) -> str:
    """What changed after a step, as text: new conversation lines, the article found, an error, the steps used."""
    seen = len(before["conversation_history"]) if before else 0
    lines = [f"{m['role'].capitalize()}: {m['text']}" for m in obs["conversation_history"][seen:]]
    article = obs.get("knowledge_base_result")
    if article and (before is None or before.get("knowledge_base_result") != article):
        lines.append(f"Knowledge base article {article['id']} \"{article['title']}\": {article['text']}")
    if obs.get("last_action_error"):
        lines.append(f"Error: {obs['last_action_error']}")
    lines.append(f"Customer sentiment: {obs['sentiment']}. Steps used: {obs['step_count']} of {obs['max_steps']}.")
    if obs["done"]:
        lines.append("The ticket is closed.")
    return "\n".join(lines)


class SupportToolEnv:
    """One support ticket per episode; the tools are the environment's five actions.

    Attributes: reward (the episode's total so far, a float), done, observation (the last
    observation dict), env (the underlying SupportEnv). Every public method other than
    reset is a tool."""

    def __init__(self, scenarios=None, **kwargs):
        self.env = SupportEnv(scenarios=scenarios, **kwargs)
        self.reward = 0.0
        self.done = False
        self.observation: dict | None = None

    def reset(self, **kwargs) -> str:
        """Starts a new ticket. Dataset columns used: task (or task_id) and seed; others are ignored."""
        task = kwargs.get("task", kwargs.get("task_id"))
        seed = kwargs.get("seed")
        self.observation, _ = self.env.reset(seed=seed, options={"task": task} if task is not None else None)
        self.reward = 0.0
        self.done = False
        return render_ticket(self.observation)

    def _act(self, action: dict) -> str:
        if self.done:
            raise ValueError("The ticket is already closed; no more actions can be taken.")
        before = self.observation
        try:
            obs, _, terminated, truncated, _ = self.env.step(action)
        except SupportEnvError as exc:
            raise ValueError(str(exc)) from None
        self.observation = obs
        self.reward = float(obs["cumulative_reward"])
        self.done = terminated or truncated
        return render_step(before, obs)

    def classify_issue(self, category_guess: str) -> str:
        """
        Classify the ticket's issue. Only the first classification of a ticket counts.

        Args:
            category_guess: The issue category, one of "Billing", "Technical" or "Refund_Request".

        Returns:
            What happened, and the steps used.
        """
        return self._act({"action_type": "classify_issue", "category_guess": category_guess})

    def search_kb(self, search_query: str) -> str:
        """
        Search the knowledge base of support policies and show the best matching article.

        Args:
            search_query: A few words describing the policy or fix to look up.

        Returns:
            The article found, and the steps used.
        """
        return self._act({"action_type": "search_kb", "search_query": search_query})

    def ask_clarifying_question(self, message_to_customer: str) -> str:
        """
        Ask the customer a question. Customers lose patience when asked too much.

        Args:
            message_to_customer: The question to send to the customer.

        Returns:
            The customer's reply, and the steps used.
        """
        return self._act({"action_type": "ask_clarifying_question", "message_to_customer": message_to_customer})

    def resolve_ticket(self, message_to_customer: str) -> str:
        """
        Resolve the ticket with a final message that tells the customer what to do or what was done. Ends the episode.

        Args:
            message_to_customer: The resolution sent to the customer.

        Returns:
            How the ticket closed.
        """
        return self._act({"action_type": "resolve_ticket", "message_to_customer": message_to_customer})

    def escalate_to_human(self, message_to_customer: str = "") -> str:
        """
        Hand the ticket to a human specialist, as policy requires for cases an agent must not decide. Ends the episode.

        Args:
            message_to_customer: An optional handoff note to the customer.

        Returns:
            How the ticket closed.
        """
        action = {"action_type": "escalate_to_human"}
        if message_to_customer:
            action["message_to_customer"] = message_to_customer
        return self._act(action)

    # No public close(): TRL would offer it as a tool. The session is freed with the instance.
