// Embind edge: exposes the JSON-lines protocol to JavaScript. support-env.mjs
// wraps it in the public API; nothing here is meant to be called directly.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <string>

#include "support_env/protocol.h"
#include "support_env/scenario_loader.h"

namespace {

using namespace support_env;

// The built-in scenarios, loaded once and shared by every environment.
const ScenarioSet* BuiltIn(std::string* error) {
  static ScenarioSet set;
  static std::string load_error;
  static const bool loaded = Scenarios_LoadEmbedded(&set, &load_error);
  if (!loaded) {
    *error = load_error;
    return nullptr;
  }
  return &set;
}

class Core {
 public:
  Core() {
    scenarios_ = BuiltIn(&error_);
    if (scenarios_ != nullptr) Session_Init(&session_, scenarios_);
  }

  // Requests and responses cross the boundary as UTF-8 bytes in the module's
  // memory (TextEncoder/TextDecoder on the JS side): embind's std::string
  // conversion costs about 20 ns a character each way, more than a step
  // (docs/performance.md).

  // One embind call per request: JS keeps the request buffer's address until
  // it needs a bigger one, and handle() leaves the response's address in a
  // fixed slot (responseSlot()) instead of a second call returning it.

  /// Address of a buffer for a request of up to `bytes` bytes (valid until the next call).
  std::uintptr_t requestBuffer(std::size_t bytes) {
    input_.resize(bytes);
    return reinterpret_cast<std::uintptr_t>(input_.data());
  }

  /// This object's address, for support_env_handle() below.
  std::uintptr_t address() const { return reinterpret_cast<std::uintptr_t>(this); }

  /// Address of the slot where handle() writes the response's address (fixed for the session's life).
  std::uintptr_t responseSlot() const { return reinterpret_cast<std::uintptr_t>(&response_address_); }

  /// Serves the request in the first `bytes` bytes of the buffer; returns the
  /// response's length and writes its address into responseSlot().
  std::size_t handle(std::size_t bytes) {
    const std::string* response = &fallback_;
    if (scenarios_ == nullptr) {
      fallback_ = "{\"ok\":false,\"error\":\"built-in scenarios failed to load: " + error_ + "\"}";
    } else {
      response = &Session_HandleLine(&session_, std::string_view(input_.data(), bytes < input_.size() ? bytes : input_.size()));
    }
    response_address_ = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(response->data()));
    return response->size();
  }

 private:
  const ScenarioSet* scenarios_ = nullptr;
  std::string error_;
  Session session_;
  std::string input_;
  std::string fallback_;
  std::uint32_t response_address_ = 0;  // wasm32: addresses are 32-bit
};

}  // namespace

// handle() as a plain export: an embind method call costs about 200 ns of JS
// glue (argument conversion, invoker), a direct export call a few. `core` is
// Core::address() of a live Core.
extern "C" EMSCRIPTEN_KEEPALIVE std::size_t support_env_handle(std::uintptr_t core, std::size_t bytes) {
  return reinterpret_cast<Core*>(core)->handle(bytes);
}

EMSCRIPTEN_BINDINGS(support_env) {
  emscripten::class_<Core>("Core")
      .constructor<>()
      .function("requestBuffer", &Core::requestBuffer)
      .function("address", &Core::address)
      .function("responseSlot", &Core::responseSlot);
}
