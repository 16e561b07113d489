package org.uvm4j.machine.uc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.uvm4j.machine.Fxsave;

class FxsaveImageTest {
  /** Registers kept in maps, as the engine would hold them. */
  private static final class FakeRegisters implements FxsaveImage.Registers {
    final Map<Integer, Long> narrow = new HashMap<>();
    final Map<Integer, long[]> wide = new HashMap<>();

    @Override
    public long readRaw(int regid) {
      return narrow.getOrDefault(regid, 0L);
    }

    @Override
    public void writeRaw(int regid, long value) {
      narrow.put(regid, value);
    }

    @Override
    public void readWide(int regid, long[] out) {
      long[] v = wide.getOrDefault(regid, new long[2]);
      out[0] = v[0];
      out[1] = v[1];
    }

    @Override
    public void writeWide(int regid, long lo, long hi) {
      wide.put(regid, new long[] {lo, hi});
    }
  }

  @Test
  void abridgedTagIsOneBitPerPhysicalRegisterSetUnlessEmpty() {
    assertThat(FxsaveImage.abridgedTag(0xffff)).isZero();
    assertThat(FxsaveImage.abridgedTag(0x0000)).isEqualTo(0xff);
    // register 7 valid (00), 6 zero (01), 5 special (10), the rest empty (11)
    assertThat(FxsaveImage.abridgedTag(0b00_01_10_11_11_11_11_11)).isEqualTo(0xe0);
    assertThat(FxsaveImage.fullTag(0xe0)).isEqualTo(0x03ff);
  }

  @Property
  void fullTagOfAnAbridgedByteGivesItBack(@ForAll @IntRange(min = 0, max = 255) int abridged) {
    assertThat(FxsaveImage.abridgedTag(FxsaveImage.fullTag(abridged))).isEqualTo(abridged);
  }

  @Test
  void saveThenLoadCarriesEveryField() {
    FakeRegisters e = new FakeRegisters();
    byte[] img = Fxsave.initial();
    ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(Fxsave.FCW, (short) 0x27f);
    b.putShort(Fxsave.FSW, (short) 0x3021);
    b.put(Fxsave.FTW, (byte) 0x81);
    b.putShort(Fxsave.FOP, (short) 0x5d9);
    b.putLong(Fxsave.FIP, 0x401234);
    b.putLong(Fxsave.FDP, 0x7fff0000);
    b.putInt(Fxsave.MXCSR, 0x7fa0);
    for (int i = 0; i < 8; i++) {
      b.putLong(Fxsave.ST_SPACE + 16 * i, 0x8000000000000000L | i);
      b.putShort(Fxsave.ST_SPACE + 16 * i + 8, (short) (0x3fff + i));
    }
    for (int i = 0; i < 16; i++) {
      b.putLong(Fxsave.XMM_SPACE + 16 * i, i * 0x1111L);
      b.putLong(Fxsave.XMM_SPACE + 16 * i + 8, ~(i * 0x1111L));
    }
    assertThat(FxsaveImage.load(e, img)).isTrue();
    assertThat(e.readRaw(FxsaveImage.UC_X86_REG_FPTAG)).isEqualTo(0x3ffc);
    byte[] back = new byte[Fxsave.SIZE];
    FxsaveImage.save(e, back);
    assertThat(back).isEqualTo(img);
  }

  @Test
  void loadRefusesAnMxcsrBitTheCpuLacksAndChangesNothing() {
    FakeRegisters e = new FakeRegisters();
    byte[] img = Fxsave.initial();
    ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).putInt(Fxsave.MXCSR, 0x11f80);
    assertThat(FxsaveImage.load(e, img)).isFalse();
    assertThat(e.narrow).isEmpty();
    assertThat(e.wide).isEmpty();
  }
}
