/**
 * The JUnit 5 extension for tests that run guests (docs/api.md): {@link
 * org.uvm4j.api.junit.Uvm4jTest} on a test class or method registers {@link
 * org.uvm4j.api.junit.Uvm4jExtension}, which skips the test with one message when no guest can run
 * here (libunicorn missing), hands the test a fresh {@link org.uvm4j.api.junit.Uvm4jRunner}, fails
 * the test when the system audit after any of its guest runs found a problem, and attaches the last
 * trace records of the test's last run to its failure.
 *
 * <p>Invariants: one runner per test invocation, never shared; every run a runner started is
 * checked after the test; a missing guest binary or engine is a skip (aborted test), never a pass.
 *
 * <p>May import: {@code org.uvm4j.api}, what {@code api} may import, and JUnit Jupiter's API (a
 * {@code provided} dependency: the test class path brings it). Nothing in {@code org.uvm4j} imports
 * it.
 */
package org.uvm4j.api.junit;
