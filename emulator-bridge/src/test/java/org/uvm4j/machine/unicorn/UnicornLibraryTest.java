package org.uvm4j.machine.unicorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.uc.Uc;

class UnicornLibraryTest {
  @Test
  void theDefaultLibraryLoadsAndIsRecentEnough() {
    UnicornLibrary lib = UnicornLibrary.get();
    assertThat(Integer.compareUnsigned(lib.packedVersion(), UnicornLibrary.MIN_VERSION))
        .isGreaterThanOrEqualTo(0);
    assertThat(lib.version()).startsWith("2.");
    assertThat(UnicornLibrary.get()).isSameAs(lib);
  }

  @Test
  void aMissingLibraryNamesThePathTriedAndTheFix(@TempDir Path dir) {
    String bad = dir.resolve("nowhere/libunicorn.so.2").toString();
    assertThatThrownBy(() -> UnicornLibrary.load(bad))
        .isInstanceOf(MachineException.class)
        .hasMessageContaining("libunicorn not found")
        .hasMessageContaining(bad)
        .hasMessageContaining("make deps");
  }

  @Test
  void aMissingLibraryNameNamesTheSearchPath() {
    assertThatThrownBy(() -> UnicornLibrary.load("unicorn-that-does-not-exist"))
        .isInstanceOf(MachineException.class)
        .hasMessageContaining("jna.library.path=")
        .hasMessageContaining("system library path")
        .hasMessageContaining("make deps");
  }

  @Test
  void aFileThatIsNotLibunicornIsRefused(@TempDir Path dir) throws Exception {
    Path notALibrary = dir.resolve("libunicorn.so.2");
    Files.writeString(notALibrary, "not an ELF file");
    assertThatThrownBy(() -> UnicornLibrary.load(notALibrary.toString()))
        .isInstanceOf(MachineException.class)
        .hasMessageContaining(notALibrary.toString());
    Path libm = Path.of("/lib/x86_64-linux-gnu/libm.so.6");
    if (Files.exists(libm)) {
      assertThatThrownBy(() -> UnicornLibrary.load(libm.toString()))
          .isInstanceOf(MachineException.class)
          .hasMessageContaining("not libunicorn");
    }
  }

  @Test
  void versionsBefore21AreRefusedWithTheFix() {
    assertThatThrownBy(() -> UnicornLibrary.checkVersion(UnicornLibrary.pack(2, 0, 1) | 0xff, "x"))
        .isInstanceOf(MachineException.class)
        .hasMessageContaining("x is libunicorn 2.0.1")
        .hasMessageContaining("at least 2.1.0")
        .hasMessageContaining("make deps");
    assertThatThrownBy(() -> UnicornLibrary.checkVersion(UnicornLibrary.pack(1, 0, 3), "y"))
        .hasMessageContaining("1.0.3");
    assertThatCode(() -> UnicornLibrary.checkVersion(UnicornLibrary.pack(2, 1, 0), "z"))
        .doesNotThrowAnyException();
    assertThatCode(() -> UnicornLibrary.checkVersion(UnicornLibrary.pack(2, 1, 4) | 0xff, "z"))
        .doesNotThrowAnyException();
    assertThatCode(() -> UnicornLibrary.checkVersion(UnicornLibrary.pack(3, 0, 0), "z"))
        .doesNotThrowAnyException();
    assertThat(UnicornLibrary.text(UnicornLibrary.pack(2, 1, 4) | 0xff)).isEqualTo("2.1.4");
  }

  @Test
  void ctlEncodingMatchesUnicornH() {
    // values computed with the C macros of libunicorn 2.1.4's unicorn.h
    assertThat(Uc.CTL_TLB_TYPE).isEqualTo(1140850700);
    assertThat(Uc.CTL_TLB_FLUSH).isEqualTo(1073741835);
    assertThat(Uc.CTL_TB_FLUSH).isEqualTo(1073741834);
    assertThat(Uc.CTL_TB_REMOVE_CACHE).isEqualTo(1207959561);
    assertThat(Uc.CTL_SET_CPU_MODEL).isEqualTo(1140850695);
    assertThat(Uc.CTL_GET_CPU_MODEL).isEqualTo(-2080374777);
  }
}
