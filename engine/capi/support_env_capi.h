/* C ABI over the JSON-lines protocol (mission.md §3.1), for in-process
 * bindings: Python's ctypes (python/support_env), or any language with a C FFI.
 *
 * One request line in, one response line out, exactly what the command-line
 * program answers (both call Session_HandleLine). A scenario set is loaded
 * once and shared read-only by any number of sessions; a session is used by one
 * thread at a time, different sessions may run in different threads at once.
 * No function throws or aborts, whatever the bytes.
 */
#ifndef SUPPORT_ENV_CAPI_H_
#define SUPPORT_ENV_CAPI_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SUPPORT_ENV_API __attribute__((visibility("default")))
#else
#define SUPPORT_ENV_API
#endif

typedef struct support_env_scenarios support_env_scenarios;
typedef struct support_env_session support_env_session;

/* The environment version (SUPPORT_ENV_VERSION), e.g. "3.0.0". */
SUPPORT_ENV_API const char* support_env_version(void);

/* The built-in missions, loaded on first use and shared (never freed; freeing
 * it is a no-op). NULL only if the embedded files fail to load. */
SUPPORT_ENV_API const support_env_scenarios* support_env_builtin(void);

/* Loads a scenarios folder (a pack: missions/, kb/ and lexicon/ JSON files). On failure
 * returns NULL and, when error is not NULL, writes a NUL-terminated message
 * (truncated to error_size bytes). */
SUPPORT_ENV_API support_env_scenarios* support_env_load_dir(const char* dir, char* error, size_t error_size);

/* Frees a set from support_env_load_dir, once every session on it is freed. */
SUPPORT_ENV_API void support_env_scenarios_free(support_env_scenarios* set);

/* A new session playing `set` (NULL: the built-in missions). NULL on failure. */
SUPPORT_ENV_API support_env_session* support_env_session_new(const support_env_scenarios* set);

SUPPORT_ENV_API void support_env_session_free(support_env_session* session);

/* Serves one request line (UTF-8, `size` bytes, no newline needed) and returns
 * the response line (no newline), its length in *response_size when that is
 * not NULL. The bytes stay valid until the session's next request or free. */
SUPPORT_ENV_API const char* support_env_request(support_env_session* session, const char* line, size_t size,
                                                size_t* response_size);

#ifdef __cplusplus
}
#endif

#endif /* SUPPORT_ENV_CAPI_H_ */
