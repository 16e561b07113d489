package org.uvm4j.cli;

import org.uvm4j.machine.CpuBackend;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code uvm4j --version}: uvm4j's version, the libunicorn it runs on (or why there is none), and
 * the binding ({@code jna} or {@code ffm}) and JVM a default {@code uvm4j run} would use.
 */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String uvm4j = Main.class.getPackage().getImplementationVersion();
    String first = "uvm4j " + (uvm4j == null ? "(development build)" : uvm4j);
    String java =
        "Java "
            + Runtime.version()
            + " ("
            + System.getProperty("java.vm.vendor", "?")
            + ", "
            + System.getProperty("java.home")
            + ")";
    String ffm = CpuBackends.ffmUnavailableReason();
    String backendNote = ffm == null ? "" : " (ffm unavailable: " + ffm + ")";
    try (CpuBackend cpu = CpuBackends.open(BackendKind.AUTO)) {
      return new String[] {
        first,
        "libunicorn " + cpu.version() + " (" + cpu.libraryPath() + ")",
        "backend " + cpu.name() + backendNote,
        java
      };
    } catch (MachineException e) {
      return new String[] {first, "libunicorn: unavailable: " + e.getMessage(), java};
    }
  }
}
