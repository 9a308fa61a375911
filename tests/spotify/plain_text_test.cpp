#include "spotify/plain_text.hpp"

#include <gtest/gtest.h>

namespace countryhub::spotify {
namespace {

struct PlainTextCase {
  std::string_view html;
  std::string_view expected;
};

class PlainText : public ::testing::TestWithParam<PlainTextCase> {};

TEST_P(PlainText, MatchesContract) {
  std::string out;
  append_plain_text(out, GetParam().html);
  EXPECT_EQ(out, GetParam().expected) << "input: " << GetParam().html;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PlainText,
    ::testing::Values(
        PlainTextCase{"plain", "plain"},
        PlainTextCase{R"(<a href="spotify:playlist:x">Chill</a> &amp; <b>more</b>)",
                      "Chill & more"},
        PlainTextCase{"caf&eacute; &mdash; &#x2764; &#9835;",
                      "caf\xC3\xA9 \xE2\x80\x94 \xE2\x9D\xA4 \xE2\x99\xAB"},
        // Decoded entities are not parsed again as markup.
        PlainTextCase{"a &lt;b&gt; c", "a <b> c"},
        // '<' not followed by a letter, '/', '!' or '?' starts no tag.
        PlainTextCase{"1 < 2 and 3 <= 4", "1 < 2 and 3 <= 4"},
        PlainTextCase{"x <!-- note --> y <?pi?> z", "x  y  z"},
        // A tag never closed stays as text.
        PlainTextCase{"tail <b", "tail <b"},
        // Legacy names without ';' decode, longest match first.
        PlainTextCase{"&copy2026 &ampx &notit;", "\xC2\xA9" "2026 &x \xC2\xACit;"},
        PlainTextCase{"&unknown; & &#; &#x;", "&unknown; & &#; &#x;"},
        // Numeric edge cases follow the HTML standard.
        PlainTextCase{"&#0; &#xD800; &#x110000; &#128;",
                      "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD \xE2\x82\xAC"},
        PlainTextCase{"&#39;&#x27", "''"},
        // Whitespace is kept as it is.
        PlainTextCase{"  <p>a</p>\n", "  a\n"}));

TEST(MayContainMarkup, DetectsAngleBracketsAndAmpersands) {
  EXPECT_FALSE(may_contain_markup("Top 50 - Global"));
  EXPECT_TRUE(may_contain_markup("a < b"));
  EXPECT_TRUE(may_contain_markup("R&B"));
}

}  // namespace
}  // namespace countryhub::spotify
