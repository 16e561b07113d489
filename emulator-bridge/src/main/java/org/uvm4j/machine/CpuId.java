package org.uvm4j.machine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What the emulated CPU answers to {@code cpuid} leaves 0 and 1, asked once of the engine itself
 * while it boots ({@link org.uvm4j.machine.uc.UserModeBoot#probeCpuid}): the vendor string and the
 * highest standard leaf (leaf 0), the signature and the feature words (leaf 1). Linux passes leaf
 * 1's EDX to every program as {@code AT_HWCAP} ({@link #hwcap()}); these are what a guest's own
 * {@code cpuid} sees.
 *
 * @param vendor the 12-character vendor ({@code EBX, EDX, ECX} of leaf 0), e.g. "AuthenticAMD"
 * @param maxLeaf the highest standard leaf ({@code EAX} of leaf 0)
 * @param signature family, model and stepping ({@code EAX} of leaf 1)
 * @param ebx1 {@code EBX} of leaf 1 (brand index, CLFLUSH size, APIC id)
 * @param ecx1 the feature flags in {@code ECX} of leaf 1 (SSE3, SSSE3, XSAVE bit 26...)
 * @param edx1 the feature flags in {@code EDX} of leaf 1 (FPU bit 0, TSC, CX8, SSE, SSE2...)
 */
public record CpuId(String vendor, int maxLeaf, int signature, int ebx1, int ecx1, int edx1) {
  /** The leaf-0 registers as the vendor string (EBX, EDX, ECX, four little-endian bytes each). */
  public static String vendorOf(int ebx, int edx, int ecx) {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ebx).putInt(edx).putInt(ecx);
    return new String(b.array(), StandardCharsets.US_ASCII);
  }

  /** Linux's {@code ELF_HWCAP} on x86: {@code boot_cpu_data.x86_capability[CPUID_1_EDX]}. */
  public long hwcap() {
    return edx1 & 0xffff_ffffL;
  }
}
