// _support_env_native: an optional CPython extension (stable ABI, Python >= 3.10)
// that python/support_env uses for its hot path when it is built. It serves the
// same protocol Session as the C ABI (support_env_capi.h); reset and step of a
// well-formed action build the observation dict directly, which is what makes
// the in-process package several times faster than decoding JSON per step.
// Everything else (and every action the engine would reject, so that its error
// messages stay the protocol's own) goes through the JSON protocol: request().
#define PY_SSIZE_T_CLEAN
#define Py_LIMITED_API 0x030A0000
#include <Python.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support_env/protocol.h"
#include "support_env/scenario_loader.h"
#include "support_env/version.h"

namespace se = support_env;

namespace {

enum Key {
  kEnvVersion, kTaskId, kTicketId, kDifficulty, kSubject, kCustomerName, kCustomerTier, kSentiment,
  kIssueCategory, kKbResult, kConversation, kStepCount, kMaxStepsKey, kQuestionsLeft, kDone, kCumulative, kLastError,
  kOutcome, kSuccess, kId, kTitle, kText, kRole, kActionType, kReason, kValid, kKeyCount
};
const char* const kKeyNames[kKeyCount] = {
    "env_version", "task_id", "ticket_id", "difficulty", "subject", "customer_name", "customer_tier", "sentiment",
    "issue_category", "knowledge_base_result", "conversation_history", "step_count", "max_steps", "questions_left", "done",
    "cumulative_reward", "last_action_error", "outcome", "success", "id", "title", "text", "role", "action_type",
    "reason", "valid"};
PyObject* g_keys[kKeyCount];
PyObject* g_field_keys[se::kActionFieldCount];  // by se::ActionField
const se::ScenarioSet* g_builtin = nullptr;

struct SessionObject {
  PyObject_HEAD
  se::Session* session;
  se::ScenarioSet* own;  // a pack loaded for this session, or null
};

PyObject* Str(std::string_view s) { return PyUnicode_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size())); }
PyObject* Money(se::Cents c) { return PyFloat_FromDouble(static_cast<double>(c) / 100.0); }

// Steals `value`; false (with an exception set) on failure.
bool Put(PyObject* dict, Key key, PyObject* value) {
  if (value == nullptr) return false;
  int rc = PyDict_SetItem(dict, g_keys[key], value);
  Py_DECREF(value);
  return rc == 0;
}
PyObject* NoneRef() { Py_INCREF(Py_None); return Py_None; }

// The observation as protocol.cpp's WriteObservation writes it, as a dict.
PyObject* Observation(const se::Episode& ep) {
  const se::Mission& m = *ep.mission;
  const se::Variant& v = m.variants[static_cast<std::size_t>(ep.variant_index)];
  PyObject* d = PyDict_New();
  if (d == nullptr) return nullptr;
  PyObject* history = PyList_New(ep.line_count);
  bool ok = history != nullptr;
  for (int i = 0; ok && i < ep.line_count; ++i) {
    PyObject* line = PyDict_New();
    ok = line != nullptr && Put(line, kRole, Str(se::WireName(ep.lines[i].role))) &&
         Put(line, kText, Str(ep.lines[i].text));
    if (line != nullptr) {
      if (ok) PyList_SetItem(history, i, line); else Py_DECREF(line);
    }
  }
  PyObject* article = nullptr;
  if (ok && ep.kb_result >= 0) {
    const se::KbArticle& a = ep.scenarios->kb.articles[static_cast<std::size_t>(ep.kb_result)];
    article = PyDict_New();
    ok = article != nullptr && Put(article, kId, Str(a.id)) && Put(article, kTitle, Str(a.title)) &&
         Put(article, kText, Str(a.text));
  }
  ok = ok && Put(d, kEnvVersion, Str(SUPPORT_ENV_VERSION)) && Put(d, kTaskId, Str(m.task_id)) &&
       Put(d, kTicketId, Str(v.ticket_id)) && Put(d, kDifficulty, Str(se::WireName(m.difficulty))) &&
       Put(d, kSubject, Str(v.subject)) && Put(d, kCustomerName, Str(v.customer_name)) &&
       Put(d, kCustomerTier, Str(se::WireName(m.tier))) && Put(d, kSentiment, Str(se::WireName(ep.sentiment))) &&
       Put(d, kIssueCategory, ep.classified ? Str(se::WireName(ep.category)) : NoneRef()) &&
       Put(d, kKbResult, article != nullptr ? article : NoneRef());
  article = nullptr;  // stolen (or never made)
  ok = ok && Put(d, kConversation, history);
  history = nullptr;
  ok = ok && Put(d, kStepCount, PyLong_FromLong(ep.step_count)) &&
       Put(d, kMaxStepsKey, PyLong_FromLong(se::kMaxSteps)) &&
       Put(d, kQuestionsLeft, PyLong_FromLong(se::Episode_QuestionsLeft(ep))) && Put(d, kDone, PyBool_FromLong(ep.done)) &&
       Put(d, kCumulative, Money(ep.cumulative)) &&
       Put(d, kLastError, ep.has_error ? Str(ep.last_error) : NoneRef()) &&
       Put(d, kOutcome, ep.outcome == se::Outcome::None ? NoneRef() : Str(se::WireName(ep.outcome))) &&
       Put(d, kSuccess, ep.done ? PyBool_FromLong(ep.success) : NoneRef());
  Py_XDECREF(history);
  Py_XDECREF(article);
  if (!ok) {
    Py_DECREF(d);
    return nullptr;
  }
  return d;
}

