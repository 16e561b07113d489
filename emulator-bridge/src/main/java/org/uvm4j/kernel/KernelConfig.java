package org.uvm4j.kernel;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.uvm4j.machine.backend.BackendKind;

/**
 * How a {@link Kernel} is set up: emulated RAM, the swap file (null for none), the scheduling
 * quantum in instructions, the console streams, the default environment, the working directory
 * guests see, the seed of the deterministic random source (AT_RANDOM, getrandom), and the
 * libunicorn binding the CPU runs on (AUTO: FFM when the JVM has it, else JNA).
 */
public record KernelConfig(
    long ramBytes,
    Path swapPath,
    long swapBytes,
    long quantum,
    InputStream stdin,
    OutputStream stdout,
    OutputStream stderr,
    Map<String, String> env,
    Path cwd,
    long randomSeed,
    BackendKind backend) {
  public static final long DEFAULT_RAM = 64L << 20;
  public static final long DEFAULT_QUANTUM = 100_000;

  public KernelConfig {
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(backend, "backend");
    env = Map.copyOf(Objects.requireNonNull(env, "env"));
    if (ramBytes < (1L << 20)) {
      throw new IllegalArgumentException("RAM must be at least 1 MiB, got " + ramBytes);
    }
    if (quantum < 1) {
      throw new IllegalArgumentException("quantum must be at least 1 instruction, got " + quantum);
    }
    if (swapBytes < 0 || (swapPath == null && swapBytes != 0)) {
      throw new IllegalArgumentException("swap size needs a swap path and must not be negative");
    }
  }

  /** Defaults: 64 MiB RAM, no swap, 100,000-instruction quantum, the JVM's stdio, empty env. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link KernelConfig}. */
  public static final class Builder {
    private long ramBytes = DEFAULT_RAM;
    private Path swapPath;
    private long swapBytes;
    private long quantum = DEFAULT_QUANTUM;
    private InputStream stdin = System.in;
    private OutputStream stdout = System.out;
    private OutputStream stderr = System.err;
    private Map<String, String> env = Map.of();
    private Path cwd = Path.of("").toAbsolutePath();
    private long randomSeed = 0x5eed_cafe_f00dL;
    private BackendKind backend = BackendKind.AUTO;

    public Builder ram(long bytes) {
      this.ramBytes = bytes;
      return this;
    }

    public Builder swap(Path path, long bytes) {
      this.swapPath = path;
      this.swapBytes = bytes;
      return this;
    }

    public Builder quantum(long instructions) {
      this.quantum = instructions;
      return this;
    }

    public Builder stdin(InputStream in) {
      this.stdin = in;
      return this;
    }

    public Builder stdout(OutputStream out) {
      this.stdout = out;
      return this;
    }

    public Builder stderr(OutputStream err) {
      this.stderr = err;
      return this;
    }

    public Builder env(Map<String, String> env) {
      this.env = env;
      return this;
    }

    public Builder cwd(Path cwd) {
      this.cwd = cwd;
      return this;
    }

    public Builder randomSeed(long seed) {
      this.randomSeed = seed;
      return this;
    }

    public Builder backend(BackendKind backend) {
      this.backend = backend;
      return this;
    }

    public KernelConfig build() {
      return new KernelConfig(
          ramBytes,
          swapPath,
          swapBytes,
          quantum,
          stdin,
          stdout,
          stderr,
          env,
          cwd,
          randomSeed,
          backend);
    }
  }
}
