package org.uvm4j.kernel.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.uvm4j.kernel.elf.ElfImageBuilder.Ph;
import org.uvm4j.uvm.Prot;

class ElfFileTest {
  private static ElfException reject(Consumer<ElfImageBuilder> change) {
    ElfImageBuilder b = ElfImageBuilder.typical();
    change.accept(b);
    byte[] img = b.build();
    try {
      ElfFile.parse(img);
    } catch (ElfException e) {
      return e;
    }
    throw new AssertionError("parse accepted a malformed image");
  }

  @Test
  void parsesTypicalStaticExecutable() throws ElfException {
    ElfFile f = ElfFile.parse(ElfImageBuilder.typical().build());
    assertThat(f.type()).isEqualTo(ElfFile.ET_EXEC);
    assertThat(f.entry()).isEqualTo(0x401000);
    assertThat(f.loadBias()).isZero();
    assertThat(f.phnum()).isEqualTo(4);
    assertThat(f.loads()).hasSize(3);
    assertThat(f.loads().get(1).prot()).isEqualTo(Prot.RX);
    assertThat(f.loads().get(2).prot()).isEqualTo(Prot.RW);
    assertThat(f.brkBase()).isEqualTo(0x406000);
    // e_phoff 64 lies in the first (R) segment mapped at 0x400000 from offset 0
    assertThat(f.phdrAddress()).isEqualTo(0x400040);
    assertThat(f.executableStack()).isFalse();
  }

  @Test
  void staticPieIsPlacedAtTheFixedBase() throws ElfException {
    ElfImageBuilder b = new ElfImageBuilder();
    b.type = ElfFile.ET_DYN;
    b.entry = 0x1000;
    b.add(new Ph(ElfFile.PT_PHDR, Segment.PF_R, 64, 64, 56 * 3, 56 * 3, 8));
    b.add(new Ph(ElfFile.PT_LOAD, Segment.PF_R, 0, 0, 0x200, 0x200, 0x1000));
    b.add(new Ph(ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_X, 0x1000, 0x1000, 0x80, 0x80, 0x1000));
    ElfFile f = ElfFile.parse(b.build());
    assertThat(f.loadBias()).isEqualTo(ElfFile.DYN_BASE);
    assertThat(f.entry()).isEqualTo(ElfFile.DYN_BASE + 0x1000);
    assertThat(f.phdrAddress()).isEqualTo(ElfFile.DYN_BASE + 64);
  }

  @Test
  void gnuStackWithExecuteAsksForAnExecutableStack() throws ElfException {
    ElfImageBuilder b = ElfImageBuilder.typical();
    b.phs.set(
        3,
        new Ph(ElfFile.PT_GNU_STACK, Segment.PF_R | Segment.PF_W | Segment.PF_X, 0, 0, 0, 0, 16));
    assertThat(ElfFile.parse(b.build()).executableStack()).isTrue();
  }

  private static ElfException rejectBytes(byte[] img) {
    try {
      ElfFile.parse(img);
    } catch (ElfException e) {
      return e;
    }
    throw new AssertionError("parse accepted a malformed image");
  }

  @Test
  void rejectsBadMagic() {
    byte[] img = ElfImageBuilder.typical().build();
    img[1] = 'X';
    assertThat(rejectBytes(img)).hasMessageContaining("bad magic");
    assertThat(rejectBytes(new byte[0])).hasMessageContaining("bad magic");
    assertThat(rejectBytes("#!/bin/sh\n".getBytes())).hasMessageContaining("bad magic");
  }

  @Test
  void rejectsTruncatedHeader() {
    byte[] img = Arrays.copyOf(ElfImageBuilder.typical().build(), 40);
    assertThat(rejectBytes(img))
        .hasMessageContaining("truncated ELF header")
        .hasMessageContaining("40");
  }

  @Test
  void rejectsNullImage() {
    assertThat(rejectBytes(null)).hasMessageContaining("no ELF image");
  }

  @Test
  void rejects32Bit() {
    assertThat(reject(b -> b.eiClass = 1)).hasMessageContaining("32-bit");
    assertThat(reject(b -> b.eiClass = 9)).hasMessageContaining("bad ELF class 9");
  }

  @Test
  void rejectsBigEndian() {
    assertThat(reject(b -> b.eiData = 2)).hasMessageContaining("big-endian");
    assertThat(reject(b -> b.eiData = 0)).hasMessageContaining("data encoding");
  }

