package org.uvm4j.cli;

import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.unicorn.UnicornLibrary;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code uvm4j --version}: uvm4j's version and the libunicorn it runs on (or why there is none).
 */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String uvm4j = Main.class.getPackage().getImplementationVersion();
    String first = "uvm4j " + (uvm4j == null ? "(development build)" : uvm4j);
    try {
      UnicornLibrary lib = UnicornLibrary.get();
      return new String[] {first, "libunicorn " + lib.version() + " (" + lib.path() + ")"};
    } catch (MachineException e) {
      return new String[] {first, "libunicorn: unavailable: " + e.getMessage()};
    }
  }
}
