// C ABI over the protocol Session (see support_env_capi.h).
#include "support_env_capi.h"

#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "support_env/protocol.h"
#include "support_env/scenario_loader.h"
#include "support_env/version.h"

struct support_env_scenarios {
  support_env::ScenarioSet set;
};

struct support_env_session {
  support_env::Session session;
};

namespace {

void CopyError(const std::string& message, char* error, size_t error_size) {
  if (error == nullptr || error_size == 0) return;
  size_t n = message.size() < error_size - 1 ? message.size() : error_size - 1;
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

}  // namespace

extern "C" {

const char* support_env_version(void) { return SUPPORT_ENV_VERSION; }

const support_env_scenarios* support_env_builtin(void) {
  static support_env_scenarios* builtin = nullptr;
  static std::once_flag once;
  std::call_once(once, [] {
    auto* s = new (std::nothrow) support_env_scenarios;
    if (s == nullptr) return;
    std::string error;
    if (support_env::Scenarios_LoadEmbedded(&s->set, &error)) {
      builtin = s;
    } else {
      delete s;
    }
  });
  return builtin;
}

support_env_scenarios* support_env_load_dir(const char* dir, char* error, size_t error_size) {
  if (dir == nullptr) {
    CopyError("no folder given", error, error_size);
    return nullptr;
  }
  try {
    std::vector<support_env::SourceFile> files;
    std::string message;
    auto* s = new support_env_scenarios;
    if (support_env::Scenarios_ReadDirectory(dir, &files, &message) &&
        support_env::Scenarios_Load(files, &s->set, &message)) {
      return s;
    }
    delete s;
    CopyError(message, error, error_size);
  } catch (const std::exception& e) {
    CopyError(e.what(), error, error_size);
  }
  return nullptr;
}

void support_env_scenarios_free(support_env_scenarios* set) {
  if (set != nullptr && set != support_env_builtin()) delete set;
}

support_env_session* support_env_session_new(const support_env_scenarios* set) {
  if (set == nullptr) set = support_env_builtin();
  if (set == nullptr) return nullptr;
  auto* s = new (std::nothrow) support_env_session;
  if (s == nullptr) return nullptr;
  try {
    support_env::Session_Init(&s->session, &set->set);
  } catch (...) {
    delete s;
    return nullptr;
  }
  return s;
}

void support_env_session_free(support_env_session* session) { delete session; }

const char* support_env_request(support_env_session* session, const char* line, size_t size,
                                size_t* response_size) {
  static const char kNoSession[] = "{\"ok\":false,\"error\":\"no session\"}";
  if (session == nullptr || (line == nullptr && size != 0)) {
    if (response_size != nullptr) *response_size = sizeof kNoSession - 1;
    return kNoSession;
  }
  const std::string& response =
      support_env::Session_HandleLine(&session->session, std::string_view(line == nullptr ? "" : line, size));
  if (response_size != nullptr) *response_size = response.size();
  return response.c_str();
}

}  // extern "C"
