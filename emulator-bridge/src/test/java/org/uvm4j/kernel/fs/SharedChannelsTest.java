package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guest opens of host files share one host descriptor per file: many guest descriptors (of many
 * processes) cost the JVM one descriptor, each keeps its own offset, and the last close frees it.
 */
class SharedChannelsTest {
  @TempDir Path dir;

  private static long jvmDescriptors() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  @Test
  void twoHundredGuestOpensOfOneFileHoldOneHostDescriptor() throws Exception {
    Files.writeString(dir.resolve("f"), "0123456789");
    Files.writeString(dir.resolve("g"), "abcdefghij");
    HostFs fs = new HostFs(dir);
    long before = jvmDescriptors();
    List<OpenFile> opened = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      opened.add(fs.open(dir, i % 2 == 0 ? "f" : "g", OpenFlags.O_RDONLY));
    }
    assertThat(fs.hostChannels()).isEqualTo(2);
    assertThat(jvmDescriptors() - before).as("host descriptors for 200 guest opens").isEqualTo(2);
    byte[] a = new byte[3];
    byte[] b = new byte[4];
    assertThat(opened.get(0).read(a, 0, 3)).isEqualTo(3);
    assertThat(opened.get(2).read(b, 0, 4)).as("its own offset").isEqualTo(4);
    assertThat(opened.get(0).read(a, 0, 3)).isEqualTo(3);
    assertThat(new String(a, StandardCharsets.US_ASCII)).isEqualTo("345");
    assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("0123");
    for (OpenFile f : opened.subList(0, 199)) {
      f.release();
    }
    assertThat(fs.hostChannels()).isEqualTo(1);
    byte[] c = new byte[2];
    assertThat(opened.get(199).read(c, 0, 2)).isEqualTo(2);
    assertThat(new String(c, StandardCharsets.US_ASCII)).isEqualTo("ab");
    opened.get(199).release();
    assertThat(fs.hostChannels()).isZero();
    assertThat(jvmDescriptors()).isEqualTo(before);
  }
}
