#include "spotify/countries.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace countryhub::spotify {
namespace {

TEST(Countries, CatalogueHoldsSpotifyMarketsSortedByCode) {
  const auto countries = supported_countries();
  EXPECT_EQ(countries.size(), 184u);
  for (std::size_t i = 1; i < countries.size(); ++i) {
    EXPECT_LT(countries[i - 1].code, countries[i].code);
  }
}

TEST(Countries, FindsCodesInAnyCase) {
  ASSERT_TRUE(find_country("US"));
  EXPECT_EQ(find_country("us")->name, "United States");
  EXPECT_EQ(find_country("Gb")->code, "gb");
  EXPECT_EQ(find_country("rw")->name, "Rwanda");
}

TEST(Countries, RejectsUnknownAndMalformedCodes) {
  EXPECT_FALSE(find_country("ru"));  // service withdrawn in 2022
  EXPECT_FALSE(find_country("zz"));
  EXPECT_FALSE(find_country("usa"));
  EXPECT_FALSE(find_country("u1"));
  EXPECT_FALSE(find_country(""));
}

TEST(Countries, SuggestsCodesForCommonMistakes) {
  EXPECT_EQ(suggest_country("uk"), "gb");
  EXPECT_EQ(suggest_country("UK"), "gb");
  EXPECT_EQ(suggest_country("en"), "us");
  EXPECT_EQ(suggest_country("USA"), "us");
  EXPECT_FALSE(suggest_country("zz"));
}

TEST(Countries, JsonListsEveryCountryInOrder) {
  const auto list = boost::json::parse(supported_countries_json()).as_array();
  ASSERT_EQ(list.size(), 184u);
  EXPECT_EQ(list[0].at("code"), "ad");
  EXPECT_EQ(list[0].at("name"), "Andorra");
  EXPECT_EQ(list[183].at("code"), "zw");
}

}  // namespace
}  // namespace countryhub::spotify