int Session_init(PyObject* self_obj, PyObject* args, PyObject* kwargs) {
  auto* self = reinterpret_cast<SessionObject*>(self_obj);
  static const char* kwlist[] = {"directory", nullptr};
  const char* dir = nullptr;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|z", const_cast<char**>(kwlist), &dir)) return -1;
  const se::ScenarioSet* set = g_builtin;
  if (dir != nullptr) {
    auto pack = std::make_unique<se::ScenarioSet>();
    std::vector<se::SourceFile> files;
    std::string error;
    if (!se::Scenarios_ReadDirectory(dir, &files, &error) || !se::Scenarios_Load(files, pack.get(), &error)) {
      PyErr_SetString(PyExc_ValueError, error.c_str());
      return -1;
    }
    self->own = pack.release();
    set = self->own;
  }
  self->session = new se::Session;
  se::Session_Init(self->session, set);
  return 0;
}

void Session_dealloc(PyObject* self_obj) {
  auto* self = reinterpret_cast<SessionObject*>(self_obj);
  delete self->session;
  delete self->own;
  PyTypeObject* type = Py_TYPE(self_obj);
  auto free_fn = reinterpret_cast<freefunc>(PyType_GetSlot(type, Py_tp_free));
  free_fn(self_obj);
  Py_DECREF(type);
}

// request(line: bytes) -> bytes: one protocol line, as the command-line program answers it.
PyObject* Session_request(PyObject* self_obj, PyObject* arg) {
  auto* self = reinterpret_cast<SessionObject*>(self_obj);
  char* data;
  Py_ssize_t size;
  if (PyBytes_AsStringAndSize(arg, &data, &size) < 0) return nullptr;
  const std::string& r = se::Session_HandleLine(self->session, std::string_view(data, static_cast<std::size_t>(size)));
  return PyBytes_FromStringAndSize(r.data(), static_cast<Py_ssize_t>(r.size()));
}

// reset(task: str, seed: int) -> observation dict, or None for an unknown task.
PyObject* Session_reset(PyObject* self_obj, PyObject* args) {
  auto* self = reinterpret_cast<SessionObject*>(self_obj);
  const char* task;
  Py_ssize_t task_size;
  unsigned long long seed;
  if (!PyArg_ParseTuple(args, "s#K", &task, &task_size, &seed)) return nullptr;
  if (seed > (1ull << 53) - 1) Py_RETURN_NONE;
  int mission = se::ScenarioSet_FindMission(*self->session->scenarios,
                                            std::string_view(task, static_cast<std::size_t>(task_size)));
  if (mission < 0) Py_RETURN_NONE;
  se::Episode_Reset(&self->session->episode, mission, seed);
  return Observation(self->session->episode);
}

