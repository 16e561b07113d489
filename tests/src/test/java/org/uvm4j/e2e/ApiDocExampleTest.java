package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md's worked example is a test source file, verbatim: each {@code <!-- example: PATH -->}
 * marker is followed by a {@code ```java} block that must equal the file at PATH (which {@code make
 * test} compiles and runs), so the doc and the code cannot drift apart.
 */
class ApiDocExampleTest {
  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- example: (\\S+) -->\n```java\n(.*?)```\n", Pattern.DOTALL);

  @Test
  void everyExampleInApiMdIsItsSourceFileVerbatim() throws Exception {
    Path root = Guests.root();
    String doc = Files.readString(root.resolve("docs/api.md"), StandardCharsets.UTF_8);
    Matcher m = EXAMPLE.matcher(doc);
    int examples = 0;
    while (m.find()) {
      examples++;
      Path source = root.resolve(m.group(1));
      assertThat(source).as("the example's source file").isRegularFile();
      assertThat(m.group(2))
          .as("docs/api.md's copy of " + m.group(1))
          .isEqualTo(Files.readString(source, StandardCharsets.UTF_8));
    }
    assertThat(examples).as("examples in docs/api.md").isPositive();
    assertThat(doc).contains("ForkSemanticsExampleTest.java");
  }
}
