#include "spotify/bundle_scan.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace countryhub::spotify {
namespace {

const std::string kHashA(64, 'a');
const std::string kHashB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct ResolveCase {
  std::string base;
  std::string reference;
  std::string expected;
};

TEST(ResolveUrl, HandlesEveryReferenceForm) {
  const std::vector<ResolveCase> cases = {
      {"https://open.spotify.com/", "https://open.spotifycdn.com/cdn/x.js",
       "https://open.spotifycdn.com/cdn/x.js"},
      {"https://open.spotify.com/", "//open.spotifycdn.com/cdn/x.js",
       "https://open.spotifycdn.com/cdn/x.js"},
      {"http://127.0.0.1:8099/", "/cdn/build/web-player/web-player.0a1b2c3d.js",
       "http://127.0.0.1:8099/cdn/build/web-player/web-player.0a1b2c3d.js"},
      {"http://127.0.0.1:8099", "/cdn/a.js", "http://127.0.0.1:8099/cdn/a.js"},
      {"http://127.0.0.1:8099/app/page?x=1", "cdn/a.js", "http://127.0.0.1:8099/app/cdn/a.js"},
      {"http://127.0.0.1:8099", "cdn/a.js", "http://127.0.0.1:8099/cdn/a.js"},
  };
  for (const ResolveCase& test : cases) {
    EXPECT_EQ(resolve_url(test.base, test.reference), test.expected)
        << test.base << " + " << test.reference;
  }
}

TEST(FindBundleUrls, FindsWebPlayerScriptsOnly) {
  const std::string html = R"(<html><head>
<link rel="preload" href="https://open.spotifycdn.com/cdn/build/web-player/web-player.3c2a9259.js" as="script">
<script src="https://open.spotifycdn.com/cdn/build/web-player/vendor~web-player.11aa22bb.js"></script>
<script src='/cdn/build/web-player/web-player.0a1b2c3d.js?v=2'></script>
<script src="https://open.spotifycdn.com/cdn/build/web-player/web-player.3c2a9259.js"></script>
<script src="/cdn/build/web-player/web-player.nothex.js"></script>
</head></html>)";
  const std::vector<std::string> urls = find_bundle_urls(html, "http://127.0.0.1:9/");
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[0], "http://127.0.0.1:9/cdn/build/web-player/web-player.0a1b2c3d.js?v=2");
  EXPECT_EQ(urls[1], "https://open.spotifycdn.com/cdn/build/web-player/web-player.3c2a9259.js");
}

TEST(TrustedScriptUrl, AllowsOwnOriginAndSpotifyCdn) {
  const std::string web = "https://open.spotify.com";
  EXPECT_TRUE(is_trusted_script_url("https://open.spotify.com/cdn/web-player.1a.js", web));
  EXPECT_TRUE(is_trusted_script_url("https://open.spotifycdn.com/cdn/web-player.1a.js", web));
  EXPECT_TRUE(is_trusted_script_url("https://spotifycdn.com/x.js", web));
  EXPECT_TRUE(is_trusted_script_url("http://127.0.0.1:8099/cdn/a.js", "http://127.0.0.1:8099/"));
  EXPECT_FALSE(is_trusted_script_url("http://open.spotifycdn.com/cdn/a.js", web));
  EXPECT_FALSE(is_trusted_script_url("https://evilspotifycdn.com/a.js", web));
  EXPECT_FALSE(is_trusted_script_url("https://open.spotifycdn.com.evil.example/a.js", web));
  EXPECT_FALSE(is_trusted_script_url("https://user@open.spotifycdn.com/a.js", web));
  EXPECT_FALSE(is_trusted_script_url("http://127.0.0.1:8100/cdn/a.js", "http://127.0.0.1:8099/"));
  EXPECT_FALSE(is_trusted_script_url("/relative.js", web));
}

TEST(FindBundleUrls, EmptyForPageWithoutBundle) {
  EXPECT_TRUE(
      find_bundle_urls("<html><body>Error 403 URL Blocked</body></html>", "http://h/").empty());
}

