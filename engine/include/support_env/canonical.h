// TEMPORARY stub until the canonical-text module lands.
#pragma once
#include <string>
#include <string_view>
namespace support_env {
void Text_Canonicalize(std::string_view utf8, std::string* out);
bool Text_HasMarkup(std::string_view s);
}  // namespace support_env
