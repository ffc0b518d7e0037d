// The one place that reads scenario files from disk (native builds only).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support_env/scenario_loader.h"

namespace support_env {

bool Scenarios_ReadDirectory(const std::string& dir, std::vector<SourceFile>* files, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    *error = dir + ": not a directory (expected a scenarios folder with missions/, kb/ and optionally lexicon/)";
    return false;
  }
  files->clear();
  for (const char* sub : {"kb", "lexicon", "missions"}) {
    fs::path folder = fs::path(dir) / sub;
    if (!fs::is_directory(folder, ec)) continue;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() != ".json") continue;
      std::ifstream in(it->path(), std::ios::binary);
      if (!in) {
        *error = it->path().string() + ": cannot be read";
        return false;
      }
      std::ostringstream text;
      text << in.rdbuf();
      files->push_back({std::string(sub) + "/" + it->path().filename().string(), text.str()});
    }
    if (ec) {
      *error = folder.string() + ": " + ec.message();
      return false;
    }
  }
  std::sort(files->begin(), files->end(), [](const SourceFile& a, const SourceFile& b) { return a.name < b.name; });
  return true;
}

}  // namespace support_env