TEST(FindOperationHashes, MatchesOperationByName) {
  const std::string script = "t.home=new s.l(\"homeSection\",\"query\",\"" + kHashB +
                             "\",null);"
                             "t.a=new s.l(\"countryHubsPage\",\"query\",\"" +
                             kHashA +
                             "\",null);"
                             "t.b=new s.l('countryHubsPage','query','" +
                             kHashB +
                             "',null);"
                             "t.c=new s.l(\"countryHubsPage\",\"mutation\",\"" +
                             std::string(64, 'c') +
                             "\",null);"
                             "t.d=new s.l(\"countryHubsPage\",\"query\",\"" +
                             kHashA + "\",null);t.e=\"countryHubsPage\",\"query\",\"short\"";
  const std::vector<std::string> hashes = find_operation_hashes(script, "countryHubsPage");
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_EQ(hashes[0], kHashA);
  EXPECT_EQ(hashes[1], kHashB);
}

TEST(FindOperationHashes, LowerCasesHashes) {
  const std::string upper(64, 'F');
  const std::string script = "x(\"countryHubsPage\",\"query\",\"" + upper + "\",null)";
  const std::vector<std::string> hashes = find_operation_hashes(script, "countryHubsPage");
  ASSERT_EQ(hashes.size(), 1u);
  EXPECT_EQ(hashes[0], std::string(64, 'f'));
}

TEST(FindChunkUrls, BuildsUrlsFromEitherMapOrder) {
  const std::string url = "https://cdn.example/cdn/build/web-player/web-player.0a1b2c3d.js?x=1";
  const std::vector<std::string> expected = {
      "https://cdn.example/cdn/build/web-player/xpui-routes-country-hub.bbbb2222.js",
      "https://cdn.example/cdn/build/web-player/xpui-routes-album.aaaa1111.js",
      "https://cdn.example/cdn/build/web-player/903.cccc3333.js",
  };
  const std::string names = R"({17:"xpui-routes-album",88:"xpui-routes-country-hub"})";
  const std::string hashes = R"({17:"aaaa1111",88:"bbbb2222",903:"cccc3333"})";
  const std::string names_first =
      "var c=" + names + ",d=" + hashes + R"(;n.u=e=>(c[e]||e)+"."+d[e]+".js";)";
  const std::string hashes_first =
      "var c=" + hashes + ",d=" + names + R"(;n.u=e=>(d[e]||e)+"."+c[e]+".js";)";
  EXPECT_EQ(find_chunk_urls(names_first, url), expected);
  EXPECT_EQ(find_chunk_urls(hashes_first, url), expected);
}

TEST(FindChunkUrls, IgnoresOtherObjects) {
  const std::string script =
      R"(var a={1:"not a name",2:"x y"},b={status:"ok"},c={5:"abcdef12"};var d={};)";
  EXPECT_TRUE(find_chunk_urls(script, "http://h/web-player.12345678.js").empty());
  EXPECT_TRUE(find_chunk_urls("no maps here", "http://h/web-player.12345678.js").empty());
}

TEST(FindTotpSecrets, ReadsTableNewestFirst) {
  const std::string script =
      "const totpSecrets=[{secret:'older-one',version:59},{secret:'newest#1',version:61},"
      "{ \"secret\" : \"middle\", \"version\" : 60 },{secret:'dup',version:61}];"
      "var other={secret:'',version:3},x={secret:'no-version'},y={secret:'v',version:0};";
  const std::vector<TotpSecret> secrets = find_totp_secrets(script);
  ASSERT_EQ(secrets.size(), 3u);
  EXPECT_EQ(secrets[0], (TotpSecret{"newest#1", 61}));
  EXPECT_EQ(secrets[1], (TotpSecret{"middle", 60}));
  EXPECT_EQ(secrets[2], (TotpSecret{"older-one", 59}));
}

TEST(FindTotpSecrets, EmptyWithoutTable) {
  EXPECT_TRUE(find_totp_secrets("var secret='x';function secret(){}").empty());
}

TEST(IsSha256Hex, ChecksLengthAndDigits) {
  EXPECT_TRUE(is_sha256_hex(kHashB));
  EXPECT_FALSE(is_sha256_hex(kHashB.substr(1)));
  EXPECT_FALSE(is_sha256_hex(std::string(64, 'g')));
}

}  // namespace
}  // namespace countryhub::spotify
