package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    MountTable t = new MountTable();
    HostVnode root = HostVnode.root(dir);
    t.mount("/", root, true, "host");
    Vfs vfs = new Vfs(t);
    Location r = vfs.rootLocation();
    FsContext fs = new FsContext(1, r, r, 022);
    long before = jvmDescriptors();
    List<OpenFile> opened = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      opened.add(vfs.open(fs, r, i % 2 == 0 ? "f" : "g", OpenFlags.O_RDONLY, 0));
    }
    assertThat(root.hostChannels()).isEqualTo(2);
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
    assertThat(root.hostChannels()).isEqualTo(1);
    byte[] c = new byte[2];
    assertThat(opened.get(199).read(c, 0, 2)).isEqualTo(2);
    assertThat(new String(c, StandardCharsets.US_ASCII)).isEqualTo("ab");
    opened.get(199).release();
    assertThat(root.hostChannels()).isZero();
    assertThat(jvmDescriptors()).isEqualTo(before);
  }

  @Test
  void opensForWritingShareOneReadWriteHostDescriptorPerFile() throws Exception {
    Files.writeString(dir.resolve("w"), "..........");
    MountTable t = new MountTable();
    HostVnode root = HostVnode.root(dir);
    t.mount("/", root, false, "host");
    Vfs vfs = new Vfs(t);
    Location r = vfs.rootLocation();
    FsContext fs = new FsContext(1, r, r, 022);
    long before = jvmDescriptors();
    List<OpenFile> writers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      writers.add(vfs.open(fs, r, "w", i % 2 == 0 ? OpenFlags.O_RDWR : OpenFlags.O_WRONLY, 0));
    }
    OpenFile reader = vfs.open(fs, r, "w", OpenFlags.O_RDONLY, 0);
    assertThat(root.hostChannels()).as("one read-write and one read-only channel").isEqualTo(2);
    assertThat(jvmDescriptors() - before).as("host descriptors for 101 guest opens").isEqualTo(2);

    byte[] x = "xy".getBytes(StandardCharsets.US_ASCII);
    assertThat(writers.get(1).write(x, 0, 2, false)).isEqualTo(2);
    assertThat(writers.get(3).write("z".getBytes(StandardCharsets.US_ASCII), 0, 1, false))
        .as("its own offset: writes at 0")
        .isEqualTo(1);
    byte[] back = new byte[3];
    assertThat(reader.read(back, 0, 3)).isEqualTo(3);
    assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("zy.");
    assertThatThrownBy(() -> reader.write(x, 0, 2, false))
        .as("a read-only description still cannot write through the shared channels")
        .isInstanceOf(org.uvm4j.uvm.UvmException.class);

    for (OpenFile f : writers) {
      f.release();
    }
    assertThat(root.hostChannels()).isEqualTo(1);
    reader.release();
    assertThat(root.hostChannels()).isZero();
    assertThat(jvmDescriptors()).isEqualTo(before);
  }
}
