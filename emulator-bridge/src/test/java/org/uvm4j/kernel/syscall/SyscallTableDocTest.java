package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The support table in {@code docs/kernel.md} is generated from {@link Linux64}'s rows: this test
 * fails when they differ, and rewrites the section between the two markers when run with {@code
 * -Duvm4j.updateDocs=true}.
 */
class SyscallTableDocTest {
  static final Path DOC = Path.of("../docs/kernel.md").toAbsolutePath().normalize();
  static final String BEGIN = "<!-- BEGIN generated syscall table (Linux64.java) -->";
  static final String END = "<!-- END generated syscall table -->";
  static final String REGENERATE =
      "mvn -pl emulator-bridge -am test -Dtest=SyscallTableDocTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Duvm4j.updateDocs=true";

  /** The Markdown table of the declared rows, by number. */
  static String render(List<SyscallEntry> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| # | call | supported | notes |\n");
    sb.append("|---:|---|---|---|\n");
    for (SyscallEntry e : rows) {
      sb.append("| ")
          .append(e.nr())
          .append(" | ")
          .append(e.name())
          .append(" | ")
          .append(e.support().label())
          .append(" | ")
          .append(e.note().replace("|", "\\|"))
          .append(" |\n");
    }
    return sb.toString();
  }

  /** {@code doc} with the text between the markers replaced by {@code table}. */
  static String splice(String doc, String table) {
    int b = doc.indexOf(BEGIN);
    int e = doc.indexOf(END);
    if (b < 0 || e < b) {
      throw new IllegalStateException(DOC + " lacks the markers " + BEGIN + " … " + END);
    }
    return doc.substring(0, b + BEGIN.length()) + "\n" + table + doc.substring(e);
  }

  @Test
  void docsTableIsGeneratedFromTheDeclaration() throws IOException {
    List<SyscallEntry> rows = new SyscallTable(Linux64.declaration(), null).entries();
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    String want = splice(doc, render(rows));
    if (Boolean.getBoolean("uvm4j.updateDocs")) {
      Files.writeString(DOC, want, StandardCharsets.UTF_8);
      return;
    }
    assertThat(doc)
        .as(
            "the syscall table in %s differs from Linux64.java; regenerate it with: %s",
            DOC, REGENERATE)
        .isEqualTo(want);
  }

  @Test
  void renderingShowsEveryRowWithItsSupport() {
    String t =
        render(
            List.of(
                SyscallEntry.supported(0, "read", "any | descriptor", c -> 0),
                SyscallEntry.unsupported(425, "io_uring_setup", "no io_uring")));
    assertThat(t)
        .contains("| 0 | read | yes | any \\| descriptor |")
        .contains("| 425 | io_uring_setup | no (ENOSYS) | no io_uring |");
    assertThat(splice("a\n" + BEGIN + "\nold\n" + END + "\nz", "T\n"))
        .isEqualTo("a\n" + BEGIN + "\nT\n" + END + "\nz");
  }

  @Test
  void everyRowIsUniqueAndEveryImplementedRowHasAHandler() {
    List<SyscallEntry> rows = Linux64.declaration();
    Set<Integer> numbers = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (SyscallEntry e : rows) {
      assertThat(numbers.add(e.nr())).as("number %d twice", e.nr()).isTrue();
      assertThat(names.add(e.name())).as("name %s twice", e.name()).isTrue();
      assertThat(e.handler() == null)
          .as(e.name())
          .isEqualTo(e.support() == SyscallEntry.Support.UNSUPPORTED);
    }
    SyscallTable t = new SyscallTable(rows, null);
    assertThat(t.implemented(9)).isTrue();
    assertThat(t.name(9)).isEqualTo("mmap");
    assertThat(t.implemented(425)).isFalse();
    assertThat(t.name(425)).isEqualTo("io_uring_setup");
    assertThat(t.name(511)).isEqualTo("syscall_511");
  }
}
