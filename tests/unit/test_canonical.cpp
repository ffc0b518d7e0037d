// Canonical text (engine/CANONICAL_TEXT.md): one test per rule with real
// examples, then properties over random valid UTF-8 (valid output, idempotent,
// never longer than the input) and the markup detector.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "../../engine/src/splitmix.h"
#include "support_env/canonical.h"
#include "support_env/text.h"
#include "support_env/types.h"

using namespace support_env;

namespace {

std::string Canon(std::string_view s) {
  std::string out;
  Text_Canonicalize(s, &out);
  return out;
}

void Append(std::string* s, std::uint32_t cp) {
  if (cp < 0x80) {
    s->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    s->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    s->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    s->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    s->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Random valid UTF-8, weighted towards the ranges the rules touch.
std::string RandomText(std::uint64_t* state) {
  static constexpr std::uint32_t kRanges[][2] = {
      {0x20, 0x7E},      {0x09, 0x0A},       {0xA0, 0x24F},     {0x250, 0x36F},    {0x370, 0x52F},
      {0x530, 0x58F},    {0x13A0, 0x13FF},   {0x1D00, 0x1DFF},  {0x1E00, 0x1FFF},  {0x2000, 0x206F},
      {0x2070, 0x218F},  {0x2190, 0x2BFF},   {0x3000, 0x303F},  {0x4E00, 0x4E80},  {0xFB00, 0xFB4F},
      {0xFE00, 0xFE6F},  {0xFF00, 0xFFEF},   {0x1D400, 0x1D7FF}, {0x1F300, 0x1FAFF}, {0xE0000, 0xE01EF},
      {0x80, 0x10FFFF}};
  constexpr std::size_t kCount = sizeof kRanges / sizeof kRanges[0];
  std::string s;
  std::size_t length = SplitMix64(state) % 40;
  for (std::size_t k = 0; k < length; ++k) {
    const auto& r = kRanges[SplitMix64(state) % kCount];
    std::uint32_t cp = r[0] + static_cast<std::uint32_t>(SplitMix64(state) % (r[1] - r[0] + 1));
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    if (SplitMix64(state) % 8 == 0) cp = 0x200D;  // joiners between anything, emoji included
    Append(&s, cp);
  }
  return s;
}

}  // namespace

TEST_CASE("canon: ASCII is unchanged except the backtick", "[canon]") {
  CHECK(Canon("") == "");
  CHECK(Canon("Please sign out everywhere, then sign in again.") == "Please sign out everywhere, then sign in again.");
  CHECK(Canon("Account > Billing > Billing History <3 a < b\t\r\n") == "Account > Billing > Billing History <3 a < b\t\r\n");
  CHECK(Canon("can`t and `quoted`, long enough for the fast path") == "can't and 'quoted', long enough for the fast path");
}

TEST_CASE("canon: typographic quotes and apostrophes become ASCII", "[canon]") {
  CHECK(Canon("click “Sign out everywhere”") == "click \"Sign out everywhere\"");
  CHECK(Canon("can’t") == "can't");
  CHECK(Canon("‘single’ ‚low‛ 5′ 6″ ´x") == "'single' 'low' 5' 6\" 'x");
  CHECK(Canon("„Hallo“ ‟x” «menu» ʼokina") == "\"Hallo\" \"x\" \"menu\" 'okina");
}

TEST_CASE("canon: angle quotes are menu separators", "[canon]") {
  CHECK(Canon("Account › Billing › Billing History") == "Account > Billing > Billing History");
  CHECK(Canon("‹ Back") == "< Back");
}

TEST_CASE("canon: dashes, ellipsis and bullets", "[canon]") {
  CHECK(Canon("cookies—then sign in") == "cookies - then sign in");
  CHECK(Canon("2–3 days") == "2 - 3 days");
  CHECK(Canon("bar―baz") == "bar - baz");
  CHECK(Canon("sign‐in non‑breaking figure‒dash −5 ﹘ ﹣ －") == "sign-in non-breaking figure-dash -5 - - -");
  CHECK(Canon("wait…") == "wait...");
  CHECK(Canon("• clear cache\n‣ sign in\n◦ a\n⁃ b\n∙ c\n● d\n▪ e") == "* clear cache\n* sign in\n* a\n* b\n* c\n* d\n* e");
  // The middle dot is a bullet only at the start of a line.
  CHECK(Canon("· first\n  · second") == "* first\n  * second");
  CHECK(Canon("col·lecció") == "col·leccio");
}

TEST_CASE("canon: space separators become spaces, line separators newlines", "[canon]") {
  CHECK(Canon("sign\u00A0in") == "sign in");
  CHECK(Canon("a\u2002b\u2009c\u202Fd\u205Fe\u3000f\u1680g\u200Ah") == "a b c d e f g h");
  CHECK(Canon("line\u2028next\u2029para") == "line\nnext\npara");
}

TEST_CASE("canon: format characters are removed", "[canon]") {
  CHECK(Canon("re\u200Bfund") == "refund");
  CHECK(Canon("\uFEFFre\u00ADfund\u2060") == "refund");
  CHECK(Canon("re\u200Cf\u200Du\u200E\u200Fn\u202Ed\u202C\u2066x\u2069") == "refundx");
  CHECK(Canon("re\uFE0Ffund\u034F\u180E") == "refund");
  CHECK(Canon("re\U000E0041\U000E007Ffund") == "refund");  // tag characters
}

TEST_CASE("canon: the zero-width joiner survives only inside emoji sequences", "[canon]") {
  const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
  CHECK(Canon(family) == family);
  CHECK(Canon("\u2764\uFE0F\u200D\U0001F525") == "\u2764\u200D\U0001F525");  // the variation selector goes
  CHECK(Canon("a\u200D\U0001F525") == "a\U0001F525");
}

TEST_CASE("canon: Latin look-alikes fold to Latin letters", "[canon]") {
  CHECK(Canon("r\u0435fund") == "refund");                           // Cyrillic е
  CHECK(Canon("\u0430\u0432\u0435\u043A\u043C\u043D\u043E\u0440\u0441\u0442\u0443\u0445") == "abekmhopctyx");
  CHECK(Canon("\u0455\u0456\u0458\u0501\u051B\u051D\u04AF\u04BB\u0261") == "sijdqwyhg");
  CHECK(Canon("\u0410\u0412\u0415\u041A\u041C\u041D\u041E\u0420\u0421\u0422\u0425\u0405\u0406\u0408\u04AE") ==
        "ABEKMHOPCTXSIJY");
  CHECK(Canon("\u03B1\u03B2\u03B5\u03B9\u03BA\u03BD\u03BF\u03C1\u03C4\u03C5\u03C7") == "abeikvoptux");
  CHECK(Canon("\u0391\u0392\u0395\u0396\u0397\u0399\u039A\u039C\u039D\u039F\u03A1\u03A4\u03A5\u03A7") ==
        "ABEZHIKMNOPTYX");
  CHECK(Canon("\u0131\u017F\u0251") == "isa");  // dotless i, long s, Latin alpha
  CHECK(Canon("\u0585\u0578\u057D \u13AA\u13F4\u13DF") == "onu ABC");  // Armenian, Cherokee
  CHECK(Canon("\u0441\u043E\u0440\u0443") == "copy");  // a whole word of look-alikes
  // Letters with no Latin look-alike stay: Cyrillic и, Greek λ, CJK.
  CHECK(Canon("\u0438\u03BB") == "\u0438\u03BB");
}

TEST_CASE("canon: compatibility characters fold as NFKC", "[canon]") {
  CHECK(Canon("ｒｅｆｕｎｄ") == "refund");
  CHECK(Canon("ＡＰＩ　ｋｅｙ！ ＜ｂ＞ ｀") == "API key! <b> '");
  CHECK(Canon("ﬁx ﬂow oﬀ oﬃce baﬄe ﬅ ﬆ") == "fix flow off office baffle st st");
  CHECK(Canon("𝐫𝐞𝐟𝐮𝐧𝐝") == "refund");                   // bold
  CHECK(Canon("𝑟𝑒𝑓𝑢𝑛𝑑 𝓇ℯ𝒻𝓊𝓃𝒹 𝔯𝔢𝔣𝔲𝔫𝔡 𝕣𝕖𝕗𝕦𝕟𝕕") == "refund refund refund refund");
  CHECK(Canon("𝗋𝖾𝖿𝗎𝗇𝖽 𝗿𝗲𝗳𝘂𝗻𝗱 𝘳𝘦𝘧𝘶𝘯𝘥 𝙧𝙚𝙛𝙪𝙣𝙙 𝚛𝚎𝚏𝚞𝚗𝚍") == "refund refund refund refund refund");
  CHECK(Canon("𝐀𝐙𝐚𝐳 𝙰𝚉𝚊𝚣 𝟎𝟗 𝟘𝟡 𝟶𝟿") == "AZaz AZaz 09 09 09");
  CHECK(Canon("ℎ ℬ ℭ ℌ ℍ ℕ ℙ ℚ ℝ ℤ ℯ ℊ ℴ") == "h B C H H N P Q R Z e g o");  // the block's holes
  CHECK(Canon("\U0001D6A4\U0001D6A5") == "ij");
  CHECK(Canon("\U0001D6C2\U0001D6C3") == "ab");  // bold alpha, beta: Greek, then folded
  CHECK(Canon("\U0001D455") == "\U0001D455");    // a reserved code point stays
  CHECK(Canon("ⓡⓔⓕⓤⓝⓓ ⒶⓅⒾ ⒜") == "refund API (a)");
  CHECK(Canon("x² H₂O ⁰¹³⁹ ₀₉ ① ⑩ ™") == "x2 H2O 0139 09 1 10 TM");
}

TEST_CASE("canon: accents are stripped, precomposed or decomposed", "[canon]") {
  CHECK(Canon("café") == "cafe");
  CHECK(Canon("cafe\u0301") == "cafe");
  CHECK(Canon("Crème Brûlée, señor, über, garçon, Åre, Øre, łódź, đak") ==
        "Creme Brulee, senor, uber, garcon, Are, Ore, lodz, dak");
  CHECK(Canon("Straße STRAẞE æsir Æ œuvre Œ þorn Þ") == "Strasse STRASSE aesir AE oeuvre OE thorn TH");
  CHECK(Canon("ạ ả ấ ầ ẩ ẫ ậ Việt Nam ỹ") == "a a a a a a a Viet Nam y");
  CHECK(Canon("ĀāĂăĄąĆćČčĎďĒēĚěĞğĪīİĽľŃńŇňŐőŘřŚśŠšŢţŤťŪūŮůŰűŸŹźŻżŽž") ==
        "AaAaAaCcCcDdEeEeGgIiILlNnNnOoRrSsSsTtTtUuUuUuYZzZzZz");
  CHECK(Canon("n\u0303o\u0308\u0323") == "no");
  CHECK(Canon("ё й") == "e \u0438");  // Cyrillic marks go too, then the look-alike fold
}

TEST_CASE("canon: CJK, emoji and other scripts pass through", "[canon]") {
  const char* same[] = {"退款申请", "返金してください", "환불", "مرحبا", "שלום", "😀👍🏽🚀", "नमस्ते", "ประเทศไทย", "привіт"};
  for (const char* s : same) {
    INFO(s);
    std::string expect = s;
    if (expect == "привіт") expect = "пpиbit";  // р, в, і and т fold; п and и stay
    CHECK(Canon(s) == expect);
  }
}

TEST_CASE("canon: bytes that are not UTF-8 are dropped", "[canon]") {
  CHECK(Canon(std::string("re\xFF" "fu\xC3nd\xE2\x80", 10)) == "refund");
}

TEST_CASE("canon: random valid UTF-8 gives valid, idempotent, bounded output", "[canon]") {
  std::uint64_t state = 0xC0FFEE;
  std::string once, twice;
  for (int k = 0; k < 20000; ++k) {
    std::string in = RandomText(&state);
    REQUIRE(Text_IsValidUtf8(in));
    Text_Canonicalize(in, &once);
    Text_Canonicalize(once, &twice);
    INFO("input bytes: " << in.size());
    REQUIRE(Text_IsValidUtf8(once));
    REQUIRE(once.size() <= Text_CanonicalBound(in.size()));
    REQUIRE(twice == once);
  }
}

TEST_CASE("canon: no allocation once the output is warm", "[canon]") {
  std::string out;
  out.reserve(kMaxTextBytes);
  const char* before = out.data();
  std::uint64_t state = 7;
  for (int k = 0; k < 1000; ++k) {
    std::string in = RandomText(&state);
    Text_Canonicalize(in, &out);
    REQUIRE(out.data() == before);
  }
}

TEST_CASE("canon: markup is found", "[canon]") {
  const char* yes[] = {"<b>refund</b>", "hello <br/> there", "<br>", "</p>", "x <a href=\"http://x\">link</a>",
                       "<!-- hidden -->", "<!--", "<![CDATA[ x ]]>", "<?xml version=\"1.0\"?>", "<!DOCTYPE html>",
                       "<!doctype html>", "<?php echo 1 ?>", "<img\nsrc=x onerror=alert(1)>", "<svg:rect />",
                       "<my-widget>", "<Click here>"};
  for (const char* s : yes) {
    INFO(s);
    CHECK(Text_HasMarkup(s));
  }
  // Fullwidth or look-alike brackets are tags once canonical.
  CHECK_FALSE(Text_HasMarkup("＜ｓｃｒｉｐｔ＞"));
  CHECK(Text_HasMarkup(Canon("＜ｓｃｒｉｐｔ＞")));
  CHECK(Text_HasMarkup(Canon("﹤b﹥bold")));
  CHECK(Text_HasMarkup(Canon("<scr\u200Bipt>")));
}

TEST_CASE("canon: plain text is not markup", "[canon]") {
  const char* no[] = {"Account > Billing > Billing History", "a < b", "<3", "x<y", "Account › Billing", "<=",
                      "a <= b and c >= d", "<anna@example.com>", "write to Anna <anna@example.com> today",
                      "-> then =>", "<https://example.com/help>", "< b >", "1 < 2 > 0", "<>", "<", "",
                      "<? what", "<1a>"};
  for (const char* s : no) {
    INFO(s);
    CHECK_FALSE(Text_HasMarkup(s));
    CHECK_FALSE(Text_HasMarkup(Canon(s)));
  }
}
