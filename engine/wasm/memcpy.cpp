// memcpy for the WebAssembly module. Emscripten 3.1.6's own
// (system/lib/libc/emscripten_memcpy.c) copies byte by byte whenever source
// and destination differ in alignment mod 4, which is most std::string
// appends and assigns: about a tenth of a step's time. Its memcpy is a weak
// symbol, so this definition replaces it for the whole module, libc++
// included. WebAssembly loads and stores need no alignment, so whole 8-byte
// words are copied wherever the pointers are.
#include <cstddef>
#include <cstdint>

namespace {
// Unaligned, aliasing-safe word types: plain i64/i32 loads and stores in wasm.
typedef std::uint64_t __attribute__((aligned(1), may_alias)) Word64;
typedef std::uint32_t __attribute__((aligned(1), may_alias)) Word32;
}  // namespace

// no_builtin: the loops below must not be recognised as a memcpy and turned
// back into a call to this very function.
extern "C" __attribute__((no_builtin("memcpy"))) void* memcpy(void* __restrict dst, const void* __restrict src,
                                                              std::size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  for (; n >= 32; n -= 32, d += 32, s += 32) {
    Word64 a = *reinterpret_cast<const Word64*>(s);
    Word64 b = *reinterpret_cast<const Word64*>(s + 8);
    Word64 c = *reinterpret_cast<const Word64*>(s + 16);
    Word64 e = *reinterpret_cast<const Word64*>(s + 24);
    *reinterpret_cast<Word64*>(d) = a;
    *reinterpret_cast<Word64*>(d + 8) = b;
    *reinterpret_cast<Word64*>(d + 16) = c;
    *reinterpret_cast<Word64*>(d + 24) = e;
  }
  for (; n >= 8; n -= 8, d += 8, s += 8) *reinterpret_cast<Word64*>(d) = *reinterpret_cast<const Word64*>(s);
  if (n >= 4) {
    *reinterpret_cast<Word32*>(d) = *reinterpret_cast<const Word32*>(s);
    n -= 4, d += 4, s += 4;
  }
  while (n != 0) --n, *d++ = *s++;
  return dst;
}
