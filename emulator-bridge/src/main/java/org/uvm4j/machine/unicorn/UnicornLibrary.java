package org.uvm4j.machine.unicorn;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.uc.UcVersion;

/**
 * The loaded libunicorn: found, version-checked (at least {@value #MIN_VERSION_TEXT}) and bound
 * ({@link UcNative} registered) exactly once per JVM. A load failure is never swallowed: {@link
 * #get()} throws a {@link MachineException} naming what was tried and the fix, every time it is
 * called.
 */
public final class UnicornLibrary {
  /** The library name JNA searches for (libunicorn.so). */
  public static final String DEFAULT_NAME = "unicorn";

  /** Oldest usable version: the virtual TLB appeared in 2.1.0. */
  public static final int MIN_VERSION = UcVersion.MIN_VERSION;

  static final String MIN_VERSION_TEXT = UcVersion.MIN_VERSION_TEXT;

  private static final String FIX = UcVersion.FIX;

  private static UnicornLibrary instance;
  private static MachineException failure;

  private final String path;
  private final int version;
  private final long emuStop;

  private UnicornLibrary(String path, int version, long emuStop) {
    this.path = path;
    this.version = version;
    this.emuStop = emuStop;
  }

  /**
   * The libunicorn of this JVM, loaded on first use from {@code jna.library.path} or the system.
   *
   * @throws MachineException if it is missing, unloadable or older than 2.1
   */
  public static synchronized UnicornLibrary get() {
    if (instance == null && failure == null) {
      try {
        instance = load(DEFAULT_NAME);
      } catch (MachineException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw new MachineException(failure.getMessage(), failure);
    }
    return instance;
  }

  /**
   * Loads {@code nameOrPath} (a library name searched by JNA, or an absolute file), checks its
   * version and binds the API to it. Only the first successful load binds; a later call with
   * another library fails.
   */
  static synchronized UnicornLibrary load(String nameOrPath) {
    NativeLibrary lib;
    try {
      lib = NativeLibrary.getInstance(nameOrPath);
    } catch (UnsatisfiedLinkError e) {
      throw new MachineException(notFoundMessage(nameOrPath, e.getMessage()), e);
    }
    int packed;
    try {
      Function versionFn = lib.getFunction("uc_version");
      packed = versionFn.invokeInt(new Object[] {null, null});
    } catch (UnsatisfiedLinkError e) {
      throw new MachineException(
          lib.getFile() + " is not libunicorn (it has no uc_version): " + FIX, e);
    }
    checkVersion(packed, String.valueOf(lib.getFile()));
    if (instance != null) {
      if (!instance.path.equals(String.valueOf(lib.getFile()))) {
        throw new MachineException(
            "libunicorn is already bound to "
                + instance.path
                + "; cannot also bind "
                + lib.getFile());
      }
      return instance;
    }
    try {
      Native.register(UcNative.class, lib);
    } catch (UnsatisfiedLinkError e) {
      throw new MachineException(
          lib.getFile() + " (libunicorn " + text(packed) + ") lacks a function uvm4j needs: " + FIX,
          e);
    }
    instance =
        new UnicornLibrary(
            String.valueOf(lib.getFile()),
            packed,
            Pointer.nativeValue(lib.getFunction("uc_emu_stop")));
    return instance;
  }

  /**
   * Refuses a library older than 2.1.
   *
   * @param packed {@code uc_version()}'s result: major, minor, patch, extra bytes from the top
   * @param where the file it came from, for the message
   */
  static void checkVersion(int packed, String where) {
    UcVersion.check(packed, where);
  }

  private static String notFoundMessage(String nameOrPath, String jnaDetail) {
    String jnaPath = System.getProperty("jna.library.path");
    return "libunicorn not found: tried "
        + (nameOrPath.indexOf('/') >= 0
            ? nameOrPath
            : "'"
                + nameOrPath
                + "' in jna.library.path="
                + (jnaPath == null ? "(unset)" : jnaPath)
                + " and the system library path (LD_LIBRARY_PATH="
                + System.getenv().getOrDefault("LD_LIBRARY_PATH", "(unset)")
                + ", ld.so.cache)")
        + ". Fix: "
        + FIX
        + ". (JNA said: "
        + firstLine(jnaDetail)
        + ")";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "nothing";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static int pack(int major, int minor, int patch) {
    return UcVersion.pack(major, minor, patch);
  }

  /** {@code "major.minor.patch"} of a packed version. */
  static String text(int packed) {
    return UcVersion.text(packed);
  }

  /** The file the library was loaded from. */
  public String path() {
    return path;
  }

  /** {@code "major.minor.patch"}. */
  public String version() {
    return text(version);
  }

  /** The address of the library's {@code uc_emu_stop} (for native code that calls it). */
  long emuStopAddress() {
    return emuStop;
  }

  /** {@code uc_version()} as packed by libunicorn. */
  public int packedVersion() {
    return version;
  }
}
