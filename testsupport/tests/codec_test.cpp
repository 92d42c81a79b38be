// codec_test.cpp -- base64, UTF-8 validation and escaping (testsupport/codec.h).
#include "testsupport/codec.h"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(Codec, Base64EncodesTheRfc4648Vectors) {
  EXPECT_EQ(codec::base64_encode(""), "");
  EXPECT_EQ(codec::base64_encode("f"), "Zg==");
  EXPECT_EQ(codec::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(codec::base64_encode("foo"), "Zm9v");
  EXPECT_EQ(codec::base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Codec, Base64RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string s = all.substr(n % 3, n);
    EXPECT_EQ(codec::base64_decode(codec::base64_encode(s)), s);
  }
}

TEST(Codec, Base64DecoderRefusesMalformedText) {
  for (const char *bad : {"Zg=", "Zg", "Z===", "Zh==", "Zm9=", "Zg==Zg==", "Z=g=", "Zm9v!A==", "Zm 9"})
    EXPECT_FALSE(codec::base64_decode(bad).has_value()) << bad;
}

TEST(Codec, Utf8ValidationMatchesJson) {
  EXPECT_TRUE(codec::valid_utf8("plain \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80"));
  for (const char *bad : {"\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc3", "\x80", "\xff"})
    EXPECT_FALSE(codec::valid_utf8(bad)) << codec::escape(bad);
}

TEST(Codec, EscapeKeepsOneUnambiguousLine) {
  EXPECT_EQ(codec::escape(std::string("a\\b\tc\nd\x01\xff", 9)), "a\\\\b\\tc\\nd\\x01\\xff");
  EXPECT_EQ(codec::escape(std::string(1, '\0')), "\\x00");
}

}  // namespace
