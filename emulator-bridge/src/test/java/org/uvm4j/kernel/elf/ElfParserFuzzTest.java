package org.uvm4j.kernel.elf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the ELF parser (Jazzer): any byte string either parses into a file
 * whose segments lie within it, or is refused with an {@link ElfException} — never another
 * exception, a hang or an OutOfMemoryError. {@code make test} runs the seeds (regression mode);
 * {@code make fuzz} fuzzes for minutes (JAZZER_FUZZ=1).
 */
class ElfParserFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void parseAcceptsOrRefusesCleanly(byte[] image) {
    try {
      ElfFile f = ElfFile.parse(image);
      assertThat(f).isNotNull();
    } catch (ElfException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
