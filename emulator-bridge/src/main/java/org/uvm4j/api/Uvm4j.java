package org.uvm4j.api;

import java.nio.file.Path;
import org.uvm4j.machine.CpuBackend;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;

/**
 * The entry point of the API: {@code Uvm4j.guest(path).args("a", "b").ram(64 << 20).run()}. Holds
 * no state: every builder it returns runs on its own machine.
 */
public final class Uvm4j {
  private Uvm4j() {}

  /** A builder for a run of the static x86-64 ELF at {@code program} (a host path). */
  public static GuestBuilder guest(Path program) {
    return new GuestBuilder(program);
  }

  /**
   * A builder for a run of {@code program}: a host path, or with {@link GuestBuilder#root} a path
   * inside the guest's root.
   */
  public static GuestBuilder guest(String program) {
    return new GuestBuilder(Path.of(program));
  }

  /**
   * Why no guest can run in this JVM on {@code backend} (libunicorn missing or too old, the FFM
   * binding unavailable), or null when an engine opens. Opens and closes one engine.
   */
  public static String unavailableReason(BackendKind backend) {
    try (CpuBackend engine = CpuBackends.open(backend)) {
      return engine == null ? "no CPU engine" : null;
    } catch (MachineException | LinkageError e) {
      return e.getMessage();
    }
  }
}
