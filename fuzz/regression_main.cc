// Runs a fuzz target over files and directories of inputs, without
// libFuzzer: the committed seed corpus and every input that once crashed
// (fuzz/regressions/) run as ordinary tests in every build.
//   <target>_regressions PATH...

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  int files = 0;
  for (int a = 1; a < argc; ++a) {
    std::vector<std::filesystem::path> paths;
    if (std::filesystem::is_directory(argv[a])) {
      for (const auto& e : std::filesystem::directory_iterator(argv[a])) {
        if (e.is_regular_file()) paths.push_back(e.path());
      }
    } else if (std::filesystem::exists(argv[a])) {
      paths.push_back(argv[a]);
    }
    for (const auto& p : paths) {
      std::ifstream f(p, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++files;
    }
  }
  std::printf("%d inputs ran without a crash or a violated property\n", files);
  return files > 0 ? 0 : 1;
}
