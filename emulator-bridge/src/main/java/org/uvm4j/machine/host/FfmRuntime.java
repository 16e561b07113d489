package org.uvm4j.machine.host;

/**
 * The tests both FFM bindings (libunicorn's, {@code machine.ffm}, and libc's, {@link FfmHostLibc})
 * make before reaching their classes by name: whether this JVM has the final {@code
 * java.lang.foreign} API, and the one message for a build without FFM classes. The answers are
 * sentences for the user, null meaning "available".
 */
public final class FfmRuntime {
  /** The first Java release whose {@code java.lang.foreign} is final. */
  public static final int MIN_JAVA = 22;

  private FfmRuntime() {}

  /** Why this JVM cannot run FFM code (its release is older than {@link #MIN_JAVA}), or null. */
  public static String javaTooOld() {
    int feature = Runtime.version().feature();
    if (feature >= MIN_JAVA) {
      return null;
    }
    return "this JVM is Java "
        + feature
        + " ("
        + System.getProperty("java.home")
        + "), the FFM API needs Java "
        + MIN_JAVA
        + " or later";
  }

  /** The reason given when this JVM is new enough but the FFM classes are not in the build. */
  public static String noFfmClasses() {
    return "this build of uvm4j has no FFM classes (it was compiled on a JDK older than "
        + MIN_JAVA
        + "; rebuild with 'make build' where a JDK "
        + MIN_JAVA
        + "+ is installed)";
  }
}