// step(action: dict) -> (observation, reward, done, reason, valid, checks), or None when the
// action is not a plain well-formed one or no episode is running: then the caller
// sends it through request() for the protocol's own answer.
PyObject* Session_step(PyObject* self_obj, PyObject* action) {
  auto* self = reinterpret_cast<SessionObject*>(self_obj);
  se::Episode& ep = self->session->episode;
  if (ep.mission == nullptr || ep.done || !PyDict_Check(action)) Py_RETURN_NONE;
  PyObject* type = PyDict_GetItemWithError(action, g_keys[kActionType]);  // borrowed
  if (type == nullptr) {
    if (PyErr_Occurred()) return nullptr;
    Py_RETURN_NONE;
  }
  if (!PyUnicode_Check(type)) Py_RETURN_NONE;
  Py_ssize_t size;
  const char* name = PyUnicode_AsUTF8AndSize(type, &size);
  if (name == nullptr) {
    PyErr_Clear();
    Py_RETURN_NONE;
  }
  se::Action a;
  if (!se::ActionType_Parse(std::string_view(name, static_cast<std::size_t>(size)), &a.type)) Py_RETURN_NONE;
  const int field = static_cast<int>(se::ActionType_FieldOf(a.type));
  PyObject* value = PyDict_GetItemWithError(action, g_field_keys[field]);
  if (value == nullptr && PyErr_Occurred()) return nullptr;
  if (value == nullptr || value == Py_None) {
    if (!se::ActionType_FieldOptional(a.type)) Py_RETURN_NONE;
    a.text = {};
  } else {
    if (!PyUnicode_Check(value)) Py_RETURN_NONE;
    const char* text = PyUnicode_AsUTF8AndSize(value, &size);
    if (text == nullptr) {  // lone surrogates: not UTF-8, so not JSON either
      PyErr_Clear();
      Py_RETURN_NONE;
    }
    std::string_view s(text, static_cast<std::size_t>(size));
    if (se::ActionType_FieldOf(a.type) == se::ActionField::CategoryGuess) {
      if (!se::Category_Parse(s, &a.category)) Py_RETURN_NONE;
    } else {
      a.text = s;
    }
  }
  se::StepResult r = se::Session_Step(self->session, a);   // records the episode in the session's stats when it ends
  if (!r.accepted) Py_RETURN_NONE;
  PyObject* obs = Observation(ep);
  if (obs == nullptr) return nullptr;
  // A terminal step's checklist, as the protocol writes it in info.checks (None otherwise).
  PyObject* checks = Py_None;
  Py_INCREF(Py_None);
  if (ep.check_count > 0) {
    Py_DECREF(Py_None);
    checks = PyList_New(ep.check_count);
    if (checks == nullptr) {
      Py_DECREF(obs);
      return nullptr;
    }
    for (int i = 0; i < ep.check_count; ++i) {
      const se::Check& c = ep.checks[i];
      PyObject* item = Py_BuildValue("{s:s#,s:N}", "requirement", c.requirement.data(),
                                     static_cast<Py_ssize_t>(c.requirement.size()), "met", PyBool_FromLong(c.met));
      if (item == nullptr) {
        Py_DECREF(checks);
        Py_DECREF(obs);
        return nullptr;
      }
      PyList_SetItem(checks, i, item);   // steals the reference
    }
  }
  PyObject* result = Py_BuildValue("(NNNs#NN)", obs, Money(r.reward), PyBool_FromLong(r.done), r.reason.data(),
                                   static_cast<Py_ssize_t>(r.reason.size()), PyBool_FromLong(r.valid), checks);
  return result;
}

PyMethodDef kSessionMethods[] = {
    {"request", Session_request, METH_O, "request(line: bytes) -> bytes: one protocol request line"},
    {"reset", Session_reset, METH_VARARGS, "reset(task, seed) -> observation dict, or None for an unknown task"},
    {"step", Session_step, METH_O,
     "step(action) -> (observation, reward, done, reason, valid, checks), or None: send it through request()"},
    {nullptr, nullptr, 0, nullptr}};

PyType_Slot kSessionSlots[] = {
    {Py_tp_doc, const_cast<char*>("A protocol session of the native engine (one thread at a time).")},
    {Py_tp_init, reinterpret_cast<void*>(Session_init)},
    {Py_tp_dealloc, reinterpret_cast<void*>(Session_dealloc)},
    {Py_tp_methods, kSessionMethods},
    {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
    {0, nullptr}};

PyType_Spec kSessionSpec = {"_support_env_native.Session", sizeof(SessionObject), 0, Py_TPFLAGS_DEFAULT,
                            kSessionSlots};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT, "_support_env_native",
                       "The native engine of support_env (see engine/capi/support_env_pymodule.cpp).", -1,
                       nullptr, nullptr, nullptr, nullptr, nullptr};

}  // namespace

extern "C" __attribute__((visibility("default"))) PyObject* PyInit__support_env_native(void) {
  static se::ScenarioSet builtin;
  if (g_builtin == nullptr) {
    std::string error;
    if (!se::Scenarios_LoadEmbedded(&builtin, &error)) {
      PyErr_SetString(PyExc_RuntimeError, error.c_str());
      return nullptr;
    }
    g_builtin = &builtin;
    for (int i = 0; i < kKeyCount; ++i) {
      g_keys[i] = PyUnicode_InternFromString(kKeyNames[i]);
      if (g_keys[i] == nullptr) return nullptr;
    }
    for (int i = 0; i < se::kActionFieldCount; ++i) {
      const std::string field(se::WireName(static_cast<se::ActionField>(i)));
      g_field_keys[i] = PyUnicode_InternFromString(field.c_str());
      if (g_field_keys[i] == nullptr) return nullptr;
    }
  }
  PyObject* module = PyModule_Create(&kModule);
  if (module == nullptr) return nullptr;
  PyObject* type = PyType_FromSpec(&kSessionSpec);
  if (type == nullptr || PyModule_AddObject(module, "Session", type) < 0 ||
      PyModule_AddStringConstant(module, "ENV_VERSION", SUPPORT_ENV_VERSION) < 0) {
    Py_XDECREF(type);
    Py_DECREF(module);
    return nullptr;
  }
  return module;
}