  @Test
  void rejectsBadVersions() {
    assertThat(reject(b -> b.eiVersion = 0)).hasMessageContaining("identification version");
    assertThat(reject(b -> b.version = 2)).hasMessageContaining("e_version");
  }

  @Test
  void rejectsOtherMachines() {
    assertThat(reject(b -> b.machine = 183))
        .hasMessageContaining("not an x86-64")
        .hasMessageContaining("183");
    assertThat(reject(b -> b.machine = 3)).hasMessageContaining("e_machine 3");
  }

  @Test
  void rejectsObjectFilesAndCores() {
    assertThat(reject(b -> b.type = 1)).hasMessageContaining("ET_REL");
    assertThat(reject(b -> b.type = 4)).hasMessageContaining("ET_CORE");
    assertThat(reject(b -> b.type = 0)).hasMessageContaining("ET_NONE");
  }

  /** A typical program with a PT_INTERP at file offset 0x2800 holding {@code path}. */
  private static byte[] withInterp(byte[] path, long filesz) {
    byte[] img =
        ElfImageBuilder.typical()
            .add(new Ph(ElfFile.PT_INTERP, Segment.PF_R, 0x2800, 0x402800, filesz, filesz, 1))
            .build();
    Arrays.fill(img, 0x2800, 0x2800 + (int) Math.min(filesz, 0x800), (byte) 0);
    System.arraycopy(path, 0, img, 0x2800, path.length);
    return img;
  }

  @Test
  void keepsTheProgramInterpreterOfADynamicallyLinkedProgram() throws ElfException {
    byte[] name = "/lib/ld-musl-x86_64.so.1\0".getBytes(StandardCharsets.ISO_8859_1);
    ElfFile elf = ElfFile.parse(withInterp(name, name.length));
    assertThat(elf.interpreter()).isEqualTo("/lib/ld-musl-x86_64.so.1");
    // the path ends at its first NUL, as open_exec reads it
    byte[] padded = "/lib64/ld.so\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(ElfFile.parse(withInterp(padded, padded.length)).interpreter())
        .isEqualTo("/lib64/ld.so");
    assertThat(ElfFile.parse(ElfImageBuilder.typical().build()).interpreter()).isNull();
  }

  @Test
  void rejectsAMalformedProgramInterpreter() {
    byte[] unterminated = "/lib64/ld.so".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(rejectBytes(withInterp(unterminated, unterminated.length)))
        .hasMessageContaining("PT_INTERP")
        .hasMessageContaining("not NUL-terminated");
    assertThat(rejectBytes(withInterp(new byte[] {0}, 1)))
        .hasMessageContaining("PT_INTERP of 1 bytes");
    assertThat(rejectBytes(withInterp(new byte[0], ElfFile.INTERP_MAX + 1)))
        .hasMessageContaining("PT_INTERP of 4097 bytes");
    byte[] outside =
        ElfImageBuilder.typical()
            .add(new Ph(ElfFile.PT_INTERP, Segment.PF_R, 0x2ff0, 0x402ff0, 0x20, 0x20, 1))
            .build();
    assertThat(rejectBytes(outside)).hasMessageContaining("PT_INTERP lies outside the file");
  }

  @Test
  void rejectsBadHeaderSizes() {
    assertThat(reject(b -> b.ehsize = 52)).hasMessageContaining("e_ehsize");
    assertThat(reject(b -> b.phentsize = 32)).hasMessageContaining("e_phentsize");
    assertThat(reject(b -> b.phnumOverride = 0)).hasMessageContaining("no program headers");
    assertThat(reject(b -> b.phnumOverride = 0xffff)).hasMessageContaining("PN_XNUM");
    assertThat(reject(b -> b.phnumOverride = 2000)).hasMessageContaining("too large");
  }

  @Test
  void rejectsProgramHeadersOutsideTheFile() {
    assertThat(reject(b -> b.phnumOverride = 300)).hasMessageContaining("out of file bounds");
    assertThat(reject(b -> b.phoff = 0x2ff0)).hasMessageContaining("out of file bounds");
    assertThat(reject(b -> b.phoff = -8)).hasMessageContaining("out of file bounds");
    assertThat(reject(b -> b.phoff = Long.MAX_VALUE - 10))
        .hasMessageContaining("out of file bounds");
  }

