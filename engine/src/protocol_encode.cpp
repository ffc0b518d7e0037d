// Encoding: the response writers. Every response is written straight into the
// session's response string with JsonWriter, no DOM (docs/performance.md).
#include "json_writer.h"
#include "protocol_internal.h"
#include "support_env/version.h"

namespace support_env::protocol {
namespace {

// A writer of the session's next response, which replaces the last one.
// (Writing over the last one's bytes instead, to spare resize() its zero
// fill, bought 1-3% when re-measured: not kept; docs/performance.md.)
JsonWriter NewResponse(Session* s) {
  s->response.clear();
  return JsonWriter(&s->response);
}

void WriteRewardRule(JsonWriter* w, const char* when, Cents reward) {
  w->Raw("{\"when\":");
  w->String(when);
  w->Raw(",\"reward\":");
  w->Cents(reward);
  w->Char('}');
}

// The observation object (mission.md §3.1).
void WriteObservation(const Episode& ep, JsonWriter* w) {
  const Mission& m = *ep.mission;
  const Variant& v = m.variants[static_cast<std::size_t>(ep.variant_index)];
  w->Raw("{\"env_version\":\"" SUPPORT_ENV_VERSION "\",\"task_id\":");
  w->String(m.task_id);
  w->Raw(",\"ticket_id\":");
  w->String(v.ticket_id);
  w->Raw(",\"difficulty\":");
  w->String(WireName(m.difficulty));
  w->Raw(",\"subject\":");
  w->String(v.subject);
  w->Raw(",\"customer_name\":");
  w->String(v.customer_name);
  w->Raw(",\"customer_tier\":");
  w->String(WireName(m.tier));
  w->Raw(",\"sentiment\":");
  w->String(WireName(ep.sentiment));
  w->Raw(",\"issue_category\":");
  if (ep.classified) w->String(WireName(ep.category)); else w->Raw("null");
  w->Raw(",\"knowledge_base_result\":");
  if (ep.kb_result < 0) {
    w->Raw("null");
  } else {
    const KbArticle& a = ep.scenarios->kb.articles[static_cast<std::size_t>(ep.kb_result)];
    w->Raw("{\"id\":");
    w->String(a.id);
    w->Raw(",\"title\":");
    w->String(a.title);
    w->Raw(",\"text\":");
    w->String(a.text);
    w->Char('}');
  }
  w->Raw(",\"conversation_history\":[");
  for (int i = 0; i < ep.line_count; ++i) {
    if (i) w->Char(',');
    w->Raw("{\"role\":");
    w->String(WireName(ep.lines[i].role));
    w->Raw(",\"text\":");
    w->String(ep.lines[i].text);
    w->Char('}');
  }
  w->Raw("],\"step_count\":");
  w->Int(ep.step_count);
  w->Raw(",\"max_steps\":");
  w->Int(kMaxSteps);
  w->Raw(",\"questions_left\":");
  w->Int(Episode_QuestionsLeft(ep));
  w->Raw(",\"done\":");
  w->Bool(ep.done);
  w->Raw(",\"cumulative_reward\":");
  w->Cents(ep.cumulative);
  w->Raw(",\"last_action_error\":");
  if (ep.has_error) w->String(ep.last_error); else w->Raw("null");
  w->Raw(",\"outcome\":");
  if (ep.outcome == Outcome::None) w->Raw("null"); else w->String(WireName(ep.outcome));
  w->Raw(",\"success\":");
  if (ep.done) w->Bool(ep.success); else w->Raw("null");
  w->Char('}');
}

// num / den as a decimal number rounded half up to four places, trailing
// zeros dropped (0.98, 0.1604, 3); null when den is 0. num, den >= 0.
void WriteRatio(JsonWriter* w, std::int64_t num, std::int64_t den) {
  if (den == 0) {
    w->Raw("null");
    return;
  }
  constexpr std::int64_t kScale = 10000;
  const std::int64_t scaled = (2 * num * kScale + den) / (2 * den);
  w->Int(scaled / kScale);
  std::int64_t frac = scaled % kScale;
  if (frac == 0) return;
  char digits[5] = {'.'};
  int n = 1;
  for (std::int64_t unit = kScale / 10; frac != 0; unit /= 10, ++n) {
    digits[n] = static_cast<char>('0' + frac / unit);
    frac %= unit;
  }
  w->Raw(std::string_view(digits, static_cast<std::size_t>(n)));
}

// An EpisodeStats object: the sums and counts, and the means they give.
void WriteStats(const EpisodeStats& st, JsonWriter* w) {
  w->Raw("{\"episodes\":");
  w->Int(st.episodes);
  w->Raw(",\"successes\":");
  w->Int(st.successes);
  w->Raw(",\"success_rate\":");
  WriteRatio(w, st.successes, st.episodes);
  w->Raw(",\"mean_score\":");
  WriteRatio(w, st.score, 100 * st.episodes);   // score is in Cents
  w->Raw(",\"total_score\":");
  WriteRatio(w, st.score, 100);
  w->Raw(",\"mean_steps\":");
  WriteRatio(w, st.steps, st.episodes);
  w->Raw(",\"total_steps\":");
  w->Int(st.steps);
  w->Raw(",\"invalid_actions\":");
  w->Int(st.invalid_actions);
  w->Raw(",\"outcomes\":{");
  for (int i = 1; i < kOutcomeCount; ++i) {   // Outcome::None (0) never ends an episode
    if (i > 1) w->Char(',');
    w->Char('"');
    w->Raw(WireName(static_cast<Outcome>(i)));
    w->Raw("\":");
    w->Int(st.outcomes[i]);
  }
  w->Raw("}}");
}

void WriteAction(const Action& a, JsonWriter* w) {
  w->Raw("{\"action_type\":");
  w->String(WireName(a.type));
  w->Raw(",\"");
  w->Raw(ActionType_Field(a.type));
  w->Raw("\":");
  if (ActionType_FieldOf(a.type) == ActionField::CategoryGuess) w->String(WireName(a.category)); else w->String(a.text);
  w->Char('}');
}

}  // namespace

const std::string& ErrorResponse(Session* s, std::string_view message) {
  JsonWriter w = NewResponse(s);
  w.Raw("{\"ok\":false,\"error\":");
  w.String(message);
  w.Char('}');
  return s->response;
}

const std::string& TasksResponse(Session* s) {
  JsonWriter w = NewResponse(s);
  w.Raw("{\"ok\":true,\"tasks\":[");
  bool first = true;
  for (const Mission& m : s->scenarios->missions) {
    if (!first) w.Char(',');
    first = false;
    w.Raw("{\"id\":");
    w.String(m.task_id);
    w.Raw(",\"title\":");
    w.String(m.title);
    w.Raw(",\"difficulty\":");
    w.String(WireName(m.difficulty));
    w.Raw(",\"summary\":");
    w.String(m.summary);
    w.Raw(",\"ticket_id\":");
    w.String(m.variants[0].ticket_id);
    w.Raw(",\"customer_tier\":");
    w.String(WireName(m.tier));
    w.Raw(",\"variants\":");
    w.Int(static_cast<long long>(m.variants.size()));
    w.Char('}');
  }
  w.Raw("]}");
  return s->response;
}

// The environment's constants, so that clients (the dashboard, inference.py)
// show and use the engine's numbers rather than copies of them. Every value
// comes from a constant (support_env/types.h, version.h, protocol.h).
const std::string& SpecResponse(Session* s) {
  JsonWriter w = NewResponse(s);
  w.Raw("{\"ok\":true,\"spec\":{\"env_version\":\"" SUPPORT_ENV_VERSION "\",\"max_steps\":");
  w.Int(kMaxSteps);
  w.Raw(",\"target_score\":");
  w.Cents(kTargetScore);
  w.Raw(",\"max_score\":");
  w.Cents(kMaxScore);
  w.Raw(",\"max_text_bytes\":");
  w.Int(static_cast<long long>(kMaxTextBytes));
  w.Raw(",\"patience\":{\"min\":");
  w.Int(kMinPatience);
  w.Raw(",\"max\":");
  w.Int(kMaxPatience);
  w.Raw("},\"tasks\":");
  w.Int(static_cast<long long>(s->scenarios->missions.size()));
  w.Raw(",\"categories\":[");
  for (int i = 0; i < kCategoryCount; ++i) {
    if (i) w.Char(',');
    w.String(WireName(static_cast<Category>(i)));
  }
  w.Raw("],\"sentiments\":[");
  for (int i = 0; i < kSentimentCount; ++i) {
    if (i) w.Char(',');
    w.String(WireName(static_cast<Sentiment>(i)));
  }
  w.Raw("],\"outcomes\":[");
  for (Outcome o : {Outcome::Resolved, Outcome::Escalated, Outcome::CustomerLeft, Outcome::StepLimit}) {
    if (o != Outcome::Resolved) w.Char(',');
    w.String(WireName(o));
  }
  w.Raw("],\"actions\":[");
  for (int i = 0; i < kActionTypeCount; ++i) {
    const auto a = static_cast<ActionType>(i);
    if (i) w.Char(',');
    w.Raw("{\"action_type\":");
    w.String(WireName(a));
    w.Raw(",\"field\":");
    w.String(ActionType_Field(a));
    if (ActionType_FieldOptional(a)) w.Raw(",\"optional\":true");
    w.Raw(",\"terminal\":");
    w.Bool(ActionType_IsTerminal(a));
    w.Raw(",\"rewards\":[");
    switch (a) {
      case ActionType::ClassifyIssue:
        WriteRewardRule(&w, "first classification, correct", kClassifyCorrect);
        w.Char(',');
        WriteRewardRule(&w, "first classification, incorrect", kClassifyWrong);
        break;
      case ActionType::SearchKb: {
        std::string cap = "top result relevant (search total capped at +";
        {
          JsonWriter cw(&cap);
          cw.Cents(kSearchCap);
        }
        cap += ")";
        WriteRewardRule(&w, cap.c_str(), kSearchCap);
        w.Char(',');
        WriteRewardRule(&w, "top result off-target (once)", kSearchOffTarget);
        break;
      }
      case ActionType::AskClarifyingQuestion:
        WriteRewardRule(&w, "first question", kFirstQuestion);
        break;
      case ActionType::ResolveTicket:
      case ActionType::EscalateToHuman:
        WriteRewardRule(&w, "correct terminal action, every requirement met", kTerminalSuccess);
        w.Char(',');
        WriteRewardRule(&w, "correct terminal action, a requirement unmet", kTerminalPartial);
        break;
    }
    w.Raw("]}");
  }
  w.Raw("],\"max_seed\":");
  w.UInt(kMaxSeed);
  w.Raw(",\"max_evaluate_seeds\":");
  w.Int(kMaxEvaluateSeeds);
  w.Raw("}}");
  return s->response;
}

const std::string& ResetResponse(Session* s) {
  JsonWriter w = NewResponse(s);
  w.Raw("{\"ok\":true,\"observation\":");
  WriteObservation(s->episode, &w);
  w.Char('}');
  return s->response;
}

const std::string& StepResponse(Session* s, const StepResult& r) {
  JsonWriter w = NewResponse(s);
  w.Raw("{\"ok\":true,\"observation\":");
  WriteObservation(s->episode, &w);
  w.Raw(",\"reward\":");
  w.Cents(r.reward);
  w.Raw(",\"done\":");
  w.Bool(r.done);
  w.Raw(",\"info\":{\"reason\":");
  w.String(r.reason);
  w.Raw(",\"valid\":");
  w.Bool(r.valid);
  const Episode& ep = s->episode;
  if (ep.check_count > 0) {   // a terminal step: the checklist of requirements
    w.Raw(",\"checks\":[");
    for (int i = 0; i < ep.check_count; ++i) {
      w.Raw(i == 0 ? "{\"requirement\":" : ",{\"requirement\":");
      w.String(ep.checks[i].requirement);
      w.Raw(",\"met\":");
      w.Bool(ep.checks[i].met);
      w.Raw("}");
    }
    w.Raw("]");
  }
  w.Raw("}}");
  return s->response;
}

const std::string& StateResponse(Session* s) {
  const Episode& ep = s->episode;
  JsonWriter w = NewResponse(s);
  w.Raw("{\"ok\":true,\"state\":{\"env_version\":\"" SUPPORT_ENV_VERSION "\",\"task_id\":");
  w.String(ep.mission->task_id);
  w.Raw(",\"seed\":");
  w.UInt(ep.seed);
  w.Raw(",\"variant\":");
  w.Int(ep.variant_index);
  w.Raw(",\"ticket_id\":");
  w.String(ep.mission->variants[static_cast<std::size_t>(ep.variant_index)].ticket_id);
  w.Raw(",\"step_count\":");
  w.Int(ep.step_count);
  w.Raw(",\"max_steps\":");
  w.Int(kMaxSteps);
  w.Raw(",\"done\":");
  w.Bool(ep.done);
  w.Raw(",\"outcome\":");
  if (ep.outcome == Outcome::None) w.Raw("null"); else w.String(WireName(ep.outcome));
  w.Raw(",\"success\":");
  if (ep.done) w.Bool(ep.success); else w.Raw("null");
  w.Raw(",\"cumulative_reward\":");
  w.Cents(ep.cumulative);
  w.Raw(",\"rewards\":[");
  for (int i = 0; i < ep.reward_count; ++i) {
    if (i) w.Char(',');
    w.Cents(ep.rewards[i]);
  }
  w.Raw("],\"questions_asked\":");
  w.Int(ep.questions_asked);
  w.Raw("}}");
  return s->response;
}

const std::string& ActResponse(Session* s, const Action& a) {
  JsonWriter w = NewResponse(s);
  w.Raw("{\"ok\":true,\"action\":");
  WriteAction(a, &w);
  w.Char('}');
  return s->response;
}

const std::string& EvaluateResponse(Session* s, const EvaluateRequest& req) {
  const ScenarioSet& set = *s->scenarios;
  Episode& ep = s->evaluation;
  if (ep.scenarios != s->scenarios) Episode_Init(&ep, s->scenarios);
  JsonWriter w = NewResponse(s);
  w.Raw("{\"ok\":true,\"policy\":");
  w.String(PolicyKind_Name(req.policy));
  w.Raw(",\"first_seed\":");
  w.UInt(req.first_seed);
  w.Raw(",\"seeds\":");
  w.Int(req.seeds);
  w.Raw(",\"results\":[");
  std::string scores, successes, steps;
  EpisodeStats overall;
  for (std::size_t i = 0; i < req.missions.size(); ++i) {
    const int mission = req.missions[i];
    EpisodeStats stats;
    scores.clear();
    successes.clear();
    steps.clear();
    {
      JsonWriter sw(&scores), okw(&successes), nw(&steps);
      for (int k = 0; k < req.seeds; ++k) {
        const EpisodeResult r = Policy_PlayEpisode(req.policy, &ep, mission, req.first_seed + static_cast<std::uint64_t>(k), &stats);
        if (k) { sw.Char(','); okw.Char(','); nw.Char(','); }
        sw.Cents(r.score);
        okw.Bool(r.success);
        nw.Int(r.steps);
      }
    }
    Stats_Merge(&overall, stats);
    if (req.record) Stats_Merge(&s->stats[static_cast<std::size_t>(mission)], stats);
    if (i) w.Char(',');
    w.Raw("{\"task\":");
    w.String(set.missions[static_cast<std::size_t>(mission)].task_id);
    w.Raw(",\"scores\":[");
    w.Raw(scores);
    w.Raw("],\"success\":[");
    w.Raw(successes);
    w.Raw("],\"steps\":[");
    w.Raw(steps);
    w.Char(']');
    if (req.stats) {
      w.Raw(",\"stats\":");
      WriteStats(stats, &w);
    }
    w.Char('}');
  }
  w.Char(']');
  if (req.stats) {
    w.Raw(",\"overall\":");
    WriteStats(overall, &w);
  }
  w.Char('}');
  return s->response;
}

const std::string& StatsResponse(Session* s) {
  const ScenarioSet& set = *s->scenarios;
  JsonWriter w = NewResponse(s);
  w.Raw("{\"ok\":true,\"results\":[");
  EpisodeStats overall;
  for (std::size_t i = 0; i < s->stats.size(); ++i) {
    Stats_Merge(&overall, s->stats[i]);
    if (i) w.Char(',');
    w.Raw("{\"task\":");
    w.String(set.missions[i].task_id);
    w.Raw(",\"stats\":");
    WriteStats(s->stats[i], &w);
    w.Char('}');
  }
  w.Raw("],\"overall\":");
  WriteStats(overall, &w);
  w.Char('}');
  return s->response;
}

}  // namespace support_env::protocol
