#include "support_env/canonical.h"
namespace support_env {
void Text_Canonicalize(std::string_view utf8, std::string* out) { out->assign(utf8.data(), utf8.size()); }
bool Text_HasMarkup(std::string_view s) { return s.find("<!--") != std::string_view::npos; }
}  // namespace support_env
