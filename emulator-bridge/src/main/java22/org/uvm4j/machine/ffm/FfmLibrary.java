package org.uvm4j.machine.ffm;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.uc.UcVersion;

/**
 * The loaded libunicorn for the FFM binding: found, version-checked and checked for every function
 * {@link UcDowncalls} binds, exactly once per JVM. It searches where the JNA binding does, in the
 * same order: each directory of {@code jna.library.path} (where the launcher and the build put
 * {@code .deps/unicorn/lib}), then the system loader ({@code libunicorn.so.2}, {@code
 * libunicorn.so}). A failure is never swallowed: {@link #get()} throws a {@link MachineException}
 * naming what was tried and the fix, every time it is called.
 */
public final class FfmLibrary {
  /** Every function the binding calls; a library lacking one is refused at load. */
  static final List<String> FUNCTIONS =
      List.of(
          "uc_version",
          "uc_open",
          "uc_close",
          "uc_strerror",
          "uc_ctl",
          "uc_reg_read",
          "uc_reg_write",
          "uc_mem_map_ptr",
          "uc_emu_start",
          "uc_emu_stop",
          "uc_hook_add",
          "uc_context_alloc",
          "uc_context_save",
          "uc_context_restore",
          "uc_context_reg_read",
          "uc_context_reg_write",
          "uc_context_free");

  private static FfmLibrary instance;
  private static MachineException failure;

  private final String path;
  private final int version;
  private final SymbolLookup lookup;

  private FfmLibrary(String path, int version, SymbolLookup lookup) {
    this.path = path;
    this.version = version;
    this.lookup = lookup;
  }

  /**
   * This JVM's libunicorn, loaded on first use.
   *
   * @throws MachineException if it is missing, unloadable, older than 2.1 or incomplete
   */
  public static synchronized FfmLibrary get() {
    if (instance == null && failure == null) {
      try {
        instance = load();
      } catch (MachineException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw new MachineException(failure.getMessage(), failure);
    }
    return instance;
  }

  private static FfmLibrary load() {
    List<String> tried = new ArrayList<>();
    String jnaPath = System.getProperty("jna.library.path");
    if (jnaPath != null) {
      for (String dir : jnaPath.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        for (String name : List.of("libunicorn.so", "libunicorn.so.2")) {
          Path p = Path.of(dir, name);
          tried.add(p.toString());
          if (Files.isRegularFile(p)) {
            return bind(SymbolLookup.libraryLookup(p, Arena.global()), p.toString());
          }
        }
      }
    }
    for (String name : List.of("libunicorn.so.2", "libunicorn.so")) {
      tried.add(name + " (system loader)");
      SymbolLookup found;
      try {
        found = SymbolLookup.libraryLookup(name, Arena.global());
      } catch (IllegalArgumentException e) {
        continue;
      }
      return bind(found, loadedPath(name));
    }
    throw new MachineException(
        "libunicorn not found: tried "
            + String.join(", ", tried)
            + " (jna.library.path="
            + (jnaPath == null ? "(unset)" : jnaPath)
            + ", LD_LIBRARY_PATH="
            + System.getenv().getOrDefault("LD_LIBRARY_PATH", "(unset)")
            + "). Fix: "
            + UcVersion.FIX);
  }

  /** Checks the version and that every function exists. */
  private static FfmLibrary bind(SymbolLookup lookup, String where) {
    var versionFn = lookup.find("uc_version");
    if (versionFn.isEmpty()) {
      throw new MachineException(
          where + " is not libunicorn (it has no uc_version): " + UcVersion.FIX);
    }
    MethodHandle h = Words.downcall(versionFn.get(), 2);
    int packed;
    try {
      packed = (int) (long) h.invokeExact(0L, 0L);
    } catch (Throwable t) {
      throw new MachineException("uc_version() of " + where + " failed: " + t, t);
    }
    UcVersion.check(packed, where);
    for (String fn : FUNCTIONS) {
      if (lookup.find(fn).isEmpty()) {
        throw new MachineException(
            where
                + " (libunicorn "
                + UcVersion.text(packed)
                + ") lacks "
                + fn
                + ", which uvm4j needs: "
                + UcVersion.FIX);
      }
    }
    return new FfmLibrary(where, packed, lookup);
  }

  /** The file the system loader picked for {@code name}, from this process's mappings. */
  private static String loadedPath(String name) {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines
          .map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(f -> f.startsWith("/") && f.contains("/libunicorn.so"))
          .findFirst()
          .orElse(name);
    } catch (IOException | RuntimeException e) {
      return name;
    }
  }

  /** The symbols of the loaded library. */
  SymbolLookup lookup() {
    return lookup;
  }

  /** The file the library was loaded from (or its name when the system loader found it). */
  public String path() {
    return path;
  }

  /** {@code "major.minor.patch"}. */
  public String version() {
    return UcVersion.text(version);
  }

  /** {@code uc_version()} as packed by libunicorn. */
  public int packedVersion() {
    return version;
  }
}
