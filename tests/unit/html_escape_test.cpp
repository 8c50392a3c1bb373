#include "common/text/html_escape.h"

#include <gtest/gtest.h>

namespace gateway::text {
namespace {

TEST(HtmlEscape, TurnsMarkupIntoText) {
  EXPECT_EQ(htmlEscaped("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  EXPECT_EQ(htmlEscaped("a \"b\" & c"), "a &quot;b&quot; &amp; c");
  EXPECT_EQ(htmlEscaped("MÜLLER^ZOË"), "MÜLLER^ZOË");
}

TEST(HtmlEscape, ReplacesInvalidBytesAndDropsControlCharacters) {
  EXPECT_EQ(htmlEscaped("a\xff"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(htmlEscaped(std::string("x\0y\x1b[31mz", 9)), "xy[31mz");
  EXPECT_EQ(htmlEscaped("line\nnext\ttab"), "line\nnext\ttab");
}

}  // namespace
}  // namespace gateway::text