  @Test
  void rejectsSegmentsOutsideTheFile() {
    assertThat(reject(b -> b.phs.set(2, new Ph(1, 6, 0x2010, 0x402010, 0x2000, 0x3000, 0x1000))))
        .hasMessageContaining("segment 2")
        .hasMessageContaining("outside the file");
    assertThat(
            reject(
                b ->
                    b.phs.set(
                        2,
                        new Ph(
                            1, 6, Long.MAX_VALUE - 0x1000 + 0x10, 0x402010, 0x20, 0x3000, 0x1000))))
        .hasMessageContaining("outside the file");
    assertThat(reject(b -> b.phs.set(2, new Ph(1, 6, 0x2010, 0x402010, -1, -1, 0x1000))))
        .hasMessageContaining("segment 2");
  }

  @Test
  void rejectsFileSizeLargerThanMemorySize() {
    assertThat(reject(b -> b.phs.set(2, new Ph(1, 6, 0x2010, 0x402010, 0x40, 0x20, 0x1000))))
        .hasMessageContaining("p_filesz is larger than p_memsz");
  }

  @Test
  void rejectsOverlappingSegments() {
    assertThat(reject(b -> b.phs.set(2, new Ph(1, 6, 0x1080, 0x401080, 0x20, 0x100, 0x1000))))
        .hasMessageContaining("segments 1 and 2 overlap");
  }

  @Test
  void rejectsUnalignedSegments() {
    assertThat(reject(b -> b.phs.set(2, new Ph(1, 6, 0x2010, 0x402018, 0x20, 0x100, 0x1000))))
        .hasMessageContaining("not congruent");
    assertThat(reject(b -> b.phs.set(2, new Ph(1, 6, 0x2010, 0x402010, 0x20, 0x100, 0x1800))))
        .hasMessageContaining("not a power of 2");
  }

  @Test
  void rejectsAbsurdSizesAndAddresses() {
    assertThat(reject(b -> b.phs.set(2, new Ph(1, 6, 0x2010, 0x402010, 0x20, 1L << 62, 0x1000))))
        .hasMessageContaining("absurd");
    assertThat(
            reject(b -> b.phs.set(2, new Ph(1, 6, 0x2010, 0x7fff_ffff_e010L, 0x20, 0x100, 0x1000))))
        .hasMessageContaining("absurd");
    assertThat(
            reject(
                b ->
                    b.phs.set(
                        2, new Ph(1, 6, 0x2010, ElfFile.MAX_VADDR - 0x1ff0, 0x20, 0x3000, 0x1000))))
        .hasMessageContaining("outside the user address range");
    assertThat(reject(b -> b.phs.set(0, new Ph(1, 4, 0, 0, 0x200, 0x200, 0x1000))))
        .hasMessageContaining("outside the user address range");
  }

  @Test
  void rejectsEntryOutsideExecutableSegments() {
    assertThat(reject(b -> b.entry = 0x402010)).hasMessageContaining("entry point 0x402010");
    assertThat(reject(b -> b.entry = 0)).hasMessageContaining("entry point");
  }

  @Test
  void rejectsImagesWithoutLoadableSegments() {
    assertThat(
            reject(
                b -> {
                  b.phs.clear();
                  b.add(new Ph(ElfFile.PT_GNU_STACK, 6, 0, 0, 0, 0, 16));
                }))
        .hasMessageContaining("no loadable segment");
  }

  /** Random corruption of a valid image: parse either succeeds or throws ElfException. */
  @Test
  void randomCorruptionNeverThrowsAnythingElse() {
    byte[] good = ElfImageBuilder.typical().build();
    Random rnd = new Random(42);
    for (int round = 0; round < 20_000; round++) {
      byte[] img = good.clone();
      int changes = 1 + rnd.nextInt(8);
      for (int c = 0; c < changes; c++) {
        int at = rnd.nextInt(64 + 4 * 56);
        img[at] = (byte) rnd.nextInt(256);
      }
      if (rnd.nextInt(10) == 0) {
        img = Arrays.copyOf(img, rnd.nextInt(img.length));
      }
      try {
        ElfFile f = ElfFile.parse(img);
        assertThat(f.loads()).isNotEmpty();
      } catch (ElfException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void parsesARealMuslStaticBinaryWhenBuilt() throws IOException, ElfException {
    Path dir = Path.of("../guest-programs/build");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "guests not built");
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        ElfFile f = ElfFile.parse(Files.readAllBytes(p));
        assertThat(f.loads()).as(p.toString()).isNotEmpty();
        assertThat(f.entry()).as(p.toString()).isGreaterThan(0);
      }
    }
  }
}
